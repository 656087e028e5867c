//! Checking answers: every rule and code, conditions, normalisation.

use super::super::*;
use super::parse;
use proptest::prelude::*;
use std::collections::BTreeMap;
use time::{Date, Month};

/// A form with a field of every kind and chained conditions.
pub(super) const FORM: &str = r#"format = 1

[service]
slug = "formularz"
name_pl = "Formularz"
summary_pl = "Wszystkie rodzaje pól."
life_situations = ["animals"]
who_pl = "Każdy."
documents_pl = []
fees_pl = "Bez opłat."
deadline_pl = "Bez zbędnej zwłoki."
legal_basis = ["Ustawa testowa, art. 1"]
unit = "OR"
jrwa = "0140"
procedure = "other"

[[section]]
id = "person"
title_pl = "Osoba"
title_en = "Person"

[[section.field]]
id = "name"
type = "text"
label_pl = "Imię"
label_en = "First name"
required = true
max_length = 10

[[section.field]]
id = "pesel"
type = "pesel"
label_pl = "PESEL"

[[section.field]]
id = "nip"
type = "nip"
label_pl = "NIP"

[[section.field]]
id = "account"
type = "iban"
label_pl = "Rachunek"

[[section.field]]
id = "email"
type = "email"
label_pl = "E-mail"

[[section.field]]
id = "phone"
type = "phone"
label_pl = "Telefon"

[[section.field]]
id = "age"
type = "number"
label_pl = "Wiek"
min = 18
max = 120

[[section.field]]
id = "born"
type = "date"
label_pl = "Data urodzenia"
not_future = true

[[section.field]]
id = "visit"
type = "date"
label_pl = "Termin wizyty"
not_past = true

[[section.field]]
id = "home"
type = "address"
label_pl = "Adres zamieszkania"
label_en = "Home address"
required = true

[[section.field]]
id = "post"
type = "address"
label_pl = "Adres do korespondencji"

[[section.field]]
id = "about"
type = "textarea"
label_pl = "Opis"
max_length = 12

[[section.field]]
id = "agree"
type = "checkbox"
label_pl = "Zgoda"
label_en = "Consent"
required = true

[[section]]
id = "pet"
title_pl = "Zwierzę"
title_en = "Pet"

[[section.field]]
id = "has_pet"
type = "checkbox"
label_pl = "Mam zwierzę"

[[section.field]]
id = "pet_kind"
type = "choice"
label_pl = "Rodzaj"
label_en = "Kind"
required = true
when = { field = "has_pet", equals = "true" }
options = [
  { value = "dog", label_pl = "Pies", label_en = "Dog" },
  { value = "cat", label_pl = "Kot", label_en = "Cat" },
]

[[section.field]]
id = "chip"
type = "text"
label_pl = "Numer czipa"
required = true
when = { field = "pet_kind", equals = "dog" }

[[section.field]]
id = "scan"
type = "file"
label_pl = "Skan"
required = true

[[section.field]]
id = "photos"
type = "file"
label_pl = "Zdjęcia"
multiple = true
"#;

pub(super) fn today() -> Date {
    Date::from_calendar_date(2025, Month::June, 15).expect("date")
}

pub(super) fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Answers that pass every check.
fn valid() -> Answers {
    answers(&[
        ("name", "  Anna "),
        ("home.street", "ul. Długa 5"),
        ("home.postal_code", "00950"),
        ("home.city", "Warszawa"),
        ("agree", "on"),
    ])
}

fn one_scan() -> BTreeMap<String, usize> {
    BTreeMap::from([("scan".to_owned(), 1)])
}

fn check(answers: &Answers) -> Result<Answers, Vec<FieldProblem>> {
    validate_answers(&parse(FORM), answers, &one_scan(), today())
}

/// The single problem that `answers` cause.
#[track_caller]
fn problem(answers: &Answers) -> FieldProblem {
    match check(answers) {
        Ok(ok) => panic!("answers should be refused, got {ok:?}"),
        Err(mut problems) => {
            assert_eq!(problems.len(), 1, "{problems:#?}");
            problems.remove(0)
        }
    }
}

/// The valid answers with `key` set to `value`.
fn with(key: &str, value: &str) -> Answers {
    let mut answers = valid();
    answers.insert(key.to_owned(), value.to_owned());
    answers
}

