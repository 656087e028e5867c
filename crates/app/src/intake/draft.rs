//! Drafts the robot writes for routine situations, from the office's own letter templates:
//! the confirmation of receipt in a case the robot opened. A robot's draft is marked as such
//! (in the case log and in `generated_documents`) and, like every draft, is dispatched only
//! after a person approves it: the robot holds no approving role.

use ratusz_core::letters;
use ratusz_store::cases::CaseRow;
use ratusz_store::intake as repo;
use serde_json::json;

use super::IntakeSettings;
use crate::accounts::Principal;
use crate::audit::record;
use crate::casefiles::{draft_file_name, draft_row, insert_document};
use crate::registry::kinds::DocumentKind;
use crate::{App, AppError};

impl App {
    /// Drafts the confirmation of receipt in a case the robot opened, from the template named
    /// in the intake settings; without that template, nothing is drafted (logged).
    pub(crate) fn draft_receipt(
        &self,
        tenant_id: &str,
        robot: &Principal,
        case: &CaseRow,
        settings: &IntakeSettings,
    ) -> Result<(), AppError> {
        let templates = self.letter_templates(tenant_id)?;
        let Some(t) = templates
            .iter()
            .find(|t| t.name == settings.receipt_template)
        else {
            tracing::warn!(
                template = %settings.receipt_template,
                "intake: no template for the confirmation of receipt; no draft"
            );
            return Ok(());
        };
        let values = self.placeholder_values_for(case, ("", ""))?;
        let (Ok(title), Ok(body)) = (
            letters::fill(&t.title, &values),
            letters::fill(&t.body, &values),
        ) else {
            tracing::warn!(template = %t.name, "intake: the receipt template does not fill; no draft");
            return Ok(());
        };
        let kind = DocumentKind::parse(&t.kind).unwrap_or(DocumentKind::Letter);
        let blob = self.blobs()?.put(tenant_id, body.as_bytes())?;
        let now = self.now_ts();
        let generator = format!("template:{}", t.name);
        self.store.write(|conn| {
            let Some(mut row) = repo::intake(conn, tenant_id, case.incoming_item_id.as_deref().unwrap_or_default())? else {
                return Ok(());
            };
            if row.draft_document_id.is_some() {
                return Ok(());
            }
            let name = values.get("adresat").cloned();
            let address = values
                .get("adres_adresata")
                .cloned()
                .filter(|a| !a.is_empty());
            let doc = draft_row(
                case,
                &title,
                kind,
                (name, address),
                &robot.user.id,
                Some(t.id.clone()),
                now,
            );
            insert_document(
                conn,
                &doc,
                &blob,
                &draft_file_name(&title, 1),
                "text/plain",
                Some(body.clone()),
                &robot.user.id,
                now,
            )?;
            repo::mark_generated(conn, tenant_id, &doc.id, &generator, now)?;
            crate::cases::log::append(
                conn,
                tenant_id,
                &case.id,
                &robot.actor(),
                "draft.created",
                Some(&doc.id),
                json!({"title": doc.title, "kind": doc.kind, "template_id": doc.template_id, "generated_by": generator, "ai": true}),
                now,
            )?;
            record(
                conn,
                tenant_id,
                &robot.actor(),
                "draft.created",
                ("document", Some(&doc.id)),
                json!({"case": case.sign, "generated_by": generator}),
                now,
            )?;
            row.draft_document_id = Some(doc.id.clone());
            row.updated_at = now;
            repo::update_intake(conn, &row)?;
            ratusz_store::registry::record_change(conn, tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(())
        })
    }
}
