//! Polish days statutorily free from work, 1951–2200, and KPA art. 57 deadlines.
//!
//! # Legal basis
//!
//! The days free from work are listed in art. 1 of the *ustawa z dnia 18 stycznia 1951 r. o dniach
//! wolnych od pracy* (Dz.U. 1951 nr 4 poz. 28; tekst jednolity Dz.U. 2025 poz. 296): the holidays
//! in pkt 1 and every Sunday (pkt 2). The act entered into force on 19 January 1951 and repealed
//! every other rule on days free from work (art. 2). The list has been amended as follows; each
//! change took effect within the year shown, before the holiday it adds or after the holiday it
//! removes, so a year-granular table is exact:
//!
//! | holiday (name used here) | date | years | legal basis |
//! |---|---|---|---|
//! | Nowy Rok | 1 Jan | 1951– | ustawa z 1951 r., art. 1 pkt 1 lit. a |
//! | Święto Trzech Króli | 6 Jan | 1951–1960 | ustawa z 1951 r. (as "Trzech Króli"); struck out by the ustawa z 16 listopada 1960 r. o zmianie ustawy o dniach wolnych od pracy (Dz.U. 1960 nr 51 poz. 297), in force 24 Nov 1960 |
//! | Święto Trzech Króli | 6 Jan | 2011– | restored by art. 2 of the ustawa z 24 września 2010 r. o zmianie ustawy – Kodeks pracy oraz niektórych innych ustaw (Dz.U. 2010 nr 224 poz. 1459), in force 1 Jan 2011 |
//! | Wielkanoc (pierwszy dzień Wielkiej Nocy) | Easter Sunday | 1951– | ustawa z 1951 r.; always a Sunday |
//! | Poniedziałek Wielkanocny (drugi dzień Wielkiej Nocy) | Easter + 1 | 1951– | ustawa z 1951 r. |
//! | Święto Państwowe | 1 May | 1951– | ustawa z 1951 r. |
//! | Święto Narodowe Trzeciego Maja | 3 May | 1990– | ustawa z 6 kwietnia 1990 r. o przywróceniu Święta Narodowego Trzeciego Maja (Dz.U. 1990 nr 28 poz. 160), in force on publication, 28 Apr 1990 |
//! | Zielone Świątki (pierwszy dzień Zielonych Świątek) | Easter + 49 | 1951– | ustawa z 1951 r.; always a Sunday |
//! | Boże Ciało | Easter + 60 | 1951– | ustawa z 1951 r. |
//! | Narodowe Święto Odrodzenia Polski | 22 Jul | 1951–1989 | ustawa z 1951 r.; struck out by the ustawa z 6 kwietnia 1990 r. (Dz.U. 1990 nr 28 poz. 159), in force 28 Apr 1990 |
//! | Wniebowzięcie Najświętszej Maryi Panny | 15 Aug | 1951–1960 | ustawa z 1951 r. (as "Wniebowzięcie"); struck out by the 1960 amendment above |
//! | Wniebowzięcie Najświętszej Maryi Panny | 15 Aug | 1989– | restored by art. 74 ust. 3 of the ustawa z 17 maja 1989 r. o stosunku Państwa do Kościoła Katolickiego w RP (Dz.U. 1989 nr 29 poz. 154), in force 23 May 1989 |
//! | Wszystkich Świętych | 1 Nov | 1951– | ustawa z 1951 r. |
//! | Narodowe Święto Niepodległości | 11 Nov | 1989– | art. 2 of the ustawa z 15 lutego 1989 r. o ustanowieniu Narodowego Święta Niepodległości (Dz.U. 1989 nr 6 poz. 34); entered in the 1951 list in 1990 |
//! | Święto Narodowe z okazji Setnej Rocznicy Odzyskania Niepodległości Rzeczypospolitej Polskiej | 12 Nov | 2018 only | ustawa z 7 listopada 2018 r. (one day, 12 Nov 2018, declared a day free from work) |
//! | Wigilia Bożego Narodzenia | 24 Dec | 2025– | ustawa z 6 grudnia 2024 r. o zmianie ustawy o dniach wolnych od pracy oraz niektórych innych ustaw, in force 1 Feb 2025 |
//! | Boże Narodzenie (pierwszy dzień) | 25 Dec | 1951– | ustawa z 1951 r. |
//! | Boże Narodzenie (drugi dzień) | 26 Dec | 1951– | ustawa z 1951 r. |
//!
//! Holidays per year, therefore: 12 in 1951–1960, 10 in 1961–1988, 12 in 1989 (22 July, 15 August
//! and 11 November together), 12 in 1990–2010, 13 in 2011–2024 (14 in 2018), 14 from 2025.
//! No two holidays of one year ever share a date (Easter falls on 22 March–25 April, so the
//! movable feasts stay clear of the fixed ones), so [`holidays`] has one entry per date.
//!
//! Not in the table: art. 1a (added in 2020) lets the Prime Minister declare an extra day free from
//! work by regulation during an epidemic; no such day has been declared. If one ever is, it must be
//! added here like 12 November 2018. 1–18 January 1951 predate the act; 1 and 6 January were free
//! under the earlier rules too, and the table treats them as holidays.
//!
//! Easter Sunday is computed by the Gregorian computus ([`easter_sunday`]).
//!
//! # Deadlines
//!
//! [`deadline`] applies art. 57 §§ 1–4 of the *ustawa z dnia 14 czerwca 1960 r. – Kodeks
//! postępowania administracyjnego* (Dz.U. 1960 nr 30 poz. 168, z późn. zm.); see [`Term`] and
//! [`Deadline`]. A day "free from work" for art. 57 § 4 is a holiday above or a Sunday; Saturday
//! is named in § 4 separately.

