use super::super::*;
use super::{admin, d, due, input, pause};
use crate::calendar::{Shift, ShiftReason, holidays};
use time::{Date, Duration, Month, Weekday};

// ---------------------------------------------------------------- whole-year tables

/// An independent reading of KPA art. 57: add the term naively, then skip weekends and holidays.
fn naive_due(start: Date, days: Option<i64>, months: Option<u8>) -> Date {
    let mut end = match (days, months) {
        (Some(n), _) => start + Duration::days(n),
        (_, Some(m)) => {
            let index = start.year() * 12 + i32::from(u8::from(start.month())) - 1 + i32::from(m);
            let year = index.div_euclid(12);
            let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).expect("month"))
                .expect("month");
            let day = start.day().min(month.length(year));
            Date::from_calendar_date(year, month, day).expect("date")
        }
        _ => unreachable!(),
    };
    loop {
        let free = holidays(end.year())
            .expect("year in range")
            .iter()
            .any(|h| h.date == end);
        if matches!(end.weekday(), Weekday::Saturday | Weekday::Sunday) || free {
            end = end.next_day().expect("next day");
        } else {
            return end;
        }
    }
}

#[test]
fn three_years_of_every_kind_match_an_independent_count() {
    let kinds: [(ProcedureKind, bool, Option<i64>, Option<u8>); 7] = [
        (ProcedureKind::Administrative, false, None, Some(1)),
        (ProcedureKind::Administrative, true, None, Some(2)),
        (ProcedureKind::Certificate, false, Some(7), None),
        (ProcedureKind::PublicInformation, false, Some(14), None),
        (ProcedureKind::Petition, false, None, Some(3)),
        (ProcedureKind::Complaint, false, None, Some(1)),
        (ProcedureKind::Motion, false, None, Some(1)),
    ];
    let mut start = d(2024, 1, 1);
    while start <= d(2026, 12, 31) {
        for (kind, complicated, days, months) in kinds {
            let case = CaseClockInput {
                complicated,
                ..input(kind, start)
            };
            let computed = compute_case_due(&case).expect("computable");
            let expected = naive_due(start, days, months);
            assert_eq!(
                computed.due,
                Some(expected),
                "{kind} {complicated} from {start}"
            );
            assert!(computed.nominal_end.is_some_and(|end| end <= expected));
            assert_eq!(computed.end_before_shift, computed.nominal_end);
            assert!(computed.pauses.is_empty() && computed.extension.is_none());
        }
        for kind in [ProcedureKind::Invoice, ProcedureKind::Other] {
            let computed = compute_case_due(&input(kind, start)).expect("computable");
            assert_eq!(computed.due, None);
            assert_eq!(computed.statutory, None);
        }
        start = start.next_day().expect("next day");
    }
}

#[test]
fn hand_checked_examples() {
    // UDIP request on Wednesday 10 December 2025: 14 days end on Wigilia, a holiday from 2025.
    assert_eq!(
        due(&input(ProcedureKind::PublicInformation, d(2025, 12, 10))),
        d(2025, 12, 29)
    );
    // A petition filed on 30 November 2025: 28 February 2026 is a Saturday.
    assert_eq!(
        due(&input(ProcedureKind::Petition, d(2025, 11, 30))),
        d(2026, 3, 2)
    );
    // One month from 31 January 2024 ends on 29 February (art. 57 § 3).
    assert_eq!(
        due(&input(ProcedureKind::Administrative, d(2024, 1, 31))),
        d(2024, 2, 29)
    );
    assert_eq!(
        due(&input(ProcedureKind::Complaint, d(2026, 3, 31))),
        d(2026, 4, 30)
    );
    // A complicated case from 31 December 2025: 28 February 2026 (Saturday) → Monday.
    let complicated = CaseClockInput {
        complicated: true,
        ..input(ProcedureKind::Administrative, d(2025, 12, 31))
    };
    assert_eq!(due(&complicated), d(2026, 3, 2));
    // A certificate asked for on Friday 24 April 2026: 1 May (Friday, holiday), 2 May (Saturday),
    // 3 May (Sunday, holiday) are skipped.
    let certificate =
        compute_case_due(&input(ProcedureKind::Certificate, d(2026, 4, 24))).expect("computable");
    assert_eq!(certificate.due, Some(d(2026, 5, 4)));
    assert_eq!(certificate.shifts.len(), 3);
    assert_eq!(
        certificate.shifts[2],
        Shift {
            from: d(2026, 5, 3),
            reason: ShiftReason::Holiday("Święto Narodowe Trzeciego Maja")
        }
    );
    assert_eq!(due(&admin()), d(2026, 4, 2));
}

// ---------------------------------------------------------------- pauses

