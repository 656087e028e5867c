//! The case clock: the day by which a case must be settled, with pauses and extensions.

use super::{ProcedureKind, StatutoryTerm, statutory_term};
use crate::calendar::{
    CalendarError, Deadline, FIRST_YEAR, LAST_YEAR, Shift, ShiftReason, Term, deadline,
    holiday_name, is_working_day,
};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};

/// The shortest term a notice to remedy deficiencies may set, in days (KPA art. 64 § 2).
pub const MIN_DEFICIENCY_DAYS: u32 = 7;

/// Why a period does not count towards the term for settling a case (KPA art. 35 § 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// The proceedings are suspended (KPA art. 97–98; not counted by art. 35 § 5).
    Suspension,
    /// Waiting for the party to remedy deficiencies (KPA art. 64 § 2; a term set by law for an
    /// act of the party, not counted by art. 35 § 5).
    Deficiency,
    /// A delay caused by the party or by reasons beyond the authority's control (art. 35 § 5).
    PartyDelay,
}

impl PauseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspension => "suspension",
            Self::Deficiency => "deficiency",
            Self::PartyDelay => "party_delay",
        }
    }
}

/// A period that does not count towards the term.
///
/// The pause excludes the days from `from` up to the day before `until`: `until` is the day the
/// obstacle ended (the order resuming the proceedings, the day the deficiency was remedied), and
/// the clock runs again on that day. A pause from 10 to 17 March thus excludes 7 days. `until:
/// None` means the obstacle lasts: the clock is stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    pub until: Option<Date>,
    pub reason: PauseReason,
}

/// A new term named by the authority in a notice of delay.
///
/// Legal basis: KPA art. 36 § 1 (the authority notifies the parties of the delay, gives its
/// reasons and names a new term); for public information UDIP art. 13 ust. 2 (the notice gives
/// the reasons and a new term of at most 2 months from the request).
///
/// The notice must be given while the term in force runs, and only its new date is recorded,
/// so the clock lets the new date replace the term in force on the day that term would have
/// expired: pauses beginning up to that day extend the old term (and the new date must come
/// after the old term so extended); pauses beginning later extend the new date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The new last day named in the notice.
    pub new_due: Date,
    /// The reasons for the delay, as given in the notice (required by art. 36 § 1).
    pub reason: String,
}

/// Everything the case clock needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseClockInput {
    pub kind: ProcedureKind,
    /// The day the term starts from, not counted itself (KPA art. 57 § 1): the day the request
    /// reached the authority (art. 61 § 3) or the day proceedings were opened ex officio.
    pub start: Date,
    /// A particularly complicated administrative case (two months, KPA art. 35 § 3).
    pub complicated: bool,
    pub pauses: Vec<Pause>,
    pub extension: Option<Extension>,
}

/// What one pause did to the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum PauseEffect {
    /// The days from `excluded_from` to the day before `excluded_until` did not count, and the
    /// term grew by `days_added` days (the excluded days, or fewer when the pause began on a day
    /// the term had already moved past by KPA art. 57 § 4: then the clock runs again with one
    /// day left, the day the pause ended).
    Counted {
        excluded_from: Date,
        excluded_until: Date,
        days_added: u32,
    },
    /// Every day of the pause was already excluded by an earlier pause or was the start day,
    /// which never counts: the term did not grow.
    Absorbed,
    /// The pause began after the term had expired on `due`; it does not revive the term.
    AfterDue { due: Date },
    /// No term was running: the kind has no statutory term and no extension had set one yet.
    NoTerm,
    /// The pause has not ended: the clock is stopped since its first day.
    StopsClock,
    /// The pause comes after an open pause that stopped the clock.
    NotReached,
}

/// One pause as the clock considered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PauseStep {
    pub pause: Pause,
    /// The pause's 1-based position in [`CaseClockInput::pauses`].
    pub position: usize,
    pub effect: PauseEffect,
}

/// The extension as the clock considered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionStep {
    pub extension: Extension,
    /// The due date the new term replaced (`None` if no term was running).
    pub replaced_due: Option<Date>,
    /// `false` when an open pause stopped the clock before the term in force expired: the new
    /// date takes effect once the clock runs again.
    pub applied: bool,
    /// For public information: the latest allowed date (UDIP art. 13 ust. 2).
    pub cap: Option<Date>,
}

