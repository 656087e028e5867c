//! Routing rules an administrator writes per unit: "a letter that mentions these words goes to
//! this unit (class, procedure, kind)". Five ways to match, each explainable to the registrar:
//!
//! - `any_word`: at least one of the words (a word ending in `*` matches any ending:
//!   `drzew*` matches „drzewa”, „drzew”, „drzewostanu”);
//! - `all_words`: every word, anywhere in the text;
//! - `phrase`: the words one after another;
//! - `regex`: a regular expression over the lower-cased text (size-limited, so a hostile rule
//!   cannot exhaust memory; the `regex` crate runs in linear time, so none can stall);
//! - `fuzzy`: like `all_words`, but each word may differ by an edit or two (OCR misreads,
//!   typos): one edit for words of 4–7 letters, two for longer words.
//!
//! Words are compared lower-cased and without Polish diacritics, because scans and e-mails
//! lose them („wycinke” is „wycinkę”). The `regex` crate is used for expressions and `strsim`
//! for edit distance: both pure, well kept, and made for the job.

use serde::{Deserialize, Serialize};

/// How a rule's pattern is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    AnyWord,
    AllWords,
    Phrase,
    Regex,
    Fuzzy,
}

impl MatchKind {
    pub const ALL: [MatchKind; 5] = [
        Self::AnyWord,
        Self::AllWords,
        Self::Phrase,
        Self::Regex,
        Self::Fuzzy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnyWord => "any_word",
            Self::AllWords => "all_words",
            Self::Phrase => "phrase",
            Self::Regex => "regex",
            Self::Fuzzy => "fuzzy",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// Why a rule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the pattern is empty")]
    Empty,
    #[error("the pattern is longer than {0} characters")]
    TooLong(usize),
    #[error("the regular expression is invalid: {0}")]
    BadRegex(String),
    #[error("a fuzzy word must have at least 4 letters: {0}")]
    FuzzyTooShort(String),
}

impl RuleError {
    /// The message for the administrator, in Polish.
    pub fn message_pl(&self) -> String {
        match self {
            Self::Empty => "Wpisz słowa albo wyrażenie, które ma pasować.".into(),
            Self::TooLong(n) => format!("Wzorzec może mieć najwyżej {n} znaków."),
            Self::BadRegex(e) => format!("Wyrażenie regularne jest błędne: {e}"),
            Self::FuzzyTooShort(w) => format!(
                "W dopasowaniu przybliżonym słowo „{w}” jest za krótkie (co najmniej 4 litery)."
            ),
        }
    }

    /// The message for the administrator, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "Enter the words or the expression to match.".into(),
            Self::TooLong(n) => format!("The pattern may have at most {n} characters."),
            Self::BadRegex(e) => format!("The regular expression is invalid: {e}"),
            Self::FuzzyTooShort(w) => {
                format!("In a fuzzy match the word \"{w}\" is too short (at least 4 letters).")
            }
        }
    }
}

/// The longest pattern accepted.
pub const MAX_PATTERN_CHARS: usize = 500;

/// A checked matcher.
#[derive(Debug, Clone)]
pub struct Matcher {
    kind: MatchKind,
    words: Vec<String>,
    regex: Option<regex::Regex>,
}

/// What a matcher found: the words or fragments of the text that made it match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub matched: Vec<String>,
}

/// Lower-case without Polish diacritics (and other common Latin ones).
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'ö' => 'o',
            'ü' | 'ú' => 'u',
            other => other,
        })
        .collect()
}

