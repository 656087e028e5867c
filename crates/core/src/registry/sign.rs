//! The case sign (znak sprawy), e.g. `OR.1431.5.2024`.

use super::plan::{MAX_SYMBOL_DIGITS, is_symbol};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The earliest year a case sign may carry: Ratusz registers no case older than the 1990
/// self-government reform.
pub const FIRST_SIGN_YEAR: i32 = 1990;
/// The latest year a case sign may carry (the end of the holiday table).
pub const LAST_SIGN_YEAR: i32 = 2200;
/// The longest unit symbol (oznaczenie komórki organizacyjnej), in characters.
pub const MAX_UNIT_CHARS: usize = 16;

/// A case sign: unit symbol, JRWA class, number in the case index, year.
///
/// Legal basis: instrukcja kancelaryjna (załącznik nr 1 do rozporządzenia Prezesa Rady Ministrów
/// z dnia 18 stycznia 2011 r., Dz.U. 2011 nr 14 poz. 67), its definition of the znak sprawy and
/// its rules on marking cases: the sign joins, with dots, the symbol of the organisational unit, the symbol of the final JRWA class,
/// the number of the case in the case index (spis spraw) and the year the case was opened, e.g.
/// `OR.1431.5.2024`.
///
/// Unit symbols are upper-case letters (Polish ones included: ĄĆĘŁŃÓŚŹŻ), digits and hyphens,
/// starting with a letter, 1–16 characters (`OR`, `GK`, `USC`, `OŚ`, `OR-I`). The class is
/// 1–6 digits; the number starts at 1; the year lies in 1990–2200. Parsing and [`CaseSign::new`]
/// check these rules; a sign built field by field is checked by [`CaseSign::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseSign {
    /// The unit symbol, e.g. `OR`.
    pub unit: String,
    /// The JRWA class symbol, e.g. `1431`.
    pub class: String,
    /// The number in the case index, from 1.
    pub number: u32,
    /// The year the case was opened.
    pub year: i32,
}

impl CaseSign {
    /// Checks the rules above on a sign built field by field.
    pub fn validate(&self) -> Result<(), CaseSignError> {
        Self::new(
            self.unit.as_str(),
            self.class.as_str(),
            self.number,
            self.year,
        )
        .map(|_| ())
    }

    /// A validated case sign.
    pub fn new(
        unit: impl Into<String>,
        class: impl Into<String>,
        number: u32,
        year: i32,
    ) -> Result<Self, CaseSignError> {
        let unit = unit.into();
        let class = class.into();
        check_unit(&unit)?;
        if !is_symbol(&class) {
            return Err(CaseSignError::BadClass(class));
        }
        if number == 0 {
            return Err(CaseSignError::BadNumber(number.to_string()));
        }
        if !(FIRST_SIGN_YEAR..=LAST_SIGN_YEAR).contains(&year) {
            return Err(CaseSignError::BadYear(year.to_string()));
        }
        Ok(Self {
            unit,
            class,
            number,
            year,
        })
    }
}

/// Whether `symbol` is a valid unit symbol (see [`CaseSign`]).
pub fn is_unit_symbol(symbol: &str) -> bool {
    check_unit(symbol).is_ok()
}

fn is_unit_letter(c: char) -> bool {
    c.is_ascii_uppercase() || "ĄĆĘŁŃÓŚŹŻ".contains(c)
}

fn check_unit(unit: &str) -> Result<(), CaseSignError> {
    let bad = || CaseSignError::BadUnit(unit.to_owned());
    let mut chars = unit.chars();
    let first = chars.next().ok_or_else(bad)?;
    if !is_unit_letter(first) || unit.chars().count() > MAX_UNIT_CHARS {
        return Err(bad());
    }
    if chars.all(|c| is_unit_letter(c) || c.is_ascii_digit() || c == '-') {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A decimal number without sign or leading zeros.
fn plain_number(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
}

impl fmt::Display for CaseSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}.{}",
            self.unit, self.class, self.number, self.year
        )
    }
}

impl FromStr for CaseSign {
    type Err = CaseSignError;