#[track_caller]
fn assert_code(key: &str, value: &str, code: &str) -> FieldProblem {
    let problem = problem(&with(key, value));
    assert_eq!(
        (problem.field.as_str(), problem.code),
        (key, code),
        "{problem:#?}"
    );
    problem
}

#[track_caller]
fn assert_normalised(key: &str, value: &str, normalised: &str) {
    let accepted = check(&with(key, value)).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(accepted.get(key).map(String::as_str), Some(normalised));
}

/// A PESEL with `first_ten` and its correct check digit.
fn pesel_with_check(first_ten: &str) -> String {
    let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = first_ten
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{first_ten}{}", (10 - sum % 10) % 10)
}

#[test]
fn valid_answers_are_normalised_and_unknown_keys_dropped() {
    let mut input = valid();
    input.insert("unknown".into(), "x".into());
    input.insert("scan".into(), "not an answer".into());
    let accepted = check(&input).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(
        accepted,
        answers(&[
            ("name", "Anna"),
            ("home.street", "ul. Długa 5"),
            ("home.postal_code", "00-950"),
            ("home.city", "Warszawa"),
            ("agree", "true"),
        ])
    );
}

#[test]
fn required_fields_are_reported_with_their_labels() {
    let problems = validate_answers(&parse(FORM), &Answers::new(), &BTreeMap::new(), today())
        .expect_err("empty form");
    let keys: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.code))
        .collect();
    assert_eq!(
        keys,
        [
            ("name", "required"),
            ("home.street", "required"),
            ("home.postal_code", "required"),
            ("home.city", "required"),
            ("agree", "required"),
            ("scan", "required"),
        ]
    );
    assert_eq!(
        problems[0].message_pl,
        "Pole „Imię” jest wymagane. Uzupełnij je."
    );
    assert_eq!(
        problems[0].message_en,
        "“First name” is required. Please fill it in."
    );
    assert!(problems[1].message_pl.contains("„Adres zamieszkania”"));
    assert!(problems[1].message_en.contains("“Home address”"));
    assert!(problems[4].message_pl.starts_with("Zaznacz pole „Zgoda”"));
    assert!(problems[5].message_pl.contains("Dołącz plik"));
    // Blank is empty.
    assert_code("name", "   ", "required");
}

#[test]
fn text_longer_than_the_limit_is_refused_not_truncated() {
    let problem = assert_code("name", "Maksymilian", "too-long");
    assert!(
        problem
            .message_pl
            .contains("ma 11 znaków, a może mieć najwyżej 10 znaków"),
        "{problem:?}"
    );
    assert!(problem.message_en.contains("11 characters"));
    assert_normalised("name", "Maksymilia", "Maksymilia");
    // Polish letters are one character each.
    assert_normalised("name", "Łucja Żółć", "Łucja Żółć");
    // A browser's CR LF counts as one character, as `maxlength` counts it.
    assert_normalised("about", "abcde\r\nfghij", "abcde\nfghij");
    assert_code("about", "abcde\r\nfghijkl", "too-long");
}

#[test]
fn control_characters_are_refused() {
    assert_code("name", "An\u{0}na", "characters");
    assert_code("home.city", "War\u{1b}szawa", "characters");
    assert_normalised("about", "a\tb\nc", "a\tb\nc");
}

#[test]
fn numbers() {
    assert_normalised("age", " +042 ", "42");
    assert_normalised("age", "18", "18");
    assert_normalised("age", "120", "120");
    assert_code("age", "4.5", "number");
    assert_code("age", "dwadzieścia", "number");
    let problem = assert_code("age", "17", "range");
    assert!(problem.message_pl.contains("od 18 do 120"), "{problem:?}");
    assert_code("age", "121", "range");
    assert_code("age", "99999999999999999999", "number");
}

#[test]
fn dates() {
    assert_normalised("born", "2025-06-15", "2025-06-15");
    assert_normalised("visit", "2025-06-15", "2025-06-15");
    assert_code("born", "15.06.2025", "date");
    assert_code("born", "2025-02-29", "date");
    assert_code("born", "2025-6-1", "date");
    assert_normalised("born", "2024-02-29", "2024-02-29");
    let problem = assert_code("born", "2025-06-16", "date-future");
    assert!(problem.message_pl.contains("2025-06-15"), "{problem:?}");
    assert_code("visit", "2025-06-14", "date-past");
}

