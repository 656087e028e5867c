//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while reading or writing a document file.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// A font file the renderer needs is not on disk.
    #[error(
        "font file {} not found: install the Debian package {package} \
         (scripts/install-deps.sh does it) or point Fonts::from_paths at the font",
        path.display()
    )]
    FontMissing {
        /// The file that was looked for.
        path: PathBuf,
        /// The Debian package that provides it.
        package: &'static str,
    },
    /// A font file exists but could not be read.
    #[error("cannot read font file {}: {source}", path.display())]
    FontRead {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A font file was read but is not a TrueType font the renderer can use.
    #[error("font file {} is not a usable TrueType font: {reason}", path.display())]
    FontInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The table to render is malformed (no columns, bad widths, too many cells).
    #[error("invalid table: {0}")]
    InvalidTable(String),
    /// The document would exceed the page limit that guards against runaway input.
    #[error("document would have more than {max} pages")]
    TooManyPages {
        /// The limit.
        max: usize,
    },
    /// The PDF writer reported a failure.
    #[error("PDF writer error: {0}")]
    Pdf(String),
    /// A program that reading documents needs is not installed.
    #[error(
        "program {program} not found: install the Debian package {package} \
         (scripts/install-deps.sh does it)"
    )]
    ProgramMissing {
        /// The program's name.
        program: &'static str,
        /// The Debian package that provides it.
        package: &'static str,
    },
    /// Tesseract is installed but its trained data for a language is not.
    #[error(
        "tesseract has no data for language {language}: install the Debian package \
         tesseract-ocr-{language} (scripts/install-deps.sh does it)"
    )]
    OcrLanguageMissing {
        /// Tesseract's language code, e.g. `pol`.
        language: &'static str,
    },
    /// A program could not be started or waited for.
    #[error("cannot run {program}: {source}")]
    Spawn {
        /// The program's name.
        program: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The private working directory or a file in it could not be made or read.
    #[error("temporary file: {source}")]
    TempFile {
        /// The operating system's error.
        source: std::io::Error,
    },
}
