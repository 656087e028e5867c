//! SMS text of an alert, in the GSM 7-bit default alphabet (3GPP TS 23.038).
//!
//! Like Alert RCB, an alert goes out as a short text: the headline, the area, the
//! instruction. Phones show GSM-7 text in 7-bit "septets", 160 in one SMS and 153 in each
//! part of a concatenated one (the user-data header takes 7). A single character outside
//! the GSM-7 alphabet would switch the whole message to UCS-2 (70 characters a part), so
//! the text is transliterated: Polish letters lose their diacritics (ą→a, ł→l, Ż→Z, …),
//! typographic quotes and dashes become `"` `'` `-`, white space collapses to single
//! spaces, and any other character outside the alphabet is dropped. The characters of the
//! extension table (`{ } [ ] ~ \ | ^ €`) are kept but cost two septets (escape + char),
//! and the two septets of one character never straddle two parts.
//!
//! An alert's SMS is at most [`MAX_PARTS`] parts (306 septets): longer messages arrive
//! out of order or late on some networks.

use std::fmt;

/// Parts an alert SMS may take.
pub const MAX_PARTS: usize = 2;
/// Septets in a single SMS.
pub const SINGLE_SEPTETS: usize = 160;
/// Septets in each part of a concatenated SMS.
pub const PART_SEPTETS: usize = 153;
/// Septets of [`MAX_PARTS`] parts (when no two-septet character straddles a boundary).
pub const MAX_SEPTETS: usize = MAX_PARTS * PART_SEPTETS;

/// The GSM 03.38 basic character set, in table order (0x1B, the escape, left out).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table reached through the escape: two septets each.
const EXTENSION: &str = "\u{0C}^{}\\[~]|€";

/// Septets a character costs in GSM-7: 1 (basic set), 2 (extension table), or `None`
/// if it cannot be sent in GSM-7 at all.
pub fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// What a non-GSM character becomes: a transliteration, or nothing.
fn transliterate(c: char) -> &'static str {
    match c {
        'ą' => "a",
        'ć' => "c",
        'ę' => "e",
        'ł' => "l",
        'ń' => "n",
        'ó' => "o",
        'ś' => "s",
        'ź' | 'ż' => "z",
        'Ą' => "A",
        'Ć' => "C",
        'Ę' => "E",
        'Ł' => "L",
        'Ń' => "N",
        'Ó' => "O",
        'Ś' => "S",
        'Ź' | 'Ż' => "Z",
        // Neighbours' letters seen in names of places and people.
        'á' | 'â' | 'ã' | 'ā' | 'ă' => "a",
        'Á' | 'À' | 'Â' | 'Ã' | 'Ā' | 'Ă' => "A",
        'ç' | 'č' => "c",
        'Č' => "C",
        'ď' => "d",
        'Ď' => "D",
        'ê' | 'ë' | 'ě' | 'ē' => "e",
        'È' | 'Ê' | 'Ë' | 'Ě' | 'Ē' => "E",
        'í' | 'î' | 'ï' | 'ī' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => "I",
        'ľ' | 'ĺ' => "l",
        'Ľ' | 'Ĺ' => "L",
        'ň' => "n",
        'Ň' => "N",
        'ô' | 'õ' | 'ő' | 'ō' => "o",
        'Ò' | 'Ô' | 'Õ' | 'Ő' | 'Ō' => "O",
        'ř' | 'ŕ' => "r",
        'Ř' | 'Ŕ' => "R",
        'š' | 'ş' => "s",
        'Š' | 'Ş' => "S",
        'ť' | 'ţ' => "t",
        'Ť' | 'Ţ' => "T",
        'ú' | 'û' | 'ů' | 'ű' | 'ū' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ů' | 'Ű' | 'Ū' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ž' => "z",
        'Ž' => "Z",
        // Typography.
        '„' | '”' | '“' | '«' | '»' | '″' => "\"",
        '‘' | '’' | '‚' | '′' | '`' | '´' => "'",
        '–' | '—' | '−' | '‐' | '‑' | '•' => "-",
        '…' => "...",
        '°' => " st.",
        _ => "",
    }
}

/// The text in GSM-7: transliterated, white space collapsed, outside characters dropped,
/// trimmed.
pub fn to_gsm7(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        let mut buf = [0u8; 4];
        let mapped: &str = if septets(c).is_some() {
            c.encode_utf8(&mut buf)
        } else {
            transliterate(c)
        };
        if mapped.is_empty() {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push_str(mapped);
    }
    out
}

