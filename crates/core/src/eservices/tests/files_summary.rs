//! Uploaded files and the summary of answers.

use super::super::*;
use super::answers::{FORM, answers};
use super::{FULL, parse};

const MB: u64 = 1024 * 1024;

fn scan_field() -> Field {
    let def = parse(FULL);
    def.field("consent")
        .cloned()
        .expect("consent is a file field")
}

#[test]
fn file_types_have_names_and_mime_types() {
    for file_type in FileType::ALL {
        assert_eq!(FileType::from_mime(file_type.mime()), Some(file_type));
    }
    assert_eq!(FileType::Jpg.as_str(), "jpg");
    assert_eq!(FileType::Pdf.mime(), "application/pdf");
    assert_eq!(FileType::from_mime("text/xml"), Some(FileType::Xml));
    assert_eq!(FileType::from_mime("application/xml"), Some(FileType::Xml));
    assert_eq!(
        FileType::from_mime("text/plain; charset=utf-8"),
        Some(FileType::Txt)
    );
    assert_eq!(FileType::from_mime("IMAGE/PNG"), Some(FileType::Png));
    assert_eq!(
        FileType::from_mime("application/vnd.oasis.opendocument.text"),
        Some(FileType::Odt)
    );
    assert_eq!(
        FileType::from_mime(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
        Some(FileType::Docx)
    );
    assert_eq!(FileType::from_mime("application/x-msdownload"), None);
    assert_eq!(FileType::from_mime(""), None);
}

#[test]
fn file_type_must_be_accepted() {
    let field = scan_field();
    assert_eq!(field.accept, [FileType::Pdf, FileType::Png]);
    assert_eq!(
        check_file(&field, "zgoda.pdf", Some(FileType::Pdf), 1000),
        Ok(())
    );
    assert_eq!(
        check_file(&field, "zgoda.png", Some(FileType::Png), 1000),
        Ok(())
    );

    let problem = check_file(&field, "zgoda.jpg", Some(FileType::Jpg), 1000)
        .expect_err("jpg not accepted here");
    assert_eq!(
        (problem.field.as_str(), problem.code),
        ("consent", "file-type")
    );
    assert!(
        problem.message_pl.contains("Dozwolone typy: PDF, PNG"),
        "{problem:?}"
    );
    assert!(problem.message_pl.contains("„zgoda.jpg”"));
    assert!(problem.message_pl.contains("to plik JPG"));
    assert!(problem.message_en.contains("Allowed types: PDF, PNG"));

    // The name does not matter: an unrecognised content is refused even as `.pdf`.
    let problem = check_file(&field, "wniosek.pdf", None, 1000).expect_err("unknown content");
    assert_eq!(problem.code, "file-type");
    assert!(problem.message_pl.contains("nie rozpoznano"));
}

#[test]
fn file_size_is_limited_in_megabytes() {
    let field = scan_field();
    assert_eq!(field.max_size_mb, 5);
    assert_eq!(
        check_file(&field, "a.pdf", Some(FileType::Pdf), 5 * MB),
        Ok(())
    );
    let problem = check_file(&field, "a.pdf", Some(FileType::Pdf), 5 * MB + 1)
        .expect_err("one byte too many");
    assert_eq!(
        (problem.field.as_str(), problem.code),
        ("consent", "file-size")
    );
    assert!(problem.message_pl.contains("(5,1 MB)"), "{problem:?}");
    assert!(problem.message_pl.contains("to 5 MB"), "{problem:?}");
    assert!(problem.message_en.contains("(5.1 MB)"), "{problem:?}");
    assert!(problem.message_en.contains("is 5 MB"), "{problem:?}");
    let problem =
        check_file(&field, "a.pdf", Some(FileType::Pdf), 12 * MB + MB / 2).expect_err("too large");
    assert!(problem.message_pl.contains("(12,5 MB)"), "{problem:?}");
    // The type is checked first: a wrong, large file is told about its type.
    let problem = check_file(&field, "a.exe", None, 100 * MB).expect_err("both wrong");
    assert_eq!(problem.code, "file-type");
}

#[test]
fn summary_lists_active_answers_in_form_order_with_labels() {
    let def = parse(FORM);
    let input = answers(&[
        ("agree", "true"),
        ("name", "Anna"),
        ("home.street", "ul. Długa 5"),
        ("home.postal_code", "00-950"),
        ("home.city", "Warszawa"),
        ("age", "42"),
        ("has_pet", "true"),
        ("pet_kind", "dog"),
        ("chip", "616093900012345"),
        ("scan", "ignored"),
    ]);
    let pl = summary(&def, &input, "pl");
    let row = |label: &str, value: &str| (label.to_owned(), value.to_owned());
    assert_eq!(
        pl,
        vec![
            (
                "Osoba".to_owned(),
                vec![
                    row("Imię", "Anna"),
                    row("Wiek", "42"),
                    row("Adres zamieszkania", "ul. Długa 5, 00-950 Warszawa"),
                    row("Zgoda", "tak"),
                ]
            ),
            (
                "Zwierzę".to_owned(),
                vec![
                    row("Mam zwierzę", "tak"),
                    row("Rodzaj", "Pies"),
                    row("Numer czipa", "616093900012345"),
                ]
            ),
        ]
    );
    let en = summary(&def, &input, "en");
    assert_eq!(en[0].0, "Person");
    assert_eq!(en[0].1[0], row("First name", "Anna"));
    assert_eq!(
        en[0].1[2],
        row("Home address", "ul. Długa 5, 00-950 Warszawa")
    );
    assert_eq!(en[0].1[3], row("Consent", "yes"));
    assert_eq!(en[1].0, "Pet");
    assert_eq!(en[1].1[1], row("Kind", "Dog"));
}

#[test]
fn summary_leaves_out_inactive_fields_and_empty_sections() {
    let def = parse(FORM);
    // pet_kind and chip answered but hidden, has_pet unticked: the whole section goes.
    let input = answers(&[
        ("name", "Anna"),
        ("pet_kind", "dog"),
        ("chip", "123"),
        ("post.city", "Kraków"),
        ("about", ""),
    ]);
    let result = summary(&def, &input, "pl");
    assert_eq!(
        result,
        vec![(
            "Osoba".to_owned(),
            vec![
                ("Imię".to_owned(), "Anna".to_owned()),
                ("Adres do korespondencji".to_owned(), "Kraków".to_owned()),
            ]
        )]
    );
    assert!(summary(&def, &Answers::new(), "pl").is_empty());
}
