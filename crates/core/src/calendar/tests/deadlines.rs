use super::super::*;
use super::d;
use proptest::prelude::*;
use time::{Date, Duration, Weekday};

fn due(start: Date, term: &str) -> Deadline {
    deadline(start, term.parse().expect("valid term")).expect("in range")
}

#[test]
fn fourteen_days_from_monday_23_november_2026() {
    let dl = due(d(2026, 11, 23), "14d");
    assert_eq!(dl.start.weekday(), Weekday::Monday);
    assert_eq!(dl.nominal_end, d(2026, 12, 7));
    assert_eq!(dl.due, d(2026, 12, 7));
    assert!(dl.shifts.is_empty());
    assert!(!dl.was_shifted());
}

#[test]
fn day_of_the_event_is_not_counted() {
    // KPA art. 57 § 1, the textbook example: served Monday 19 November 2018, 7 days → 26 November.
    let dl = due(d(2018, 11, 19), "7d");
    assert_eq!(dl.due, d(2018, 11, 26));
    assert_eq!(due(d(2026, 11, 23), "1d").due, d(2026, 11, 24));
}

#[test]
fn christmas_2025_moves_five_days() {
    // 14 days from 10 December 2025 end on Wigilia (Wednesday); 24–28 December are all skipped.
    let dl = due(d(2025, 12, 10), "14d");
    assert_eq!(dl.nominal_end, d(2025, 12, 24));
    assert_eq!(dl.due, d(2025, 12, 29));
    assert_eq!(
        dl.shifts,
        vec![
            Shift {
                from: d(2025, 12, 24),
                reason: ShiftReason::Holiday("Wigilia Bożego Narodzenia")
            },
            Shift {
                from: d(2025, 12, 25),
                reason: ShiftReason::Holiday("Boże Narodzenie (pierwszy dzień)")
            },
            Shift {
                from: d(2025, 12, 26),
                reason: ShiftReason::Holiday("Boże Narodzenie (drugi dzień)")
            },
            Shift {
                from: d(2025, 12, 27),
                reason: ShiftReason::Saturday
            },
            Shift {
                from: d(2025, 12, 28),
                reason: ShiftReason::Sunday
            },
        ]
    );
}

#[test]
fn wigilia_2024_was_a_working_day() {
    let dl = due(d(2024, 12, 10), "14d");
    assert_eq!(dl.due, d(2024, 12, 24));
    assert!(dl.shifts.is_empty());
}

#[test]
fn easter_2024() {
    let dl = due(d(2024, 3, 17), "14d");
    assert_eq!(dl.nominal_end, d(2024, 3, 31));
    assert_eq!(dl.due, d(2024, 4, 2));
    assert_eq!(
        dl.shifts,
        vec![
            Shift {
                from: d(2024, 3, 31),
                reason: ShiftReason::Holiday("Wielkanoc")
            },
            Shift {
                from: d(2024, 4, 1),
                reason: ShiftReason::Holiday("Poniedziałek Wielkanocny")
            },
        ]
    );
}

#[test]
fn may_2021_saturday_holiday_sunday_holiday() {
    let dl = due(d(2021, 4, 30), "1d");
    assert_eq!(dl.nominal_end, d(2021, 5, 1));
    assert_eq!(dl.due, d(2021, 5, 4));
    let reasons: Vec<ShiftReason> = dl.shifts.into_iter().map(|s| s.reason).collect();
    assert_eq!(
        reasons,
        vec![
            ShiftReason::Holiday("Święto Państwowe"),
            ShiftReason::Sunday,
            ShiftReason::Holiday("Święto Narodowe Trzeciego Maja"),
        ]
    );
}

#[test]
fn independence_centenary_2018() {
    let dl = due(d(2018, 11, 9), "1d");
    assert_eq!(dl.due, d(2018, 11, 13));
    assert_eq!(dl.shifts.len(), 3);
    assert_eq!(
        dl.shifts[1].reason,
        ShiftReason::Holiday("Narodowe Święto Niepodległości")
    );
}

#[test]
fn weeks_end_on_the_same_weekday() {
    // KPA art. 57 § 2: 4 September 2023 (Monday) + 4 weeks = 2 October 2023 (Monday).
    let dl = due(d(2023, 9, 4), "4w");
    assert_eq!(dl.due, d(2023, 10, 2));
}

