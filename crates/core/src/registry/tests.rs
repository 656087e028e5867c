use super::*;
use proptest::prelude::*;
use time::{Date, Month};

fn d(year: i32, month: u8, day: u8) -> Date {
    let month = Month::try_from(month).expect("valid month");
    Date::from_calendar_date(year, month, day).expect("valid date")
}

fn entry(symbol: &str, heading: &str, category: Option<&str>) -> FileClassEntry {
    FileClassEntry {
        symbol: symbol.to_owned(),
        heading: heading.to_owned(),
        category: category.map(|c| c.parse().expect("valid category")),
    }
}

// ---------------------------------------------------------------- archival categories

#[test]
fn categories_parse_and_print_back() {
    for (text, category) in [
        ("A", ArchiveCategory::A),
        ("Bc", ArchiveCategory::Bc),
        ("B5", ArchiveCategory::B(5)),
        ("B10", ArchiveCategory::B(10)),
        ("B50", ArchiveCategory::B(50)),
        ("BE5", ArchiveCategory::BE(5)),
        ("BE10", ArchiveCategory::BE(10)),
        ("BE50", ArchiveCategory::BE(50)),
    ] {
        assert_eq!(text.parse::<ArchiveCategory>(), Ok(category));
        assert_eq!(category.to_string(), text);
    }
    assert_eq!(" B5 ".parse::<ArchiveCategory>(), Ok(ArchiveCategory::B(5)));
}

#[test]
fn categories_reject_near_misses() {
    for text in [
        "", " ", "a", "b5", "be5", "BC", "bc", "B", "BE", "B0", "BE0", "B05", "B-5", "BE-5", "B 5",
        "B5a", "AB", "C", "B201", "B99999", "+5", "B+5", "Bc5", "A1",
    ] {
        let error = text.parse::<ArchiveCategory>().expect_err(text);
        assert_eq!(error.code(), "bad-archive-category");
        assert!(
            error.message_pl().contains("BE10"),
            "{}",
            error.message_pl()
        );
        assert!(error.message_en().contains("B5"), "{}", error.message_en());
    }
}

#[test]
fn retention_years() {
    assert_eq!(ArchiveCategory::A.retention_years(), None);
    assert_eq!(ArchiveCategory::Bc.retention_years(), Some(0));
    assert_eq!(ArchiveCategory::B(10).retention_years(), Some(10));
    assert_eq!(ArchiveCategory::BE(5).retention_years(), Some(5));
}

#[test]
fn retention_counts_from_next_first_of_january() {
    // Closed on 15 March 2024: counting from 1 January 2025; B5 ends 31 December 2029.
    let r = ArchiveCategory::B(5).retention(d(2024, 3, 15));
    assert_eq!(r.counting_starts, 2025);
    assert_eq!(r.kind, RetentionKind::Disposal);
    assert_eq!(r.from_year, Some(2030));
    assert_eq!(r.from_date(), Some(d(2030, 1, 1)));
    assert!(!r.has_ended_on(d(2029, 12, 31)));
    assert!(r.has_ended_on(d(2030, 1, 1)));
    // The day of closing within the year does not matter.
    assert_eq!(
        ArchiveCategory::B(5).retention(d(2024, 12, 31)).from_year,
        Some(2030)
    );
    assert_eq!(
        ArchiveCategory::B(5).retention(d(2024, 1, 1)).from_year,
        Some(2030)
    );

    let be = ArchiveCategory::BE(10).retention(d(2020, 6, 1));
    assert_eq!(be.kind, RetentionKind::Assessment);
    assert_eq!(be.from_date(), Some(d(2031, 1, 1)));

    let bc = ArchiveCategory::Bc.retention(d(2024, 7, 7));
    assert_eq!(bc.kind, RetentionKind::Disposal);
    assert_eq!(bc.from_date(), Some(d(2025, 1, 1)));

    let a = ArchiveCategory::A.retention(d(2024, 7, 7));
    assert_eq!(a.kind, RetentionKind::Permanent);
    assert_eq!(a.from_year, None);
    assert_eq!(a.from_date(), None);
    assert!(!a.has_ended_on(d(9999, 12, 31)));
}

