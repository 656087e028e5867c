//! Deadlines under art. 57 §§ 1–4 of the Kodeks postępowania administracyjnego (KPA, ustawa z dnia
//! 14 czerwca 1960 r., Dz.U. 1960 nr 30 poz. 168, z późn. zm.).

use super::words::{count_en, date_en, date_pl, plural_pl};
use super::{CalendarError, FIRST_YEAR, LAST_YEAR, holiday_name, is_working_day};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use time::{Date, Duration, Month, Weekday};

/// The length of a term, as a statute or an authority sets it.
///
/// Written as a whole number and a unit: `14d` (days, KPA art. 57 § 1), `2w` (weeks, § 2),
/// `3m` (months, § 3). Zero and lengths above [`Term::MAX_DAYS`] days, [`Term::MAX_WEEKS`]
/// weeks or [`Term::MAX_MONTHS`] months are rejected as [`CalendarError::BadTerm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Days(u32),
    Weeks(u32),
    Months(u32),
}

impl Term {
    /// Ten years in days: no KPA term comes near it, so a longer one is a typing error.
    pub const MAX_DAYS: u32 = 3650;
    pub const MAX_WEEKS: u32 = 520;
    pub const MAX_MONTHS: u32 = 120;

    /// The number of units.
    pub fn count(self) -> u32 {
        match self {
            Self::Days(n) | Self::Weeks(n) | Self::Months(n) => n,
        }
    }

    fn is_valid(self) -> bool {
        let max = match self {
            Self::Days(_) => Self::MAX_DAYS,
            Self::Weeks(_) => Self::MAX_WEEKS,
            Self::Months(_) => Self::MAX_MONTHS,
        };
        (1..=max).contains(&self.count())
    }

    fn describe_pl(self) -> String {
        let n = self.count();
        match self {
            Self::Days(_) => format!("{n} {}", plural_pl(u64::from(n), "dzień", "dni", "dni")),
            Self::Weeks(_) => format!(
                "{n} {}",
                plural_pl(u64::from(n), "tydzień", "tygodnie", "tygodni")
            ),
            Self::Months(_) => format!(
                "{n} {}",
                plural_pl(u64::from(n), "miesiąc", "miesiące", "miesięcy")
            ),
        }
    }

    fn describe_en(self) -> String {
        let n = self.count();
        match self {
            Self::Days(_) => count_en(n, "day"),
            Self::Weeks(_) => count_en(n, "week"),
            Self::Months(_) => count_en(n, "month"),
        }
    }
}

impl FromStr for Term {
    type Err = CalendarError;

    /// Parses `14d`, `2w`, `3m` (case-insensitive, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BadTerm(s.to_owned());
        let text = s.trim();
        let mut chars = text.chars();
        let unit = chars.next_back().ok_or_else(bad)?;
        let number = chars.as_str();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = number.parse().map_err(|_| bad())?;
        let term = match unit.to_ascii_lowercase() {
            'd' => Self::Days(n),
            'w' => Self::Weeks(n),
            'm' => Self::Months(n),
            _ => return Err(bad()),
        };
        if term.is_valid() {
            Ok(term)
        } else {
            Err(bad())
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Days(n) => write!(f, "{n}d"),
            Self::Weeks(n) => write!(f, "{n}w"),
            Self::Months(n) => write!(f, "{n}m"),
        }
    }
}

/// Why a day could not be the last day of a term (KPA art. 57 § 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ShiftReason {
    Saturday,
    /// A Sunday that is not also a named holiday.
    Sunday,
    /// A holiday of the ustawa o dniach wolnych od pracy, with its name (it may fall on a weekend).
    Holiday(&'static str),
}

/// One day skipped because the term could not end on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shift {
    /// The skipped day.
    pub from: Date,
    pub reason: ShiftReason,
}

/// A computed deadline with the steps that led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The day of the event that starts the term (e.g. the day of service); not counted.
    pub start: Date,
    pub term: Term,
    /// The end by art. 57 §§ 1–3, before any shift.
    pub nominal_end: Date,
    /// The last day to act: `nominal_end`, or the next working day after it (art. 57 § 4).
    pub due: Date,
    /// Every day skipped between `nominal_end` and `due`, in order; empty when they are equal.
    pub shifts: Vec<Shift>,
}

/// Computes the last day of a term that starts with an event on `start`.
///
/// Legal basis: KPA art. 57:
/// - § 1: a term in days does not count the day of the event; it ends when its last day ends;
/// - § 2: a term in weeks ends at the end of the day of the last week named like the starting
///   day (so `Weeks(n)` ends on the same day as `Days(7 * n)`);
/// - § 3: a term in months ends on the day of the last month numbered like the starting day, or
///   on the last day of that month if it has no such day (31 January + 1 month = 28/29 February);
/// - § 4: if the end falls on a day statutorily free from work (a holiday of the ustawa
///   z 18 stycznia 1951 r. o dniach wolnych od pracy, or a Sunday) or on a Saturday, the term
///   ends on the next day that is neither; every day skipped is recorded in [`Deadline::shifts`].
///
/// The Saturday clause of § 4 is in the current text of KPA; it applies here to every date.
/// Errors: [`CalendarError::BadTerm`] for a zero or over-long term, and
/// [`CalendarError::DateOutOfRange`] if the start, the end or a skipped day leaves 1951–2200.
pub fn deadline(start: Date, term: Term) -> Result<Deadline, CalendarError> {
    if !term.is_valid() {
        return Err(CalendarError::BadTerm(term.to_string()));
    }
    in_range(start)?;
    let nominal_end = match term {
        Term::Days(n) => add_days(start, i64::from(n))?,
        Term::Weeks(n) => add_days(start, 7 * i64::from(n))?,
        Term::Months(n) => add_months(start, n)?,
    };
    let mut due = in_range(nominal_end)?;
    let mut shifts = Vec::new();
    while !is_working_day(due) {
        shifts.push(Shift {
            from: due,
            reason: shift_reason(due),
        });
        due = in_range(due.next_day().ok_or(CalendarError::DateOutOfRange)?)?;
    }
    Ok(Deadline {
        start,
        term,
        nominal_end,
        due,
        shifts,
    })
}

