//! Files staff attach to items and cases: the type is decided by the bytes (`infer`), never by
//! the name or the browser's claim, and only types an office keeps in a case file are accepted.
//! Files that pass are then scanned for viruses (`crate::antivirus`) before they are stored.

use crate::FieldError;

/// A file as received.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A checked file: safe name, detected media type.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// Media types accepted in a case file.
pub const ALLOWED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "text/plain",
    "application/xml",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
];

/// Checks a file against the size limit and the allowed types.
pub fn check(field: &str, up: Upload, max_bytes: usize) -> Result<CheckedFile, FieldError> {
    if up.bytes.is_empty() {
        return Err(FieldError::new(
            field,
            "empty-file",
            "Plik jest pusty; wybierz właściwy plik.",
            "The file is empty; choose the right file.",
        ));
    }
    if up.bytes.len() > max_bytes {
        let mib = max_bytes / (1024 * 1024);
        return Err(FieldError::new(
            field,
            "file-too-large",
            format!(
                "Plik jest za duży: dopuszczalne najwyżej {mib} MB. Zmniejsz rozdzielczość skanu lub podziel plik."
            ),
            format!(
                "The file is too large: at most {mib} MB. Lower the scan resolution or split the file."
            ),
        ));
    }
    let media_type = detect(&up.bytes).ok_or_else(|| {
        FieldError::new(
            field,
            "file-type",
            "Niedozwolony rodzaj pliku. Dopuszczalne: PDF, PNG, JPEG, TIFF, TXT, XML, ODT, DOCX.",
            "File type not allowed. Allowed: PDF, PNG, JPEG, TIFF, TXT, XML, ODT, DOCX.",
        )
    })?;
    Ok(CheckedFile {
        file_name: safe_name(&up.file_name, media_type),
        media_type: media_type.to_owned(),
        bytes: up.bytes,
    })
}

/// The media type of a file from its bytes, when it is one an office keeps.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    detect(bytes)
}

fn detect(bytes: &[u8]) -> Option<&'static str> {
    if let Some(t) = infer::get(bytes) {
        // infer names XML `text/xml`; we keep it (e-forms, XAdES signatures) as application/xml.
        let m = match t.mime_type() {
            "text/xml" => "application/xml",
            m => m,
        };
        return ALLOWED.iter().copied().find(|a| *a == m);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    if text.contains('\0') {
        return None;
    }
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("<?xml")
    {
        Some("application/xml")
    } else {
        Some("text/plain")
    }
}

/// A file name without paths or control characters, at most 120 characters, with an extension
/// matching its type.
pub fn safe_name(name: &str, media_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    let ext = extension(media_type);
    if cleaned.is_empty() {
        cleaned = format!("plik.{ext}");
    } else if !cleaned.to_lowercase().ends_with(&format!(".{ext}")) {
        cleaned = format!("{cleaned}.{ext}");
    }
    cleaned
}

pub fn extension(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/tiff" => "tif",
        "application/xml" => "xml",
        "application/vnd.oasis.opendocument.text" => "odt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        _ => "txt",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_with_a_prolog_is_kept_as_xml() {
        let f = check(
            "files",
            up("podpis.xml", b"<?xml version=\"1.0\"?><ds:Signature/>"),
            1 << 20,
        )
        .expect("XML is allowed");
        assert_eq!(f.media_type, "application/xml");
        assert_eq!(f.file_name, "podpis.xml");
    }

    fn up(name: &str, bytes: &[u8]) -> Upload {
        Upload {
            file_name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn types_come_from_the_bytes() {
        let pdf = check("f", up("skan.pdf", b"%PDF-1.7\n..."), 1000).unwrap();
        assert_eq!(pdf.media_type, "application/pdf");
        let txt = check("f", up("notatka", "Zażółć".as_bytes()), 1000).unwrap();
        assert_eq!(txt.media_type, "text/plain");
        assert_eq!(txt.file_name, "notatka.txt");
        // An executable renamed to .pdf is refused.
        let exe = check(
            "f",
            up("skan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
            1000,
        );
        assert_eq!(exe.unwrap_err().code, "file-type");
        let bin = check("f", up("x.txt", &[0xff, 0xfe, 0x00, 0x01]), 1000);
        assert_eq!(bin.unwrap_err().code, "file-type");
    }

    #[test]
    fn limits_and_names() {
        assert_eq!(
            check("f", up("a.txt", &[b'a'; 11]), 10).unwrap_err().code,
            "file-too-large"
        );
        assert_eq!(
            check("f", up("a.txt", b""), 10).unwrap_err().code,
            "empty-file"
        );
        assert_eq!(safe_name("../../etc/passwd", "text/plain"), "passwd.txt");
        assert_eq!(
            safe_name("C:\\skany\\pismo.PDF", "application/pdf"),
            "pismo.PDF"
        );
        assert_eq!(safe_name("", "image/png"), "plik.png");
    }
}
