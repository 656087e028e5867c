use super::bank::{check_digits, is_valid_polish};
use super::pesel::check_digit as pesel_check_digit;
use super::tax::{nip_check_digit, regon9_check_digit, regon14_check_digit};
use super::*;
use proptest::prelude::*;
use time::{Date, Month};

fn digits(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

fn text(d: &[u8]) -> String {
    d.iter().map(|x| char::from(b'0' + x)).collect()
}

fn d(year: i32, month: u8, day: u8) -> Date {
    Date::from_calendar_date(year, Month::try_from(month).expect("month"), day).expect("date")
}

#[test]
fn kinds_parse_from_their_names() {
    for kind in Kind::ALL {
        assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        assert_eq!(kind.to_string(), kind.as_str());
    }
    assert_eq!("postal-code".parse::<Kind>(), Ok(Kind::PostalCode));
    assert_eq!("ade".parse::<Kind>(), Ok(Kind::EDeliveryAddress));
    assert_eq!(" PESEL ".parse::<Kind>(), Ok(Kind::Pesel));
    assert_eq!("krs".parse::<Kind>(), Err(UnknownKind("krs".into())));
}

#[test]
fn pesel_known_values() {
    let pesel = Pesel::parse(" 44051401359 ").expect("valid");
    assert_eq!(pesel.as_str(), "44051401359");
    assert_eq!(pesel.birth_date(), d(1944, 5, 14));
    assert!(!pesel.is_female());
    assert_eq!(pesel.masked(), "440514*****");
    assert_eq!(format!("{pesel:?}"), "Pesel(\"440514*****\")");

    // Born 3 February 2005 (month 02 + 20), female (digit 10 = 8).
    let mut body = digits("0522030128");
    body.push(pesel_check_digit(&body));
    let pesel = Pesel::parse(&text(&body)).expect("valid");
    assert_eq!(pesel.birth_date(), d(2005, 2, 3));
    assert!(pesel.is_female());

    assert_eq!(Pesel::parse(""), Err(ValidationError::Empty));
    assert_eq!(Pesel::parse("   "), Err(ValidationError::Empty));
    assert_eq!(
        Pesel::parse("4405140135"),
        Err(ValidationError::Length { found: 10 })
    );
    assert_eq!(
        Pesel::parse("440514013599"),
        Err(ValidationError::Length { found: 12 })
    );
    assert_eq!(Pesel::parse("44051401358"), Err(ValidationError::Checksum));
    assert_eq!(
        Pesel::parse("4405140 1359"),
        Err(ValidationError::Characters { found: ' ' })
    );
    assert_eq!(
        Pesel::parse("4405140-1359"),
        Err(ValidationError::Characters { found: '-' })
    );
    assert_eq!(
        Pesel::parse("44O51401359"),
        Err(ValidationError::Characters { found: 'O' })
    );
}

#[test]
fn pesel_birth_dates_and_centuries() {
    let make = |first_six: &str| {
        let mut body = digits(first_six);
        body.extend([1, 2, 3, 4]);
        body.push(pesel_check_digit(&body));
        Pesel::parse(&text(&body))
    };
    assert_eq!(make("998212").map(|p| p.birth_date()), Ok(d(1899, 2, 12)));
    assert_eq!(make("000101").map(|p| p.birth_date()), Ok(d(1900, 1, 1)));
    assert_eq!(make("003229").map(|p| p.birth_date()), Ok(d(2000, 12, 29)));
    assert_eq!(make("244229").map(|p| p.birth_date()), Ok(d(2124, 2, 29)));
    assert_eq!(make("996312").map(|p| p.birth_date()), Ok(d(2299, 3, 12)));
    assert_eq!(
        make("000229").map(|p| p.birth_date()),
        Err(ValidationError::BirthDate),
        "1900 is not leap"
    );
    assert_eq!(
        make("002229").map(|p| p.birth_date()),
        Ok(d(2000, 2, 29)),
        "2000 is leap"
    );
    assert_eq!(make("851301").map(|_| ()), Err(ValidationError::BirthDate));
    assert_eq!(make("850001").map(|_| ()), Err(ValidationError::BirthDate));
    assert_eq!(make("850100").map(|_| ()), Err(ValidationError::BirthDate));
    assert_eq!(make("850431").map(|_| ()), Err(ValidationError::BirthDate));
    assert_eq!(make("857301").map(|_| ()), Err(ValidationError::BirthDate));
}

#[test]
fn nip_known_values() {
    for input in [
        "1234563218",
        "123-456-32-18",
        "123-45-63-218",
        "PL1234563218",
        "pl 1234563218",
        " PL123-456-32-18 ",
        "123 456 32 18",
    ] {
        assert_eq!(
            Nip::parse(input).map(|n| n.to_string()),
            Ok("1234563218".to_owned()),
            "{input}"
        );
    }
    assert_eq!(Nip::parse("1234563219"), Err(ValidationError::Checksum));
    assert_eq!(
        Nip::parse("123456321"),
        Err(ValidationError::Length { found: 9 })
    );
    assert_eq!(Nip::parse("PL"), Err(ValidationError::Length { found: 0 }));
    assert_eq!(Nip::parse("123--456-32-18"), Err(ValidationError::Format));
    assert_eq!(Nip::parse("-1234563218"), Err(ValidationError::Format));
    assert_eq!(Nip::parse("1234563218-"), Err(ValidationError::Format));
    assert_eq!(
        Nip::parse("DE1234563218"),
        Err(ValidationError::Characters { found: 'D' })
    );
    assert_eq!(
        Nip::parse("123.456.32.18"),
        Err(ValidationError::Characters { found: '.' })
    );
    // Σ mod 11 = 10: never issued, whatever the last digit.
    let body = digits("000000003");
    assert_eq!(nip_check_digit(&body), None);
    for last in 0..=9 {
        let mut number = body.clone();
        number.push(last);
        assert_eq!(Nip::parse(&text(&number)), Err(ValidationError::Checksum));
    }
}

#[test]
fn regon_known_values() {
    assert_eq!(
        validate(Kind::Regon, "123456785"),
        Ok("123456785".to_owned())
    );
    let local = Regon::parse("12345678512347").expect("valid");
    assert!(local.is_local_unit());
    assert_eq!(local.entity(), "123456785");
    assert!(!Regon::parse("123-456-785").expect("valid").is_local_unit());
    assert_eq!(Regon::parse("123456786"), Err(ValidationError::Checksum));
    assert_eq!(
        Regon::parse("12345678512348"),
        Err(ValidationError::Checksum)
    );
    // A 14-digit number whose own check digit is right but whose first nine digits are not a REGON.
    let mut bad_parent = digits("1234567861234");
    bad_parent.push(regon14_check_digit(&bad_parent));
    assert_eq!(
        Regon::parse(&text(&bad_parent)),
        Err(ValidationError::Checksum)
    );
    assert_eq!(
        Regon::parse("1234567851"),
        Err(ValidationError::Length { found: 10 })
    );
    // Remainder 10 is written as 0.
    let body = (0..100_000_000u32)
        .map(|n| digits(&format!("{n:08}")))
        .find(|b| weighted(b, &[8, 9, 2, 3, 4, 5, 6, 7]) % 11 == 10)
        .expect("some body has remainder 10");
    assert_eq!(regon9_check_digit(&body), 0);
}

fn weighted(d: &[u8], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| u32::from(*a) * b).sum()
}

