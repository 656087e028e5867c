//! Alerts that need confirmation: staff on duty confirm receipt, and when too few have within
//! the time set, the alert goes to the next group.
//!
//! The author names the groups (units, by code, in order: `GK, OR`), how many confirmations
//! are enough and how many minutes each group has. The fan-out sends the alert to the first
//! group's staff by e-mail, each with their own confirmation link, and queues an
//! `alert_escalate` check for when the time is up. The check counts confirmations from every
//! group reached so far: enough, and the escalation ends; too few, and the alert goes to the
//! next group with a new check; too few after the last group, and the author and the approver
//! are told. Each step is keyed (delivery rows, job keys), so a check run twice or after a
//! crash sends nothing twice, and each is audited.

use ratusz_store::Db;
use ratusz_store::alerts::{self as repo, AlertRow};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::JOB_ESCALATE;
use super::compose::AlertInput;
use crate::audit::{Actor, record};
use crate::{App, AppError, FieldError};

/// Who must confirm an alert, stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    /// Unit codes, in the order they are alerted.
    pub groups: Vec<String>,
    /// Confirmations that are enough.
    pub min_confirmations: u32,
    /// Minutes each group has.
    pub minutes: u32,
}

/// What a check decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Enough confirmed.
    Satisfied,
    /// Send to the group of this stage (1-based).
    Escalate(usize),
    /// Too few, and no group is left.
    Exhausted,
}

impl Escalation {
    /// After `stage` groups were alerted and `confirmed` confirmed.
    pub fn next(&self, stage: usize, confirmed: usize) -> Next {
        if confirmed >= self.min_confirmations as usize {
            Next::Satisfied
        } else if stage < self.groups.len() {
            Next::Escalate(stage + 1)
        } else {
            Next::Exhausted
        }
    }
}

/// The escalation fields of the form, checked against the office's units; `None` when no
/// group is named.
pub(crate) fn parse(
    input: &AlertInput,
    unit_codes: &[String],
) -> Result<Option<Escalation>, Vec<FieldError>> {
    let groups: Vec<String> = input
        .confirm_groups
        .split([',', ';', ' ', '\n'])
        .map(|g| g.trim().to_uppercase())
        .filter(|g| !g.is_empty())
        .collect();
    if groups.is_empty() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let unknown: Vec<&String> = groups
        .iter()
        .filter(|g| !unit_codes.iter().any(|u| u.eq_ignore_ascii_case(g)))
        .collect();
    if !unknown.is_empty() {
        let list = unknown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let known = unit_codes.join(", ");
        errors.push(FieldError::new(
            "confirm_groups",
            "unknown-unit",
            format!("Nie ma komórki o kodzie {list}. Wpisz kody komórek po przecinku, w kolejności powiadamiania, np. {known}."),
            format!("There is no unit with code {list}. Enter unit codes separated by commas, in the order to alert, e.g. {known}."),
        ));
    }
    let number = |field: &str, value: &str, max: u32, pl: &str, en: &str| match value
        .trim()
        .parse::<u32>()
    {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            field,
            "out-of-range",
            format!("{pl} (od 1 do {max})."),
            format!("{en} (1 to {max})."),
        )),
    };
    let min = number(
        "confirm_min",
        &input.confirm_min,
        1000,
        "Podaj, ile potwierdzeń wystarczy",
        "Enter how many confirmations are enough",
    );
    let minutes = number(
        "confirm_minutes",
        &input.confirm_minutes,
        1440,
        "Podaj, ile minut ma każda grupa na potwierdzenie",
        "Enter how many minutes each group has to confirm",
    );
    let (min, minutes) = match (min, minutes) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            errors.extend(a.err());
            errors.extend(b.err());
            return Err(errors);
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Some(Escalation {
        groups,
        min_confirmations: min,
        minutes,
    }))
}

#[derive(Deserialize)]
struct EscalateJob {
    alert_id: String,
    stage: usize,
}

/// What the dashboard shows of an alert's confirmations.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfirmationStats {
    pub required: u32,
    pub confirmed: usize,
    /// Groups reached so far, of all.
    pub stage: usize,
    pub groups: Vec<String>,
    pub minutes: u32,
    /// (group, address, confirmed) of every staff delivery.
    pub people: Vec<(String, String, bool)>,
}

fn robot() -> Actor {
    Actor::Robot {
        name: "alerts".into(),
    }
}

impl App {
    /// The escalation of a form, checked (errors on the form's fields).
    pub(crate) fn escalation_of(
        &self,
        tenant_id: &str,
        input: &AlertInput,
    ) -> Result<Option<Escalation>, AppError> {
        let codes: Vec<String> = self
            .store
            .read(|c| Ok::<_, AppError>(ratusz_store::tenants::units(c, tenant_id)?))?
            .into_iter()
            .map(|u| u.symbol)
            .collect();
        parse(input, &codes).map_err(AppError::Invalid)
    }

