//! Facts from a letter's text: identifiers (PESEL, NIP, REGON, IBAN, e-Delivery addresses),
//! contacts (e-mail, phone), dates, amounts in złoty, and the case signs the letter refers to.
//! Every identifier is checked with the validators of [`crate::validate`] (checksums, dates),
//! so a number that only looks like a PESEL is not reported as one.
//!
//! A small scanner of our own, not a regular-expression crate: `core` keeps to its few
//! dependencies (ARCHITECTURE.md), the patterns are simple, and the validators, not the
//! patterns, decide. Offsets are byte offsets into the text, on character boundaries.

use serde::Serialize;
use time::{Date, Month};

use crate::registry::CaseSign;
use crate::validate::{Kind, validate};

/// What a fact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Pesel,
    Nip,
    Regon,
    Iban,
    EDeliveryAddress,
    Email,
    Phone,
    Date,
    /// An amount in złoty, as grosze.
    Amount,
    /// A case sign in the text; `referenced` tells whether the letter says it concerns it.
    CaseSign,
}

/// One fact found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub kind: FactKind,
    /// The normalised value: digits only for identifiers, `YYYY-MM-DD` for dates, grosze for
    /// amounts, `+48NNNNNNNNN` for Polish phones, the sign as written for case signs.
    pub value: String,
    /// Where it stands in the text (byte offsets).
    pub start: usize,
    pub end: usize,
    /// For case signs: the text says the letter concerns this case ("znak sprawy",
    /// "dot. sprawy", "sygn.", "w odpowiedzi na pismo"); otherwise false.
    pub referenced: bool,
}

/// Words before a number that say what it is.
const HINTS: &[(&str, FactKind)] = &[
    ("pesel", FactKind::Pesel),
    ("nip", FactKind::Nip),
    ("regon", FactKind::Regon),
    ("rachunek", FactKind::Iban),
    ("konto", FactKind::Iban),
    ("iban", FactKind::Iban),
    ("tel", FactKind::Phone),
    ("telefon", FactKind::Phone),
    ("kom", FactKind::Phone),
    ("komórka", FactKind::Phone),
];

/// Phrases before a case sign that say the letter concerns that case.
const REFERENCE_PHRASES: &[&str] = &[
    "znak sprawy",
    "znak:",
    "znak pisma",
    "dot. sprawy",
    "dotyczy sprawy",
    "dot.",
    "sygn.",
    "sygnatura",
    "w odpowiedzi na pismo",
    "nasz znak",
    "wasz znak",
];

/// Polish month names in the genitive, as dates are written ("12 marca 2024 r.").
const MONTHS: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// The facts of a text, in the order they stand, each (kind, value) once.
pub fn extract(text: &str) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    let words = words(text);
    scan_words(text, &words, &mut out);
    scan_numbers(text, &mut out);
    out.sort_by_key(|f| (f.start, f.kind));
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert((f.kind, f.value.clone())));
    out
}

/// A word: a run of non-space characters with the punctuation around it trimmed.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    start: usize,
}

fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                let raw = &text[s..i];
                let trimmed_start = raw.trim_start_matches(is_outer_punct);
                let lead = raw.len() - trimmed_start.len();
                let trimmed = trimmed_start.trim_end_matches(is_outer_punct);
                if !trimmed.is_empty() {
                    out.push(Word {
                        text: trimmed,
                        start: s + lead,
                    });
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}

fn is_outer_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '('
            | ')'
            | '['
            | ']'
            | '„'
            | '”'
            | '"'
            | '\''
            | '«'
            | '»'
            | '<'
            | '>'
            | '!'
            | '?'
    ) || c == '.'
}

/// The lower-cased text just before `at` (up to `n` characters), for hints.
fn before(text: &str, at: usize, n: usize) -> String {
    let head = &text[..at];
    let start = head
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    head[start..].to_lowercase()
}

fn hinted(text: &str, at: usize) -> Option<FactKind> {
    let b = before(text, at, 24);
    // The nearest hint word wins.
    HINTS
        .iter()
        .filter_map(|(w, k)| b.rfind(w).map(|pos| (pos, *k)))
        .max_by_key(|(pos, _)| *pos)
        .map(|(_, k)| k)
}

fn push(out: &mut Vec<Fact>, kind: FactKind, value: String, start: usize, end: usize) {
    out.push(Fact {
        kind,
        value,
        start,
        end,
        referenced: false,
    });
}

