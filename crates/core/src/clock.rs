//! Time is injected (ARCHITECTURE.md principle 7): domain and application code receive a [`Clock`]
//! instead of reading the system clock, so deadlines and schedules are testable on any date.

use std::sync::Mutex;
use time::{Date, OffsetDateTime, UtcOffset};

/// A source of the current instant.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;

    /// Today's calendar date in Europe/Warsaw (deadlines are plain dates there).
    fn today_warsaw(&self) -> Date {
        warsaw_date(self.now())
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until moved; for tests and benchmarks.
#[derive(Debug)]
pub struct FixedClock(Mutex<OffsetDateTime>);

impl FixedClock {
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new(at))
    }

    pub fn advance(&self, by: time::Duration) {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *guard += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The Europe/Warsaw offset at a UTC instant: CET (+1) or CEST (+2).
///
/// Poland follows the EU summer-time rule (Directive 2000/84/EC): summer time runs from 01:00 UTC
/// on the last Sunday of March to 01:00 UTC on the last Sunday of October. We compute it instead of
/// shipping the tz database because this is the only zone the law needs.
pub fn warsaw_offset(at: OffsetDateTime) -> UtcOffset {
    let utc = at.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let start = last_sunday_at_one_utc(year, time::Month::March);
    let end = last_sunday_at_one_utc(year, time::Month::October);
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

fn last_sunday_at_one_utc(year: i32, month: time::Month) -> OffsetDateTime {
    let mut day = 31u8;
    let date = loop {
        if let Ok(d) = Date::from_calendar_date(year, month, day)
            && d.weekday() == time::Weekday::Sunday
        {
            break d;
        }
        day -= 1;
    };
    date.with_hms(1, 0, 0)
        .map(|dt| dt.assume_utc())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The calendar date in Europe/Warsaw of a UTC instant.
pub fn warsaw_date(at: OffsetDateTime) -> Date {
    at.to_offset(warsaw_offset(at)).date()
}

/// An instant in Polish local time as letters, e-mails and pages write it: `24.11.2026 18:05`.
pub fn warsaw_text(at: OffsetDateTime) -> String {
    let t = at.to_offset(warsaw_offset(at));
    format!(
        "{:02}.{:02}.{} {:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// An instant in Polish local time as an HTML `datetime-local` value: `2026-11-24T18:05`.
pub fn warsaw_datetime_local(at: OffsetDateTime) -> String {
    let t = at.to_offset(warsaw_offset(at));
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A `datetime-local` value (`2026-11-24T18:05`, seconds ignored) read as Polish local time,
/// CET or CEST as the date falls. `None` when it is no such value.
pub fn parse_warsaw_datetime_local(text: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let text = text.trim();
    let local = time::PrimitiveDateTime::parse(text.get(..16).unwrap_or(text), format).ok()?;
    // The offset in force at that moment (an hour either way only around the change itself).
    let guess = local.assume_offset(UtcOffset::from_hms(1, 0, 0).ok()?);
    Some(local.assume_offset(warsaw_offset(guess)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn local_times_round_trip_with_the_polish_offset() {
        let winter = parse_warsaw_datetime_local("2026-11-24T18:05").unwrap();
        assert_eq!(winter.offset().whole_hours(), 1);
        assert_eq!(warsaw_datetime_local(winter), "2026-11-24T18:05");
        assert_eq!(warsaw_text(winter), "24.11.2026 18:05");
        let summer = parse_warsaw_datetime_local("2026-07-01T08:00:30").unwrap();
        assert_eq!(summer.offset().whole_hours(), 2);
        assert_eq!(
            warsaw_text(datetime!(2026-07-01 06:00 UTC)),
            "01.07.2026 08:00"
        );
        assert_eq!(parse_warsaw_datetime_local("jutro"), None);
    }

    #[test]
    fn summer_and_winter_offsets() {
        assert_eq!(
            warsaw_offset(datetime!(2026-07-01 12:00 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            warsaw_offset(datetime!(2026-01-15 12:00 UTC)).whole_hours(),
            1
        );
        // 2026: summer time starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
        assert_eq!(
            warsaw_offset(datetime!(2026-03-29 00:59 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            warsaw_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            warsaw_offset(datetime!(2026-10-25 00:59 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            warsaw_offset(datetime!(2026-10-25 01:00 UTC)).whole_hours(),
            1
        );
    }

    #[test]
    fn date_rolls_over_at_warsaw_midnight() {
        assert_eq!(
            warsaw_date(datetime!(2026-12-31 23:30 UTC)),
            time::macros::date!(2027 - 01 - 01)
        );
        assert_eq!(
            warsaw_date(datetime!(2026-12-31 22:59 UTC)),
            time::macros::date!(2026 - 12 - 31)
        );
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::new(datetime!(2026-11-23 10:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-11-23 10:00 UTC));
        clock.advance(time::Duration::days(1));
        assert_eq!(clock.today_warsaw(), time::macros::date!(2026 - 11 - 24));
    }
}
