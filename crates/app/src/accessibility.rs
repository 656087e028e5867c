//! The accessibility statement (deklaracja dostępności) of the portal, generated from the
//! tenant's settings. The Act on digital accessibility of public bodies' websites and mobile
//! applications (ustawa z dnia 4 kwietnia 2019 r., Dz.U. 2019 poz. 848, art. 10) obliges every
//! office to publish one; its parts follow the statement's official layout: the entity and the
//! site, the dates of publication and of the last update, the status of compliance with the
//! list of what is not accessible and why, how and when the statement was prepared, contact
//! for accessibility matters, the request and complaint procedure (art. 18–19, fixed text in
//! the UI), architectural accessibility and the sign-language interpreter.
//!
//! The settings live in the tenant's settings JSON under `accessibility`; what the admin has
//! not filled in yet is shown with defaults that are true of Ratusz itself.

use ratusz_core::roles::Permission;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::{Fields, require};
use crate::{App, AppError, FieldError};

/// Compliance with the Act (stan dostępności cyfrowej).
pub const STATUSES: [&str; 3] = ["full", "partial", "none"];
/// How the statement was prepared (samoocena or an outside body).
pub const METHODS: [&str; 2] = ["self", "external"];

/// What the statement says, as the admin set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Accessibility {
    /// The public body (podmiot publiczny); the office's name when empty.
    pub entity: String,
    /// Dates `YYYY-MM-DD`: the site's publication, its last significant update, the
    /// statement's preparation and its last review.
    pub published: String,
    pub updated: String,
    pub prepared: String,
    pub reviewed: String,
    /// `full`, `partial` or `none`.
    pub status: String,
    /// What is not accessible and why (one item per line).
    pub non_accessible: String,
    /// `self` or `external`.
    pub method: String,
    /// The outside body, when `method` is `external`.
    pub assessor: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// Architectural accessibility of the office's buildings.
    pub architecture: String,
    /// How to arrange a Polish sign language interpreter.
    pub sign_language: String,
}

impl Default for Accessibility {
    fn default() -> Self {
        Self {
            entity: String::new(),
            published: String::new(),
            updated: String::new(),
            prepared: String::new(),
            reviewed: String::new(),
            status: "partial".into(),
            non_accessible: "Skany pism i pliki PDF przesyłane przez mieszkańców oraz dołączane do spraw mogą nie mieć warstwy tekstowej; na prośbę urząd udostępni ich treść w dostępnej formie.".into(),
            method: "self".into(),
            assessor: String::new(),
            contact_name: String::new(),
            contact_email: String::new(),
            contact_phone: String::new(),
            architecture: String::new(),
            sign_language: String::new(),
        }
    }
}

fn date(f: &mut Fields, field: &str, v: &str) -> String {
    let v = v.trim();
    if v.is_empty() {
        return String::new();
    }
    if time::Date::parse(v, &time::format_description::well_known::Iso8601::DATE).is_err() {
        f.0.push(FieldError::new(
            field,
            "date",
            "Podaj datę w formacie RRRR-MM-DD, np. 2026-11-24.",
            "Enter a date as YYYY-MM-DD, e.g. 2026-11-24.",
        ));
    }
    v.to_owned()
}

fn text(f: &mut Fields, field: &str, v: &str, max: usize) -> String {
    let v = v.trim();
    if v.chars().count() > max {
        f.0.push(FieldError::new(
            field,
            "too-long",
            format!("Najwyżej {max} znaków."),
            format!("At most {max} characters."),
        ));
    }
    v.to_owned()
}

fn one_of(f: &mut Fields, field: &str, v: &str, allowed: &[&str]) -> String {
    let v = v.trim();
    if !allowed.contains(&v) {
        f.0.push(FieldError::new(
            field,
            "choice",
            format!("Wybierz jedną z wartości: {}.", allowed.join(", ")),
            format!("Choose one of: {}.", allowed.join(", ")),
        ));
    }
    v.to_owned()
}

