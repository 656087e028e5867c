use super::super::*;
use crate::calendar::is_working_day;
use proptest::prelude::*;
use time::{Date, Duration};

fn kind_with_term() -> impl Strategy<Value = ProcedureKind> {
    prop::sample::select(vec![
        ProcedureKind::Administrative,
        ProcedureKind::Certificate,
        ProcedureKind::PublicInformation,
        ProcedureKind::Petition,
        ProcedureKind::Complaint,
        ProcedureKind::Motion,
    ])
}

fn start_date() -> impl Strategy<Value = Date> {
    // 1990–2190, so that every term and pause stays inside the holiday table.
    (0i64..73_000).prop_map(|offset| {
        Date::from_calendar_date(1990, time::Month::January, 1).expect("date")
            + Duration::days(offset)
    })
}

fn reason() -> impl Strategy<Value = PauseReason> {
    prop::sample::select(vec![
        PauseReason::Suspension,
        PauseReason::Deficiency,
        PauseReason::PartyDelay,
    ])
}

/// Up to four closed pauses, each given as (days after start, length in days).
fn pauses() -> impl Strategy<Value = Vec<(i64, i64, PauseReason)>> {
    prop::collection::vec((0i64..120, 0i64..60, reason()), 0..4)
}

fn build(start: Date, raw: &[(i64, i64, PauseReason)]) -> Vec<Pause> {
    raw.iter()
        .map(|(offset, length, reason)| Pause {
            from: start + Duration::days(*offset),
            until: Some(start + Duration::days(offset + length)),
            reason: *reason,
        })
        .collect()
}

proptest! {
    #[test]
    fn due_is_a_working_day_not_before_the_nominal_end(
        kind in kind_with_term(),
        complicated in any::<bool>(),
        start in start_date(),
        raw in pauses(),
    ) {
        let input = CaseClockInput {
            kind,
            start,
            complicated,
            pauses: build(start, &raw),
            extension: None,
        };
        let computed = compute_case_due(&input).expect("computable");
        let due = computed.due.expect("closed pauses never stop the clock");
        let nominal = computed.nominal_end.expect("a statutory term");
        prop_assert!(due >= nominal);
        prop_assert!(is_working_day(due));
        prop_assert!(due > start);
        let end = computed.end_before_shift.expect("an end");
        prop_assert_eq!(i64::from(computed.pause_days()), (end - nominal).whole_days());
        // The pauses add the days they span, plus at most the days a pause beginning on a day
        // moved past by art. 57 § 4 gives back (the longest such run is 24–28 December).
        let span: i64 = raw.iter().map(|(_, length, _)| *length).sum();
        let count = i64::try_from(raw.len()).expect("few pauses");
        prop_assert!(i64::from(computed.pause_days()) <= span + 5 * count);
    }

    #[test]
    fn longer_pauses_never_make_the_due_earlier(
        kind in kind_with_term(),
        start in start_date(),
        raw in pauses(),
        which in 0usize..4,
        more in 1i64..30,
    ) {
        let base = CaseClockInput {
            kind,
            start,
            complicated: false,
            pauses: build(start, &raw),
            extension: None,
        };
        let mut longer = raw.clone();
        if let Some(pause) = longer.get_mut(which) {
            pause.1 += more;
        } else {
            longer.push((0, more, PauseReason::PartyDelay));
        }
        let extended = CaseClockInput { pauses: build(start, &longer), ..base.clone() };
        let before = compute_case_due(&base).expect("computable").due;
        let after = compute_case_due(&extended).expect("computable").due;
        prop_assert!(after >= before, "{:?} < {:?}", after, before);
        // And any pause at all never makes it earlier than none.
        let none = CaseClockInput { pauses: Vec::new(), ..base };
        prop_assert!(compute_case_due(&none).expect("computable").due <= before);
    }

    #[test]
    fn pause_order_does_not_matter(
        kind in kind_with_term(),
        start in start_date(),
        raw in pauses(),
    ) {
        let forward = CaseClockInput {
            kind,
            start,
            complicated: false,
            pauses: build(start, &raw),
            extension: None,
        };
        let mut reversed = forward.clone();
        reversed.pauses.reverse();
        prop_assert_eq!(
            compute_case_due(&forward).expect("computable").due,
            compute_case_due(&reversed).expect("computable").due
        );
    }

    #[test]
    fn an_accepted_extension_never_makes_the_due_earlier(
        kind in kind_with_term(),
        start in start_date(),
        raw in pauses(),
        later_by in 1i64..90,
    ) {
        let base = CaseClockInput {
            kind,
            start,
            complicated: false,
            pauses: build(start, &raw),
            extension: None,
        };
        let before = compute_case_due(&base).expect("computable").due.expect("due");
        let extension = Extension {
            new_due: before + Duration::days(later_by),
            reason: "opinia biegłego".to_owned(),
        };
        let extended = CaseClockInput { extension: Some(extension), ..base };
        match compute_case_due(&extended) {
            Ok(computed) => {
                let after = computed.due.expect("due");
                prop_assert!(after > before);
                prop_assert!(is_working_day(after));
            }
            Err(error) => prop_assert_eq!(error.code(), "extension-beyond-cap"),
        }
    }

    #[test]
    fn deficiency_terms_below_seven_days_are_refused(start in start_date(), days in 0u32..60) {
        let result = deficiency_deadline(start, days);
        prop_assert_eq!(result.is_ok(), days >= MIN_DEFICIENCY_DAYS);
        if let Ok(deadline) = result {
            prop_assert!(is_working_day(deadline.due));
            prop_assert!((deadline.due - start).whole_days() >= i64::from(days));
        }
    }
}
