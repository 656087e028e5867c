use super::super::*;
use super::{all_dates, d};
use std::collections::BTreeSet;
use time::Weekday;

/// The number of holidays each year should have, by the eras of the module table.
fn expected_count(year: i32) -> usize {
    match year {
        1951..=1960 => 12,
        1961..=1988 => 10,
        1989 => 12,
        1990..=2010 => 12,
        2018 => 14,
        2011..=2024 => 13,
        _ => 14,
    }
}

/// Easter by Gauss's formula with its two exceptions: an independent check of the computus.
fn easter_gauss(year: i32) -> Date {
    let a = year % 19;
    let b = year % 4;
    let c = year % 7;
    let k = year / 100;
    let p = (13 + 8 * k) / 25;
    let q = k / 4;
    let m = (15 - p + k - q).rem_euclid(30);
    let n = (4 + k - q).rem_euclid(7);
    let dd = (19 * a + m) % 30;
    let e = (2 * b + 4 * c + 6 * dd + n) % 7;
    let mut days_after_march_21 = dd + e + 1;
    if dd == 29 && e == 6 {
        days_after_march_21 = 29; // 19 April instead of 26 April
    } else if dd == 28 && e == 6 && (11 * m + 11) % 30 < 19 {
        days_after_march_21 = 28; // 18 April instead of 25 April
    }
    d(year, 3, 21) + time::Duration::days(i64::from(days_after_march_21))
}

#[test]
fn every_year_has_the_count_of_its_legal_era() {
    for year in FIRST_YEAR..=LAST_YEAR {
        let list = holidays(year).expect("year in range");
        assert_eq!(list.len(), expected_count(year), "year {year}: {list:?}");
    }
}

#[test]
fn sample_years_per_era() {
    let count = |year| holidays(year).expect("year in range").len();
    assert_eq!(count(1951), 12);
    assert_eq!(count(1960), 12);
    assert_eq!(count(1961), 10);
    assert_eq!(count(1985), 10);
    assert_eq!(count(1989), 12);
    assert_eq!(count(1990), 12);
    assert_eq!(count(2010), 12);
    assert_eq!(count(2011), 13);
    assert_eq!(count(2018), 14);
    assert_eq!(count(2024), 13);
    assert_eq!(count(2025), 14);
    assert_eq!(count(2200), 14);
}

#[test]
fn every_year_is_sorted_one_entry_per_date_within_the_year() {
    for year in FIRST_YEAR..=LAST_YEAR {
        let list = holidays(year).expect("year in range");
        assert!(
            list.windows(2).all(|w| w[0].date < w[1].date),
            "year {year}"
        );
        assert!(list.iter().all(|h| h.date.year() == year));
    }
}

#[test]
fn holiday_name_agrees_with_the_yearly_lists_on_every_day() {
    let listed: BTreeSet<(Date, &str)> = (FIRST_YEAR..=LAST_YEAR)
        .flat_map(|year| holidays(year).expect("year in range"))
        .map(|h| (h.date, h.name))
        .collect();
    let mut found = 0;
    for day in all_dates() {
        match holiday_name(day) {
            Some(name) => {
                assert!(listed.contains(&(day, name)), "{day} {name}");
                assert!(is_holiday(day));
                assert!(!is_working_day(day));
                found += 1;
            }
            None => assert!(!is_holiday(day)),
        }
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        assert_eq!(is_working_day(day), !weekend && !is_holiday(day), "{day}");
    }
    assert_eq!(found, listed.len());
}

#[test]
fn known_easter_sundays() {
    let known = [
        d(1951, 3, 25),
        d(1954, 4, 18),
        d(1961, 4, 2),
        d(1981, 4, 19),
        d(2000, 4, 23),
        d(2008, 3, 23),
        d(2011, 4, 24),
        d(2019, 4, 21),
        d(2024, 3, 31),
        d(2025, 4, 20),
        d(2026, 4, 5),
        d(2038, 4, 25),
        d(2100, 3, 28),
    ];
    for easter in known {
        assert_eq!(easter_sunday(easter.year()), Some(easter));
        assert_eq!(holiday_name(easter), Some("Wielkanoc"));
    }
}

#[test]
fn computus_matches_gauss_for_the_whole_table() {
    for year in FIRST_YEAR..=LAST_YEAR {
        assert_eq!(easter_sunday(year), Some(easter_gauss(year)), "year {year}");
    }
}

#[test]
fn movable_feasts_fall_on_their_weekdays_every_year() {
    for year in FIRST_YEAR..=LAST_YEAR {
        let list = holidays(year).expect("year in range");
        let on = |name: &str| {
            list.iter()
                .find(|h| h.name == name)
                .map(|h| h.date)
                .expect(name)
        };
        let easter = on("Wielkanoc");
        assert!(
            easter >= d(year, 3, 22) && easter <= d(year, 4, 25),
            "{easter}"
        );
        assert_eq!(easter.weekday(), Weekday::Sunday);
        assert_eq!(on("Poniedziałek Wielkanocny").weekday(), Weekday::Monday);
        assert_eq!(on("Zielone Świątki").weekday(), Weekday::Sunday);
        assert_eq!(on("Boże Ciało").weekday(), Weekday::Thursday);
        assert_eq!(on("Zielone Świątki") - easter, time::Duration::days(49));
        assert_eq!(on("Boże Ciało") - easter, time::Duration::days(60));
    }
}

