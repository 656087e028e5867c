mod clock;
mod extensions;
mod kinds;
mod props;

use super::{CaseClockInput, Extension, Pause, PauseReason, ProcedureKind, compute_case_due};
use time::{Date, Month};

/// Test-only date constructor.
pub(super) fn d(year: i32, month: u8, day: u8) -> Date {
    let month = Month::try_from(month).expect("valid month");
    Date::from_calendar_date(year, month, day).expect("valid date")
}

pub(super) fn input(kind: ProcedureKind, start: Date) -> CaseClockInput {
    CaseClockInput {
        kind,
        start,
        complicated: false,
        pauses: Vec::new(),
        extension: None,
    }
}

pub(super) fn pause(from: Date, until: Option<Date>, reason: PauseReason) -> Pause {
    Pause {
        from,
        until,
        reason,
    }
}

pub(super) fn extension(new_due: Date) -> Extension {
    Extension {
        new_due,
        reason: "oczekiwanie na opinię innego organu".to_owned(),
    }
}

pub(super) fn due(input: &CaseClockInput) -> Date {
    compute_case_due(input)
        .expect("computable")
        .due
        .expect("a due date")
}

/// Administrative case started on Monday 2 March 2026: one month ends on Thursday 2 April.
pub(super) fn admin() -> CaseClockInput {
    input(ProcedureKind::Administrative, d(2026, 3, 2))
}