    /// Sends the alert to the staff of the group of `stage` (1-based) with confirmation
    /// links and queues the check for when their time is up; in the caller's transaction.
    /// Returns how many were new.
    pub(crate) fn alert_group(
        &self,
        conn: &mut Db,
        row: &AlertRow,
        esc: &Escalation,
        stage: usize,
        (subject, body): (&str, &str),
        now: i64,
    ) -> Result<usize, AppError> {
        let tenant_id = row.tenant_id.as_str();
        let Some(code) = esc.groups.get(stage.saturating_sub(1)) else {
            return Ok(0);
        };
        let base = self.settings.public_url.trim_end_matches('/').to_owned();
        let unit = ratusz_store::tenants::units(conn, tenant_id)?
            .into_iter()
            .find(|u| u.symbol.eq_ignore_ascii_case(code));
        let users = match &unit {
            Some(u) => super::deliver::staff_ids(conn, tenant_id, Some(&u.id))?,
            None => Vec::new(),
        };
        let n = super::deliver::mail_staff(
            conn,
            row,
            &users,
            stage as i32,
            subject,
            |token| {
                format!(
                    "{body}\nTo ostrzeżenie wymaga potwierdzenia odbioru (grupa {code}). Potwierdź:\n{base}/ostrzezenia/potwierdz/{}\n",
                    token.unwrap_or_default()
                )
            },
            now,
        )?;
        if let Some(mut r) = repo::alert(conn, tenant_id, &row.id)?
            && (r.escalation_stage as usize) < stage
        {
            r.escalation_stage = stage as i32;
            repo::update_alert(conn, &r)?;
        }
        let run_at = now + i64::from(esc.minutes) * 60 * 1_000_000;
        ratusz_store::jobs::enqueue(
            conn,
            &ratusz_store::jobs::NewJob {
                tenant_id,
                kind: JOB_ESCALATE,
                payload: &json!({"alert_id": row.id, "stage": stage}).to_string(),
                run_at,
                max_attempts: 10,
                idempotency_key: Some(&format!("alert-escalate:{}:{stage}", row.id)),
            },
            now,
        )?;
        record(
            conn,
            tenant_id,
            &robot(),
            "alerts.group_alerted",
            ("alert", Some(&row.id)),
            json!({"group": code, "stage": stage, "people": n, "unit_found": unit.is_some()}),
            now,
        )?;
        Ok(n)
    }