#[test]
fn a_deficiency_pause_excludes_its_days() {
    let mut case = admin();
    case.pauses = vec![pause(
        d(2026, 3, 5),
        Some(d(2026, 3, 12)),
        PauseReason::Deficiency,
    )];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.nominal_end, Some(d(2026, 4, 2)));
    assert_eq!(
        computed.pauses[0].effect,
        PauseEffect::Counted {
            excluded_from: d(2026, 3, 5),
            excluded_until: d(2026, 3, 12),
            days_added: 7
        }
    );
    assert_eq!(computed.pause_days(), 7);
    assert_eq!(computed.end_before_shift, Some(d(2026, 4, 9)));
    assert_eq!(computed.due, Some(d(2026, 4, 9)));
    // A pause that ends the day it begins excludes nothing.
    case.pauses = vec![pause(
        d(2026, 3, 5),
        Some(d(2026, 3, 5)),
        PauseReason::PartyDelay,
    )];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.pauses[0].effect, PauseEffect::Absorbed);
    assert_eq!(computed.due, Some(d(2026, 4, 2)));
}

#[test]
fn overlapping_pauses_count_once_in_any_order() {
    let suspension = pause(d(2026, 3, 5), Some(d(2026, 3, 12)), PauseReason::Suspension);
    let delay = pause(
        d(2026, 3, 10),
        Some(d(2026, 3, 15)),
        PauseReason::PartyDelay,
    );
    let inside = pause(d(2026, 3, 6), Some(d(2026, 3, 8)), PauseReason::PartyDelay);
    for pauses in [
        vec![suspension.clone(), delay.clone(), inside.clone()],
        vec![delay.clone(), inside.clone(), suspension.clone()],
    ] {
        let mut case = admin();
        case.pauses = pauses;
        let computed = compute_case_due(&case).expect("computable");
        // 5–14 March: 10 days; 2 April + 10 = Sunday 12 April → Monday 13 April.
        assert_eq!(computed.pause_days(), 10);
        assert_eq!(computed.end_before_shift, Some(d(2026, 4, 12)));
        assert_eq!(computed.due, Some(d(2026, 4, 13)));
        let effects: Vec<PauseEffect> = computed.pauses.iter().map(|s| s.effect).collect();
        assert_eq!(
            effects,
            [
                PauseEffect::Counted {
                    excluded_from: d(2026, 3, 5),
                    excluded_until: d(2026, 3, 12),
                    days_added: 7
                },
                PauseEffect::Absorbed,
                PauseEffect::Counted {
                    excluded_from: d(2026, 3, 12),
                    excluded_until: d(2026, 3, 15),
                    days_added: 3
                },
            ]
        );
    }
}

#[test]
fn a_pause_can_push_the_end_onto_a_holiday() {
    let mut case = admin();
    case.pauses = vec![pause(
        d(2026, 3, 10),
        Some(d(2026, 3, 14)),
        PauseReason::Suspension,
    )];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.end_before_shift, Some(d(2026, 4, 6)));
    assert_eq!(
        computed.shifts,
        vec![Shift {
            from: d(2026, 4, 6),
            reason: ShiftReason::Holiday("Poniedziałek Wielkanocny")
        }]
    );
    assert_eq!(computed.due, Some(d(2026, 4, 7)));
}

#[test]
fn the_start_day_is_never_counted_twice() {
    // A pause from the start day: 3 and 4 March are excluded, the start day never counted.
    let mut case = admin();
    case.pauses = vec![pause(
        d(2026, 3, 2),
        Some(d(2026, 3, 5)),
        PauseReason::Deficiency,
    )];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(
        computed.pauses[0].effect,
        PauseEffect::Counted {
            excluded_from: d(2026, 3, 3),
            excluded_until: d(2026, 3, 5),
            days_added: 2
        }
    );
    // 4 April (Saturday), Easter Sunday, Easter Monday → Tuesday 7 April.
    assert_eq!(computed.shifts.len(), 3);
    assert_eq!(computed.due, Some(d(2026, 4, 7)));
}

#[test]
fn pauses_on_the_days_added_by_the_shift() {
    // A certificate from Saturday 7 March 2026 ends on Saturday 14 March → Monday 16 March.
    let start = d(2026, 3, 7);
    let with = |from, until| {
        let mut case = input(ProcedureKind::Certificate, start);
        case.pauses = vec![pause(from, Some(until), PauseReason::PartyDelay)];
        compute_case_due(&case).expect("computable")
    };
    assert_eq!(
        due(&input(ProcedureKind::Certificate, start)),
        d(2026, 3, 16)
    );
    // Paused on the (moved) last day: one day is left after the pause, the day it ended.
    let on_due = with(d(2026, 3, 16), d(2026, 3, 18));
    assert_eq!(on_due.due, Some(d(2026, 3, 18)));
    assert_eq!(on_due.pause_days(), 4);
    assert_eq!(
        with(d(2026, 3, 15), d(2026, 3, 17)).due,
        Some(d(2026, 3, 17))
    );
    // Paused on Friday with Friday and Saturday left: they run again from Tuesday.
    assert_eq!(
        with(d(2026, 3, 13), d(2026, 3, 17)).due,
        Some(d(2026, 3, 18))
    );
    // Paused after the moved last day: the term had expired.
    let after = with(d(2026, 3, 17), d(2026, 3, 20));
    assert_eq!(
        after.pauses[0].effect,
        PauseEffect::AfterDue {
            due: d(2026, 3, 16)
        }
    );
    assert_eq!(after.due, Some(d(2026, 3, 16)));
}