#[test]
fn pesel_uses_the_validator() {
    assert_normalised("pesel", " 44051401359 ", "44051401359");
    let problem = assert_code("pesel", "44051401358", "checksum");
    assert!(
        problem
            .message_pl
            .starts_with("Pole „PESEL”: Cyfra kontrolna"),
        "{problem:?}"
    );
    // 31 February 1987 with a correct check digit: only the date is wrong.
    let impossible = pesel_with_check("8702310000");
    let problem = assert_code("pesel", &impossible, "birth-date");
    assert!(problem.message_pl.contains("nieistniejącą datę urodzenia"));
    assert_code("pesel", "4405140135", "length");
}

#[test]
fn nip_and_iban_use_the_validators() {
    assert_normalised("nip", "PL 123-456-32-18", "1234563218");
    assert_code("nip", "1234563217", "checksum");
    assert_normalised(
        "account",
        "61 1090 1014 0000 0712 1981 2874",
        "PL61109010140000071219812874",
    );
    assert_code("account", "PL61 1090 1014 0000 0712 1981 2875", "checksum");
    assert_code("account", "DE89370400440532013000", "country");
}

#[test]
fn email_addresses() {
    assert_normalised(
        "email",
        " Jan.Kowalski@Example.PL ",
        "Jan.Kowalski@example.pl",
    );
    for bad in [
        "jan",
        "jan@@example.pl",
        "jan@exa@mple.pl",
        "jan kowalski@example.pl",
        "jan@example",
        "@example.pl",
        "jan@.pl",
        "jan@example.",
    ] {
        assert_code("email", bad, "email");
    }
    let long = format!("{}@example.pl", "a".repeat(243));
    assert_eq!(long.len(), 254);
    assert_normalised("email", &long, &long);
    assert_code("email", &format!("a{long}"), "email");
}

#[test]
fn phone_numbers() {
    assert_normalised("phone", "+48 600-700-800", "+48600700800");
    assert_normalised("phone", "(22) 123 45 67", "221234567");
    assert_code("phone", "12345678", "phone");
    assert_code("phone", "+1234567890123456", "phone");
    assert_code("phone", "600 700 80O", "phone");
    assert_code("phone", "48+600700800", "phone");
}

#[test]
fn address_parts() {
    let problem = assert_code("home.postal_code", "00-9500", "format");
    assert!(
        problem
            .message_pl
            .starts_with("W adresie „Adres zamieszkania”")
    );
    assert_code("home.postal_code", "0095", "length");
    assert_code("home.street", &"x".repeat(201), "too-long");
    assert_code("home.city", &"x".repeat(101), "too-long");
    assert_normalised("home.city", &"x".repeat(100), &"x".repeat(100));
    // An optional address left empty is fine and absent from the result…
    let accepted = check(&valid()).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(!accepted.keys().any(|k| k.starts_with("post.")));
    // …but once any part is filled, the others are needed.
    let problems = check(&with("post.city", "Kraków")).expect_err("half an address");
    let keys: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(keys, ["post.street", "post.postal_code"]);
}

#[test]
fn checkbox_values() {
    assert_normalised("agree", "true", "true");
    assert_normalised("agree", " on ", "true");
    assert_code("agree", "false", "required");
    assert_code("agree", "yes", "choice");
    let mut ticked = with("has_pet", "on");
    ticked.insert("pet_kind".into(), "cat".into());
    let accepted = check(&ticked).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(accepted.get("has_pet").map(String::as_str), Some("true"));
    let accepted = check(&with("has_pet", "")).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(!accepted.contains_key("has_pet"), "unticked is absent");
}

#[test]
fn choice_values() {
    let mut input = with("has_pet", "on");
    input.insert("pet_kind".into(), "cow".into());
    let problem = problem(&input);
    assert_eq!(
        (problem.field.as_str(), problem.code),
        ("pet_kind", "choice")
    );
    assert!(problem.message_pl.contains("„Pies”, „Kot”"), "{problem:?}");
    assert!(problem.message_en.contains("“Dog”, “Cat”"), "{problem:?}");
}

