//! Dates and counts in words, Polish and English, for human explanations.

use time::{Date, Month, Weekday};

pub(super) fn weekday_pl(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "poniedziałek",
        Weekday::Tuesday => "wtorek",
        Weekday::Wednesday => "środa",
        Weekday::Thursday => "czwartek",
        Weekday::Friday => "piątek",
        Weekday::Saturday => "sobota",
        Weekday::Sunday => "niedziela",
    }
}

/// Month names in the genitive, as in "7 grudnia 2026 r.".
fn month_genitive_pl(month: Month) -> &'static str {
    match month {
        Month::January => "stycznia",
        Month::February => "lutego",
        Month::March => "marca",
        Month::April => "kwietnia",
        Month::May => "maja",
        Month::June => "czerwca",
        Month::July => "lipca",
        Month::August => "sierpnia",
        Month::September => "września",
        Month::October => "października",
        Month::November => "listopada",
        Month::December => "grudnia",
    }
}

/// "poniedziałek, 7 grudnia 2026 r."
pub fn date_pl(date: Date) -> String {
    format!(
        "{}, {} {} {} r.",
        weekday_pl(date.weekday()),
        date.day(),
        month_genitive_pl(date.month()),
        date.year()
    )
}

/// "Monday, 7 December 2026"
pub fn date_en(date: Date) -> String {
    format!(
        "{}, {} {} {}",
        date.weekday(),
        date.day(),
        date.month(),
        date.year()
    )
}

/// Picks the Polish noun form for `n`: `one` (1), `few` (2–4, 22–24, … but not 12–14) or `many`.
/// The one plural rule of the crate (calendar terms, case explanations, form messages).
pub(crate) fn plural_pl<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        few
    } else {
        many
    }
}

/// "1 day", "14 days".
pub(super) fn count_en(n: u32, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// "23 listopada 2026 r." — the date as written under a letter's place name.
pub fn letter_date_pl(date: Date) -> String {
    format!(
        "{} {} {} r.",
        date.day(),
        month_genitive_pl(date.month()),
        date.year()
    )
}
