//! Re-publishing other services' alerts (a weather service's warnings, a voivode's notices) on
//! the office's alerts page. The file is read by `ratusz_documents::cap::read_cap`, which
//! refuses DTDs and entities (XXE, entity bombs), oversized or too deep documents and anything
//! that is not a CAP 1.1 or 1.2 alert, each with a reason. Only actual, public alerts are
//! re-published; they are shown, not e-mailed: whether residents are warned by e-mail stays the
//! office's decision (it writes its own alert, approved as always). Feeds of such alerts are
//! read by [`super::feeds`].

use ratusz_core::alerts::{Alert, derive_sms_for};
use ratusz_store::alerts::{self as repo, AlertRow};
use ratusz_store::new_id;
use serde_json::json;

use super::compose::PUBLISHED;
use crate::audit::{Actor, record};
use crate::{App, AppError};

impl App {
    /// Reads a CAP file and publishes it on the office's alerts page.
    pub fn import_cap(
        &self,
        tenant_id: &str,
        actor: &Actor,
        bytes: &[u8],
    ) -> Result<AlertRow, AppError> {
        let alert: Alert = ratusz_documents::cap::read_cap(bytes)
            .map_err(|e| AppError::field("file", e.code(), e.message_pl(), e.message_en()))?;
        if let Some((pl, en)) = super::feeds::not_public(&alert) {
            return Err(AppError::field("file", "not-public", pl, en));
        }
        self.publish_external(tenant_id, actor, &alert, None)?
            .ok_or_else(|| {
                AppError::field(
                    "file",
                    "already-imported",
                    "To ostrzeżenie (ten sam nadawca i identyfikator) już jest opublikowane.",
                    "This alert (same sender and identifier) is already published.",
                )
            })
    }

    /// Publishes another service's alert; `None` if one with the same sender and identifier
    /// already is. `feed` names the feed it came from (audited).
    pub(super) fn publish_external(
        &self,
        tenant_id: &str,
        actor: &Actor,
        alert: &Alert,
        feed: Option<&str>,
    ) -> Result<Option<AlertRow>, AppError> {
        let now = self.now_ts();
        let sms = alert
            .infos
            .first()
            .map(|i| derive_sms_for(i).text)
            .unwrap_or_default();
        let row = AlertRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            identifier: format!("{}:{}", alert.sender, alert.identifier),
            workflow: PUBLISHED.into(),
            template: None,
            cap: serde_json::to_string(alert).map_err(|e| AppError::Internal(e.to_string()))?,
            sms_text: sms,
            localities: String::new(),
            author_id: format!("import:{}", actor.label()),
            approver_id: None,
            created_at: now,
            updated_at: now,
            submitted_at: None,
            approved_at: None,
            // Nothing to fan out: imported alerts are shown, not sent.
            fanned_out_at: Some(now),
            escalation: None,
            escalation_stage: 0,
        };
        self.store.write(|conn| {
            if repo::alert_by_identifier(conn, tenant_id, &row.identifier)?.is_some() {
                return Ok(None);
            }
            repo::insert_alert(conn, &row)?;
            record(
                conn,
                tenant_id,
                actor,
                "alert.imported",
                ("alert", Some(&row.id)),
                json!({"sender": alert.sender, "identifier": alert.identifier, "feed": feed}),
                now,
            )?;
            Ok(Some(row))
        })
    }
}
