//! Letter templates per tenant, with placeholders (`{{znak_sprawy}}` …, see
//! `ratusz_core::letters`) filled from the case when a clerk starts a draft.

use std::collections::BTreeMap;

use ratusz_core::calendar::words::letter_date_pl;
use ratusz_core::letters;
use ratusz_core::roles::Permission;
use ratusz_store::casefiles::{self as repo, DocumentRow, LetterTemplateRow};
use ratusz_store::new_id;
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::{Actor, record};
use crate::registry::kinds::DocumentKind;
use crate::registry::{Fields, long_text, parse_iso, text_field};
use crate::{App, AppError, FieldError};

/// A template as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct TemplateInput {
    pub name: String,
    /// A document kind (`letter`, `decision`, `delay_notice`, `deficiency_notice` …).
    pub kind: String,
    /// The letter's title (may hold placeholders).
    pub title: String,
    pub body: String,
}

fn template_error(field: &str, e: letters::TemplateError) -> FieldError {
    FieldError::new(field, e.code(), e.message_pl(), e.message_en())
}

fn validate(input: &TemplateInput) -> Result<(String, DocumentKind, String, String), AppError> {
    let mut f = Fields::default();
    let name = f.take(text_field("name", &input.name, 200));
    let kind = f.take(DocumentKind::parse_field("kind", &input.kind));
    let title = f.take(text_field("title", &input.title, 300));
    let body = f.take(long_text("body", &input.body, super::MAX_BODY_CHARS));
    if let Some(t) = &title {
        f.take(letters::validate_template(t).map_err(|e| template_error("title", e)));
    }
    if let Some(b) = &body {
        f.take(letters::validate_template(b).map_err(|e| template_error("body", e)));
    }
    f.finish()?;
    match (name, kind, title, body) {
        (Some(n), Some(k), Some(t), Some(b)) => Ok((n, k, t, b)),
        _ => Err(AppError::Internal("template validation".into())),
    }
}

impl App {
    pub fn letter_templates(&self, tenant_id: &str) -> Result<Vec<LetterTemplateRow>, AppError> {
        self.store.read(|c| Ok(repo::templates(c, tenant_id)?))
    }

    pub fn create_template(
        &self,
        p: &Principal,
        input: &TemplateInput,
    ) -> Result<LetterTemplateRow, AppError> {
        crate::registry::require_anywhere(p, Permission::ManageTemplates)?;
        self.create_template_as(&p.tenant_id, &p.actor(), Some(&p.user.id), input)
    }