#[test]
fn iban_known_values() {
    let iban = Iban::parse("PL61 1090 1014 0000 0712 1981 2874").expect("valid");
    assert_eq!(iban.as_str(), "PL61109010140000071219812874");
    assert_eq!(iban.nrb(), "61109010140000071219812874");
    assert_eq!(iban.formatted(), "PL61 1090 1014 0000 0712 1981 2874");
    for input in [
        "61109010140000071219812874",
        "pl61109010140000071219812874",
        " 61 1090 1014 0000 0712 1981 2874 ",
        "PL61\u{a0}1090\u{a0}1014\u{a0}0000\u{a0}0712\u{a0}1981\u{a0}2874",
    ] {
        assert_eq!(
            validate(Kind::Iban, input),
            Ok("PL61109010140000071219812874".to_owned()),
            "{input}"
        );
    }
    assert_eq!(
        Iban::parse("PL62109010140000071219812874"),
        Err(ValidationError::Checksum)
    );
    assert_eq!(
        Iban::parse("DE89370400440532013000"),
        Err(ValidationError::Country("DE".into()))
    );
    assert_eq!(
        Iban::parse("gb29NWBK60161331926819"),
        Err(ValidationError::Country("GB".into()))
    );
    assert_eq!(
        Iban::parse("PL6110901014000007121981287"),
        Err(ValidationError::Length { found: 25 })
    );
    assert_eq!(
        Iban::parse("P61109010140000071219812874"),
        Err(ValidationError::Format)
    );
    assert_eq!(
        Iban::parse("PL61-1090-1014-0000-0712-1981-2874"),
        Err(ValidationError::Characters { found: '-' })
    );
    assert!(is_valid_polish(&digits("61109010140000071219812874")));
}

