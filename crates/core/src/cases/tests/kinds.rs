use super::super::*;
use crate::calendar::Term;

#[test]
fn kinds_round_trip_and_have_labels() {
    for kind in ProcedureKind::ALL {
        assert_eq!(kind.as_str().parse::<ProcedureKind>(), Ok(kind));
        assert_eq!(kind.to_string(), kind.as_str());
        assert!(!kind.label_pl().is_empty() && !kind.label_en().is_empty());
    }
    let error = "decision".parse::<ProcedureKind>().expect_err("unknown");
    assert_eq!(error.code(), "unknown-value");
    assert!(error.message_pl().contains("public_information"));
    assert!(error.message_en().contains("“decision”"));
}

#[test]
fn statutory_terms() {
    let term = |kind, complicated| statutory_term(kind, complicated).map(|t| t.term);
    assert_eq!(
        term(ProcedureKind::Administrative, false),
        Some(Term::Months(1))
    );
    assert_eq!(
        term(ProcedureKind::Administrative, true),
        Some(Term::Months(2))
    );
    assert_eq!(term(ProcedureKind::Certificate, false), Some(Term::Days(7)));
    assert_eq!(term(ProcedureKind::Certificate, true), Some(Term::Days(7)));
    assert_eq!(
        term(ProcedureKind::PublicInformation, false),
        Some(Term::Days(14))
    );
    assert_eq!(term(ProcedureKind::Petition, false), Some(Term::Months(3)));
    assert_eq!(term(ProcedureKind::Complaint, false), Some(Term::Months(1)));
    assert_eq!(term(ProcedureKind::Motion, false), Some(Term::Months(1)));
    assert_eq!(term(ProcedureKind::Invoice, false), None);
    assert_eq!(term(ProcedureKind::Other, true), None);
    let basis = |kind| statutory_term(kind, false).map(|t| t.basis_pl);
    assert_eq!(
        basis(ProcedureKind::Administrative),
        Some("art. 35 § 3 KPA")
    );
    assert_eq!(basis(ProcedureKind::Certificate), Some("art. 217 § 3 KPA"));
    assert_eq!(basis(ProcedureKind::Complaint), Some("art. 237 § 1 KPA"));
    assert_eq!(basis(ProcedureKind::Motion), Some("art. 244 § 1 KPA"));
    assert!(basis(ProcedureKind::PublicInformation).is_some_and(|b| b.contains("art. 13 ust. 1")));
    assert!(basis(ProcedureKind::Petition).is_some_and(|b| b.contains("art. 10 ust. 1")));
}

#[test]
fn statuses_and_actions_round_trip() {
    for status in CaseStatus::ALL {
        assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(status));
        assert!(!status.label_pl().is_empty());
    }
    for action in CaseAction::ALL {
        assert_eq!(action.as_str().parse::<CaseAction>(), Ok(action));
        assert!(!action.label_en().is_empty());
    }
    assert!("paused".parse::<CaseStatus>().is_err());
    assert!("pause".parse::<CaseAction>().is_err());
}

#[test]
fn transitions() {
    use CaseAction::*;
    use CaseStatus::*;
    assert_eq!(Open.can(Suspend), Ok(Suspended));
    assert_eq!(Open.can(SendDeficiencyNotice), Ok(AwaitingParty));
    assert_eq!(Open.can(Close), Ok(Closed));
    assert_eq!(Suspended.can(Resume), Ok(Open));
    assert_eq!(Suspended.can(Close), Ok(Closed));
    assert_eq!(AwaitingParty.can(DeficiencyRemedied), Ok(Open));
    assert_eq!(AwaitingParty.can(Close), Ok(Closed));
    assert_eq!(Closed.can(Reopen), Ok(Open));
    assert!(Open.clock_runs() && !Suspended.clock_runs() && !AwaitingParty.clock_runs());

    // Exactly the allowed actions succeed.
    for status in CaseStatus::ALL {
        for action in CaseAction::ALL {
            let allowed = status.allowed_actions().contains(&action);
            assert_eq!(status.can(action).is_ok(), allowed, "{status} {action}");
        }
    }

    let error = Suspended
        .can(SendDeficiencyNotice)
        .expect_err("not allowed");
    assert_eq!(error.code(), "case-transition-not-allowed");
    let pl = error.message_pl();
    assert!(pl.contains("„zawieszona”"), "{pl}");
    assert!(pl.contains("Najpierw podejmij"), "{pl}");
    assert!(
        pl.contains("podjęcie zawieszonego postępowania, zakończenie sprawy"),
        "{pl}"
    );
    let en = AwaitingParty
        .can(Suspend)
        .expect_err("not allowed")
        .message_en();
    assert!(en.contains("Record the remedy"), "{en}");
    let en = Closed.can(Close).expect_err("not allowed").message_en();
    assert!(en.contains("Allowed now: reopen the case."), "{en}");
    assert!(Open.can(Reopen).is_err());
    assert!(Open.can(Resume).is_err());
    assert!(Closed.can(Suspend).is_err());
}
