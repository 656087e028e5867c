//! AI intake: what Ratusz reads out of an incoming letter before a person looks at it. This
//! part is pure: facts from text ([`facts`]). OCR, routing and drafting live in `documents`
//! and `app`.

pub mod facts;

pub use facts::{Fact, FactKind, extract};
