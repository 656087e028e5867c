use super::super::*;
use super::{admin, d, due, extension, input, pause};

#[test]
fn an_extension_names_a_later_term() {
    let mut case = admin();
    case.extension = Some(extension(d(2026, 4, 30)));
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, Some(d(2026, 4, 30)));
    let step = computed.extension.as_ref().expect("extension step");
    assert_eq!(step.replaced_due, Some(d(2026, 4, 2)));
    assert!(step.applied);
    assert_eq!(step.cap, None);

    for new_due in [d(2026, 4, 1), d(2026, 4, 2)] {
        case.extension = Some(extension(new_due));
        let error = compute_case_due(&case).expect_err("not later");
        assert_eq!(
            error,
            CaseDeadlineError::ExtensionNotLater {
                current_due: d(2026, 4, 2),
                new_due
            }
        );
        assert!(
            error
                .message_pl()
                .contains("późniejszy niż termin obowiązujący")
        );
    }
}

#[test]
fn extension_rules() {
    let code = |x: Extension| {
        let mut case = admin();
        case.extension = Some(x);
        compute_case_due(&case).expect_err("invalid").code()
    };
    assert_eq!(code(extension(d(2026, 3, 2))), "extension-not-after-start");
    assert_eq!(code(extension(d(2026, 2, 1))), "extension-not-after-start");
    let mut silent = extension(d(2026, 4, 30));
    silent.reason = "  ".to_owned();
    assert_eq!(code(silent), "extension-without-reason");
    let error = compute_case_due(&CaseClockInput {
        extension: Some(Extension {
            new_due: d(2026, 4, 30),
            reason: String::new(),
        }),
        ..admin()
    })
    .expect_err("no reason");
    assert!(error.message_pl().contains("art. 36 § 1 KPA"));
}

#[test]
fn pauses_before_and_after_the_old_term_expires() {
    // A pause while the statutory term ran extends that term; the new date must come after it.
    let mut case = admin();
    case.pauses = vec![pause(
        d(2026, 3, 5),
        Some(d(2026, 3, 12)),
        PauseReason::Deficiency,
    )];
    case.extension = Some(extension(d(2026, 4, 8)));
    let error = compute_case_due(&case).expect_err("not later than 9 April");
    assert_eq!(
        error,
        CaseDeadlineError::ExtensionNotLater {
            current_due: d(2026, 4, 9),
            new_due: d(2026, 4, 8)
        }
    );
    // ... and is not added again to the new date.
    case.extension = Some(extension(d(2026, 4, 30)));
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, Some(d(2026, 4, 30)));
    assert_eq!(
        computed.extension.as_ref().and_then(|s| s.replaced_due),
        Some(d(2026, 4, 9))
    );

    // A pause after the old term expired extends the new date: 30 April + 5 = Tuesday 5 May.
    case.pauses = vec![pause(
        d(2026, 4, 20),
        Some(d(2026, 4, 25)),
        PauseReason::Suspension,
    )];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, Some(d(2026, 5, 5)));
    assert_eq!(computed.pause_days(), 5);

    // Both: 30 April + 3 = 3 May (Sunday, holiday) → Monday 4 May.
    case.pauses = vec![
        pause(d(2026, 3, 5), Some(d(2026, 3, 12)), PauseReason::Deficiency),
        pause(
            d(2026, 4, 27),
            Some(d(2026, 4, 30)),
            PauseReason::PartyDelay,
        ),
    ];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.end_before_shift, Some(d(2026, 5, 3)));
    assert_eq!(computed.due, Some(d(2026, 5, 4)));

    // A pause after the new date expired does not revive it.
    case.pauses = vec![pause(
        d(2026, 5, 10),
        Some(d(2026, 5, 20)),
        PauseReason::Suspension,
    )];
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, Some(d(2026, 4, 30)));
    assert_eq!(
        computed.pauses[0].effect,
        PauseEffect::AfterDue {
            due: d(2026, 4, 30)
        }
    );
}

#[test]
fn a_stopped_clock_holds_the_extension() {
    let mut case = admin();
    case.pauses = vec![pause(d(2026, 3, 10), None, PauseReason::Suspension)];
    case.extension = Some(extension(d(2026, 5, 20)));
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, None);
    assert!(computed.extension.as_ref().is_some_and(|s| !s.applied));
    assert!(
        computed
            .explain_pl()
            .contains("zostanie uwzględnione po wznowieniu")
    );
    assert!(
        computed
            .explain_en()
            .contains("will count once the clock runs again")
    );
}

#[test]
fn public_information_extension_is_capped_at_two_months() {
    let start = d(2026, 3, 2);
    // 2 May 2026 is a Saturday and 3 May a Sunday holiday: the cap is Monday 4 May.
    assert_eq!(public_information_cap(start), Ok(d(2026, 5, 4)));
    let mut case = input(ProcedureKind::PublicInformation, start);
    assert_eq!(due(&case), d(2026, 3, 16));
    case.extension = Some(extension(d(2026, 5, 4)));
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, Some(d(2026, 5, 4)));
    assert_eq!(
        computed.extension.as_ref().and_then(|s| s.cap),
        Some(d(2026, 5, 4))
    );
    case.extension = Some(extension(d(2026, 5, 2)));
    assert_eq!(due(&case), d(2026, 5, 4));
    case.extension = Some(extension(d(2026, 5, 5)));
    let error = compute_case_due(&case).expect_err("beyond the cap");
    assert_eq!(
        error,
        CaseDeadlineError::ExtensionBeyondCap {
            cap: d(2026, 5, 4),
            new_due: d(2026, 5, 5)
        }
    );
    assert!(error.message_pl().contains("art. 13 ust. 2"));
    assert!(error.message_pl().contains("poniedziałek, 4 maja 2026 r."));
    // Other kinds have no such cap.
    let mut other = admin();
    other.extension = Some(extension(d(2026, 9, 1)));
    assert_eq!(due(&other), d(2026, 9, 1));
}