#[test]
fn postal_codes() {
    assert_eq!(
        validate(Kind::PostalCode, " 00-950 "),
        Ok("00-950".to_owned())
    );
    assert_eq!(validate(Kind::PostalCode, "31008"), Ok("31-008".to_owned()));
    assert_eq!(PostalCode::parse("0-0950"), Err(ValidationError::Format));
    assert_eq!(PostalCode::parse("00-9500"), Err(ValidationError::Format));
    assert_eq!(PostalCode::parse("00--950"), Err(ValidationError::Format));
    assert_eq!(
        PostalCode::parse("3100"),
        Err(ValidationError::Length { found: 4 })
    );
    assert_eq!(
        PostalCode::parse("00 950"),
        Err(ValidationError::Characters { found: ' ' })
    );
    assert_eq!(
        PostalCode::parse("00-95O"),
        Err(ValidationError::Characters { found: 'O' })
    );
    assert_eq!(PostalCode::parse(""), Err(ValidationError::Empty));
}

#[test]
fn e_delivery_addresses() {
    assert_eq!(
        validate(Kind::EDeliveryAddress, "AE:PL-12345-67890-ABCDE-12"),
        Ok("AE:PL-12345-67890-ABCDE-12".to_owned())
    );
    assert_eq!(
        validate(Kind::EDeliveryAddress, " ae:pl-50419-15057-vdgug-25 "),
        Ok("AE:PL-50419-15057-VDGUG-25".to_owned())
    );
    for bad in [
        "AE:PL-1234-67890-ABCDE-12",
        "AE:PL-12345-67890-ABCD1-12",
        "AE:PL-12345-67890-ABCDE-123",
        "AE:PL-12345-67890-ABCDE",
        "AE:PL12345-67890-ABCDE-12",
        "AE:PL-12345-67890-ABCDE-12-",
        "AE-PL-12345-67890-ABCDE-12",
        "PL-12345-67890-ABCDE-12",
        "AE:P",
        "AE:1L-12345-67890-ABCDE-12",
    ] {
        assert_eq!(
            EDeliveryAddress::parse(bad),
            Err(ValidationError::Format),
            "{bad}"
        );
    }
    assert_eq!(
        EDeliveryAddress::parse("AE:DE-12345-67890-ABCDE-12"),
        Err(ValidationError::Country("DE".into()))
    );
    assert_eq!(
        EDeliveryAddress::parse("AE:PL-12345-67890-ĄBCDE-12"),
        Err(ValidationError::Characters { found: 'Ą' })
    );
    assert_eq!(
        EDeliveryAddress::parse("AE:PL 12345"),
        Err(ValidationError::Characters { found: ' ' })
    );
}

