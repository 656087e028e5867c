//! Bulk loading for benchmarks (`ratusz bench seed`): many rows of the registry written with
//! multi-row inserts, thousands per transaction, on either engine. Not used by the use cases:
//! rows written here skip the case log numbering, the audit chain and validation, so only the
//! benchmark's generator (which builds consistent rows itself) may call it.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::accounts::{RoleRow, UserRow};
use crate::casefiles::{ApprovalStepRow, DocumentRow, DocumentVersionRow};
use crate::cases::{CaseLinkRow, CaseLogRow, CasePartyRow, CaseRow};
use crate::registry::{AssignmentRow, IncomingItemRow, OutgoingItemRow, SearchChangeRow};
use crate::schema::{
    approval_steps, assignments, case_links, case_log, case_parties, cases, counters,
    document_versions, documents, incoming_items, outgoing_items, search_changes, user_roles,
    users,
};
use crate::{Db, Result};

/// Rows of one transaction, inserted parents first.
#[derive(Debug, Default)]
pub struct Batch {
    pub items: Vec<IncomingItemRow>,
    pub cases: Vec<CaseRow>,
    pub parties: Vec<CasePartyRow>,
    pub documents: Vec<DocumentRow>,
    pub versions: Vec<DocumentVersionRow>,
    pub steps: Vec<ApprovalStepRow>,
    pub log: Vec<CaseLogRow>,
    pub outgoing: Vec<OutgoingItemRow>,
    pub links: Vec<CaseLinkRow>,
    pub assignments: Vec<AssignmentRow>,
    pub changes: Vec<SearchChangeRow>,
}

impl Batch {
    pub fn rows(&self) -> usize {
        self.items.len()
            + self.cases.len()
            + self.parties.len()
            + self.documents.len()
            + self.versions.len()
            + self.steps.len()
            + self.log.len()
            + self.outgoing.len()
            + self.links.len()
            + self.assignments.len()
            + self.changes.len()
    }
}

/// Inserts a batch; call inside one write transaction. Returns the number of rows.
pub fn insert(conn: &mut Db, b: &Batch) -> Result<usize> {
    insert_chunked!(conn, incoming_items::table, b.items, 22);
    insert_chunked!(conn, cases::table, b.cases, 24);
    insert_chunked!(conn, case_parties::table, b.parties, 9);
    insert_chunked!(conn, documents::table, b.documents, 17);
    insert_chunked!(conn, document_versions::table, b.versions, 12);
    insert_chunked!(conn, approval_steps::table, b.steps, 10);
    insert_chunked!(conn, case_log::table, b.log, 10);
    insert_chunked!(conn, outgoing_items::table, b.outgoing, 12);
    insert_chunked!(conn, case_links::table, b.links, 4);
    insert_chunked!(conn, assignments::table, b.assignments, 13);
    insert_chunked!(conn, search_changes::table, b.changes, 5);
    Ok(b.rows())
}

/// Inserts staff accounts with their role grants.
pub fn insert_staff(conn: &mut Db, users_: &[UserRow], roles: &[RoleRow]) -> Result<()> {
    insert_chunked!(conn, users::table, users_, 14);
    insert_chunked!(conn, user_roles::table, roles, 7);
    Ok(())
}

/// Every running number of a tenant: (scope, value).
pub fn counters(conn: &mut Db, tenant_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(counters::table
        .filter(counters::tenant_id.eq(tenant_id))
        .select((counters::scope, counters::value))
        .load(conn)?)
}

/// Sets running numbers to at least `value`, so the next number taken continues after the
/// highest one loaded.
pub fn raise_counters(conn: &mut Db, tenant_id: &str, values: &[(String, i64)]) -> Result<()> {
    const SQL_PG: &str = "INSERT INTO counters (tenant_id, scope, value) VALUES ($1, $2, $3) \
        ON CONFLICT (tenant_id, scope) DO UPDATE SET value = GREATEST(counters.value, excluded.value)";
    const SQL_LITE: &str = "INSERT INTO counters (tenant_id, scope, value) VALUES (?1, ?2, ?3) \
        ON CONFLICT (tenant_id, scope) DO UPDATE SET value = MAX(counters.value, excluded.value)";
    for (scope, value) in values {
        match conn {
            Db::Pg(c) => diesel::sql_query(SQL_PG)
                .bind::<Text, _>(tenant_id)
                .bind::<Text, _>(scope)
                .bind::<BigInt, _>(value)
                .execute(c)?,
            Db::Sqlite(c) => diesel::sql_query(SQL_LITE)
                .bind::<Text, _>(tenant_id)
                .bind::<Text, _>(scope)
                .bind::<BigInt, _>(value)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Ids of a unit's cases that a clerk of the unit sees (not restricted, or handled by
/// `user_id`), to pick random ones from.
pub fn case_ids_of_unit(
    conn: &mut Db,
    tenant_id: &str,
    unit_id: &str,
    user_id: &str,
) -> Result<Vec<String>> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::unit_id.eq(unit_id))
        .filter(
            cases::access_level
                .ne("restricted")
                .or(cases::handler_id.eq(user_id)),
        )
        .select(cases::id)
        .load(conn)?)
}

/// Counts of a handler's cases: (open, all).
pub fn handler_counts(conn: &mut Db, tenant_id: &str, handler_id: &str) -> Result<(i64, i64)> {
    let all: i64 = cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::handler_id.eq(handler_id))
        .count()
        .get_result(conn)?;
    let open: i64 = cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::handler_id.eq(handler_id))
        .filter(cases::status.ne(crate::cases::CLOSED))
        .count()
        .get_result(conn)?;
    Ok((open, all))
}

/// Number of cases of a tenant.
pub fn case_count(conn: &mut Db, tenant_id: &str) -> Result<i64> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .count()
        .get_result(conn)?)
}

/// Refreshes the planner's statistics after a bulk load (PostgreSQL's autovacuum would do it a
/// little later; SQLite keeps none unless asked, and the application never asks, so it is left
/// as production would have it).
pub fn analyze(conn: &mut Db) -> Result<()> {
    if let Db::Pg(c) = conn {
        diesel::sql_query("ANALYZE").execute(c)?;
    }
    Ok(())
}