/// The case's due date with every step that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseDue {
    pub kind: ProcedureKind,
    pub start: Date,
    pub complicated: bool,
    /// The statutory term and its basis; `None` for kinds without one.
    pub statutory: Option<StatutoryTerm>,
    /// The calendar end of the statutory term (KPA art. 57 §§ 1–3), before pauses and shifts.
    pub nominal_end: Option<Date>,
    /// The pauses in the order the clock considered them (by first day).
    pub pauses: Vec<PauseStep>,
    pub extension: Option<ExtensionStep>,
    /// The last day after pauses and the extension, before the art. 57 § 4 shift.
    pub end_before_shift: Option<Date>,
    /// Days skipped because the term cannot end on them (KPA art. 57 § 4).
    pub shifts: Vec<Shift>,
    /// The last day to settle the case; `None` when there is no term or the clock is stopped.
    pub due: Option<Date>,
    /// The first day of the open pause that stopped the clock.
    pub stopped_since: Option<Date>,
}

impl CaseDue {
    /// Whether an open pause stops the clock.
    pub fn is_stopped(&self) -> bool {
        self.stopped_since.is_some()
    }

    /// The days the pauses added to the term, in total.
    pub fn pause_days(&self) -> u32 {
        self.pauses
            .iter()
            .map(|step| match step.effect {
                PauseEffect::Counted { days_added, .. } => days_added,
                _ => 0,
            })
            .sum()
    }
}

/// Why the case clock cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseDeadlineError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("pause {pause} begins on {from}, before the case started on {start}")]
    PauseBeforeStart {
        pause: usize,
        from: Date,
        start: Date,
    },
    #[error("pause {pause} ends on {until}, before it begins on {from}")]
    PauseEndsBeforeItBegins {
        pause: usize,
        from: Date,
        until: Date,
    },
    #[error("the notice of delay gives no reason")]
    ExtensionWithoutReason,
    #[error("the new term {new_due} is not after the start of the case, {start}")]
    ExtensionNotAfterStart { start: Date, new_due: Date },
    #[error("the new term {new_due} is not after the term in force, {current_due}")]
    ExtensionNotLater { current_due: Date, new_due: Date },
    #[error("the new term {new_due} is later than 2 months from the request ({cap})")]
    ExtensionBeyondCap { cap: Date, new_due: Date },
    #[error(
        "a notice to remedy deficiencies must give at least {MIN_DEFICIENCY_DAYS} days, not {days}"
    )]
    DeficiencyTooShort { days: u32 },
}

