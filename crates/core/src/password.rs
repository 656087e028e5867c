//! Password policy for staff and residents (passwords are hashed with argon2id elsewhere).
//!
//! The policy has no composition rules (no "one digit, one capital letter"); instead a password
//! must be long, must not be a common choice and must not contain the account's own name, in
//! the spirit of NIST SP 800-63B:
//!
//! 1. at least [`MIN_LENGTH`] and at most [`MAX_LENGTH`] characters, counted in Unicode scalar
//!    values (`char`s), not bytes, so "łąka" has 4 characters;
//! 2. it must not contain one of the account hints (the e-mail's local part, the user's name):
//!    see [`check_password`];
//! 3. it must not be common ([`is_common`]): in the list shipped with the binary
//!    (`crates/core/data/common-passwords.txt`), compared after [normalisation](#normalisation),
//!    or trivially guessable (one repeated character, a run such as `abcdef…` or `987654…`, a
//!    repeated unit such as `abcdabcdabcd`).
//!
//! # Normalisation
//!
//! The same function turns every line of the list and the candidate password into one or two
//! keys; the password is common when one of its keys is a key of a line. Steps, in order:
//!
//! 1. lower-case (Unicode);
//! 2. fold diacritics: Polish `ą ć ę ł ń ó ś ź ż` to `a c e l n o s z` (and the common Western
//!    accented letters likewise); combining marks are dropped, so decomposed input folds too;
//! 3. drop whitespace and the separators `-` `_` `.` `,` ("kocham cię" = "kochamcie");
//! 4. take the *core*: strip leading ASCII digits and trailing characters that are not letters
//!    (digits, punctuation, symbols), so "haslo2024!" and "2024haslo" become "haslo". If the
//!    core has fewer than 3 characters (an all-digit password, say), the whole string from
//!    step 3 is kept instead;
//! 5. map look-alikes: `@ 4` → `a`, `8` → `b`, `3` → `e`, `1 ! | l` → `i` (a "1" may stand for
//!    "i" or "l", so the three are one class), `0` → `o`, `$ 5` → `s`, `7 +` → `t`. The result
//!    is the first key. When the character right after the core is one of these look-alikes,
//!    the core extended by it, mapped, is a second key: "H@sł0_2024" has the keys "hasi" and
//!    "hasio", and so hits "hasło".
//!
//! So "P@ssw0rd2024!", "Hasło123456!" and "QWERTY123456" hit the list entries "password",
//! "haslo" and "qwerty"; list lines are written with plain letters and no digit suffixes.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Minimum length, in Unicode scalar values (`char`s), not bytes.
pub const MIN_LENGTH: usize = 12;
/// Maximum length in `char`s; longer passwords are refused (guards the argon2 hashing cost).
pub const MAX_LENGTH: usize = 256;

/// Account hints shorter than this (after normalisation) are ignored.
const MIN_HINT_LENGTH: usize = 4;
/// A core (step 4 of the normalisation) shorter than this is not used as the key.
const MIN_CORE_LENGTH: usize = 3;
/// A unit of at most this many characters repeated to fill the password is always refused.
const MAX_TRIVIAL_UNIT: usize = 4;

/// The list of common passwords, one per line, lower-case, `#` comments.
const COMMON_LIST: &str = include_str!("../data/common-passwords.txt");

/// Normalised keys of [`COMMON_LIST`], built on first use.
static COMMON: LazyLock<HashSet<String>> = LazyLock::new(|| {
    COMMON_LIST
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .flat_map(normalise)
        .collect()
});

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than `min` characters.
    #[error("password too short (at least {min} characters)")]
    TooShort { min: usize },
    /// More than `max` characters.
    #[error("password too long (at most {max} characters)")]
    TooLong { max: usize },
    /// In the list of common passwords, or trivially guessable.
    #[error("password too common or too easy to guess")]
    Common,
    /// Contains the e-mail's local part or the user's name.
    #[error("password contains the account name or e-mail")]
    ContainsAccountName,
}