mod deadline;
mod easter;
pub mod words;

#[cfg(test)]
mod tests;

pub use deadline::{Deadline, Shift, ShiftReason, Term, deadline};
pub use easter::easter_sunday;

use serde::Serialize;
use time::{Date, Duration, Month, Weekday};

/// The first year the holiday table covers: the ustawa o dniach wolnych od pracy dates from 1951.
pub const FIRST_YEAR: i32 = 1951;
/// The last year the holiday table covers.
pub const LAST_YEAR: i32 = 2200;

/// One day statutorily free from work (other than an ordinary Sunday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: Date,
    /// The holiday's Polish name, after the statute (see the module table).
    pub name: &'static str,
}

/// Errors of the calendar and of deadline computation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("year {0} is outside the holiday table ({FIRST_YEAR}–{LAST_YEAR})")]
    YearOutOfRange(i32),
    #[error(
        "invalid term {0:?}: write a whole number from 1 followed by d (days), w (weeks) or m (months), e.g. 14d, 2w, 3m"
    )]
    BadTerm(String),
    #[error("the deadline falls outside the holiday table ({FIRST_YEAR}–{LAST_YEAR})")]
    DateOutOfRange,
}

impl CalendarError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::YearOutOfRange(_) => "year-out-of-range",
            Self::BadTerm(_) => "bad-term",
            Self::DateOutOfRange => "date-out-of-range",
        }
    }

    /// The error in plain Polish, for residents and clerks.
    pub fn message_pl(&self) -> String {
        match self {
            Self::YearOutOfRange(year) => format!(
                "Rok {year} jest poza zakresem kalendarza ({FIRST_YEAR}–{LAST_YEAR}). Podaj rok z tego zakresu."
            ),
            Self::BadTerm(term) => format!(
                "Nieprawidłowy termin „{term}”. Wpisz liczbę od 1 i literę: d (dni), w (tygodnie) albo m (miesiące), np. 14d, 2w, 3m."
            ),
            Self::DateOutOfRange => format!(
                "Termin wykracza poza zakres kalendarza ({FIRST_YEAR}–{LAST_YEAR}). Sprawdź datę początkową i długość terminu."
            ),
        }
    }
}

/// How a holiday's date is found in a given year.
#[derive(Debug, Clone, Copy)]
enum When {
    Fixed(Month, u8),
    /// Days after Easter Sunday.
    Easter(i64),
}

/// One row of the table in the module documentation.
#[derive(Debug, Clone, Copy)]
struct Rule {
    name: &'static str,
    when: When,
    first: i32,
    last: i32,
}

const fn rule(name: &'static str, when: When, first: i32, last: i32) -> Rule {
    Rule {
        name,
        when,
        first,
        last,
    }
}

