//! Submitting an e-service form: server-side validation, the application and its attachments
//! registered as an incoming item (channel portal), the case opened when the service says so,
//! the receipt (UPO) and its e-mail, all in one transaction. The idempotency key makes a double
//! click or a retry after a network error return the first submission instead of a second one.

use std::collections::BTreeMap;

use rand::Rng;
use ratusz_core::eservices::{Answers, FileType, check_file, summary, validate_answers};
use ratusz_core::roles::Permission;
use ratusz_store::eservices::{self as repo, DraftRow, SubmissionRow};
use ratusz_store::registry::{self as reg, IncomingItemRow};
use ratusz_store::{new_id, sha256_hex};
use serde_json::json;

use super::Service;
use super::receipt::{Receipt, ReceiptFile};
use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::kinds::AccessLevel;
use crate::registry::require;
use crate::registry::upload::{CheckedFile, Upload, safe_name, sniff};
use crate::{App, AppError, FieldError};

/// A form as submitted. `files`: (file field id, file).
#[derive(Debug, Clone, Default)]
pub struct SubmitInput {
    pub answers: Answers,
    pub files: Vec<(String, Upload)>,
    /// Generated when the form is shown; the same key again returns the same submission.
    pub idempotency_key: String,
}

/// Characters of tracking codes: no 0/O, 1/I/L, so that a code read aloud or copied by hand
/// is not mistyped.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A tracking code for checking status without an account: 10 characters (about 50 bits),
/// `XXXXX-XXXXX`.
pub fn tracking_code() -> String {
    let mut rng = rand::thread_rng();
    let mut code = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            code.push('-');
        }
        let c = CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())];
        code.push(char::from(c));
    }
    code
}

/// The stored form of a tracking code: SHA-256 of its normalised text.
pub fn tracking_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256_hex(norm.as_bytes())
}

/// The receipt number: `UPO/2026/000123`.
pub fn receipt_number(year: i32, number: i64) -> String {
    format!("UPO/{year}/{number:06}")
}

fn check_key(key: &str) -> Result<String, AppError> {
    let key = key.trim();
    if key.is_empty()
        || key.len() > 100
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::field(
            "idempotency_key",
            "idempotency-key",
            "Formularz jest niekompletny (brak klucza wysyłki). Odśwież stronę formularza i wyślij go ponownie.",
            "The form is incomplete (no submission key). Reload the form page and send it again.",
        ));
    }
    Ok(key.to_owned())
}

/// The applicant's address as one line: the first address field answered.
fn applicant_address(service: &Service, answers: &Answers) -> String {
    for f in service.def.fields() {
        if f.kind == ratusz_core::eservices::FieldKind::Address {
            let part = |k: &str| {
                answers
                    .get(&format!("{}.{k}", f.id))
                    .cloned()
                    .unwrap_or_default()
            };
            let street = part("street");
            if !street.is_empty() {
                return format!("{street}\n{} {}", part("postal_code"), part("city"));
            }
        }
    }
    String::new()
}

/// Files checked against their fields: (field id, checked file).
type FieldFiles = Vec<(String, CheckedFile)>;

