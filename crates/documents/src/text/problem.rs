//! Why a document needs a person to read it: the values [`Extracted::problem`] holds.
//!
//! A problem is a fact about the document, not a failure of Ratusz: the text that could
//! be read is kept next to it, and the registry shows the clerk the Polish message. The
//! [`Problem::code`] is stable and meant for storage and for the API.
//!
//! [`Extracted::problem`]: super::Extracted::problem

use std::fmt;

/// Which limit a document went over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Oversize {
    /// More pages than `Limits::max_pages`; the first `read` pages were read.
    Pages {
        /// Pages in the document.
        total: u32,
        /// Pages read.
        read: u32,
    },
    /// An image (or a page rendered for OCR) over `Limits::max_pixels`.
    Pixels {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// More text than `Limits::max_text_bytes`; the text was cut there.
    Text {
        /// The limit in bytes.
        limit: u64,
    },
    /// A DOCX or ODT whose parts unpack to more than `Limits::max_unpacked_bytes`.
    Unpacked {
        /// The limit in bytes.
        limit: u64,
    },
    /// A reading program needed more memory than `Limits::memory_bytes`.
    Memory,
}

/// Why a document is marked "needs manual reading" (wymaga ręcznego odczytu).
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A PDF that needs a password to open.
    Encrypted,
    /// A file that claims a type but cannot be read as one (truncated, damaged).
    Corrupt {
        /// What the reading program said (English, technical; for logs, not for residents).
        detail: String,
    },
    /// The document is larger than a limit allows; what was read within it is kept.
    TooLarge(Oversize),
    /// A DOCX or ODT archive that unpacks far beyond its own size (a "zip bomb").
    ZipBomb {
        /// Unpacked bytes seen per compressed byte when reading stopped.
        ratio: u64,
    },
    /// A scan (image or image-only PDF) on which OCR found no text: a blank page or a photo.
    EmptyScan,
    /// OCR found text, but is unsure of it (mean word confidence below 50 %).
    Illegible {
        /// Mean word confidence, 0–1.
        confidence: f32,
    },
    /// The text does not look Polish; it is kept, but a person should read it.
    NotPolish {
        /// ISO 639-1 code of the language it looks like, when there is a guess
        /// (`en`, `de`, `uk`, `ru`).
        language_hint: Option<&'static str>,
    },
    /// A born-digital document without any text (an empty DOCX, a PDF of vector drawings).
    NoText,
    /// A type Ratusz does not read (e.g. an old binary Word `.doc`, a ZIP of other files).
    Unsupported {
        /// What the file is, in English (e.g. "Word 97-2003 document").
        kind: String,
    },
    /// A reading program ran out of its time limit and was stopped.
    Timeout,
    /// An e-mail with more attachments than `Limits::max_attachments`: the first `kept`
    /// are returned.
    TooManyAttachments {
        /// Attachments in the e-mail.
        total: usize,
        /// Attachments returned.
        kept: usize,
    },
}

