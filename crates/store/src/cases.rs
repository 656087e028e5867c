//! Cases (sprawy): the case row, its parties, related cases, periods that do not count towards
//! the deadline, and the case log (metryka sprawy, KPA art. 66a).

use diesel::prelude::*;
use serde::Serialize;

use crate::schema::{case_links, case_log, case_parties, case_pauses, cases};
use crate::{Db, Result};

pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";
/// Every status but closed (`ratusz_core::cases::CaseStatus`; a test keeps the two in step).
pub const NOT_CLOSED: [&str; 3] = ["open", "suspended", "awaiting_party"];

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: String,
    pub tenant_id: String,
    pub sign: String,
    pub unit_id: String,
    pub class_symbol: String,
    pub year: i32,
    pub number: i64,
    pub title: String,
    pub procedure_kind: String,
    pub complicated: bool,
    pub status: String,
    pub handler_id: Option<String>,
    pub opened_by: String,
    pub access_level: String,
    pub start_date: String,
    pub due_date: Option<String>,
    pub extension_due: Option<String>,
    pub extension_reason: Option<String>,
    pub incoming_item_id: Option<String>,
    pub closed_on: Option<String>,
    pub final_document_id: Option<String>,
    pub transfer_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert(conn: &mut Db, row: &CaseRow) -> Result<()> {
    diesel::insert_into(cases::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<CaseRow>> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::id.eq(id))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_sign(conn: &mut Db, tenant_id: &str, sign: &str) -> Result<Option<CaseRow>> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::sign.eq(sign))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?)
}

/// Writes the whole case row back (the use case changed some fields of a row it read in the same
/// transaction, after [`lock`]).
pub fn update(conn: &mut Db, row: &CaseRow) -> Result<()> {
    diesel::update(
        cases::table
            .filter(cases::tenant_id.eq(&row.tenant_id))
            .filter(cases::id.eq(&row.id)),
    )
    .set((
        cases::title.eq(&row.title),
        cases::procedure_kind.eq(&row.procedure_kind),
        cases::complicated.eq(row.complicated),
        cases::status.eq(&row.status),
        cases::handler_id.eq(&row.handler_id),
        cases::access_level.eq(&row.access_level),
        cases::due_date.eq(&row.due_date),
        cases::extension_due.eq(&row.extension_due),
        cases::extension_reason.eq(&row.extension_reason),
        cases::closed_on.eq(&row.closed_on),
        cases::final_document_id.eq(&row.final_document_id),
        cases::transfer_id.eq(&row.transfer_id),
        cases::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Reads a case for change: on PostgreSQL the row is locked until commit (SQLite's write
/// transaction already excludes other writers), so two clerks acting on one case queue and the
/// case log's numbering stays gap-free.
pub fn lock(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<CaseRow>> {
    if let Db::Pg(c) = conn {
        use diesel::sql_types::Text;
        diesel::sql_query("SELECT id FROM cases WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind::<Text, _>(tenant_id)
            .bind::<Text, _>(id)
            .execute(c)?;
    }
    get(conn, tenant_id, id)
}

/// Cases waiting for `handler_id`, soonest deadline first (no deadline last).
pub fn open_for_handler(
    conn: &mut Db,
    tenant_id: &str,
    handler_id: &str,
    limit: i64,
) -> Result<Vec<CaseRow>> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::handler_id.eq(handler_id))
        // An IN list (not `<> 'closed'`) lets the (tenant, handler, status, due) index bound
        // the scan to the open cases instead of the handler's whole history.
        .filter(cases::status.eq_any(NOT_CLOSED))
        .order((
            cases::due_date.is_null(),
            cases::due_date.asc(),
            cases::sign.asc(),
        ))
        .limit(limit)
        .select(CaseRow::as_select())
        .load(conn)?)
}

/// Open cases of these units that nobody handles yet (opened from the portal, or whose
/// handler left), soonest due first: the managers' queue to assign.
pub fn open_without_handler(
    conn: &mut Db,
    tenant_id: &str,
    units: &[String],
    limit: i64,
) -> Result<Vec<CaseRow>> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::unit_id.eq_any(units))
        .filter(cases::handler_id.is_null())
        .filter(cases::status.eq_any(NOT_CLOSED))
        .order((
            cases::due_date.is_null(),
            cases::due_date.asc(),
            cases::sign.asc(),
        ))
        .limit(limit)
        .select(CaseRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub units: Option<Vec<String>>,
    pub unit_id: Option<String>,
    pub class_symbol: Option<String>,
    pub year: Option<i32>,
    pub status: Option<String>,
    pub handler_id: Option<String>,
}

/// Cases in case-index order (unit, class, year, number).
/// Open cases (of every tenant) whose deadline falls between `from` and `to` (ISO dates,
/// inclusive), soonest first: the robot's delay-notice sweep.
pub fn open_due_between(conn: &mut Db, from: &str, to: &str, limit: i64) -> Result<Vec<CaseRow>> {
    Ok(cases::table
        .filter(cases::status.eq("open"))
        .filter(cases::due_date.ge(from))
        .filter(cases::due_date.le(to))
        .order((cases::due_date.asc(), cases::id.asc()))
        .limit(limit)
        .select(CaseRow::as_select())
        .load(conn)?)
}

pub fn list(
    conn: &mut Db,
    tenant_id: &str,
    f: &CaseFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<CaseRow>> {
    let mut q = cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(units) = &f.units {
        q = q.filter(cases::unit_id.eq_any(units.clone()));
    }
    if let Some(u) = &f.unit_id {
        q = q.filter(cases::unit_id.eq(u.clone()));
    }
    if let Some(c) = &f.class_symbol {
        q = q.filter(cases::class_symbol.eq(c.clone()));
    }
    if let Some(y) = f.year {
        q = q.filter(cases::year.eq(y));
    }
    if let Some(s) = &f.status {
        q = q.filter(cases::status.eq(s.clone()));
    }
    if let Some(h) = &f.handler_id {
        q = q.filter(cases::handler_id.eq(h.clone()));
    }
    Ok(q.order((
        cases::year.desc(),
        cases::class_symbol.asc(),
        cases::number.asc(),
    ))
    .limit(limit)
    .offset(offset)
    .select(CaseRow::as_select())
    .load(conn)?)
}

pub fn by_transfer(conn: &mut Db, tenant_id: &str, transfer_id: &str) -> Result<Vec<CaseRow>> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::transfer_id.eq(transfer_id))
        .order((
            cases::class_symbol.asc(),
            cases::year.asc(),
            cases::number.asc(),
        ))
        .select(CaseRow::as_select())
        .load(conn)?)
}

