//! "My matters": a resident's submissions with their case sign, status in plain words, unit,
//! due date and history; and the status check without an account (receipt number or case sign
//! plus the tracking code from the receipt).

use std::collections::HashMap;

use ratusz_core::roles::Permission;
use ratusz_store::Db;
use ratusz_store::cases::{self as cases_repo, CaseRow};
use ratusz_store::eservices::{self as repo, SubmissionRow};
use ratusz_store::registry as reg;
use serde::Serialize;

use super::receipt::Receipt;
use super::submit::tracking_hash;
use crate::accounts::{Principal, constant_time_eq};
use crate::registry::require;
use crate::{App, AppError};

/// One step of a matter's history, as the resident sees it. `code` is translated by the UI:
/// `received`, `case-opened`, `supplement`, `paused`, `resumed`, `extended`, `letter-sent`,
/// `delivered`, `closed`, `reopened`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatterEvent {
    pub at: i64,
    pub code: String,
}

/// A submission as the resident follows it.
#[derive(Debug, Clone, Serialize)]
pub struct Matter {
    pub id: String,
    pub receipt_number: String,
    pub received_at: i64,
    pub service_slug: String,
    pub service_name_pl: String,
    pub service_name_en: String,
    /// `received` (no case yet), or the case status: `open`, `suspended`, `awaiting_party`,
    /// `closed`.
    pub status: String,
    pub case_sign: Option<String>,
    pub unit_name: String,
    pub due_date: Option<String>,
    pub history: Vec<MatterEvent>,
}

/// What the case log says, in the resident's words; internal steps (drafts, approvals) are
/// not shown.
pub(crate) fn public_code(action: &str) -> Option<&'static str> {
    Some(match action {
        "case.opened" => "case-opened",
        "item.joined" => "supplement",
        "deadline.paused" => "paused",
        "deadline.resumed" => "resumed",
        "deadline.extended" => "extended",
        "document.dispatched" => "letter-sent",
        "document.delivered" => "delivered",
        "case.closed" => "closed",
        "case.reopened" => "reopened",
        _ => return None,
    })
}

fn receipt_of(row: &SubmissionRow) -> Result<Receipt, AppError> {
    serde_json::from_str(&row.receipt).map_err(|e| AppError::Internal(e.to_string()))
}

/// The case status as the resident may see it: the clock stops for a request to remedy
/// deficiencies when the request is drafted, but the resident waits only once it is sent.
fn resident_status(conn: &mut Db, case: &CaseRow) -> Result<String, AppError> {
    if case.status != "awaiting_party" {
        return Ok(case.status.clone());
    }
    let pause = cases_repo::pauses(conn, &case.tenant_id, &case.id)?
        .into_iter()
        .find(|p| p.until_date.is_none());
    let unsent = match pause.and_then(|p| p.document_id) {
        Some(doc) => ratusz_store::casefiles::get(conn, &case.tenant_id, &doc)?
            .is_some_and(|d| d.status != "dispatched"),
        None => false,
    };
    Ok(if unsent { "open" } else { "awaiting_party" }.into())
}

/// Unit id → name, loaded once per request rather than once per matter.
fn unit_names(conn: &mut Db, tenant_id: &str) -> Result<HashMap<String, String>, AppError> {
    Ok(ratusz_store::tenants::units(conn, tenant_id)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// Builds the matter of a submission with a few point queries (item, case, case log).
fn matter(
    conn: &mut Db,
    row: &SubmissionRow,
    units: &HashMap<String, String>,
    with_history: bool,
) -> Result<Matter, AppError> {
    let receipt = receipt_of(row)?;
    let item = reg::incoming(conn, &row.tenant_id, &row.incoming_item_id)?;
    let case: Option<CaseRow> = match item.as_ref().and_then(|i| i.case_id.clone()) {
        Some(id) => cases_repo::get(conn, &row.tenant_id, &id)?,
        None => None,
    };
    let unit_id = case
        .as_ref()
        .map(|c| c.unit_id.clone())
        .or_else(|| item.as_ref().and_then(|i| i.unit_id.clone()));
    let unit_name = unit_id
        .and_then(|u| units.get(&u).cloned())
        .unwrap_or_default();
    let mut history = vec![MatterEvent {
        at: row.received_at,
        code: "received".into(),
    }];
    if with_history && let Some(c) = &case {
        let mut joined_first = false;
        for entry in cases_repo::log(conn, &row.tenant_id, &c.id)? {
            let Some(code) = public_code(&entry.action) else {
                continue;
            };
            // The submission itself joining its case is not news to the resident.
            if code == "supplement" && !joined_first && entry.details.contains(&receipt.item_ref) {
                joined_first = true;
                continue;
            }
            // A request to remedy deficiencies is news when it is sent, not when drafted.
            let code = if code == "letter-sent"
                && entry.details.contains("\"kind\":\"deficiency_notice\"")
            {
                "deficiency"
            } else {
                code
            };
            history.push(MatterEvent {
                at: entry.at,
                code: code.into(),
            });
        }
    }
    Ok(Matter {
        id: row.id.clone(),
        receipt_number: row.receipt_number.clone(),
        received_at: row.received_at,
        service_slug: receipt.service_slug,
        service_name_pl: receipt.service_name_pl,
        service_name_en: receipt.service_name_en,
        status: match &case {
            Some(c) => resident_status(conn, c)?,
            None => "received".into(),
        },
        case_sign: case.as_ref().map(|c| c.sign.clone()),
        unit_name,
        due_date: case.as_ref().and_then(|c| c.due_date.clone()),
        history,
    })
}

/// Failed status checks one address may make within [`STATUS_WINDOW_SECS`]; then it waits.
pub const STATUS_TRIES: usize = 10;
/// The window of [`STATUS_TRIES`]: 15 minutes.
pub const STATUS_WINDOW_SECS: i64 = 15 * 60;

/// Failed status checks per client address, kept in memory: guessing tracking codes (about
/// 50 bits) from one address is slowed to ten tries per quarter of an hour. Per server node;
/// a restart forgets it, which costs an attacker nothing they could use.
#[derive(Default)]
pub struct StatusThrottle(std::sync::Mutex<HashMap<String, Vec<i64>>>);

impl StatusThrottle {
    /// Seconds to wait when the address used up its tries, else `None`.
    fn wait(&self, key: &str, now_s: i64) -> Option<i64> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let fails = map.get_mut(key)?;
        fails.retain(|t| now_s - t < STATUS_WINDOW_SECS);
        if fails.len() < STATUS_TRIES {
            return None;
        }
        let oldest = fails.iter().min().copied().unwrap_or(now_s);
        Some((oldest + STATUS_WINDOW_SECS - now_s).max(1))
    }

    fn fail(&self, key: &str, now_s: i64) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map small: forget addresses whose tries are all old.
        if map.len() > 100_000 {
            map.retain(|_, v| v.iter().any(|t| now_s - t < STATUS_WINDOW_SECS));
        }
        map.entry(key.to_owned()).or_default().push(now_s);
    }
}

