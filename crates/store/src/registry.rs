//! The registry (EZD): running numbers, the file plan (JRWA), the incoming and outgoing
//! registers, assignments (dekretacja), handover lists and the search change log.
//!
//! Registers are append-only in spirit: an item's registration data is never rewritten; what
//! moves is its assignment (kept with history in `assignments`) and the case it joined.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde::Serialize;

use crate::schema::{
    archive_transfers, assignments, cases, file_classes, incoming_items, outgoing_items,
    search_changes,
};
use crate::{Db, Result};

#[derive(QueryableByName)]
struct CounterValue {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// Takes the next number of a running sequence (`scope`, e.g. `rpw:2026`). Must run inside the
/// use case's write transaction: the counter row stays locked until commit, so numbers are
/// gap-free (a rollback returns the number) and concurrent openings queue instead of colliding.
pub fn next_number(conn: &mut Db, tenant_id: &str, scope: &str) -> Result<i64> {
    const SQL_PG: &str = "INSERT INTO counters (tenant_id, scope, value) VALUES ($1, $2, 1) \
        ON CONFLICT (tenant_id, scope) DO UPDATE SET value = counters.value + 1 RETURNING value";
    const SQL_LITE: &str = "INSERT INTO counters (tenant_id, scope, value) VALUES (?1, ?2, 1) \
        ON CONFLICT (tenant_id, scope) DO UPDATE SET value = counters.value + 1 RETURNING value";
    let v = match conn {
        Db::Pg(c) => diesel::sql_query(SQL_PG)
            .bind::<Text, _>(tenant_id)
            .bind::<Text, _>(scope)
            .get_result::<CounterValue>(c)?,
        Db::Sqlite(c) => diesel::sql_query(SQL_LITE)
            .bind::<Text, _>(tenant_id)
            .bind::<Text, _>(scope)
            .get_result::<CounterValue>(c)?,
    };
    Ok(v.value)
}

/// The current value of a sequence without taking a number (0 when unused).
pub fn current_number(conn: &mut Db, tenant_id: &str, scope: &str) -> Result<i64> {
    use crate::schema::counters;
    Ok(counters::table
        .filter(counters::tenant_id.eq(tenant_id))
        .filter(counters::scope.eq(scope))
        .select(counters::value)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

// ---- file plan ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = file_classes)]
pub struct FileClassRow {
    pub id: String,
    pub tenant_id: String,
    pub symbol: String,
    pub heading: String,
    pub category: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn file_classes(conn: &mut Db, tenant_id: &str) -> Result<Vec<FileClassRow>> {
    Ok(file_classes::table
        .filter(file_classes::tenant_id.eq(tenant_id))
        .order(file_classes::symbol.asc())
        .select(FileClassRow::as_select())
        .load(conn)?)
}

pub fn file_class(conn: &mut Db, tenant_id: &str, symbol: &str) -> Result<Option<FileClassRow>> {
    Ok(file_classes::table
        .filter(file_classes::tenant_id.eq(tenant_id))
        .filter(file_classes::symbol.eq(symbol))
        .select(FileClassRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether `symbol` has sub-classes (cases are only opened under leaves).
pub fn file_class_has_children(conn: &mut Db, tenant_id: &str, symbol: &str) -> Result<bool> {
    let prefix = format!("{symbol}%");
    let n: i64 = file_classes::table
        .filter(file_classes::tenant_id.eq(tenant_id))
        .filter(file_classes::symbol.like(prefix))
        .filter(file_classes::symbol.ne(symbol))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Replaces the heading and category of an existing class, or inserts a new one.
pub fn upsert_file_class(conn: &mut Db, row: &FileClassRow) -> Result<bool> {
    let updated = diesel::update(
        file_classes::table
            .filter(file_classes::tenant_id.eq(&row.tenant_id))
            .filter(file_classes::symbol.eq(&row.symbol)),
    )
    .set((
        file_classes::heading.eq(&row.heading),
        file_classes::category.eq(&row.category),
        file_classes::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(file_classes::table)
            .values(row)
            .execute(conn)?;
        return Ok(true);
    }
    Ok(false)
}

pub fn delete_file_class(conn: &mut Db, tenant_id: &str, symbol: &str) -> Result<()> {
    diesel::delete(
        file_classes::table
            .filter(file_classes::tenant_id.eq(tenant_id))
            .filter(file_classes::symbol.eq(symbol)),
    )
    .execute(conn)?;
    Ok(())
}

// ---- incoming register ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = incoming_items)]
pub struct IncomingItemRow {
    pub id: String,
    pub tenant_id: String,
    pub year: i32,
    pub number: i64,
    pub item_ref: String,
    pub channel: String,
    pub kind: String,
    pub title: String,
    pub sender_name: String,
    pub sender_address: String,
    pub sender_reference: Option<String>,
    pub letter_date: Option<String>,
    pub received_on: String,
    pub registered_at: i64,
    pub registered_by: String,
    pub access_level: String,
    pub attachments_count: i32,
    pub paper_store_no: Option<i64>,
    pub unit_id: Option<String>,
    pub handler_id: Option<String>,
    pub case_id: Option<String>,
    pub notes: String,
}

pub fn insert_incoming(conn: &mut Db, row: &IncomingItemRow) -> Result<()> {
    diesel::insert_into(incoming_items::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn incoming(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<IncomingItemRow>> {
    Ok(incoming_items::table
        .filter(incoming_items::tenant_id.eq(tenant_id))
        .filter(incoming_items::id.eq(id))
        .select(IncomingItemRow::as_select())
        .first(conn)
        .optional()?)
}

/// Filters of the incoming register.
#[derive(Debug, Clone, Default)]
pub struct IncomingFilter {
    pub year: Option<i32>,
    pub channel: Option<String>,
    pub kind: Option<String>,
    /// Only items assigned to one of these units (None = all).
    pub units: Option<Vec<String>>,
    pub handler_id: Option<String>,
    /// Only items not yet in a case.
    pub without_case: bool,
    /// Only items assigned to a unit without a handler (waiting for the unit's manager).
    pub without_handler: bool,
    /// Substring of the title, sender or item reference.
    pub text: Option<String>,
}

pub fn list_incoming(
    conn: &mut Db,
    tenant_id: &str,
    f: &IncomingFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<IncomingItemRow>> {
    let mut q = incoming_items::table
        .filter(incoming_items::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(y) = f.year {
        q = q.filter(incoming_items::year.eq(y));
    }
    if let Some(c) = &f.channel {
        q = q.filter(incoming_items::channel.eq(c.clone()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(incoming_items::kind.eq(k.clone()));
    }
    if let Some(units) = &f.units {
        q = q.filter(incoming_items::unit_id.eq_any(units.clone()));
    }
    if let Some(h) = &f.handler_id {
        q = q.filter(incoming_items::handler_id.eq(h.clone()));
    }
    if f.without_case {
        q = q.filter(incoming_items::case_id.is_null());
    }
    if f.without_handler {
        q = q.filter(incoming_items::handler_id.is_null());
    }
    if let Some(t) = &f.text {
        let pattern = format!("%{}%", escape_like(t));
        q = q.filter(
            incoming_items::title
                .like(pattern.clone())
                .escape('\\')
                .or(incoming_items::sender_name
                    .like(pattern.clone())
                    .escape('\\'))
                .or(incoming_items::item_ref.like(pattern).escape('\\')),
        );
    }
    Ok(
        q.order((incoming_items::year.desc(), incoming_items::number.desc()))
            .limit(limit)
            .offset(offset)
            .select(IncomingItemRow::as_select())
            .load(conn)?,
    )
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Sets (or, with `None`, clears) an item's unit and handler.
pub fn set_incoming_assignee(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    unit_id: Option<&str>,
    handler_id: Option<&str>,
) -> Result<()> {
    diesel::update(
        incoming_items::table
            .filter(incoming_items::tenant_id.eq(tenant_id))
            .filter(incoming_items::id.eq(id)),
    )
    .set((
        incoming_items::unit_id.eq(unit_id),
        incoming_items::handler_id.eq(handler_id),
    ))
    .execute(conn)?;
    Ok(())
}

/// Fills the details of an item the intake robot registered (title, kind, sender, date of
/// the letter) from what it read, before a person has confirmed it. The caller audits the old
/// and new values.
#[allow(clippy::too_many_arguments)]
pub fn fill_incoming_details(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    title: &str,
    kind: &str,
    sender_name: &str,
    sender_address: &str,
    letter_date: Option<&str>,
) -> Result<()> {
    diesel::update(
        incoming_items::table
            .filter(incoming_items::tenant_id.eq(tenant_id))
            .filter(incoming_items::id.eq(id)),
    )
    .set((
        incoming_items::title.eq(title),
        incoming_items::kind.eq(kind),
        incoming_items::sender_name.eq(sender_name),
        incoming_items::sender_address.eq(sender_address),
        incoming_items::letter_date.eq(letter_date),
    ))
    .execute(conn)?;
    Ok(())
}

/// Puts an item into a case. Only an item that is in no case yet changes (an item belongs to
/// one case); returns whether it did, so that two concurrent joins cannot both succeed.
pub fn set_incoming_case(conn: &mut Db, tenant_id: &str, id: &str, case_id: &str) -> Result<bool> {
    let n = diesel::update(
        incoming_items::table
            .filter(incoming_items::tenant_id.eq(tenant_id))
            .filter(incoming_items::id.eq(id))
            .filter(incoming_items::case_id.is_null()),
    )
    .set(incoming_items::case_id.eq(case_id))
    .execute(conn)?;
    Ok(n == 1)
}

// ---- assignments ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = assignments)]
pub struct AssignmentRow {
    pub id: String,
    pub tenant_id: String,
    pub object_type: String,
    pub object_id: String,
    pub unit_id: String,
    pub handler_id: Option<String>,
    pub manner: Option<String>,
    pub deadline: Option<String>,
    pub note: String,
    pub assigned_by: String,
    pub assigned_at: i64,
    pub changed_at: Option<i64>,
    pub superseded_at: Option<i64>,
}

pub fn insert_assignment(conn: &mut Db, row: &AssignmentRow) -> Result<()> {
    diesel::insert_into(assignments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Every assignment of an object, oldest first.
pub fn assignments_of(
    conn: &mut Db,
    tenant_id: &str,
    object_type: &str,
    object_id: &str,
) -> Result<Vec<AssignmentRow>> {
    Ok(assignments::table
        .filter(assignments::tenant_id.eq(tenant_id))
        .filter(assignments::object_type.eq(object_type))
        .filter(assignments::object_id.eq(object_id))
        .order((assignments::assigned_at.asc(), assignments::id.asc()))
        .select(AssignmentRow::as_select())
        .load(conn)?)
}

pub fn supersede_assignments(
    conn: &mut Db,
    tenant_id: &str,
    object_type: &str,
    object_id: &str,
    at: i64,
) -> Result<()> {
    diesel::update(
        assignments::table
            .filter(assignments::tenant_id.eq(tenant_id))
            .filter(assignments::object_type.eq(object_type))
            .filter(assignments::object_id.eq(object_id))
            .filter(assignments::superseded_at.is_null()),
    )
    .set(assignments::superseded_at.eq(at))
    .execute(conn)?;
    Ok(())
}

pub fn change_assignment_terms(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    manner: Option<&str>,
    deadline: Option<&str>,
    at: i64,
) -> Result<()> {
    diesel::update(
        assignments::table
            .filter(assignments::tenant_id.eq(tenant_id))
            .filter(assignments::id.eq(id)),
    )
    .set((
        assignments::manner.eq(manner),
        assignments::deadline.eq(deadline),
        assignments::changed_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

// ---- outgoing register ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = outgoing_items)]
pub struct OutgoingItemRow {
    pub id: String,
    pub tenant_id: String,
    pub year: i32,
    pub number: i64,
    pub item_ref: String,
    pub case_id: String,
    pub document_id: String,
    pub addressee_name: String,
    pub addressee_address: String,
    pub dispatch_method: String,
    pub registered_by: String,
    pub registered_at: i64,
}

pub fn insert_outgoing(conn: &mut Db, row: &OutgoingItemRow) -> Result<()> {
    diesel::insert_into(outgoing_items::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn outgoing(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<OutgoingItemRow>> {
    Ok(outgoing_items::table
        .filter(outgoing_items::tenant_id.eq(tenant_id))
        .filter(outgoing_items::id.eq(id))
        .select(OutgoingItemRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct OutgoingFilter {
    pub year: Option<i32>,
    pub method: Option<String>,
    pub case_id: Option<String>,
    pub text: Option<String>,
    /// Only items of cases in these units (`None`: all units).
    pub units: Option<Vec<String>>,
}

/// An outgoing register row with the sign and visibility facts of its case.
#[derive(Debug, Clone, Serialize)]
pub struct OutgoingListRow {
    #[serde(flatten)]
    pub item: OutgoingItemRow,
    pub case_sign: String,
    #[serde(skip)]
    pub case_unit_id: String,
    #[serde(skip)]
    pub case_access_level: String,
    #[serde(skip)]
    pub case_handler_id: Option<String>,
}

/// The outgoing register with case signs: the page's rows and then one query for their cases.
pub fn list_outgoing_with_cases(
    conn: &mut Db,
    tenant_id: &str,
    f: &OutgoingFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<OutgoingListRow>> {
    let rows = list_outgoing(conn, tenant_id, f, limit, offset)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.case_id.as_str()).collect();
    let found: Vec<(String, String, String, String, Option<String>)> = cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::id.eq_any(ids))
        .select((
            cases::id,
            cases::sign,
            cases::unit_id,
            cases::access_level,
            cases::handler_id,
        ))
        .load(conn)?;
    let by_id: std::collections::HashMap<String, (String, String, String, Option<String>)> = found
        .into_iter()
        .map(|(id, sign, unit, access, handler)| (id, (sign, unit, access, handler)))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|item| {
            let (sign, unit, access, handler) = by_id.get(&item.case_id)?.clone();
            Some(OutgoingListRow {
                item,
                case_sign: sign,
                case_unit_id: unit,
                case_access_level: access,
                case_handler_id: handler,
            })
        })
        .collect())
}

pub fn list_outgoing(
    conn: &mut Db,
    tenant_id: &str,
    f: &OutgoingFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<OutgoingItemRow>> {
    let mut q = outgoing_items::table
        .filter(outgoing_items::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(y) = f.year {
        q = q.filter(outgoing_items::year.eq(y));
    }
    if let Some(m) = &f.method {
        q = q.filter(outgoing_items::dispatch_method.eq(m.clone()));
    }
    if let Some(c) = &f.case_id {
        q = q.filter(outgoing_items::case_id.eq(c.clone()));
    }
    if let Some(units) = &f.units {
        q = q.filter(
            outgoing_items::case_id.eq_any(
                cases::table
                    .filter(cases::tenant_id.eq(tenant_id))
                    .filter(cases::unit_id.eq_any(units.clone()))
                    .select(cases::id),
            ),
        );
    }
    if let Some(t) = &f.text {
        let pattern = format!("%{}%", escape_like(t));
        q = q.filter(
            outgoing_items::addressee_name
                .like(pattern.clone())
                .escape('\\')
                .or(outgoing_items::item_ref.like(pattern.clone()).escape('\\'))
                .or(outgoing_items::case_id.eq_any(
                    cases::table
                        .filter(cases::tenant_id.eq(tenant_id))
                        .filter(cases::sign.like(pattern).escape('\\'))
                        .select(cases::id),
                )),
        );
    }
    Ok(
        q.order((outgoing_items::year.desc(), outgoing_items::number.desc()))
            .limit(limit)
            .offset(offset)
            .select(OutgoingItemRow::as_select())
            .load(conn)?,
    )
}

// ---- handover lists ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = archive_transfers)]
pub struct ArchiveTransferRow {
    pub id: String,
    pub tenant_id: String,
    pub unit_id: String,
    pub number: i64,
    pub year: i32,
    pub created_by: String,
    pub created_at: i64,
}

pub fn insert_transfer(conn: &mut Db, row: &ArchiveTransferRow) -> Result<()> {
    diesel::insert_into(archive_transfers::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn transfer(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<ArchiveTransferRow>> {
    Ok(archive_transfers::table
        .filter(archive_transfers::tenant_id.eq(tenant_id))
        .filter(archive_transfers::id.eq(id))
        .select(ArchiveTransferRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn transfers(conn: &mut Db, tenant_id: &str) -> Result<Vec<ArchiveTransferRow>> {
    Ok(archive_transfers::table
        .filter(archive_transfers::tenant_id.eq(tenant_id))
        .order(archive_transfers::created_at.desc())
        .select(ArchiveTransferRow::as_select())
        .load(conn)?)
}

// ---- search change log ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = search_changes)]
pub struct SearchChangeRow {
    pub tenant_id: String,
    pub seq: i64,
    pub object_type: String,
    pub object_id: String,
    pub at: i64,
}

/// Notes that an object changed, for every node's search index to pick up. The sequence comes
/// from a locked counter, so it follows commit order: a follower that has read up to `n` never
/// later sees a smaller number commit.
pub fn record_change(
    conn: &mut Db,
    tenant_id: &str,
    object_type: &str,
    object_id: &str,
    at: i64,
) -> Result<()> {
    let seq = next_number(conn, tenant_id, "search")?;
    diesel::insert_into(search_changes::table)
        .values(&SearchChangeRow {
            tenant_id: tenant_id.to_owned(),
            seq,
            object_type: object_type.to_owned(),
            object_id: object_id.to_owned(),
            at,
        })
        .execute(conn)?;
    Ok(())
}

pub fn changes_since(
    conn: &mut Db,
    tenant_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<SearchChangeRow>> {
    Ok(search_changes::table
        .filter(search_changes::tenant_id.eq(tenant_id))
        .filter(search_changes::seq.gt(after))
        .order(search_changes::seq.asc())
        .limit(limit)
        .select(SearchChangeRow::as_select())
        .load(conn)?)
}

pub fn assignment(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<AssignmentRow>> {
    Ok(assignments::table
        .filter(assignments::tenant_id.eq(tenant_id))
        .filter(assignments::id.eq(id))
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()?)
}