#[test]
fn retention_explanations() {
    let r = ArchiveCategory::B(5).retention(d(2024, 3, 15));
    let pl = r.explain_pl();
    assert!(pl.contains("od 1 stycznia 2025 r."), "{pl}");
    assert!(pl.contains("5 lat (do 31 grudnia 2029 r.)"), "{pl}");
    assert!(pl.contains("od 1 stycznia 2030 r."), "{pl}");
    let en = r.explain_en();
    assert!(en.contains("from 1 January 2030"), "{en}");
    assert!(
        ArchiveCategory::B(2)
            .retention(d(2024, 1, 1))
            .explain_pl()
            .contains("2 lata")
    );
    assert!(
        ArchiveCategory::A
            .retention(d(2024, 1, 1))
            .explain_pl()
            .contains("wieczyście")
    );
    assert!(
        ArchiveCategory::BE(10)
            .retention(d(2024, 1, 1))
            .explain_en()
            .contains("assesses")
    );
    assert!(
        ArchiveCategory::Bc
            .retention(d(2024, 1, 1))
            .explain_pl()
            .contains("po wykorzystaniu")
    );
}

proptest! {
    #[test]
    fn category_round_trip(kind in 0u8..4, n in 1u16..=ArchiveCategory::MAX_YEARS) {
        let category = match kind {
            0 => ArchiveCategory::A,
            1 => ArchiveCategory::B(n),
            2 => ArchiveCategory::BE(n),
            _ => ArchiveCategory::Bc,
        };
        prop_assert_eq!(category.to_string().parse::<ArchiveCategory>(), Ok(category));
    }

    #[test]
    fn retention_ends_after_the_closing_year(n in 0u16..=50, year in 1990i32..2200, ordinal in 1u16..=365) {
        let closed = Date::from_ordinal_date(year, ordinal).expect("valid date");
        let category = if n == 0 { ArchiveCategory::Bc } else { ArchiveCategory::B(n) };
        let r = category.retention(closed);
        let from = r.from_date().expect("representable");
        prop_assert!(from > closed);
        prop_assert_eq!(from.year() - closed.year(), 1 + i32::from(n));
    }
}

// ---------------------------------------------------------------- file plan

fn small_plan() -> FilePlan {
    FilePlan::from_entries(vec![
        entry("1", "Zarządzanie urzędem", None),
        entry("14", "Informacja", None),
        entry("143", "Informacja publiczna", None),
        entry("1431", "Udostępnianie informacji publicznej", Some("A")),
        entry("1432", "Ponowne wykorzystywanie", Some("BE5")),
        entry("15", "Skargi, wnioski, petycje", None),
        entry("152", "Petycje", Some("A")),
        entry("0", "Zarządzanie gminą", None),
        entry("00", "Organy", Some("A")),
    ])
    .expect("valid plan")
}

#[test]
fn plan_navigation() {
    let plan = small_plan();
    assert_eq!(plan.len(), 9);
    let order: Vec<&str> = plan.iter().map(|c| c.symbol.as_str()).collect();
    assert_eq!(
        order,
        ["0", "00", "1", "14", "143", "1431", "1432", "15", "152"]
    );
    assert_eq!(
        plan.get("1431").map(|c| c.heading.as_str()),
        Some("Udostępnianie informacji publicznej")
    );
    assert!(plan.is_leaf("1431"));
    assert!(plan.is_leaf("152"));
    assert!(!plan.is_leaf("143"));
    assert!(!plan.is_leaf("9999"));
    let children: Vec<&str> = plan.children("14").map(|c| c.symbol.as_str()).collect();
    assert_eq!(children, ["143"]);
    let children: Vec<&str> = plan.children("1").map(|c| c.symbol.as_str()).collect();
    assert_eq!(children, ["14", "15"]);
    assert_eq!(plan.children("9").count(), 0);
    assert_eq!(plan.parent("1431").map(|c| c.symbol.as_str()), Some("143"));
    assert_eq!(plan.parent("1").map(|c| c.symbol.as_str()), None);
    let path: Vec<&str> = plan
        .path("1431")
        .iter()
        .map(|c| c.symbol.as_str())
        .collect();
    assert_eq!(path, ["1", "14", "143", "1431"]);
    assert!(plan.path("77").is_empty());
    let leaves: Vec<&str> = plan.leaves().map(|c| c.symbol.as_str()).collect();
    assert_eq!(leaves, ["00", "1431", "1432", "152"]);
    let roots: Vec<&str> = plan.roots().map(|c| c.symbol.as_str()).collect();
    assert_eq!(roots, ["0", "1"]);
    assert_eq!(
        plan.get("1432").and_then(|c| c.category),
        Some(ArchiveCategory::BE(5))
    );
}