/// Checks what the admin typed; every problem names its field.
pub fn validate(input: &Accessibility) -> Result<Accessibility, AppError> {
    let mut f = Fields::default();
    let out = Accessibility {
        entity: text(&mut f, "entity", &input.entity, 300),
        published: date(&mut f, "published", &input.published),
        updated: date(&mut f, "updated", &input.updated),
        prepared: date(&mut f, "prepared", &input.prepared),
        reviewed: date(&mut f, "reviewed", &input.reviewed),
        status: one_of(&mut f, "status", &input.status, &STATUSES),
        non_accessible: text(&mut f, "non_accessible", &input.non_accessible, 5000),
        method: one_of(&mut f, "method", &input.method, &METHODS),
        assessor: text(&mut f, "assessor", &input.assessor, 300),
        contact_name: text(&mut f, "contact_name", &input.contact_name, 200),
        contact_email: text(&mut f, "contact_email", &input.contact_email, 254),
        contact_phone: text(&mut f, "contact_phone", &input.contact_phone, 40),
        architecture: text(&mut f, "architecture", &input.architecture, 10_000),
        sign_language: text(&mut f, "sign_language", &input.sign_language, 2000),
    };
    if !out.contact_email.is_empty()
        && let Err(mut e) = crate::accounts::normalize_email(&out.contact_email)
    {
        e.field = "contact_email".into();
        f.0.push(e);
    }
    if out.method == "external" && out.assessor.is_empty() {
        f.0.push(FieldError::new(
            "assessor",
            "empty",
            "Podaj podmiot zewnętrzny, który zbadał dostępność.",
            "Name the outside body that assessed the accessibility.",
        ));
    }
    if out.contact_name.is_empty() {
        f.0.push(FieldError::new(
            "contact_name",
            "empty",
            "Podaj osobę do kontaktu w sprawach dostępności (ustawa, art. 10 ust. 1).",
            "Name the contact person for accessibility (the Act, art. 10(1)).",
        ));
    }
    if out.contact_email.is_empty() && out.contact_phone.is_empty() {
        f.0.push(FieldError::new(
            "contact_email",
            "empty",
            "Podaj adres e-mail lub telefon osoby do kontaktu.",
            "Give the contact person's e-mail or phone.",
        ));
    }
    if out.status != "full" && out.non_accessible.is_empty() {
        f.0.push(FieldError::new(
            "non_accessible",
            "empty",
            "Przy zgodności częściowej lub braku zgodności wymień treści niedostępne i powód.",
            "With partial or no compliance, list what is not accessible and why.",
        ));
    }
    f.finish()?;
    Ok(out)
}

/// The statement of a tenant from its settings JSON.
pub fn of_settings(settings: &str) -> Accessibility {
    let v: serde_json::Value = serde_json::from_str(settings).unwrap_or_default();
    v.get("accessibility")
        .and_then(|a| serde_json::from_value(a.clone()).ok())
        .unwrap_or_default()
}

impl App {
    /// The accessibility statement of a tenant (public), with the office's name filled in.
    pub fn accessibility(&self, tenant_id: &str) -> Result<Accessibility, AppError> {
        let t = self
            .store
            .read(|c| ratusz_store::tenants::tenant(c, tenant_id))?;
        let mut a = of_settings(&t.settings);
        if a.entity.is_empty() {
            a.entity = crate::tenants::office_of(Some(&t)).name;
        }
        Ok(a)
    }

    /// The admin sets the statement.
    pub fn set_accessibility(
        &self,
        p: &Principal,
        input: &Accessibility,
    ) -> Result<Accessibility, AppError> {
        require(p, Permission::AdminTenant, None)?;
        let a = validate(input)?;
        let now = self.now_ts();
        self.store.write(|c| {
            let t = ratusz_store::tenants::tenant(c, &p.tenant_id)?;
            let mut settings: serde_json::Value =
                serde_json::from_str(&t.settings).unwrap_or_else(|_| json!({}));
            if !settings.is_object() {
                settings = json!({});
            }
            settings["accessibility"] =
                serde_json::to_value(&a).map_err(|e| AppError::Internal(e.to_string()))?;
            ratusz_store::tenants::set_settings(c, &p.tenant_id, &settings.to_string())?;
            record(
                c,
                &p.tenant_id,
                &p.actor(),
                "tenant.accessibility",
                ("tenant", Some(&p.tenant_id)),
                json!({"status": a.status, "updated": a.updated}),
                now,
            )?;
            Ok::<_, AppError>(())
        })?;
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_dates_choices_and_emails_name_their_fields() {
        let bad = Accessibility {
            published: "24.11.2026".into(),
            status: "mostly".into(),
            contact_email: "not-an-email".into(),
            contact_name: "Anna".into(),
            ..Accessibility::default()
        };
        let Err(AppError::Invalid(errs)) = validate(&bad) else {
            panic!("invalid input accepted");
        };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["published", "status", "contact_email"]);
    }

    #[test]
    fn partial_compliance_needs_the_list_of_what_is_not_accessible() {
        let a = Accessibility {
            non_accessible: String::new(),
            ..Accessibility::default()
        };
        let Err(AppError::Invalid(errs)) = validate(&a) else {
            panic!("accepted");
        };
        assert!(errs.iter().any(|e| e.field == "non_accessible"), "{errs:?}");
        let full = Accessibility {
            status: "full".into(),
            non_accessible: String::new(),
            published: "2026-01-15".into(),
            contact_name: "Anna".into(),
            contact_phone: "123 456 789".into(),
            ..Accessibility::default()
        };
        assert_eq!(validate(&full).expect("valid").published, "2026-01-15");
        // External assessment names its body; the contact needs an e-mail or a phone.
        let external = Accessibility {
            method: "external".into(),
            contact_phone: String::new(),
            ..full
        };
        let Err(AppError::Invalid(errs)) = validate(&external) else {
            panic!("accepted");
        };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["assessor", "contact_email"]);
    }

    #[test]
    fn settings_without_a_statement_give_the_defaults() {
        assert_eq!(of_settings("{}"), Accessibility::default());
        assert_eq!(of_settings("not json"), Accessibility::default());
        let s = r#"{"accessibility": {"status": "full", "contact_name": "Anna"}}"#;
        let a = of_settings(s);
        assert_eq!(a.status, "full");
        assert_eq!(a.contact_name, "Anna");
        assert_eq!(a.method, "self");
    }
}
