//! [`extract`] on real files: poppler and tesseract run for real (a missing program fails
//! the test with the package to install). No timing is asserted; speed is
//! `ratusz bench ocr`.

mod fixtures;

use std::time::Duration;

use fixtures::*;

use super::*;
use crate::pdf::{GrayImage, render_scan_pdf};

fn read(bytes: &[u8], name: &str, limits: &Limits) -> Extracted {
    extract(bytes, name, None, limits).unwrap_or_else(|e| panic!("extract {name}: {e}"))
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn born_digital_pdf_is_read_from_its_text_layer() {
    let out = read(&letter(POLISH_BODY), "wniosek.pdf", &Limits::default());
    assert_eq!(out.problem, None, "{out:?}");
    assert_eq!(out.method, Method::PdfText);
    assert_eq!(out.media_type, "application/pdf");
    assert_eq!(out.pages, 1);
    assert_eq!(out.ocr_confidence, None);
    let text = flat(&out.text);
    assert!(text.contains("wycinkę dwóch drzew"), "{text}");
    assert!(text.contains("Łączna liczba drzew"), "{text}");
}

#[test]
fn scanned_pdf_is_read_by_ocr_with_polish_letters() {
    require("tesseract", "tesseract-ocr");
    let out = read(&scanned_letter(POLISH_BODY), "skan.pdf", &Limits::default());
    assert_eq!(out.problem, None, "{out:?}");
    assert_eq!(out.method, Method::Ocr);
    assert_eq!(out.pages, 1);
    let confidence = out.ocr_confidence.expect("OCR confidence");
    assert!(confidence > 0.5 && confidence <= 1.0, "{confidence}");
    let text = flat(&out.text);
    for word in [
        "wycinkę",
        "drzew",
        "Drzewa",
        "działce",
        "Źródlanej",
        "bezpieczeństwu",
        "Łączna",
    ] {
        assert!(text.contains(word), "OCR missed {word:?} in: {text}");
    }
}

#[test]
fn a_file_name_does_not_decide_the_type() {
    // A PDF named like an image, and an image named like a PDF.
    let out = read(&letter(POLISH_BODY), "zdjecie.jpg", &Limits::default());
    assert_eq!(out.method, Method::PdfText);
    let out = read(&png_header(20_000, 20_000), "pismo.pdf", &Limits::default());
    assert_eq!(out.media_type, "image/png");
}

#[test]
fn encrypted_pdf_needs_manual_reading() {
    let out = read(
        &encrypted(&letter(POLISH_BODY)),
        "zaszyfrowany.pdf",
        &Limits::default(),
    );
    assert_eq!(out.problem, Some(Problem::Encrypted), "{out:?}");
    assert!(out.needs_manual_reading());
    let message = Problem::Encrypted.message_pl();
    assert!(
        message.starts_with("wymaga ręcznego odczytu: PDF zaszyfrowany"),
        "{message}"
    );
}

#[test]
fn truncated_pdf_is_corrupt() {
    let pdf = letter(POLISH_BODY);
    let out = read(&pdf[..pdf.len() / 3], "urwany.pdf", &Limits::default());
    assert!(
        matches!(out.problem, Some(Problem::Corrupt { .. })),
        "{out:?}"
    );
    let garbage = b"%PDF-1.7\n\x00\x01\x02 this is not a PDF at all";
    let out = read(garbage, "smieci.pdf", &Limits::default());
    assert!(
        matches!(out.problem, Some(Problem::Corrupt { .. })),
        "{out:?}"
    );
}

#[test]
fn pages_over_the_limit_are_left_and_reported() {
    let long = [POLISH_BODY; 12].join("\n\n");
    let pdf = letter(&long);
    let limits = Limits {
        max_pages: 1,
        ..Limits::default()
    };
    let out = read(&pdf, "dlugi.pdf", &limits);
    let Some(Problem::TooLarge(Oversize::Pages { total, read })) = out.problem else {
        panic!("expected too many pages: {out:?}");
    };
    assert!(total > 1, "{total}");
    assert_eq!((read, out.pages), (1, 1));
    assert!(!out.text.contains('\u{c}'), "one page, no page break");
}

#[test]
fn a_huge_image_is_refused_from_its_header() {
    let png = png_header(20_000, 20_000);
    let out = read(&png, "ogromny.png", &Limits::default());
    assert_eq!(
        out.problem,
        Some(Problem::TooLarge(Oversize::Pixels {
            width: 20_000,
            height: 20_000
        }))
    );
    assert_eq!(out.pages, 0);
    assert!(
        out.problem
            .as_ref()
            .is_some_and(|p| p.message_pl().contains("20000 × 20000"))
    );
}

#[test]
fn an_empty_white_scan_is_reported() {
    require("tesseract", "tesseract-ocr");
    let white = GrayImage::white(1240, 1754); // A4 at 150 dpi
    let out = read(&white.to_pgm(), "pusty.pgm", &Limits::default());
    assert_eq!(out.method, Method::Ocr);
    assert_eq!(out.problem, Some(Problem::EmptyScan), "{out:?}");

    let pdf = render_scan_pdf(&[white], 150.0).expect("scan PDF");
    let out = read(&pdf, "pusty.pdf", &Limits::default());
    assert_eq!(out.problem, Some(Problem::EmptyScan), "{out:?}");
}

#[test]
fn a_stalled_ocr_is_stopped_at_its_time_limit() {
    require("tesseract", "tesseract-ocr");
    let page = rasterise(&letter(POLISH_BODY), 300).remove(0);
    let limits = Limits {
        timeout: Duration::from_millis(1),
        ..Limits::default()
    };
    let out = read(&page.to_pgm(), "skan.pgm", &limits);
    assert_eq!(out.problem, Some(Problem::Timeout), "{out:?}");
    // The whole document's deadline stops a scanned PDF the same way.
    let limits = Limits {
        total_timeout: Duration::ZERO,
        ..Limits::default()
    };
    let out = read(&scanned_letter(POLISH_BODY), "skan.pdf", &limits);
    assert_eq!(out.problem, Some(Problem::Timeout), "{out:?}");
}

#[test]
fn a_program_over_its_memory_limit_is_reported() {
    require("tesseract", "tesseract-ocr");
    let page = rasterise(&letter(POLISH_BODY), 300).remove(0);
    let limits = Limits {
        memory_bytes: 64 * 1024 * 1024,
        ..Limits::default()
    };
    let out = read(&page.to_pgm(), "skan.pgm", &limits);
    assert_eq!(
        out.problem,
        Some(Problem::TooLarge(Oversize::Memory)),
        "{out:?}"
    );
}

#[test]
fn english_and_ukrainian_letters_are_flagged_not_polish() {
    let out = read(&letter(ENGLISH_BODY), "letter.pdf", &Limits::default());
    assert_eq!(
        out.problem,
        Some(Problem::NotPolish {
            language_hint: Some("en")
        }),
        "{out:?}"
    );
    assert!(flat(&out.text).contains("permit to remove two trees"));

    let out = read(UKRAINIAN_BODY.as_bytes(), "lyst.txt", &Limits::default());
    assert_eq!(
        out.problem,
        Some(Problem::NotPolish {
            language_hint: Some("uk")
        })
    );
    assert!(
        out.problem
            .as_ref()
            .is_some_and(|p| p.message_pl().contains("ukraiński"))
    );
    assert_eq!(out.text, UKRAINIAN_BODY);
}

#[test]
fn docx_paragraphs_tabs_and_breaks_become_text() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:body><w:p><w:r><w:t>Wniosek o </w:t></w:r><w:r><w:t>wycinkę</w:t></w:r></w:p>\
        <w:p><w:r><w:t>Nr</w:t><w:tab/><w:t>123/4 &amp; 5</w:t><w:br/>\
        <w:t>Źródlana &#322;</w:t></w:r></w:p>\
        <w:p><w:r><w:delText>skreślone</w:delText></w:r></w:p></w:body></w:document>";
    let out = read(&docx(xml), "wniosek.docx", &Limits::default());
    assert_eq!(out.method, Method::Docx);
    assert_eq!(out.text, "Wniosek o wycinkę\nNr\t123/4 & 5\nŹródlana ł\n\n");

    let out = read(&docx_of(POLISH_BODY), "bez-nazwy", &Limits::default());
    assert_eq!(out.problem, None, "{out:?}");
    assert!(out.text.contains("Łączna liczba drzew"));
}

