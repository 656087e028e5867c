//! AI intake: what Ratusz reads out of an incoming letter before a person looks at it. This
//! part is pure: facts from text ([`facts`]), the sender's block ([`sender`]), the
//! administrator's routing rules ([`rules`]), the statistical routing model ([`classify`]),
//! combining rules and the model into suggestions ([`route`]) and near-duplicate fingerprints
//! ([`similar`]). OCR lives in `documents`; the robot that runs it all lives in `app`.

pub mod classify;
pub mod facts;
pub mod route;
pub mod rules;
pub mod sender;
pub mod similar;

pub use facts::{Fact, FactKind, extract};
