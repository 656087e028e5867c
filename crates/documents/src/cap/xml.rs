//! Writing XML text by hand: escaping, and leaving out what XML 1.0 cannot hold.

/// Whether XML 1.0 allows the character at all (the `Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `text` escaped for element content or a double-quoted attribute. Characters XML
/// 1.0 cannot hold (most control characters) are dropped; a carriage return is written as
/// `&#13;` so that a parser's line-end normalisation keeps it.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// Appends `<name>text</name>` on its own line at `indent` levels of two spaces.
pub(crate) fn push_element(out: &mut String, indent: usize, name: &str, text: &str) {
    for _ in 0..indent {
        out.push_str("  ");
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    push_escaped(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Appends `<name>` (or `</name>` when `close`) on its own line.
pub(crate) fn push_tag(out: &mut String, indent: usize, name: &str, close: bool) {
    for _ in 0..indent {
        out.push_str("  ");
    }
    out.push_str(if close { "</" } else { "<" });
    out.push_str(name);
    out.push_str(">\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_illegal_characters() {
        let mut out = String::new();
        push_escaped(&mut out, "a<b>&\"c\"\u{0}\u{1B}\r\nż\u{FFFF}");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&quot;&#13;\nż");
    }
}
