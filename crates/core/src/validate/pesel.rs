//! PESEL, the number of the Powszechny Elektroniczny System Ewidencji Ludności.

use super::{ValidationError, non_empty, plain_digits, weighted_sum};
use std::fmt;
use std::str::FromStr;
use time::{Date, Month};

/// A valid PESEL number.
///
/// `Debug` shows only the masked form: a full PESEL must never reach a log (ARCHITECTURE.md
/// principle 6). There is deliberately no `Display`; use [`Pesel::as_str`] where the full number
/// is really needed (a document addressed to the person).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Pesel {
    digits: String,
    birth_date: Date,
    female: bool,
}

const WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

/// The PESEL check digit of the first ten digits: (10 − Σ dᵢwᵢ mod 10) mod 10.
pub(super) fn check_digit(first_ten: &[u8]) -> u8 {
    ((10 - weighted_sum(first_ten, &WEIGHTS) % 10) % 10) as u8
}

/// The birth date from digits 1–6; the month carries the century: +80 for 1800–1899, +0 for
/// 1900–1999, +20 for 2000–2099, +40 for 2100–2199, +60 for 2200–2299.
fn birth_date(digits: &[u8]) -> Option<Date> {
    let yy = i32::from(digits[0]) * 10 + i32::from(digits[1]);
    let coded_month = digits[2] * 10 + digits[3];
    let day = digits[4] * 10 + digits[5];
    let (century, month) = match coded_month {
        81..=92 => (1800, coded_month - 80),
        1..=12 => (1900, coded_month),
        21..=32 => (2000, coded_month - 20),
        41..=52 => (2100, coded_month - 40),
        61..=72 => (2200, coded_month - 60),
        _ => return None,
    };
    let month = Month::try_from(month).ok()?;
    Date::from_calendar_date(century + yy, month, day).ok()
}

impl Pesel {
    /// Parses a PESEL: 11 digits after trimming, with no inner spaces or separators.
    ///
    /// Legal basis: ustawa z dnia 24 września 2010 r. o ewidencji ludności, art. 15: the number
    /// holds the birth date (digits 1–6, the century coded in the month), a serial number
    /// (7–9), the sex (10: even for women, odd for men) and a check digit (11) with weights
    /// 1,3,7,9,1,3,7,9,1,3. The birth date must exist.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = non_empty(input)?;
        let digits = plain_digits(text)?;
        if digits.len() != 11 {
            return Err(ValidationError::Length {
                found: digits.len(),
            });
        }
        if check_digit(&digits[..10]) != digits[10] {
            return Err(ValidationError::Checksum);
        }
        let birth_date = birth_date(&digits).ok_or(ValidationError::BirthDate)?;
        Ok(Self {
            digits: text.to_owned(),
            birth_date,
            female: digits[9].is_multiple_of(2),
        })
    }

    /// The birth date encoded in digits 1–6.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Digit 10 is even for women (ustawa o ewidencji ludności, art. 15).
    pub fn is_female(&self) -> bool {
        self.female
    }

    /// The form for logs: the first six digits and five asterisks, e.g. `850123*****`.
    pub fn masked(&self) -> String {
        format!("{}*****", &self.digits[..6])
    }

    /// The full number. Never log it: use [`Pesel::masked`].
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

impl fmt::Debug for Pesel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pesel").field(&self.masked()).finish()
    }
}

impl FromStr for Pesel {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
