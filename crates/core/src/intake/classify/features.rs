//! From text to hashed features: Polish-aware tokens, word unigrams and bigrams, character
//! n-grams inside word boundaries, and an accent-folded copy of each word.
//!
//! Tokens are maximal runs of alphanumeric characters, lower-cased with Unicode rules, so
//! "ULICY" and "ulicy" are one word and "Łódź" keeps its letters. Polish inflects heavily
//! ("drzewo", "drzewa", "drzew", "drzewami"); the character n-grams of `<drzewa>` (with `<`
//! and `>` marking the word's edges) share most of their n-grams with the other forms, which
//! does the work of a stemmer without a stemmer's dictionary or rules. The accent-folded word
//! (`wycinka` for "wyćinka", `urzad` for "urząd") lets a letter typed without diacritics meet
//! the history typed with them.
//!
//! Every feature is a string in a namespace (word, pair, n-gram, folded word), hashed with
//! FNV-1a and a splitmix64 finaliser into `2^hash_bits` buckets. Hashing keeps memory bounded
//! while counting however large the vocabulary; the model then keeps only the buckets seen in
//! training. Each feature remembers which word (or pair of words) it came from, so that an
//! explanation can speak of words of the letter, never of bare bucket numbers.

/// How text becomes features. Stored in the model: prediction must use the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FeatureConfig {
    /// Buckets are `0..2^hash_bits`.
    pub hash_bits: u8,
    /// Character n-grams of these lengths (chars, counting the `<` `>` edges); `char_max`
    /// 0 turns them off.
    pub char_min: u8,
    pub char_max: u8,
    /// Pairs of neighbouring words.
    pub word_bigrams: bool,
    /// An accent-folded copy of words that have diacritics.
    pub folded: bool,
    /// Only the first this many characters of a text are read (a letter's subject and first
    /// paragraphs say where it goes; the bound keeps long scans cheap).
    pub max_chars: u32,
}

/// Where a feature came from: a word, or the pair starting at a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Word(u32),
    Pair(u32),
}

const NS_WORD: u8 = 1;
const NS_PAIR: u8 = 2;
const NS_GRAM: u8 = 3;
const NS_FOLD: u8 = 4;

/// The lower-cased words of a text (at most `max_chars` characters read).
pub(crate) fn tokens(text: &str, max_chars: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().take(max_chars as usize) {
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Polish (and common Latin) letters without their diacritics; `None` when unchanged.
fn fold(word: &str) -> Option<String> {
    let mut changed = false;
    let folded: String = word
        .chars()
        .map(|c| {
            let f = match c {
                'ą' | 'á' | 'à' | 'ä' | 'â' => 'a',
                'ć' | 'č' | 'ç' => 'c',
                'ę' | 'é' | 'è' | 'ë' | 'ě' | 'ê' => 'e',
                'ł' => 'l',
                'ń' | 'ň' => 'n',
                'ó' | 'ö' | 'ô' => 'o',
                'ś' | 'š' => 's',
                'ź' | 'ż' | 'ž' => 'z',
                'ü' | 'ú' | 'ů' => 'u',
                'í' => 'i',
                'ř' => 'r',
                'ý' => 'y',
                other => other,
            };
            changed |= f != c;
            f
        })
        .collect();
    changed.then_some(folded)
}

/// FNV-1a over a namespace byte and the parts, then a splitmix64 finaliser (FNV's low bits
/// alone mix poorly), cut to the bucket range.
fn bucket(ns: u8, parts: &[&[u8]], bits: u8) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    eat(ns);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            eat(0xff); // never inside UTF-8: "ab"+"c" differs from "a"+"bc"
        }
        for &b in *part {
            eat(b);
        }
    }
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z & ((1u64 << bits) - 1)) as u32
}