/// Septets of a text; characters outside GSM-7 count as `None` (use [`to_gsm7`] first).
pub fn count_septets(text: &str) -> Option<usize> {
    text.chars().map(septets).sum()
}

/// SMS parts a GSM-7 text takes: 0 for an empty text, 1 up to 160 septets, else parts of
/// 153 septets in which a two-septet character is never split. `None` if the text holds a
/// character outside GSM-7.
pub fn count_parts(text: &str) -> Option<usize> {
    let total = count_septets(text)?;
    if total == 0 {
        return Some(0);
    }
    if total <= SINGLE_SEPTETS {
        return Some(1);
    }
    let mut parts = 1;
    let mut used = 0;
    for c in text.chars() {
        let cost = septets(c)?;
        if used + cost > PART_SEPTETS {
            parts += 1;
            used = 0;
        }
        used += cost;
    }
    Some(parts)
}

/// An SMS text ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsText {
    /// GSM-7 text (a Rust string of GSM-7 characters only).
    pub text: String,
    /// Its length in septets.
    pub septets: usize,
    /// SMS parts it takes (at most [`MAX_PARTS`]).
    pub parts: usize,
    /// Whether something was left out to fit: the area, or the end of the instruction.
    pub shortened: bool,
}

impl SmsText {
    /// `septets` and `parts` count the text with the `suffix` every recipient's copy ends with.
    fn of(text: String, shortened: bool, suffix: &str) -> Self {
        let whole = format!("{text}{suffix}");
        let septets = count_septets(&whole).unwrap_or(0);
        let parts = count_parts(&whole).unwrap_or(0);
        Self {
            text,
            septets,
            parts,
            shortened,
        }
    }
}

/// Whether `text` followed by `suffix` fits [`MAX_PARTS`] parts.
fn fits(text: &str, suffix: &str) -> bool {
    count_parts(&format!("{text}{suffix}")).is_some_and(|parts| parts <= MAX_PARTS)
}

/// Ends a sentence with a full stop unless it already ends with `.`, `!` or `?`.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() || text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// Cuts a GSM-7 text to fit [`MAX_PARTS`], at a word boundary where one is near, ending
/// with `...`.
fn cut_to_fit(text: &str, suffix: &str) -> String {
    if fits(text, suffix) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with "..." after it; fits() is monotone in the length.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "...";
        if fits(&candidate, suffix) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut end = lo;
    // Back to the last space if it is within 30 characters: better a whole word.
    if let Some(space) = chars[..end].iter().rposition(|c| *c == ' ')
        && end - space <= 30
        && space > 0
    {
        end = space;
    }
    let kept: String = chars[..end].iter().collect();
    let kept = kept.trim_end_matches([' ', ',', ';', ':', '-', '.']);
    format!("{kept}...")
}

/// The alert's SMS from the headline, the instruction and (if it fits) the area, like
/// Alert RCB: `Headline. Obszar: area. Instruction.` The area goes first when space runs
/// out, then the end of the instruction (cut at a word, with `...`).
pub fn derive_sms(headline: &str, instruction: &str, area_desc: Option<&str>) -> SmsText {
    derive_sms_with(headline, instruction, area_desc, "")
}

/// [`derive_sms`] leaving room for `suffix`, which every recipient's copy ends with (the
/// unsubscribe link of [`unsubscribe_suffix`]); the text returned does not hold it.
pub fn derive_sms_with(
    headline: &str,
    instruction: &str,
    area_desc: Option<&str>,
    suffix: &str,
) -> SmsText {
    let headline = sentence(&to_gsm7(headline));
    let instruction = sentence(&to_gsm7(instruction));
    let join = |parts: &[&str]| {
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(area) = area_desc.map(to_gsm7).filter(|a| !a.is_empty()) {
        let area = sentence(&format!("Obszar: {area}"));
        let full = join(&[&headline, &area, &instruction]);
        if fits(&full, suffix) {
            return SmsText::of(full, false, suffix);
        }
    }
    let short = join(&[&headline, &instruction]);
    if fits(&short, suffix) {
        let shortened = area_desc.is_some_and(|a| !to_gsm7(a).is_empty());
        return SmsText::of(short, shortened, suffix);
    }
    SmsText::of(cut_to_fit(&short, suffix), true, suffix)
}

/// [`derive_sms`] for an info block: its headline (else its event), its instruction, and
/// its areas' descriptions joined with commas.
pub fn derive_sms_for(info: &super::model::Info) -> SmsText {
    derive_sms_for_with(info, "")
}

/// [`derive_sms_for`] leaving room for `suffix` (see [`derive_sms_with`]).
pub fn derive_sms_for_with(info: &super::model::Info, suffix: &str) -> SmsText {
    let headline = info.headline.as_deref().unwrap_or(info.event.as_str());
    let areas: Vec<&str> = info
        .areas
        .iter()
        .map(|a| a.area_desc.trim())
        .filter(|d| !d.is_empty())
        .collect();
    let areas = areas.join(", ");
    derive_sms_with(
        headline,
        info.instruction.as_deref().unwrap_or_default(),
        (!areas.is_empty()).then_some(areas.as_str()),
        suffix,
    )
}

/// Characters of the code in an SMS's unsubscribe link.
pub const UNSUBSCRIBE_CODE_LEN: usize = 10;

/// The end of every alert SMS to a resident: a one-click unsubscribe link, short enough to
/// leave room for the alert (`base` is the office's public address, `code` the subscriber's
/// short code, or the gateway's placeholder for it).
pub fn unsubscribe_suffix(base: &str, code: &str) -> String {
    format!(" Wypisz: {}/w/{code}", base.trim_end_matches('/'))
}

/// A clerk's own SMS text that does not fit [`MAX_PARTS`] parts even in GSM-7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsTooLong {
    /// Septets of the GSM-7 text.
    pub septets: usize,
    /// Characters to cut from the end (of the GSM-7 text) for it to fit.
    pub cut_chars: usize,
}

