//! Text from any incoming document — PDF, scan, DOCX, ODT, e-mail, plain text — without
//! crashing or stalling on hostile or broken input.
//!
//! [`extract`] sniffs the type from the bytes ([`sniff`]; the name and the declared media
//! type only break ties), reads the text the cheapest way that works, and returns an
//! [`Extracted`]. Whatever is wrong with the *document* is a value, [`Problem`], and marks
//! it "needs manual reading"; the text that could be read is kept beside it. Only faults of
//! the *installation* are errors ([`DocumentError`]): a missing program, Polish OCR data
//! not installed, a temp directory that cannot be made. A job retries those, or an admin
//! fixes them; a clerk could do nothing about them.
//!
//! # How each type is read
//!
//! * **PDF** ([`pdf`]): `pdfinfo` first (page count, page sizes, encryption), then
//!   `pdftotext -layout` on at most `max_pages` pages. A page whose text layer has almost
//!   no letters is a scan: it is rendered with `pdftoppm -r 300 -gray` (the resolution is
//!   lowered for a page that would exceed `max_pixels`) and read by tesseract. So a mixed
//!   PDF — typed letter plus a scanned enclosure — is read page by page.
//! * **Images** ([`ocr`]): PNG, JPEG, TIFF, WebP, GIF, BMP, PNM. Dimensions come from the
//!   header alone (the `imagesize` crate), so a 20 000 × 20 000 image is refused before
//!   anything decodes it. OCR is `tesseract … -l pol --psm 3` with `txt` and `tsv` output
//!   in one run: the text, and word confidences for [`Extracted::ocr_confidence`].
//! * **DOCX, ODT** ([`office`]): the `zip` crate and `quick-xml`, in-process; every part is
//!   read through a counting limit, never trusting the sizes the archive declares.
//! * **E-mail** ([`email`]): the `mail-parser` crate; text/plain body preferred, else HTML
//!   turned to text; attachments returned as bytes (the caller stores them and may extract
//!   each in turn), at most `max_attachments`.
//! * **Plain text and HTML** ([`plain`]): UTF-8, else Windows-1250 or ISO-8859-2, whichever
//!   gives more Polish letters (`encoding_rs`).
//!
//! Every program runs under the limits described in [`run`]: memory (`RLIMIT_AS`), output
//! size (`RLIMIT_FSIZE`), a time limit per run and a deadline for the whole document, in a
//! private temporary directory removed afterwards, with a cleared environment.
//!
//! Finally the text is checked to be Polish ([`language`]); a letter in English, German,
//! Ukrainian or Russian keeps its text and gets [`Problem::NotPolish`].

mod email;
mod language;
mod ocr;
mod office;
mod pdf;
mod plain;
mod preview;
mod problem;
mod run;
mod sniff;

#[cfg(test)]
mod tests;

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

pub use crate::DocumentError;
pub use preview::preview;
pub use problem::{Oversize, Problem};

/// The limits one extraction works within. [`Limits::default`] suits a municipal office:
/// a letter of up to 50 pages, scanned at 300 dpi.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Time limit of each program run (one page's OCR, one `pdftotext`).
    pub timeout: Duration,
    /// Time limit of the whole document; pages not reached by then are left unread.
    pub total_timeout: Duration,
    /// Address-space limit (`RLIMIT_AS`) of each program run.
    pub memory_bytes: u64,
    /// Pages read of a PDF; the rest are left and reported.
    pub max_pages: u32,
    /// Pixels of an image, or of a page rendered for OCR.
    pub max_pixels: u64,
    /// Bytes a DOCX or ODT may unpack to (the parts read, counted as they unpack).
    pub max_unpacked_bytes: u64,
    /// Attachments returned from one e-mail.
    pub max_attachments: usize,
    /// Bytes of text returned, and of any program's output.
    pub max_text_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            total_timeout: Duration::from_secs(600),
            memory_bytes: 1024 * 1024 * 1024,
            max_pages: 50,
            max_pixels: 40_000_000,
            max_unpacked_bytes: 50 * 1024 * 1024,
            max_attachments: 50,
            max_text_bytes: 20 * 1024 * 1024,
        }
    }
}

/// How the text was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The PDF's own text layer, every page.
    PdfText,
    /// Optical character recognition: an image, or a PDF with at least one scanned page.
    Ocr,
    /// An Office Open XML document (Word 2007 and later).
    Docx,
    /// An OpenDocument text (LibreOffice).
    Odt,
    /// Plain text.
    Plain,
    /// An HTML page, tags stripped.
    Html,
    /// An e-mail message: its body.
    Email,
    /// Nothing could be read (see the problem).
    None,
}

/// One attachment of an e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// File name without any directory part; made up ("zalacznik-3") when the e-mail
    /// gives none.
    pub name: String,
    /// Declared media type, e.g. `application/pdf` (sniff the bytes before trusting it).
    pub media_type: String,
    /// The decoded content.
    pub bytes: Vec<u8>,
}

