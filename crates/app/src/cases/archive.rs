//! Closing and reopening cases, retention from the archival category, the handover list
//! (spis zdawczo-odbiorczy) to the office archive and the archive export package.
//!
//! The package is a ZIP (format `ratusz-archive/1`, described in docs/archiwum.md):
//! `manifest.json`, `spis-zdawczo-odbiorczy.csv`, and per case a folder named after the sign
//! (dots replaced by `_`) with `sprawa.json` (metadata, parties, pauses, retention),
//! `metryka.csv` (the case log), `dokumenty.json` (every version with its SHA-256) and the files
//! under `dokumenty/`.

use std::io::Write;

use ratusz_core::cases::CaseStatus;
use ratusz_core::registry::ArchiveCategory;
use ratusz_core::roles::Permission;
use ratusz_documents::{TableColumn, TablePdf};
use ratusz_store::casefiles as files;
use ratusz_store::cases::{self as repo, CaseFilter, CaseRow};
use ratusz_store::new_id;
use ratusz_store::registry::{self as reg, ArchiveTransferRow};
use serde_json::json;

use super::{lock_for_handling, log};
use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::kinds::DocumentStatus;
use crate::registry::{Scope, iso, parse_iso, require, text_field};
use crate::{App, AppError};

impl App {
    /// Closes a case (optionally naming its final document). Refused while drafts are not
    /// approved: they would be left half-done in a closed file.
    pub fn close_case(
        &self,
        p: &Principal,
        case_id: &str,
        final_document_id: &str,
    ) -> Result<CaseRow, AppError> {
        let now = self.now_ts();
        let today = self.clock.today_warsaw();
        let case = self.store.write(|conn| {
            let mut case = lock_for_handling(conn, p, case_id)?;
            super::ensure_open(&case)?;
            let docs = files::of_case(conn, &p.tenant_id, &case.id)?;
            let open: Vec<String> = docs
                .iter()
                .filter(|d| {
                    matches!(
                        DocumentStatus::parse(&d.status),
                        Some(DocumentStatus::Draft | DocumentStatus::PendingApproval | DocumentStatus::Rejected)
                    )
                })
                .map(|d| d.title.clone())
                .collect();
            if !open.is_empty() {
                let list = open.join("; ");
                return Err(AppError::field(
                    "case",
                    "unapproved-drafts",
                    format!("Nie można zakończyć sprawy z niezaakceptowanymi projektami: {list}. Doprowadź je do akceptacji albo je wycofaj."),
                    format!("A case with unapproved drafts cannot be closed: {list}. Get them approved or withdraw them."),
                ));
            }
            let final_id = match final_document_id.trim() {
                "" => None,
                id => {
                    if !docs.iter().any(|d| d.id == id) {
                        return Err(AppError::field(
                            "final_document_id",
                            "unknown-document",
                            "Dokument kończący musi należeć do akt tej sprawy.",
                            "The final document must be in this case file.",
                        ));
                    }
                    Some(id.to_owned())
                }
            };
            // A case closed while waiting (e.g. a request left unconsidered after a deficiency
            // notice) ends its pause the same day, so a reopened case does not stay stopped.
            for pause in repo::pauses(conn, &p.tenant_id, &case.id)? {
                if pause.until_date.is_none() {
                    repo::end_pause(conn, &p.tenant_id, &pause.id, &iso(today))?;
                }
            }
            case.status = CaseStatus::Closed.as_str().into();
            case.closed_on = Some(iso(today));
            case.final_document_id = final_id;
            case.updated_at = now;
            repo::update(conn, &case)?;
            log::append(conn, &p.tenant_id, &case.id, &p.actor(), "case.closed", case.final_document_id.as_deref(),
                json!({"closed_on": case.closed_on}), now)?;
            record(conn, &p.tenant_id, &p.actor(), "case.closed", ("case", Some(&case.id)), json!({"sign": case.sign}), now)?;
            reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(case)
        })?;
        self.search_nudge();
        Ok(case)
    }