impl PasswordProblem {
    /// A stable machine-readable code, for forms and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "too-short",
            Self::TooLong { .. } => "too-long",
            Self::Common => "common",
            Self::ContainsAccountName => "contains-email",
        }
    }

    /// A message in plain Polish for the person choosing the password, saying how to fix it.
    pub fn message_pl(&self) -> String {
        match self {
            Self::TooShort { min } => format!(
                "Hasło jest za krótkie. Musi mieć co najmniej {min} znaków. Najłatwiej ułożyć \
                 dłuższe hasło z kilku słów, na przykład z krótkiego zdania, które łatwo \
                 zapamiętasz."
            ),
            Self::TooLong { max } => {
                format!("Hasło jest za długie. Może mieć najwyżej {max} znaków. Skróć je.")
            }
            Self::Common => "To hasło jest zbyt popularne albo zbyt łatwe do odgadnięcia, na \
                             przykład powtarza jeden znak, jest ciągiem kolejnych znaków lub \
                             klawiszy albo znanym hasłem z dopisanymi cyframi. Wybierz inne \
                             hasło, najlepiej kilka słów, które do siebie nie pasują."
                .to_owned(),
            Self::ContainsAccountName => "Hasło nie może zawierać Twojego imienia, nazwiska ani \
                                          nazwy z adresu e-mail. Wybierz hasło, które nie ma \
                                          związku z Twoim kontem."
                .to_owned(),
        }
    }

    /// The same message in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::TooShort { min } => format!(
                "The password is too short. It must have at least {min} characters. The easiest \
                 way to make a longer password is to join a few words, for example a short \
                 sentence you will remember."
            ),
            Self::TooLong { max } => format!(
                "The password is too long. It can have at most {max} characters. Please shorten \
                 it."
            ),
            Self::Common => "This password is too common or too easy to guess: for example it \
                             repeats one character, is a run of consecutive characters or keys, \
                             or is a well-known password with digits added. Choose another one, \
                             ideally a few words that do not belong together."
                .to_owned(),
            Self::ContainsAccountName => "The password must not contain your name or the name \
                                          in your e-mail address. Choose a password that has \
                                          nothing to do with your account."
                .to_owned(),
        }
    }
}

