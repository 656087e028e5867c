//! The case file (akta sprawy): documents with versions and SHA-256, drafts of outgoing letters
//! from templates, the approval path, and dispatch through the outgoing register.

pub mod approval;
pub mod dispatch;
pub mod templates;

use ratusz_store::casefiles::{self as repo, DocumentRow, DocumentVersionRow};
use ratusz_store::registry as reg;
use ratusz_store::{Db, new_id};
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::record;
use crate::cases::{ensure_open, lock_for_handling, log};
use crate::registry::kinds::{AccessLevel, DocumentKind, DocumentStatus};
use crate::registry::upload::Upload;
use crate::registry::{Fields, Scope, long_text, optional_text, text_field};
use crate::{App, AppError};

/// The longest letter body accepted (about 40 pages).
pub const MAX_BODY_CHARS: usize = 100_000;

/// Document content with what is needed to send it to a browser.
#[derive(Debug, Clone)]
pub struct Content {
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// Inserts a new document with its first version (content already in blob storage).
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_document(
    conn: &mut Db,
    doc: &DocumentRow,
    blob: &ratusz_store::blobs::StoredBlob,
    file_name: &str,
    media_type: &str,
    text: Option<String>,
    user_id: &str,
    now: i64,
) -> Result<(), AppError> {
    repo::insert(conn, doc)?;
    repo::insert_version(
        conn,
        &DocumentVersionRow {
            id: new_id(),
            tenant_id: doc.tenant_id.clone(),
            document_id: doc.id.clone(),
            version: 1,
            blob_key: blob.key.clone(),
            file_name: file_name.to_owned(),
            media_type: media_type.to_owned(),
            size: blob.size,
            sha256: blob.sha256.clone(),
            text_content: text,
            created_by: Some(user_id.to_owned()),
            created_at: now,
        },
    )?;
    Ok(())
}

/// A new draft document row of a case.
pub(crate) fn draft_row(
    case: &ratusz_store::cases::CaseRow,
    title: &str,
    kind: DocumentKind,
    addressee: (Option<String>, Option<String>),
    author_id: &str,
    template_id: Option<String>,
    now: i64,
) -> DocumentRow {
    DocumentRow {
        id: new_id(),
        tenant_id: case.tenant_id.clone(),
        case_id: Some(case.id.clone()),
        incoming_item_id: None,
        title: title.to_owned(),
        kind: kind.as_str().into(),
        direction: "outgoing".into(),
        status: DocumentStatus::Draft.as_str().into(),
        access_level: case.access_level.clone(),
        author_id: Some(author_id.to_owned()),
        template_id,
        addressee_name: addressee.0,
        addressee_address: addressee.1,
        self_approval: false,
        current_version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Withdraws a draft in the caller's transaction: its pending approval steps are cancelled,
/// it is marked withdrawn and the case log records it (a person's withdrawal, and the intake
/// robot's draft when its action is undone).
pub(crate) fn withdraw_in(
    conn: &mut Db,
    actor: &crate::audit::Actor,
    case_id: &str,
    doc: &DocumentRow,
    now: i64,
) -> Result<(), AppError> {
    for step in repo::steps(conn, &doc.tenant_id, &doc.id)? {
        if step.status == repo::STEP_PENDING || step.status == repo::STEP_WAITING {
            repo::set_step(
                conn,
                &doc.tenant_id,
                &step.id,
                repo::STEP_CANCELLED,
                None,
                None,
            )?;
        }
    }
    repo::set_status(
        conn,
        &doc.tenant_id,
        &doc.id,
        DocumentStatus::Withdrawn.as_str(),
        now,
    )?;
    log::append(
        conn,
        &doc.tenant_id,
        case_id,
        actor,
        "draft.withdrawn",
        Some(&doc.id),
        json!({"title": doc.title}),
        now,
    )?;
    Ok(())
}

/// File name of a draft's text version.
pub(crate) fn draft_file_name(title: &str, version: i32) -> String {
    let base: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .take(60)
        .collect();
    format!("{}-v{version}.txt", base.trim_matches('-'))
}

impl App {
    /// Files a document (scan, attachment, note, signed decision) into a case.
    pub fn add_document(
        &self,
        p: &Principal,
        case_id: &str,
        title: &str,
        kind: &str,
        upload: Upload,
    ) -> Result<DocumentRow, AppError> {
        let mut f = Fields::default();
        let title = f.take(optional_text("title", title, 300));
        let kind = if kind.trim().is_empty() {
            Some(DocumentKind::Attachment)
        } else {
            f.take(DocumentKind::parse_field("kind", kind))
        };
        f.finish()?;
        let (Some(title), Some(kind)) = (title, kind) else {
            return Err(AppError::Internal("document validation".into()));
        };
        let mut files = self.check_uploads(p, vec![upload])?;
        let file = files.pop().ok_or(AppError::Internal("no file".into()))?;
        let blob = self
            .store_blobs(&p.tenant_id, std::slice::from_ref(&file))?
            .pop()
            .ok_or(AppError::Internal("no blob".into()))?;
        let now = self.now_ts();
        let doc = self.store.write(|conn| {
            let case = lock_for_handling(conn, p, case_id)?;
            ensure_open(&case)?;
            let doc = DocumentRow {
                id: new_id(),
                tenant_id: case.tenant_id.clone(),
                case_id: Some(case.id.clone()),
                incoming_item_id: None,
                title: title.unwrap_or_else(|| file.file_name.clone()),
                kind: kind.as_str().into(),
                direction: "internal".into(),
                status: DocumentStatus::Filed.as_str().into(),
                access_level: case.access_level.clone(),
                author_id: Some(p.user.id.clone()),
                template_id: None,
                addressee_name: None,
                addressee_address: None,
                self_approval: false,
                current_version: 1,
                created_at: now,
                updated_at: now,
            };
            let text = (file.media_type == "text/plain")
                .then(|| String::from_utf8_lossy(&file.bytes).into_owned());
            insert_document(
                conn,
                &doc,
                &blob,
                &file.file_name,
                &file.media_type,
                text,
                &p.user.id,
                now,
            )?;
            log::append(
                conn,
                &case.tenant_id,
                &case.id,
                &p.actor(),
                "document.added",
                Some(&doc.id),
                json!({"title": doc.title, "sha256": blob.sha256}),
                now,
            )?;
            record(
                conn,
                &case.tenant_id,
                &p.actor(),
                "document.added",
                ("document", Some(&doc.id)),
                json!({"case": case.sign, "sha256": blob.sha256}),
                now,
            )?;
            reg::record_change(conn, &case.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(doc)
        })?;
        self.search_nudge();
        Ok(doc)
    }

    /// Writes a draft letter into a case (its text is version 1).
    #[allow(clippy::too_many_arguments)]
    pub fn create_draft(
        &self,
        p: &Principal,
        case_id: &str,
        title: &str,
        kind: DocumentKind,
        body: &str,
        addressee_name: &str,
        addressee_address: &str,
        template_id: Option<String>,
    ) -> Result<DocumentRow, AppError> {
        let mut f = Fields::default();
        let title = f.take(text_field("title", title, 300));
        let body = f.take(long_text("body", body, MAX_BODY_CHARS));
        let name = f.take(optional_text("addressee_name", addressee_name, 300));
        let address = f.take(long_text("addressee_address", addressee_address, 500));
        f.finish()?;
        let (Some(title), Some(body), Some(name), Some(address)) = (title, body, name, address)
        else {
            return Err(AppError::Internal("draft validation".into()));
        };
        let blob = self.blobs()?.put(&p.tenant_id, body.as_bytes())?;
        let now = self.now_ts();
        let doc = self.store.write(|conn| {
            let case = lock_for_handling(conn, p, case_id)?;
            ensure_open(&case)?;
            let address = (!address.is_empty()).then_some(address);
            let doc = draft_row(
                &case,
                &title,
                kind,
                (name, address),
                &p.user.id,
                template_id,
                now,
            );
            insert_document(
                conn,
                &doc,
                &blob,
                &draft_file_name(&title, 1),
                "text/plain",
                Some(body.clone()),
                &p.user.id,
                now,
            )?;
            log::append(
                conn,
                &case.tenant_id,
                &case.id,
                &p.actor(),
                "draft.created",
                Some(&doc.id),
                json!({"title": doc.title, "kind": doc.kind, "template_id": doc.template_id}),
                now,
            )?;
            record(
                conn,
                &case.tenant_id,
                &p.actor(),
                "draft.created",
                ("document", Some(&doc.id)),
                json!({"case": case.sign}),
                now,
            )?;
            reg::record_change(conn, &case.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(doc)
        })?;
        self.search_nudge();
        Ok(doc)
    }

    /// Saves a new version of a draft's text (a rejected draft becomes a draft again).
    pub fn edit_draft(
        &self,
        p: &Principal,
        document_id: &str,
        body: &str,
    ) -> Result<i32, AppError> {
        let body =
            long_text("body", body, MAX_BODY_CHARS).map_err(|e| AppError::Invalid(vec![e]))?;
        let blob = self.blobs()?.put(&p.tenant_id, body.as_bytes())?;
        let now = self.now_ts();
        let v = self.store.write(|conn| {
            let doc = repo::get(conn, &p.tenant_id, document_id)?.ok_or(AppError::NotFound)?;
            let case_id = doc.case_id.clone().ok_or(AppError::NotFound)?;
            let case = lock_for_handling(conn, p, &case_id)?;
            ensure_open(&case)?;
            if !matches!(
                DocumentStatus::parse(&doc.status),
                Some(DocumentStatus::Draft | DocumentStatus::Rejected)
            ) {
                return Err(AppError::field(
                    "body",
                    "not-editable",
                    "Ten dokument nie jest już projektem (jest w akceptacji, zaakceptowany lub wysłany); nie można go zmienić.",
                    "This document is no longer a draft (in approval, approved or sent); it cannot be changed.",
                ));
            }
            let version = doc.current_version + 1;
            repo::insert_version(
                conn,
                &DocumentVersionRow {
                    id: new_id(),
                    tenant_id: doc.tenant_id.clone(),
                    document_id: doc.id.clone(),
                    version,
                    blob_key: blob.key.clone(),
                    file_name: draft_file_name(&doc.title, version),
                    media_type: "text/plain".into(),
                    size: blob.size,
                    sha256: blob.sha256.clone(),
                    text_content: Some(body.clone()),
                    created_by: Some(p.user.id.clone()),
                    created_at: now,
                },
            )?;
            repo::set_version(conn, &doc.tenant_id, &doc.id, version, now)?;
            repo::set_status(conn, &doc.tenant_id, &doc.id, DocumentStatus::Draft.as_str(), now)?;
            log::append(
                conn,
                &doc.tenant_id,
                &case.id,
                &p.actor(),
                "draft.edited",
                Some(&doc.id),
                json!({"version": version, "sha256": blob.sha256}),
                now,
            )?;
            record(
                conn,
                &doc.tenant_id,
                &p.actor(),
                "draft.edited",
                ("document", Some(&doc.id)),
                json!({"version": version}),
                now,
            )?;
            reg::record_change(conn, &doc.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(version)
        })?;
        self.search_nudge();
        Ok(v)
    }

    /// A document the principal may see (through its case or its incoming item).
    pub fn document(&self, p: &Principal, id: &str) -> Result<DocumentRow, AppError> {
        let doc = self
            .store
            .read(|c| Ok::<_, AppError>(repo::get(c, &p.tenant_id, id)?))?
            .ok_or(AppError::NotFound)?;
        match (&doc.case_id, &doc.incoming_item_id) {
            (Some(case_id), _) => {
                self.case(p, case_id)?;
            }
            (None, Some(item_id)) => {
                self.incoming_item(p, item_id)?;
            }
            (None, None) => return Err(AppError::NotFound),
        }
        if doc.access_level == AccessLevel::Restricted.as_str() && !Scope::of(p).restricted {
            let own = doc.author_id.as_deref() == Some(p.user.id.as_str());
            if !own {
                return Err(AppError::NotFound);
            }
        }
        Ok(doc)
    }

    pub fn document_versions(
        &self,
        p: &Principal,
        id: &str,
    ) -> Result<Vec<DocumentVersionRow>, AppError> {
        let doc = self.document(p, id)?;
        self.store
            .read(|c| Ok(repo::versions(c, &doc.tenant_id, &doc.id)?))
    }

    /// The content of a version (the current one when `version` is `None`), checked against its
    /// SHA-256.
    pub fn document_content(
        &self,
        p: &Principal,
        id: &str,
        version: Option<i32>,
    ) -> Result<Content, AppError> {
        let doc = self.document(p, id)?;
        self.version_content(
            &doc.tenant_id,
            &doc.id,
            version.unwrap_or(doc.current_version),
        )
    }

    /// A version's bytes from blob storage (access already checked by the caller).
    pub(crate) fn version_content(
        &self,
        tenant_id: &str,
        document_id: &str,
        version: i32,
    ) -> Result<Content, AppError> {
        let row = self
            .store
            .read(|c| Ok::<_, AppError>(repo::version(c, tenant_id, document_id, version)?))?
            .ok_or(AppError::NotFound)?;
        let bytes = self.blobs()?.get(&row.blob_key, &row.sha256)?;
        Ok(Content {
            file_name: row.file_name,
            media_type: row.media_type,
            bytes,
        })
    }

    /// The current text of a draft (for the editor).
    pub fn draft_text(&self, p: &Principal, id: &str) -> Result<String, AppError> {
        let doc = self.document(p, id)?;
        let row = self
            .store
            .read(|c| {
                Ok::<_, AppError>(repo::version(
                    c,
                    &doc.tenant_id,
                    &doc.id,
                    doc.current_version,
                )?)
            })?
            .ok_or(AppError::NotFound)?;
        match row.text_content {
            Some(t) if row.media_type == "text/plain" => Ok(t),
            _ => Err(AppError::NotFound),
        }
    }
}

impl App {
    /// Withdraws a draft that will not be sent (kept in the case file, marked withdrawn), so the
    /// case can be closed without approving it.
    pub fn withdraw_draft(&self, p: &Principal, document_id: &str) -> Result<(), AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let doc = repo::get(conn, &p.tenant_id, document_id)?.ok_or(AppError::NotFound)?;
            let case_id = doc.case_id.clone().ok_or(AppError::NotFound)?;
            let case = lock_for_handling(conn, p, &case_id)?;
            ensure_open(&case)?;
            if !matches!(
                DocumentStatus::parse(&doc.status),
                Some(
                    DocumentStatus::Draft
                        | DocumentStatus::Rejected
                        | DocumentStatus::PendingApproval
                )
            ) {
                return Err(AppError::field(
                    "document",
                    "not-a-draft",
                    "Wycofać można tylko projekt, który nie został zaakceptowany ani wysłany.",
                    "Only a draft that is not approved or sent can be withdrawn.",
                ));
            }
            withdraw_in(conn, &p.actor(), &case.id, &doc, now)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "draft.withdrawn",
                ("document", Some(&doc.id)),
                json!({}),
                now,
            )?;
            Ok(())
        })
    }
}
