//! Polish mobile numbers for SMS alerts.
//!
//! Poland's numbering plan (rozporządzenie Ministra Cyfryzacji w sprawie planu numeracji
//! krajowej dla publicznych sieci telekomunikacyjnych) gives nine-digit national numbers;
//! mobile numbers begin with 45, 50, 51, 53, 57, 60, 66, 69, 72, 73, 78, 79 or 88, and
//! fixed-line numbers with a two-digit area code (12, 22, 58 …), which cannot receive SMS.
//! Only Polish mobile numbers are accepted: the office's gateway contract covers them and a
//! foreign number would be charged differently.

/// Prefixes of Polish mobile numbers.
const MOBILE: [&str; 13] = [
    "45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88",
];

/// Why a phone number cannot receive alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    /// A character other than digits, spaces, `-`, `(`, `)` or a leading `+`.
    Characters,
    /// Not nine digits (after an optional 48 / +48 / 0048).
    Length {
        digits: usize,
    },
    /// A country code other than Poland's.
    Foreign,
    /// Nine digits, but a fixed-line (or unassigned) range.
    NotMobile,
}

impl PhoneError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Characters => "phone-characters",
            Self::Length { .. } => "phone-length",
            Self::Foreign => "phone-foreign",
            Self::NotMobile => "phone-not-mobile",
        }
    }

    pub fn message_pl(&self) -> String {
        match self {
            Self::Empty => "Podaj numer telefonu komórkowego.".into(),
            Self::Characters => {
                "Numer telefonu może zawierać tylko cyfry, spacje i myślniki, np. 600 123 456."
                    .into()
            }
            Self::Length { digits } => format!(
                "Numer telefonu ma {digits} cyfr, a polski numer komórkowy ma 9 cyfr (bez +48), np. 600 123 456."
            ),
            Self::Foreign => "Wysyłamy SMS tylko na polskie numery komórkowe (+48).".into(),
            Self::NotMobile => {
                "To nie jest numer komórkowy (SMS nie dotrze na telefon stacjonarny). Podaj numer komórkowy, np. 600 123 456."
                    .into()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "Enter a mobile phone number.".into(),
            Self::Characters => {
                "A phone number may hold only digits, spaces and hyphens, e.g. 600 123 456.".into()
            }
            Self::Length { digits } => format!(
                "The number has {digits} digits; a Polish mobile number has 9 (without +48), e.g. 600 123 456."
            ),
            Self::Foreign => "SMS go to Polish mobile numbers (+48) only.".into(),
            Self::NotMobile => {
                "This is not a mobile number (a landline cannot receive SMS). Enter a mobile number, e.g. 600 123 456."
                    .into()
            }
        }
    }
}

/// A Polish mobile number as `48` and nine digits (what SMS gateways take), from what a
/// resident typed: `600 123 456`, `600-123-456`, `+48 600 123 456`, `0048600123456`,
/// `(+48) 600123456`.
pub fn mobile_number(input: &str) -> Result<String, PhoneError> {
    let t = input.trim();
    if t.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (plus, rest) = match t.strip_prefix('+') {
        Some(r) => (true, r),
        None => match t.strip_prefix("(+") {
            Some(r) => (true, r),
            None => (false, t),
        },
    };
    if rest
        .chars()
        .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')')))
    {
        return Err(PhoneError::Characters);
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let national = if plus {
        match digits.strip_prefix("48") {
            Some(n) => n.to_owned(),
            None => return Err(PhoneError::Foreign),
        }
    } else if let Some(n) = digits.strip_prefix("0048") {
        n.to_owned()
    } else if digits.starts_with("00") {
        return Err(PhoneError::Foreign);
    } else if digits.len() == 11 && digits.starts_with("48") {
        digits[2..].to_owned()
    } else {
        digits
    };
    if national.len() != 9 {
        return Err(PhoneError::Length {
            digits: national.len(),
        });
    }
    if !MOBILE.iter().any(|p| national.starts_with(p)) {
        return Err(PhoneError::NotMobile);
    }
    Ok(format!("48{national}"))
}

/// `+48 600 123 456` for people, from `48600123456`.
pub fn display(number: &str) -> String {
    match number.strip_prefix("48") {
        Some(n) if n.len() == 9 => format!("+48 {} {} {}", &n[..3], &n[3..6], &n[6..]),
        _ => number.to_owned(),
    }
}

/// `+48 600 *** 456`: a number shown to someone who may not be its owner, and in logs.
pub fn masked(number: &str) -> String {
    match number.strip_prefix("48") {
        Some(n) if n.len() == 9 => format!("+48 {} *** {}", &n[..3], &n[6..]),
        _ => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_ways_residents_write_a_number() {
        for input in [
            "600123456",
            "600 123 456",
            "600-123-456",
            "+48 600 123 456",
            "+48600123456",
            "0048 600 123 456",
            "48600123456",
            "(+48) 600 123 456",
        ] {
            assert_eq!(mobile_number(input), Ok("48600123456".into()), "{input}");
        }
    }

    #[test]
    fn what_cannot_receive_an_sms_is_refused_with_its_reason() {
        assert_eq!(mobile_number(" "), Err(PhoneError::Empty));
        assert_eq!(mobile_number("600 12a 456"), Err(PhoneError::Characters));
        assert_eq!(
            mobile_number("60012345"),
            Err(PhoneError::Length { digits: 8 })
        );
        assert_eq!(
            mobile_number("6001234567"),
            Err(PhoneError::Length { digits: 10 })
        );
        assert_eq!(mobile_number("+49 151 1234567"), Err(PhoneError::Foreign));
        assert_eq!(mobile_number("0049 151 1234567"), Err(PhoneError::Foreign));
        // Kraków's landline area code.
        assert_eq!(mobile_number("12 345 67 89"), Err(PhoneError::NotMobile));
        assert_eq!(mobile_number("22 123 45 67"), Err(PhoneError::NotMobile));
        assert!(
            PhoneError::Length { digits: 8 }
                .message_pl()
                .contains("9 cyfr")
        );
    }

    #[test]
    fn numbers_are_shown_whole_only_to_their_owner() {
        assert_eq!(display("48600123456"), "+48 600 123 456");
        assert_eq!(masked("48600123456"), "+48 600 *** 456");
        assert_eq!(masked("garbage"), "***");
    }

    proptest! {
        #[test]
        fn any_input_gives_a_number_or_a_reason(s in "\\PC{0,30}") {
            if let Ok(n) = mobile_number(&s) {
                prop_assert_eq!(n.len(), 11);
                prop_assert!(n.starts_with("48"));
                prop_assert!(MOBILE.iter().any(|p| n[2..].starts_with(p)));
            }
        }

        #[test]
        fn every_mobile_number_is_accepted(p in 0usize..13, rest in 0u32..10_000_000) {
            let national = format!("{}{rest:07}", MOBILE[p]);
            prop_assert_eq!(mobile_number(&national), Ok(format!("48{national}")));
        }
    }
}
