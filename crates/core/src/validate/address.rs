//! Postal codes and e-Doręczenia addresses.

use super::tax::text_identifier;
use super::{ValidationError, non_empty};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// A Polish postal code (PNA) in the form `NN-NNN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PostalCode(String);

impl PostalCode {
    /// Parses `NN-NNN`, or five digits written without the dash.
    ///
    /// Basis: the Polish postal code (PNA, Pocztowy Numer Adresowy) of Poczta Polska is five
    /// digits written `NN-NNN`. Only the shape is checked: whether a code is assigned to a place is
    /// a matter for the TERYT/PNA lists, not for this validator.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = non_empty(input)?;
        if let Some(c) = text.chars().find(|c| !(c.is_ascii_digit() || *c == '-')) {
            return Err(ValidationError::Characters { found: c });
        }
        let bytes = text.as_bytes();
        match bytes {
            [a, b, b'-', c, d, e] if [a, b, c, d, e].iter().all(|x| x.is_ascii_digit()) => {
                Ok(Self(text.to_owned()))
            }
            _ if !text.contains('-') && bytes.len() == 5 => {
                Ok(Self(format!("{}-{}", &text[..2], &text[2..])))
            }
            _ if !text.contains('-') => Err(ValidationError::Length { found: bytes.len() }),
            _ => Err(ValidationError::Format),
        }
    }

    /// `NN-NNN`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An adres do doręczeń elektronicznych (ADE), e.g. `AE:PL-12345-67890-ABCDE-12`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EDeliveryAddress(String);

impl EDeliveryAddress {
    /// Parses an e-Doręczenia address: `AE:PL-`, two groups of five digits, a group of five
    /// letters A–Z and two digits, separated by dashes. Letters may be typed in lower case; the
    /// normalised form is upper case. A country code other than `PL` gives
    /// [`ValidationError::Country`].
    ///
    /// Legal basis: ustawa z dnia 18 listopada 2020 r. o doręczeniach elektronicznych, art. 2
    /// pkt 1 (the address identifies the sender or addressee of the public registered
    /// e-delivery service); the layout `AE:PL-XXXXX-XXXXX-YYYYY-ZZ` (X digits, Y capital
    /// letters, Z two check digits) is the one the minister for digitisation publishes for
    /// e-Doręczenia addresses entered in the Baza Adresów Elektronicznych.
    ///
    /// Only the shape is validated. The last two digits are described as a checksum, but the
    /// algorithm is not published, so they are not verified: a well-formed address that does
    /// not exist is caught only by a lookup in the Baza Adresów Elektronicznych.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = non_empty(input)?.to_ascii_uppercase();
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == ':' || *c == '-'))
        {
            return Err(ValidationError::Characters { found: c });
        }
        let rest = text.strip_prefix("AE:").ok_or(ValidationError::Format)?;
        let (country, groups) = rest.split_at_checked(2).ok_or(ValidationError::Format)?;
        if !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ValidationError::Format);
        }
        if country != "PL" {
            return Err(ValidationError::Country(country.to_owned()));
        }
        let parts: Vec<&str> = groups.split('-').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let letters = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_uppercase());
        match parts.as_slice() {
            ["", a, b, c, d] if digits(a, 5) && digits(b, 5) && letters(c, 5) && digits(d, 2) => {
                Ok(Self(text))
            }
            _ => Err(ValidationError::Format),
        }
    }

    /// The address in upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_identifier!(PostalCode, EDeliveryAddress);
