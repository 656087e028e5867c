//! The sender's name and address from the head of a Polish letter.
//!
//! A letter to an office starts with the sender's block (name, street, postal code and town),
//! usually followed by the place and date and the office's address. We look in the first lines
//! for a line with a Polish postal code (`NN-NNN Town`); the line before it is the street, the
//! one before that the name. The office's own address (its postal code) is skipped, so the
//! addressee block is not taken for the sender. A heuristic: the registrar sees it as a
//! prefilled value to check, never as a fact.

use serde::Serialize;

/// The sender block found in a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sender {
    pub name: String,
    /// Street line and postal line, separated by a newline.
    pub address: String,
}

/// How many lines from the top are searched.
const HEAD_LINES: usize = 25;

/// Finds the sender block; a block whose street line is the office's own (`office_street`,
/// e.g. `ul. Rynek 1`) is skipped.
pub fn find(text: &str, office_street: Option<&str>) -> Option<Sender> {
    let office = office_street.map(normalise);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(HEAD_LINES)
        .collect();
    for (i, line) in lines.iter().enumerate() {
        if !is_postal_line(line) {
            continue;
        }
        if i < 2 {
            continue;
        }
        let street = lines[i - 1];
        if office.as_deref() == Some(normalise(street).as_str()) {
            continue;
        }
        let name = strip_place_and_date(lines[i - 2]);
        if !looks_like_street(street) || !looks_like_name(name) {
            continue;
        }
        return Some(Sender {
            name: name.to_owned(),
            address: format!("{street}\n{line}"),
        });
    }
    None
}

/// The sender's name without the place and date printed on the same line at the right
/// ("Jan Kowalski    Przykładowo, 16 listopada 2026 r." as OCR reads a letter's head).
fn strip_place_and_date(line: &str) -> &str {
    let Some(comma) = line.find(", ") else {
        return line;
    };
    let after = line[comma + 2..].trim_start();
    let after = after.strip_prefix("dnia ").unwrap_or(after);
    if !after.starts_with(|c: char| c.is_ascii_digit()) {
        return line;
    }
    let head = line[..comma].trim_end();
    match head.rfind(char::is_whitespace) {
        Some(space) => head[..space].trim_end(),
        None => line,
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether a line starts with a postal code (`NN-NNN`) followed by a town.
fn is_postal_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 7
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[2] == b'-'
        && b[3..6].iter().all(u8::is_ascii_digit)
        && b[6] == b' '
        && line[7..].chars().next().is_some_and(char::is_alphabetic)
}

fn looks_like_street(line: &str) -> bool {
    let lower = line.to_lowercase();
    let has_digit = line.chars().any(|c| c.is_ascii_digit());
    has_digit
        && line.chars().count() <= 80
        && (["ul.", "ul ", "al.", "os.", "pl.", "ulica", "aleja"]
            .iter()
            .any(|p| lower.starts_with(p))
            || line.chars().next().is_some_and(char::is_alphabetic))
}

fn looks_like_name(line: &str) -> bool {
    let n = line.chars().count();
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    (3..=80).contains(&n)
        && letters * 10 >= n * 7
        && !line.chars().any(|c| c.is_ascii_digit())
        && line.split_whitespace().count() <= 6
        && line.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sender_block_and_skips_the_office() {
        let letter = "Jan Kowalski\nul. Polna 5\n12-345 Przykładowo\n\nPrzykładowo, 3 listopada 2026 r.\n\n\
            Urząd Gminy Przykładowo\nul. Rynek 1\n12-345 Przykładowo\n\nWniosek o wycinkę drzewa";
        let s = find(letter, None).expect("a sender");
        assert_eq!(s.name, "Jan Kowalski");
        assert_eq!(s.address, "ul. Polna 5\n12-345 Przykładowo");
        let office_first = "Urząd Gminy Przykładowo\nul. Rynek 1\n12-345 Przykładowo\n\nAnna Nowak\nLipowa 7 m. 2\n12-345 Przykładowo\n";
        let s = find(office_first, Some("ul.  Rynek 1")).expect("a sender");
        assert_eq!(s.name, "Anna Nowak");
        assert_eq!(s.address, "Lipowa 7 m. 2\n12-345 Przykładowo");
    }

    #[test]
    fn the_place_and_date_beside_the_name_are_left_out() {
        let ocr = "Jan Kowalski Przykładowo, 16 listopada 2026 r.\nul. Polna 5\n\n12-345 Przykładowo\n\n\
            Urząd Gminy Przykładowo\nul. Rynek 1\n12-345 Przykładowo\n";
        let s = find(ocr, Some("ul. Rynek 1")).expect("a sender");
        assert_eq!(s.name, "Jan Kowalski");
        assert_eq!(s.address, "ul. Polna 5\n12-345 Przykładowo");
        let s = find(
            "Anna Maria Nowak Lipno, dnia 03.11.2026\nLipowa 7\n87-600 Lipno",
            None,
        )
        .expect("a sender");
        assert_eq!(s.name, "Anna Maria Nowak");
    }

    #[test]
    fn no_block_means_no_sender() {
        assert_eq!(find("Dzień dobry,\nproszę o informację.", None), None);
        assert_eq!(find("12-345 Przykładowo", None), None);
        // A postal line without a street above it is not a sender block.
        assert_eq!(
            find("Jan Kowalski\nZapraszam\n12-345 Przykładowo", None),
            None
        );
    }
}