#[test]
fn an_open_pause_stops_the_clock() {
    let mut case = admin();
    case.pauses = vec![
        pause(
            d(2026, 3, 20),
            Some(d(2026, 3, 25)),
            PauseReason::PartyDelay,
        ),
        pause(d(2026, 3, 10), None, PauseReason::Suspension),
    ];
    let computed = compute_case_due(&case).expect("computable");
    assert!(computed.is_stopped());
    assert_eq!(computed.due, None);
    assert_eq!(computed.stopped_since, Some(d(2026, 3, 10)));
    assert_eq!(computed.pauses[0].effect, PauseEffect::StopsClock);
    assert_eq!(computed.pauses[0].position, 2);
    assert_eq!(computed.pauses[1].effect, PauseEffect::NotReached);
    let pl = computed.explain_pl();
    assert!(
        pl.contains("nadal trwa: bieg terminu jest wstrzymany"),
        "{pl}"
    );
    assert!(
        pl.contains("Bieg terminu jest wstrzymany od 10 marca 2026 r."),
        "{pl}"
    );
    assert!(!pl.contains("Termin upływa"), "{pl}");
    assert!(
        computed
            .explain_en()
            .contains("The clock is stopped since 10 March 2026")
    );
    // An open pause after the term expired does not stop it.
    case.pauses = vec![pause(d(2026, 4, 10), None, PauseReason::Suspension)];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, Some(d(2026, 4, 2)));
    assert_eq!(
        computed.pauses[0].effect,
        PauseEffect::AfterDue { due: d(2026, 4, 2) }
    );
}

#[test]
fn bad_pauses_are_rejected_with_their_position() {
    let mut case = admin();
    case.pauses = vec![
        pause(d(2026, 3, 5), Some(d(2026, 3, 6)), PauseReason::Deficiency),
        pause(d(2026, 3, 1), Some(d(2026, 3, 6)), PauseReason::Deficiency),
    ];
    let error = compute_case_due(&case).expect_err("before start");
    assert_eq!(
        error,
        CaseDeadlineError::PauseBeforeStart {
            pause: 2,
            from: d(2026, 3, 1),
            start: d(2026, 3, 2)
        }
    );
    assert_eq!(error.code(), "pause-before-start");
    assert!(
        error.message_pl().starts_with("Przerwa nr 2:"),
        "{}",
        error.message_pl()
    );
    case.pauses = vec![pause(
        d(2026, 3, 6),
        Some(d(2026, 3, 5)),
        PauseReason::Suspension,
    )];
    let error = compute_case_due(&case).expect_err("reversed");
    assert_eq!(error.code(), "pause-ends-before-it-begins");
    assert!(error.message_en().contains("Pause 1"));
}

// ---------------------------------------------------------------- deficiency notices, due status

#[test]
fn deficiency_notice_gives_at_least_seven_days() {
    let deadline = deficiency_deadline(d(2026, 4, 24), 7).expect("valid");
    assert_eq!(deadline.due, d(2026, 5, 4));
    assert_eq!(
        deficiency_deadline(d(2026, 3, 2), 14).map(|dl| dl.due),
        Ok(d(2026, 3, 16))
    );
    for days in [0, 1, 6] {
        let error = deficiency_deadline(d(2026, 3, 2), days).expect_err("too short");
        assert_eq!(error, CaseDeadlineError::DeficiencyTooShort { days });
        assert_eq!(error.code(), "deficiency-term-too-short");
        assert!(
            error.message_pl().contains("krótszy niż 7 dni"),
            "{}",
            error.message_pl()
        );
        assert!(error.message_en().contains("at least 7 days"));
    }
    assert_eq!(
        deficiency_deadline(d(2026, 3, 2), 100_000)
            .expect_err("too long")
            .code(),
        "bad-term"
    );
}

#[test]
fn due_statuses() {
    let due = d(2026, 3, 10);
    assert_eq!(due_status(due, d(2026, 3, 11), 3), DueStatus::Overdue);
    assert_eq!(due_status(due, d(2026, 3, 10), 0), DueStatus::DueSoon);
    assert_eq!(due_status(due, d(2026, 3, 3), 7), DueStatus::DueSoon);
    assert_eq!(due_status(due, d(2026, 3, 2), 7), DueStatus::OnTime);
    assert_eq!(due_status(due, d(2026, 3, 9), 0), DueStatus::OnTime);
    assert_eq!(DueStatus::DueSoon.as_str(), "due_soon");
}

#[test]
fn dates_outside_the_calendar_are_errors() {
    let error = compute_case_due(&input(ProcedureKind::Administrative, d(2200, 12, 15)))
        .expect_err("beyond 2200");
    assert_eq!(error.code(), "date-out-of-range");
    assert!(compute_case_due(&input(ProcedureKind::Other, d(1900, 1, 1))).is_err());
}
