//! AI intake: the robot that reads every incoming item (text from PDFs, office files and
//! e-mails, OCR for scans), finds its facts, suggests its unit, JRWA class, procedure and kind
//! with reasons, groups duplicates, links letters to the cases they cite, and — above the
//! office's confidence threshold — assigns them and drafts the routine reply itself. AI
//! proposes, a person disposes (ARCHITECTURE.md principle 4): every robot step is audited under
//! the robot's own account and a registrar can undo it.
//!
//! Channels: the registry desk ([`crate::App::register_incoming`]), the watched folder a
//! network scanner writes to ([`folder`]). Each item is read by an `intake_read` job enqueued
//! in the registration's transaction, so a crash loses nothing.

pub mod decide;
pub mod draft;
pub mod folder;
pub mod mailbox;
pub mod model;
pub mod read;
pub mod rules;

use ratusz_core::roles::{Grant, Role};
use ratusz_store::Db;
use ratusz_store::intake::{self as repo, IntakeRow};
use ratusz_store::jobs;
use ratusz_store::registry::IncomingItemRow;
use serde::{Deserialize, Serialize};

use crate::accounts::{Principal, Via};
use crate::audit::Actor;
use crate::{App, AppError};

pub const JOB_READ: &str = "intake_read";

pub const SOURCE_DESK: &str = "desk";
pub const SOURCE_FOLDER: &str = "folder";
pub const SOURCE_IMAP: &str = "imap";

/// Statuses of an item in the intake queue.
pub const READING: &str = "reading";
pub const SUGGESTED: &str = "suggested";
pub const ASSIGNED: &str = "assigned";
pub const CONFIRMED: &str = "confirmed";
pub const CORRECTED: &str = "corrected";
pub const MANUAL: &str = "manual";
pub const UNDONE: &str = "undone";

/// The robot's name (its integration account).
pub const ROBOT_NAME: &str = "Robot wpływu";

/// The office's intake settings (tenant settings, key `intake`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeSettings {
    /// The robot assigns by itself at or above this confidence (0–1); above 1 it never does.
    pub auto_threshold: f64,
    /// Whether the robot, having assigned an application, opens its case and drafts the
    /// confirmation of receipt.
    pub open_cases: bool,
    /// The letter template the confirmation of receipt is drafted from (by name).
    pub receipt_template: String,
    /// The template of the notice to remedy deficiencies (KPA art. 64 § 2).
    pub deficiency_template: String,
    /// The template of the letter forwarding an application to the competent authority
    /// (art. 65 § 1), addressed to that authority.
    pub forward_template: String,
    /// The template of the notice telling the applicant where the application went.
    pub forward_notice_template: String,
    /// The template of the delay notice (art. 36 § 1).
    pub delay_template: String,
    /// How many days before a case's deadline the robot drafts the delay notice (0: never;
    /// at most 14).
    pub delay_notice_days: i64,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        Self {
            auto_threshold: 0.8,
            open_cases: true,
            receipt_template: "Potwierdzenie wpływu".into(),
            deficiency_template: "Wezwanie do usunięcia braków".into(),
            forward_template: "Przekazanie według właściwości".into(),
            forward_notice_template: "Zawiadomienie o przekazaniu podania".into(),
            delay_template: "Zawiadomienie o zwłoce".into(),
            delay_notice_days: 3,
        }
    }
}

/// Asks the robot to read an item, in the registration's transaction.
pub(crate) fn enqueue_reading(
    conn: &mut Db,
    item: &IncomingItemRow,
    source: &str,
    now: i64,
) -> Result<(), AppError> {
    if repo::intake(conn, &item.tenant_id, &item.id)?.is_none() {
        repo::insert_intake(
            conn,
            &IntakeRow {
                tenant_id: item.tenant_id.clone(),
                item_id: item.id.clone(),
                status: READING.into(),
                source: source.into(),
                problem: None,
                problem_detail: String::new(),
                suggestions: "{}".into(),
                facts: "[]".into(),
                content_sha256: None,
                fingerprint: None,
                duplicate_of: None,
                duplicate_kind: None,
                linked_case_id: None,
                draft_document_id: None,
                decided_by: None,
                decided_at: None,
                created_at: now,
                updated_at: now,
            },
        )?;
    }
    let payload = serde_json::json!({ "item_id": item.id }).to_string();
    let key = format!("intake:{}", item.id);
    jobs::enqueue(
        conn,
        &jobs::NewJob {
            tenant_id: &item.tenant_id,
            kind: JOB_READ,
            payload: &payload,
            run_at: now,
            max_attempts: 5,
            idempotency_key: Some(&key),
        },
        now,
    )?;
    Ok(())
}

impl App {
    /// The office's intake settings.
    pub fn intake_settings(&self, tenant_id: &str) -> Result<IntakeSettings, AppError> {
        let t = self
            .store
            .read(|c| ratusz_store::tenants::tenant(c, tenant_id))?;
        let v: serde_json::Value = serde_json::from_str(&t.settings).unwrap_or_default();
        Ok(v.get("intake")
            .and_then(|i| serde_json::from_value(i.clone()).ok())
            .unwrap_or_default())
    }