/// The words of a text, folded, in order.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Matcher {
    /// Checks a pattern for a kind of match.
    pub fn new(kind: MatchKind, pattern: &str) -> Result<Matcher, RuleError> {
        let pattern = pattern.trim();
        if pattern.is_empty() {
            return Err(RuleError::Empty);
        }
        if pattern.chars().count() > MAX_PATTERN_CHARS {
            return Err(RuleError::TooLong(MAX_PATTERN_CHARS));
        }
        if kind == MatchKind::Regex {
            let regex = regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .dfa_size_limit(1 << 20)
                .build()
                .map_err(|e| RuleError::BadRegex(first_line(&e.to_string())))?;
            return Ok(Matcher {
                kind,
                words: Vec::new(),
                regex: Some(regex),
            });
        }
        // Words keep a trailing `*` (prefix match); other punctuation separates words.
        let words: Vec<String> = fold(pattern)
            .split(|c: char| !(c.is_alphanumeric() || c == '*'))
            .map(|w| w.trim_start_matches('*'))
            .filter(|w| !w.trim_end_matches('*').is_empty())
            .map(str::to_owned)
            .collect();
        if words.is_empty() {
            return Err(RuleError::Empty);
        }
        if kind == MatchKind::Fuzzy
            && let Some(short) = words
                .iter()
                .find(|w| w.trim_end_matches('*').chars().count() < 4)
        {
            return Err(RuleError::FuzzyTooShort(short.clone()));
        }
        Ok(Matcher {
            kind,
            words,
            regex: None,
        })
    }

    pub fn kind(&self) -> MatchKind {
        self.kind
    }

    /// Matches the text; `text_words` are [`words`] of the same text (computed once per
    /// letter for all rules).
    pub fn find(&self, text: &str, text_words: &[String]) -> Option<Hit> {
        match self.kind {
            MatchKind::Regex => {
                let re = self.regex.as_ref()?;
                let found: Vec<String> = re
                    .find_iter(text)
                    .take(5)
                    .map(|m| clip(m.as_str()))
                    .collect();
                (!found.is_empty()).then_some(Hit { matched: found })
            }
            MatchKind::AnyWord => {
                let found: Vec<String> = self
                    .words
                    .iter()
                    .filter_map(|w| text_words.iter().find(|t| word_eq(w, t)))
                    .cloned()
                    .collect();
                (!found.is_empty()).then(|| Hit {
                    matched: dedup(found),
                })
            }
            MatchKind::AllWords | MatchKind::Fuzzy => {
                let fuzzy = self.kind == MatchKind::Fuzzy;
                let mut found = Vec::with_capacity(self.words.len());
                for w in &self.words {
                    let t = text_words
                        .iter()
                        .find(|t| word_eq(w, t) || (fuzzy && near(w, t)))?;
                    found.push(t.clone());
                }
                Some(Hit {
                    matched: dedup(found),
                })
            }
            MatchKind::Phrase => {
                let n = self.words.len();
                text_words
                    .windows(n)
                    .find(|win| win.iter().zip(&self.words).all(|(t, w)| word_eq(w, t)))
                    .map(|win| Hit {
                        matched: vec![win.join(" ")],
                    })
            }
        }
    }
}

fn word_eq(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => pattern == word,
    }
}

/// One edit for words of 4–7 letters, two for longer ones; a prefix pattern compares the
/// word's beginning.
fn near(pattern: &str, word: &str) -> bool {
    let (p, w) = match pattern.strip_suffix('*') {
        Some(prefix) => {
            let n = prefix.chars().count();
            (
                prefix,
                word.char_indices().nth(n).map_or(word, |(i, _)| &word[..i]),
            )
        }
        None => (pattern, word),
    };
    let len = p.chars().count();
    let allowed = if len >= 8 { 2 } else { 1 };
    w.chars().count().abs_diff(len) <= allowed && strsim::levenshtein(p, w) <= allowed
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_owned()
}

/// An element an application of a rule's kind must mention (KPA art. 63 § 2 and the act
/// behind the matter: the owner's consent, a site plan …); a letter that mentions none of its
/// words lacks it, which is a deficiency to remedy (art. 64 § 2). Written by the administrator
/// one per line as `what: word, word*`.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// What the letter must contain, as the deficiency notice names it.
    pub what: String,
    matcher: Matcher,
}

/// The most elements one rule may require.
pub const MAX_REQUIREMENTS: usize = 20;

/// Why a list of required elements cannot be used: the line (1-based) and the trouble.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct RequirementError {
    pub line: usize,
    pub problem: RequirementProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequirementProblem {
    #[error("no colon between what and the words")]
    NoColon,
    #[error("nothing before the colon")]
    NoName,
    #[error("no words after the colon")]
    NoWords,
    #[error("the name is longer than 200 characters")]
    NameTooLong,
    #[error("more than {MAX_REQUIREMENTS} lines")]
    TooMany,
}