#[test]
fn kinds_without_a_term_take_it_from_the_notice() {
    let mut case = input(ProcedureKind::Invoice, d(2026, 3, 2));
    let computed = compute_case_due(&case).expect("computable");
    assert_eq!(computed.due, None);
    assert!(
        computed
            .explain_pl()
            .contains("Przepisy nie określają terminu")
    );
    assert!(computed.explain_pl().contains("nie został wyznaczony"));
    assert!(computed.explain_en().contains("No term has been set"));
    assert_eq!(
        compute_case_due(&CaseClockInput {
            pauses: vec![pause(
                d(2026, 3, 5),
                Some(d(2026, 3, 9)),
                PauseReason::PartyDelay
            )],
            ..case.clone()
        })
        .expect("computable")
        .pauses[0]
            .effect,
        PauseEffect::NoTerm
    );
    case.pauses = vec![
        pause(d(2026, 3, 2), Some(d(2026, 3, 4)), PauseReason::PartyDelay),
        pause(
            d(2026, 3, 10),
            Some(d(2026, 3, 12)),
            PauseReason::PartyDelay,
        ),
    ];
    case.extension = Some(extension(d(2026, 3, 20)));
    let computed = compute_case_due(&case).expect("computable");
    // The notice sets 20 March from the start; the pauses add 1 (3 March) and 2 days.
    assert_eq!(computed.pause_days(), 3);
    assert_eq!(computed.due, Some(d(2026, 3, 23)));
    assert_eq!(
        computed.extension.as_ref().and_then(|s| s.replaced_due),
        None
    );
}

#[test]
fn explanations_read_step_by_step() {
    let mut case = admin();
    case.pauses = vec![
        pause(
            d(2026, 3, 10),
            Some(d(2026, 3, 14)),
            PauseReason::Suspension,
        ),
        pause(
            d(2026, 3, 12),
            Some(d(2026, 3, 13)),
            PauseReason::PartyDelay,
        ),
    ];
    let computed = compute_case_due(&case).expect("computable");
    let pl = computed.explain_pl();
    let expected_pl = [
        "Rodzaj sprawy: postępowanie administracyjne.",
        "Początek biegu terminu: poniedziałek, 2 marca 2026 r. (tego dnia nie wlicza się do terminu – art. 57 § 1 KPA).",
        "Termin ustawowy: 1 miesiąc (art. 35 § 3 KPA).",
        "Koniec terminu według kalendarza: czwartek, 2 kwietnia 2026 r.",
        "Okresy niewliczane do terminu (art. 35 § 5 KPA):",
        "– zawieszenie postępowania (art. 97 KPA), od 10 marca 2026 r., bieg terminu wznowiony 14 marca 2026 r.: nie wlicza się dni od 10 marca 2026 r. do 13 marca 2026 r.; termin wydłuża się o 4 dni;",
        "– opóźnienie z winy strony albo z przyczyn niezależnych od organu, od 12 marca 2026 r., bieg terminu wznowiony 13 marca 2026 r.: te dni były już wyłączone z terminu, więc termin się nie wydłuża.",
        "Koniec terminu po uwzględnieniu powyższego: poniedziałek, 6 kwietnia 2026 r.",
        "Termin nie może upłynąć w dniu wolnym od pracy ani w sobotę, więc przesuwa się na następny dzień roboczy (art. 57 § 4 KPA):",
        "– poniedziałek, 6 kwietnia 2026 r.: święto „Poniedziałek Wielkanocny” – dzień ustawowo wolny od pracy.",
        "Termin upływa: wtorek, 7 kwietnia 2026 r.",
    ]
    .join("\n");
    assert_eq!(pl, expected_pl);
    let en = computed.explain_en();
    assert!(
        en.starts_with("Kind of case: administrative proceeding.\n"),
        "{en}"
    );
    assert!(
        en.contains("Statutory term: 1 month (KPA art. 35 § 3)."),
        "{en}"
    );
    assert!(en.contains("the term grows by 4 days;"), "{en}");
    assert!(
        en.contains("public holiday “Poniedziałek Wielkanocny”"),
        "{en}"
    );
    assert!(
        en.ends_with("The term ends on: Tuesday, 7 April 2026."),
        "{en}"
    );

    // Public information is counted under the Civil Code and extended under UDIP.
    let mut udip = input(ProcedureKind::PublicInformation, d(2025, 12, 10));
    let pl = compute_case_due(&udip).expect("computable").explain_pl();
    assert!(pl.contains("art. 111 § 2 Kodeksu cywilnego"), "{pl}");
    assert!(pl.contains("(art. 115 Kodeksu cywilnego):"), "{pl}");
    assert!(pl.contains("święto „Wigilia Bożego Narodzenia”"), "{pl}");
    udip.extension = Some(extension(d(2026, 2, 10)));
    let pl = compute_case_due(&udip).expect("computable").explain_pl();
    assert!(pl.contains("Zawiadomienie o niezałatwieniu sprawy w terminie (art. 13 ust. 2 ustawy o dostępie do informacji publicznej) wyznacza nowy termin: wtorek, 10 lutego 2026 r.; przyczyna zwłoki: oczekiwanie na opinię innego organu."), "{pl}");
    assert!(pl.contains("Zastępuje termin 29 grudnia 2025 r."), "{pl}");
    assert!(
        pl.contains("Najpóźniejszy dopuszczalny termin to 10 lutego 2026 r."),
        "{pl}"
    );
    assert!(
        pl.ends_with("Termin upływa: wtorek, 10 lutego 2026 r."),
        "{pl}"
    );
}