/// Every feature occurrence of the words, in order, with its source.
pub(crate) fn extract(cfg: &FeatureConfig, words: &[String], out: &mut Vec<(u32, Source)>) {
    out.clear();
    let bits = cfg.hash_bits;
    let mut edged = String::new();
    let mut bounds: Vec<usize> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let src = Source::Word(i as u32);
        out.push((bucket(NS_WORD, &[w.as_bytes()], bits), src));
        if cfg.folded
            && let Some(f) = fold(w)
        {
            out.push((bucket(NS_FOLD, &[f.as_bytes()], bits), src));
        }
        if cfg.word_bigrams
            && let Some(next) = words.get(i + 1)
        {
            out.push((
                bucket(NS_PAIR, &[w.as_bytes(), next.as_bytes()], bits),
                Source::Pair(i as u32),
            ));
        }
        if cfg.char_max == 0 {
            continue;
        }
        edged.clear();
        edged.push('<');
        edged.push_str(w);
        edged.push('>');
        bounds.clear();
        bounds.extend(edged.char_indices().map(|(b, _)| b));
        bounds.push(edged.len());
        let chars = bounds.len() - 1;
        let lo = usize::from(cfg.char_min.max(1));
        let hi = usize::from(cfg.char_max);
        for n in lo..=hi.min(chars) {
            for start in 0..=chars - n {
                let gram = &edged.as_bytes()[bounds[start]..bounds[start + n]];
                out.push((bucket(NS_GRAM, &[gram], bits), src));
            }
        }
    }
}

/// Term counts per bucket of a text, sorted by bucket.
pub(crate) fn counts(
    cfg: &FeatureConfig,
    text: &str,
    scratch: &mut Vec<(u32, Source)>,
) -> Vec<(u32, u32)> {
    let words = tokens(text, cfg.max_chars);
    extract(cfg, &words, scratch);
    let mut buckets: Vec<u32> = scratch.iter().map(|(b, _)| *b).collect();
    buckets.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(buckets.len());
    for b in buckets {
        match out.last_mut() {
            Some((last, n)) if *last == b => *n += 1,
            _ => out.push((b, 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> FeatureConfig {
        FeatureConfig {
            hash_bits: 18,
            char_min: 2,
            char_max: 4,
            word_bigrams: true,
            folded: true,
            max_chars: 10_000,
        }
    }

    #[test]
    fn tokens_lower_case_and_keep_diacritics() {
        assert_eq!(
            tokens("Wycinka DRZEWA, ul. Łąkowa 5!", 1000),
            ["wycinka", "drzewa", "ul", "łąkowa", "5"]
        );
        assert_eq!(tokens("abc def", 6), ["abc", "de"]);
    }

    #[test]
    fn folding_removes_polish_diacritics_only_when_present() {
        assert_eq!(fold("urząd").as_deref(), Some("urzad"));
        assert_eq!(fold("źdźbło").as_deref(), Some("zdzblo"));
        assert_eq!(fold("droga"), None);
    }

    #[test]
    fn folded_word_meets_its_plain_spelling() {
        let c = cfg();
        let with = counts(&c, "urząd", &mut Vec::new());
        let without = counts(&c, "urzad", &mut Vec::new());
        let word_plain = bucket(NS_WORD, &[b"urzad"], c.hash_bits);
        let fold_of_accented = bucket(NS_FOLD, &[b"urzad"], c.hash_bits);
        assert!(without.iter().any(|(b, _)| *b == word_plain));
        assert!(with.iter().any(|(b, _)| *b == fold_of_accented));
    }

    #[test]
    fn inflected_forms_share_most_ngrams() {
        let c = FeatureConfig {
            word_bigrams: false,
            folded: false,
            ..cfg()
        };
        let a = counts(&c, "drzewo", &mut Vec::new());
        let b = counts(&c, "drzewami", &mut Vec::new());
        let shared = a
            .iter()
            .filter(|(x, _)| b.iter().any(|(y, _)| x == y))
            .count();
        assert!(shared >= 8, "shared {shared} of {}", a.len());
    }

    #[test]
    fn pair_parts_are_separated() {
        assert_ne!(
            bucket(NS_PAIR, &[b"ab", b"c"], 20),
            bucket(NS_PAIR, &[b"a", b"bc"], 20)
        );
        assert_ne!(bucket(NS_WORD, &[b"ab"], 20), bucket(NS_GRAM, &[b"ab"], 20));
    }

    #[test]
    fn counts_are_sorted_and_summed() {
        let out = counts(&cfg(), "las las las", &mut Vec::new());
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
        let word = bucket(NS_WORD, &[b"las"], 18);
        assert_eq!(
            out.iter().find(|(b, _)| *b == word).map(|(_, n)| *n),
            Some(3)
        );
        assert!(counts(&cfg(), " ,.; ", &mut Vec::new()).is_empty());
    }
}
