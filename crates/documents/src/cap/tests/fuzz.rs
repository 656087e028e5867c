//! Whatever the bytes, the reader returns: it never panics.

use proptest::prelude::*;

use super::*;
use crate::cap::{read_cap, write_cap};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_cap(&bytes);
    }

    #[test]
    fn random_xml_like_text_never_panics(text in "(<[a-z:]{0,6}( xmlns(:[a-z]{1,3})?=\"[a-z:.0-9]{0,40}\")?/?>|</[a-z:]{0,6}>|&[a-z#0-9x]{0,5};?|<!DOCTYPE|<!\\[CDATA\\[|]]>|<\\?xml[ a-z=\"0-9.-]{0,30}\\?>|[ -~ąę]{0,8}){0,60}") {
        let _ = read_cap(text.as_bytes());
    }

    #[test]
    fn mutated_alerts_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12)
    ) {
        let mut bytes = write_cap(&update_alert()).into_bytes();
        for (index, byte, op) in edits {
            if bytes.is_empty() {
                break;
            }
            let at = index.index(bytes.len());
            match op {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                _ => bytes.insert(at, byte),
            }
        }
        let _ = read_cap(&bytes);
    }

    #[test]
    fn truncated_alerts_are_refused_not_panicked(cut in 0usize..4000) {
        let xml = write_cap(&circle_alert());
        let bytes = xml.as_bytes();
        let cut = cut.min(bytes.len());
        let result = read_cap(&bytes[..cut]);
        // Only the whole document (up to trailing white space) reads.
        if cut + 1 < bytes.len() {
            prop_assert!(result.is_err());
        }
    }
}
