//! Sending an approved letter: it is rendered to PDF (the version that leaves the office),
//! entered in the outgoing register with its dispatch method, and the case log records it.

use ratusz_core::calendar::words::letter_date_pl;
use ratusz_core::roles::Permission;
use ratusz_documents::LetterPdf;
use ratusz_store::casefiles::{self as repo, DocumentRow, DocumentVersionRow};
use ratusz_store::new_id;
use ratusz_store::registry::{self as reg, OutgoingFilter, OutgoingItemRow, OutgoingListRow};
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::record;
use crate::cases::{ensure_open, lock_visible, log};
use crate::registry::kinds::{DispatchMethod, DocumentStatus};
use crate::registry::{Fields, Scope, long_text, optional_text, require};
use crate::{App, AppError};

/// The registration mark of an outgoing item: `WYCH/2026/000042`.
pub fn outgoing_ref(year: i32, number: i64) -> String {
    format!("WYCH/{year}/{number:06}")
}

impl App {
    /// Renders a document's current text as the office's letter (PDF).
    pub fn render_letter_pdf(&self, p: &Principal, doc: &DocumentRow) -> Result<Vec<u8>, AppError> {
        let case_id = doc.case_id.clone().ok_or(AppError::NotFound)?;
        let case = self.case(p, &case_id)?;
        let body = self.draft_text(p, &doc.id)?;
        let (tenant, handler) = self.store.read(|c| {
            let t = ratusz_store::tenants::tenant(c, &p.tenant_id)?;
            let h = match &case.handler_id {
                Some(h) => ratusz_store::accounts::user(c, &p.tenant_id, h)?,
                None => None,
            };
            Ok::<_, AppError>((t, h))
        })?;
        let office = crate::tenants::office_of(Some(&tenant));
        let mut office_lines = vec![office.name.clone()];
        office_lines.extend(office.address_lines.iter().cloned());
        let today = letter_date_pl(self.clock.today_warsaw());
        let place_and_date = if office.place.is_empty() {
            today
        } else {
            format!("{}, {today}", office.place)
        };
        let mut addressee_lines = Vec::new();
        if let Some(n) = &doc.addressee_name {
            addressee_lines.push(n.clone());
        }
        if let Some(a) = &doc.addressee_address {
            addressee_lines.extend(a.lines().map(str::to_owned));
        }
        let letter = LetterPdf {
            office_lines,
            place_and_date,
            sign: format!("Znak sprawy: {}", case.sign),
            addressee_lines,
            title: doc.title.clone(),
            body,
            signature_lines: vec![office.name.clone()],
            footer_lines: handler
                .map(|h| vec![format!("Sprawę prowadzi: {}", h.display_name)])
                .unwrap_or_default(),
            metadata_title: format!("{} — {}", case.sign, doc.title),
        };
        let fonts = self.fonts()?;
        ratusz_documents::render_letter(fonts, &letter)
            .map_err(|e| AppError::Unavailable(format!("PDF: {e}")))
    }