fn in_range(date: Date) -> Result<Date, CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(CalendarError::DateOutOfRange)
    }
}

fn add_days(date: Date, days: i64) -> Result<Date, CalendarError> {
    date.checked_add(Duration::days(days))
        .ok_or(CalendarError::DateOutOfRange)
}

/// KPA art. 57 § 3: the same day number `months` later, or the last day of a shorter month.
fn add_months(date: Date, months: u32) -> Result<Date, CalendarError> {
    let index =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).map_err(|_| CalendarError::DateOutOfRange)?;
    let month_number =
        u8::try_from(index.rem_euclid(12) + 1).map_err(|_| CalendarError::DateOutOfRange)?;
    let month = Month::try_from(month_number).map_err(|_| CalendarError::DateOutOfRange)?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).map_err(|_| CalendarError::DateOutOfRange)
}

fn shift_reason(date: Date) -> ShiftReason {
    match (holiday_name(date), date.weekday()) {
        (Some(name), _) => ShiftReason::Holiday(name),
        (None, Weekday::Saturday) => ShiftReason::Saturday,
        (None, _) => ShiftReason::Sunday,
    }
}

impl Deadline {
    /// Whether the end was moved by KPA art. 57 § 4.
    pub fn was_shifted(&self) -> bool {
        !self.shifts.is_empty()
    }

    /// The computation in plain Polish, one step a line: start, term, nominal end, each skipped
    /// day with its reason, due date (KPA art. 57).
    pub fn explain_pl(&self) -> String {
        let rule = match self.term {
            Term::Days(_) => {
                "art. 57 § 1 KPA: dnia zdarzenia nie wlicza się, termin kończy się z upływem ostatniego dnia"
            }
            Term::Weeks(_) => {
                "art. 57 § 2 KPA: termin kończy się w dniu tygodnia o tej samej nazwie co dzień zdarzenia"
            }
            Term::Months(_) => {
                "art. 57 § 3 KPA: termin kończy się w dniu miesiąca o tym samym numerze co dzień zdarzenia, a gdy takiego dnia w miesiącu nie ma – w ostatnim dniu miesiąca"
            }
        };
        let mut lines = vec![
            format!(
                "Zdarzenie rozpoczynające bieg terminu: {}",
                date_pl(self.start)
            ),
            format!("Termin: {} ({rule}).", self.term.describe_pl()),
            format!(
                "Koniec terminu według kalendarza: {}",
                date_pl(self.nominal_end)
            ),
        ];
        if self.was_shifted() {
            lines.push(
                "Termin nie może upłynąć w dniu wolnym od pracy ani w sobotę, więc przesuwa się na następny dzień roboczy (art. 57 § 4 KPA):"
                    .to_owned(),
            );
            for (i, shift) in self.shifts.iter().enumerate() {
                let end = if i + 1 == self.shifts.len() { '.' } else { ';' };
                let why = match shift.reason {
                    ShiftReason::Saturday => "sobota".to_owned(),
                    ShiftReason::Sunday => "niedziela – dzień ustawowo wolny od pracy".to_owned(),
                    ShiftReason::Holiday(name) => {
                        format!("święto „{name}” – dzień ustawowo wolny od pracy")
                    }
                };
                lines.push(format!("– {}: {why}{end}", date_pl(shift.from)));
            }
        }
        lines.push(format!("Termin upływa: {}", date_pl(self.due)));
        lines.join("\n")
    }

    /// The computation in plain English, one step a line (KPA art. 57).
    pub fn explain_en(&self) -> String {
        let rule = match self.term {
            Term::Days(_) => {
                "KPA art. 57 § 1: the day of the event is not counted; the term ends when its last day ends"
            }
            Term::Weeks(_) => {
                "KPA art. 57 § 2: the term ends on the weekday named like the day of the event"
            }
            Term::Months(_) => {
                "KPA art. 57 § 3: the term ends on the day of the month numbered like the day of the event, or on the last day of a month that has no such day"
            }
        };
        let mut lines = vec![
            format!("Event that starts the term: {}.", date_en(self.start)),
            format!("Term: {} ({rule}).", self.term.describe_en()),
            format!("Calendar end of the term: {}.", date_en(self.nominal_end)),
        ];
        if self.was_shifted() {
            lines.push(
                "A term cannot end on a day free from work or on a Saturday, so it moves to the next working day (KPA art. 57 § 4):"
                    .to_owned(),
            );
            for (i, shift) in self.shifts.iter().enumerate() {
                let end = if i + 1 == self.shifts.len() { '.' } else { ';' };
                let why = match shift.reason {
                    ShiftReason::Saturday => "Saturday".to_owned(),
                    ShiftReason::Sunday => "Sunday, a statutory day free from work".to_owned(),
                    ShiftReason::Holiday(name) => {
                        format!("public holiday “{name}”, a statutory day free from work")
                    }
                };
                lines.push(format!("- {}: {why}{end}", date_en(shift.from)));
            }
        }
        lines.push(format!("The term ends on: {}.", date_en(self.due)));
        lines.join("\n")
    }
}