#[test]
fn odt_paragraphs_spans_and_spaces_become_text() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
        xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text>\
        <text:h>Wniosek</text:h>\
        <text:p>Proszę o <text:span>wycinkę</text:span> drzew.<text:s text:c=\"3\"/>Nr<text:tab/>7\
        <text:line-break/>Źródlana</text:p></office:text></office:body></office:document-content>";
    let out = read(&odt(xml), "wniosek.odt", &Limits::default());
    assert_eq!(out.method, Method::Odt);
    assert_eq!(
        out.text,
        "Wniosek\nProszę o wycinkę drzew.   Nr\t7\nŹródlana\n"
    );
}

#[test]
fn a_docx_zip_bomb_is_refused() {
    // 64 MiB of one repeated byte deflates to about 64 KiB.
    let bomb = vec![b' '; 64 * 1024 * 1024];
    let file = zip(&[("word/document.xml", &bomb, true)]);
    assert!(file.len() < 1024 * 1024, "{}", file.len());
    let out = read(&file, "bomba.docx", &Limits::default());
    assert!(
        matches!(out.problem, Some(Problem::ZipBomb { .. })),
        "{out:?}"
    );
    assert!(out.text.is_empty());
}

#[test]
fn a_large_but_ordinary_docx_is_too_large_not_a_bomb() {
    let text = (0..40_000)
        .map(|n| format!("Akapit {n}: {}", POLISH_BODY.len() * n))
        .collect::<Vec<_>>()
        .join("\n");
    let limits = Limits {
        max_unpacked_bytes: 256 * 1024,
        ..Limits::default()
    };
    let out = read(&docx_of(&text), "duzy.docx", &limits);
    assert_eq!(
        out.problem,
        Some(Problem::TooLarge(Oversize::Unpacked { limit: 256 * 1024 })),
        "{out:?}"
    );
}

