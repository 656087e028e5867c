//! End-to-end checks: render, then read the PDF back with poppler's tools.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::*;

const PANGRAM: &str = "Zażółć gęślą jaźń";
const SIGN: &str = "Znak sprawy: GK.6730.1.2026";
const TITLE: &str = "Zawiadomienie o wszczęciu postępowania";

fn fonts() -> Fonts {
    Fonts::system().expect("DejaVu fonts: run scripts/install-deps.sh")
}

/// Runs one of poppler's tools on the PDF given on standard input.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let program = Path::new("/usr/bin").join(tool);
    assert!(
        program.is_file(),
        "{} not found: run scripts/install-deps.sh (Debian package poppler-utils)",
        program.display()
    );
    let mut child = Command::new(&program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start poppler tool");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = pdf.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("run poppler tool");
    writer
        .join()
        .expect("writer thread")
        .expect("write PDF to the tool");
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn text(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8", "-", "-"], pdf)
}

/// Text with every run of whitespace made one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_text(pdf: &[u8], page: usize) -> String {
    let page = page.to_string();
    poppler(
        "pdftotext",
        &["-enc", "UTF-8", "-f", &page, "-l", &page, "-", "-"],
        pdf,
    )
}

fn info(pdf: &[u8], key: &str) -> String {
    let out = poppler("pdfinfo", &["-enc", "UTF-8", "-"], pdf);
    out.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}:")))
        .map(|value| value.trim().to_owned())
        .unwrap_or_else(|| panic!("pdfinfo has no {key}: {out}"))
}

fn pages(pdf: &[u8]) -> usize {
    info(pdf, "Pages").parse().expect("page count")
}

fn letter(body: &str) -> LetterPdf {
    LetterPdf {
        office_lines: vec![
            "Urząd Gminy Przykładowo".into(),
            "ul. Źródlana 1, 00-950 Przykładowo".into(),
            "tel. 22 123 45 67, e-mail: urzad@przykladowo.pl".into(),
        ],
        place_and_date: "Przykładowo, 23 listopada 2026 r.".into(),
        sign: SIGN.into(),
        addressee_lines: vec![
            "Pan Łukasz Żółtowski".into(),
            "ul. Śląska 12 m. 4".into(),
            "00-001 Gdańsk".into(),
        ],
        title: TITLE.into(),
        body: body.into(),
        signature_lines: vec![
            "z up. Wójta".into(),
            "Jan Nowak".into(),
            "Kierownik Referatu Gospodarki Komunalnej".into(),
        ],
        footer_lines: vec!["Sporządziła: Agnieszka Wiśniewska, tel. 22 123 45 68".into()],
        metadata_title: "Zawiadomienie GK.6730.1.2026".into(),
    }
}

const PARAGRAPH: &str = "Na podstawie art. 61 § 4 ustawy z dnia 14 czerwca 1960 r. – Kodeks \
    postępowania administracyjnego zawiadamiam, że na wniosek strony zostało wszczęte \
    postępowanie w sprawie wydania decyzji o warunkach zabudowy dla inwestycji polegającej \
    na budowie budynku mieszkalnego jednorodzinnego na działce nr 123/4 w obrębie Źródła.";

#[test]
fn letter_polish_text_is_extracted_exactly() {
    let fonts = fonts();
    let body = format!("{PANGRAM}.\n\nZAŻÓŁĆ GĘŚLĄ JAŹŃ\n\n{PARAGRAPH}");
    let started = Instant::now();
    let pdf = render_letter(&fonts, &letter(&body)).expect("render");
    println!(
        "one-page letter: {:?}, {} bytes",
        started.elapsed(),
        pdf.len()
    );

    let text = text(&pdf);
    for expected in [PANGRAM, "ZAŻÓŁĆ GĘŚLĄ JAŹŃ", SIGN, TITLE] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    // The narrower blocks wrap, so compare the rest with whitespace collapsed.
    let flat = flat(&text);
    for expected in [
        "Przykładowo, 23 listopada 2026 r.",
        "Urząd Gminy Przykładowo",
        "Pan Łukasz Żółtowski",
        "Kierownik Referatu Gospodarki Komunalnej",
        "Sporządziła: Agnieszka Wiśniewska",
        "tel. 22 123 45 67, e-mail: urzad@przykladowo.pl",
    ] {
        assert!(flat.contains(expected), "{expected:?} not in:\n{text}");
    }
    assert!(
        !text.contains("Strona"),
        "a one-page letter has no page number"
    );
    assert_eq!(pages(&pdf), 1);
    assert_eq!(info(&pdf, "Title"), "Zawiadomienie GK.6730.1.2026");
    assert_eq!(info(&pdf, "Page size"), "595.276 x 841.89 pts (A4)");

    // Both faces embedded, as subsets, with a Unicode map.
    let fonts_list = poppler("pdffonts", &["-"], &pdf);
    let font_rows: Vec<&str> = fonts_list.lines().skip(2).collect();
    assert_eq!(font_rows.len(), 2, "{fonts_list}");
    for row in font_rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        assert!(
            row.contains("CID TrueType") && row.contains("Identity-H"),
            "{row}"
        );
        assert_eq!(
            &columns[columns.len() - 5..columns.len() - 2],
            ["yes", "yes", "yes"],
            "{row}"
        );
    }
    assert!(
        pdf.len() < 100_000,
        "subset fonts keep a letter small: {} bytes",
        pdf.len()
    );
    assert_eq!(info(&pdf, "Producer"), "Ratusz");
    let metadata = poppler("pdfinfo", &["-enc", "UTF-8", "-"], &pdf);
    assert!(
        !metadata.contains("PDF/X") && !metadata.contains("1970"),
        "{metadata}"
    );
}