    pub fn create_template_as(
        &self,
        tenant_id: &str,
        actor: &Actor,
        user_id: Option<&str>,
        input: &TemplateInput,
    ) -> Result<LetterTemplateRow, AppError> {
        let (name, kind, title, body) = validate(input)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let row = LetterTemplateRow {
                id: new_id(),
                tenant_id: tenant_id.to_owned(),
                name,
                kind: kind.as_str().into(),
                title,
                body,
                created_by: user_id.map(str::to_owned),
                created_at: now,
                updated_at: now,
            };
            repo::insert_template(conn, &row).map_err(|e| match e {
                ratusz_store::StoreError::Conflict(_) => AppError::field(
                    "name",
                    "taken",
                    "Szablon o tej nazwie już istnieje; wybierz inną nazwę.",
                    "A template with this name exists; choose another name.",
                ),
                other => other.into(),
            })?;
            record(
                conn,
                tenant_id,
                actor,
                "template.created",
                ("letter_template", Some(&row.id)),
                json!({"name": row.name}),
                now,
            )?;
            Ok(row)
        })
    }

    /// The values of the placeholders for a case, as of today.
    pub fn placeholder_values(
        &self,
        p: &Principal,
        case_id: &str,
        addressee: (&str, &str),
    ) -> Result<BTreeMap<String, String>, AppError> {
        let case = self.case(p, case_id)?;
        self.placeholder_values_for(&case, addressee)
    }

    /// The placeholder values of a case the caller already may see (the intake robot's own
    /// case, right after opening it).
    pub(crate) fn placeholder_values_for(
        &self,
        case: &ratusz_store::cases::CaseRow,
        addressee: (&str, &str),
    ) -> Result<BTreeMap<String, String>, AppError> {
        let p_tenant = case.tenant_id.clone();
        let (tenant, unit, handler, item) = self.store.read(|c| {
            let tenant = Some(ratusz_store::tenants::tenant(c, &p_tenant)?);
            let unit = ratusz_store::tenants::unit(c, &p_tenant, &case.unit_id)?;
            let handler = match &case.handler_id {
                Some(h) => ratusz_store::accounts::user(c, &p_tenant, h)?,
                None => None,
            };
            let item = match &case.incoming_item_id {
                Some(i) => ratusz_store::registry::incoming(c, &p_tenant, i)?,
                None => None,
            };
            Ok::<_, AppError>((tenant, unit, handler, item))
        })?;
        let parties = self
            .store
            .read(|c| Ok::<_, AppError>(ratusz_store::cases::parties(c, &p_tenant, &case.id)?))?;
        let office = crate::tenants::office_of(tenant.as_ref());
        let today = self.clock.today_warsaw();
        let applicant = parties
            .first()
            .map(|x| x.name.clone())
            .filter(|n| !n.trim().is_empty());
        let (name, address) = if addressee.0.trim().is_empty() {
            parties
                .first()
                .map(|x| (x.name.clone(), x.address.clone()))
                .unwrap_or_default()
        } else {
            (addressee.0.trim().to_owned(), addressee.1.trim().to_owned())
        };
        let mut v = BTreeMap::new();
        v.insert("znak_sprawy".into(), case.sign.clone());
        v.insert("data".into(), letter_date_pl(today));
        v.insert("miejscowosc".into(), office.place.clone());
        v.insert("urzad".into(), office.name.clone());
        v.insert("adresat".into(), name);
        v.insert("adres_adresata".into(), address);
        v.insert("tytul_sprawy".into(), case.title.clone());
        let received = item
            .as_ref()
            .and_then(|i| parse_iso(&i.received_on))
            .or_else(|| parse_iso(&case.start_date));
        v.insert(
            "data_wplywu".into(),
            received.map(letter_date_pl).unwrap_or_default(),
        );
        let due = case
            .due_date
            .as_deref()
            .and_then(parse_iso)
            .map(letter_date_pl)
            .unwrap_or_default();
        v.insert("termin".into(), due);
        v.insert(
            "prowadzacy".into(),
            handler
                .as_ref()
                .map(|h| h.display_name.clone())
                .unwrap_or_default(),
        );
        v.insert("stanowisko".into(), "referent".into());
        v.insert("komorka".into(), unit.map(|u| u.name).unwrap_or_default());
        // What the intake robot read in the letter that opened the case; otherwise a mark
        // the handler must replace.
        let to_fill = || letters::TO_FILL.to_owned();
        let reading = match &case.incoming_item_id {
            Some(i) => self
                .store
                .read(|c| Ok::<_, AppError>(ratusz_store::intake::intake(c, &p_tenant, i)?))?
                .and_then(|r| {
                    serde_json::from_str::<crate::intake::read::Reading>(&r.suggestions).ok()
                }),
            None => None,
        };
        let deficiencies = reading
            .as_ref()
            .map(|r| r.deficiencies.clone())
            .unwrap_or_default();
        v.insert("wnoszacy".into(), applicant.unwrap_or_else(to_fill));
        v.insert(
            "braki".into(),
            if deficiencies.is_empty() {
                to_fill()
            } else {
                deficiencies
                    .iter()
                    .enumerate()
                    .map(|(i, d)| format!("{}) {d}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n")
            },
        );
        let forward = reading.and_then(|r| r.forward);
        v.insert(
            "organ_wlasciwy".into(),
            forward.as_ref().map_or_else(to_fill, |f| f.to.clone()),
        );
        v.insert(
            "adres_organu".into(),
            forward.as_ref().map_or_else(to_fill, |f| f.address.clone()),
        );
        v.insert(
            "nowy_termin".into(),
            case.extension_due
                .as_deref()
                .and_then(parse_iso)
                .map(letter_date_pl)
                .unwrap_or_else(to_fill),
        );
        v.insert(
            "przyczyna_zwloki".into(),
            case.extension_reason.clone().unwrap_or_else(to_fill),
        );
        Ok(v)
    }

    /// Starts a draft in a case from a template, with the placeholders filled.
    pub fn draft_from_template(
        &self,
        p: &Principal,
        case_id: &str,
        template_id: &str,
        addressee_name: &str,
        addressee_address: &str,
    ) -> Result<DocumentRow, AppError> {
        let t = self
            .store
            .read(|c| Ok::<_, AppError>(repo::template(c, &p.tenant_id, template_id.trim())?))?
            .ok_or_else(|| {
                AppError::field(
                    "template_id",
                    "unknown-template",
                    "Wybierz szablon z listy.",
                    "Choose a template from the list.",
                )
            })?;
        let values = self.placeholder_values(p, case_id, (addressee_name, addressee_address))?;
        let title = letters::fill(&t.title, &values)
            .map_err(|e| AppError::Invalid(vec![template_error("title", e)]))?;
        let body = letters::fill(&t.body, &values)
            .map_err(|e| AppError::Invalid(vec![template_error("body", e)]))?;
        let kind = DocumentKind::parse(&t.kind).unwrap_or(DocumentKind::Letter);
        let name = values.get("adresat").cloned().unwrap_or_default();
        let address = values.get("adres_adresata").cloned().unwrap_or_default();
        self.create_draft(p, case_id, &title, kind, &body, &name, &address, Some(t.id))
    }
}