#[test]
fn codes_are_stable_and_messages_say_something_for_every_kind() {
    let errors = [
        ValidationError::Empty,
        ValidationError::Length { found: 3 },
        ValidationError::Characters { found: 'x' },
        ValidationError::Checksum,
        ValidationError::BirthDate,
        ValidationError::Country("DE".into()),
        ValidationError::Format,
    ];
    let codes: Vec<&str> = errors.iter().map(ValidationError::code).collect();
    assert_eq!(
        codes,
        [
            "empty",
            "length",
            "characters",
            "checksum",
            "birth-date",
            "country",
            "format"
        ]
    );
    for error in &errors {
        for kind in Kind::ALL {
            let pl = error.message_pl(kind);
            let en = error.message_en(kind);
            assert!(pl.len() > 20 && en.len() > 20, "{error:?} {kind}");
            assert!(pl.ends_with('.') && en.ends_with('.'), "{pl} / {en}");
        }
    }
    assert_eq!(
        ValidationError::Checksum.message_pl(Kind::Nip),
        "Cyfra kontrolna się nie zgadza, więc NIP zawiera literówkę. Przepisz go jeszcze raz z dokumentu."
    );
    assert!(
        ValidationError::Length { found: 10 }
            .message_pl(Kind::Pesel)
            .starts_with("Numer PESEL ma 11 cyfr, a wpisano 10.")
    );
    assert!(
        ValidationError::Country("DE".into())
            .message_pl(Kind::Iban)
            .contains("DE")
    );
}

// --- Property tests ------------------------------------------------------------------------

fn any_pesel() -> impl Strategy<Value = String> {
    let first = d(1800, 1, 1).to_julian_day();
    let last = d(2299, 12, 31).to_julian_day();
    (first..=last, 0u32..10_000).prop_map(|(jd, serial)| {
        let date = Date::from_julian_day(jd).expect("in range");
        let offset = match date.year() {
            1800..=1899 => 80,
            1900..=1999 => 0,
            2000..=2099 => 20,
            2100..=2199 => 40,
            _ => 60,
        };
        let body = format!(
            "{:02}{:02}{:02}{serial:04}",
            date.year() % 100,
            u8::from(date.month()) + offset,
            date.day()
        );
        let mut d = digits(&body);
        d.push(pesel_check_digit(&d));
        text(&d)
    })
}

fn any_nip() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, 9).prop_filter_map("remainder 10", |mut d| {
        let check = nip_check_digit(&d)?;
        d.push(check);
        Some(text(&d))
    })
}

fn any_regon() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(0u8..10, 8),
        proptest::option::of(proptest::collection::vec(0u8..10, 4)),
    )
        .prop_map(|(mut d, local)| {
            d.push(regon9_check_digit(&d));
            if let Some(unit) = local {
                d.extend(unit);
                d.push(regon14_check_digit(&d));
            }
            text(&d)
        })
}

fn any_nrb() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, 24).prop_map(|bban| {
        let mut d = check_digits(&bban).to_vec();
        d.extend(bban);
        text(&d)
    })
}

fn any_valid(kind: Kind) -> BoxedStrategy<String> {
    match kind {
        Kind::Pesel => any_pesel().boxed(),
        Kind::Nip => any_nip().boxed(),
        Kind::Regon => any_regon().boxed(),
        Kind::Iban => any_nrb().prop_map(|nrb| format!("PL{nrb}")).boxed(),
        Kind::PostalCode => "[0-9]{2}-[0-9]{3}".boxed(),
        Kind::EDeliveryAddress => "AE:PL-[0-9]{5}-[0-9]{5}-[A-Z]{5}-[0-9]{2}".boxed(),
    }
}