    /// Parses `OR.1431.5.2024` (surrounding spaces ignored; nothing else is).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let parts: Vec<&str> = text.split('.').collect();
        let [unit, class, number, year] = parts.as_slice() else {
            return Err(CaseSignError::Shape(text.to_owned()));
        };
        check_unit(unit)?;
        if !is_symbol(class) {
            return Err(CaseSignError::BadClass((*class).to_owned()));
        }
        if !plain_number(number) {
            return Err(CaseSignError::BadNumber((*number).to_owned()));
        }
        let number: u32 = number
            .parse()
            .map_err(|_| CaseSignError::BadNumber((*number).to_owned()))?;
        if year.len() != 4 || !plain_number(year) {
            return Err(CaseSignError::BadYear((*year).to_owned()));
        }
        let year: i32 = year
            .parse()
            .map_err(|_| CaseSignError::BadYear((*year).to_owned()))?;
        Self::new(*unit, *class, number, year)
    }
}

impl Serialize for CaseSign {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CaseSign {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a text is not a case sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseSignError {
    #[error(
        "invalid case sign {0:?}: write four parts separated by dots – unit, JRWA class, number, year – e.g. OR.1431.5.2024"
    )]
    Shape(String),
    #[error(
        "invalid unit symbol {0:?}: use 1–16 capital letters, digits or hyphens, starting with a letter (e.g. OR, USC, OŚ, OR-I)"
    )]
    BadUnit(String),
    #[error("invalid JRWA class {0:?}: use 1–6 digits (e.g. 1431)")]
    BadClass(String),
    #[error("invalid case number {0:?}: use a whole number from 1, without leading zeros")]
    BadNumber(String),
    #[error("invalid year {0:?}: use a four-digit year from 1990 to 2200")]
    BadYear(String),
}

impl CaseSignError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Shape(_) => "case-sign-shape",
            Self::BadUnit(_) => "case-sign-unit",
            Self::BadClass(_) => "case-sign-class",
            Self::BadNumber(_) => "case-sign-number",
            Self::BadYear(_) => "case-sign-year",
        }
    }

    /// The error in plain Polish, naming the part and the fix.
    pub fn message_pl(&self) -> String {
        match self {
            Self::Shape(text) => format!(
                "Nieprawidłowy znak sprawy „{text}”. Wpisz cztery części rozdzielone kropkami: oznaczenie komórki, symbol klasy JRWA, numer sprawy i rok, np. OR.1431.5.2024."
            ),
            Self::BadUnit(unit) => format!(
                "Nieprawidłowe oznaczenie komórki „{unit}”. Użyj od 1 do {MAX_UNIT_CHARS} wielkich liter, cyfr lub łączników, zaczynając od litery (np. OR, USC, OŚ, OR-I)."
            ),
            Self::BadClass(class) => format!(
                "Nieprawidłowy symbol klasy JRWA „{class}”. Użyj od 1 do {MAX_SYMBOL_DIGITS} cyfr (np. 1431)."
            ),
            Self::BadNumber(number) => format!(
                "Nieprawidłowy numer sprawy „{number}”. Użyj liczby całkowitej od 1, bez zer na początku."
            ),
            Self::BadYear(year) => format!(
                "Nieprawidłowy rok „{year}”. Użyj czterocyfrowego roku od {FIRST_SIGN_YEAR} do {LAST_SIGN_YEAR}."
            ),
        }
    }

    /// The error in plain English, naming the part and the fix.
    pub fn message_en(&self) -> String {
        match self {
            Self::Shape(text) => format!(
                "Invalid case sign “{text}”. Write four parts separated by dots: unit symbol, JRWA class, case number and year, e.g. OR.1431.5.2024."
            ),
            Self::BadUnit(unit) => format!(
                "Invalid unit symbol “{unit}”. Use 1 to {MAX_UNIT_CHARS} capital letters, digits or hyphens, starting with a letter (e.g. OR, USC, OŚ, OR-I)."
            ),
            Self::BadClass(class) => format!(
                "Invalid JRWA class “{class}”. Use 1 to {MAX_SYMBOL_DIGITS} digits (e.g. 1431)."
            ),
            Self::BadNumber(number) => format!(
                "Invalid case number “{number}”. Use a whole number from 1, without leading zeros."
            ),
            Self::BadYear(year) => format!(
                "Invalid year “{year}”. Use a four-digit year from {FIRST_SIGN_YEAR} to {LAST_SIGN_YEAR}."
            ),
        }
    }
}
