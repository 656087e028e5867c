//! Polish bank account numbers: IBAN (`PL` + 26 digits) and the domestic NRB (the 26 digits).

use super::tax::text_identifier;
use super::{ValidationError, non_empty, plain_digits};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// ISO 7064 MOD 97-10 remainder of a decimal string given as digit values.
fn mod97(digits: impl IntoIterator<Item = u8>) -> u32 {
    digits
        .into_iter()
        .fold(0, |acc, d| (acc * 10 + u32::from(d)) % 97)
}

/// "PL" as IBAN letter values (A = 10 … Z = 35): P = 25, L = 21.
const PL_DIGITS: [u8; 4] = [2, 5, 2, 1];

/// The IBAN check of a Polish account: BBAN (24 digits) + "PL" + check digits ≡ 1 (mod 97).
pub(super) fn is_valid_polish(nrb: &[u8]) -> bool {
    nrb.len() == 26
        && mod97(
            nrb[2..]
                .iter()
                .copied()
                .chain(PL_DIGITS)
                .chain(nrb[..2].iter().copied()),
        ) == 1
}

/// The two IBAN check digits for a 24-digit Polish BBAN: 98 − (BBAN + "PL00" mod 97).
#[cfg(test)]
pub(super) fn check_digits(bban: &[u8]) -> [u8; 2] {
    let check = 98 - mod97(bban.iter().copied().chain(PL_DIGITS).chain([0, 0]));
    [(check / 10) as u8, (check % 10) as u8]
}

/// A valid Polish account number in the electronic IBAN form: `PL` and 26 digits, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Iban(String);

impl Iban {
    /// Parses `PL` + 26 digits (spaces, including non-breaking ones, anywhere; `pl` in any case) or a bare 26-digit NRB, which
    /// is normalised to the `PL…` form. Another country code gives [`ValidationError::Country`].
    ///
    /// Legal basis: ISO 13616 (IBAN) with the ISO 7064 MOD 97-10 check — the number with its
    /// first four characters moved to the end and letters as 10–35 leaves remainder 1 mod 97 —
    /// and the NBP's NRB numbering, in which the 26-digit NRB is the IBAN without `PL`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text: String = non_empty(input)?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut chars = text.chars();
        let body = match (chars.next(), chars.next()) {
            (Some(a), Some(b)) if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                let country = text[..2].to_ascii_uppercase();
                if country != "PL" {
                    return Err(ValidationError::Country(country));
                }
                &text[2..]
            }
            (Some(a), _) if a.is_ascii_alphabetic() => return Err(ValidationError::Format),
            _ => text.as_str(),
        };
        let digits = plain_digits(body)?;
        if digits.len() != 26 {
            return Err(ValidationError::Length {
                found: digits.len(),
            });
        }
        if !is_valid_polish(&digits) {
            return Err(ValidationError::Checksum);
        }
        Ok(Self(format!("PL{body}")))
    }

    /// `PL` and 26 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domestic NRB: the 26 digits.
    pub fn nrb(&self) -> &str {
        &self.0[2..]
    }

    /// The printed form in groups of four: `PL61 1090 1014 0000 0712 1981 2874`.
    pub fn formatted(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

text_identifier!(Iban);