    /// Runs one `alert_escalate` check.
    pub fn run_alert_escalate(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let job: EscalateJob = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        self.escalate(tenant_id, &job.alert_id, job.stage)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The check after the group of `stage` had its time: what it decided.
    pub fn escalate(
        &self,
        tenant_id: &str,
        alert_id: &str,
        stage: usize,
    ) -> Result<Next, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let row = repo::alert(conn, tenant_id, alert_id)?.ok_or(AppError::NotFound)?;
            let Some(esc) = row
                .escalation
                .as_deref()
                .and_then(|e| serde_json::from_str::<Escalation>(e).ok())
            else {
                return Ok(Next::Satisfied);
            };
            // A later group was already reached (a check run twice): nothing to do.
            if (row.escalation_stage as usize) > stage {
                return Ok(Next::Escalate(row.escalation_stage as usize));
            }
            let confirmed = repo::staged_deliveries(conn, tenant_id, alert_id)?
                .iter()
                .filter(|d| d.confirmed_at.is_some())
                .count();
            let next = esc.next(stage, confirmed);
            match next {
                Next::Satisfied => record(
                    conn,
                    tenant_id,
                    &robot(),
                    "alerts.confirmed_enough",
                    ("alert", Some(alert_id)),
                    json!({"confirmed": confirmed, "stage": stage}),
                    now,
                )?,
                Next::Escalate(to) => {
                    let alert: ratusz_core::alerts::Alert = serde_json::from_str(&row.cap)
                        .map_err(|e| AppError::Internal(e.to_string()))?;
                    let base = self.settings.public_url.trim_end_matches('/').to_owned();
                    let (subject, body) = super::deliver::email_text(&alert, &row, &base, None);
                    let subject = format!("[ESKALACJA] {subject}");
                    self.alert_group(conn, &row, &esc, to, (&subject, &body), now)?;
                }
                Next::Exhausted => {
                    let text = format!(
                        "Ostrzeżenie {} potwierdziło {confirmed} osób z wymaganych {} — zawiadomiono wszystkie grupy ({}). Skontaktuj się z dyżurnymi inną drogą.\n\n{}/panel/alerts/{}\n",
                        row.identifier,
                        esc.min_confirmations,
                        esc.groups.join(", "),
                        self.settings.public_url.trim_end_matches('/'),
                        row.id
                    );
                    let mut to: Vec<String> = vec![row.author_id.clone()];
                    to.extend(row.approver_id.clone());
                    to.dedup();
                    for id in to {
                        if let Some(u) = ratusz_store::accounts::user(conn, tenant_id, &id)? {
                            crate::mail::enqueue(
                                conn,
                                tenant_id,
                                &u.email,
                                "Za mało potwierdzeń ostrzeżenia",
                                &text,
                                now,
                            )?;
                        }
                    }
                    record(
                        conn,
                        tenant_id,
                        &robot(),
                        "alerts.confirmations_missing",
                        ("alert", Some(alert_id)),
                        json!({"confirmed": confirmed, "required": esc.min_confirmations}),
                        now,
                    )?;
                }
            }
            Ok(next)
        })
    }

    /// A member of staff confirms receipt through their link; returns the alert's id.
    pub fn confirm_alert(&self, tenant_id: &str, token: &str) -> Result<String, AppError> {
        if token.len() > 100 {
            return Err(AppError::NotFound);
        }
        let now = self.now_ts();
        self.store.write(|conn| {
            let d = repo::delivery_by_confirm_token(conn, token)?
                .filter(|d| d.tenant_id == tenant_id)
                .ok_or(AppError::NotFound)?;
            if repo::confirm_delivery(conn, token, now)? {
                record(
                    conn,
                    tenant_id,
                    &robot(),
                    "alerts.receipt_confirmed",
                    ("alert", Some(&d.alert_id)),
                    json!({"by": d.address, "stage": d.stage}),
                    now,
                )?;
            }
            Ok(d.alert_id)
        })
    }

    /// Whether a confirmation link is known and already used: `None` for an unknown link.
    pub fn confirmation(&self, tenant_id: &str, token: &str) -> Result<Option<bool>, AppError> {
        if token.len() > 100 {
            return Ok(None);
        }
        self.store.read(|conn| {
            Ok(repo::delivery_by_confirm_token(conn, token)?
                .filter(|d| d.tenant_id == tenant_id)
                .map(|d| d.confirmed_at.is_some()))
        })
    }

    /// The confirmations of an alert that needs them (`None` otherwise).
    pub(crate) fn confirmation_stats(
        &self,
        conn: &mut Db,
        row: &AlertRow,
    ) -> Result<Option<ConfirmationStats>, AppError> {
        let Some(esc) = row
            .escalation
            .as_deref()
            .and_then(|e| serde_json::from_str::<Escalation>(e).ok())
        else {
            return Ok(None);
        };
        let staged = repo::staged_deliveries(conn, &row.tenant_id, &row.id)?;
        let people = staged
            .iter()
            .map(|d| {
                (
                    esc.groups
                        .get((d.stage as usize).saturating_sub(1))
                        .cloned()
                        .unwrap_or_default(),
                    d.address.clone(),
                    d.confirmed_at.is_some(),
                )
            })
            .collect();
        Ok(Some(ConfirmationStats {
            required: esc.min_confirmations,
            confirmed: staged.iter().filter(|d| d.confirmed_at.is_some()).count(),
            stage: row.escalation_stage as usize,
            groups: esc.groups.clone(),
            minutes: esc.minutes,
            people,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(groups: &str, min: &str, minutes: &str) -> AlertInput {
        AlertInput {
            confirm_groups: groups.into(),
            confirm_min: min.into(),
            confirm_minutes: minutes.into(),
            ..AlertInput::default()
        }
    }

    #[test]
    fn the_groups_are_unit_codes_in_order() {
        let units = vec!["GK".to_owned(), "OR".to_owned(), "USC".to_owned()];
        assert_eq!(parse(&input("", "", ""), &units), Ok(None));
        assert_eq!(
            parse(&input("gk, OR", "2", "15"), &units),
            Ok(Some(Escalation {
                groups: vec!["GK".into(), "OR".into()],
                min_confirmations: 2,
                minutes: 15
            }))
        );
        let errors = parse(&input("GK, XY", "0", "dużo"), &units).expect_err("three problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["confirm_groups", "confirm_min", "confirm_minutes"]);
        assert!(errors[0].message_pl.contains("XY"), "{:?}", errors[0]);
    }

    #[test]
    fn too_few_confirmations_go_to_the_next_group_until_none_is_left() {
        let e = Escalation {
            groups: vec!["GK".into(), "OR".into()],
            min_confirmations: 2,
            minutes: 15,
        };
        assert_eq!(e.next(1, 0), Next::Escalate(2));
        assert_eq!(e.next(1, 2), Next::Satisfied);
        assert_eq!(e.next(2, 1), Next::Exhausted);
        assert_eq!(e.next(2, 3), Next::Satisfied);
    }
}