#[test]
fn same_input_gives_the_same_bytes() {
    let fonts = fonts();
    let letter = letter(PARAGRAPH);
    let first = render_letter(&fonts, &letter).expect("render");
    assert_eq!(first, render_letter(&fonts, &letter).expect("render again"));
    let table = case_index(30);
    let first = render_table(&fonts, &table).expect("render");
    assert_eq!(first, render_table(&fonts, &table).expect("render again"));
}

#[test]
fn long_letter_breaks_over_numbered_pages() {
    let fonts = fonts();
    let body = vec![PARAGRAPH; 40].join("\n\n");
    let pdf = render_letter(&fonts, &letter(&body)).expect("render");
    let count = pages(&pdf);
    assert!(count >= 2, "{count} pages");
    let first = page_text(&pdf, 1);
    assert!(first.contains(&format!("Strona 1 z {count}")), "{first}");
    assert!(first.contains(SIGN) && first.contains(TITLE));
    let last = page_text(&pdf, count);
    assert!(
        last.contains(&format!("Strona {count} z {count}")),
        "{last}"
    );
    assert!(
        last.contains("Jan Nowak"),
        "signature on the last page: {last}"
    );
    assert!(
        last.contains("Sporządziła"),
        "footer on the last page: {last}"
    );
    assert!(
        !first.contains("Sporządziła"),
        "footer only on the last page"
    );
    // Every paragraph made it: count a phrase from its last line.
    assert_eq!(text(&pdf).matches("obrębie Źródła.").count(), 40);
}

#[test]
fn empty_letter_renders() {
    let fonts = fonts();
    let pdf = render_letter(&fonts, &LetterPdf::default()).expect("empty letter");
    assert_eq!(pages(&pdf), 1);
    let pdf = render_letter(&fonts, &letter("")).expect("letter without body");
    assert_eq!(pages(&pdf), 1);
    assert!(text(&pdf).contains(SIGN));
}

#[test]
fn hostile_text_is_tamed() {
    let fonts = fonts();
    let long_word = "Wniosek".repeat(60);
    let body = format!(
        "Tekst\0z NUL\u{7}i dzwonkiem\u{1b}[31m, {long_word}, ideogram 中 i \u{202e}odwrócenie.\n\n\
         \u{feff}Zażółć\u{200b} gęślą jaźń"
    );
    let mut hostile = letter(&body);
    hostile.sign = "Znak\0 sprawy:\tGK.6730.1.2026\u{7}".into();
    hostile.title = "x".repeat(2_000);
    let pdf = render_letter(&fonts, &hostile).expect("render");
    let text = text(&pdf);
    let joined: String = text.split_whitespace().collect();
    assert!(joined.contains("TekstzNULidzwonkiem[31m"), "{text}");
    assert!(
        joined.contains(&long_word),
        "the long word is broken, not lost"
    );
    assert!(text.contains("ideogram ? i odwrócenie."), "{text}");
    assert!(text.contains("Znak sprawy: GK.6730.1.2026"), "{text}");
    assert!(text.contains(PANGRAM), "{text}");
    assert_eq!(joined.matches('x').count(), 2_000);

    // A letterhead longer than a page flows on instead of running off it.
    hostile.office_lines = vec!["Urząd Gminy Przykładowo".into(); 120];
    let pdf = render_letter(&fonts, &hostile).expect("render");
    assert!(pages(&pdf) >= 3);
    assert_eq!(
        self::text(&pdf).matches("Urząd Gminy Przykładowo").count(),
        120
    );
}

fn case_index(rows: usize) -> TablePdf {
    let column = |header: &str, width: f32| TableColumn {
        header: header.into(),
        width,
    };
    TablePdf {
        title: "Spis spraw".into(),
        subtitle_lines: vec![
            "Referat Gospodarki Komunalnej (GK), symbol JRWA 6730 – Warunki zabudowy".into(),
            "Rok 2026".into(),
        ],
        columns: vec![
            column("Lp.", 0.5),
            column("Znak sprawy", 1.6),
            column("Sprawa (krótka treść)", 3.0),
            column("Od kogo wpłynęła", 2.0),
            column("Data pisma", 1.0),
            column("Data wszczęcia sprawy", 1.1),
            column("Data ostatecznego załatwienia", 1.2),
            column("Uwagi (sposób załatwienia)", 1.6),
        ],
        rows: (1..=rows)
            .map(|n| {
                vec![
                    format!("{n}."),
                    format!("GK.6730.{n}.2026"),
                    format!("Ustalenie warunków zabudowy dla budynku mieszkalnego, działka nr {n}/2, obręb Łąki"),
                    "Łucja Ćwiklińska-Żak, ul. Jaśminowa 5".into(),
                    "12.03.2026".into(),
                    "13.03.2026".into(),
                    if n % 3 == 0 { String::new() } else { "30.04.2026".into() },
                    if n % 7 == 0 { "decyzja odmowna; odwołanie do SKO".into() } else { String::new() },
                ]
            })
            .collect(),
        landscape: true,
        footer_lines: vec!["Spis sporządził: Jan Nowak".into()],
    }
}

