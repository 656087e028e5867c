//! Counts in Polish words for messages.

/// The Polish plural form for `n`: 1 → `one`, 2–4 (not 12–14) → `few`, otherwise `many`.
pub(super) fn plural_pl<'a>(n: usize, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        few
    } else {
        many
    }
}

/// "1 znak", "3 znaki", "12 znaków" (after "ma", "najwyżej": the accusative, same forms).
pub(super) fn chars_pl(n: usize) -> String {
    format!("{n} {}", plural_pl(n, "znak", "znaki", "znaków"))
}

/// "1 character", "3 characters".
pub(super) fn chars_en(n: usize) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}