impl RequirementError {
    pub fn message_pl(&self) -> String {
        let what = match self.problem {
            RequirementProblem::NoColon => {
                "brak dwukropka: wpisz „czego wymagamy: słowo, słowo”".to_owned()
            }
            RequirementProblem::NoName => "przed dwukropkiem wpisz, czego wymagamy".to_owned(),
            RequirementProblem::NoWords => {
                "po dwukropku wpisz słowa, po których poznać ten element".to_owned()
            }
            RequirementProblem::NameTooLong => "opis może mieć najwyżej 200 znaków".to_owned(),
            RequirementProblem::TooMany => {
                format!("reguła może wymagać najwyżej {MAX_REQUIREMENTS} elementów")
            }
        };
        format!("Wymagane elementy, wiersz {}: {what}.", self.line)
    }

    pub fn message_en(&self) -> String {
        let what = match self.problem {
            RequirementProblem::NoColon => {
                "no colon: write \"what we require: word, word\"".to_owned()
            }
            RequirementProblem::NoName => "write what is required before the colon".to_owned(),
            RequirementProblem::NoWords => {
                "after the colon write the words that show the element".to_owned()
            }
            RequirementProblem::NameTooLong => {
                "the name may have at most 200 characters".to_owned()
            }
            RequirementProblem::TooMany => {
                format!("a rule may require at most {MAX_REQUIREMENTS} elements")
            }
        };
        format!("Required elements, line {}: {what}.", self.line)
    }
}

/// Reads the administrator's list of required elements (empty lines are skipped).
pub fn requirements(list: &str) -> Result<Vec<Requirement>, RequirementError> {
    let mut out = Vec::new();
    for (n, line) in list.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fail = |problem| RequirementError {
            line: n + 1,
            problem,
        };
        if out.len() == MAX_REQUIREMENTS {
            return Err(fail(RequirementProblem::TooMany));
        }
        let (what, pattern) = line
            .split_once(':')
            .ok_or_else(|| fail(RequirementProblem::NoColon))?;
        let what = what.trim();
        if what.is_empty() {
            return Err(fail(RequirementProblem::NoName));
        }
        if what.chars().count() > 200 {
            return Err(fail(RequirementProblem::NameTooLong));
        }
        let matcher = Matcher::new(MatchKind::AnyWord, pattern)
            .map_err(|_| fail(RequirementProblem::NoWords))?;
        out.push(Requirement {
            what: what.to_owned(),
            matcher,
        });
    }
    Ok(out)
}