impl Problem {
    /// A stable machine-readable code (`encrypted`, `corrupt`, `too_large`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Encrypted => "encrypted",
            Problem::Corrupt { .. } => "corrupt",
            Problem::TooLarge(_) => "too_large",
            Problem::ZipBomb { .. } => "zip_bomb",
            Problem::EmptyScan => "empty_scan",
            Problem::Illegible { .. } => "illegible",
            Problem::NotPolish { .. } => "not_polish",
            Problem::NoText => "no_text",
            Problem::Unsupported { .. } => "unsupported",
            Problem::Timeout => "timeout",
            Problem::TooManyAttachments { .. } => "too_many_attachments",
        }
    }

    /// The reason in Polish, for the clerk, e.g. "PDF zaszyfrowany".
    pub fn reason_pl(&self) -> String {
        match self {
            Problem::Encrypted => "PDF zaszyfrowany (wymaga hasła)".into(),
            Problem::Corrupt { .. } => "plik uszkodzony albo niekompletny".into(),
            Problem::TooLarge(over) => match over {
                Oversize::Pages { total, read } => {
                    format!("za dużo stron ({total}), odczytano tylko pierwsze {read}")
                }
                Oversize::Pixels { width, height } => {
                    format!("obraz za duży ({width} × {height} pikseli)")
                }
                Oversize::Text { limit } => {
                    format!("za dużo tekstu, odczytano pierwsze {}", bytes_pl(*limit))
                }
                Oversize::Unpacked { limit } => {
                    format!("dokument po rozpakowaniu przekracza {}", bytes_pl(*limit))
                }
                Oversize::Memory => "odczyt wymagał więcej pamięci, niż pozwala limit".into(),
            },
            Problem::ZipBomb { .. } => {
                "podejrzane archiwum: rozpakowuje się do wielokrotności swojej wielkości".into()
            }
            Problem::EmptyScan => "skan bez rozpoznawalnego tekstu (pusta strona?)".into(),
            Problem::Illegible { confidence } => format!(
                "tekst skanu nieczytelny (pewność rozpoznania {:.0} %)",
                confidence * 100.0
            ),
            Problem::NotPolish { language_hint } => match language_hint.and_then(language_pl) {
                Some(name) => format!("tekst nie jest po polsku (wygląda na {name})"),
                None => "tekst nie jest po polsku".into(),
            },
            Problem::NoText => "dokument nie zawiera tekstu".into(),
            Problem::Unsupported { kind } => format!("nieobsługiwany rodzaj pliku ({kind})"),
            Problem::Timeout => "odczyt trwał za długo i został przerwany".into(),
            Problem::TooManyAttachments { total, kept } => {
                format!("wiadomość ma {total} załączników, pobrano pierwsze {kept}")
            }
        }
    }

    /// The reason in English, e.g. "encrypted PDF"; technical details included.
    pub fn reason_en(&self) -> String {
        match self {
            Problem::Encrypted => "encrypted PDF (needs a password)".into(),
            Problem::Corrupt { detail } if detail.is_empty() => "corrupt or truncated file".into(),
            Problem::Corrupt { detail } => format!("corrupt or truncated file: {detail}"),
            Problem::TooLarge(over) => match over {
                Oversize::Pages { total, read } => {
                    format!("too many pages ({total}), only the first {read} read")
                }
                Oversize::Pixels { width, height } => {
                    format!("image too large ({width} × {height} pixels)")
                }
                Oversize::Text { limit } => format!("too much text, cut at {limit} bytes"),
                Oversize::Unpacked { limit } => {
                    format!("document unpacks to more than {limit} bytes")
                }
                Oversize::Memory => "reading needed more memory than the limit".into(),
            },
            Problem::ZipBomb { ratio } => {
                format!("suspicious archive: unpacks to {ratio}× its compressed size")
            }
            Problem::EmptyScan => "scan without recognisable text (blank page?)".into(),
            Problem::Illegible { confidence } => format!(
                "illegible scan (recognition confidence {:.0} %)",
                confidence * 100.0
            ),
            Problem::NotPolish { language_hint } => match language_hint {
                Some(code) => format!("text is not Polish (looks like {code})"),
                None => "text is not Polish".into(),
            },
            Problem::NoText => "document contains no text".into(),
            Problem::Unsupported { kind } => format!("unsupported file type ({kind})"),
            Problem::Timeout => "reading took too long and was stopped".into(),
            Problem::TooManyAttachments { total, kept } => {
                format!("message has {total} attachments, the first {kept} kept")
            }
        }
    }

    /// The status line in Polish: "wymaga ręcznego odczytu: PDF zaszyfrowany (wymaga hasła)".
    pub fn message_pl(&self) -> String {
        format!("wymaga ręcznego odczytu: {}", self.reason_pl())
    }

    /// The status line in English: "needs manual reading: encrypted PDF (needs a password)".
    pub fn message_en(&self) -> String {
        format!("needs manual reading: {}", self.reason_en())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

/// The language's name in the Polish locative-free form used after "wygląda na".
fn language_pl(code: &str) -> Option<&'static str> {
    Some(match code {
        "en" => "angielski",
        "de" => "niemiecki",
        "uk" => "ukraiński",
        "ru" => "rosyjski",
        _ => return None,
    })
}

fn bytes_pl(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} B")
    }
}