impl CaseDeadlineError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Calendar(error) => error.code(),
            Self::PauseBeforeStart { .. } => "pause-before-start",
            Self::PauseEndsBeforeItBegins { .. } => "pause-ends-before-it-begins",
            Self::ExtensionWithoutReason => "extension-without-reason",
            Self::ExtensionNotAfterStart { .. } => "extension-not-after-start",
            Self::ExtensionNotLater { .. } => "extension-not-later",
            Self::ExtensionBeyondCap { .. } => "extension-beyond-cap",
            Self::DeficiencyTooShort { .. } => "deficiency-term-too-short",
        }
    }

    /// The error in plain Polish: the field and the fix.
    pub fn message_pl(&self) -> String {
        use super::words::date_pl;
        match self {
            Self::Calendar(error) => error.message_pl(),
            Self::PauseBeforeStart { pause, from, start } => format!(
                "Przerwa nr {pause}: data początku ({}) jest wcześniejsza niż początek sprawy ({}). Popraw datę początku przerwy.",
                date_pl(*from),
                date_pl(*start)
            ),
            Self::PauseEndsBeforeItBegins { pause, from, until } => format!(
                "Przerwa nr {pause}: data końca ({}) jest wcześniejsza niż data początku ({}). Popraw daty przerwy.",
                date_pl(*until),
                date_pl(*from)
            ),
            Self::ExtensionWithoutReason => "Zawiadomienie o niezałatwieniu sprawy w terminie musi podawać przyczyny zwłoki (art. 36 § 1 KPA). Wpisz przyczynę.".to_owned(),
            Self::ExtensionNotAfterStart { start, new_due } => format!(
                "Nowy termin ({}) musi być późniejszy niż początek sprawy ({}). Wskaż późniejszy termin.",
                date_pl(*new_due),
                date_pl(*start)
            ),
            Self::ExtensionNotLater { current_due, new_due } => format!(
                "Nowy termin ({}) musi być późniejszy niż termin obowiązujący ({}). Wskaż późniejszy termin albo nie wysyłaj zawiadomienia.",
                date_pl(*new_due),
                date_pl(*current_due)
            ),
            Self::ExtensionBeyondCap { cap, new_due } => format!(
                "Nowy termin ({}) przekracza 2 miesiące od dnia złożenia wniosku o informację publiczną (art. 13 ust. 2 ustawy o dostępie do informacji publicznej). Najpóźniejszy dopuszczalny termin: {}.",
                date_pl(*new_due),
                date_pl(*cap)
            ),
            Self::DeficiencyTooShort { days } => format!(
                "Termin na usunięcie braków nie może być krótszy niż {MIN_DEFICIENCY_DAYS} dni (art. 64 § 2 KPA); wpisano {days}. Wyznacz co najmniej {MIN_DEFICIENCY_DAYS} dni."
            ),
        }
    }

    /// The error in plain English: the field and the fix.
    pub fn message_en(&self) -> String {
        use super::words::date_en;
        match self {
            Self::Calendar(error) => error.to_string(),
            Self::PauseBeforeStart { pause, from, start } => format!(
                "Pause {pause}: its first day ({}) is before the case started ({}). Correct the pause's first day.",
                date_en(*from),
                date_en(*start)
            ),
            Self::PauseEndsBeforeItBegins { pause, from, until } => format!(
                "Pause {pause}: its end ({}) is before its first day ({}). Correct the pause's dates.",
                date_en(*until),
                date_en(*from)
            ),
            Self::ExtensionWithoutReason => "A notice of delay must give the reasons for the delay (KPA art. 36 § 1). Enter the reason.".to_owned(),
            Self::ExtensionNotAfterStart { start, new_due } => format!(
                "The new term ({}) must be after the start of the case ({}). Name a later term.",
                date_en(*new_due),
                date_en(*start)
            ),
            Self::ExtensionNotLater { current_due, new_due } => format!(
                "The new term ({}) must be after the term in force ({}). Name a later term or send no notice.",
                date_en(*new_due),
                date_en(*current_due)
            ),
            Self::ExtensionBeyondCap { cap, new_due } => format!(
                "The new term ({}) is more than 2 months after the request for public information (Access to Public Information Act, art. 13(2)). The latest allowed term is {}.",
                date_en(*new_due),
                date_en(*cap)
            ),
            Self::DeficiencyTooShort { days } => format!(
                "A notice to remedy deficiencies must give at least {MIN_DEFICIENCY_DAYS} days (KPA art. 64 § 2); {days} given. Set at least {MIN_DEFICIENCY_DAYS} days."
            ),
        }
    }
}

