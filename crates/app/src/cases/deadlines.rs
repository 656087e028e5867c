//! Case deadlines in use: the due date follows from the procedure kind and the start date
//! (law in `ratusz_core::cases`); suspensions, the notice to remedy deficiencies (KPA art. 64
//! § 2) and delays caused by the party stop the clock (art. 35 § 5); an extension names a new
//! date and produces the delay notice (art. 36) as a draft letter.

use ratusz_core::calendar::words::letter_date_pl;
use ratusz_core::cases::{
    CaseClockInput, CaseDue, Extension, Pause, PauseReason, ProcedureKind, compute_case_due,
    deficiency_deadline,
};
use ratusz_store::cases::{self as repo, CasePauseRow, CaseRow};
use ratusz_store::registry as reg;
use ratusz_store::{Db, new_id};
use serde_json::json;
use time::Date;

use super::{ensure_open, lock_for_handling, log};
use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::kinds::DocumentKind;
use crate::registry::{Fields, date_field, iso, long_text, parse_iso, text_field};
use crate::{App, AppError, FieldError};

pub const SUSPENSION: &str = "suspension";
pub const DEFICIENCY: &str = "deficiency";
pub const PARTY_DELAY: &str = "party_delay";

fn reason_of(s: &str) -> PauseReason {
    match s {
        DEFICIENCY => PauseReason::Deficiency,
        PARTY_DELAY => PauseReason::PartyDelay,
        _ => PauseReason::Suspension,
    }
}