impl App {
    /// [`App::public_status`] for a client address: after [`STATUS_TRIES`] failed checks in
    /// [`STATUS_WINDOW_SECS`] the address waits (`Throttled`), right or wrong code alike.
    pub fn public_status_from(
        &self,
        tenant_id: &str,
        client: &str,
        reference: &str,
        code: &str,
    ) -> Result<Matter, AppError> {
        let key = format!("{tenant_id} {client}");
        let now_s = self.now_ts() / 1_000_000;
        if let Some(retry_after_secs) = self.status_throttle.wait(&key, now_s) {
            return Err(AppError::Throttled { retry_after_secs });
        }
        let r = self.public_status(tenant_id, reference, code);
        if matches!(r, Err(AppError::Invalid(_))) {
            self.status_throttle.fail(&key, now_s);
        }
        r
    }

    /// One of the resident's own submissions (another resident's is "not found").
    pub fn my_submission(&self, p: &Principal, id: &str) -> Result<SubmissionRow, AppError> {
        require(p, Permission::UsePortal, None)?;
        self.store
            .read(|c| repo::submission(c, &p.tenant_id, id))?
            .filter(|s| s.user_id == p.user.id)
            .ok_or(AppError::NotFound)
    }

    /// The resident's matters, newest first.
    pub fn my_matters(
        &self,
        p: &Principal,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Matter>, AppError> {
        require(p, Permission::UsePortal, None)?;
        self.store.read(|c| {
            let rows = repo::submissions_of(
                c,
                &p.tenant_id,
                &p.user.id,
                limit.clamp(1, 100),
                offset.max(0),
            )?;
            let units = unit_names(c, &p.tenant_id)?;
            rows.iter().map(|r| matter(c, r, &units, false)).collect()
        })
    }

    /// One matter with its history.
    pub fn my_matter(&self, p: &Principal, id: &str) -> Result<Matter, AppError> {
        let row = self.my_submission(p, id)?;
        self.store.read(|c| {
            let units = unit_names(c, &p.tenant_id)?;
            matter(c, &row, &units, true)
        })
    }

    /// The status check without an account: the receipt number or the case sign, and the
    /// tracking code. A wrong pair gets the same answer as an unknown one.
    pub fn public_status(
        &self,
        tenant_id: &str,
        reference: &str,
        code: &str,
    ) -> Result<Matter, AppError> {
        let reference = reference.trim().to_uppercase();
        let unknown = || {
            AppError::field(
                "code",
                "no-match",
                "Nie znaleźliśmy sprawy o takim numerze i kodzie. Sprawdź numer UPO lub znak sprawy i kod z potwierdzenia.",
                "No matter matches that number and code. Check the receipt number or case sign and the code on the receipt.",
            )
        };
        if reference.is_empty() || reference.len() > 60 || code.trim().is_empty() {
            return Err(unknown());
        }
        let hash = tracking_hash(code);
        self.store.read(|c| {
            let row = if reference.starts_with("UPO/") {
                repo::submission_by_receipt(c, tenant_id, &reference)?
            } else {
                repo::submission_by_case_sign(c, tenant_id, &reference)?
            };
            let row = row
                .filter(|r| constant_time_eq(r.tracking_hash.as_bytes(), hash.as_bytes()))
                .ok_or_else(unknown)?;
            let units = unit_names(c, tenant_id)?;
            matter(c, &row, &units, true)
        })
    }
}
