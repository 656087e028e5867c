//! CAP 1.2 XML for crisis alerts: writing ours, reading other services' safely, and the
//! Atom feed of the public alerts page.
//!
//! The alert itself is [`ratusz_core::alerts::Alert`]; this module only turns it into XML
//! and back:
//!
//! * [`write_cap`]: an alert as CAP 1.2 XML, elements in schema order. The tests validate
//!   the output against the OASIS schema with the real `xmllint` (package libxml2-utils).
//! * [`read_cap`]: CAP 1.1 or 1.2 from outside, under limits, refusing DTDs and entities
//!   ([`reader`] explains every guard and which check refuses which known-bad file).
//! * [`write_atom`]: the public feed (RFC 4287) linking each alert's page and CAP XML.
//! * [`read_feed`]: another service's Atom or RSS index of CAP alerts, as guarded as `read_cap`.
//!
//! XML is written by hand (a few dozen elements with fixed order; escaping in `xml.rs`) and
//! read with quick-xml, which never expands a DTD and has no network code.

mod atom;
mod error;
pub mod feed;
pub mod reader;
mod writer;
mod xml;

#[cfg(test)]
mod tests;

pub use atom::{AtomEntry, AtomFeed, write_atom};
pub use error::CapError;
pub use feed::{CapFeed, EntryContent, FeedEntry, FeedKind, read_feed};
pub use reader::{CAP_1_0_NAMESPACE, CAP_1_1_NAMESPACE, ReadLimits, read_cap, read_cap_with};
pub use writer::{CAP_1_2_NAMESPACE, write_cap};
