//! The demo municipality "Gmina Przykładowo": units, staff and residents for training and for the
//! browser tests. The credentials are public on purpose (README); never use them in production.

use ratusz_core::roles::{AccountKind, Role};
use ratusz_store::accounts::UserRow;
use ratusz_store::tenants::TenantRow;

use crate::accounts::{NewStaff, insert_resident, new_user};
use crate::audit::Actor;
use crate::{App, AppError};

pub const SLUG: &str = "przykladowo";
pub const NAME: &str = "Gmina Przykładowo";
pub const STAFF_PASSWORD: &str = "Demo-Ratusz-2026!";
pub const RESIDENT_PASSWORD: &str = "Demo-Mieszkaniec-2026!";
/// The TOTP secret every demo staff account is enrolled with; add it to an authenticator app.
pub const STAFF_TOTP_SECRET: &str = "RATUSZDEMOPRZYKLADOWOSECRET23456";

/// Units of the demo office: (symbol, name).
pub const UNITS: [(&str, &str); 5] = [
    ("OR", "Wydział Organizacyjny"),
    ("FN", "Wydział Finansowy"),
    ("GK", "Wydział Gospodarki Komunalnej"),
    ("USC", "Urząd Stanu Cywilnego"),
    ("OŚ", "Referat Ochrony Środowiska"),
];

/// Staff: (e-mail, name, role, unit symbol).
pub const STAFF: [(&str, &str, Role, Option<&str>); 6] = [
    (
        "admin@przykladowo.gov.pl",
        "Adam Administrator",
        Role::Admin,
        None,
    ),
    (
        "kancelaria@przykladowo.gov.pl",
        "Krystyna Kancelaryjna",
        Role::Registrar,
        None,
    ),
    (
        "kierownik.gk@przykladowo.gov.pl",
        "Marek Kierownik",
        Role::Manager,
        Some("GK"),
    ),
    (
        "referent.gk@przykladowo.gov.pl",
        "Ewa Referent",
        Role::Clerk,
        Some("GK"),
    ),
    (
        "referent.or@przykladowo.gov.pl",
        "Piotr Urzędnik",
        Role::Clerk,
        Some("OR"),
    ),
    (
        "usc@przykladowo.gov.pl",
        "Zofia Stanu-Cywilnego",
        Role::Clerk,
        Some("USC"),
    ),
];

/// Residents: (e-mail, name).
pub const RESIDENTS: [(&str, &str); 2] = [
    ("jan.kowalski@example.pl", "Jan Kowalski"),
    ("anna.nowak@example.pl", "Anna Nowak"),
];

impl App {
    /// Creates the demo municipality, or returns it unchanged if it exists.
    pub fn ensure_demo(&self, hosts: &[String]) -> Result<TenantRow, AppError> {
        if let Some(t) = self.tenant_by_slug(SLUG)? {
            return Ok(t);
        }
        let actor = Actor::Cli {
            label: "demo-seed".into(),
        };
        let tenant = self.create_tenant(SLUG, NAME, hosts, &actor)?;
        let mut unit_ids = Vec::new();
        for (symbol, name) in UNITS {
            let u = self.create_unit(&tenant.tenant_id, symbol, name, &actor)?;
            unit_ids.push((symbol, u.id));
        }
        for (email, name, role, unit) in STAFF {
            let unit_id = unit.and_then(|s| {
                unit_ids
                    .iter()
                    .find(|(sym, _)| *sym == s)
                    .map(|(_, id)| id.clone())
            });
            self.create_staff(
                &tenant.tenant_id,
                &NewStaff {
                    email: email.into(),
                    display_name: name.into(),
                    password: STAFF_PASSWORD.into(),
                    role,
                    unit_id,
                    totp_secret: Some(STAFF_TOTP_SECRET.into()),
                },
                &actor,
            )?;
        }
        let hash = self.hash_password(RESIDENT_PASSWORD)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            for (email, name) in RESIDENTS {
                let user = UserRow {
                    email_verified_at: Some(now),
                    ..new_user(
                        &tenant.tenant_id,
                        AccountKind::Resident,
                        email,
                        email,
                        name,
                        Some(hash.clone()),
                        now,
                    )
                };
                insert_resident(conn, &user, now)?;
                crate::audit::record(
                    conn,
                    &tenant.tenant_id,
                    &actor,
                    "user.create",
                    ("user", Some(&user.id)),
                    serde_json::json!({ "email": email, "kind": "resident" }),
                    now,
                )?;
            }
            Ok::<_, AppError>(())
        })?;
        Ok(tenant)
    }
}