#[test]
fn months_end_on_the_same_day_number_or_the_last_day() {
    assert_eq!(due(d(2025, 1, 31), "1m").due, d(2025, 2, 28));
    assert_eq!(due(d(2024, 1, 31), "1m").due, d(2024, 2, 29));
    assert_eq!(due(d(2025, 3, 15), "3m").nominal_end, d(2025, 6, 15));
    assert_eq!(due(d(2025, 11, 30), "3m").nominal_end, d(2026, 2, 28));
    // 28 February 2026 is a Saturday: moved past Sunday 1 March.
    let dl = due(d(2026, 1, 31), "1m");
    assert_eq!(dl.nominal_end, d(2026, 2, 28));
    assert_eq!(dl.due, d(2026, 3, 2));
    assert_eq!(dl.shifts.len(), 2);
}

#[test]
fn terms_out_of_bounds_are_rejected() {
    for term in [
        Term::Days(0),
        Term::Weeks(0),
        Term::Months(0),
        Term::Days(3651),
        Term::Weeks(521),
        Term::Months(121),
    ] {
        assert!(
            matches!(
                deadline(d(2025, 1, 1), term),
                Err(CalendarError::BadTerm(_))
            ),
            "{term}"
        );
    }
}

#[test]
fn dates_leaving_the_table_are_errors() {
    assert_eq!(
        deadline(d(1950, 12, 31), Term::Days(14)),
        Err(CalendarError::DateOutOfRange)
    );
    assert_eq!(
        deadline(d(2200, 12, 31), Term::Days(1)),
        Err(CalendarError::DateOutOfRange)
    );
    assert_eq!(
        deadline(d(2200, 6, 1), Term::Months(7)),
        Err(CalendarError::DateOutOfRange)
    );
    // A term ending in the last days of 2200 either stays in 2200 (the due day is a working day
    // of 2200) or is an error: it never runs off the table or panics.
    for day in 20..=31 {
        match deadline(d(2200, 12, day - 1), Term::Days(1)) {
            Ok(dl) => assert_eq!(dl.due.year(), 2200),
            Err(e) => assert_eq!(e, CalendarError::DateOutOfRange),
        }
    }
    assert!(deadline(d(1951, 1, 1), Term::Days(1)).is_ok());
}

#[test]
fn term_parsing_and_display() {
    assert_eq!("14d".parse(), Ok(Term::Days(14)));
    assert_eq!("2w".parse(), Ok(Term::Weeks(2)));
    assert_eq!("1m".parse(), Ok(Term::Months(1)));
    assert_eq!("3m".parse(), Ok(Term::Months(3)));
    assert_eq!(" 14D ".parse(), Ok(Term::Days(14)));
    assert_eq!("3650d".parse(), Ok(Term::Days(3650)));
    assert_eq!("520w".parse(), Ok(Term::Weeks(520)));
    assert_eq!("120m".parse(), Ok(Term::Months(120)));
    for bad in [
        "",
        " ",
        "d",
        "14",
        "0d",
        "00d",
        "-1d",
        "+1d",
        "1.5d",
        "14 d",
        "14x",
        "14dd",
        "3651d",
        "521w",
        "121m",
        "99999999999999999999d",
        "٣d",
        "14ď",
        "1e3d",
    ] {
        assert_eq!(
            bad.parse::<Term>(),
            Err(CalendarError::BadTerm(bad.to_owned())),
            "{bad:?}"
        );
    }
    assert_eq!(Term::Days(14).to_string(), "14d");
    assert_eq!(Term::Weeks(2).to_string(), "2w");
    assert_eq!(Term::Months(3).to_string(), "3m");
}

#[test]
fn explanations_name_every_step() {
    let dl = due(d(2025, 12, 10), "14d");
    let pl = dl.explain_pl();
    assert!(pl.contains("środa, 10 grudnia 2025 r."), "{pl}");
    assert!(pl.contains("14 dni"), "{pl}");
    assert!(pl.contains("art. 57 § 1 KPA"), "{pl}");
    assert!(pl.contains("art. 57 § 4 KPA"), "{pl}");
    assert!(pl.contains("Wigilia Bożego Narodzenia"), "{pl}");
    assert!(pl.contains("sobota, 27 grudnia 2025 r.: sobota"), "{pl}");
    assert!(
        pl.ends_with("Termin upływa: poniedziałek, 29 grudnia 2025 r."),
        "{pl}"
    );
    assert!(!pl.contains("r.."), "{pl}");
    assert_eq!(pl.lines().count(), 3 + 1 + 5 + 1);
    let en = dl.explain_en();
    assert!(en.contains("Wednesday, 10 December 2025"), "{en}");
    assert!(en.contains("14 days"), "{en}");
    assert!(
        en.ends_with("The term ends on: Monday, 29 December 2025."),
        "{en}"
    );

    let plain = due(d(2026, 11, 23), "1w");
    assert!(plain.explain_pl().contains("1 tydzień"));
    assert!(!plain.explain_pl().contains("§ 4"));
    assert!(plain.explain_en().contains("1 week ("));
    assert!(
        due(d(2026, 11, 23), "22w")
            .explain_pl()
            .contains("22 tygodnie")
    );
    assert!(
        due(d(2026, 11, 23), "12m")
            .explain_pl()
            .contains("12 miesięcy")
    );
    assert!(
        due(d(2026, 11, 23), "2m")
            .explain_pl()
            .contains("2 miesiące")
    );
    assert!(due(d(2026, 11, 23), "1d").explain_pl().contains("1 dzień"));
}