#[test]
fn cases_go_into_final_classes_only() {
    let plan = small_plan();
    assert!(plan.final_class("1431").is_ok());
    let error = plan.final_class("143").expect_err("not final");
    assert_eq!(
        error,
        ClassLookupError::NotFinal {
            symbol: "143".to_owned(),
            child: "1431".to_owned()
        }
    );
    assert!(error.message_pl().contains("1431"));
    assert_eq!(
        plan.final_class("5").expect_err("unknown").code(),
        "file-class-unknown"
    );
}

#[test]
fn plan_errors_name_row_field_and_fix() {
    let errors = FilePlan::from_entries(vec![
        entry("1", "Zarządzanie", None),            // 1: fine (has child 14)
        entry("14", "Informacja", Some("A")),       // 2: parent with category
        entry("143", "Informacja publiczna", None), // 3: final without category
        entry("1a", "Zła", Some("A")),              // 4: not digits
        entry("14", "Duplikat", Some("A")),         // 5: duplicate
        entry("27", "  ", Some("A")),               // 6: missing parent 2, empty heading
        entry("1234567", "Za długi", Some("A")),    // 7: too long
        entry("15", &"x".repeat(501), Some("B5")),  // 8: heading too long
        entry("", "Pusty", Some("A")),              // 9: empty symbol
    ])
    .expect_err("invalid");
    let found: Vec<(usize, FilePlanField, &str)> =
        errors.iter().map(|e| (e.row, e.field, e.code())).collect();
    assert_eq!(
        found,
        [
            (2, FilePlanField::Category, "file-plan-parent-with-category"),
            (
                3,
                FilePlanField::Category,
                "file-plan-final-without-category"
            ),
            (4, FilePlanField::Symbol, "file-plan-symbol-not-digits"),
            (5, FilePlanField::Symbol, "file-plan-duplicate-symbol"),
            (6, FilePlanField::Heading, "file-plan-heading-empty"),
            (7, FilePlanField::Symbol, "file-plan-symbol-too-long"),
            (8, FilePlanField::Heading, "file-plan-heading-too-long"),
            (9, FilePlanField::Symbol, "file-plan-symbol-not-digits"),
        ]
    );
    let duplicate = &errors[3];
    assert_eq!(
        duplicate.problem,
        FilePlanProblem::DuplicateSymbol { first_row: 2 }
    );
    assert!(
        duplicate
            .message_pl()
            .starts_with("Wiersz 5, symbol klasyfikacyjny:")
    );
    assert!(duplicate.message_pl().contains("wierszu 2"));
    assert!(duplicate.message_en().starts_with("Row 5, symbol:"));
    assert!(
        errors[0].message_pl().contains("„143”"),
        "{}",
        errors[0].message_pl()
    );
    assert!(
        errors[1]
            .message_en()
            .contains("needs an archival category")
    );
    assert!(errors[4].message_pl().contains("hasło klasyfikacyjne"));
}

#[test]
fn missing_parent_is_reported_once_per_orphan() {
    let errors = FilePlan::from_entries(vec![
        entry("6", "Gospodarka", None),
        entry("67", "Planowanie", None),
        entry("6730", "Warunki zabudowy", Some("B10")),
    ])
    .expect_err("673 missing");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].row, 2);
    assert_eq!(errors[0].problem, FilePlanProblem::FinalWithoutCategory);
    assert_eq!(
        errors[1].problem,
        FilePlanProblem::MissingParent {
            parent: "673".to_owned()
        }
    );
    assert!(errors[1].message_pl().contains("„673”"));
}