impl fmt::Display for SmsTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the SMS text takes {} septets, more than {MAX_PARTS} parts; cut {} characters",
            self.septets, self.cut_chars
        )
    }
}

impl std::error::Error for SmsTooLong {}

/// The clerk's own SMS text in GSM-7, if it fits [`MAX_PARTS`] parts; else how much to cut.
pub fn check_sms(text: &str) -> Result<SmsText, SmsTooLong> {
    check_sms_with(text, "")
}

/// [`check_sms`] for a text every recipient's copy of which ends with `suffix`.
pub fn check_sms_with(text: &str, suffix: &str) -> Result<SmsText, SmsTooLong> {
    let gsm = to_gsm7(text);
    if fits(&gsm, suffix) {
        return Ok(SmsText::of(gsm, false, suffix));
    }
    let chars: Vec<char> = gsm.chars().collect();
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(&chars[..mid].iter().collect::<String>(), suffix) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Err(SmsTooLong {
        septets: count_septets(&format!("{gsm}{suffix}")).unwrap_or(0),
        cut_chars: chars.len() - lo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_letters_are_transliterated() {
        assert_eq!(
            to_gsm7("Zażółć gęślą jaźń. ZAŻÓŁĆ GĘŚLĄ JAŹŃ"),
            "Zazolc gesla jazn. ZAZOLC GESLA JAZN"
        );
    }

    #[test]
    fn typography_and_space_are_normalised_and_others_dropped() {
        assert_eq!(
            to_gsm7("  „Uwaga”\t– burza…\n\n☂ jutro  "),
            "\"Uwaga\" - burza... jutro"
        );
        assert_eq!(to_gsm7("Київ Kyiv"), "Kyiv");
    }

    #[test]
    fn gsm_characters_are_kept() {
        let text =
            "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑ\u{DC}\u{A7}¿äöñüà{}[]~\\|^€";
        assert_eq!(to_gsm7(text), text);
    }

    #[test]
    fn extension_characters_cost_two_septets() {
        assert_eq!(count_septets("abc"), Some(3));
        assert_eq!(count_septets("{}"), Some(4));
        assert_eq!(count_septets("€ 5"), Some(4));
        assert_eq!(count_septets("ą"), None);
    }

    #[test]
    fn parts_follow_160_and_153() {
        assert_eq!(count_parts(""), Some(0));
        assert_eq!(count_parts(&"a".repeat(160)), Some(1));
        assert_eq!(count_parts(&"a".repeat(161)), Some(2));
        assert_eq!(count_parts(&"a".repeat(306)), Some(2));
        assert_eq!(count_parts(&"a".repeat(307)), Some(3));
        assert_eq!(count_parts(&"€".repeat(80)), Some(1));
        assert_eq!(count_parts(&"€".repeat(81)), Some(2));
        // 152 septets, then a two-septet character that may not straddle: it opens part 2.
        let straddle = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(count_septets(&straddle), Some(306));
        assert_eq!(count_parts(&straddle), Some(3));
    }

    #[test]
    fn derived_sms_has_headline_area_and_instruction() {
        let sms = derive_sms(
            "Ostrzeżenie przed burzą",
            "Zostań w domu.",
            Some("Gmina Kazimierz"),
        );
        assert_eq!(
            sms.text,
            "Ostrzezenie przed burza. Obszar: Gmina Kazimierz. Zostan w domu."
        );
        assert_eq!(sms.septets, sms.text.chars().count());
        assert_eq!(sms.parts, 1);
        assert!(!sms.shortened);
    }

    #[test]
    fn long_sms_drops_the_area_then_cuts_at_a_word() {
        let instruction = "Nie wychodź z domu bez potrzeby. ".repeat(8); // 264 characters
        let area = "Sołectwa: ".to_owned() + &"Wola Dolna, ".repeat(10);
        let sms = derive_sms("Burza z gradem", &instruction, Some(&area));
        assert!(!sms.text.contains("Obszar"), "{}", sms.text);
        assert!(sms.text.starts_with("Burza z gradem. Nie wychodz"));
        assert!(sms.shortened);
        assert!(sms.parts <= MAX_PARTS);

        let instruction = "Zabezpieczcie obejścia i nie wychodźcie z domów. ".repeat(12);
        let sms = derive_sms("Burza z gradem", &instruction, None);
        assert!(sms.text.ends_with("..."), "{}", sms.text);
        assert!(
            sms.septets <= MAX_SEPTETS && sms.septets > 280,
            "{}",
            sms.septets
        );
        assert_eq!(sms.parts, 2);
        assert!(sms.shortened);
        // Cut after a whole word: what follows in the full text is a space or a full stop.
        let before = sms.text.trim_end_matches("...");
        let full = format!("Burza z gradem. {}", to_gsm7(&instruction));
        assert!(full.starts_with(before), "{}", sms.text);
        assert!(full[before.len()..].starts_with([' ', '.']), "{}", sms.text);
    }

    #[test]
    fn sms_for_an_info_block_uses_its_areas() {
        let mut info = crate::alerts::Template::Smog.info();
        info.areas.push(crate::alerts::Area::new("Wola"));
        info.areas.push(crate::alerts::Area::new("Dobra"));
        let sms = derive_sms_for(&info);
        assert!(
            sms.text
                .starts_with("Zla jakosc powietrza - smog. Obszar: Wola, Dobra. Ogranicz"),
            "{}",
            sms.text
        );
        assert!(!sms.shortened);
    }

    #[test]
    fn clerk_text_that_fits_is_returned_in_gsm() {
        let sms = check_sms("Uwaga! Woda niezdatna do picia.").expect("fits");
        assert_eq!(sms.text, "Uwaga! Woda niezdatna do picia.");
        assert_eq!(sms.parts, 1);
    }

    #[test]
    fn clerk_text_too_long_says_how_much_to_cut() {
        let err = check_sms(&"x".repeat(320)).expect_err("too long");
        assert_eq!(
            err,
            SmsTooLong {
                septets: 320,
                cut_chars: 14
            }
        );
        let err = check_sms(&"€".repeat(160)).expect_err("too long");
        assert_eq!(err.septets, 320);
        // 76 two-septet characters fill each 153-septet part (152 septets).
        assert_eq!(err.cut_chars, 8);
        assert!(check_sms(&"€".repeat(152)).is_ok());
        assert!(check_sms(&"€".repeat(153)).is_err());
    }

    #[test]
    fn the_unsubscribe_link_is_counted_in_the_two_parts() {
        let suffix = unsubscribe_suffix("https://gmina.example.pl/", "abcdefghjk");
        assert_eq!(suffix, " Wypisz: https://gmina.example.pl/w/abcdefghjk");
        let long = "Zalecamy pozostanie w domu i zabezpieczenie przedmiotow. ".repeat(8);
        let sms = derive_sms_with("Burza z gradem", &long, Some("Przykladowo"), &suffix);
        assert!(sms.shortened);
        assert!(!sms.text.contains("Wypisz"), "the text leaves the link out");
        let whole = format!("{}{suffix}", sms.text);
        assert_eq!(count_parts(&whole), Some(2), "{whole}");
        assert_eq!(sms.septets, count_septets(&whole).unwrap_or(0));
        // Without the link, more of the instruction fits.
        let bare = derive_sms("Burza z gradem", &long, Some("Przykladowo"));
        assert!(bare.text.len() > sms.text.len());
        // A clerk's text that fits alone may not fit with the link.
        let text = "a".repeat(300);
        assert!(check_sms(&text).is_ok());
        let e = check_sms_with(&text, &suffix).expect_err("too long with the link");
        assert_eq!(e.cut_chars, 300 + suffix.len() - 306);
    }
}
