//! The case log (metryka sprawy, KPA art. 66a § 1): who did what on the case, when, and with
//! which document. Written only here, by the use cases, in their transaction.

use ratusz_store::cases::{self as repo, CaseLogRow};
use ratusz_store::{Db, new_id};

use crate::AppError;
use crate::audit::Actor;

/// Appends one entry to the case log. The case must be locked by the caller
/// ([`super::lock_visible`] or a fresh insert) so numbering stays gap-free.
#[allow(clippy::too_many_arguments)]
pub fn append(
    conn: &mut Db,
    tenant_id: &str,
    case_id: &str,
    actor: &Actor,
    action: &str,
    document_id: Option<&str>,
    details: serde_json::Value,
    now: i64,
) -> Result<i64, AppError> {
    // KPA art. 66a § 2 names the person (imię i nazwisko), not a login.
    let label = match actor.id() {
        Some(id) => ratusz_store::accounts::user(conn, tenant_id, id)?
            .map(|u| format!("{} ({})", u.display_name, u.email))
            .unwrap_or_else(|| actor.label().to_owned()),
        None => actor.label().to_owned(),
    };
    let seq = repo::append_log(
        conn,
        &CaseLogRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            case_id: case_id.to_owned(),
            seq: 0,
            at: now,
            actor_id: actor.id().map(str::to_owned),
            actor_label: label,
            action: action.to_owned(),
            document_id: document_id.map(str::to_owned),
            details: details.to_string(),
        },
    )?;
    // A status change of a matter from the portal tells its resident (through the job queue).
    crate::eservices::notify::on_case_log(
        conn, tenant_id, case_id, seq, actor, action, &details, now,
    )?;
    Ok(seq)
}
