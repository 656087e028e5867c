//! The residents' portal: the e-service catalogue (definitions imported by the admin, service
//! cards), submissions with the official receipt (UPO), and "my matters".
//!
//! A definition is the TOML file of `ratusz_core::eservices`; it is checked in full on import
//! (syntax and meaning in core, the unit and the JRWA class against the tenant here) and only a
//! correct one is stored, so the portal never shows a broken form.

pub mod contact;
pub mod matters;
pub mod notify;
pub mod receipt;
pub mod submit;
pub mod survey;

use ratusz_core::eservices::{ServiceDefinition, parse_definition};
use ratusz_core::roles::Permission;
use ratusz_store::eservices::{self as repo, EServiceRow};
use ratusz_store::registry as reg;
use ratusz_store::search::analyzer::{analyze, analyze_folded};
use ratusz_store::{Db, new_id};
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::{Actor, record};
use crate::registry::require;
use crate::{App, AppError, FieldError};

/// A service with its parsed definition.
#[derive(Debug, Clone)]
pub struct Service {
    pub row: EServiceRow,
    pub def: std::sync::Arc<ServiceDefinition>,
}

/// Parsed definitions by (service id, version): a stored definition is parsed once, not on
/// every form shown or submitted (a new import raises the version, so a stale entry is never
/// used). Bounded: cleared when it grows past a few thousand entries.
#[derive(Default)]
pub struct DefinitionCache(
    std::sync::Mutex<std::collections::HashMap<(String, i32), std::sync::Arc<ServiceDefinition>>>,
);

impl DefinitionCache {
    fn get_or_parse(
        &self,
        row: &EServiceRow,
    ) -> Result<std::sync::Arc<ServiceDefinition>, AppError> {
        let key = (row.id.clone(), row.version);
        if let Some(d) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(d.clone());
        }
        let def = std::sync::Arc::new(parse_definition(&row.definition).map_err(|_| {
            AppError::Internal(format!("stored definition {} does not parse", row.slug))
        })?);
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 4096 {
            map.clear();
        }
        map.insert(key, def.clone());
        Ok(def)
    }
}

fn search_text(def: &ServiceDefinition) -> String {
    let mut parts = vec![
        def.name.pl.clone(),
        def.name.en.clone(),
        def.summary.pl.clone(),
        def.summary.en.clone(),
        def.slug.clone(),
    ];
    parts.extend(def.keywords.iter().cloned());
    // The search index's accent folding, so that "wycinka drzew" is found with or without
    // the Polish letters.
    analyze_folded(&parts.join(" ")).join(" ")
}

/// The words of a catalogue query as the catalogue matches them: the Polish stem of each
/// word (stop words dropped), accent-folded. A stem is a prefix of its word, so "drzewo"
/// finds "drzew" and "drzewa".
fn query_words(query: &str) -> Vec<String> {
    analyze(query)
        .iter()
        .flat_map(|stem| analyze_folded(stem))
        .take(8)
        .collect()
}

/// The definition's errors as field errors of `definition`, each starting with its line.
fn definition_errors(errors: Vec<ratusz_core::eservices::DefinitionError>) -> AppError {
    AppError::Invalid(
        errors
            .into_iter()
            .map(|e| {
                FieldError::new(
                    "definition",
                    "definition",
                    format!("Wiersz {}, kolumna {}: {}", e.line, e.column, e.message_pl),
                    format!("Line {}, column {}: {}", e.line, e.column, e.message_en),
                )
            })
            .collect(),
    )
}

