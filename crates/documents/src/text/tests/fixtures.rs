//! Test documents, made at test time: letters rendered by our own renderer, scans made
//! from them with poppler, Office files and e-mails assembled with the crates we read
//! them with. Nothing binary is checked in.

use std::io::Write;
use std::process::Command;

use crate::pdf::{Fonts, GrayImage, LetterPdf, render_letter, render_scan_pdf};

pub const POLISH_BODY: &str = "Zwracam się z uprzejmą prośbą o wydanie zezwolenia na \
wycinkę dwóch drzew rosnących na działce nr 123/4 przy ulicy Źródlanej w Przykładowie. \
Drzewa są chore, pochylone nad budynkiem mieszkalnym i zagrażają bezpieczeństwu ludzi. \
Łączna liczba drzew przeznaczonych do wycinki: dwa (klon i jesion).\n\n\
W załączeniu przesyłam zdjęcia oraz mapkę z zaznaczeniem miejsca, w którym rosną.";

pub const ENGLISH_BODY: &str = "Dear Sir or Madam, I am writing to ask whether the \
municipality would accept my application for a permit to remove two trees from my \
garden. The trees are old and they are leaning over the house. Please let me know which \
documents you need from me and how long the decision will take. Kind regards.";

pub const UKRAINIAN_BODY: &str = "Шановні пані та панове! Звертаюся до вас із проханням \
видати дозвіл на вирубку двох дерев, які ростуть на моїй ділянці. Дерева старі й \
нахилилися над житловим будинком, тому становлять загрозу для людей. Прошу повідомити, \
які документи потрібні. З повагою, Олена Коваленко.";

pub fn fonts() -> Fonts {
    Fonts::system().expect("DejaVu fonts: run scripts/install-deps.sh")
}

/// A one-page letter with `body`, rendered by the crate's own renderer.
pub fn letter(body: &str) -> Vec<u8> {
    let letter = LetterPdf {
        office_lines: vec![
            "Jan Kowalski".into(),
            "ul. Lipowa 7, 00-001 Przykładowo".into(),
        ],
        place_and_date: "Przykładowo, 12 marca 2026 r.".into(),
        sign: String::new(),
        addressee_lines: vec!["Wójt Gminy Przykładowo".into()],
        title: "Wniosek o zezwolenie na usunięcie drzew".into(),
        body: body.into(),
        signature_lines: vec!["Jan Kowalski".into()],
        footer_lines: Vec::new(),
        metadata_title: "Wniosek".into(),
    };
    render_letter(&fonts(), &letter).expect("render the letter")
}

/// Fails, with the package to install, when a program is not there.
pub fn require(program: &str, package: &str) {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join(program).is_file());
    assert!(
        found,
        "{program} not found: install the Debian package {package} (scripts/install-deps.sh)"
    );
}

/// The pages of `pdf` as grey images at `dpi`, by `pdftoppm -gray`.
pub fn rasterise(pdf: &[u8], dpi: u32) -> Vec<GrayImage> {
    require("pdftoppm", "poppler-utils");
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).expect("write PDF");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray"])
        .arg(&input)
        .arg(dir.path().join("page"))
        .status()
        .expect("run pdftoppm");
    assert!(status.success(), "pdftoppm failed");
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list pages")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|p| GrayImage::from_pgm(&std::fs::read(p).expect("read page")).expect("PGM"))
        .collect()
}

/// The letter as a scanner without OCR would give it: page images only, no text layer.
pub fn scanned_letter(body: &str) -> Vec<u8> {
    render_scan_pdf(&rasterise(&letter(body), 300), 300.0).expect("scan PDF")
}

/// `pdf` encrypted (RC4, 128 bits) with the user password "tajne".
pub fn encrypted(pdf: &[u8]) -> Vec<u8> {
    use lopdf::{EncryptionState, EncryptionVersion, Object, Permissions};
    let mut doc = lopdf::Document::load_mem(pdf).expect("load PDF");
    // The key derivation needs the file identifier, which our renderer leaves out.
    let id = Object::string_literal(b"ratusz-test-0001".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let version = EncryptionVersion::V2 {
        document: &doc,
        owner_password: "wlasciciel",
        user_password: "tajne",
        key_length: 128,
        permissions: Permissions::all(),
    };
    let state = EncryptionState::try_from(version).expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A ZIP archive of `(name, content, compressed)` entries, in order.
pub fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content, compressed) in entries {
        let method = if *compressed {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(content.len() > u32::MAX as usize);
        writer.start_file(*name, options).expect("start entry");
        writer.write_all(content).expect("write entry");
    }
    writer.finish().expect("finish zip").into_inner()
}

pub fn docx(document_xml: &str) -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes(), true),
        ("word/document.xml", document_xml.as_bytes(), true),
    ])
}

/// A DOCX whose paragraphs are the lines of `text`.
pub fn docx_of(text: &str) -> Vec<u8> {
    let paragraphs: String = text
        .lines()
        .map(|line| format!("<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>"))
        .collect();
    docx(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{paragraphs}</w:body></w:document>"
    ))
}

pub fn odt(content_xml: &str) -> Vec<u8> {
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.text",
            false,
        ),
        ("content.xml", content_xml.as_bytes(), true),
    ])
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-\
officedocument.wordprocessingml.document.main+xml\"/></Types>";

/// A PNG of which only the signature and the IHDR chunk exist: it claims `width ×
/// height` pixels and has no image data at all (the CRC is not even right).
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, deflate, no filter, no interlace
    png.extend_from_slice(&[0, 0, 0, 0]);
    png
}

/// A multipart e-mail with a Polish body and `count` small attachments.
pub fn email_with_attachments(count: usize) -> Vec<u8> {
    let mut mail = String::from(
        "From: Jan Kowalski <jan@example.org>\r\n\
         To: urzad@przykladowo.example\r\n\
         Subject: =?UTF-8?Q?Wniosek_o_wycink=C4=99_drzew?=\r\n\
         Date: Thu, 12 Mar 2026 10:15:00 +0100\r\n\
         Message-ID: <test-1@example.org>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"GRANICA\"\r\n\r\n\
         --GRANICA\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n",
    );
    mail.push_str(POLISH_BODY);
    mail.push_str("\r\n");
    for n in 1..=count {
        mail.push_str(&format!(
            "--GRANICA\r\n\
             Content-Type: image/jpeg; name=\"zdjecie-{n}.jpg\"\r\n\
             Content-Disposition: attachment; filename=\"zdjecie-{n}.jpg\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n\
             /9j/4AAQSkZJRgABAQ==\r\n"
        ));
    }
    mail.push_str("--GRANICA--\r\n");
    mail.into_bytes()
}
