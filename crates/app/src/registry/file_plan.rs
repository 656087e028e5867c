//! The file plan (JRWA) of a tenant: import and export as CSV (`symbol,heading,category`,
//! UTF-8, RFC 4180), listing, and the demo plan for a gmina.

use ratusz_core::registry::{ArchiveCategory, FileClassEntry, FilePlan};
use ratusz_store::registry::{self as repo, FileClassRow};
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::{Actor, record};
use crate::registry::require;
use crate::{App, AppError, FieldError};
use ratusz_core::roles::Permission;

/// The demo gmina's file plan, written from the annex of the 2011 regulation.
pub const DEMO_FILE_PLAN_CSV: &str = ratusz_core::registry::JRWA_GMINA_DEMO_CSV;

/// The largest CSV accepted (a full JRWA has about 1,500 rows, far below this).
pub const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// Parses a file-plan CSV into entries, naming the row of each problem.
pub fn parse_csv(data: &[u8]) -> Result<Vec<FileClassEntry>, AppError> {
    let err = |code: &str, pl: String, en: String| AppError::field("file", code, pl, en);
    if data.len() > MAX_CSV_BYTES {
        return Err(err(
            "file-too-large",
            format!(
                "Plik CSV może mieć najwyżej {} MB.",
                MAX_CSV_BYTES / 1024 / 1024
            ),
            format!(
                "The CSV file may have at most {} MB.",
                MAX_CSV_BYTES / 1024 / 1024
            ),
        ));
    }
    let text = std::str::from_utf8(data).map_err(|_| {
        err(
            "encoding",
            "Plik musi być zapisany w UTF-8 (w arkuszu: „CSV UTF-8”).".into(),
            "The file must be UTF-8 (in a spreadsheet: \"CSV UTF-8\").".into(),
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| {
        err(
            "csv",
            format!("Nie można odczytać nagłówka CSV: {e}."),
            format!("Cannot read the CSV header: {e}."),
        )
    })?;
    let expected = ["symbol", "heading", "category"];
    if headers.iter().map(str::trim).collect::<Vec<_>>() != expected {
        return Err(err(
            "header",
            "Pierwszy wiersz musi brzmieć: symbol,heading,category.".into(),
            "The first row must be: symbol,heading,category.".into(),
        ));
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                return Err(err(
                    "csv",
                    format!("Wiersz {row}: niepoprawny CSV ({e})."),
                    format!("Row {row}: malformed CSV ({e})."),
                ));
            }
        };
        let category = match rec.get(2).map(str::trim).unwrap_or("") {
            "" => None,
            c => match c.parse::<ArchiveCategory>() {
                Ok(c) => Some(c),
                Err(_) => {
                    problems.push(FieldError::new(
                        "file",
                        "category",
                        format!("Wiersz {row}: nieznana kategoria archiwalna „{c}” (dozwolone: A, Bn, BEn, Bc, np. B5, BE10)."),
                        format!("Row {row}: unknown archival category \"{c}\" (allowed: A, Bn, BEn, Bc, e.g. B5, BE10)."),
                    ));
                    continue;
                }
            },
        };
        entries.push(FileClassEntry {
            symbol: rec.get(0).unwrap_or("").trim().to_owned(),
            heading: rec.get(1).unwrap_or("").trim().to_owned(),
            category,
        });
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(entries)
}

/// Validates entries as a whole plan (tree, leaves with categories).
pub fn validate(entries: Vec<FileClassEntry>) -> Result<FilePlan, AppError> {
    FilePlan::from_entries(entries).map_err(|errors| {
        AppError::Invalid(
            errors
                .into_iter()
                .take(50)
                .map(|e| FieldError::new("file", e.code(), e.message_pl(), e.message_en()))
                .collect(),
        )
    })
}

/// Writes a plan as CSV.
pub fn to_csv(rows: &[FileClassRow]) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    w.write_record(["symbol", "heading", "category"])
        .map_err(fail)?;
    for r in rows {
        w.write_record([
            r.symbol.as_str(),
            r.heading.as_str(),
            r.category.as_deref().unwrap_or(""),
        ])
        .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("csv: {e}")))
}

impl App {
    pub fn file_classes(&self, tenant_id: &str) -> Result<Vec<FileClassRow>, AppError> {
        self.store.read(|c| Ok(repo::file_classes(c, tenant_id)?))
    }

    /// Replaces the tenant's file plan with the one in `csv`, in one transaction. Classes that
    /// disappear from the plan are removed unless a case uses them (then the import is refused
    /// and names them).
    pub fn import_file_plan(&self, p: &Principal, csv: &[u8]) -> Result<ImportReport, AppError> {
        require(p, Permission::ManageFilePlan, None)?;
        self.import_file_plan_as(&p.tenant_id, &p.actor(), csv)
    }

    pub fn import_file_plan_as(
        &self,
        tenant_id: &str,
        actor: &Actor,
        csv: &[u8],
    ) -> Result<ImportReport, AppError> {
        let plan = validate(parse_csv(csv)?)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let existing = repo::file_classes(conn, tenant_id)?;
            let mut report = ImportReport::default();
            for class in plan.iter() {
                let category = class.category.map(|c| c.to_string());
                match existing.iter().find(|e| e.symbol == class.symbol) {
                    Some(e) if e.heading == class.heading && e.category == category => {
                        report.unchanged += 1;
                        continue;
                    }
                    Some(_) => report.updated += 1,
                    None => report.added += 1,
                }
                repo::upsert_file_class(
                    conn,
                    &FileClassRow {
                        id: ratusz_store::new_id(),
                        tenant_id: tenant_id.to_owned(),
                        symbol: class.symbol.clone(),
                        heading: class.heading.clone(),
                        category,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
            }
            let mut in_use = Vec::new();
            for e in &existing {
                if plan.get(&e.symbol).is_none() {
                    if crate::cases::class_in_use(conn, tenant_id, &e.symbol)? {
                        in_use.push(e.symbol.clone());
                    } else {
                        repo::delete_file_class(conn, tenant_id, &e.symbol)?;
                        report.removed += 1;
                    }
                }
            }
            if !in_use.is_empty() {
                let list = in_use.join(", ");
                return Err(AppError::field(
                    "file",
                    "class-in-use",
                    format!("Nowy wykaz pomija klasy, w których są już sprawy: {list}. Zostaw je w pliku."),
                    format!("The new plan omits classes that already hold cases: {list}. Keep them in the file."),
                ));
            }
            record(
                conn,
                tenant_id,
                actor,
                "file_plan.imported",
                ("file_plan", None),
                json!(report),
                now,
            )?;
            Ok(report)
        })
    }

    /// The file plan as CSV, ready for a spreadsheet or another installation.
    pub fn export_file_plan(&self, tenant_id: &str) -> Result<String, AppError> {
        to_csv(&self.file_classes(tenant_id)?)
    }
}
