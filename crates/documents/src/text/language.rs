//! Is the text Polish? A small heuristic of our own.
//!
//! The question is narrow — Polish, or one of the few languages residents and foreign
//! partners actually write to a Polish municipality in (English, German, Ukrainian,
//! Russian) — and a flag only asks a person to look, so we did not take a general
//! language-identification crate with its models for every language. The rules:
//!
//! 1. Too little text (under [`MIN_LETTERS`] letters) is not judged.
//! 2. Mostly Cyrillic letters: not Polish. Ukrainian when the letters only Ukrainian uses
//!    (і ї є ґ) outnumber those only Russian uses (ы э ъ ё), Russian in the opposite case.
//! 3. Otherwise count frequent function words of Polish, English and German (disjoint
//!    lists: words such as "to", "on", "a", "i" that are words in two of them are left
//!    out), and the letters only Polish uses (ą ę ł ń ś ź ż ć). The text is Polish when its
//!    function words are at least as frequent as the others' and make at least 3 % of the
//!    words, or when Polish letters make at least 3 % of the letters (about 6 % in
//!    Polish prose; a foreign letter with a Polish address and names stays well below). A text is flagged when English or German words
//!    clearly lead; one with no sign of any of the three is flagged without a hint only
//!    when it is long (a table of numbers and names stays unflagged).

/// Letters below which the text is too short to judge.
const MIN_LETTERS: usize = 40;
/// Letters from which a text with no sign of any known language is flagged.
const MIN_LETTERS_UNKNOWN: usize = 400;

const POLISH: &[&str] = &[
    "w",
    "z",
    "na",
    "się",
    "nie",
    "że",
    "jest",
    "od",
    "przez",
    "dla",
    "oraz",
    "jak",
    "ze",
    "za",
    "czy",
    "lub",
    "które",
    "który",
    "która",
    "których",
    "jako",
    "także",
    "tym",
    "tego",
    "ten",
    "jego",
    "są",
    "być",
    "przy",
    "pod",
    "nad",
    "aby",
    "już",
    "tak",
    "co",
    "mnie",
    "pan",
    "pani",
    "państwa",
    "proszę",
    "uprzejmie",
    "wniosek",
    "dnia",
    "roku",
    "gminy",
    "ul",
    "sprawie",
    "zł",
];
const ENGLISH: &[&str] = &[
    "the", "and", "of", "is", "for", "that", "with", "be", "are", "this", "it", "as", "by", "we",
    "you", "your", "our", "please", "would", "from", "have", "has", "will", "not", "at", "or",
    "dear", "regards", "which", "my",
];
const GERMAN: &[&str] = &[
    "der",
    "die",
    "das",
    "und",
    "ist",
    "nicht",
    "mit",
    "sie",
    "ich",
    "zu",
    "den",
    "von",
    "für",
    "ein",
    "eine",
    "auf",
    "dem",
    "des",
    "wir",
    "bitte",
    "sehr",
    "geehrte",
    "geehrter",
    "ihre",
    "ihr",
    "bei",
    "auch",
    "wird",
    "werden",
    "freundlichen",
];

/// What the text looks like.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Polish,
    /// Not Polish; the ISO 639-1 code of the likely language, when there is a guess.
    Other(Option<&'static str>),
    /// Too short, or no clear sign: not flagged.
    Unknown,
}

pub(crate) fn check(text: &str) -> Verdict {
    let mut latin = 0usize;
    let mut cyrillic = 0usize;
    let mut polish_letters = 0usize;
    let (mut ukrainian, mut russian) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        let lower = c.to_lowercase().next().unwrap_or(c);
        if ('\u{400}'..='\u{4ff}').contains(&lower) {
            cyrillic += 1;
            match lower {
                'і' | 'ї' | 'є' | 'ґ' => ukrainian += 1,
                'ы' | 'э' | 'ъ' | 'ё' => russian += 1,
                _ => {}
            }
        } else {
            latin += 1;
            if matches!(lower, 'ą' | 'ę' | 'ł' | 'ń' | 'ś' | 'ź' | 'ż' | 'ć') {
                polish_letters += 1;
            }
        }
    }
    let letters = latin + cyrillic;
    if letters < MIN_LETTERS {
        return Verdict::Unknown;
    }
    if cyrillic * 2 > letters {
        let hint = match ukrainian.cmp(&russian) {
            std::cmp::Ordering::Greater => Some("uk"),
            std::cmp::Ordering::Less => Some("ru"),
            std::cmp::Ordering::Equal => None,
        };
        return Verdict::Other(hint);
    }

    let (mut words, mut pl, mut en, mut de) = (0usize, 0usize, 0usize, 0usize);
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        let word = word.to_lowercase();
        let word = word.as_str();
        if POLISH.contains(&word) {
            pl += 1;
        } else if ENGLISH.contains(&word) {
            en += 1;
        } else if GERMAN.contains(&word) {
            de += 1;
        }
    }
    let polish_words = pl >= en.max(de) && pl * 100 >= words * 3;
    if polish_words || polish_letters * 100 >= latin * 3 {
        return Verdict::Polish;
    }
    let leader = if en >= de { (en, "en") } else { (de, "de") };
    if leader.0 > pl && leader.0 * 100 >= words * 3 {
        return Verdict::Other(Some(leader.1));
    }
    if letters >= MIN_LETTERS_UNKNOWN && pl == 0 && polish_letters == 0 {
        return Verdict::Other(None);
    }
    Verdict::Unknown
}