    /// The intake robot of a tenant, acting under its own integration account with the
    /// registry desk's role (it registers and assigns; it does not handle cases).
    pub fn intake_robot(&self, tenant_id: &str) -> Result<Principal, AppError> {
        let user = self.ensure_integration(
            tenant_id,
            ROBOT_NAME,
            Role::Registrar,
            None,
            &Actor::Robot {
                name: "intake".into(),
            },
        )?;
        Ok(Principal {
            tenant_id: tenant_id.to_owned(),
            user,
            grants: vec![Grant {
                role: Role::Registrar,
                unit: None,
            }],
            via: Via::Token {
                token_id: "robot".into(),
                scopes: vec!["write".into()],
            },
        })
    }

    /// The robot's reading of an item, for whoever may see the item.
    pub fn intake_of(&self, p: &Principal, item_id: &str) -> Result<Option<IntakeRow>, AppError> {
        let item = self.incoming_item(p, item_id)?;
        self.store
            .read(|c| Ok(repo::intake(c, &p.tenant_id, &item.id)?))
    }
}

/// One fact as shown to the registrar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactView {
    pub kind: String,
    pub value: String,
    pub referenced: bool,
}

/// Everything the registrar sees of the robot's reading of an item.
#[derive(Debug, Clone, Serialize)]
pub struct IntakeDetail {
    pub row: IntakeRow,
    pub reading: read::Reading,
    pub facts: Vec<FactView>,
    pub texts: Vec<repo::DocumentTextRow>,
    /// The other items of its duplicate group: (id, registration mark).
    pub duplicates: Vec<(String, String)>,
}

/// A row of the intake queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub row: IntakeRow,
    pub item: IncomingItemRow,
    pub reading: read::Reading,
}

/// Statuses that wait for the registrar.
pub const WAITING: [&str; 3] = [READING, SUGGESTED, MANUAL];

fn facts_of(row: &IntakeRow) -> Vec<FactView> {
    let v: serde_json::Value = serde_json::from_str(&row.facts).unwrap_or_default();
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|f| FactView {
                    kind: f["kind"].as_str().unwrap_or_default().to_owned(),
                    value: f["value"].as_str().unwrap_or_default().to_owned(),
                    referenced: f["referenced"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl App {
    /// The robot's reading of an item with its texts, facts and duplicates.
    pub fn intake_detail(
        &self,
        p: &Principal,
        item_id: &str,
    ) -> Result<Option<IntakeDetail>, AppError> {
        let item = self.incoming_item(p, item_id)?;
        self.store.read(|c| {
            let Some(row) = repo::intake(c, &p.tenant_id, &item.id)? else {
                return Ok(None);
            };
            let texts = repo::texts_of_item(c, &p.tenant_id, &item.id)?;
            let mut duplicates = Vec::new();
            let head = row
                .duplicate_of
                .clone()
                .unwrap_or_else(|| row.item_id.clone());
            for d in repo::duplicate_group(c, &p.tenant_id, &head)? {
                if d.item_id != item.id
                    && let Some(i) = ratusz_store::registry::incoming(c, &p.tenant_id, &d.item_id)?
                {
                    duplicates.push((i.id, i.item_ref));
                }
            }
            Ok(Some(IntakeDetail {
                reading: serde_json::from_str(&row.suggestions).unwrap_or_default(),
                facts: facts_of(&row),
                row,
                texts,
                duplicates,
            }))
        })
    }

    /// The registrar's queue: items the robot read and left for a person, oldest first,
    /// then the latest it assigned by itself (to check or undo).
    pub fn intake_queue(&self, p: &Principal, limit: i64) -> Result<Vec<QueueRow>, AppError> {
        crate::registry::require(p, ratusz_core::roles::Permission::AssignItems, None)?;
        self.store.read(|c| {
            let mut rows = repo::queue(c, &p.tenant_id, &WAITING, limit)?;
            rows.extend(repo::queue(c, &p.tenant_id, &[ASSIGNED], limit)?);
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                if let Some(item) = ratusz_store::registry::incoming(c, &p.tenant_id, &row.item_id)?
                {
                    out.push(QueueRow {
                        reading: serde_json::from_str(&row.suggestions).unwrap_or_default(),
                        row,
                        item,
                    });
                }
            }
            Ok(out)
        })
    }
}

impl App {
    /// A picture of a document's first page (PNG or JPEG) for the clerk's side-by-side view;
    /// `None` when the file has none to show.
    pub fn scan_preview(
        &self,
        p: &Principal,
        document_id: &str,
    ) -> Result<Option<(&'static str, Vec<u8>)>, AppError> {
        let c = self.document_content(p, document_id, None)?;
        ratusz_documents::text::preview(
            &c.bytes,
            &c.file_name,
            &ratusz_documents::text::Limits::default(),
        )
        .map_err(|e| AppError::Unavailable(format!("preview: {e}")))
    }
}
