//! Positions in the source and the toml crate's errors told in Polish and English.
//!
//! The toml crate reports syntax errors and serde's structural errors (unknown key, missing key,
//! wrong type) in English only. The clerks who write definitions read Polish, so the common
//! structural messages are translated; rare syntax messages keep the crate's English wording
//! inside a Polish sentence that says where to look.

use super::DefinitionError;
use std::ops::Range;

/// 1-based line and column (in characters, not bytes) of byte `offset` in `source`.
pub(super) fn position(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// A definition error at the start of `span`.
pub(super) fn error_at(
    source: &str,
    span: &Range<usize>,
    message_pl: String,
    message_en: String,
) -> DefinitionError {
    let (line, column) = position(source, span.start);
    DefinitionError {
        line,
        column,
        message_pl,
        message_en,
    }
}

/// The toml crate's error as a definition error at the position it gives (line 1 when it gives
/// none).
pub(super) fn from_toml(source: &str, error: &toml::de::Error) -> DefinitionError {
    let span = error.span().unwrap_or(0..0);
    let message = error.message().trim();
    let (pl, en) = translate(source, &span, message);
    error_at(source, &span, pl, en)
}

fn translate(source: &str, span: &Range<usize>, message: &str) -> (String, String) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = allowed_keys(expected);
        return (
            format!(
                "Nieznany klucz „{key}”. Dozwolone tutaj: {allowed}. Popraw literówkę albo usuń ten klucz."
            ),
            format!(
                "Unknown key `{key}`. Allowed here: {allowed}. Correct the spelling or remove the key."
            ),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            format!(
                "Brakuje wymaganego klucza „{key}” w tej tabeli. Dopisz go (opis klucza jest w opisie formatu usług)."
            ),
            format!(
                "The required key `{key}` is missing from this table. Add it (the key is described in the service format description)."
            ),
        );
    }
    if message == "duplicate key" {
        let key = source.get(span.clone()).unwrap_or("").trim();
        return (
            format!(
                "Klucz „{key}” występuje w tej tabeli po raz drugi. Zostaw tylko jedną wartość."
            ),
            format!("The key `{key}` appears in this table twice. Keep only one value."),
        );
    }
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        let (want_pl, want_en) = expected_words(expected);
        let (key_pl, key_en) = match key_before(source, span.start) {
            Some(key) => (format!("klucza „{key}”"), format!("of `{key}`")),
            None => ("w tym miejscu".to_owned(), "here".to_owned()),
        };
        return (
            format!("Zły rodzaj wartości {key_pl}: oczekiwano: {want_pl}. Popraw wartość."),
            format!("Wrong kind of value {key_en}: expected {want_en}. Correct the value."),
        );
    }
    if message.starts_with("string values must be quoted") || message == "unquoted string" {
        return (
            "Tekst musi stać w cudzysłowie, np. slug = \"wycinka-drzew\". Dopisz cudzysłowy."
                .to_owned(),
            "A text must be in quotes, e.g. slug = \"wycinka-drzew\". Add the quotes.".to_owned(),
        );
    }
    (
        format!(
            "Błąd składni TOML ({message}). Popraw zapis w tym miejscu: tekst w cudzysłowie, lista w nawiasach [ ], każdy klucz w osobnym wierszu."
        ),
        format!(
            "TOML syntax error ({message}). Correct the notation here: texts in quotes, lists in brackets [ ], one key per line."
        ),
    )
}

/// serde's "one of `a`, `b`" or "`a` or `b`" as "a, b".
fn allowed_keys(expected: &str) -> String {
    let expected = expected.trim_start_matches(", expected ");
    let expected = expected.strip_prefix("one of ").unwrap_or(expected);
    expected
        .split([',', '`'])
        .flat_map(|part| part.split(" or "))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What serde expected, in words a definition's author knows.
fn expected_words(expected: &str) -> (String, String) {
    match expected {
        "i64" | "u32" | "u64" | "usize" | "an integer" => (
            "liczba całkowita bez cudzysłowu, np. 10".to_owned(),
            "a whole number without quotes, e.g. 10".to_owned(),
        ),
        "a boolean" => (
            "true albo false, bez cudzysłowu".to_owned(),
            "true or false, without quotes".to_owned(),
        ),
        "a string" => (
            "tekst w cudzysłowie, np. \"tak\"".to_owned(),
            "a text in quotes, e.g. \"yes\"".to_owned(),
        ),
        "a sequence" => (
            "lista w nawiasach kwadratowych, np. [\"a\", \"b\"]".to_owned(),
            "a list in square brackets, e.g. [\"a\", \"b\"]".to_owned(),
        ),
        other if other.starts_with("struct") || other == "a map" => (
            "tabela, np. { field = \"…\", equals = \"…\" } albo [nagłówek]".to_owned(),
            "a table, e.g. { field = \"…\", equals = \"…\" } or a [header]".to_owned(),
        ),
        other => (other.to_owned(), other.to_owned()),
    }
}

/// The key whose value starts at `offset`: the last `key =` before it on the same line.
fn key_before(source: &str, offset: usize) -> Option<&str> {
    let prefix = source.get(..offset)?;
    let line = &prefix[prefix.rfind('\n').map_or(0, |i| i + 1)..];
    let (before_eq, _) = line.rsplit_once('=')?;
    let key = before_eq
        .trim_end()
        .rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()?;
    let key = key.trim_matches('"');
    (!key.is_empty()).then_some(key)
}