/// What of `required` the text does not mention, in the list's order.
pub fn missing<'a>(required: &'a [Requirement], text: &str, text_words: &[String]) -> Vec<&'a str> {
    required
        .iter()
        .filter(|r| r.matcher.find(text, text_words).is_none())
        .map(|r| r.what.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(kind: MatchKind, pattern: &str, text: &str) -> Option<Vec<String>> {
        let m = Matcher::new(kind, pattern).expect("valid rule");
        m.find(text, &words(text)).map(|h| h.matched)
    }

    const LETTER: &str = "Zwracam się z wnioskiem o wydanie zezwolenia na wycinkę drzewa \
        (lipa) rosnącego na działce nr 123/4 przy ul. Polnej 5.";

    #[test]
    fn any_word_matches_one_word_and_prefixes_without_diacritics() {
        assert_eq!(
            hit(MatchKind::AnyWord, "wycinka wycinkę", LETTER),
            Some(vec!["wycinke".into()])
        );
        assert_eq!(
            hit(MatchKind::AnyWord, "drzew*", LETTER),
            Some(vec!["drzewa".into()])
        );
        assert_eq!(hit(MatchKind::AnyWord, "podatek, faktura", LETTER), None);
    }

    #[test]
    fn all_words_needs_every_word() {
        assert!(hit(MatchKind::AllWords, "zezwoleni* drzew*", LETTER).is_some());
        assert_eq!(hit(MatchKind::AllWords, "drzewa podatek", LETTER), None);
    }

    #[test]
    fn phrase_needs_the_words_in_order() {
        assert_eq!(
            hit(MatchKind::Phrase, "na wycinkę drzewa", LETTER),
            Some(vec!["na wycinke drzewa".into()])
        );
        assert_eq!(hit(MatchKind::Phrase, "drzewa wycinkę", LETTER), None);
    }

    #[test]
    fn regex_matches_the_text_and_bad_expressions_are_refused() {
        assert_eq!(
            hit(MatchKind::Regex, r"dzia[łl]ce nr \d+/\d+", LETTER),
            Some(vec!["działce nr 123/4".into()])
        );
        assert!(matches!(
            Matcher::new(MatchKind::Regex, "(unclosed"),
            Err(RuleError::BadRegex(_))
        ));
        // A pattern that would compile to a huge automaton is refused, not built.
        assert!(matches!(
            Matcher::new(MatchKind::Regex, r"\w{1000}\w{1000}\w{1000}"),
            Err(RuleError::BadRegex(_))
        ));
    }

    #[test]
    fn fuzzy_forgives_ocr_misreads_but_not_other_words() {
        let scan = "wniosek o zezwolenle na wyclnkę drzewa";
        assert!(hit(MatchKind::Fuzzy, "zezwolenie wycinkę", scan).is_some());
        assert_eq!(hit(MatchKind::AllWords, "zezwolenie wycinkę", scan), None);
        assert_eq!(hit(MatchKind::Fuzzy, "podatek", scan), None);
        assert_eq!(
            Matcher::new(MatchKind::Fuzzy, "na drzewa").err(),
            Some(RuleError::FuzzyTooShort("na".into()))
        );
    }

    #[test]
    fn empty_and_long_patterns_are_refused_with_a_message() {
        assert_eq!(
            Matcher::new(MatchKind::AnyWord, " ,; ").err(),
            Some(RuleError::Empty)
        );
        let long = "a".repeat(MAX_PATTERN_CHARS + 1);
        let e = Matcher::new(MatchKind::Phrase, &long).unwrap_err();
        assert!(e.message_pl().contains("500"));
        for k in MatchKind::ALL {
            assert_eq!(MatchKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn requirements_name_what_a_letter_lacks() {
        let req = requirements(
            "zgoda właściciela nieruchomości: zgod*, właściciel*\n\n  rysunek lub mapa z drzewem: mapa, rysunek, szkic*",
        )
        .unwrap();
        assert_eq!(req.len(), 2);
        let text = "Wnoszę o zezwolenie. Jestem właścicielem działki.";
        assert_eq!(
            missing(&req, text, &words(text)),
            vec!["rysunek lub mapa z drzewem"]
        );
        // "mapa" without a star is that form only: "mapę" does not count, "szkice" does.
        let text = "Załączam MAPĘ; ZGODA współwłaściciela w załączeniu.";
        assert_eq!(
            missing(&req, text, &words(text)),
            vec!["rysunek lub mapa z drzewem"]
        );
        let text = "Załączam szkice; zgoda współwłaściciela w załączeniu.";
        assert!(missing(&req, text, &words(text)).is_empty());
        let text = "Proszę o wycinkę.";
        assert_eq!(missing(&req, text, &words(text)).len(), 2);
    }

    #[test]
    fn requirement_errors_name_the_line() {
        let e = requirements("ok: słowo\nbez dwukropka").unwrap_err();
        assert_eq!(
            (e.line, e.problem.clone()),
            (2, RequirementProblem::NoColon)
        );
        assert!(e.message_pl().contains("wiersz 2"));
        assert_eq!(
            requirements(": słowo").unwrap_err().problem,
            RequirementProblem::NoName
        );
        assert_eq!(
            requirements("mapa: , ;").unwrap_err().problem,
            RequirementProblem::NoWords
        );
        let many: String = (0..21).map(|i| format!("e{i}: słowo{i}\n")).collect();
        assert_eq!(
            requirements(&many).unwrap_err().problem,
            RequirementProblem::TooMany
        );
        assert!(requirements("").unwrap().is_empty());
    }
}
