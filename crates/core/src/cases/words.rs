//! Dates, counts and terms in words, Polish and English, for explanations.
//!
//! Dates come from `calendar::words`; the counts and terms here take the u64 day counts the
//! case clock works in.

use crate::calendar::Term;
use time::Date;

use crate::calendar::words::plural_pl;
/// "poniedziałek, 7 grudnia 2026 r." and "Monday, 7 December 2026": the calendar's own wording.
pub(super) use crate::calendar::words::{date_en, date_pl};

/// "1 dzień", "3 dni".
pub(super) fn days_pl(n: u64) -> String {
    format!("{n} {}", plural_pl(n, "dzień", "dni", "dni"))
}

/// "1 day", "3 days".
pub(super) fn days_en(n: u64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// "14 dni", "1 miesiąc", "2 miesiące".
pub(super) fn term_pl(term: Term) -> String {
    let n = u64::from(term.count());
    match term {
        Term::Days(_) => days_pl(n),
        Term::Weeks(_) => format!("{n} {}", plural_pl(n, "tydzień", "tygodnie", "tygodni")),
        Term::Months(_) => format!("{n} {}", plural_pl(n, "miesiąc", "miesiące", "miesięcy")),
    }
}

/// "14 days", "1 month", "2 months".
pub(super) fn term_en(term: Term) -> String {
    let n = term.count();
    let unit = match term {
        Term::Days(_) => "day",
        Term::Weeks(_) => "week",
        Term::Months(_) => "month",
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// "7 grudnia 2026 r." (no weekday, for ranges).
pub(super) fn day_pl(date: Date) -> String {
    crate::calendar::words::letter_date_pl(date)
}

/// "7 December 2026" (no weekday, for ranges).
pub(super) fn day_en(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}