fn any_kind() -> impl Strategy<Value = Kind> {
    proptest::sample::select(Kind::ALL.to_vec())
}

/// Every way to change one digit of `s` (position, new digit).
fn single_digit_changes(s: &str) -> impl Iterator<Item = String> + '_ {
    s.char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .flat_map(move |(i, c)| {
            ('0'..='9').filter(move |x| *x != c).map(move |x| {
                let mut changed = s.to_owned();
                changed.replace_range(i..=i, &x.to_string());
                changed
            })
        })
}

proptest! {
    #[test]
    fn generated_valid_values_validate_to_themselves((kind, value) in any_kind().prop_flat_map(|k| (Just(k), any_valid(k)))) {
        let normalised = validate(kind, &value);
        prop_assert_eq!(normalised.as_deref(), Ok(value.as_str()));
        // Normalisation is idempotent.
        prop_assert_eq!(validate(kind, &value), validate(kind, &format!("  {value} ")));
    }

    #[test]
    fn any_single_digit_change_breaks_a_pesel(pesel in any_pesel()) {
        for changed in single_digit_changes(&pesel) {
            prop_assert!(Pesel::parse(&changed).is_err(), "{} accepted", changed);
        }
    }

    #[test]
    fn any_single_digit_change_breaks_a_nip(nip in any_nip()) {
        for changed in single_digit_changes(&nip) {
            prop_assert_eq!(Nip::parse(&changed), Err(ValidationError::Checksum), "{}", changed);
        }
    }

    #[test]
    fn any_single_digit_change_breaks_an_iban(nrb in any_nrb()) {
        let iban = format!("PL{nrb}");
        for changed in single_digit_changes(&iban) {
            prop_assert_eq!(Iban::parse(&changed), Err(ValidationError::Checksum), "{}", changed);
        }
        prop_assert_eq!(validate(Kind::Iban, &nrb), Ok(iban));
    }

    #[test]
    fn pesel_knows_its_birth_date_and_sex(pesel in any_pesel()) {
        let parsed = Pesel::parse(&pesel).expect("valid");
        prop_assert_eq!(parsed.is_female(), (pesel.as_bytes()[9] - b'0').is_multiple_of(2));
        prop_assert_eq!(parsed.masked(), format!("{}*****", &pesel[..6]));
        let debug = format!("{parsed:?}");
        prop_assert!(!debug.contains(&pesel));
        let year = parsed.birth_date().year();
        prop_assert!((1800..=2299).contains(&year));
        prop_assert_eq!(year % 100, i32::from(pesel.as_bytes()[0] - b'0') * 10 + i32::from(pesel.as_bytes()[1] - b'0'));
    }

    #[test]
    fn nip_groupings_are_equivalent(nip in any_nip()) {
        let grouped = format!("{}-{}-{}-{}", &nip[..3], &nip[3..6], &nip[6..8], &nip[8..]);
        let other = format!("{}-{}-{}-{}", &nip[..3], &nip[3..5], &nip[5..7], &nip[7..]);
        prop_assert_eq!(validate(Kind::Nip, &grouped), Ok(nip.clone()));
        prop_assert_eq!(validate(Kind::Nip, &other), Ok(nip.clone()));
        prop_assert_eq!(validate(Kind::Nip, &format!("PL{nip}")), Ok(nip));
    }

    #[test]
    fn random_text_never_panics(kind in any_kind(), input in "\\PC{0,40}") {
        if let Err(error) = validate(kind, &input) {
            prop_assert!(!error.message_pl(kind).is_empty());
            prop_assert!(!error.message_en(kind).is_empty());
        }
    }

    #[test]
    fn random_digit_and_letter_soup_never_panics(kind in any_kind(), input in "[0-9A-Za-z :\\-]{0,40}") {
        let _ = validate(kind, &input);
    }
}