/// Checks a new password against the policy (see the module documentation).
///
/// `account_hints`: e.g. the e-mail's local part and the user's name; a password equal to or
/// containing one (case-insensitive, hints shorter than 4 chars ignored) is refused. A hint is
/// also split into words on anything that is not a letter or digit ("jan.kowalski" and
/// "Jan Kowalski" also give "kowalski"), an e-mail address is cut to its local part, and
/// hints and password are compared after steps 1–3 and 5 of the normalisation.
///
/// Checks run in this order: length, account hints, common passwords; the first failure is
/// returned.
pub fn check_password(password: &str, account_hints: &[&str]) -> Result<(), PasswordProblem> {
    // Bounded count: a megabyte-long input is not walked to the end.
    let length = password.chars().take(MAX_LENGTH + 1).count();
    if length < MIN_LENGTH {
        return Err(PasswordProblem::TooShort { min: MIN_LENGTH });
    }
    if length > MAX_LENGTH {
        return Err(PasswordProblem::TooLong { max: MAX_LENGTH });
    }
    if contains_account_hint(password, account_hints) {
        return Err(PasswordProblem::ContainsAccountName);
    }
    if is_common(password) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// Whether the password is common: one of its normalised keys is a key of the shipped list, or
/// after steps 1–3 of the normalisation it is (or its core is) one repeated character, a run of
/// consecutive characters (`abcdef`, `987654`; digits wrap around: `890123`), or a repeated
/// unit: three or more copies of anything, or two copies of a unit of at most 4 characters or
/// of a trivial or common one (`abcdabcd`, `haslohaslo`). Works on any length; does not check
/// the length itself.
pub fn is_common(password: &str) -> bool {
    let chars = compact(password);
    if is_trivial(&chars) {
        return true;
    }
    let core = core(&chars);
    if core.len() >= MIN_CORE_LENGTH && is_trivial(core) {
        return true;
    }
    in_list(&chars)
}

/// The keys of a string: the full normalisation.
fn normalise(s: &str) -> Vec<String> {
    keys(&compact(s))
}

/// Whether one of the keys of `chars` (output of [`compact`]) is a key of the list.
fn in_list(chars: &[char]) -> bool {
    keys(chars).iter().any(|key| COMMON.contains(key))
}

/// Steps 4 and 5 of the normalisation, on the output of [`compact`]: one or two keys.
fn keys(chars: &[char]) -> Vec<String> {
    let (start, core) = core_at(chars);
    if core.len() < MIN_CORE_LENGTH {
        return vec![skeleton(chars)];
    }
    let mut keys = vec![skeleton(core)];
    let end = start + core.len();
    if let Some(&next) = chars.get(end)
        && is_look_alike(next)
    {
        keys.push(skeleton(&chars[start..=end]));
    }
    keys
}

/// Steps 1–3 of the normalisation: lower-case, fold diacritics, drop separators.
fn compact(s: &str) -> Vec<char> {
    s.chars()
        .flat_map(char::to_lowercase)
        .filter_map(fold)
        .collect()
}

/// Step 2 and 3 for one lower-case character; `None` drops it.
fn fold(c: char) -> Option<char> {
    let folded = match c {
        'ą' | 'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ć' | 'č' | 'ç' => 'c',
        'ę' | 'é' | 'è' | 'ê' | 'ë' | 'ě' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ł' => 'l',
        'ń' | 'ñ' | 'ň' => 'n',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ś' | 'š' => 's',
        'ú' | 'ù' | 'û' | 'ü' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        // Combining diacritical marks (decomposed "ą" is "a" + U+0328).
        '\u{0300}'..='\u{036f}' => return None,
        '-' | '_' | '.' | ',' => return None,
        c if c.is_whitespace() => return None,
        c => c,
    };
    Some(folded)
}

/// Step 4: strip leading ASCII digits and trailing non-letters.
fn core(chars: &[char]) -> &[char] {
    core_at(chars).1
}

/// The core and the index where it starts.
fn core_at(chars: &[char]) -> (usize, &[char]) {
    let start = chars
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(chars.len());
    let rest = &chars[start..];
    let end = rest
        .iter()
        .rposition(|c| c.is_alphabetic())
        .map_or(0, |last| last + 1);
    (start, &rest[..end])
}

/// Step 5 for one character.
fn look_alike(c: char) -> char {
    match c {
        '@' | '4' => 'a',
        '8' => 'b',
        '3' => 'e',
        '1' | '!' | '|' | 'l' => 'i',
        '0' => 'o',
        '$' | '5' => 's',
        '7' | '+' => 't',
        c => c,
    }
}

/// A non-letter that step 5 maps to a letter.
fn is_look_alike(c: char) -> bool {
    !c.is_alphabetic() && look_alike(c) != c
}

/// Step 5: map look-alike characters.
fn skeleton(chars: &[char]) -> String {
    chars.iter().map(|&c| look_alike(c)).collect()
}

/// Empty, a run (one repeated character or consecutive characters), or a repeated unit.
fn is_trivial(chars: &[char]) -> bool {
    is_run(chars) || is_repeated_unit(chars)
}

/// Every step between neighbours is the same and is 0, +1 or −1 (see [`step`]).
fn is_run(chars: &[char]) -> bool {
    let mut steps = chars.windows(2).map(|pair| step(pair[0], pair[1]));
    match steps.next() {
        None => true,
        Some(None) => false,
        Some(first) => steps.all(|s| s == first),
    }
}

/// The step from `a` to `b`: 0 for equal, ±1 for neighbouring letters (by code point) or
/// digits (cyclically, so 9 → 0 is +1); `None` otherwise.
fn step(a: char, b: char) -> Option<i8> {
    if a == b {
        return Some(0);
    }
    if let (Some(x), Some(y)) = (a.to_digit(10), b.to_digit(10)) {
        return if (x + 1) % 10 == y {
            Some(1)
        } else if (y + 1) % 10 == x {
            Some(-1)
        } else {
            None
        };
    }
    if !(a.is_alphabetic() && b.is_alphabetic()) {
        return None;
    }
    let (x, y) = (u32::from(a), u32::from(b));
    if x.checked_add(1) == Some(y) {
        Some(1)
    } else if y.checked_add(1) == Some(x) {
        Some(-1)
    } else {
        None
    }
}

/// The string is copies of a unit: three or more copies of anything, or two copies of a unit
/// that is short, trivial itself, or common.
fn is_repeated_unit(chars: &[char]) -> bool {
    let n = chars.len();
    (1..=n / 2).any(|unit_len| {
        if !n.is_multiple_of(unit_len) {
            return false;
        }
        let unit = &chars[..unit_len];
        if !chars.chunks(unit_len).all(|chunk| chunk == unit) {
            return false;
        }
        n / unit_len >= 3 || unit_len <= MAX_TRIVIAL_UNIT || is_trivial(unit) || in_list(unit)
    })
}

/// Whether the password contains one of the hints (see [`check_password`]).
fn contains_account_hint(password: &str, account_hints: &[&str]) -> bool {
    let haystack = skeleton(&compact(password));
    account_hints
        .iter()
        .flat_map(|hint| hint_needles(hint))
        .any(|needle| haystack.contains(&needle))
}

/// The forms of a hint searched for in the password: the whole hint (an e-mail cut to its local
/// part), each of its words, and each of those without leading and trailing digits.
fn hint_needles(hint: &str) -> Vec<String> {
    let local = match hint.rsplit_once('@') {
        Some((local, _domain)) if !local.trim().is_empty() => local,
        _ => hint,
    };
    let mut needles = Vec::new();
    let words = local.split(|c: char| !c.is_alphanumeric());
    for part in std::iter::once(local).chain(words) {
        let chars = compact(part);
        for form in [&chars[..], core(&chars)] {
            if form.len() >= MIN_HINT_LENGTH {
                let needle = skeleton(form);
                if !needles.contains(&needle) {
                    needles.push(needle);
                }
            }
        }
    }
    needles
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(password: &str) -> Result<(), PasswordProblem> {
        check_password(password, &[])
    }

    fn list_entries() -> impl Iterator<Item = &'static str> {
        COMMON_LIST
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
    }

    #[test]
    fn strong_passphrases_are_accepted() {
        for password in [
            "Zielona łąka nad Wartą 2026",
            "źdźbło trawy",
            "koń jaszczur lampa 17",
            "Xk9#mQ2$vL7!pR",
            "rower-ogórek-gwizdek-tunel",
            "Muzeum Bursztynu w Gdańsku otwierają o 10",
            "839201746592",
            "correct horse battery pancake",
        ] {
            assert_eq!(check(password), Ok(()), "{password}");
        }
    }

    #[test]
    fn too_short_passwords_are_refused() {
        for password in ["", "a", "Krótkie1!", "Xk9#mQ2$vL7"] {
            assert_eq!(
                check(password),
                Err(PasswordProblem::TooShort { min: 12 }),
                "{password:?}"
            );
        }
    }

    #[test]
    fn too_long_passwords_are_refused() {
        let long = "Zielona łąka nad Wartą ".repeat(12);
        assert!(long.chars().count() > MAX_LENGTH);
        assert_eq!(check(&long), Err(PasswordProblem::TooLong { max: 256 }));
        assert_eq!(
            check(&"x".repeat(10_000_000)),
            Err(PasswordProblem::TooLong { max: 256 })
        );
    }

    #[test]
    fn maximum_length_is_accepted() {
        let words = [
            "zielona", "łąka", "nad", "Wartą", "rower", "ogórek", "tunel", "lampa",
        ];
        let mut password = String::new();
        let mut i = 0_usize;
        while password.chars().count() < MAX_LENGTH {
            password.push_str(words[(i * i + i / 3) % words.len()]);
            password.push(' ');
            i += 1;
        }
        let password: String = password.chars().take(MAX_LENGTH).collect();
        assert_eq!(password.chars().count(), MAX_LENGTH);
        assert_eq!(check(&password), Ok(()));
    }

    #[test]
    fn length_counts_chars_not_bytes() {
        // 11 characters but 17 bytes.
        let eleven = "źdźbło traw";
        assert_eq!(eleven.chars().count(), 11);
        assert!(eleven.len() >= 12);
        assert_eq!(check(eleven), Err(PasswordProblem::TooShort { min: 12 }));
        // 12 characters.
        assert_eq!(check("źdźbło trawy"), Ok(()));
        // 256 characters, 512 bytes: within the limit (refused as a repeat, not as too long).
        let wide = "ł".repeat(256);
        assert_eq!(check(&wide), Err(PasswordProblem::Common));
        assert_eq!(
            check(&"ł".repeat(257)),
            Err(PasswordProblem::TooLong { max: 256 })
        );
    }

    #[test]
    fn exact_list_hits_are_refused() {
        for password in [
            "1qaz2wsx3edc",
            "zaq1@wsxcde3",
            "qwertyuiopasdfghjkl",
            "kochamciebardzo",
            "jestemnajlepszy",
            "correcthorsebatterystaple",
            "iloveyousomuch",
            "112233445566",
            "123456654321",
            "147258369000",
            "urzadmiastaigminy",
            "biuroobslugimieszkancow",
            "mazurekdabrowskiego",
        ] {
            assert!(password.chars().count() >= MIN_LENGTH, "{password}");
            assert!(list_entries().any(|line| line == password), "{password}");
            assert_eq!(check(password), Err(PasswordProblem::Common), "{password}");
        }
    }

    #[test]
    fn every_list_entry_is_common() {
        for line in list_entries() {
            assert!(is_common(line), "{line}");
        }
    }

    #[test]
    fn list_is_well_formed() {
        let mut seen = HashSet::new();
        for line in list_entries() {
            assert_eq!(line, line.trim(), "surrounding space: {line:?}");
            assert_eq!(line, line.to_lowercase(), "not lower-case: {line:?}");
            assert!(!line.contains(' '), "space inside: {line:?}");
            assert!(seen.insert(line), "duplicate: {line:?}");
        }
        assert!(seen.len() >= 3000, "{}", seen.len());
    }

    #[test]
    fn variants_of_list_entries_are_refused() {
        for password in [
            "Password2024!",
            "P@ssw0rd123456",
            "PASSWORD12345",
            "Hasło123456!",
            "haslo20242024",
            "H@sł0_2024_!!",
            "QWERTY123456",
            "Qwertyuiop[]12",
            "Kochamcię2024!",
            "kocham cię 2024",
            "Warszawa2026!",
            "Legia1916!!!",
            "Ratusz2026!!",
            "UrzadGminy2024",
            "Urząd Gminy 1",
            "Gmina123456789",
            "Polska1918!!",
            "Zaq1@WSXcde3",
            "ZAQ!2WSX2024",
            "!QAZ@WSX#EDC",
            "1QAZ2WSX3EDC4RFV",
            "Monika1990!!",
            "2024Barcelona",
            "sunshine12345",
            "Mi$iaczek2024",
            "dragon$$$$$$",
            "epuap2024!!!",
            "kubus puchatek 1",
        ] {
            assert!(password.chars().count() >= MIN_LENGTH, "{password}");
            assert_eq!(check(password), Err(PasswordProblem::Common), "{password}");
        }
    }

    #[test]
    fn repeats_and_runs_are_refused_without_the_list() {
        for password in [
            "aaaaaaaaaaaa",
            "            ",
            "------------",
            "111111111111",
            "abcdefghijkl",
            "LKJIHGFEDCBA",
            "123456789012",
            "098765432109",
            "abcabcabcabc",
            "xyz1xyz1xyz1",
            "kotkotkotkot",
            "abcdefgh1234",
            "zzzz12345678",
            "łłłłłłłłłłłł",
            "абвгдежзийкл",
            "qwertyqwerty",
            "haslohaslohaslo",
            "mieczmieczmieczmiecz!",
        ] {
            assert_eq!(check(password), Err(PasswordProblem::Common), "{password}");
        }
    }

    #[test]
    fn account_hints_are_refused() {
        let hints = ["jan.kowalski", "Jan Kowalski"];
        for password in [
            "jan.kowalski2024",
            "JanKowalski!!",
            "Kowalski2024!",
            "moje nazwisko to KOWALSKI",
            "k0wal$ki-na-urlopie",
        ] {
            assert_eq!(
                check_password(password, &hints),
                Err(PasswordProblem::ContainsAccountName),
                "{password}"
            );
        }
        // An e-mail address is cut to its local part; the domain is not a hint.
        assert_eq!(
            check_password("Zgierz-Łukaszewicz99", &["lukaszewicz@gmina.pl"]),
            Err(PasswordProblem::ContainsAccountName)
        );
        assert_eq!(
            check_password("gmina pl w czerwcu 2026", &["ab@gmina.pl"]),
            Ok(())
        );
        // Hints with digits also match without them.
        assert_eq!(
            check_password("Wiśniewska z Opola", &["wisniewska85"]),
            Err(PasswordProblem::ContainsAccountName)
        );
    }

    #[test]
    fn short_hints_are_ignored() {
        let hints = ["Jan", "Ewa", "a.b", ""];
        assert_eq!(check_password("Jan i Ewa nad rzeką", &hints), Ok(()));
        // The same passphrase with a 4-letter hint is refused.
        assert_eq!(
            check_password("Jan i Ewa nad rzeką", &["rzeka"]),
            Err(PasswordProblem::ContainsAccountName)
        );
    }

    #[test]
    fn length_is_checked_before_hints_and_list() {
        assert_eq!(
            check_password("kowalski", &["kowalski"]),
            Err(PasswordProblem::TooShort { min: 12 })
        );
        assert_eq!(
            check_password("haslo2024!!!", &["haslo"]),
            Err(PasswordProblem::ContainsAccountName)
        );
    }

    #[test]
    fn normalisation_is_as_documented() {
        assert_eq!(normalise("Hasło2024!"), ["hasio"]);
        assert_eq!(normalise("2024haslo"), ["hasio"]);
        assert_eq!(normalise("P@$$w0rd"), ["password"]);
        assert_eq!(normalise("kocham cię"), ["kochamcie"]);
        assert_eq!(normalise("Ża\u{0328}ba"), ["zaba"]);
        assert_eq!(normalise("ABC-DEF_GHI.JKL,MNO PQR"), ["abcdefghijkimnopqr"]);
        assert_eq!(normalise("123456789012"), ["i2eas6tb9oi2"]);
        assert_eq!(normalise("ab123"), ["abi2e"]);
        assert_eq!(normalise("hell0"), ["heii", "heiio"]);
        assert_eq!(normalise("H@sł0_2024_!!"), ["hasi", "hasio"]);
        assert_eq!(normalise("4ever+"), ["ever", "evert"]);
        assert_eq!(normalise("żółć"), ["zoic"]);
    }

    #[test]
    fn codes_and_messages() {
        let all = [
            PasswordProblem::TooShort { min: MIN_LENGTH },
            PasswordProblem::TooLong { max: MAX_LENGTH },
            PasswordProblem::Common,
            PasswordProblem::ContainsAccountName,
        ];
        let codes: Vec<_> = all.iter().map(PasswordProblem::code).collect();
        assert_eq!(codes, ["too-short", "too-long", "common", "contains-email"]);
        for problem in &all {
            assert!(!problem.message_pl().is_empty());
            assert!(!problem.message_en().is_empty());
            assert!(!problem.to_string().is_empty());
        }
        assert!(all[0].message_pl().contains("12 znaków"));
        assert!(all[0].message_en().contains("12 characters"));
        assert!(all[1].message_pl().contains("256 znaków"));
        assert!(all[1].message_en().contains("256 characters"));
    }

    proptest! {
        #[test]
        fn never_panics(password in any::<String>(), hints in prop::collection::vec(any::<String>(), 0..4)) {
            let hints: Vec<&str> = hints.iter().map(String::as_str).collect();
            let _ = check_password(&password, &hints);
            let _ = is_common(&password);
        }

        #[test]
        fn never_panics_on_password_like_input(password in "[a-zA-Z0-9 ąęłśżźćńó@$!|+._-]{0,40}") {
            let _ = check_password(&password, &["kowalski", "jan.kowalski@gmina.pl"]);
        }

        #[test]
        fn fewer_than_twelve_chars_are_refused(chars in prop::collection::vec(any::<char>(), 0..MIN_LENGTH)) {
            let password: String = chars.into_iter().collect();
            prop_assert_eq!(
                check_password(&password, &[]),
                Err(PasswordProblem::TooShort { min: MIN_LENGTH })
            );
        }

        #[test]
        fn in_range_lengths_are_not_length_problems(chars in prop::collection::vec(any::<char>(), MIN_LENGTH..=MAX_LENGTH)) {
            let password: String = chars.into_iter().collect();
            let result = check_password(&password, &[]);
            prop_assert!(result.is_ok() || result == Err(PasswordProblem::Common));
        }
    }
}