fn any_date() -> impl Strategy<Value = Date> {
    let first = d(FIRST_YEAR, 1, 1).to_julian_day();
    // Leave room for the longest term so every generated case stays in the table.
    let last = d(LAST_YEAR - 11, 12, 31).to_julian_day();
    (first..=last).prop_map(|jd| Date::from_julian_day(jd).expect("in range"))
}

fn any_term() -> impl Strategy<Value = Term> {
    prop_oneof![
        (1..=Term::MAX_DAYS).prop_map(Term::Days),
        (1..=Term::MAX_WEEKS).prop_map(Term::Weeks),
        (1..=Term::MAX_MONTHS).prop_map(Term::Months),
    ]
}

proptest! {
    #[test]
    fn due_is_a_working_day_reached_through_recorded_shifts(start in any_date(), term in any_term()) {
        let dl = deadline(start, term).expect("in range");
        prop_assert!(is_working_day(dl.due));
        prop_assert!(!matches!(dl.due.weekday(), Weekday::Saturday | Weekday::Sunday));
        prop_assert!(!is_holiday(dl.due));
        prop_assert!(dl.due >= dl.nominal_end);
        prop_assert!(dl.nominal_end > dl.start);
        prop_assert_eq!(dl.shifts.len() as i64, (dl.due - dl.nominal_end).whole_days());
        prop_assert!(dl.shifts.len() <= 5);
        for (i, shift) in dl.shifts.iter().enumerate() {
            prop_assert_eq!(shift.from, dl.nominal_end + Duration::days(i as i64));
            prop_assert!(!is_working_day(shift.from));
            match shift.reason {
                ShiftReason::Holiday(name) => prop_assert_eq!(holiday_name(shift.from), Some(name)),
                ShiftReason::Saturday => prop_assert_eq!(shift.from.weekday(), Weekday::Saturday),
                ShiftReason::Sunday => prop_assert_eq!(shift.from.weekday(), Weekday::Sunday),
            }
        }
        prop_assert!(dl.explain_pl().contains("Termin upływa"));
        prop_assert!(dl.explain_en().contains("The term ends on"));
    }

    #[test]
    fn days_count_exactly(start in any_date(), n in 1..=Term::MAX_DAYS) {
        let dl = deadline(start, Term::Days(n)).expect("in range");
        prop_assert_eq!((dl.nominal_end - start).whole_days(), i64::from(n));
    }

    #[test]
    fn weeks_are_seven_days(start in any_date(), n in 1..=Term::MAX_WEEKS) {
        let weeks = deadline(start, Term::Weeks(n)).expect("in range");
        let days = deadline(start, Term::Days(7 * n)).expect("in range");
        prop_assert_eq!(weeks.nominal_end, days.nominal_end);
        prop_assert_eq!(weeks.due, days.due);
        prop_assert_eq!(weeks.nominal_end.weekday(), start.weekday());
    }

    #[test]
    fn months_keep_the_day_number_or_take_the_last_day(start in any_date(), n in 1..=Term::MAX_MONTHS) {
        let end = deadline(start, Term::Months(n)).expect("in range").nominal_end;
        let months = |date: Date| i64::from(date.year()) * 12 + i64::from(u8::from(date.month()));
        prop_assert_eq!(months(end) - months(start), i64::from(n));
        prop_assert_eq!(end.day(), start.day().min(end.month().length(end.year())));
    }

    #[test]
    fn term_display_round_trips(term in any_term()) {
        prop_assert_eq!(term.to_string().parse::<Term>(), Ok(term));
    }

    #[test]
    fn term_parsing_never_panics(text in "\\PC{0,12}") {
        let _ = text.parse::<Term>();
    }

    #[test]
    fn deadlines_near_the_end_of_the_table_never_panic(offset in 0i64..800, term in any_term()) {
        let start = d(LAST_YEAR, 12, 31) - Duration::days(offset);
        match deadline(start, term) {
            Ok(dl) => prop_assert!(dl.due.year() <= LAST_YEAR),
            Err(e) => prop_assert_eq!(e, CalendarError::DateOutOfRange),
        }
    }
}