#[test]
fn a_typo_in_a_parent_does_not_cascade() {
    // The parent row has an empty heading, but its children still see it.
    let errors = FilePlan::from_entries(vec![
        entry("5", "", None),
        entry("53", "Ewidencja ludności", Some("B10")),
    ])
    .expect_err("empty heading");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, FilePlanField::Heading);
}

#[test]
fn headings_are_trimmed_and_empty_plans_are_empty() {
    let plan =
        FilePlan::from_entries(vec![entry("9", "  Sprawy różne ", Some("B5"))]).expect("valid");
    assert_eq!(
        plan.get("9").map(|c| c.heading.as_str()),
        Some("Sprawy różne")
    );
    assert!(
        FilePlan::from_entries(Vec::new())
            .expect("empty")
            .is_empty()
    );
}

fn demo_entries() -> Vec<FileClassEntry> {
    #[derive(serde::Deserialize)]
    struct Row {
        symbol: String,
        heading: String,
        category: String,
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(JRWA_GMINA_DEMO_CSV.as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["symbol", "heading", "category"]
    );
    reader
        .deserialize::<Row>()
        .enumerate()
        .map(|(i, row)| {
            let row = row.unwrap_or_else(|e| panic!("CSV line {}: {e}", i + 2));
            FileClassEntry {
                category: if row.category.is_empty() {
                    None
                } else {
                    Some(
                        row.category
                            .parse()
                            .unwrap_or_else(|e| panic!("CSV line {}: {e}", i + 2)),
                    )
                },
                symbol: row.symbol,
                heading: row.heading,
            }
        })
        .collect()
}

#[test]
fn demo_csv_is_a_valid_file_plan() {
    let entries = demo_entries();
    let rows = entries.len();
    let plan = FilePlan::from_entries(entries).unwrap_or_else(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.message_en()).collect();
        panic!("{}", lines.join("\n"))
    });
    assert_eq!(plan.len(), rows);
    assert!((150..=300).contains(&rows), "{rows} rows");
    // All ten first-level classes.
    let roots: Vec<&str> = plan.roots().map(|c| c.symbol.as_str()).collect();
    assert_eq!(roots, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    // The classes the e-services use are final and categorised.
    for symbol in [
        "1431", "152", "0050", "6220", "6131", "6730", "6733", "6831", "6840",
    ] {
        let class = plan
            .final_class(symbol)
            .unwrap_or_else(|e| panic!("{symbol}: {e}"));
        assert!(class.category.is_some(), "{symbol}");
    }
    assert!(plan.is_leaf("1431"));
    assert!(plan.get("1431").and_then(|c| c.category).is_some());
    // Every line ends with a newline and there is no byte-order mark.
    assert!(!JRWA_GMINA_DEMO_CSV.starts_with('\u{feff}'));
    assert!(JRWA_GMINA_DEMO_CSV.ends_with('\n'));
}

#[test]
fn demo_csv_is_in_tree_order() {
    let symbols: Vec<String> = demo_entries().into_iter().map(|e| e.symbol).collect();
    let mut sorted = symbols.clone();
    sorted.sort();
    assert_eq!(symbols, sorted);
}

// ---------------------------------------------------------------- case signs

#[test]
fn case_sign_parses_and_prints() {
    let sign: CaseSign = "OR.1431.5.2024".parse().expect("valid");
    assert_eq!(sign.unit, "OR");
    assert_eq!(sign.class, "1431");
    assert_eq!(sign.number, 5);
    assert_eq!(sign.year, 2024);
    assert_eq!(sign.validate(), Ok(()));
    let built = CaseSign {
        unit: "or".to_owned(),
        ..sign.clone()
    };
    assert_eq!(
        built.validate().map_err(|e| e.code()),
        Err("case-sign-unit")
    );
    assert_eq!(sign.to_string(), "OR.1431.5.2024");
    for text in [
        "GK.6730.12.2025",
        "USC.5360.1.2026",
        "OŚ.6131.3.2024",
        "OR-I.152.1.1990",
        "A1.0.1.2200",
    ] {
        let sign: CaseSign = text.parse().expect(text);
        assert_eq!(sign.to_string(), text);
    }
    assert_eq!(
        " OR.1431.5.2024 "
            .parse::<CaseSign>()
            .map(|s| s.to_string()),
        Ok("OR.1431.5.2024".to_owned())
    );
}