/// Facts that are single words: e-mail, e-Delivery address, case sign, dates written with
/// digits, and dates with a month name (three words).
fn scan_words(text: &str, words: &[Word<'_>], out: &mut Vec<Fact>) {
    for (i, w) in words.iter().enumerate() {
        let end = w.start + w.text.len();
        if w.text.to_ascii_uppercase().starts_with("AE:") {
            if let Ok(v) = validate(Kind::EDeliveryAddress, w.text) {
                push(out, FactKind::EDeliveryAddress, v, w.start, end);
            }
            continue;
        }
        if let Some(email) = email(w.text) {
            push(out, FactKind::Email, email, w.start, end);
            continue;
        }
        if w.text.parse::<CaseSign>().is_ok() {
            let b = before(text, w.start, 40);
            out.push(Fact {
                kind: FactKind::CaseSign,
                value: w.text.to_owned(),
                start: w.start,
                end,
                referenced: REFERENCE_PHRASES.iter().any(|p| b.contains(p)),
            });
            continue;
        }
        if let Some(d) = numeric_date(w.text) {
            push(out, FactKind::Date, d.to_string(), w.start, end);
            continue;
        }
        // "12 marca 2024"
        if let (Some(month), Some(year)) = (words.get(i + 1), words.get(i + 2))
            && let Some(d) = worded_date(w.text, month.text, year.text)
        {
            push(
                out,
                FactKind::Date,
                d.to_string(),
                w.start,
                year.start + year.text.len(),
            );
        }
    }
}

fn email(word: &str) -> Option<String> {
    let (local, domain) = word.split_once('@')?;
    let ok_local = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let ok_domain = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (ok_local && ok_domain).then(|| format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// `12.03.2024`, `2024-03-12`, `12/03/2024` (day first, as Polish letters write them).
fn numeric_date(word: &str) -> Option<Date> {
    let word = word.trim_end_matches("r").trim_end_matches('.');
    let parts: Vec<&str> = word.split(['.', '-', '/']).collect();
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = match parts.as_slice() {
        [a, b, c] if a.len() == 4 => (num(a)?, num(b)?, num(c)?),
        [a, b, c] if c.len() == 4 && a.len() <= 2 && b.len() <= 2 => (num(c)?, num(b)?, num(a)?),
        _ => return None,
    };
    make_date(y, m, d)
}

fn worded_date(day: &str, month: &str, year: &str) -> Option<Date> {
    if day.is_empty() || day.len() > 2 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let m = MONTHS
        .iter()
        .position(|n| month.eq_ignore_ascii_case(n) || month.to_lowercase() == *n)?;
    let year = year.trim_end_matches('r').trim_end_matches('.');
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    make_date(
        year.parse().ok()?,
        u32::try_from(m + 1).ok()?,
        day.parse().ok()?,
    )
}

fn make_date(y: u32, m: u32, d: u32) -> Option<Date> {
    if !(1900..=2200).contains(&y) {
        return None;
    }
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
}

/// Runs of digits with single spaces or hyphens between groups (and an optional `PL` or
/// `+48` before them): identifiers, phones and amounts.
fn scan_numbers(text: &str, out: &mut Vec<Fact>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let glued = |k: usize| {
            k > 0 && (bytes[k - 1].is_ascii_alphanumeric() || matches!(bytes[k - 1], b'.' | b','))
        };
        // "PL61 1090 …": the country code of an IBAN glued to its digits.
        let after_pl = i >= 2 && bytes[i - 2..i].eq_ignore_ascii_case(b"PL") && !glued(i - 2);
        if !bytes[i].is_ascii_digit() || (glued(i) && !after_pl) {
            i += 1;
            continue;
        }
        // The run: digits, and single separators followed by a digit.
        let start = i;
        let mut end = i;
        let mut j = i;
        while j < bytes.len() {
            let b = bytes[j];
            if b.is_ascii_digit() {
                j += 1;
                end = j;
            } else if (b == b' ' || b == b'-')
                && j + 1 < bytes.len()
                && bytes[j + 1].is_ascii_digit()
                && j > start
            {
                j += 1;
            } else {
                break;
            }
        }
        // A date or a decimal amount continues with '.' or ','; those are handled elsewhere.
        let next = bytes.get(end).copied();
        let prefix_pl = after_pl;
        let prefix_48 = text[..start].trim_end().ends_with("+48");
        number_facts(text, start, end, prefix_pl, prefix_48, next, out);
        i = end.max(i + 1);
    }
}

#[allow(clippy::too_many_arguments)]
fn number_facts(
    text: &str,
    start: usize,
    end: usize,
    prefix_pl: bool,
    prefix_48: bool,
    next: Option<u8>,
    out: &mut Vec<Fact>,
) {
    let run = &text[start..end];
    let digits: String = run.chars().filter(char::is_ascii_digit).collect();
    if let Some(grosze) = amount(text, start, end, next) {
        push(
            out,
            FactKind::Amount,
            grosze.to_string(),
            start,
            amount_end(text, end),
        );
        return;
    }
    if matches!(next, Some(b'.' | b',' | b'/')) && digits.len() <= 4 {
        return;
    }
    // "+48 12 345 67 89": the country code is part of the run.
    if text[..start].ends_with('+') && digits.len() == 11 && digits.starts_with("48") {
        push(out, FactKind::Phone, format!("+{digits}"), start - 1, end);
        return;
    }
    let hint = hinted(text, start);
    let found = classify(&digits, hint, prefix_pl, prefix_48);
    if found.is_none() && run.contains(' ') {
        // Several numbers written next to each other: each group on its own.
        let mut offset = start;
        for group in run.split(' ') {
            let g_digits: String = group.chars().filter(char::is_ascii_digit).collect();
            if let Some((k, v)) = classify(&g_digits, hinted(text, offset), false, false) {
                push(out, k, v, offset, offset + group.len());
            }
            offset += group.len() + 1;
        }
        return;
    }
    if let Some((k, v)) = found {
        push(out, k, v, start, end);
    }
}

/// What a run of digits is, checked by the validators; a hint settles ambiguous lengths.
fn classify(
    digits: &str,
    hint: Option<FactKind>,
    prefix_pl: bool,
    prefix_48: bool,
) -> Option<(FactKind, String)> {
    let valid = |k: Kind| validate(k, digits).ok();
    if prefix_pl && digits.len() != 26 {
        return None;
    }
    match digits.len() {
        26 => valid(Kind::Iban)
            .or_else(|| validate(Kind::Iban, &format!("PL{digits}")).ok())
            .map(|v| (FactKind::Iban, v)),
        11 => valid(Kind::Pesel).map(|v| (FactKind::Pesel, v)),
        10 => valid(Kind::Nip).map(|v| (FactKind::Nip, v)),
        14 => valid(Kind::Regon).map(|v| (FactKind::Regon, v)),
        9 => {
            let phone = || Some((FactKind::Phone, format!("+48{digits}")));
            let regon = valid(Kind::Regon).map(|v| (FactKind::Regon, v));
            match hint {
                _ if prefix_48 => phone(),
                Some(FactKind::Phone) => phone(),
                Some(FactKind::Regon) => regon,
                // No word says which: a valid REGON that cannot be a mobile number is a REGON.
                _ if regon.is_some() && !looks_like_mobile(digits) => regon,
                _ => phone(),
            }
        }
        _ => None,
    }
}

/// Polish mobile numbers start with 5, 6, 7 or 8 (numbering plan of UKE); landlines with an
/// area code 1x–9x. Used only to break a tie with REGON when no word says which.
fn looks_like_mobile(digits: &str) -> bool {
    matches!(digits.as_bytes().first(), Some(b'5' | b'6' | b'7' | b'8'))
}

/// An amount: digits (thread with spaces or dots as thousands separators), an optional
/// decimal part after a comma, then "zł", "PLN" or "złotych".
fn amount(text: &str, start: usize, end: usize, next: Option<u8>) -> Option<i64> {
    let run = &text[start..end];
    let mut whole: String = run.chars().filter(char::is_ascii_digit).collect();
    let mut tail = &text[end..];
    let mut fraction = String::from("00");
    // Thousands written with dots: 1.234.567,89
    while let Some(rest) = tail.strip_prefix('.') {
        let group: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if group.len() != 3 {
            break;
        }
        whole.push_str(&group);
        tail = &rest[3..];
    }
    if let Some(rest) = tail.strip_prefix(',') {
        let frac: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if frac.len() == 2 {
            fraction = frac;
            tail = &rest[2..];
        } else if !frac.is_empty() {
            return None;
        }
    } else if next == Some(b',') {
        return None;
    }
    let unit = tail.trim_start().to_lowercase();
    let is_money = ["zł", "pln", "złotych", "zlotych", "zl "]
        .iter()
        .any(|u| unit.starts_with(u));
    if !is_money || whole.is_empty() || whole.len() > 15 {
        return None;
    }
    let zl: i64 = whole.parse().ok()?;
    let gr: i64 = fraction.parse().ok()?;
    zl.checked_mul(100)?.checked_add(gr)
}

/// The end of an amount's number part (after the thousands and the decimals).
fn amount_end(text: &str, end: usize) -> usize {
    let tail = &text[end..];
    let taken = tail
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ',')
        .last()
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    end + taken
}

#[cfg(test)]
mod tests;