// ---- periods that do not count ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = case_pauses)]
pub struct CasePauseRow {
    pub id: String,
    pub tenant_id: String,
    pub case_id: String,
    pub reason: String,
    pub from_date: String,
    pub until_date: Option<String>,
    pub document_id: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

pub fn insert_pause(conn: &mut Db, row: &CasePauseRow) -> Result<()> {
    diesel::insert_into(case_pauses::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn pauses(conn: &mut Db, tenant_id: &str, case_id: &str) -> Result<Vec<CasePauseRow>> {
    Ok(case_pauses::table
        .filter(case_pauses::tenant_id.eq(tenant_id))
        .filter(case_pauses::case_id.eq(case_id))
        .order((case_pauses::from_date.asc(), case_pauses::created_at.asc()))
        .select(CasePauseRow::as_select())
        .load(conn)?)
}

/// Ends the open pause of a case on `until`.
pub fn end_pause(conn: &mut Db, tenant_id: &str, pause_id: &str, until: &str) -> Result<()> {
    diesel::update(
        case_pauses::table
            .filter(case_pauses::tenant_id.eq(tenant_id))
            .filter(case_pauses::id.eq(pause_id)),
    )
    .set(case_pauses::until_date.eq(until))
    .execute(conn)?;
    Ok(())
}

// ---- parties and related cases ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = case_parties)]
pub struct CasePartyRow {
    pub id: String,
    pub tenant_id: String,
    pub case_id: String,
    pub role: String,
    pub name: String,
    pub address: String,
    pub email: Option<String>,
    pub edelivery_address: Option<String>,
    pub created_at: i64,
}

pub fn insert_party(conn: &mut Db, row: &CasePartyRow) -> Result<()> {
    diesel::insert_into(case_parties::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn parties(conn: &mut Db, tenant_id: &str, case_id: &str) -> Result<Vec<CasePartyRow>> {
    Ok(case_parties::table
        .filter(case_parties::tenant_id.eq(tenant_id))
        .filter(case_parties::case_id.eq(case_id))
        .order(case_parties::created_at.asc())
        .select(CasePartyRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = case_links)]
pub struct CaseLinkRow {
    pub tenant_id: String,
    pub case_id: String,
    pub related_case_id: String,
    pub created_at: i64,
}

pub fn insert_link(conn: &mut Db, row: &CaseLinkRow) -> Result<()> {
    diesel::insert_into(case_links::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Cases related to `case_id` (either direction).
pub fn related(conn: &mut Db, tenant_id: &str, case_id: &str) -> Result<Vec<CaseRow>> {
    let out: Vec<String> = case_links::table
        .filter(case_links::tenant_id.eq(tenant_id))
        .filter(case_links::case_id.eq(case_id))
        .select(case_links::related_case_id)
        .load(conn)?;
    let inc: Vec<String> = case_links::table
        .filter(case_links::tenant_id.eq(tenant_id))
        .filter(case_links::related_case_id.eq(case_id))
        .select(case_links::case_id)
        .load(conn)?;
    let ids: Vec<String> = out.into_iter().chain(inc).collect();
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::id.eq_any(ids))
        .order(cases::sign.asc())
        .select(CaseRow::as_select())
        .load(conn)?)
}

// ---- case log ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = case_log)]
pub struct CaseLogRow {
    pub id: String,
    pub tenant_id: String,
    pub case_id: String,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub document_id: Option<String>,
    pub details: String,
}

/// Appends to the case log; `row.seq` is ignored and set to the next number. Call after
/// [`lock`] in the same transaction.
pub fn append_log(conn: &mut Db, row: &CaseLogRow) -> Result<i64> {
    let last: Option<i64> = case_log::table
        .filter(case_log::case_id.eq(&row.case_id))
        .select(diesel::dsl::max(case_log::seq))
        .first(conn)?;
    let seq = last.unwrap_or(0) + 1;
    let mut row = row.clone();
    row.seq = seq;
    diesel::insert_into(case_log::table)
        .values(&row)
        .execute(conn)?;
    Ok(seq)
}

pub fn log(conn: &mut Db, tenant_id: &str, case_id: &str) -> Result<Vec<CaseLogRow>> {
    Ok(case_log::table
        .filter(case_log::tenant_id.eq(tenant_id))
        .filter(case_log::case_id.eq(case_id))
        .order(case_log::seq.asc())
        .select(CaseLogRow::as_select())
        .load(conn)?)
}
