//! Crisis alerts to residents (ostrzeżenia, as with Alert RCB): the pure building blocks.
//!
//! An alert is an OASIS Common Alerting Protocol 1.2 message ([`Alert`], [`model`]), the
//! standard Alert RCB, MeteoAlarm and public-alert services speak, so what Ratusz sends can
//! be passed on and what others send can be re-published. This module holds what needs no
//! I/O; XML (CAP and Atom) lives in the documents crate, storage and delivery elsewhere.
//!
//! * [`model`]: the CAP 1.2 message, one field per schema element; CAP times.
//! * [`validate()`]: every problem of an alert a clerk composes, with Polish and English
//!   messages that say what to fix.
//! * [`geo`]: which residents' points an area covers (polygons, circles).
//! * [`sms`]: the alert's SMS in GSM-7, at most two parts.
//! * [`phone`]: Polish mobile numbers for SMS subscriptions.
//! * [`templates`]: prefilled starts (storm, flood, …) and residents' subscription topics.
//!
//! No crate was added for this: geometry, GSM-7 and CAP's enumerations are small and
//! exact enough to write here.

pub mod geo;
pub mod model;
pub mod phone;
pub mod sms;
pub mod templates;
pub mod validate;

pub use geo::{AreaMatcher, bench_workload, count_contained, distance_km};
pub use model::{
    Alert, Area, Category, Certainty, Circle, Info, MsgType, NamedValue, Point, Polygon, Reference,
    Resource, ResponseType, Scope, Severity, Status, Urgency, format_cap_time, parse_cap_time,
};
pub use sms::{
    SmsText, SmsTooLong, check_sms, check_sms_with, derive_sms, derive_sms_for,
    derive_sms_for_with, derive_sms_with, unsubscribe_suffix,
};
pub use templates::{Template, Topic, topics_for};
pub use validate::{Issue, IssueKind, validate, validate_with_sms};
