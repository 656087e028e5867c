//! Document files: OCR, PDF text, rendering letters and receipts, KSeF and CAP XML.
//! Filled by later capabilities; the crate exists now so that the dependency direction is fixed.
