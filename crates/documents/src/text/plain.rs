//! Plain text and HTML files, in whatever encoding a Polish sender's program used.
//!
//! UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are
//! certain. Anything else is one of the two 8-bit Polish encodings: Windows-1250 (what
//! Windows programs write) or ISO-8859-2 (older Unix and e-mail). They share most bytes
//! but put `ą ś ź Ą Ś Ź` in different places, so both decodings are scored — Polish
//! letters count for, C1 control characters and unlikely symbols (which is what the
//! other encoding's Polish letters look like) count against — and the better one wins.
//! `encoding_rs` does the decoding.

use encoding_rs::{Encoding, ISO_8859_2, UTF_8, WINDOWS_1250};

use super::sniff::Kind;
use super::{Extracted, Method};

pub(crate) fn text(bytes: &[u8]) -> Extracted {
    let mut out = Extracted::new(Method::Plain, Kind::Text.media_type());
    out.text = decode(bytes);
    out.pages = 1;
    out
}

pub(crate) fn html(bytes: &[u8]) -> Extracted {
    let mut out = Extracted::new(Method::Html, Kind::Html.media_type());
    // mail-parser's converter (the one it uses for HTML-only e-mail): drops head, style
    // and script, decodes entities, turns block ends into line breaks.
    out.text = mail_parser::decoders::html::html_to_text(&decode(bytes));
    out.pages = 1;
    out
}

/// Bytes to text; see the module docs for how the encoding is chosen.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding.decode_with_bom_removal(bytes).0.into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let candidates = [WINDOWS_1250, ISO_8859_2];
    let mut best: Option<(i64, String)> = None;
    for encoding in candidates {
        let text = encoding.decode_without_bom_handling(bytes).0.into_owned();
        let score = score(&text);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, text));
        }
    }
    match best {
        Some((_, text)) => text,
        None => UTF_8.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

fn score(text: &str) -> i64 {
    text.chars()
        .map(|c| match c {
            'ą' | 'ć' | 'ę' | 'ł' | 'ń' | 'ó' | 'ś' | 'ź' | 'ż' | 'Ą' | 'Ć' | 'Ę' | 'Ł' | 'Ń'
            | 'Ó' | 'Ś' | 'Ź' | 'Ż' => 2,
            '\u{80}'..='\u{9f}' => -5,
            // What the other encoding's Polish letters turn into: ISO-8859-2's ą ś ź Ą Ś Ź
            // read as Windows-1250 are ± ¶ Ľ ˇ ¦ ¬; Windows-1250's ą Ą read as ISO-8859-2
            // are š Ľ (its ś ź Ś Ź become C1 controls, above).
            '±' | '¶' | 'Ľ' | 'ˇ' | '¦' | '¬' | 'š' => -1,
            _ => 0,
        })
        .sum()
}