/// The due date of a case with its periods that do not count, and how it was computed.
pub fn compute(case: &CaseRow, pauses: &[CasePauseRow]) -> Result<CaseDue, AppError> {
    let kind: ProcedureKind = case
        .procedure_kind
        .parse()
        .map_err(|_| AppError::Internal("stored procedure kind".into()))?;
    let start =
        parse_iso(&case.start_date).ok_or(AppError::Internal("stored start date".into()))?;
    let pauses = pauses
        .iter()
        .filter_map(|p| {
            Some(Pause {
                from: parse_iso(&p.from_date)?,
                until: p.until_date.as_deref().and_then(parse_iso),
                reason: reason_of(&p.reason),
            })
        })
        .collect();
    let extension = match (&case.extension_due, &case.extension_reason) {
        (Some(d), r) => parse_iso(d).map(|new_due| Extension {
            new_due,
            reason: r.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    compute_case_due(&CaseClockInput {
        kind,
        start,
        complicated: case.complicated,
        pauses,
        extension,
    })
    .map_err(|e| AppError::field("deadline", e.code(), e.message_pl(), e.message_en()))
}

/// Recomputes and stores the due date after a change of pauses or extension.
fn refresh_due(conn: &mut Db, case: &mut CaseRow, now: i64) -> Result<CaseDue, AppError> {
    let pauses = repo::pauses(conn, &case.tenant_id, &case.id)?;
    let due = compute(case, &pauses)?;
    case.due_date = due.due.map(iso);
    case.updated_at = now;
    repo::update(conn, case)?;
    Ok(due)
}

fn open_pause(conn: &mut Db, case: &CaseRow) -> Result<Option<CasePauseRow>, AppError> {
    Ok(repo::pauses(conn, &case.tenant_id, &case.id)?
        .into_iter()
        .find(|p| p.until_date.is_none()))
}

impl App {
    /// Stops the clock from `from` (suspension, KPA art. 97 and 35 § 5, or a delay caused by
    /// the party). The case status follows.
    pub fn pause_case(
        &self,
        p: &Principal,
        case_id: &str,
        reason: &str,
        from: &str,
        note: &str,
    ) -> Result<CaseRow, AppError> {
        let mut f = Fields::default();
        let reason = match reason.trim() {
            SUSPENSION | PARTY_DELAY => Some(reason.trim().to_owned()),
            _ => {
                f.0.push(FieldError::new(
                    "reason",
                    "unknown-value",
                    "Wybierz powód: zawieszenie postępowania albo opóźnienie z winy strony.",
                    "Choose a reason: suspension or a delay caused by the party.",
                ));
                None
            }
        };
        let from = f.take(date_field("from", from));
        let note = f.take(long_text("note", note, 1000));
        f.finish()?;
        let (Some(reason), Some(from), Some(note)) = (reason, from, note) else {
            return Err(AppError::Internal("pause validation".into()));
        };
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut case = lock_for_handling(conn, p, case_id)?;
            ensure_open(&case)?;
            self.insert_pause(conn, p, &mut case, &reason, from, None, now)?;
            log::append(conn, &case.tenant_id, &case.id, &p.actor(), "deadline.paused", None,
                json!({"reason": reason, "from": iso(from), "note": note, "due_date": case.due_date}), now)?;
            record(conn, &case.tenant_id, &p.actor(), "case.paused", ("case", Some(&case.id)), json!({"reason": reason}), now)?;
            Ok(case)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_pause(
        &self,
        conn: &mut Db,
        p: &Principal,
        case: &mut CaseRow,
        reason: &str,
        from: Date,
        document_id: Option<&str>,
        now: i64,
    ) -> Result<(), AppError> {
        if open_pause(conn, case)?.is_some() {
            return Err(AppError::field(
                "from",
                "already-paused",
                "Bieg terminu jest już wstrzymany; najpierw go wznów.",
                "The clock is already stopped; resume it first.",
            ));
        }
        if parse_iso(&case.start_date).is_some_and(|s| from < s) {
            return Err(AppError::field(
                "from",
                "before-start",
                "Wstrzymanie nie może zacząć się przed wszczęciem sprawy.",
                "A pause cannot start before the case started.",
            ));
        }
        repo::insert_pause(
            conn,
            &CasePauseRow {
                id: new_id(),
                tenant_id: case.tenant_id.clone(),
                case_id: case.id.clone(),
                reason: reason.to_owned(),
                from_date: iso(from),
                until_date: None,
                document_id: document_id.map(str::to_owned),
                created_by: p.user.id.clone(),
                created_at: now,
            },
        )?;
        // Suspension is a procedural act (KPA art. 97); a deficiency or a delay caused by the
        // party only waits for the party.
        case.status = if reason == SUSPENSION {
            "suspended"
        } else {
            "awaiting_party"
        }
        .into();
        refresh_due(conn, case, now)?;
        Ok(())
    }

    /// Restarts the clock on `until` (the party remedied the deficiencies, the suspension
    /// ended).
    pub fn resume_case(
        &self,
        p: &Principal,
        case_id: &str,
        until: &str,
    ) -> Result<CaseRow, AppError> {
        let until = date_field("until", until).map_err(|e| AppError::Invalid(vec![e]))?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut case = lock_for_handling(conn, p, case_id)?;
            ensure_open(&case)?;
            let Some(pause) = open_pause(conn, &case)? else {
                return Err(AppError::field(
                    "until",
                    "not-paused",
                    "Bieg terminu nie jest wstrzymany.",
                    "The clock is not stopped.",
                ));
            };
            if parse_iso(&pause.from_date).is_some_and(|f| until < f) {
                return Err(AppError::field(
                    "until",
                    "before-pause",
                    "Data wznowienia nie może być wcześniejsza niż początek wstrzymania.",
                    "The resume date cannot be before the pause began.",
                ));
            }
            repo::end_pause(conn, &case.tenant_id, &pause.id, &iso(until))?;
            case.status = "open".into();
            let due = refresh_due(conn, &mut case, now)?;
            log::append(
                conn,
                &case.tenant_id,
                &case.id,
                &p.actor(),
                "deadline.resumed",
                None,
                json!({"reason": pause.reason, "until": iso(until), "due_date": due.due.map(iso)}),
                now,
            )?;
            record(
                conn,
                &case.tenant_id,
                &p.actor(),
                "case.resumed",
                ("case", Some(&case.id)),
                json!({}),
                now,
            )?;
            Ok(case)
        })
    }

    /// Calls the party to remedy deficiencies within `days` (at least 7, KPA art. 64 § 2):
    /// a draft notice for approval and a stopped clock from today until the remedy.
    pub fn deficiency_notice(
        &self,
        p: &Principal,
        case_id: &str,
        days: &str,
        deficiencies: &str,
    ) -> Result<ratusz_store::casefiles::DocumentRow, AppError> {
        let mut f = Fields::default();
        let days = f.take(days.trim().parse::<u32>().map_err(|_| {
            FieldError::new(
                "days",
                "number",
                "Podaj liczbę dni (co najmniej 7, KPA art. 64 § 2).",
                "Enter the number of days (at least 7, KPA art. 64 § 2).",
            )
        }));
        let what = f.take(text_field("deficiencies", deficiencies, 5000));
        f.finish()?;
        let (Some(days), Some(what)) = (days, what) else {
            return Err(AppError::Internal("deficiency validation".into()));
        };
        let today = self.clock.today_warsaw();
        let term = deficiency_deadline(today, days)
            .map_err(|e| AppError::field("days", e.code(), e.message_pl(), e.message_en()))?;
        let case = self.case(p, case_id)?;
        let paused = self
            .store
            .read(|c| Ok::<_, AppError>(open_pause(c, &case)?.is_some()))?;
        if paused {
            return Err(AppError::field(
                "days",
                "already-paused",
                "Bieg terminu jest już wstrzymany; najpierw go wznów.",
                "The clock is already stopped; resume it first.",
            ));
        }
        let body = format!(
            "Na podstawie art. 64 § 2 Kodeksu postępowania administracyjnego wzywam do usunięcia \
             braków wniosku w sprawie: {title}, w terminie {days} dni od dnia doręczenia \
             niniejszego wezwania, przez:\n\n{what}\n\nNieusunięcie braków w wyznaczonym terminie \
             spowoduje pozostawienie wniosku bez rozpoznania.\n\nTermin liczony od dzisiaj upływa \
             {due}; przy doręczeniu w innym dniu liczy się go od dnia doręczenia.",
            title = case.title,
            due = letter_date_pl(term.due),
        );
        let doc = self.create_draft(
            p,
            case_id,
            "Wezwanie do usunięcia braków",
            DocumentKind::DeficiencyNotice,
            &body,
            "",
            "",
            None,
        )?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut case = lock_for_handling(conn, p, case_id)?;
            self.insert_pause(conn, p, &mut case, DEFICIENCY, today, Some(&doc.id), now)?;
            log::append(
                conn,
                &case.tenant_id,
                &case.id,
                &p.actor(),
                "deadline.deficiency_notice",
                Some(&doc.id),
                json!({"days": days, "remedy_by": iso(term.due)}),
                now,
            )?;
            record(
                conn,
                &case.tenant_id,
                &p.actor(),
                "case.deficiency_notice",
                ("case", Some(&case.id)),
                json!({"days": days}),
                now,
            )?;
            Ok::<_, AppError>(())
        })?;
        Ok(doc)
    }

    /// Extends the deadline to `new_due` with a reason (KPA art. 36 § 1; UDIP art. 13 ust. 2
    /// up to two months) and drafts the notice to the parties.
    pub fn extend_deadline(
        &self,
        p: &Principal,
        case_id: &str,
        new_due: &str,
        reason: &str,
    ) -> Result<ratusz_store::casefiles::DocumentRow, AppError> {
        let mut f = Fields::default();
        let new_due = f.take(date_field("new_due", new_due));
        let reason = f.take(text_field("reason", reason, 2000));
        f.finish()?;
        let (Some(new_due), Some(reason)) = (new_due, reason) else {
            return Err(AppError::Internal("extension validation".into()));
        };
        let now = self.now_ts();
        let case = self.store.write(|conn| {
            let mut case = lock_for_handling(conn, p, case_id)?;
            ensure_open(&case)?;
            let before = case.due_date.clone();
            if before
                .as_deref()
                .and_then(parse_iso)
                .is_some_and(|d| new_due <= d)
            {
                return Err(AppError::field(
                    "new_due",
                    "not-later",
                    "Nowy termin musi być późniejszy niż obecny.",
                    "The new deadline must be later than the current one.",
                ));
            }
            case.extension_due = Some(iso(new_due));
            case.extension_reason = Some(reason.clone());
            let due = refresh_due(conn, &mut case, now).map_err(|e| match e {
                AppError::Invalid(mut v) => {
                    for x in &mut v {
                        x.field = "new_due".into();
                    }
                    AppError::Invalid(v)
                }
                other => other,
            })?;
            log::append(
                conn,
                &case.tenant_id,
                &case.id,
                &p.actor(),
                "deadline.extended",
                None,
                json!({"from": before, "to": due.due.map(iso), "reason": reason}),
                now,
            )?;
            record(
                conn,
                &case.tenant_id,
                &p.actor(),
                "case.deadline_extended",
                ("case", Some(&case.id)),
                json!({"to": iso(new_due)}),
                now,
            )?;
            // The robot's draft of this notice (reason and term still to fill) gives way to
            // the one written now with both.
            for doc in crate::intake::draft::robot_drafts_in(
                conn,
                &case.tenant_id,
                &case.id,
                Some("delay"),
            )? {
                crate::casefiles::withdraw_in(conn, &p.actor(), &case.id, &doc, now)?;
            }
            reg::record_change(conn, &case.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(case)
        })?;
        let body = delay_notice_text(&case, &reason, new_due);
        self.create_draft(
            p,
            case_id,
            "Zawiadomienie o niezałatwieniu sprawy w terminie",
            DocumentKind::DelayNotice,
            &body,
            "",
            "",
            None,
        )
    }
}

/// The delay notice for the kind of case: KPA art. 36 (with the art. 37 remedy) for
/// proceedings; UDIP art. 13 ust. 2 for public information (no ponaglenie there); the act on
/// petitions art. 10 ust. 2 for petitions; a plain notice for other matters.
fn delay_notice_text(case: &CaseRow, reason: &str, new_due: Date) -> String {
    let (basis, remedy) = match case.procedure_kind.parse::<ProcedureKind>() {
        Ok(ProcedureKind::PublicInformation) => (
            "Na podstawie art. 13 ust. 2 ustawy o dostępie do informacji publicznej",
            "",
        ),
        Ok(ProcedureKind::Petition) => ("Na podstawie art. 10 ust. 2 ustawy o petycjach", ""),
        Ok(ProcedureKind::Administrative | ProcedureKind::Certificate) => (
            "Na podstawie art. 36 § 1 Kodeksu postępowania administracyjnego",
            "\n\nPouczenie: na niezałatwienie sprawy w terminie stronie przysługuje ponaglenie \
             (art. 37 § 1 KPA), wnoszone za pośrednictwem organu prowadzącego postępowanie.",
        ),
        _ => ("", ""),
    };
    let lead = if basis.is_empty() {
        "Uprzejmie informuję".to_owned()
    } else {
        format!("{basis} zawiadamiam")
    };
    format!(
        "{lead}, że sprawa: {title} (znak {sign}) nie zostanie załatwiona w terminie.\n\n\
         Przyczyna zwłoki: {reason}\n\nNowy termin załatwienia sprawy: {due}.{remedy}",
        title = case.title,
        sign = case.sign,
        due = letter_date_pl(new_due),
    )
}