#[test]
fn case_sign_errors_name_the_part() {
    let code = |text: &str| text.parse::<CaseSign>().expect_err(text).code();
    assert_eq!(code(""), "case-sign-shape");
    assert_eq!(code("OR.1431.5"), "case-sign-shape");
    assert_eq!(code("OR.1431.5.2024.1"), "case-sign-shape");
    assert_eq!(code("OR 1431 5 2024"), "case-sign-shape");
    assert_eq!(code("or.1431.5.2024"), "case-sign-unit");
    assert_eq!(code("1OR.1431.5.2024"), "case-sign-unit");
    assert_eq!(code("-OR.1431.5.2024"), "case-sign-unit");
    assert_eq!(code("O R.1431.5.2024"), "case-sign-unit");
    assert_eq!(code("ABCDEFGHIJKLMNOPQ.1431.5.2024"), "case-sign-unit");
    assert_eq!(code("Oś.6131.3.2024"), "case-sign-unit");
    assert_eq!(code("OR..5.2024"), "case-sign-class");
    assert_eq!(code("OR.14a1.5.2024"), "case-sign-class");
    assert_eq!(code("OR.1234567.5.2024"), "case-sign-class");
    assert_eq!(code("OR.1431.0.2024"), "case-sign-number");
    assert_eq!(code("OR.1431.05.2024"), "case-sign-number");
    assert_eq!(code("OR.1431.-5.2024"), "case-sign-number");
    assert_eq!(code("OR.1431.+5.2024"), "case-sign-number");
    assert_eq!(code("OR.1431.99999999999.2024"), "case-sign-number");
    assert_eq!(code("OR.1431.5.1989"), "case-sign-year");
    assert_eq!(code("OR.1431.5.2201"), "case-sign-year");
    assert_eq!(code("OR.1431.5.24"), "case-sign-year");
    assert_eq!(code("OR.1431.5.02024"), "case-sign-year");
    // 16 characters are fine.
    assert!("ABCDEFGHIJKLMNOP.1431.5.2024".parse::<CaseSign>().is_ok());
    let error = "OR.1431.0.2024".parse::<CaseSign>().expect_err("zero");
    assert!(error.message_pl().contains("od 1"));
    assert!(error.message_en().contains("from 1"));
    assert!(CaseSign::new("OR", "1431", 1, 2024).is_ok());
    assert_eq!(
        CaseSign::new("OR", "1431", 1, 1900)
            .expect_err("year")
            .code(),
        "case-sign-year"
    );
    assert!(is_unit_symbol("OŚ"));
    assert!(!is_unit_symbol("oś"));
}

#[test]
fn case_sign_and_category_deserialize_from_text() {
    use serde::Deserialize;
    use serde::de::value::{Error, StrDeserializer};
    let sign = CaseSign::deserialize(StrDeserializer::<Error>::new("GK.6730.12.2025"));
    assert_eq!(
        sign.map(|s| s.to_string()),
        Ok("GK.6730.12.2025".to_owned())
    );
    assert!(CaseSign::deserialize(StrDeserializer::<Error>::new("GK.6730")).is_err());
    let category = ArchiveCategory::deserialize(StrDeserializer::<Error>::new("BE10"));
    assert_eq!(category, Ok(ArchiveCategory::BE(10)));
}

proptest! {
    #[test]
    fn case_sign_round_trip(
        unit in "[A-ZĄĆĘŁŃÓŚŹŻ][A-ZĄĆĘŁŃÓŚŹŻ0-9-]{0,15}",
        class in "[0-9]{1,6}",
        number in 1u32..,
        year in FIRST_SIGN_YEAR..=LAST_SIGN_YEAR,
    ) {
        let sign = CaseSign::new(unit.clone(), class.clone(), number, year).expect("valid parts");
        let text = sign.to_string();
        prop_assert_eq!(text.parse::<CaseSign>(), Ok(sign));
        prop_assert_eq!(text, format!("{unit}.{class}.{number}.{year}"));
    }

    #[test]
    fn case_sign_parser_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<CaseSign>();
    }
}