/// Checks a parsed definition against the tenant (unit, final JRWA class) and stores it,
/// replacing an earlier version with the same slug. In the caller's transaction.
fn store_definition(
    conn: &mut Db,
    tenant_id: &str,
    actor: &Actor,
    source: &str,
    def: &ServiceDefinition,
    now: i64,
) -> Result<EServiceRow, AppError> {
    let mut errors = Vec::new();
    let unit = ratusz_store::tenants::unit_by_symbol(conn, tenant_id, &def.unit)?;
    if unit.is_none() {
        errors.push(FieldError::new(
            "definition",
            "unknown-unit",
            format!(
                "Klucz unit: w urzędzie nie ma komórki „{}”; wpisz symbol komórki z listy komórek.",
                def.unit
            ),
            format!(
                "Key unit: the office has no unit \"{}\"; use the symbol of one of its units.",
                def.unit
            ),
        ));
    }
    match reg::file_class(conn, tenant_id, &def.jrwa)? {
        Some(c)
            if c.category.is_some()
                && !reg::file_class_has_children(conn, tenant_id, &c.symbol)? => {}
        Some(_) => errors.push(FieldError::new(
            "definition",
            "not-leaf",
            format!(
                "Klucz jrwa: klasa {} ma podklasy; wpisz klasę końcową (z kategorią archiwalną).",
                def.jrwa
            ),
            format!(
                "Key jrwa: class {} has sub-classes; use a final class (one with an archival category).",
                def.jrwa
            ),
        )),
        None => errors.push(FieldError::new(
            "definition",
            "unknown-class",
            format!(
                "Klucz jrwa: klasy „{}” nie ma w wykazie akt urzędu; wpisz klasę z wykazu.",
                def.jrwa
            ),
            format!(
                "Key jrwa: class \"{}\" is not in the office's file plan; use a class from the plan.",
                def.jrwa
            ),
        )),
    }
    let Some(unit) = unit.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let row = repo::upsert_service(
        conn,
        &EServiceRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            slug: def.slug.clone(),
            name_pl: def.name.pl.clone(),
            name_en: def.name.en.clone(),
            summary_pl: def.summary.pl.clone(),
            summary_en: def.summary.en.clone(),
            life_situations: def.life_situations.join(" "),
            search_text: search_text(def),
            unit_id: unit.id,
            class_symbol: def.jrwa.clone(),
            definition: source.to_owned(),
            published: true,
            version: 1,
            created_at: now,
            updated_at: now,
        },
    )?;
    record(
        conn,
        tenant_id,
        actor,
        "eservice.imported",
        ("eservice", Some(&row.id)),
        json!({"slug": row.slug, "version": row.version}),
        now,
    )?;
    Ok(row)
}

impl App {
    /// Imports (or replaces) an e-service from its definition file and publishes it. A file
    /// with errors changes nothing; every error is returned with its line.
    pub fn import_service(&self, p: &Principal, source: &str) -> Result<EServiceRow, AppError> {
        require(p, Permission::AdminTenant, None)?;
        let def = parse_definition(source).map_err(definition_errors)?;
        let now = self.now_ts();
        self.store
            .write(|conn| store_definition(conn, &p.tenant_id, &p.actor(), source, &def, now))
    }

    /// Imports the demo services (setup and the demo; no principal).
    pub fn import_service_as(
        &self,
        tenant_id: &str,
        actor: &Actor,
        source: &str,
    ) -> Result<EServiceRow, AppError> {
        let def = parse_definition(source).map_err(definition_errors)?;
        let now = self.now_ts();
        self.store
            .write(|conn| store_definition(conn, tenant_id, actor, source, &def, now))
    }

    /// Publishes or withdraws a service (withdrawn: not in the catalogue, no new submissions;
    /// what was submitted stays).
    pub fn set_service_published(
        &self,
        p: &Principal,
        slug: &str,
        published: bool,
    ) -> Result<(), AppError> {
        require(p, Permission::AdminTenant, None)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let row = repo::service_by_slug(conn, &p.tenant_id, slug)?.ok_or(AppError::NotFound)?;
            repo::set_published(conn, &p.tenant_id, &row.id, published, now)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                if published {
                    "eservice.published"
                } else {
                    "eservice.withdrawn"
                },
                ("eservice", Some(&row.id)),
                json!({"slug": row.slug}),
                now,
            )?;
            Ok(())
        })
    }

    /// The catalogue of a tenant: published services whose card contains every word of
    /// `query` (accents optional). `all` includes withdrawn ones (the admin's list).
    pub fn services(
        &self,
        tenant_id: &str,
        query: &str,
        all: bool,
    ) -> Result<Vec<EServiceRow>, AppError> {
        let words = query_words(query);
        Ok(self
            .store
            .read(|c| repo::list_services(c, tenant_id, &words, !all))?)
    }

    /// A published service with its parsed definition (the admin also gets withdrawn ones).
    pub fn service(&self, tenant_id: &str, slug: &str, all: bool) -> Result<Service, AppError> {
        let row = self
            .store
            .read(|c| repo::service_by_slug(c, tenant_id, slug))?
            .filter(|r| all || r.published)
            .ok_or(AppError::NotFound)?;
        let def = self.definitions.get_or_parse(&row)?;
        Ok(Service { row, def })
    }

    /// The definition file of a service, for export.
    pub fn service_source(&self, p: &Principal, slug: &str) -> Result<String, AppError> {
        require(p, Permission::AdminTenant, None)?;
        Ok(self.service(&p.tenant_id, slug, true)?.row.definition)
    }
}
