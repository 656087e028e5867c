//! Validators for Polish identifiers: PESEL, NIP, REGON, IBAN (Polish accounts), postal codes and
//! e-Doręczenia addresses.
//!
//! Each validator trims the input, checks it, and returns a normalised form (see [`validate`]).
//! Errors carry a stable code for the API ([`ValidationError::code`]) and plain-language
//! messages in Polish and English that say what is wrong and how to fix it.
//!
//! | kind | accepted input | normalised | legal basis / standard |
//! |---|---|---|---|
//! | PESEL | 11 digits, nothing else | the same | ustawa z 24 września 2010 r. o ewidencji ludności, art. 15 (structure: birth date, serial, sex, check digit) |
//! | NIP | 10 digits, optional `PL` prefix, single `-`/space between digits | 10 digits | ustawa z 13 października 1995 r. o zasadach ewidencji i identyfikacji podatników i płatników |
//! | REGON | 9 or 14 digits, single `-`/space between digits | digits | ustawa z 29 czerwca 1995 r. o statystyce publicznej (rejestr REGON) and the Rada Ministrów regulation on keeping the register, which fixes the number's structure |
//! | IBAN | `PL` + 26 digits, or the bare 26-digit NRB; spaces allowed | `PL` + 26 digits | ISO 13616, check by ISO 7064 MOD 97-10; NRB (Numer Rachunku Bankowego) numbering by the zarządzenie Prezesa NBP on bank account numbering |
//! | postal code | `NN-NNN` or `NNNNN` | `NN-NNN` | Poczta Polska's PNA numbering |
//! | e-Doręczenia address | `AE:PL-NNNNN-NNNNN-LLLLL-NN` (any case) | upper case | ustawa z 18 listopada 2020 r. o doręczeniach elektronicznych, art. 2 pkt 1 |

mod address;
mod bank;
mod pesel;
mod tax;

#[cfg(test)]
mod tests;

pub use address::{EDeliveryAddress, PostalCode};
pub use bank::Iban;
pub use pesel::Pesel;
pub use tax::{Nip, Regon};

use std::fmt;
use std::str::FromStr;