/// The header fields of an e-mail that a registry entry needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmailHeader {
    /// `Subject`, decoded.
    pub subject: Option<String>,
    /// `From`: "Name <address>", or the address alone.
    pub from: Option<String>,
    /// `Date` in RFC 3339, as the sender's program wrote it (not to be trusted as the
    /// time of receipt).
    pub date: Option<String>,
}

/// What was read from a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Extracted {
    /// The text; pages of a PDF are separated by form feeds (`\f`).
    pub text: String,
    /// How it was obtained.
    pub method: Method,
    /// The sniffed media type, e.g. `application/pdf`.
    pub media_type: &'static str,
    /// Pages read (1 for an image or a text file, 0 when nothing was read).
    pub pages: u32,
    /// Mean OCR word confidence, 0–1, weighted by word length; `None` without OCR.
    pub ocr_confidence: Option<f32>,
    /// Set when a person must read the document ("wymaga ręcznego odczytu").
    pub problem: Option<Problem>,
    /// Attachments of an e-mail.
    pub attachments: Vec<Attachment>,
    /// Header fields of an e-mail.
    pub email: Option<EmailHeader>,
}

impl Extracted {
    fn new(method: Method, media_type: &'static str) -> Self {
        Self {
            text: String::new(),
            method,
            media_type,
            pages: 0,
            ocr_confidence: None,
            problem: None,
            attachments: Vec::new(),
            email: None,
        }
    }

    fn with_problem(method: Method, media_type: &'static str, problem: Problem) -> Self {
        let mut out = Self::new(method, media_type);
        out.problem = Some(problem);
        out
    }

    /// Whether a person must read the document.
    pub fn needs_manual_reading(&self) -> bool {
        self.problem.is_some()
    }

    /// Keeps the first problem found: it is the one that explains the rest.
    fn flag(&mut self, problem: Problem) {
        if self.problem.is_none() {
            self.problem = Some(problem);
        }
    }
}

/// Reads the text of an incoming file. `file_name` and `media_type` are hints only: the
/// bytes decide. Never panics on any input; see the [module docs](self).
pub fn extract(
    bytes: &[u8],
    file_name: &str,
    media_type: Option<&str>,
    limits: &Limits,
) -> Result<Extracted, DocumentError> {
    let deadline = Instant::now() + limits.total_timeout;
    // The in-process parsers (zip, quick-xml, mail-parser, encoding_rs) are safe Rust,
    // but a panic in one of them on hostile input must not take the worker down: it is
    // caught and the file reported as one we could not read.
    let guarded = |read: &dyn Fn() -> Result<Extracted, DocumentError>, kind: sniff::Kind| {
        std::panic::catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| {
            Ok(Extracted::with_problem(
                Method::None,
                kind.media_type(),
                Problem::Corrupt {
                    detail: "the parser failed on this file".into(),
                },
            ))
        })
    };
    let kind = std::panic::catch_unwind(|| sniff::sniff(bytes, file_name, media_type))
        .unwrap_or(sniff::Kind::Unsupported("file the type sniffer failed on"));
    let mut out = match kind {
        sniff::Kind::Pdf => pdf::extract(bytes, limits, deadline)?,
        sniff::Kind::Image(format) => ocr::image(bytes, format, limits, deadline)?,
        sniff::Kind::Docx => guarded(&|| Ok(office::docx(bytes, limits)), kind)?,
        sniff::Kind::Odt => guarded(&|| Ok(office::odt(bytes, limits)), kind)?,
        sniff::Kind::Email => guarded(&|| Ok(email::extract(bytes, limits)), kind)?,
        sniff::Kind::Html => guarded(&|| Ok(plain::html(bytes)), kind)?,
        sniff::Kind::Text => guarded(&|| Ok(plain::text(bytes)), kind)?,
        sniff::Kind::Empty => {
            Extracted::with_problem(Method::None, kind.media_type(), Problem::NoText)
        }
        sniff::Kind::Unsupported(what) => Extracted::with_problem(
            Method::None,
            kind.media_type(),
            Problem::Unsupported { kind: what.into() },
        ),
    };
    finish(&mut out, limits);
    Ok(out)
}

/// The checks every document gets: the size of the text, emptiness, the language.
fn finish(out: &mut Extracted, limits: &Limits) {
    let limit = usize::try_from(limits.max_text_bytes).unwrap_or(usize::MAX);
    if out.text.len() > limit {
        let mut cut = limit;
        while !out.text.is_char_boundary(cut) {
            cut -= 1;
        }
        out.text.truncate(cut);
        out.flag(Problem::TooLarge(Oversize::Text {
            limit: limits.max_text_bytes,
        }));
    }
    if out.problem.is_some() {
        return;
    }
    if !out.text.chars().any(char::is_alphanumeric) && out.attachments.is_empty() {
        out.flag(if out.method == Method::Ocr {
            Problem::EmptyScan
        } else {
            Problem::NoText
        });
        return;
    }
    if let language::Verdict::Other(language_hint) = language::check(&out.text) {
        out.flag(Problem::NotPolish { language_hint });
    }
}
