//! Document files: OCR, PDF text, rendering letters and receipts, KSeF and CAP XML.
//!
//! Heavy dependencies live here so that the other crates build fast. So far the crate
//! renders PDFs ([`pdf`]): official letters ([`render_letter`]) and tabular lists such as
//! the case index and the handover list ([`render_table`]).

mod error;
pub mod pdf;

pub use error::DocumentError;
pub use pdf::{Fonts, LetterPdf, TableColumn, TablePdf, render_letter, render_table};