    /// Reopens a closed case with a reason (not once it went to the archive).
    pub fn reopen_case(
        &self,
        p: &Principal,
        case_id: &str,
        reason: &str,
    ) -> Result<CaseRow, AppError> {
        let reason = text_field("reason", reason, 2000).map_err(|e| AppError::Invalid(vec![e]))?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut case = lock_for_handling(conn, p, case_id)?;
            if case.status != CaseStatus::Closed.as_str() {
                return Err(AppError::field("case", "not-closed", "Sprawa nie jest zakończona.", "The case is not closed."));
            }
            if case.transfer_id.is_some() {
                return Err(AppError::field(
                    "case",
                    "archived",
                    "Sprawa jest już w archiwum zakładowym; wypożycz akta z archiwum, aby ją wznowić.",
                    "The case is in the office archive; borrow the file from the archive to reopen it.",
                ));
            }
            case.status = CaseStatus::Open.as_str().into();
            case.closed_on = None;
            case.updated_at = now;
            repo::update(conn, &case)?;
            log::append(conn, &p.tenant_id, &case.id, &p.actor(), "case.reopened", None, json!({"reason": reason}), now)?;
            record(conn, &p.tenant_id, &p.actor(), "case.reopened", ("case", Some(&case.id)), json!({"reason": reason}), now)?;
            reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            Ok(case)
        })
    }

    /// Draws up the handover list of a unit: closed cases from years up to `year` that are not
    /// yet in the archive, in JRWA order.
    pub fn create_handover(
        &self,
        p: &Principal,
        unit_id: &str,
        year: i32,
    ) -> Result<(ArchiveTransferRow, Vec<CaseRow>), AppError> {
        require(p, Permission::ArchiveCases, Some(unit_id.trim()))?;
        let now = self.now_ts();
        let cal_year = self.clock.today_warsaw().year();
        self.store.write(|conn| {
            let closed = repo::list(
                conn,
                &p.tenant_id,
                &CaseFilter {
                    unit_id: Some(unit_id.trim().to_owned()),
                    status: Some(CaseStatus::Closed.as_str().into()),
                    ..Default::default()
                },
                1_000_000,
                0,
            )?;
            let mut cases: Vec<CaseRow> = closed
                .into_iter()
                .filter(|c| {
                    c.transfer_id.is_none()
                        && c.closed_on
                            .as_deref()
                            .and_then(parse_iso)
                            .is_some_and(|d| d.year() <= year)
                })
                .collect();
            if cases.is_empty() {
                return Err(AppError::field(
                    "year",
                    "nothing-to-transfer",
                    "Brak zakończonych spraw do przekazania z tego okresu.",
                    "No closed cases to hand over from that period.",
                ));
            }
            cases.sort_by(|a, b| {
                (&a.class_symbol, a.year, a.number).cmp(&(&b.class_symbol, b.year, b.number))
            });
            let number =
                reg::next_number(conn, &p.tenant_id, &format!("transfer:{}", unit_id.trim()))?;
            let t = ArchiveTransferRow {
                id: new_id(),
                tenant_id: p.tenant_id.clone(),
                unit_id: unit_id.trim().to_owned(),
                number,
                year: cal_year,
                created_by: p.user.id.clone(),
                created_at: now,
            };
            reg::insert_transfer(conn, &t)?;
            for c in &mut cases {
                c.transfer_id = Some(t.id.clone());
                c.updated_at = now;
                repo::update(conn, c)?;
                log::append(
                    conn,
                    &p.tenant_id,
                    &c.id,
                    &p.actor(),
                    "case.archived",
                    None,
                    json!({"transfer": number}),
                    now,
                )?;
            }
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "archive.handover",
                ("archive_transfer", Some(&t.id)),
                json!({"cases": cases.len()}),
                now,
            )?;
            Ok((t, cases))
        })
    }

    pub fn handover(
        &self,
        p: &Principal,
        transfer_id: &str,
    ) -> Result<(ArchiveTransferRow, Vec<CaseRow>), AppError> {
        let (t, cases) = self.store.read(|c| {
            let t = reg::transfer(c, &p.tenant_id, transfer_id)?.ok_or(AppError::NotFound)?;
            let cases = repo::by_transfer(c, &p.tenant_id, &t.id)?;
            Ok::<_, AppError>((t, cases))
        })?;
        if !Scope::of(p).covers(&t.unit_id) {
            return Err(AppError::NotFound);
        }
        Ok((t, cases))
    }

    fn handover_rows(
        &self,
        p: &Principal,
        cases: &[CaseRow],
    ) -> Result<Vec<Vec<String>>, AppError> {
        let classes = self.file_classes(&p.tenant_id)?;
        Ok(cases
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let class = classes.iter().find(|k| k.symbol == c.class_symbol);
                vec![
                    (i + 1).to_string(),
                    c.sign.clone(),
                    class.map(|k| k.heading.clone()).unwrap_or_default(),
                    format!(
                        "{}–{}",
                        c.start_date.get(..4).unwrap_or(""),
                        c.closed_on
                            .as_deref()
                            .and_then(|d| d.get(..4))
                            .unwrap_or("")
                    ),
                    class.and_then(|k| k.category.clone()).unwrap_or_default(),
                    "1".into(),
                    c.title.clone(),
                ]
            })
            .collect())
    }

    pub fn handover_pdf(&self, p: &Principal, transfer_id: &str) -> Result<Vec<u8>, AppError> {
        let (t, cases) = self.handover(p, transfer_id)?;
        let unit = self.store.read(|c| {
            Ok::<_, AppError>(ratusz_store::tenants::unit(c, &p.tenant_id, &t.unit_id)?)
        })?;
        let headers = [
            "Lp.",
            "Znak teczki / sprawy",
            "Tytuł teczki (hasło JRWA)",
            "Daty skrajne",
            "Kat. arch.",
            "Liczba teczek",
            "Uwagi",
        ];
        let table = TablePdf {
            title: format!("Spis zdawczo-odbiorczy nr {}", t.number),
            subtitle_lines: vec![
                unit.map(|u| format!("{} ({})", u.name, u.symbol))
                    .unwrap_or_default(),
            ],
            columns: [0.5, 1.8, 2.6, 1.0, 0.7, 0.7, 2.4]
                .iter()
                .zip(headers)
                .map(|(w, h)| TableColumn {
                    header: h.into(),
                    width: *w,
                })
                .collect(),
            rows: self.handover_rows(p, &cases)?,
            landscape: true,
            footer_lines: vec!["Przekazał: ……………………    Przejął: ……………………".into()],
        };
        ratusz_documents::render_table(self.fonts()?, &table)
            .map_err(|e| AppError::Unavailable(format!("PDF: {e}")))
    }

    /// The archive export package of a handover list (ZIP, see the module doc).
    pub fn archive_package(&self, p: &Principal, transfer_id: &str) -> Result<Vec<u8>, AppError> {
        let (t, cases) = self.handover(p, transfer_id)?;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let zerr = |e: zip::result::ZipError| AppError::Internal(format!("zip: {e}"));
        let ioerr = |e: std::io::Error| AppError::Internal(format!("zip: {e}"));
        let manifest = json!({
            "format": "ratusz-archive/1",
            "tenant_id": t.tenant_id,
            "unit_id": t.unit_id,
            "transfer_number": t.number,
            "created_at": rfc3339(t.created_at),
            "cases": cases.iter().map(|c| c.sign.clone()).collect::<Vec<_>>(),
        });
        zip.start_file("manifest.json", opts).map_err(zerr)?;
        zip.write_all(manifest.to_string().as_bytes())
            .map_err(ioerr)?;
        let mut list = csv::Writer::from_writer(Vec::new());
        let cerr = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
        list.write_record([
            "lp",
            "znak",
            "haslo_jrwa",
            "daty_skrajne",
            "kategoria",
            "liczba_teczek",
            "uwagi",
        ])
        .map_err(cerr)?;
        for r in self.handover_rows(p, &cases)? {
            list.write_record(&r).map_err(cerr)?;
        }
        zip.start_file("spis-zdawczo-odbiorczy.csv", opts)
            .map_err(zerr)?;
        zip.write_all(
            &list
                .into_inner()
                .map_err(|e| AppError::Internal(format!("csv: {e}")))?,
        )
        .map_err(ioerr)?;
        for case in &cases {
            let dir = case.sign.replace(['.', '/'], "_");
            let view = self.case_view(p, &case.id)?;
            let retention = view
                .category
                .as_deref()
                .and_then(|c| c.parse::<ArchiveCategory>().ok())
                .zip(case.closed_on.as_deref().and_then(parse_iso))
                .map(|(c, d)| c.retention(d).explain_pl());
            let meta = json!({
                "case": view.case, "unit": view.unit_symbol, "class_heading": view.class_heading,
                "category": view.category, "retention": retention, "parties": view.parties,
                "pauses": view.pauses, "related": view.related.iter().map(|c| c.sign.clone()).collect::<Vec<_>>(),
                "outgoing": view.outgoing,
            });
            zip.start_file(format!("{dir}/sprawa.json"), opts)
                .map_err(zerr)?;
            zip.write_all(
                serde_json::to_string_pretty(&meta)
                    .unwrap_or_default()
                    .as_bytes(),
            )
            .map_err(ioerr)?;
            let mut logw = csv::Writer::from_writer(Vec::new());
            logw.write_record(["lp", "czas_utc", "kto", "czynnosc", "dokument", "szczegoly"])
                .map_err(cerr)?;
            for l in &view.log {
                logw.write_record([
                    l.seq.to_string(),
                    rfc3339(l.at),
                    l.actor_label.clone(),
                    l.action.clone(),
                    l.document_id.clone().unwrap_or_default(),
                    l.details.clone(),
                ])
                .map_err(cerr)?;
            }
            zip.start_file(format!("{dir}/metryka.csv"), opts)
                .map_err(zerr)?;
            zip.write_all(
                &logw
                    .into_inner()
                    .map_err(|e| AppError::Internal(format!("csv: {e}")))?,
            )
            .map_err(ioerr)?;
            let mut docs_meta = Vec::new();
            for (i, d) in view.documents.iter().enumerate() {
                for v in &d.versions {
                    let name = format!("dokumenty/{:03}-v{}-{}", i + 1, v.version, v.file_name);
                    let bytes = self.blobs()?.get(&v.blob_key, &v.sha256)?;
                    zip.start_file(format!("{dir}/{name}"), opts)
                        .map_err(zerr)?;
                    zip.write_all(&bytes).map_err(ioerr)?;
                    docs_meta.push(json!({"document_id": d.document.id, "title": d.document.title, "kind": d.document.kind,
                        "status": d.document.status, "version": v.version, "file": name, "media_type": v.media_type,
                        "size": v.size, "sha256": v.sha256, "created_at": rfc3339(v.created_at)}));
                }
            }
            zip.start_file(format!("{dir}/dokumenty.json"), opts)
                .map_err(zerr)?;
            zip.write_all(
                serde_json::to_string_pretty(&docs_meta)
                    .unwrap_or_default()
                    .as_bytes(),
            )
            .map_err(ioerr)?;
        }
        let out = zip.finish().map_err(zerr)?;
        Ok(out.into_inner())
    }

    pub fn case_log_csv(&self, p: &Principal, case_id: &str) -> Result<String, AppError> {
        let view = self.case_view(p, case_id)?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let cerr = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
        w.write_record(["lp", "czas_utc", "kto", "czynnosc", "dokument", "szczegoly"])
            .map_err(cerr)?;
        for l in &view.log {
            let doc = l
                .document_id
                .as_ref()
                .and_then(|id| view.documents.iter().find(|d| &d.document.id == id))
                .map(|d| d.document.title.clone())
                .unwrap_or_default();
            w.write_record([
                l.seq.to_string(),
                rfc3339(l.at),
                l.actor_label.clone(),
                l.action.clone(),
                doc,
                l.details.clone(),
            ])
            .map_err(cerr)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("csv: {e}")))
    }
}

/// An instant as RFC 3339 in UTC (`2026-11-23T10:05:30.123456Z`), the format archives expect.
fn rfc3339(us: i64) -> String {
    ratusz_store::from_ts(us)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
