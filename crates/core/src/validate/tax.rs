//! NIP (tax identification number) and REGON (statistical business number).

use super::{ValidationError, digits_to_string, digits_with_separators, non_empty, weighted_sum};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

const NIP_WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];
const REGON9_WEIGHTS: [u32; 8] = [8, 9, 2, 3, 4, 5, 6, 7];
const REGON14_WEIGHTS: [u32; 13] = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];

/// The NIP check digit of the first nine digits, or `None` when Σ mod 11 is 10: such a number
/// is never issued.
pub(super) fn nip_check_digit(first_nine: &[u8]) -> Option<u8> {
    let remainder = weighted_sum(first_nine, &NIP_WEIGHTS) % 11;
    (remainder < 10).then_some(remainder as u8)
}

/// A REGON check digit: Σ dᵢwᵢ mod 11, with 10 written as 0.
pub(super) fn regon_check_digit(body: &[u8], weights: &[u32]) -> u8 {
    ((weighted_sum(body, weights) % 11) % 10) as u8
}

pub(super) fn regon9_check_digit(first_eight: &[u8]) -> u8 {
    regon_check_digit(first_eight, &REGON9_WEIGHTS)
}

pub(super) fn regon14_check_digit(first_thirteen: &[u8]) -> u8 {
    regon_check_digit(first_thirteen, &REGON14_WEIGHTS)
}

/// A valid NIP, normalised to 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Nip(String);

impl Nip {
    /// Parses a NIP: 10 digits, optionally prefixed with `PL` (the EU VAT form) and optionally
    /// grouped with single dashes or spaces (`123-456-32-18`, `123-45-63-218`).
    ///
    /// Legal basis: ustawa z dnia 13 października 1995 r. o zasadach ewidencji i identyfikacji
    /// podatników i płatników; check digit = Σ dᵢwᵢ mod 11 with weights 6,5,7,2,3,4,5,6,7, and a
    /// remainder of 10 means the number is invalid.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = non_empty(input)?;
        let text = match text.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("PL") => text[2..].trim_start(),
            _ => text,
        };
        if text.is_empty() {
            return Err(ValidationError::Length { found: 0 });
        }
        let digits = digits_with_separators(text)?;
        if digits.len() != 10 {
            return Err(ValidationError::Length {
                found: digits.len(),
            });
        }
        if nip_check_digit(&digits[..9]) != Some(digits[9]) {
            return Err(ValidationError::Checksum);
        }
        Ok(Self(digits_to_string(&digits)))
    }

    /// The 10 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A valid REGON: 9 digits for an entity, 14 for its local unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Regon(String);

impl Regon {
    /// Parses a REGON of 9 or 14 digits (single dashes or spaces between digits are dropped).
    ///
    /// Legal basis: ustawa z dnia 29 czerwca 1995 r. o statystyce publicznej (krajowy rejestr
    /// urzędowy podmiotów gospodarki narodowej) and the Rada Ministrów regulation on keeping the
    /// register. REGON-9: check = Σ dᵢwᵢ mod 11 (10 → 0), weights 8,9,2,3,4,5,6,7. REGON-14
    /// (a local unit): weights 2,4,8,5,0,9,7,3,6,1,2,4,8, same rule, and its first nine digits
    /// must themselves be a valid REGON-9 (the parent entity's number).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = non_empty(input)?;
        let digits = digits_with_separators(text)?;
        let valid = match digits.len() {
            9 => regon9_check_digit(&digits[..8]) == digits[8],
            14 => {
                regon9_check_digit(&digits[..8]) == digits[8]
                    && regon14_check_digit(&digits[..13]) == digits[13]
            }
            found => return Err(ValidationError::Length { found }),
        };
        if !valid {
            return Err(ValidationError::Checksum);
        }
        Ok(Self(digits_to_string(&digits)))
    }

    /// The 9 or 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the 14-digit number of a local unit (jednostka lokalna).
    pub fn is_local_unit(&self) -> bool {
        self.0.len() == 14
    }

    /// The 9-digit REGON of the entity (itself, or a local unit's parent).
    pub fn entity(&self) -> &str {
        &self.0[..9]
    }
}

macro_rules! text_identifier {
    ($($name:ident),*) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    )*};
}
pub(super) use text_identifier;

text_identifier!(Nip, Regon);