#[test]
fn an_email_with_fifty_attachments_keeps_them_within_the_limit() {
    let mail = email_with_attachments(50);
    let out = read(&mail, "wiadomosc.eml", &Limits::default());
    assert_eq!(out.method, Method::Email);
    assert_eq!(out.problem, None, "{:?}", out.problem);
    assert_eq!(out.attachments.len(), 50);
    assert_eq!(out.attachments[49].name, "zdjecie-50.jpg");
    assert_eq!(out.attachments[0].media_type, "image/jpeg");
    assert!(out.attachments[0].bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    let header = out.email.clone().expect("e-mail header");
    assert_eq!(header.subject.as_deref(), Some("Wniosek o wycinkę drzew"));
    assert_eq!(
        header.from.as_deref(),
        Some("Jan Kowalski <jan@example.org>")
    );
    assert!(header.date.is_some_and(|d| d.starts_with("2026-03-12")));
    assert!(flat(&out.text).contains("wycinkę dwóch drzew"));

    // Sniffed without the extension too; over the limit the rest is reported.
    let limits = Limits {
        max_attachments: 20,
        ..Limits::default()
    };
    let out = read(&mail, "bez-nazwy", &limits);
    assert_eq!(out.attachments.len(), 20);
    assert_eq!(
        out.problem,
        Some(Problem::TooManyAttachments {
            total: 50,
            kept: 20
        })
    );
}

#[test]
fn polish_plain_text_in_windows_1250_and_iso_8859_2() {
    let text = "Zażółć gęślą jaźń. Wniosek o wycinkę drzew na działce przy ulicy Źródlanej, \
                które są chore i zagrażają bezpieczeństwu.";
    for encoding in [encoding_rs::WINDOWS_1250, encoding_rs::ISO_8859_2] {
        let (bytes, _, _) = encoding.encode(text);
        let out = read(&bytes, "wniosek.txt", &Limits::default());
        assert_eq!(out.method, Method::Plain);
        assert_eq!(out.text, text, "{}", encoding.name());
        assert_eq!(out.problem, None);
    }
}

#[test]
fn html_is_stripped_to_text() {
    let html = "<!DOCTYPE html><html><head><style>p{}</style><script>x()</script></head>\
                <body><p>Wniosek o wycinkę drzew na działce przy ulicy Źródlanej.</p>\
                <p>Drzewa są chore &amp; pochylone nad domem, który zamieszkuję z rodziną.</p>\
                </body></html>";
    let out = read(html.as_bytes(), "strona", &Limits::default());
    assert_eq!(out.method, Method::Html);
    assert!(out.text.contains("wycinkę drzew"), "{}", out.text);
    assert!(out.text.contains("chore & pochylone"));
    assert!(!out.text.contains("x()"));
}

#[test]
fn unsupported_and_empty_files_are_reported_not_failed() {
    let doc = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
    let out = read(&doc, "stary.doc", &Limits::default());
    assert!(
        matches!(out.problem, Some(Problem::Unsupported { .. })),
        "{out:?}"
    );
    let out = read(
        &zip(&[("a.txt", b"abc", true)]),
        "paczka.zip",
        &Limits::default(),
    );
    assert!(
        matches!(out.problem, Some(Problem::Unsupported { .. })),
        "{out:?}"
    );
    let out = read(b"", "pusty.txt", &Limits::default());
    assert_eq!(out.problem, Some(Problem::NoText));
    let out = read(b"PK\x03\x04 broken", "zly.docx", &Limits::default());
    assert!(
        matches!(out.problem, Some(Problem::Unsupported { .. })),
        "{out:?}"
    );
}

#[test]
fn text_over_the_limit_is_cut_at_a_character_boundary() {
    let limits = Limits {
        max_text_bytes: 101,
        ..Limits::default()
    };
    let text = "ż".repeat(200);
    let out = read(text.as_bytes(), "dlugi.txt", &limits);
    assert_eq!(out.text, "ż".repeat(50));
    assert_eq!(
        out.problem,
        Some(Problem::TooLarge(Oversize::Text { limit: 101 }))
    );
}

#[test]
fn every_problem_has_a_polish_and_an_english_message() {
    let all = [
        Problem::Encrypted,
        Problem::Corrupt { detail: "x".into() },
        Problem::TooLarge(Oversize::Pages { total: 9, read: 5 }),
        Problem::TooLarge(Oversize::Pixels {
            width: 1,
            height: 2,
        }),
        Problem::TooLarge(Oversize::Text { limit: 1 }),
        Problem::TooLarge(Oversize::Unpacked {
            limit: 50 * 1024 * 1024,
        }),
        Problem::TooLarge(Oversize::Memory),
        Problem::ZipBomb { ratio: 1000 },
        Problem::EmptyScan,
        Problem::Illegible { confidence: 0.3 },
        Problem::NotPolish {
            language_hint: None,
        },
        Problem::NoText,
        Problem::Unsupported { kind: "x".into() },
        Problem::Timeout,
        Problem::TooManyAttachments {
            total: 60,
            kept: 50,
        },
    ];
    let mut codes = std::collections::BTreeSet::new();
    for problem in &all {
        assert!(
            problem
                .message_pl()
                .starts_with("wymaga ręcznego odczytu: ")
        );
        assert!(problem.message_en().starts_with("needs manual reading: "));
        codes.insert(problem.code());
    }
    assert_eq!(codes.len(), 11);
}

#[test]
fn the_language_heuristic_tells_polish_from_its_neighbours() {
    use super::language::{Verdict, check};
    assert_eq!(check(POLISH_BODY), Verdict::Polish);
    // Polish without diacritics (typed on a phone) is still Polish, by its small words.
    let ascii = "Zwracam sie z prosba o wydanie zezwolenia na wycinke drzew, ktore rosna na \
                 dzialce przy ulicy Zrodlanej i sa chore, oraz o informacje czy trzeba zaplacic.";
    assert_eq!(check(ascii), Verdict::Polish);
    let german = "Sehr geehrte Damen und Herren, ich bitte um die Genehmigung für das Fällen \
                  von zwei Bäumen auf meinem Grundstück. Die Bäume sind krank und stehen \
                  direkt neben dem Haus. Mit freundlichen Grüßen";
    assert_eq!(check(german), Verdict::Other(Some("de")));
    let russian = "Уважаемые дамы и господа! Прошу выдать разрешение на вырубку двух \
                   деревьев, которые растут на моём участке. Деревья старые и представляют \
                   угрозу для жилого дома. С уважением, Ольга Смирнова.";
    assert_eq!(check(russian), Verdict::Other(Some("ru")));
    assert_eq!(check(UKRAINIAN_BODY), Verdict::Other(Some("uk")));
    assert_eq!(check(ENGLISH_BODY), Verdict::Other(Some("en")));
    // Too short to judge, and a table of numbers and names: not flagged.
    assert_eq!(check("Dear Sir"), Verdict::Unknown);
    let table = "Faktura FV 12/2026 Kowalski Jan 1234,56 PLN 23% VAT NIP 123-456-78-90 ".repeat(3);
    assert_eq!(check(&table), Verdict::Unknown);
}