/// Computes when a case must be settled.
///
/// 1. The statutory term ([`statutory_term`]) runs from `start` by KPA art. 57 §§ 1–3
///    ([`deadline`]): the start day is not counted.
/// 2. Pauses are taken by their first day. A pause excludes the days `from ..= until - 1`
///    (see [`Pause`]), and the term grows by the excluded days that still lay ahead of it (KPA
///    art. 35 § 5). Days already excluded by an earlier pause, and the start day itself, are not
///    counted twice. A pause that begins after the term expired does not revive it. An open
///    pause stops the clock: `due` is `None` and `stopped_since` names its first day.
/// 3. A notice of delay ([`Extension`], KPA art. 36 § 1, UDIP art. 13 ust. 2) replaces the term
///    in force on the day that term would have expired: pauses beginning up to that day extend
///    the old term and the new date must come after it; pauses beginning later extend the new
///    date. For public information the new date may not pass 2 months from the request
///    ([`public_information_cap`]). For kinds without a statutory term, the notice sets the only
///    term from the start, and every pause within it extends it.
/// 4. The last day moves past Saturdays, Sundays and holidays (KPA art. 57 § 4).
///
/// Errors: a pause beginning before `start` or ending before it begins; a notice without a reason,
/// naming a date not after `start` or not after the term in force, or past the UDIP cap; dates
/// outside the holiday table.
pub fn compute_case_due(input: &CaseClockInput) -> Result<CaseDue, CaseDeadlineError> {
    let start = in_range(input.start)?;
    for (index, pause) in input.pauses.iter().enumerate() {
        if pause.from < start {
            return Err(CaseDeadlineError::PauseBeforeStart {
                pause: index + 1,
                from: pause.from,
                start,
            });
        }
        if let Some(until) = pause.until.filter(|until| *until < pause.from) {
            return Err(CaseDeadlineError::PauseEndsBeforeItBegins {
                pause: index + 1,
                from: pause.from,
                until,
            });
        }
    }
    let cap = match input.kind {
        ProcedureKind::PublicInformation => Some(public_information_cap(start)?),
        _ => None,
    };
    if let Some(extension) = &input.extension {
        check_extension(extension, start, cap)?;
    }

    let statutory = statutory_term(input.kind, input.complicated);
    let nominal_end = match statutory {
        Some(statutory) => Some(deadline(start, statutory.term)?.nominal_end),
        None => None,
    };

    let mut order: Vec<usize> = (0..input.pauses.len()).collect();
    order.sort_by_key(|&i| {
        let pause = &input.pauses[i];
        (pause.from, pause.until.is_none(), pause.until, i)
    });

    let mut clock = Clock {
        end: nominal_end,
        covered_until: next_day(start)?,
        stopped_since: None,
    };
    let mut pending = input.extension.as_ref();
    let mut extension_step = None;
    if let Some(extension) = pending.filter(|_| clock.end.is_none()) {
        extension_step = Some(clock.extend(extension, cap)?);
        pending = None;
    }
    let mut steps = Vec::with_capacity(order.len());
    for index in order {
        let pause = &input.pauses[index];
        if let Some(extension) = pending
            && clock.stopped_since.is_none()
            && clock.has_expired_before(pause.from)?
        {
            extension_step = Some(clock.extend(extension, cap)?);
            pending = None;
        }
        steps.push(PauseStep {
            pause: pause.clone(),
            position: index + 1,
            effect: clock.pause(pause)?,
        });
    }
    if let Some(extension) = pending {
        extension_step = Some(clock.extend(extension, cap)?);
    }

    let (end_before_shift, shifts, due) = match (clock.end, clock.stopped_since) {
        (Some(end), None) => {
            let (due, shifts) = shift_end(end)?;
            (Some(end), shifts, Some(due))
        }
        (end, _) => (end, Vec::new(), None),
    };
    Ok(CaseDue {
        kind: input.kind,
        start,
        complicated: input.complicated,
        statutory,
        nominal_end,
        pauses: steps,
        extension: extension_step,
        end_before_shift,
        shifts,
        due,
        stopped_since: clock.stopped_since,
    })
}

/// The running state of the case clock.
struct Clock {
    /// The last day of the term before the art. 57 § 4 shift, if a term runs.
    end: Option<Date>,
    /// Days before this one are not counted (the start day) or already excluded.
    covered_until: Date,
    stopped_since: Option<Date>,
}

impl Clock {
    /// Whether the term in force (moved by art. 57 § 4) ends before `day`.
    fn has_expired_before(&self, day: Date) -> Result<bool, CalendarError> {
        Ok(match self.end {
            Some(end) => shift_end(end)?.0 < day,
            None => false,
        })
    }

    fn pause(&mut self, pause: &Pause) -> Result<PauseEffect, CaseDeadlineError> {
        if self.stopped_since.is_some() {
            return Ok(PauseEffect::NotReached);
        }
        let Some(end) = self.end else {
            return Ok(PauseEffect::NoTerm);
        };
        let (due, _) = shift_end(end)?;
        if pause.from > due {
            return Ok(PauseEffect::AfterDue { due });
        }
        let Some(until) = pause.until else {
            self.stopped_since = Some(pause.from);
            return Ok(PauseEffect::StopsClock);
        };
        let excluded_from = pause.from.max(self.covered_until);
        self.covered_until = self.covered_until.max(until);
        if until <= excluded_from {
            return Ok(PauseEffect::Absorbed);
        }
        // The days left when the clock stopped run again from `until`; when the pause began on a
        // day already past `end` (moved there by art. 57 § 4), one day is left: `until` itself.
        let grown = add_days(end, (until - excluded_from).whole_days())?.max(until);
        let days_added =
            u32::try_from((grown - end).whole_days()).map_err(|_| CalendarError::DateOutOfRange)?;
        self.end = Some(grown);
        Ok(PauseEffect::Counted {
            excluded_from,
            excluded_until: until,
            days_added,
        })
    }

