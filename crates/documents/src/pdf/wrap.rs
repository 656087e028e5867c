//! Breaking text into lines that fit a width, measured with the font's glyph advances.

use super::fonts::Face;

/// Splits user text at its line breaks (`\n`, `\r\n`, `\r`, U+2028, U+2029).
pub(crate) fn hard_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '\u{2028}', '\u{2029}'])
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .flat_map(|line| line.split('\r'))
}

/// Cleans and wraps `text` (which may hold line breaks) to `max_width` points at `size`.
/// Each hard line gives at least one output line, so an empty input line stays a line.
pub(crate) fn wrap_text(face: &Face, size: f32, text: &str, max_width: f32) -> Vec<String> {
    hard_lines(text)
        .flat_map(|line| {
            let wrapped = wrap_line(face, size, &face.clean(line), max_width);
            if wrapped.is_empty() {
                vec![String::new()]
            } else {
                wrapped
            }
        })
        .collect()
}

/// Greedy word wrap of one cleaned line. Runs of spaces collapse to one; a word wider
/// than the line is broken between characters (an identifier or address must stay
/// whole, so no hyphen is added). Polish typesetting keeps a one-letter word ("w", "z",
/// "i", "o", "a", "u") off the end of a line, so such a word travels with the next one.
pub(crate) fn wrap_line(face: &Face, size: f32, line: &str, max_width: f32) -> Vec<String> {
    let max_width = max_width.max(0.0);
    let space = face.char_width(' ', size);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_width = 0.0_f32;

    for unit in units(face, size, line, max_width) {
        let width = face.width(&unit, size);
        if !current.is_empty() && current_width + space + width <= max_width {
            current.push(' ');
            current.push_str(&unit);
            current_width += space + width;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if width <= max_width {
            current = unit;
            current_width = width;
        } else {
            let mut pieces = break_word(face, size, &unit, max_width);
            let last = pieces.pop().unwrap_or_default();
            lines.extend(pieces);
            current_width = face.width(&last, size);
            current = last;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The words of a line, with each one-letter word glued to the word after it when the
/// pair still fits on a line.
fn units(face: &Face, size: f32, line: &str, max_width: f32) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut glue_next = false;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        match units.last_mut() {
            Some(previous)
                if glue_next
                    && face.width(previous, size)
                        + face.char_width(' ', size)
                        + face.width(word, size)
                        <= max_width =>
            {
                previous.push(' ');
                previous.push_str(word);
            }
            _ => units.push(word.to_owned()),
        }
        let mut chars = word.chars();
        glue_next = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic());
    }
    units
}

/// Splits a word too wide for a line into pieces that fit. A piece ends after the last
/// punctuation mark that fits (a case sign "GK.6730.10000.2026" breaks after a dot),
/// else between any two characters; each piece holds at least one character, so even a
/// column narrower than a glyph makes progress.
fn break_word(face: &Face, size: f32, word: &str, max_width: f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece: Vec<char> = Vec::new();
    let mut width = 0.0_f32;
    for c in word.chars() {
        let w = face.char_width(c, size);
        if !piece.is_empty() && width + w > max_width {
            let tail_width = |from: usize| -> f32 {
                piece[from..]
                    .iter()
                    .map(|&r| face.char_width(r, size))
                    .sum()
            };
            let cut = piece
                .iter()
                .rposition(|&p| BREAK_AFTER.contains(&p))
                .map(|i| i + 1)
                .filter(|&cut| tail_width(cut) + w <= max_width)
                .unwrap_or(piece.len());
            width = tail_width(cut);
            let rest = piece.split_off(cut);
            pieces.push(std::mem::replace(&mut piece, rest).into_iter().collect());
        }
        piece.push(c);
        width += w;
    }
    if !piece.is_empty() {
        pieces.push(piece.into_iter().collect());
    }
    pieces
}

/// Characters after which a long word (an identifier, an address) may be broken.
const BREAK_AFTER: &[char] = &[
    '.', ',', ';', ':', '/', '\\', '-', '_', '@', '&', '=', '?', ')',
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fonts::{Fonts, Style};

    fn fonts() -> Fonts {
        Fonts::system().expect("DejaVu fonts (scripts/install-deps.sh)")
    }

    #[test]
    fn lines_fit_the_width_and_keep_every_word() {
        let fonts = fonts();
        let face = fonts.face(Style::Regular);
        let text = "Zażółć gęślą jaźń, a potem wróć do urzędu gminy w Przykładowie \
                    i złóż wniosek o wydanie decyzji o warunkach zabudowy.";
        let lines = wrap_line(face, 11.0, text, 150.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(face.width(line, 11.0) <= 150.0, "{line:?} is too wide");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn one_letter_words_do_not_end_a_line() {
        let fonts = fonts();
        let face = fonts.face(Style::Regular);
        let text = "aaaa bbbb cccc dddd eeee ffff w gggg hhhh z iiii jjjj";
        for width in [60.0, 80.0, 100.0, 120.0, 140.0] {
            for line in wrap_line(face, 11.0, text, width) {
                let last = line.rsplit(' ').next().unwrap_or_default();
                assert!(last != "w" && last != "z", "{line:?} at width {width}");
            }
        }
    }

    #[test]
    fn long_words_are_broken_into_fitting_pieces() {
        let fonts = fonts();
        let face = fonts.face(Style::Regular);
        let word = "ą".repeat(500);
        let lines = wrap_line(face, 11.0, &format!("x {word} y"), 100.0);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(face.width(line, 11.0) <= 100.0);
        }
        assert_eq!(lines.concat().replace(' ', ""), format!("x{word}y"));
        // Narrower than one glyph: one character per line, never an endless loop.
        assert_eq!(wrap_line(face, 11.0, "abc", 1.0), ["a", "b", "c"]);
        // Identifiers break after punctuation where they can.
        let sign = "GK.6730.10000.2026";
        let narrow = face.width("GK.6730.10000.", 9.0) + 1.0;
        assert_eq!(
            wrap_line(face, 9.0, sign, narrow),
            ["GK.6730.10000.", "2026"]
        );
    }

    #[test]
    fn hard_breaks_and_empty_text() {
        let fonts = fonts();
        let face = fonts.face(Style::Regular);
        assert_eq!(
            wrap_text(face, 11.0, "a\r\nb\rc\n\nd", 500.0),
            ["a", "b", "c", "", "d"]
        );
        assert_eq!(wrap_text(face, 11.0, "", 500.0), [""]);
        assert!(wrap_line(face, 11.0, "   ", 500.0).is_empty());
    }
}
