//! File types and the check of one uploaded file.
//!
//! The type is judged by what the content is (sniffed by the caller), never by the file name: a
//! renamed executable must not pass as `wniosek.pdf`.

use super::{Field, FieldProblem, FileType};

/// One megabyte as the resident's computer shows it (1024 × 1024 bytes), so a file listed as
/// "10 MB" is accepted under a 10 MB limit.
const MB: u64 = 1024 * 1024;

impl FileType {
    pub const ALL: [FileType; 8] = [
        Self::Pdf,
        Self::Jpg,
        Self::Png,
        Self::Tiff,
        Self::Odt,
        Self::Docx,
        Self::Xml,
        Self::Txt,
    ];

    /// The name used in definitions: "pdf", "jpg", …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpg => "jpg",
            Self::Png => "png",
            Self::Tiff => "tiff",
            Self::Odt => "odt",
            Self::Docx => "docx",
            Self::Xml => "xml",
            Self::Txt => "txt",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpg => "image/jpeg",
            Self::Png => "image/png",
            Self::Tiff => "image/tiff",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xml => "application/xml",
            Self::Txt => "text/plain",
        }
    }

    /// The type of a detected MIME type (as the `infer` crate reports it; also "text/plain",
    /// "application/xml"/"text/xml"); None when not one of ours. Parameters such as
    /// `; charset=utf-8` and letter case are ignored.
    pub fn from_mime(mime: &str) -> Option<FileType> {
        let essence = mime
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/xml" => Some(Self::Xml),
            "image/jpg" | "image/pjpeg" => Some(Self::Jpg),
            other => Self::ALL.into_iter().find(|t| t.mime() == other),
        }
    }

    /// "PDF", "JPG", … as residents know them.
    fn shown(self) -> String {
        self.as_str().to_ascii_uppercase()
    }
}

/// Checks one uploaded file for a file field: `detected` is the type sniffed from the content
/// (None when unknown), `size` in bytes. Codes "file-type" (the message names the allowed types)
/// and "file-size" (the message names the limit in MB).
pub fn check_file(
    field: &Field,
    file_name: &str,
    detected: Option<FileType>,
    size: u64,
) -> Result<(), FieldProblem> {
    let label = &field.label;
    if !detected.is_some_and(|t| field.accept.contains(&t)) {
        let allowed = field
            .accept
            .iter()
            .map(|t| t.shown())
            .collect::<Vec<_>>()
            .join(", ");
        let (found_pl, found_en) = match detected {
            Some(t) => (
                format!("to plik {}", t.shown()),
                format!("it is a {} file", t.shown()),
            ),
            None => (
                "nie rozpoznano jego typu".to_owned(),
                "its type was not recognised".to_owned(),
            ),
        };
        return Err(FieldProblem {
            field: field.id.clone(),
            code: "file-type",
            message_pl: format!(
                "Pliku „{file_name}” nie można dołączyć w polu „{}” ({found_pl}). Dozwolone typy: {allowed}. Zapisz dokument w jednym z nich (np. wydrukuj do PDF) i dołącz go ponownie.",
                label.pl
            ),
            message_en: format!(
                "The file “{file_name}” cannot be attached to “{}” ({found_en}). Allowed types: {allowed}. Save the document as one of them (e.g. print to PDF) and attach it again.",
                label.en
            ),
        });
    }
    let limit = u64::from(field.max_size_mb) * MB;
    if size > limit {
        let (size_pl, size_en) = megabytes(size);
        let max = field.max_size_mb;
        return Err(FieldProblem {
            field: field.id.clone(),
            code: "file-size",
            message_pl: format!(
                "Plik „{file_name}” w polu „{}” jest za duży ({size_pl} MB). Największy dopuszczalny rozmiar to {max} MB. Zmniejsz go, np. zeskanuj w niższej rozdzielczości lub podziel na części, i dołącz ponownie.",
                label.pl
            ),
            message_en: format!(
                "The file “{file_name}” in “{}” is too large ({size_en} MB). The largest allowed size is {max} MB. Make it smaller, e.g. scan at a lower resolution or split it, and attach it again.",
                label.en
            ),
        });
    }
    Ok(())
}

/// The size in MB with one decimal, rounded up so that a file just over the limit never reads
/// as exactly the limit: ("10,1", "10.1").
fn megabytes(size: u64) -> (String, String) {
    let tenths = size.saturating_mul(10).div_ceil(MB);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    (format!("{whole},{tenth}"), format!("{whole}.{tenth}"))
}