/// The kinds of identifier [`validate`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Pesel,
    Nip,
    Regon,
    Iban,
    PostalCode,
    /// Adres do doręczeń elektronicznych (ADE), the e-Doręczenia address.
    EDeliveryAddress,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Self::Pesel,
        Self::Nip,
        Self::Regon,
        Self::Iban,
        Self::PostalCode,
        Self::EDeliveryAddress,
    ];

    /// The name used on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pesel => "pesel",
            Self::Nip => "nip",
            Self::Regon => "regon",
            Self::Iban => "iban",
            Self::PostalCode => "postal-code",
            Self::EDeliveryAddress => "ade",
        }
    }

    /// The identifier's name in Polish, in the nominative (also the accusative for all of them).
    pub fn label_pl(self) -> &'static str {
        match self {
            Self::Pesel => "numer PESEL",
            Self::Nip => "NIP",
            Self::Regon => "REGON",
            Self::Iban => "numer rachunku bankowego",
            Self::PostalCode => "kod pocztowy",
            Self::EDeliveryAddress => "adres do doręczeń elektronicznych",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Pesel => "PESEL number",
            Self::Nip => "NIP (tax identification number)",
            Self::Regon => "REGON number",
            Self::Iban => "bank account number",
            Self::PostalCode => "postal code",
            Self::EDeliveryAddress => "e-Delivery address",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind name that [`Kind::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown identifier kind {0:?}: use pesel, nip, regon, iban, postal-code or ade")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    /// `pesel`, `nip`, `regon`, `iban`, `postal-code`, `ade` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// Why an identifier is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("nothing was entered")]
    Empty,
    /// Wrong number of digits; `found` is how many there were.
    #[error("wrong length: {found} digits")]
    Length { found: usize },
    /// A character that this identifier may not contain (the first one found).
    #[error("character {found:?} is not allowed")]
    Characters { found: char },
    /// The check digit does not match: most likely a typing error.
    #[error("the check digit does not match")]
    Checksum,
    /// A PESEL whose birth date does not exist.
    #[error("the birth date encoded in the PESEL does not exist")]
    BirthDate,
    /// A foreign country code where a Polish identifier is required.
    #[error("country code {0:?} where PL is required")]
    Country(String),
    /// The characters are allowed but arranged wrongly (misplaced separators, wrong groups).
    #[error("the format is wrong")]
    Format,
}

impl ValidationError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Length { .. } => "length",
            Self::Characters { .. } => "characters",
            Self::Checksum => "checksum",
            Self::BirthDate => "birth-date",
            Self::Country(_) => "country",
            Self::Format => "format",
        }
    }

    /// What is wrong and how to fix it, in plain Polish.
    pub fn message_pl(&self, kind: Kind) -> String {
        let label = kind.label_pl();
        match self {
            Self::Empty => format!("Pole jest puste. Wpisz {label}."),
            Self::Length { found } => {
                let expected = match kind {
                    Kind::Pesel => "11 cyfr",
                    Kind::Nip => "10 cyfr",
                    Kind::Regon => "9 albo 14 cyfr",
                    Kind::Iban => "26 cyfr (po literach PL)",
                    Kind::PostalCode => "5 cyfr",
                    Kind::EDeliveryAddress => "22 znaki po AE:PL-",
                };
                format!(
                    "{} ma {expected}, a wpisano {found}. Sprawdź, czy żadnej cyfry nie brakuje ani nie ma za dużo.",
                    capitalize(label)
                )
            }
            Self::Characters { found } => {
                let allowed = match kind {
                    Kind::Pesel => "same cyfry, bez spacji i myślników",
                    Kind::Nip => "cyfry (mogą być rozdzielone myślnikami) i ewentualnie przedrostek PL",
                    Kind::Regon => "cyfry (mogą być rozdzielone myślnikami)",
                    Kind::Iban => "litery PL, cyfry i spacje",
                    Kind::PostalCode => "cyfry i jeden myślnik",
                    Kind::EDeliveryAddress => "litery, cyfry, dwukropek i myślniki",
                };
                format!(
                    "Znak „{}” jest niedozwolony: {label} może zawierać tylko {allowed}. Usuń ten znak.",
                    found.escape_debug()
                )
            }
            Self::Checksum => format!(
                "Cyfra kontrolna się nie zgadza, więc {label} zawiera literówkę. Przepisz go jeszcze raz z dokumentu."
            ),
            Self::BirthDate => "Numer PESEL zawiera nieistniejącą datę urodzenia (cyfry 1–6). Przepisz go jeszcze raz z dokumentu."
                .to_owned(),
            Self::Country(code) => match kind {
                Kind::EDeliveryAddress => format!(
                    "To adres zagraniczny (kod kraju {code}). Polski adres do doręczeń elektronicznych zaczyna się od AE:PL-."
                ),
                _ => format!(
                    "To rachunek zagraniczny (kod kraju {code}). Podaj numer polskiego rachunku: PL i 26 cyfr."
                ),
            },
            Self::Format => match kind {
                Kind::PostalCode => "Wpisz kod pocztowy w formacie 00-000, np. 00-950.".to_owned(),
                Kind::EDeliveryAddress => "Wpisz adres w formacie AE:PL-12345-67890-ABCDE-12: po AE:PL- dwie grupy po 5 cyfr, grupa 5 liter i 2 cyfry, rozdzielone myślnikami."
                    .to_owned(),
                Kind::Iban => "Wpisz numer rachunku jako PL i 26 cyfr albo same 26 cyfr, np. PL61 1090 1014 0000 0712 1981 2874."
                    .to_owned(),
                _ => format!(
                    "Myślnik lub spacja może stać tylko pojedynczo między cyframi. Wpisz {label} jeszcze raz, np. same cyfry."
                ),
            },
        }
    }

    /// What is wrong and how to fix it, in plain English.
    pub fn message_en(&self, kind: Kind) -> String {
        let label = kind.label_en();
        match self {
            Self::Empty => format!("The field is empty. Enter the {label}."),
            Self::Length { found } => {
                let expected = match kind {
                    Kind::Pesel => "11 digits",
                    Kind::Nip => "10 digits",
                    Kind::Regon => "9 or 14 digits",
                    Kind::Iban => "26 digits (after PL)",
                    Kind::PostalCode => "5 digits",
                    Kind::EDeliveryAddress => "22 characters after AE:PL-",
                };
                format!(
                    "A {label} has {expected}, but {found} were entered. Check that no digit is missing or doubled."
                )
            }
            Self::Characters { found } => {
                let allowed = match kind {
                    Kind::Pesel => "digits only, without spaces or dashes",
                    Kind::Nip => "digits (dashes between them are fine) and an optional PL prefix",
                    Kind::Regon => "digits (dashes between them are fine)",
                    Kind::Iban => "the letters PL, digits and spaces",
                    Kind::PostalCode => "digits and one dash",
                    Kind::EDeliveryAddress => "letters, digits, a colon and dashes",
                };
                format!(
                    "The character {found:?} is not allowed: a {label} contains only {allowed}. Remove it."
                )
            }
            Self::Checksum => format!(
                "The check digit does not match, so the {label} has a typing error. Copy it again from the document."
            ),
            Self::BirthDate => "The PESEL number encodes a birth date that does not exist (digits 1–6). Copy it again from the document."
                .to_owned(),
            Self::Country(code) => match kind {
                Kind::EDeliveryAddress => format!(
                    "This is a foreign address (country code {code}). A Polish e-Delivery address starts with AE:PL-."
                ),
                _ => format!(
                    "This is a foreign account (country code {code}). Enter a Polish account: PL and 26 digits."
                ),
            },
            Self::Format => match kind {
                Kind::PostalCode => "Enter the postal code as 00-000, e.g. 00-950.".to_owned(),
                Kind::EDeliveryAddress => "Enter the address as AE:PL-12345-67890-ABCDE-12: after AE:PL- two groups of 5 digits, a group of 5 letters and 2 digits, separated by dashes."
                    .to_owned(),
                Kind::Iban => "Enter the account as PL and 26 digits, or just the 26 digits, e.g. PL61 1090 1014 0000 0712 1981 2874."
                    .to_owned(),
                _ => format!(
                    "A dash or space may only stand alone between digits. Enter the {label} again, e.g. as digits only."
                ),
            },
        }
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Validates `input` as `kind` and returns its normalised form.
///
/// Legal basis: see the table in the module documentation and each type's `parse`.
pub fn validate(kind: Kind, input: &str) -> Result<String, ValidationError> {
    Ok(match kind {
        Kind::Pesel => Pesel::parse(input)?.as_str().to_owned(),
        Kind::Nip => Nip::parse(input)?.as_str().to_owned(),
        Kind::Regon => Regon::parse(input)?.as_str().to_owned(),
        Kind::Iban => Iban::parse(input)?.as_str().to_owned(),
        Kind::PostalCode => PostalCode::parse(input)?.as_str().to_owned(),
        Kind::EDeliveryAddress => EDeliveryAddress::parse(input)?.as_str().to_owned(),
    })
}

/// The trimmed input, or [`ValidationError::Empty`].
fn non_empty(input: &str) -> Result<&str, ValidationError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Err(ValidationError::Empty)
    } else {
        Ok(trimmed)
    }
}

/// The digits of `text`, allowing single `-` or space separators between digits.
fn digits_with_separators(text: &str) -> Result<Vec<u8>, ValidationError> {
    let chars: Vec<char> = text.chars().collect();
    let mut digits = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if let Some(digit) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            digits.push(digit as u8);
        } else if c == '-' || c == ' ' {
            let between_digits = i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if !between_digits {
                return Err(ValidationError::Format);
            }
        } else {
            return Err(ValidationError::Characters { found: c });
        }
    }
    Ok(digits)
}

/// ASCII digits of `text`, or the first other character as [`ValidationError::Characters`].
fn plain_digits(text: &str) -> Result<Vec<u8>, ValidationError> {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => Ok(d as u8),
            _ => Err(ValidationError::Characters { found: c }),
        })
        .collect()
}

fn digits_to_string(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// Σ digit × weight.
fn weighted_sum(digits: &[u8], weights: &[u32]) -> u32 {
    digits
        .iter()
        .zip(weights)
        .map(|(d, w)| u32::from(*d) * w)
        .sum()
}
