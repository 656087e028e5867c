//! What a file is, from its first bytes. A file's name and declared media type are
//! chosen by the sender and are wrong often enough (a scan called `pismo.pdf.jpg`, a
//! `.doc` that is really RTF); they only decide between types the bytes cannot tell apart
//! (an e-mail without typical headers, HTML without a doctype).

use std::io::{Cursor, Read};

/// An image format tesseract reads (through leptonica).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImageFormat {
    Png,
    Jpeg,
    Tiff,
    Webp,
    Gif,
    Bmp,
    Pnm,
}

impl ImageFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Tiff => "image/tiff",
            ImageFormat::Webp => "image/webp",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Bmp => "image/bmp",
            ImageFormat::Pnm => "image/x-portable-anymap",
        }
    }

    /// The extension tesseract's input file gets (leptonica sniffs too, but a right name
    /// costs nothing).
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Tiff => "tif",
            ImageFormat::Webp => "webp",
            ImageFormat::Gif => "gif",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Pnm => "pnm",
        }
    }
}

/// The kinds of file [`super::extract`] tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Pdf,
    Image(ImageFormat),
    Docx,
    Odt,
    Email,
    Html,
    Text,
    Empty,
    /// What the file is, in English.
    Unsupported(&'static str),
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Image(format) => format.media_type(),
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Odt => "application/vnd.oasis.opendocument.text",
            Kind::Email => "message/rfc822",
            Kind::Html => "text/html",
            Kind::Text => "text/plain",
            Kind::Empty | Kind::Unsupported(_) => "application/octet-stream",
        }
    }
}

/// Decides what `bytes` are.
pub(crate) fn sniff(bytes: &[u8], file_name: &str, media_type: Option<&str>) -> Kind {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Kind::Empty;
    }
    // The PDF header may follow some junk; readers accept it within the first kilobyte.
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Kind::Pdf;
    }
    if let Some(format) = image_format(bytes) {
        return Kind::Image(format);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Kind::Unsupported("Word 97-2003 or another OLE document");
    }
    if bytes.starts_with(b"{\\rtf") {
        return Kind::Unsupported("RTF document");
    }
    for (magic, what) in [
        (&b"\x1f\x8b"[..], "gzip archive"),
        (b"Rar!", "RAR archive"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (b"\x7fELF", "program"),
        (b"MZ", "program"),
    ] {
        if bytes.starts_with(magic) {
            return Kind::Unsupported(what);
        }
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Kind::Text; // UTF-16 with a byte-order mark
    }
    if !looks_like_text(bytes) {
        return Kind::Unsupported("binary data");
    }
    let lower_name = file_name.to_ascii_lowercase();
    let declared = media_type.unwrap_or("").to_ascii_lowercase();
    if looks_like_email(bytes)
        || lower_name.ends_with(".eml")
        || declared.starts_with("message/rfc822")
    {
        return Kind::Email;
    }
    if looks_like_html(bytes)
        || lower_name.ends_with(".html")
        || lower_name.ends_with(".htm")
        || declared.starts_with("text/html")
    {
        return Kind::Html;
    }
    Kind::Text
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn image_format(bytes: &[u8]) -> Option<ImageFormat> {
    use imagesize::ImageType;
    // imagesize also knows formats tesseract does not read (PSD, EXR, …): those fall
    // through to "unsupported binary data".
    Some(match imagesize::image_type(bytes).ok()? {
        ImageType::Png => ImageFormat::Png,
        ImageType::Jpeg => ImageFormat::Jpeg,
        ImageType::Tiff => ImageFormat::Tiff,
        ImageType::Webp => ImageFormat::Webp,
        ImageType::Gif => ImageFormat::Gif,
        ImageType::Bmp => ImageFormat::Bmp,
        ImageType::Pnm => ImageFormat::Pnm,
        _ => return None,
    })
}

/// DOCX has `word/document.xml`; ODT has `content.xml` and a `mimetype` entry naming it.
/// Only the central directory and the few bytes of `mimetype` are read here.
fn zip_kind(bytes: &[u8]) -> Kind {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Kind::Unsupported("damaged ZIP archive");
    };
    let has = |archive: &zip::ZipArchive<_>, name: &str| archive.file_names().any(|n| n == name);
    if has(&archive, "word/document.xml") {
        return Kind::Docx;
    }
    if has(&archive, "content.xml") {
        let mut declared = Vec::new();
        if let Ok(entry) = archive.by_name("mimetype") {
            // A few dozen bytes by the standard; read no more than that whatever it claims.
            let _ = entry.take(128).read_to_end(&mut declared);
        } else {
            return Kind::Odt;
        }
        if declared.starts_with(b"application/vnd.oasis.opendocument.text") {
            return Kind::Odt;
        }
        return Kind::Unsupported("OpenDocument other than text (spreadsheet, slides)");
    }
    let names: Vec<&str> = archive.file_names().collect();
    if names
        .iter()
        .any(|n| n.starts_with("xl/") || n.starts_with("ppt/"))
    {
        return Kind::Unsupported("Excel or PowerPoint document");
    }
    Kind::Unsupported("ZIP archive")
}

/// Text has no NUL bytes and few control characters (in any of the 8-bit encodings we
/// read, control characters are below 0x20).
fn looks_like_text(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if sample.contains(&0) {
        return false;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    controls * 100 <= sample.len()
}

/// An RFC 5322 message starts with header fields; we want at least two of the usual ones
/// among the first lines, and the first line must be a header (or an mbox `From ` line).
fn looks_like_email(bytes: &[u8]) -> bool {
    const FIELDS: [&str; 10] = [
        "from:",
        "to:",
        "subject:",
        "date:",
        "message-id:",
        "mime-version:",
        "received:",
        "return-path:",
        "content-type:",
        "delivered-to:",
    ];
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8 * 1024)]).to_ascii_lowercase();
    let mut lines = head.lines().take_while(|l| !l.trim().is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    let is_field = |line: &str| {
        line.split_once(':').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    };
    if !is_field(first) && !first.starts_with("from ") {
        return false;
    }
    let known = std::iter::once(first)
        .chain(lines)
        .filter(|line| FIELDS.iter().any(|f| line.starts_with(f)))
        .count();
    known >= 2
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body")
}