    /// Dispatches an approved letter: PDF version, outgoing register entry, case log.
    pub fn dispatch_document(
        &self,
        p: &Principal,
        document_id: &str,
        method: &str,
        addressee_name: &str,
        addressee_address: &str,
    ) -> Result<OutgoingItemRow, AppError> {
        let doc = self.document(p, document_id)?;
        let mut f = Fields::default();
        let method = f.take(DispatchMethod::parse_field("dispatch_method", method));
        let name = f.take(optional_text("addressee_name", addressee_name, 300));
        let address = f.take(long_text("addressee_address", addressee_address, 500));
        f.finish()?;
        let (Some(method), Some(name), Some(address)) = (method, name, address) else {
            return Err(AppError::Internal("dispatch validation".into()));
        };
        if doc.status != DocumentStatus::Approved.as_str() {
            return Err(AppError::field(
                "document",
                "not-approved",
                "Wysłać można tylko pismo zaakceptowane; najpierw przekaż projekt do akceptacji.",
                "Only an approved letter can be sent; send the draft for approval first.",
            ));
        }
        let pdf = self.render_letter_pdf(p, &doc)?;
        let blob = self.blobs()?.put(&p.tenant_id, &pdf)?;
        let now = self.now_ts();
        let year = self.clock.today_warsaw().year();
        self.store.write(|conn| {
            let case_id = doc.case_id.clone().ok_or(AppError::NotFound)?;
            let case = lock_visible(conn, p, &case_id)?;
            ensure_open(&case)?;
            require(p, Permission::DispatchOutgoing, Some(&case.unit_id))
                .or_else(|_| require(p, Permission::DispatchOutgoing, None))?;
            // Re-read under the case lock: a concurrent dispatch must not send it twice.
            let doc = repo::get(conn, &p.tenant_id, &doc.id)?.ok_or(AppError::NotFound)?;
            if doc.status != DocumentStatus::Approved.as_str() {
                return Err(AppError::Conflict("document already dispatched".into()));
            }
            let parties = ratusz_store::cases::parties(conn, &p.tenant_id, &case.id)?;
            let addressee_name = name
                .or_else(|| doc.addressee_name.clone())
                .or_else(|| parties.first().map(|x| x.name.clone()));
            let Some(addressee_name) = addressee_name else {
                return Err(AppError::field(
                    "addressee_name",
                    "empty",
                    "Podaj adresata pisma.",
                    "Enter the addressee.",
                ));
            };
            let addressee_address = if address.is_empty() {
                doc.addressee_address
                    .clone()
                    .or_else(|| parties.first().map(|x| x.address.clone()))
                    .unwrap_or_default()
            } else {
                address
            };
            if matches!(method, DispatchMethod::Post | DispatchMethod::RegisteredPost)
                && addressee_address.trim().is_empty()
            {
                return Err(AppError::field(
                    "addressee_address",
                    "empty",
                    "Do wysyłki pocztą potrzebny jest adres adresata.",
                    "Sending by post needs the addressee's address.",
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
                    file_name: super::draft_file_name(&doc.title, version).replace(".txt", ".pdf"),
                    media_type: "application/pdf".into(),
                    size: blob.size,
                    sha256: blob.sha256.clone(),
                    text_content: None,
                    created_by: Some(p.user.id.clone()),
                    created_at: now,
                },
            )?;
            repo::set_version(conn, &doc.tenant_id, &doc.id, version, now)?;
            repo::set_status(conn, &doc.tenant_id, &doc.id, DocumentStatus::Dispatched.as_str(), now)?;
            let number = reg::next_number(conn, &p.tenant_id, &format!("out:{year}"))?;
            let out = OutgoingItemRow {
                id: new_id(),
                tenant_id: p.tenant_id.clone(),
                year,
                number,
                item_ref: outgoing_ref(year, number),
                case_id: case.id.clone(),
                document_id: doc.id.clone(),
                addressee_name,
                addressee_address,
                dispatch_method: method.as_str().into(),
                registered_by: p.user.id.clone(),
                registered_at: now,
            };
            reg::insert_outgoing(conn, &out)?;
            if method == DispatchMethod::Portal {
                crate::eservices::contact::deliver(conn, &case, &doc, &out, now)?;
            }
            log::append(
                conn,
                &p.tenant_id,
                &case.id,
                &p.actor(),
                "document.dispatched",
                Some(&doc.id),
                json!({"item_ref": out.item_ref, "method": out.dispatch_method, "sha256": blob.sha256, "kind": doc.kind}),
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "document.dispatched",
                ("document", Some(&doc.id)),
                json!({"item_ref": out.item_ref, "method": out.dispatch_method}),
                now,
            )?;
            reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            Ok(out)
        })
    }

    /// The outgoing register, newest first; unit staff see their units' entries.
    pub fn outgoing_register(
        &self,
        p: &Principal,
        mut filter: OutgoingFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OutgoingListRow>, AppError> {
        require(p, Permission::UsePanel, None)?;
        let wide = p.allowed(Permission::ReadRegisters, None);
        let scope = Scope::of(p);
        if !wide {
            // Units in SQL so that pages stay full; restricted cases are checked per row.
            filter.units = scope.units.clone();
        }
        let rows = self.store.read(|c| {
            Ok::<_, AppError>(reg::list_outgoing_with_cases(
                c,
                &p.tenant_id,
                &filter,
                limit.clamp(1, 500),
                offset.max(0),
            )?)
        })?;
        if wide {
            return Ok(rows);
        }
        Ok(rows
            .into_iter()
            .filter(|r| {
                scope.sees(
                    Some(&r.case_unit_id),
                    &r.case_access_level,
                    r.case_handler_id.as_deref(),
                )
            })
            .collect())
    }
}