#[test]
fn table_repeats_its_header_on_every_page() {
    let fonts = fonts();
    let pdf = render_table(&fonts, &case_index(500)).expect("render");
    let count = pages(&pdf);
    assert!(count > 5, "{count} pages");
    assert_eq!(info(&pdf, "Page size"), "841.89 x 595.276 pts (A4)");
    for page in 1..=count {
        let text = page_text(&pdf, page);
        assert!(
            flat(&text).contains("Od kogo wpłynęła"),
            "no header on page {page}: {text}"
        );
        assert!(
            text.contains(&format!("Strona {page} z {count}")),
            "page {page}: {text}"
        );
    }
    let text = text(&pdf);
    assert_eq!(
        text.matches("Spis spraw").count(),
        1,
        "title only on the first page"
    );
    assert!(text.contains("GK.6730.500.2026") && text.contains("500."));
    assert!(text.contains("Łucja Ćwiklińska-Żak"));
    assert!(page_text(&pdf, count).contains("Spis sporządził: Jan Nowak"));
    // Rows are never split: every row's first-column number appears exactly once.
    assert_eq!(text.matches("GK.6730.").count(), 500);
}

#[test]
fn empty_and_portrait_tables_render() {
    let fonts = fonts();
    let mut table = case_index(0);
    table.landscape = false;
    let pdf = render_table(&fonts, &table).expect("empty table");
    assert_eq!(pages(&pdf), 1);
    assert!(flat(&text(&pdf)).contains("Data pisma"));

    let bare = TablePdf {
        columns: vec![TableColumn {
            header: String::new(),
            width: 1.0,
        }],
        ..TablePdf::default()
    };
    assert_eq!(pages(&render_table(&fonts, &bare).expect("bare table")), 1);
}

#[test]
fn a_row_taller_than_a_page_is_split() {
    let fonts = fonts();
    let mut table = case_index(3);
    table.rows[1][2] = (1..=150)
        .map(|n| format!("Pozycja {n}."))
        .collect::<Vec<_>>()
        .join("\n");
    let pdf = render_table(&fonts, &table).expect("render");
    assert!(pages(&pdf) >= 3);
    let text = text(&pdf);
    for n in [1, 75, 150] {
        assert!(text.contains(&format!("Pozycja {n}.")), "line {n} lost");
    }
    assert!(text.contains("GK.6730.3.2026"));
}

#[test]
fn malformed_tables_are_rejected() {
    let fonts = fonts();
    let no_columns = TablePdf::default();
    assert!(matches!(
        render_table(&fonts, &no_columns),
        Err(DocumentError::InvalidTable(_))
    ));
    let mut bad_width = case_index(1);
    bad_width.columns[3].width = f32::NAN;
    assert!(matches!(
        render_table(&fonts, &bad_width),
        Err(DocumentError::InvalidTable(_))
    ));
    let mut too_many = case_index(2);
    too_many.rows[1].push("nadmiarowa".into());
    let err = render_table(&fonts, &too_many).expect_err("too many cells");
    assert!(err.to_string().contains("row 2 has 9 cells"), "{err}");
}

#[test]
fn ten_thousand_rows() {
    let fonts = fonts();
    let table = case_index(10_000);
    let started = Instant::now();
    let pdf = render_table(&fonts, &table).expect("render");
    let elapsed = started.elapsed();
    let count = pages(&pdf);
    println!(
        "10 000-row table: {elapsed:?}, {count} pages, {} bytes",
        pdf.len()
    );
    assert!(count > 100);
    assert!(
        page_text(&pdf, count).contains("10000."),
        "the last row is on the last page"
    );
}

#[test]
fn missing_font_names_the_file_and_the_package() {
    let err = Fonts::from_paths(
        "/nonexistent/DejaVuSans.ttf",
        "/nonexistent/DejaVuSans-Bold.ttf",
    )
    .expect_err("missing font");
    let message = err.to_string();
    assert!(matches!(err, DocumentError::FontMissing { .. }));
    assert!(message.contains("/nonexistent/DejaVuSans.ttf"), "{message}");
    assert!(message.contains("fonts-dejavu-core"), "{message}");

    let not_a_font =
        std::env::temp_dir().join(format!("ratusz-not-a-font-{}.ttf", std::process::id()));
    std::fs::write(&not_a_font, b"not a font").expect("write temp file");
    let err = Fonts::from_paths(&not_a_font, &not_a_font).expect_err("invalid font");
    let _ = std::fs::remove_file(&not_a_font);
    assert!(matches!(err, DocumentError::FontInvalid { .. }), "{err}");
}