    fn extend(
        &mut self,
        extension: &Extension,
        cap: Option<Date>,
    ) -> Result<ExtensionStep, CaseDeadlineError> {
        let replaced_due = self.end.map(shift_end).transpose()?.map(|(due, _)| due);
        let applied = self.stopped_since.is_none();
        if applied {
            if let Some(current_due) = replaced_due.filter(|due| extension.new_due <= *due) {
                return Err(CaseDeadlineError::ExtensionNotLater {
                    current_due,
                    new_due: extension.new_due,
                });
            }
            self.end = Some(extension.new_due);
        }
        Ok(ExtensionStep {
            extension: extension.clone(),
            replaced_due,
            applied,
            cap,
        })
    }
}

fn check_extension(
    extension: &Extension,
    start: Date,
    cap: Option<Date>,
) -> Result<(), CaseDeadlineError> {
    if extension.reason.trim().is_empty() {
        return Err(CaseDeadlineError::ExtensionWithoutReason);
    }
    if extension.new_due <= start {
        return Err(CaseDeadlineError::ExtensionNotAfterStart {
            start,
            new_due: extension.new_due,
        });
    }
    if let Some(cap) = cap.filter(|cap| extension.new_due > *cap) {
        return Err(CaseDeadlineError::ExtensionBeyondCap {
            cap,
            new_due: extension.new_due,
        });
    }
    in_range(extension.new_due)?;
    Ok(())
}

/// The latest day a notice of delay may name for a request for public information filed on
/// `start`: 2 months from the request (UDIP art. 13 ust. 2), counted like a month term and moved
/// past a Saturday or a day free from work (KC art. 112 and 115, KPA art. 57 §§ 3–4).
pub fn public_information_cap(start: Date) -> Result<Date, CaseDeadlineError> {
    Ok(deadline(start, Term::Months(2))?.due)
}

/// The last day for the party to remedy deficiencies when the notice, served on `served_on`,
/// gives `days` days.
///
/// Legal basis: KPA art. 64 § 2 (at least seven days, counted from service) and art. 57 §§ 1, 4.
pub fn deficiency_deadline(served_on: Date, days: u32) -> Result<Deadline, CaseDeadlineError> {
    if days < MIN_DEFICIENCY_DAYS {
        return Err(CaseDeadlineError::DeficiencyTooShort { days });
    }
    Ok(deadline(served_on, Term::Days(days))?)
}

/// How a due date looks from `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    /// `today` is after the due date.
    Overdue,
    /// The due date is today or within `soon_days` calendar days.
    DueSoon,
    OnTime,
}

impl DueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DueSoon => "due_soon",
            Self::OnTime => "on_time",
        }
    }
}

/// Whether a case due on `due` is overdue, due soon (within `soon_days` calendar days, the due
/// day included) or on time, seen on `today`. The due day itself still counts as in time: a term
/// ends when its last day ends (KPA art. 57 § 1).
pub fn due_status(due: Date, today: Date, soon_days: u32) -> DueStatus {
    if today > due {
        DueStatus::Overdue
    } else if (due - today).whole_days() <= i64::from(soon_days) {
        DueStatus::DueSoon
    } else {
        DueStatus::OnTime
    }
}

fn in_range(date: Date) -> Result<Date, CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(CalendarError::DateOutOfRange)
    }
}

fn next_day(date: Date) -> Result<Date, CalendarError> {
    date.next_day().ok_or(CalendarError::DateOutOfRange)
}

fn add_days(date: Date, days: i64) -> Result<Date, CalendarError> {
    date.checked_add(Duration::days(days))
        .ok_or(CalendarError::DateOutOfRange)
}

/// KPA art. 57 § 4: the first working day on or after `end`, with every day skipped.
fn shift_end(end: Date) -> Result<(Date, Vec<Shift>), CalendarError> {
    let mut due = in_range(end)?;
    let mut shifts = Vec::new();
    while !is_working_day(due) {
        let reason = match (holiday_name(due), due.weekday()) {
            (Some(name), _) => ShiftReason::Holiday(name),
            (None, Weekday::Saturday) => ShiftReason::Saturday,
            (None, _) => ShiftReason::Sunday,
        };
        shifts.push(Shift { from: due, reason });
        due = in_range(next_day(due)?)?;
    }
    Ok((due, shifts))
}
