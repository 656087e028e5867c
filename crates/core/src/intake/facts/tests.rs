use super::*;
use proptest::prelude::*;

fn values(text: &str, kind: FactKind) -> Vec<String> {
    extract(text)
        .into_iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.value)
        .collect()
}

/// The case signs of a text with whether the letter refers to them.
fn signs(text: &str) -> Vec<(String, bool)> {
    extract(text)
        .into_iter()
        .filter(|f| f.kind == FactKind::CaseSign)
        .map(|f| (f.value, f.referenced))
        .collect()
}

const LETTER: &str = "Przykładowo, dnia 12 marca 2024 r.\n\
Jan Kowalski, PESEL: 44051401359, tel. 600 100 200, e-mail: Jan.Kowalski@Example.PL\n\
Dot. sprawy: OR.1431.5.2024\n\
Firma ABC sp. z o.o., NIP 123-456-32-18, REGON 123456785,\n\
adres do doręczeń elektronicznych AE:PL-12345-67890-ABCDE-12.\n\
Wpłaciłem 1 234,56 zł na rachunek PL61 1090 1014 0000 0712 1981 2874 w dniu 2024-02-29.\n\
Kopia pisma GK.6131.12.2023 w załączeniu. Odpowiedzi proszę udzielić do 31.04.2024.";

#[test]
fn a_letter_gives_its_identifiers_contacts_dates_amounts_and_signs() {
    assert_eq!(values(LETTER, FactKind::Pesel), ["44051401359"]);
    assert_eq!(values(LETTER, FactKind::Nip), ["1234563218"]);
    assert_eq!(values(LETTER, FactKind::Regon), ["123456785"]);
    assert_eq!(
        values(LETTER, FactKind::Iban),
        ["PL61109010140000071219812874"]
    );
    assert_eq!(
        values(LETTER, FactKind::EDeliveryAddress),
        ["AE:PL-12345-67890-ABCDE-12"]
    );
    assert_eq!(values(LETTER, FactKind::Email), ["Jan.Kowalski@example.pl"]);
    assert_eq!(values(LETTER, FactKind::Phone), ["+48600100200"]);
    // 31.04 does not exist: not a date.
    assert_eq!(values(LETTER, FactKind::Date), ["2024-03-12", "2024-02-29"]);
    assert_eq!(values(LETTER, FactKind::Amount), ["123456"]);
    assert_eq!(
        signs(LETTER),
        [
            ("OR.1431.5.2024".to_owned(), true),
            ("GK.6131.12.2023".to_owned(), false)
        ]
    );
}

#[test]
fn offsets_point_at_the_fact_in_the_text() {
    for f in extract(LETTER) {
        let shown = &LETTER[f.start..f.end];
        match f.kind {
            FactKind::Pesel | FactKind::Nip | FactKind::Regon => {
                let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
                assert_eq!(digits, f.value, "{f:?} at {shown:?}");
            }
            FactKind::CaseSign => assert_eq!(shown, f.value),
            _ => assert!(!shown.trim().is_empty(), "{f:?}"),
        }
    }
}

#[test]
fn numbers_that_fail_their_checksum_are_not_identifiers() {
    let text = "PESEL 44051401358, NIP 1234563219, REGON 123456786, konto 61 1090 1014 0000 0712 1981 2875";
    let facts = extract(text);
    assert!(
        facts.iter().all(|f| !matches!(
            f.kind,
            FactKind::Pesel | FactKind::Nip | FactKind::Regon | FactKind::Iban
        )),
        "{facts:?}"
    );
}

#[test]
fn a_hint_word_decides_between_a_phone_and_a_regon() {
    assert_eq!(values("REGON: 123456785", FactKind::Regon), ["123456785"]);
    assert_eq!(values("tel. 123456785", FactKind::Phone), ["+48123456785"]);
    assert_eq!(
        values("+48 12 345 67 89", FactKind::Phone),
        ["+48123456789"]
    );
    assert!(values("REGON: 123456785", FactKind::Phone).is_empty());
}

#[test]
fn numbers_written_side_by_side_are_read_one_by_one() {
    let text = "dane: 44051401359 1234563218";
    assert_eq!(values(text, FactKind::Pesel), ["44051401359"]);
    assert_eq!(values(text, FactKind::Nip), ["1234563218"]);
}

#[test]
fn amounts_in_the_ways_polish_letters_write_them() {
    assert_eq!(values("opłata 17 zł", FactKind::Amount), ["1700"]);
    assert_eq!(
        values("kwota 1.234.567,89 PLN", FactKind::Amount),
        ["123456789"]
    );
    assert_eq!(
        values("kwota 2 500,00 złotych", FactKind::Amount),
        ["250000"]
    );
    // No currency: just a number.
    assert!(values("działka 123,45 m2", FactKind::Amount).is_empty());
}

#[test]
fn a_case_sign_is_referenced_only_after_the_phrases_that_say_so() {
    let text =
        "W odpowiedzi na pismo znak GK.6131.3.2026 informuję, że sprawa USC.5341.1.2026 trwa.";
    assert_eq!(
        signs(text),
        [
            ("GK.6131.3.2026".to_owned(), true),
            ("USC.5341.1.2026".to_owned(), false)
        ]
    );
}

#[test]
fn each_fact_is_reported_once() {
    let text = "PESEL 44051401359, powtarzam: PESEL 44051401359.";
    assert_eq!(values(text, FactKind::Pesel), ["44051401359"]);
}

proptest! {
    #[test]
    fn any_text_is_read_without_panicking_and_offsets_are_in_bounds(text in "\\PC{0,400}") {
        for f in extract(&text) {
            prop_assert!(f.start <= f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        }
    }

    #[test]
    fn digit_soup_never_panics(text in "[0-9 .,\\-PLzł+]{0,200}") {
        let _ = extract(&text);
    }
}
