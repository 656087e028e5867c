//! The approval path (akceptacja) of a draft: one or more approvers in order; each approves or
//! rejects with a comment; a rejection ends the round and returns the draft to its author.
//! By default nobody approves their own draft; a manager may allow it for a path explicitly.

use ratusz_core::roles::Permission;
use ratusz_store::casefiles::{
    self as repo, ApprovalStepRow, STEP_APPROVED, STEP_CANCELLED, STEP_PENDING, STEP_REJECTED,
    STEP_WAITING,
};
use ratusz_store::new_id;
use ratusz_store::registry as reg;
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::record;
use crate::cases::{ensure_open, lock_visible, log};
use crate::registry::kinds::DocumentStatus;
use crate::registry::{long_text, require};
use crate::{App, AppError, FieldError};

/// The most approvers one path may have.
pub const MAX_APPROVERS: usize = 5;

fn own_draft_error() -> AppError {
    AppError::field(
        "approvers",
        "self-approval",
        "Nie można akceptować własnego projektu; wybierz inną osobę akceptującą.",
        "You cannot approve your own draft; choose another approver.",
    )
}

impl App {
    /// Sends a draft for approval along `approver_ids`, in that order.
    pub fn submit_for_approval(
        &self,
        p: &Principal,
        document_id: &str,
        approver_ids: &[String],
        allow_self: bool,
    ) -> Result<Vec<ApprovalStepRow>, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let doc = repo::get(conn, &p.tenant_id, document_id)?.ok_or(AppError::NotFound)?;
            let case_id = doc.case_id.clone().ok_or(AppError::NotFound)?;
            let case = crate::cases::lock_for_handling(conn, p, &case_id)?;
            ensure_open(&case)?;
            if !matches!(
                DocumentStatus::parse(&doc.status),
                Some(DocumentStatus::Draft | DocumentStatus::Rejected)
            ) {
                return Err(AppError::field(
                    "document",
                    "not-a-draft",
                    "Do akceptacji wysyła się projekt; ten dokument już jest w akceptacji, zaakceptowany lub wysłany.",
                    "Only drafts go for approval; this document is already in approval, approved or sent.",
                ));
            }
            // A robot's or a template's draft may still hold a mark where the handler must
            // write something (the reason for a delay, the deficiencies): it does not go out so.
            if repo::version(conn, &p.tenant_id, &doc.id, doc.current_version)?
                .and_then(|v| v.text_content)
                .is_some_and(|t| ratusz_core::letters::has_unfilled(&t))
            {
                return Err(AppError::field(
                    "document",
                    "unfilled",
                    format!(
                        "Projekt zawiera oznaczenie {} — wpisz w tym miejscu właściwą treść i dopiero wtedy wyślij do akceptacji.",
                        ratusz_core::letters::TO_FILL
                    ),
                    format!(
                        "The draft still holds the mark {} — write the right text there before sending it for approval.",
                        ratusz_core::letters::TO_FILL
                    ),
                ));
            }
            let mut ids: Vec<String> = Vec::new();
            for id in approver_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                if !ids.iter().any(|x| x == id) {
                    ids.push(id.to_owned());
                }
            }
            if ids.is_empty() || ids.len() > MAX_APPROVERS {
                return Err(AppError::field(
                    "approvers",
                    "count",
                    format!("Wybierz od 1 do {MAX_APPROVERS} osób akceptujących."),
                    format!("Choose 1 to {MAX_APPROVERS} approvers."),
                ));
            }
            if allow_self {
                require(p, Permission::ApproveDocuments, Some(&case.unit_id))?;
            }
            let author = doc.author_id.clone().unwrap_or_default();
            let mut errors = Vec::new();
            for id in &ids {
                if *id == author && !allow_self {
                    if let AppError::Invalid(mut e) = own_draft_error() {
                        errors.append(&mut e);
                    }
                    continue;
                }
                let roles = ratusz_store::accounts::roles(conn, &p.tenant_id, id)?;
                let grants = crate::accounts::grants_of(&roles);
                let unit = uuid::Uuid::parse_str(&case.unit_id).ok();
                if !ratusz_core::roles::allowed(&grants, Permission::ApproveDocuments, unit) {
                    errors.push(FieldError::new(
                        "approvers",
                        "not-approver",
                        "Wybrana osoba nie może akceptować pism tej komórki (potrzebna rola kierownika).",
                        "The chosen person cannot approve this unit's letters (a manager role is needed).",
                    ));
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            let round = repo::steps(conn, &p.tenant_id, &doc.id)?
                .iter()
                .map(|s| s.round)
                .max()
                .unwrap_or(0)
                + 1;
            let mut steps = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                let step = ApprovalStepRow {
                    id: new_id(),
                    tenant_id: p.tenant_id.clone(),
                    document_id: doc.id.clone(),
                    round,
                    position: i as i32 + 1,
                    approver_id: id.clone(),
                    status: if i == 0 { STEP_PENDING } else { STEP_WAITING }.into(),
                    comment: None,
                    decided_at: None,
                    created_at: now,
                };
                repo::insert_step(conn, &step)?;
                steps.push(step);
            }
            repo::set_status(conn, &p.tenant_id, &doc.id, DocumentStatus::PendingApproval.as_str(), now)?;
            if allow_self != doc.self_approval {
                repo::set_self_approval(conn, &p.tenant_id, &doc.id, allow_self)?;
            }
            log::append(
                conn,
                &p.tenant_id,
                &case.id,
                &p.actor(),
                "draft.submitted",
                Some(&doc.id),
                json!({"round": round, "approvers": ids, "version": doc.current_version}),
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "draft.submitted",
                ("document", Some(&doc.id)),
                json!({"round": round, "approvers": ids.len()}),
                now,
            )?;
            Ok(steps)
        })
    }

    /// Approves or rejects the step waiting for the principal.
    pub fn decide_approval(
        &self,
        p: &Principal,
        document_id: &str,
        approve: bool,
        comment: &str,
    ) -> Result<DocumentStatus, AppError> {
        let comment =
            long_text("comment", comment, 2000).map_err(|e| AppError::Invalid(vec![e]))?;
        if !approve && comment.is_empty() {
            return Err(AppError::field(
                "comment",
                "empty",
                "Napisz, co trzeba poprawić (uwagi są wymagane przy odrzuceniu).",
                "Say what must change (a comment is required to reject).",
            ));
        }
        let now = self.now_ts();
        let status = self.store.write(|conn| {
            let doc = repo::get(conn, &p.tenant_id, document_id)?.ok_or(AppError::NotFound)?;
            let case_id = doc.case_id.clone().ok_or(AppError::NotFound)?;
            let case = lock_visible(conn, p, &case_id)?;
            ensure_open(&case)?;
            let steps = repo::steps(conn, &p.tenant_id, &doc.id)?;
            let round = steps.iter().map(|s| s.round).max().unwrap_or(0);
            let current: Vec<&ApprovalStepRow> = steps.iter().filter(|s| s.round == round).collect();
            let Some(step) = current.iter().find(|s| s.status == STEP_PENDING) else {
                return Err(AppError::field(
                    "document",
                    "not-pending",
                    "Ten dokument nie czeka na akceptację.",
                    "This document is not waiting for approval.",
                ));
            };
            if step.approver_id != p.user.id {
                return Err(AppError::Forbidden);
            }
            require(p, Permission::ApproveDocuments, Some(&case.unit_id))?;
            if doc.author_id.as_deref() == Some(p.user.id.as_str()) && !doc.self_approval {
                return Err(own_draft_error());
            }
            let comment = (!comment.is_empty()).then_some(comment.as_str());
            let new_status = if approve {
                repo::set_step(conn, &p.tenant_id, &step.id, STEP_APPROVED, comment, Some(now))?;
                match current.iter().find(|s| s.status == STEP_WAITING) {
                    Some(next) => {
                        repo::set_step(conn, &p.tenant_id, &next.id, STEP_PENDING, None, None)?;
                        DocumentStatus::PendingApproval
                    }
                    None => DocumentStatus::Approved,
                }
            } else {
                repo::set_step(conn, &p.tenant_id, &step.id, STEP_REJECTED, comment, Some(now))?;
                for s in current.iter().filter(|s| s.status == STEP_WAITING) {
                    repo::set_step(conn, &p.tenant_id, &s.id, STEP_CANCELLED, None, None)?;
                }
                DocumentStatus::Rejected
            };
            repo::set_status(conn, &p.tenant_id, &doc.id, new_status.as_str(), now)?;
            let action = if approve { "draft.approved" } else { "draft.rejected" };
            log::append(
                conn,
                &p.tenant_id,
                &case.id,
                &p.actor(),
                action,
                Some(&doc.id),
                json!({"round": round, "step": step.position, "comment": comment, "version": doc.current_version}),
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                action,
                ("document", Some(&doc.id)),
                json!({"round": round, "step": step.position}),
                now,
            )?;
            reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(new_status)
        })?;
        Ok(status)
    }

    /// Drafts waiting for the principal's decision, with their case.
    pub fn my_approvals(
        &self,
        p: &Principal,
    ) -> Result<
        Vec<(
            ApprovalStepRow,
            ratusz_store::casefiles::DocumentRow,
            ratusz_store::cases::CaseRow,
        )>,
        AppError,
    > {
        self.store.read(|c| {
            let mut out = Vec::new();
            for step in repo::pending_for(c, &p.tenant_id, &p.user.id)? {
                let Some(doc) = repo::get(c, &p.tenant_id, &step.document_id)? else {
                    continue;
                };
                let Some(case_id) = &doc.case_id else {
                    continue;
                };
                let Some(case) = ratusz_store::cases::get(c, &p.tenant_id, case_id)? else {
                    continue;
                };
                out.push((step, doc, case));
            }
            Ok(out)
        })
    }
}