impl App {
    fn check_submitted_files(
        &self,
        service: &Service,
        files: Vec<(String, Upload)>,
    ) -> Result<FieldFiles, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut ok = Vec::new();
        for (field_id, up) in files {
            let Some(field) = service
                .def
                .field(&field_id)
                .filter(|f| f.kind == ratusz_core::eservices::FieldKind::File)
            else {
                continue;
            };
            if up.bytes.is_empty() {
                continue;
            }
            let mime = sniff(&up.bytes);
            let detected = mime.and_then(FileType::from_mime);
            let size = up.bytes.len() as u64;
            if let Err(p) = check_file(field, &up.file_name, detected, size) {
                problems.push(FieldError::new(
                    &p.field,
                    p.code,
                    p.message_pl,
                    p.message_en,
                ));
                continue;
            }
            if up.bytes.len() > self.settings.max_upload_bytes {
                let mib = self.settings.max_upload_bytes / (1024 * 1024);
                problems.push(FieldError::new(
                    &field_id,
                    "file-size",
                    format!("Plik „{}” jest za duży: najwyżej {mib} MB.", up.file_name),
                    format!("File \"{}\" is too large: at most {mib} MB.", up.file_name),
                ));
                continue;
            }
            let media_type = mime.unwrap_or("application/octet-stream").to_owned();
            ok.push((
                field_id,
                CheckedFile {
                    file_name: safe_name(&up.file_name, &media_type),
                    media_type,
                    bytes: up.bytes,
                },
            ));
        }
        if problems.is_empty() {
            Ok(ok)
        } else {
            Err(problems)
        }
    }

    /// Submits a form of a published service as the signed-in resident. Returns the
    /// submission (the first one when the idempotency key was used before).
    pub fn submit_application(
        &self,
        p: &Principal,
        slug: &str,
        input: SubmitInput,
    ) -> Result<SubmissionRow, AppError> {
        require(p, Permission::UsePortal, None)?;
        let key = check_key(&input.idempotency_key)?;
        if let Some(done) = self
            .store
            .read(|c| repo::submission_by_key(c, &p.tenant_id, &p.user.id, &key))?
        {
            return Ok(done);
        }
        let service = self.service(&p.tenant_id, slug, false)?;
        let today = self.clock.today_warsaw();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (field, up) in &input.files {
            if !up.bytes.is_empty() {
                *counts.entry(field.clone()).or_default() += 1;
            }
        }
        let answers = validate_answers(&service.def, &input.answers, &counts, today);
        let files = self.check_submitted_files(&service, input.files);
        let (answers, files) = match (answers, files) {
            (Ok(a), Ok(f)) => (a, f),
            (a, f) => {
                let mut errors: Vec<FieldError> = a
                    .err()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| FieldError::new(&p.field, p.code, p.message_pl, p.message_en))
                    .collect();
                errors.extend(f.err().unwrap_or_default());
                return Err(AppError::Invalid(errors));
            }
        };
        self.scan_uploads(p, files.iter().map(|(field, f)| (field.as_str(), f)))?;
        let now_dt = self.clock.now();
        let now = ratusz_store::ts(now_dt);
        let received_at = now_dt
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        // The application itself: what the resident answered, with the labels they saw.
        let sections: Vec<_> = summary(&service.def, &answers, "pl")
            .into_iter()
            .map(|(title, fields)| {
                json!({"section": title, "fields": fields.into_iter().map(|(l, v)| json!({"label": l, "value": v})).collect::<Vec<_>>()})
            })
            .collect();
        let application = serde_json::to_vec_pretty(&json!({
            "service": service.def.slug,
            "service_name": service.def.name.pl,
            "service_version": service.row.version,
            "applicant": {"name": p.user.display_name, "email": p.user.email},
            "received_at": received_at,
            "answers": answers,
            "summary": sections,
        }))
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let application = CheckedFile {
            file_name: "wniosek.json".into(),
            media_type: "application/json".into(),
            bytes: application,
        };
        let mut all: Vec<CheckedFile> = vec![application];
        all.extend(files.iter().map(|(_, f)| f.clone()));
        let stored = self.store_blobs(&p.tenant_id, &all)?;
        let code = tracking_code();
        let office = self.tenant_name(&p.tenant_id)?;
        let result = self.store.write(|conn| {
            if let Some(done) = repo::submission_by_key(conn, &p.tenant_id, &p.user.id, &key)? {
                return Ok(done);
            }
            let year = today.year();
            let number = reg::next_number(conn, &p.tenant_id, &format!("rpw:{year}"))?;
            let item = IncomingItemRow {
                id: new_id(),
                tenant_id: p.tenant_id.clone(),
                year,
                number,
                item_ref: crate::registry::incoming::item_ref(year, number),
                channel: "portal".into(),
                kind: "application".into(),
                title: service.def.name.pl.clone(),
                sender_name: p.user.display_name.clone(),
                sender_address: applicant_address(&service, &answers),
                sender_reference: None,
                letter_date: Some(crate::registry::iso(today)),
                received_on: crate::registry::iso(today),
                registered_at: now,
                registered_by: p.user.id.clone(),
                access_level: AccessLevel::Internal.as_str().into(),
                attachments_count: i32::try_from(files.len()).unwrap_or(i32::MAX),
                paper_store_no: None,
                unit_id: Some(service.row.unit_id.clone()),
                handler_id: None,
                case_id: None,
                notes: String::new(),
            };
            reg::insert_incoming(conn, &item)?;
            let mut receipt_files = Vec::new();
            for (file, blob) in all.iter().zip(&stored) {
                crate::registry::incoming::insert_filed_document(
                    conn, &item, file, blob, &p.user.id, now,
                )?;
                receipt_files.push(ReceiptFile {
                    name: file.file_name.clone(),
                    media_type: file.media_type.clone(),
                    size: blob.size,
                    sha256: blob.sha256.clone(),
                });
            }
            let mut case_sign = None;
            let mut case_id = None;
            if service.def.open_case {
                let unit = ratusz_store::tenants::unit(conn, &p.tenant_id, &service.row.unit_id)?
                    .ok_or_else(|| AppError::Internal("service unit".into()))?;
                let case = crate::cases::insert_case(
                    conn,
                    &p.actor(),
                    &p.user.id,
                    crate::cases::NewCase {
                        unit: &unit,
                        class_symbol: &service.row.class_symbol,
                        kind: service.def.procedure,
                        complicated: service.def.complicated,
                        title: service.def.name.pl.clone(),
                        start: today,
                        handler_id: None,
                        access: AccessLevel::Internal,
                        item: Some(&item),
                        party: Some((item.sender_name.clone(), item.sender_address.clone())),
                    },
                    today,
                    now,
                )?;
                reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
                case_sign = Some(case.sign.clone());
                case_id = Some(case.id);
            }
            let sub_number = reg::next_number(conn, &p.tenant_id, &format!("upo:{year}"))?;
            let receipt = Receipt {
                number: receipt_number(year, sub_number),
                received_at: received_at.clone(),
                office: office.clone(),
                service_slug: service.def.slug.clone(),
                service_name_pl: service.def.name.pl.clone(),
                service_name_en: service.def.name.en.clone(),
                applicant_name: p.user.display_name.clone(),
                applicant_email: p.user.email.clone(),
                item_ref: item.item_ref.clone(),
                case_sign,
                files: receipt_files,
                tracking_code: code.clone(),
                note_pl: service.def.receipt_note.pl.clone(),
                note_en: service.def.receipt_note.en.clone(),
            };
            let row = SubmissionRow {
                id: new_id(),
                tenant_id: p.tenant_id.clone(),
                service_id: service.row.id.clone(),
                service_version: service.row.version,
                user_id: p.user.id.clone(),
                idempotency_key: key.clone(),
                year,
                number: sub_number,
                receipt_number: receipt.number.clone(),
                received_at: now,
                content_sha256: stored[0].sha256.clone(),
                receipt: serde_json::to_string(&receipt)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                tracking_hash: tracking_hash(&code),
                incoming_item_id: item.id.clone(),
            };
            repo::insert_submission(conn, &row)?;
            repo::delete_draft(conn, &p.tenant_id, &p.user.id, &service.row.id)?;
            crate::mail::enqueue(
                conn,
                &p.tenant_id,
                &p.user.email,
                &format!("Potwierdzenie złożenia wniosku {} / Receipt", receipt.number),
                &receipt.email_text(&self.settings.public_url, &row.id),
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "submission.received",
                ("submission", Some(&row.id)),
                json!({"receipt": row.receipt_number, "service": service.def.slug, "item_ref": item.item_ref, "case": case_id}),
                now,
            )?;
            reg::record_change(conn, &p.tenant_id, "item", &item.id, now)?;
            Ok::<_, AppError>(row)
        });
        let row = match result {
            // Two requests with one key at the same moment: the loser returns the winner's row.
            Err(AppError::Conflict(_)) => self
                .store
                .read(|c| repo::submission_by_key(c, &p.tenant_id, &p.user.id, &key))?
                .ok_or_else(|| AppError::Internal("submission conflict".into()))?,
            other => other?,
        };
        self.search_nudge();
        Ok(row)
    }

    /// Saves what the resident typed so far (no validation: a draft may be incomplete).
    pub fn save_draft(&self, p: &Principal, slug: &str, answers: &Answers) -> Result<(), AppError> {
        require(p, Permission::UsePortal, None)?;
        let service = self.service(&p.tenant_id, slug, false)?;
        let mut kept = Answers::new();
        for (k, v) in answers {
            let id = k.split('.').next().unwrap_or_default();
            if service.def.field(id).is_some() && v.len() <= 20_000 {
                kept.insert(k.clone(), v.clone());
            }
        }
        let json = serde_json::to_string(&kept).map_err(|e| AppError::Internal(e.to_string()))?;
        let now = self.now_ts();
        self.store.write(|c| {
            repo::save_draft(
                c,
                &DraftRow {
                    id: new_id(),
                    tenant_id: p.tenant_id.clone(),
                    user_id: p.user.id.clone(),
                    service_id: service.row.id.clone(),
                    answers: json,
                    updated_at: now,
                },
            )?;
            Ok(())
        })
    }

    /// Keeps what was typed into a form whose session had expired; returns the token for the
    /// browser's cookie. Nothing is validated or registered: the resident signs in and sends
    /// the form again.
    pub fn stash_answers(
        &self,
        tenant_id: &str,
        slug: &str,
        answers: &Answers,
    ) -> Result<String, AppError> {
        let service = self.service(tenant_id, slug, false)?;
        let json = serde_json::to_string(answers).map_err(|e| AppError::Internal(e.to_string()))?;
        if json.len() > 200_000 {
            return Err(AppError::field(
                "form",
                "too-long",
                "Formularz jest za długi, by go przechować.",
                "The form is too long to keep.",
            ));
        }
        let token = crate::accounts::random_token(24);
        let now = self.now_ts();
        self.store.write(|c| {
            repo::put_stash(
                c,
                &sha256_hex(token.as_bytes()),
                tenant_id,
                &service.row.id,
                &json,
                now,
            )
        })?;
        Ok(token)
    }

    /// The answers kept by [`App::stash_answers`] (once, within a day).
    pub fn take_stash(
        &self,
        tenant_id: &str,
        slug: &str,
        token: &str,
    ) -> Result<Option<Answers>, AppError> {
        let service = self.service(tenant_id, slug, false)?;
        let since = self.now_ts() - 24 * 3600 * 1_000_000;
        let found = self.store.write(|c| {
            repo::take_stash(
                c,
                &sha256_hex(token.as_bytes()),
                tenant_id,
                &service.row.id,
                since,
            )
        })?;
        Ok(found.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// The resident's saved draft of a service, if any.
    pub fn draft(&self, p: &Principal, slug: &str) -> Result<Option<Answers>, AppError> {
        require(p, Permission::UsePortal, None)?;
        let service = self.service(&p.tenant_id, slug, false)?;
        let row = self
            .store
            .read(|c| repo::draft(c, &p.tenant_id, &p.user.id, &service.row.id))?;
        Ok(row.and_then(|r| serde_json::from_str(&r.answers).ok()))
    }

    fn tenant_name(&self, tenant_id: &str) -> Result<String, AppError> {
        let t = self
            .store
            .read(|c| ratusz_store::tenants::tenant(c, tenant_id))?;
        Ok(crate::tenants::office_of(Some(&t)).name)
    }
}
