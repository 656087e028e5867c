//! Tenants (municipalities) and their units.

use ratusz_core::roles::Role;
use ratusz_store::tenants::{self as repo, TenantRow, UnitRow};
use serde_json::json;

use crate::audit::{Actor, record};
use crate::{App, AppError, FieldError};

/// Unit symbols are short upper-case codes such as `OR`, `GK`, `USC`, `OŚ` (Polish letters allowed).
pub fn validate_unit_symbol(symbol: &str) -> Result<String, FieldError> {
    let s = symbol.trim().to_uppercase();
    let len = s.chars().count();
    if len == 0 {
        return Err(FieldError::new(
            "symbol",
            "empty",
            "Podaj symbol komórki, np. GK.",
            "Enter the unit symbol, e.g. GK.",
        ));
    }
    if len > 10
        || !s
            .chars()
            .all(|c| c.is_alphanumeric() && (c.is_uppercase() || c.is_ascii_digit()))
    {
        return Err(FieldError::new(
            "symbol",
            "format",
            "Symbol może mieć do 10 wielkich liter lub cyfr, bez spacji i kropek (np. GK, USC, OŚ).",
            "The symbol may have up to 10 capital letters or digits, no spaces or dots (e.g. GK, USC).",
        ));
    }
    Ok(s)
}

fn validate_name(field: &str, name: &str, max: usize) -> Result<String, FieldError> {
    let n = name.trim();
    let len = n.chars().count();
    if len < 2 {
        return Err(FieldError::new(
            field,
            "too-short",
            "Wpisz nazwę (co najmniej 2 znaki).",
            "Enter a name (at least 2 characters).",
        ));
    }
    if len > max || n.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "too-long",
            format!("Nazwa może mieć najwyżej {max} znaków, bez znaków sterujących."),
            format!("The name may have at most {max} characters, without control characters."),
        ));
    }
    Ok(n.to_owned())
}

/// Tenant slugs are lower-case ASCII words with hyphens (`przykladowo`, `gmina-nowa`).
pub fn validate_slug(slug: &str) -> Result<String, FieldError> {
    let s = slug.trim();
    let ok = (2..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(FieldError::new(
            "slug",
            "format",
            "Identyfikator gminy: 2–40 małych liter bez polskich znaków, cyfr i łączników.",
            "Tenant id: 2–40 lower-case ASCII letters, digits and hyphens.",
        ))
    }
}

impl App {
    /// Creates a municipality with its audit chain and host names.
    pub fn create_tenant(
        &self,
        slug: &str,
        name: &str,
        hosts: &[String],
        actor: &Actor,
    ) -> Result<TenantRow, AppError> {
        let slug = validate_slug(slug).map_err(|e| AppError::Invalid(vec![e]))?;
        let name = validate_name("name", name, 200).map_err(|e| AppError::Invalid(vec![e]))?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let row = TenantRow {
                tenant_id: ratusz_store::new_id(),
                slug: slug.clone(),
                name: name.clone(),
                settings: "{}".into(),
                created_at: now,
            };
            repo::insert_tenant(conn, &row)?;
            ratusz_store::audit::init_chain(conn, &row.tenant_id)?;
            for h in hosts {
                repo::add_host(conn, &row.tenant_id, &h.to_ascii_lowercase())?;
            }
            record(
                conn,
                &row.tenant_id,
                actor,
                "tenant.create",
                ("tenant", Some(&row.tenant_id)),
                json!({ "slug": slug, "name": name, "hosts": hosts }),
                now,
            )?;
            Ok(row)
        })
    }

    /// Creates an organisational unit.
    pub fn create_unit(
        &self,
        tenant_id: &str,
        symbol: &str,
        name: &str,
        actor: &Actor,
    ) -> Result<UnitRow, AppError> {
        let mut errors = Vec::new();
        let symbol = validate_unit_symbol(symbol)
            .map_err(|e| errors.push(e))
            .ok();
        let name = validate_name("name", name, 200)
            .map_err(|e| errors.push(e))
            .ok();
        let (Some(symbol), Some(name)) = (symbol, name) else {
            return Err(AppError::Invalid(errors));
        };
        let now = self.now_ts();
        self.store.write(|conn| {
            if repo::unit_by_symbol(conn, tenant_id, &symbol)?.is_some() {
                return Err(AppError::field(
                    "symbol",
                    "taken",
                    format!("Komórka o symbolu {symbol} już istnieje. Wybierz inny symbol."),
                    format!("A unit with the symbol {symbol} already exists. Choose another."),
                ));
            }
            let row = UnitRow {
                id: ratusz_store::new_id(),
                tenant_id: tenant_id.to_owned(),
                symbol: symbol.clone(),
                name: name.clone(),
                parent_id: None,
                created_at: now,
            };
            repo::insert_unit(conn, &row)?;
            record(
                conn,
                tenant_id,
                actor,
                "unit.create",
                ("unit", Some(&row.id)),
                json!({ "symbol": symbol, "name": name }),
                now,
            )?;
            Ok(row)
        })
    }

    pub fn units(&self, tenant_id: &str) -> Result<Vec<UnitRow>, AppError> {
        self.store.read(|c| Ok(repo::units(c, tenant_id)?))
    }

    /// The tenant serving a request's host name: a claimed host, else the default tenant.
    pub fn tenant_for_host(&self, host: &str) -> Result<Option<TenantRow>, AppError> {
        let host = host
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        self.store.read(|c| {
            if let Some(t) = repo::tenant_by_host(c, &host)? {
                return Ok(Some(t));
            }
            match &self.settings.default_tenant {
                Some(slug) => Ok(repo::tenant_by_slug(c, slug)?),
                None => Ok(None),
            }
        })
    }

    pub fn tenants(&self) -> Result<Vec<TenantRow>, AppError> {
        self.store.read(|c| Ok(repo::list_tenants(c)?))
    }

    pub fn tenant_by_slug(&self, slug: &str) -> Result<Option<TenantRow>, AppError> {
        self.store.read(|c| Ok(repo::tenant_by_slug(c, slug)?))
    }
}

/// Roles that need a unit: a clerk and a manager always work in one.
pub fn role_needs_unit(role: Role) -> bool {
    matches!(role, Role::Clerk | Role::Manager)
}

/// The office's letterhead data, from the tenant's settings (`office_name`, `place`,
/// `address`), with the tenant's name as the fallback.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Office {
    pub name: String,
    pub place: String,
    pub address_lines: Vec<String>,
}

pub fn office_of(tenant: Option<&TenantRow>) -> Office {
    let Some(t) = tenant else {
        return Office::default();
    };
    let settings: serde_json::Value = serde_json::from_str(&t.settings).unwrap_or_default();
    let get = |k: &str| settings.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    Office {
        name: get("office_name").unwrap_or_else(|| t.name.clone()),
        place: get("place").unwrap_or_default(),
        address_lines: get("address")
            .map(|a| a.lines().map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}