/// Art. 1 pkt 1 of the ustawa o dniach wolnych od pracy as amended over time (module table).
const RULES: &[Rule] = &[
    rule(
        "Nowy Rok",
        When::Fixed(Month::January, 1),
        FIRST_YEAR,
        LAST_YEAR,
    ),
    rule(
        "Święto Trzech Króli",
        When::Fixed(Month::January, 6),
        FIRST_YEAR,
        1960,
    ),
    rule(
        "Święto Trzech Króli",
        When::Fixed(Month::January, 6),
        2011,
        LAST_YEAR,
    ),
    rule("Wielkanoc", When::Easter(0), FIRST_YEAR, LAST_YEAR),
    rule(
        "Poniedziałek Wielkanocny",
        When::Easter(1),
        FIRST_YEAR,
        LAST_YEAR,
    ),
    rule(
        "Święto Państwowe",
        When::Fixed(Month::May, 1),
        FIRST_YEAR,
        LAST_YEAR,
    ),
    rule(
        "Święto Narodowe Trzeciego Maja",
        When::Fixed(Month::May, 3),
        1990,
        LAST_YEAR,
    ),
    rule("Zielone Świątki", When::Easter(49), FIRST_YEAR, LAST_YEAR),
    rule("Boże Ciało", When::Easter(60), FIRST_YEAR, LAST_YEAR),
    rule(
        "Narodowe Święto Odrodzenia Polski",
        When::Fixed(Month::July, 22),
        FIRST_YEAR,
        1989,
    ),
    rule(
        "Wniebowzięcie Najświętszej Maryi Panny",
        When::Fixed(Month::August, 15),
        FIRST_YEAR,
        1960,
    ),
    rule(
        "Wniebowzięcie Najświętszej Maryi Panny",
        When::Fixed(Month::August, 15),
        1989,
        LAST_YEAR,
    ),
    rule(
        "Wszystkich Świętych",
        When::Fixed(Month::November, 1),
        FIRST_YEAR,
        LAST_YEAR,
    ),
    rule(
        "Narodowe Święto Niepodległości",
        When::Fixed(Month::November, 11),
        1989,
        LAST_YEAR,
    ),
    rule(
        "Święto Narodowe z okazji Setnej Rocznicy Odzyskania Niepodległości Rzeczypospolitej Polskiej",
        When::Fixed(Month::November, 12),
        2018,
        2018,
    ),
    rule(
        "Wigilia Bożego Narodzenia",
        When::Fixed(Month::December, 24),
        2025,
        LAST_YEAR,
    ),
    rule(
        "Boże Narodzenie (pierwszy dzień)",
        When::Fixed(Month::December, 25),
        FIRST_YEAR,
        LAST_YEAR,
    ),
    rule(
        "Boże Narodzenie (drugi dzień)",
        When::Fixed(Month::December, 26),
        FIRST_YEAR,
        LAST_YEAR,
    ),
];

impl Rule {
    fn applies_in(&self, year: i32) -> bool {
        (self.first..=self.last).contains(&year)
    }

    /// The rule's date in `year`, given that year's Easter Sunday.
    fn date_in(&self, year: i32, easter: Date) -> Option<Date> {
        match self.when {
            When::Fixed(month, day) => Date::from_calendar_date(year, month, day).ok(),
            When::Easter(offset) => easter.checked_add(Duration::days(offset)),
        }
    }
}

fn check_year(year: i32) -> Result<(), CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange(year))
    }
}

/// The holidays of `year` that are days free from work, sorted by date, one entry per date.
///
/// Legal basis: ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy, art. 1 pkt 1, in the
/// wording in force in that year (see the module table). Sundays (art. 1 pkt 2) are not listed.
pub fn holidays(year: i32) -> Result<Vec<Holiday>, CalendarError> {
    check_year(year)?;
    let easter = easter_sunday(year).ok_or(CalendarError::YearOutOfRange(year))?;
    let mut days: Vec<Holiday> = RULES
        .iter()
        .filter(|rule| rule.applies_in(year))
        .filter_map(|rule| {
            rule.date_in(year, easter).map(|date| Holiday {
                date,
                name: rule.name,
            })
        })
        .collect();
    days.sort_by_key(|holiday| holiday.date);
    days.dedup_by_key(|holiday| holiday.date);
    Ok(days)
}

/// The name of the holiday on `date`, if it is one; `None` on other days and outside 1951–2200.
///
/// Legal basis: ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy, art. 1 pkt 1.
pub fn holiday_name(date: Date) -> Option<&'static str> {
    let year = date.year();
    check_year(year).ok()?;
    let easter = easter_sunday(year)?;
    RULES
        .iter()
        .filter(|rule| rule.applies_in(year))
        .find(|rule| rule.date_in(year, easter) == Some(date))
        .map(|rule| rule.name)
}

/// Whether `date` is a holiday free from work (Sundays as such are not counted here).
///
/// Legal basis: ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy, art. 1 pkt 1.
pub fn is_holiday(date: Date) -> bool {
    holiday_name(date).is_some()
}

/// Whether `date` is a working day: neither a Saturday, nor a Sunday, nor a holiday.
///
/// A "day free from work" for KPA art. 57 § 4 purposes is a statutory holiday OR a Sunday
/// (ustawa o dniach wolnych od pracy, art. 1 pkt 1 and 2); Saturday is handled separately, as
/// art. 57 § 4 names it on its own. A deadline can end only on a working day in this sense.
/// Outside 1951–2200 no holidays are known, so only weekends count there.
pub fn is_working_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(date)
}
