//! Checking what a resident submitted against the form.
//!
//! Every problem is reported at once, so that the form comes back with all its errors marked
//! and the resident corrects them in one go (WCAG 2.1 success criterion 3.3.1 and 3.3.3: errors
//! are identified and described with a suggestion of how to fix them). Nothing is ever silently
//! shortened or altered beyond normalisation: what the office registers is what the resident
//! meant to send.

use super::words::{chars_en, chars_pl};
use super::{Answers, Field, FieldKind, FieldProblem, ServiceDefinition};
use crate::validate::{Iban, Kind, Nip, Pesel, PostalCode, ValidationError};
use std::collections::BTreeMap;
use time::{Date, Month};

/// The parts of an address: the key suffix and the longest value.
const STREET: (&str, usize) = ("street", 200);
const CITY: (&str, usize) = ("city", 100);
const POSTAL_CODE: &str = "postal_code";

/// RFC 5321 § 4.5.3.1.3: a path is at most 256 octets with its angle brackets.
const MAX_EMAIL: usize = 254;

/// Checks answers against the definition. `files` is how many files arrived per file field id
/// (for `required` and `multiple`). Returns the normalised answers of the active non-file
/// fields only (inactive fields and unknown keys are dropped; values trimmed; PESEL, NIP, IBAN
/// and postal code normalised with [`crate::validate`]; a ticked checkbox as "true", an
/// unticked one absent; dates as YYYY-MM-DD; numbers as canonical integers; e-mail with its
/// domain in lower case; phone without spaces, dashes and parentheses), or every problem found.
///
/// Codes: "required", "too-long", "number", "range", "date", "date-future", "date-past",
/// "choice", "email", "phone", "characters", "one-file", and for PESEL, NIP, IBAN and postal
/// codes the code of the [`ValidationError`] (e.g. "checksum", "birth-date").
pub fn validate_answers(
    def: &ServiceDefinition,
    answers: &Answers,
    files: &BTreeMap<String, usize>,
    today: Date,
) -> Result<Answers, Vec<FieldProblem>> {
    let mut accepted = Answers::new();
    let mut problems = Vec::new();
    for field in def.fields() {
        if !def.is_active(field, answers) {
            continue;
        }
        match field.kind {
            FieldKind::File => {
                let count = files.get(&field.id).copied().unwrap_or(0);
                problems.extend(file_count(field, count));
            }
            FieldKind::Address => address(field, answers, &mut accepted, &mut problems),
            _ => {
                let raw = answers.get(&field.id).map_or("", String::as_str);
                match value(field, raw, today) {
                    Ok(Some(value)) => {
                        accepted.insert(field.id.clone(), value);
                    }
                    Ok(None) => {}
                    Err(problem) => problems.push(problem),
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(accepted)
    } else {
        Err(problems)
    }
}

/// A checkbox is ticked by "true" (the API) or "on" (what a browser sends for a box without a
/// value attribute).
pub(super) fn is_ticked(value: &str) -> bool {
    matches!(value.trim(), "true" | "on")
}

fn problem(key: &str, code: &'static str, message_pl: String, message_en: String) -> FieldProblem {
    FieldProblem {
        field: key.to_owned(),
        code,
        message_pl,
        message_en,
    }
}

/// Control characters other than line breaks and tabs never come from typing; they come from
/// pasting out of other programs and would corrupt letters and registers.
fn control_character(key: &str, label_pl: &str, label_en: &str, raw: &str) -> Option<FieldProblem> {
    raw.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .then(|| {
            problem(
                key,
                "characters",
                format!("Pole „{label_pl}” zawiera niewidoczny znak sterujący (zwykle z wklejonego tekstu). Wpisz tę wartość jeszcze raz z klawiatury."),
                format!("“{label_en}” contains an invisible control character (usually from pasted text). Type the value again."),
            )
        })
}

fn required(field: &Field) -> FieldProblem {
    let (pl, en) = (&field.label.pl, &field.label.en);
    let (message_pl, message_en) = match field.kind {
        FieldKind::Checkbox => (
            format!("Zaznacz pole „{pl}”: bez tego nie można wysłać wniosku."),
            format!("Tick “{en}”: the application cannot be sent without it."),
        ),
        FieldKind::Choice => (
            format!("Pole „{pl}” jest wymagane. Wybierz jedną z możliwości."),
            format!("“{en}” is required. Choose one of the options."),
        ),
        FieldKind::File => (
            format!("Pole „{pl}” jest wymagane. Dołącz plik."),
            format!("“{en}” is required. Attach a file."),
        ),
        _ => (
            format!("Pole „{pl}” jest wymagane. Uzupełnij je."),
            format!("“{en}” is required. Please fill it in."),
        ),
    };
    problem(&field.id, "required", message_pl, message_en)
}

/// The normalised value of one single-value field; None when it is empty and may be.
fn value(field: &Field, raw: &str, today: Date) -> Result<Option<String>, FieldProblem> {
    let (label_pl, label_en) = (field.label.pl.as_str(), field.label.en.as_str());
    if let Some(problem) = control_character(&field.id, label_pl, label_en, raw) {
        return Err(problem);
    }
    // Browsers send line breaks as CR LF but count them as one character for `maxlength`.
    let normalised = raw.replace("\r\n", "\n");
    let text = normalised.trim();
    let fail = |code, pl: String, en: String| Err(problem(&field.id, code, pl, en));
    if field.kind == FieldKind::Checkbox {
        return match text {
            _ if is_ticked(text) => Ok(Some("true".to_owned())),
            "" | "false" | "off" if field.required => Err(required(field)),
            "" | "false" | "off" => Ok(None),
            _ => fail(
                "choice",
                format!(
                    "Pole „{label_pl}” można tylko zaznaczyć albo zostawić puste. Zaznacz je albo odznacz i wyślij formularz ponownie."
                ),
                format!(
                    "“{label_en}” can only be ticked or left empty. Tick or untick it and send the form again."
                ),
            ),
        };
    }
    if text.is_empty() {
        return if field.required {
            Err(required(field))
        } else {
            Ok(None)
        };
    }
    match field.kind {
        FieldKind::Text | FieldKind::Textarea => {
            let length = text.chars().count();
            match field.max_length {
                Some(max) if length > max => fail(
                    "too-long",
                    format!(
                        "Tekst w polu „{label_pl}” ma {}, a może mieć najwyżej {}. Skróć go.",
                        chars_pl(length),
                        chars_pl(max)
                    ),
                    format!(
                        "The text in “{label_en}” has {}, at most {} are allowed. Please shorten it.",
                        chars_en(length),
                        max
                    ),
                ),
                _ => Ok(Some(text.to_owned())),
            }
        }
        FieldKind::Number => number(field, text),
        FieldKind::Date => date(field, text, today),
        FieldKind::Choice => {
            if field.options.iter().any(|option| option.value == text) {
                return Ok(Some(text.to_owned()));
            }
            let labels = |open, close, lang| {
                let quoted = field
                    .options
                    .iter()
                    .map(|o| format!("{open}{}{close}", o.label.get(lang)));
                quoted.collect::<Vec<_>>().join(", ")
            };
            fail(
                "choice",
                format!(
                    "W polu „{label_pl}” wybierz jedną z możliwości: {}.",
                    labels("„", "”", "pl")
                ),
                format!(
                    "In “{label_en}”, choose one of: {}.",
                    labels("“", "”", "en")
                ),
            )
        }
        FieldKind::Pesel => identifier(
            field,
            Kind::Pesel,
            Pesel::parse(text).map(|p| p.as_str().to_owned()),
        ),
        FieldKind::Nip => identifier(
            field,
            Kind::Nip,
            Nip::parse(text).map(|n| n.as_str().to_owned()),
        ),
        FieldKind::Iban => identifier(
            field,
            Kind::Iban,
            Iban::parse(text).map(|i| i.as_str().to_owned()),
        ),
        FieldKind::Email => match email(text) {
            Some(email) => Ok(Some(email)),
            None => fail(
                "email",
                format!(
                    "W polu „{label_pl}” wpisz poprawny adres e-mail, np. jan.kowalski@example.pl (jeden znak @, bez spacji)."
                ),
                format!(
                    "In “{label_en}”, enter a valid e-mail address, e.g. jan.kowalski@example.pl (one @, no spaces)."
                ),
            ),
        },
        FieldKind::Phone => match phone(text) {
            Some(phone) => Ok(Some(phone)),
            None => fail(
                "phone",
                format!(
                    "W polu „{label_pl}” wpisz numer telefonu: od 9 do 15 cyfr, na początku może być +, np. +48 600 700 800."
                ),
                format!(
                    "In “{label_en}”, enter a phone number: 9 to 15 digits, optionally starting with +, e.g. +48 600 700 800."
                ),
            ),
        },
        FieldKind::Checkbox | FieldKind::Address | FieldKind::File => Ok(None),
    }
}

fn identifier(
    field: &Field,
    kind: Kind,
    parsed: Result<String, ValidationError>,
) -> Result<Option<String>, FieldProblem> {
    parsed.map(Some).map_err(|error| {
        problem(
            &field.id,
            error.code(),
            format!("Pole „{}”: {}", field.label.pl, error.message_pl(kind)),
            format!("“{}”: {}", field.label.en, error.message_en(kind)),
        )
    })
}

fn number(field: &Field, text: &str) -> Result<Option<String>, FieldProblem> {
    let (pl, en) = (&field.label.pl, &field.label.en);
    let Ok(number) = text.parse::<i64>() else {
        return Err(problem(
            &field.id,
            "number",
            format!("W polu „{pl}” wpisz liczbę całkowitą, same cyfry, np. 12."),
            format!("In “{en}”, enter a whole number, digits only, e.g. 12."),
        ));
    };
    let (range_pl, range_en) = match (field.min, field.max) {
        (Some(min), Some(max)) if !(min..=max).contains(&number) => {
            (format!("od {min} do {max}"), format!("from {min} to {max}"))
        }
        (Some(min), None) if number < min => {
            (format!("co najmniej {min}"), format!("at least {min}"))
        }
        (None, Some(max)) if number > max => (format!("najwyżej {max}"), format!("at most {max}")),
        _ => return Ok(Some(number.to_string())),
    };
    Err(problem(
        &field.id,
        "range",
        format!("Liczba w polu „{pl}” musi wynosić {range_pl}. Popraw ją."),
        format!("The number in “{en}” must be {range_en}. Please correct it."),
    ))
}

/// A date written as YYYY-MM-DD (what `<input type="date">` sends), which must exist.
fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = Month::try_from(text.get(5..7)?.parse::<u8>().ok()?).ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

fn date(field: &Field, text: &str, today: Date) -> Result<Option<String>, FieldProblem> {
    let (pl, en) = (&field.label.pl, &field.label.en);
    let Some(date) = parse_date(text) else {
        return Err(problem(
            &field.id,
            "date",
            format!("W polu „{pl}” wpisz istniejącą datę w formacie RRRR-MM-DD, np. 2025-03-14."),
            format!("In “{en}”, enter a real date as YYYY-MM-DD, e.g. 2025-03-14."),
        ));
    };
    let shown = format!("dzisiejsza data ({today})");
    if field.not_future && date > today {
        return Err(problem(
            &field.id,
            "date-future",
            format!("Data w polu „{pl}” nie może być późniejsza niż {shown}. Popraw datę."),
            format!("The date in “{en}” cannot be after today ({today}). Please correct it."),
        ));
    }
    if field.not_past && date < today {
        return Err(problem(
            &field.id,
            "date-past",
            format!("Data w polu „{pl}” nie może być wcześniejsza niż {shown}. Popraw datę."),
            format!("The date in “{en}” cannot be before today ({today}). Please correct it."),
        ));
    }
    Ok(Some(date.to_string()))
}

/// The address with its domain in lower case (domains are case-insensitive, local parts in
/// principle are not, RFC 5321 § 2.4), or None when it cannot be an address.
fn email(text: &str) -> Option<String> {
    if text.chars().count() > MAX_EMAIL || text.chars().any(char::is_whitespace) {
        return None;
    }
    let (local, domain) = text.split_once('@')?;
    let valid = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    valid.then(|| format!("{local}@{}", domain.to_lowercase()))
}

/// Digits with an optional leading `+`; 9 digits is a Polish number, 15 the longest
/// international one (ITU-T E.164).
fn phone(text: &str) -> Option<String> {
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", text),
    };
    let digits: String = rest
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let valid = (9..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| format!("{plus}{digits}"))
}

/// An address is three inputs; it is checked as a whole when it is required or when any part
/// is filled (a half-filled optional address is still a mistake to point out).
fn address(
    field: &Field,
    answers: &Answers,
    accepted: &mut Answers,
    problems: &mut Vec<FieldProblem>,
) {
    let (pl, en) = (&field.label.pl, &field.label.en);
    let key = |part: &str| format!("{}.{part}", field.id);
    let raw = |part: &str| answers.get(&key(part)).map_or("", String::as_str);
    let parts = [STREET.0, POSTAL_CODE, CITY.0];
    let mut clean = true;
    for part in parts {
        if let Some(problem) = control_character(&key(part), pl, en, raw(part)) {
            problems.push(problem);
            clean = false;
        }
    }
    if !clean {
        return;
    }
    if !field.required && parts.iter().all(|part| raw(part).trim().is_empty()) {
        return;
    }
    let line = |(part, max): (&str, usize),
                what_pl: &str,
                what_en: &str,
                accepted: &mut Answers| {
        let text = raw(part).trim();
        let length = text.chars().count();
        if text.is_empty() {
            Some(problem(
                &key(part),
                "required",
                format!("W adresie „{pl}” wpisz {what_pl}."),
                format!("In the address “{en}”, enter {what_en}."),
            ))
        } else if length > max {
            Some(problem(
                &key(part),
                "too-long",
                format!(
                    "W adresie „{pl}” ta część ma {}, a może mieć najwyżej {}. Skróć ją.",
                    chars_pl(length),
                    chars_pl(max)
                ),
                format!(
                    "In the address “{en}”, this part has {}, at most {max} are allowed. Please shorten it.",
                    chars_en(length)
                ),
            ))
        } else {
            accepted.insert(key(part), text.to_owned());
            None
        }
    };
    problems.extend(line(
        STREET,
        "ulicę i numer domu (albo miejscowość i numer, gdy nie ma ulic)",
        "the street and number (or the village and number where there are no streets)",
        accepted,
    ));
    match PostalCode::parse(raw(POSTAL_CODE)) {
        Ok(code) => {
            accepted.insert(key(POSTAL_CODE), code.as_str().to_owned());
        }
        Err(ValidationError::Empty) => problems.push(problem(
            &key(POSTAL_CODE),
            "required",
            format!("W adresie „{pl}” wpisz kod pocztowy w formacie 00-000."),
            format!("In the address “{en}”, enter the postal code as 00-000."),
        )),
        Err(error) => problems.push(problem(
            &key(POSTAL_CODE),
            error.code(),
            format!("W adresie „{pl}”: {}", error.message_pl(Kind::PostalCode)),
            format!(
                "In the address “{en}”: {}",
                error.message_en(Kind::PostalCode)
            ),
        )),
    }
    problems.extend(line(CITY, "miejscowość", "the town or city", accepted));
}

fn file_count(field: &Field, count: usize) -> Option<FieldProblem> {
    if count == 0 && field.required {
        return Some(required(field));
    }
    (count > 1 && !field.multiple).then(|| {
        problem(
            &field.id,
            "one-file",
            format!("W polu „{}” można dołączyć tylko jeden plik, a dołączono {count}. Zostaw jeden albo połącz dokumenty w jeden plik PDF.", field.label.pl),
            format!("Only one file may be attached to “{}”, but {count} were attached. Keep one or combine the documents into one PDF.", field.label.en),
        )
    })
}