#[test]
fn inactive_fields_are_neither_checked_nor_kept() {
    let def = parse(FORM);
    // has_pet not ticked: pet_kind and chip are hidden, even with (bad) answers.
    let input = {
        let mut input = with("pet_kind", "cow");
        input.insert("chip".into(), "\u{0}".into());
        input
    };
    let accepted = check(&input).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(!accepted.contains_key("pet_kind") && !accepted.contains_key("chip"));
    let pet_kind = def.field("pet_kind").expect("field");
    assert!(!def.is_active(pet_kind, &input));

    // Ticked: pet_kind is required; chip only for a dog.
    let ticked = with("has_pet", "on");
    let problem = problem(&ticked);
    assert_eq!(
        (problem.field.as_str(), problem.code),
        ("pet_kind", "required")
    );
    let mut cat = ticked.clone();
    cat.insert("pet_kind".into(), "cat".into());
    let accepted = check(&cat).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(accepted.get("pet_kind").map(String::as_str), Some("cat"));
    let mut dog = ticked.clone();
    dog.insert("pet_kind".into(), " dog ".into());
    assert_eq!(problem_of(&dog), ("chip".to_owned(), "required"));
    dog.insert("chip".into(), "616093900012345".into());
    let accepted = check(&dog).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(
        accepted.get("chip").map(String::as_str),
        Some("616093900012345")
    );

    // The chain: a dog left in the answers after unticking has_pet does not revive chip.
    let mut unticked = dog.clone();
    unticked.remove("has_pet");
    let chip = def.field("chip").expect("field");
    assert!(def.is_active(chip, &dog));
    assert!(!def.is_active(chip, &unticked));
    let accepted = check(&unticked).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(!accepted.contains_key("chip"));
}

fn problem_of(answers: &Answers) -> (String, &'static str) {
    let problem = problem(answers);
    (problem.field, problem.code)
}

#[test]
fn file_counts() {
    let def = parse(FORM);
    let files = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
    };
    let result = validate_answers(&def, &valid(), &files(&[("scan", 0)]), today());
    let problems = result.expect_err("scan missing");
    assert_eq!(
        (problems[0].field.as_str(), problems[0].code),
        ("scan", "required")
    );
    let problems =
        validate_answers(&def, &valid(), &files(&[("scan", 2)]), today()).expect_err("two scans");
    assert_eq!(
        (problems[0].field.as_str(), problems[0].code),
        ("scan", "one-file")
    );
    assert!(problems[0].message_pl.contains("dołączono 2"));
    assert!(
        validate_answers(
            &def,
            &valid(),
            &files(&[("scan", 1), ("photos", 7)]),
            today()
        )
        .is_ok()
    );
}

#[test]
fn many_problems_are_reported_together() {
    let mut input = valid();
    input.insert("name".into(), "Maksymilian".into());
    input.insert("pesel".into(), "44051401358".into());
    input.insert("nip".into(), "1234563217".into());
    input.insert("email".into(), "jan".into());
    input.insert("age".into(), "7".into());
    input.insert("home.postal_code".into(), "0-0950".into());
    input.remove("agree");
    let problems = check(&input).expect_err("many problems");
    let found: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.code))
        .collect();
    assert_eq!(
        found,
        [
            ("name", "too-long"),
            ("pesel", "checksum"),
            ("nip", "checksum"),
            ("email", "email"),
            ("age", "range"),
            ("home.postal_code", "format"),
            ("agree", "required"),
        ]
    );
    for problem in &problems {
        assert!(!problem.message_pl.is_empty() && !problem.message_en.is_empty());
    }
}

proptest! {
    /// Whatever is typed, a valid answer comes back trimmed and never longer than the limit.
    #[test]
    fn text_answers_are_kept_whole_or_refused(text in "\\PC{0,15}") {
        let result = check(&with("name", &text));
        let trimmed = text.trim();
        match result {
            Ok(accepted) => {
                prop_assert_eq!(accepted.get("name").map(String::as_str), Some(trimmed));
                prop_assert!(trimmed.chars().count() <= 10);
            }
            Err(problems) => {
                prop_assert_eq!(problems.len(), 1);
                let code = problems[0].code;
                prop_assert!(code == "too-long" || code == "required" || code == "characters", "{}", code);
            }
        }
    }

    /// Integers within range are accepted in canonical form, outside refused as "range".
    #[test]
    fn numbers_in_range(n in -1000i64..1000) {
        let result = check(&with("age", &format!(" {n} ")));
        if (18..=120).contains(&n) {
            let accepted = result.map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
            prop_assert_eq!(accepted.get("age").cloned(), Some(n.to_string()));
        } else {
            let problems = result.err().unwrap_or_default();
            prop_assert_eq!(problems.len(), 1);
            prop_assert_eq!(problems[0].code, "range");
        }
    }
}
