//! Near-duplicate letters: the same petition signed by many people, the same letter sent by
//! e-mail and by post. Each text gets a 64-bit SimHash (Charikar 2002; the near-duplicate test of
//! Manku, Jain and Das Sarma, WWW 2007) over overlapping three-word shingles of its folded
//! words; texts whose fingerprints differ in at most [`NEAR_BITS`] bits are near duplicates.
//! Different names and addresses under the same petition change few shingles, so few bits.
//!
//! Our own small code: the algorithm is a few lines, and the hash must be stable across
//! versions and machines (fingerprints are stored), which `std`'s hasher does not promise.

use super::rules::words;

/// Fingerprints at most this many bits apart are near duplicates. Letters are short (a
/// petition has 50–300 words), so a few changed lines move more bits than in web pages, for
/// which Manku et al. used 3; two unrelated texts differ in about 32 bits, and the chance that
/// they differ in at most 12 is below one in ten million.
pub const NEAR_BITS: u32 = 12;

/// Texts with fewer words are not fingerprinted (too little to compare).
pub const MIN_WORDS: usize = 12;

/// FNV-1a, 64 bits: stable, fast, good enough to spread shingles.
fn fnv1a(parts: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= u64::from(b' ');
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    // A final mix so that similar shingles spread over all bits.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// The SimHash of a text, or `None` when it has fewer than [`MIN_WORDS`] words.
pub fn fingerprint(text: &str) -> Option<u64> {
    let ws = words(text);
    if ws.len() < MIN_WORDS {
        return None;
    }
    let mut counts = [0i64; 64];
    for shingle in ws.windows(3) {
        let h = fnv1a(shingle);
        for (bit, c) in counts.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *c += 1;
            } else {
                *c -= 1;
            }
        }
    }
    Some(
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit),
    )
}

/// How many bits two fingerprints differ in.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether two fingerprints are near duplicates.
pub fn near(a: u64, b: u64) -> bool {
    distance(a, b) <= NEAR_BITS
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETITION: &str = "Petycja w sprawie budowy chodnika wzdłuż ulicy Lipowej. My, niżej \
        podpisani mieszkańcy gminy, wnosimy o zaplanowanie w budżecie na przyszły rok budowy \
        chodnika wzdłuż ulicy Lipowej od skrzyżowania z ulicą Polną do szkoły podstawowej, \
        ponieważ dzieci idą do szkoły poboczem ruchliwej drogi, a kierowcy jeżdżą szybko. \
        Prosimy także o przejście dla pieszych przy szkole i o oświetlenie tego odcinka.";

    #[test]
    fn the_same_petition_from_two_people_is_a_near_duplicate() {
        let a = fingerprint(&format!("Jan Kowalski, ul. Lipowa 3\n{PETITION}")).expect("fp");
        let b = fingerprint(&format!("Anna Nowak, ul. Polna 12 m. 4\n{PETITION}")).expect("fp");
        assert!(near(a, b), "distance {}", distance(a, b));
        let same = fingerprint(PETITION).expect("fp");
        assert_eq!(fingerprint(PETITION), Some(same));
    }

    #[test]
    fn different_letters_are_not() {
        let other = "Wniosek o wydanie zezwolenia na usunięcie drzewa rosnącego na działce \
            numer 123/4 przy ulicy Polnej, ponieważ drzewo jest chore, pochylone nad domem i \
            grozi przewróceniem w czasie burzy; w załączeniu mapa i zdjęcia.";
        let a = fingerprint(PETITION).expect("fp");
        let b = fingerprint(other).expect("fp");
        assert!(!near(a, b), "distance {}", distance(a, b));
        assert_eq!(fingerprint("za krótki tekst"), None);
    }
}