#[test]
fn known_dates_from_the_amendments() {
    // 12 November only in 2018.
    assert_eq!(
        holiday_name(d(2018, 11, 12)),
        Some(
            "Święto Narodowe z okazji Setnej Rocznicy Odzyskania Niepodległości Rzeczypospolitej Polskiej"
        )
    );
    for year in (FIRST_YEAR..=LAST_YEAR).filter(|y| *y != 2018) {
        assert!(!is_holiday(d(year, 11, 12)), "{year}");
    }
    // Wigilia from 2025.
    assert_eq!(
        holiday_name(d(2025, 12, 24)),
        Some("Wigilia Bożego Narodzenia")
    );
    assert!(!is_holiday(d(2024, 12, 24)));
    assert!(is_holiday(d(2200, 12, 24)));
    // Trzech Króli: until 1960, again from 2011.
    assert!(is_holiday(d(1960, 1, 6)));
    assert!(!is_holiday(d(1961, 1, 6)));
    assert!(!is_holiday(d(2010, 1, 6)));
    assert_eq!(holiday_name(d(2011, 1, 6)), Some("Święto Trzech Króli"));
    // Wniebowzięcie: until 1960, again from 1989.
    assert!(is_holiday(d(1960, 8, 15)));
    assert!(!is_holiday(d(1961, 8, 15)));
    assert!(!is_holiday(d(1988, 8, 15)));
    assert!(is_holiday(d(1989, 8, 15)));
    // 22 July until 1989, 3 May from 1990, 11 November from 1989.
    assert_eq!(
        holiday_name(d(1985, 7, 22)),
        Some("Narodowe Święto Odrodzenia Polski")
    );
    assert!(!is_holiday(d(1985, 5, 3)));
    assert!(is_holiday(d(1989, 7, 22)));
    assert!(!is_holiday(d(1990, 7, 22)));
    assert!(!is_holiday(d(1989, 5, 3)));
    assert_eq!(
        holiday_name(d(1990, 5, 3)),
        Some("Święto Narodowe Trzeciego Maja")
    );
    assert!(!is_holiday(d(1988, 11, 11)));
    assert_eq!(
        holiday_name(d(1989, 11, 11)),
        Some("Narodowe Święto Niepodległości")
    );
}

#[test]
fn the_2025_list_in_full() {
    let names: Vec<(Date, &str)> = holidays(2025)
        .expect("in range")
        .into_iter()
        .map(|h| (h.date, h.name))
        .collect();
    assert_eq!(
        names,
        vec![
            (d(2025, 1, 1), "Nowy Rok"),
            (d(2025, 1, 6), "Święto Trzech Króli"),
            (d(2025, 4, 20), "Wielkanoc"),
            (d(2025, 4, 21), "Poniedziałek Wielkanocny"),
            (d(2025, 5, 1), "Święto Państwowe"),
            (d(2025, 5, 3), "Święto Narodowe Trzeciego Maja"),
            (d(2025, 6, 8), "Zielone Świątki"),
            (d(2025, 6, 19), "Boże Ciało"),
            (d(2025, 8, 15), "Wniebowzięcie Najświętszej Maryi Panny"),
            (d(2025, 11, 1), "Wszystkich Świętych"),
            (d(2025, 11, 11), "Narodowe Święto Niepodległości"),
            (d(2025, 12, 24), "Wigilia Bożego Narodzenia"),
            (d(2025, 12, 25), "Boże Narodzenie (pierwszy dzień)"),
            (d(2025, 12, 26), "Boże Narodzenie (drugi dzień)"),
        ]
    );
}

#[test]
fn outside_the_table() {
    assert_eq!(holidays(1950), Err(CalendarError::YearOutOfRange(1950)));
    assert_eq!(holidays(2201), Err(CalendarError::YearOutOfRange(2201)));
    assert_eq!(holiday_name(d(1950, 12, 25)), None);
    assert_eq!(holiday_name(d(2201, 1, 1)), None);
    assert!(
        is_working_day(d(2201, 1, 1)),
        "no holidays are known there; a Tuesday counts as working"
    );
}

#[test]
fn runs_of_non_working_days_are_at_most_five() {
    let (mut run, mut longest, mut longest_start) = (0, 0, d(FIRST_YEAR, 1, 1));
    for day in all_dates() {
        if is_working_day(day) {
            run = 0;
        } else {
            run += 1;
            if run > longest {
                longest = run;
                longest_start = day - time::Duration::days(run - 1);
            }
        }
    }
    // 24–28 December 2025 (Wednesday to Sunday) is the first five-day run.
    assert_eq!(longest, 5);
    assert_eq!(longest_start, d(2025, 12, 24));
}

#[test]
fn error_codes_and_polish_messages() {
    let errors = [
        CalendarError::YearOutOfRange(1900),
        CalendarError::BadTerm("0d".into()),
        CalendarError::DateOutOfRange,
    ];
    let codes: Vec<&str> = errors.iter().map(CalendarError::code).collect();
    assert_eq!(
        codes,
        ["year-out-of-range", "bad-term", "date-out-of-range"]
    );
    assert!(
        errors
            .iter()
            .all(|e| !e.message_pl().is_empty() && !e.to_string().is_empty())
    );
}
