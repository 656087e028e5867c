//! Document files: OCR, PDF text, rendering letters and receipts, KSeF and CAP XML.
//!
//! Heavy dependencies live here so that the other crates build fast. So far the crate
//! renders PDFs ([`pdf`]): official letters ([`render_letter`]) and tabular lists such as
//! the case index and the handover list ([`render_table`]). It reads the text of incoming
//! files ([`text`]): PDFs, scans (OCR), DOCX, ODT, e-mail and plain text, under limits
//! ([`extract`]). It writes and safely reads CAP 1.2 crisis alerts and writes the public
//! alerts' Atom feed ([`cap`]).

pub mod cap;
mod error;
pub mod pdf;
pub mod text;

pub use error::DocumentError;
pub use pdf::{
    Fonts, GrayImage, LetterPdf, TableColumn, TablePdf, render_letter, render_scan_pdf,
    render_table,
};
pub use text::{Attachment, EmailHeader, Extracted, Limits, Method, Oversize, Problem, extract};
