mod deadlines;
mod holidays;

use time::{Date, Month};

/// Test-only date constructor.
pub(super) fn d(year: i32, month: u8, day: u8) -> Date {
    let month = Month::try_from(month).expect("valid month");
    Date::from_calendar_date(year, month, day).expect("valid date")
}

/// Every date of the holiday table, in order.
pub(super) fn all_dates() -> impl Iterator<Item = Date> {
    let first = d(super::FIRST_YEAR, 1, 1);
    let last = d(super::LAST_YEAR, 12, 31);
    std::iter::successors(Some(first), move |day| {
        day.next_day().filter(|next| *next <= last)
    })
}
