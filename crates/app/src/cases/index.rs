//! The case index (spis spraw, instrukcja kancelaryjna § 53 and annex 3): the cases of one
//! unit, one JRWA class and one year, in number order; viewable, and exportable as CSV and PDF.

use ratusz_documents::{TableColumn, TablePdf};
use ratusz_store::cases::{self as repo, CaseFilter, CaseRow};

use crate::accounts::Principal;
use crate::registry::{Scope, parse_iso};
use crate::{App, AppError};
use ratusz_core::calendar::words::letter_date_pl;

/// One row of the case index.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndexRow {
    pub number: i64,
    pub sign: String,
    pub title: String,
    pub from_whom: String,
    pub letter_date: String,
    pub start_date: String,
    pub closed_on: String,
    pub notes: String,
}

const HEADERS: [&str; 8] = [
    "Lp.",
    "Znak sprawy",
    "Sprawa (krótka treść)",
    "Od kogo wpłynęła",
    "Data pisma",
    "Data wszczęcia sprawy",
    "Data ostatecznego załatwienia",
    "Uwagi (sposób załatwienia)",
];

impl App {
    /// The index of `unit_id`/`class_symbol`/`year` (only cases the principal may see).
    pub fn case_index(
        &self,
        p: &Principal,
        unit_id: &str,
        class_symbol: &str,
        year: i32,
    ) -> Result<Vec<IndexRow>, AppError> {
        let scope = Scope::of(p);
        if !scope.covers(unit_id) {
            return Err(AppError::Forbidden);
        }
        self.store.read(|c| {
            let cases = repo::list(
                c,
                &p.tenant_id,
                &CaseFilter {
                    unit_id: Some(unit_id.to_owned()),
                    class_symbol: Some(class_symbol.trim().to_owned()),
                    year: Some(year),
                    ..Default::default()
                },
                100_000,
                0,
            )?;
            let mut rows = Vec::new();
            for case in cases {
                let visible = scope.sees(
                    Some(&case.unit_id),
                    &case.access_level,
                    case.handler_id.as_deref(),
                );
                let (from, letter_date) = match &case.incoming_item_id {
                    Some(i) => match ratusz_store::registry::incoming(c, &p.tenant_id, i)? {
                        Some(item) => (item.sender_name, item.letter_date.unwrap_or_default()),
                        None => (String::new(), String::new()),
                    },
                    None => ("z urzędu".to_owned(), String::new()),
                };
                rows.push(row_of(case, visible, from, letter_date));
            }
            Ok(rows)
        })
    }

    pub fn case_index_csv(&self, rows: &[IndexRow]) -> Result<String, AppError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
        w.write_record(HEADERS).map_err(fail)?;
        for r in rows {
            w.write_record([
                r.number.to_string().as_str(),
                &r.sign,
                &r.title,
                &r.from_whom,
                &r.letter_date,
                &r.start_date,
                &r.closed_on,
                &r.notes,
            ])
            .map_err(fail)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("csv: {e}")))
    }

    pub fn case_index_pdf(
        &self,
        p: &Principal,
        unit_id: &str,
        class_symbol: &str,
        year: i32,
        rows: &[IndexRow],
    ) -> Result<Vec<u8>, AppError> {
        let (tenant, unit, class) = self.store.read(|c| {
            Ok::<_, AppError>((
                ratusz_store::tenants::tenant(c, &p.tenant_id)?,
                ratusz_store::tenants::unit(c, &p.tenant_id, unit_id)?,
                ratusz_store::registry::file_class(c, &p.tenant_id, class_symbol.trim())?,
            ))
        })?;
        let office = crate::tenants::office_of(Some(&tenant));
        let unit_symbol = unit.as_ref().map(|u| u.symbol.clone()).unwrap_or_default();
        let table = TablePdf {
            title: format!("Spis spraw {unit_symbol}.{} — {year}", class_symbol.trim()),
            subtitle_lines: vec![
                office.name,
                unit.map(|u| format!("Komórka: {} ({})", u.name, u.symbol))
                    .unwrap_or_default(),
                class
                    .map(|k| {
                        format!(
                            "Klasa JRWA {}: {} (kategoria {})",
                            k.symbol,
                            k.heading,
                            k.category.unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
            ],
            columns: [0.5, 1.6, 2.6, 1.6, 1.0, 1.0, 1.1, 1.4]
                .iter()
                .zip(HEADERS)
                .map(|(w, h)| TableColumn {
                    header: h.to_owned(),
                    width: *w,
                })
                .collect(),
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        r.number.to_string(),
                        r.sign.clone(),
                        r.title.clone(),
                        r.from_whom.clone(),
                        r.letter_date.clone(),
                        r.start_date.clone(),
                        r.closed_on.clone(),
                        r.notes.clone(),
                    ]
                })
                .collect(),
            landscape: true,
            footer_lines: vec![format!(
                "Wygenerowano {}",
                letter_date_pl(self.clock.today_warsaw())
            )],
        };
        ratusz_documents::render_table(self.fonts()?, &table)
            .map_err(|e| AppError::Unavailable(format!("PDF: {e}")))
    }
}

fn row_of(case: CaseRow, visible: bool, from: String, letter_date: String) -> IndexRow {
    let restricted = "(sprawa o ograniczonym dostępie)".to_owned();
    IndexRow {
        number: case.number,
        sign: case.sign,
        title: if visible {
            case.title
        } else {
            restricted.clone()
        },
        from_whom: if visible { from } else { restricted },
        letter_date,
        start_date: case.start_date,
        closed_on: case.closed_on.clone().unwrap_or_default(),
        notes: match case.closed_on.as_deref().and_then(parse_iso) {
            Some(d) => format!("zakończona {}", letter_date_pl(d)),
            None => String::new(),
        },
    }
}
