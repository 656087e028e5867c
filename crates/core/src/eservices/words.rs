//! Counts in Polish words for messages.

pub(super) use crate::calendar::words::plural_pl;

/// "1 znak", "3 znaki", "12 znaków" (after "ma", "najwyżej": the accusative, same forms).
pub(super) fn chars_pl(n: usize) -> String {
    format!("{n} {}", plural_pl(n as u64, "znak", "znaki", "znaków"))
}

/// "1 character", "3 characters".
pub(super) fn chars_en(n: usize) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}
