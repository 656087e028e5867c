//! The audit log as a hash chain, one chain per tenant.
//!
//! Each event stores `prev_hash`, the hash of the event before it, and `hash`, the SHA-256 of
//! `prev_hash` followed by a canonical JSON of its own fields. `audit_heads` keeps the sequence
//! number and hash of the newest event, so removing the last events is detected too. Appending
//! locks the head (`FOR UPDATE` on PostgreSQL; SQLite write transactions are already exclusive),
//! so concurrent writers on several nodes still produce one unbroken chain.
//!
//! What this does not detect: someone with write access who rewrites every later event and the
//! head consistently. Anchoring the head hash outside the database (printing it in reports,
//! sending it to the BIP) closes that; see docs/admin.md (the audit log section).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde::Serialize;

use crate::schema::{audit_events, audit_heads};
use crate::{Db, Result, StoreError};

/// The `prev_hash` of a chain's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: String,
    pub tenant_id: String,
    pub seq: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What a use case records; the chain fields are filled by [`append`].
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub tenant_id: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    /// A JSON object with the specifics (never secrets or a full PESEL).
    pub details: &'a str,
}

#[derive(Serialize)]
struct Canonical<'a> {
    id: &'a str,
    tenant_id: &'a str,
    seq: i64,
    at: i64,
    actor_kind: &'a str,
    actor_id: Option<&'a str>,
    actor_label: &'a str,
    action: &'a str,
    object_type: &'a str,
    object_id: Option<&'a str>,
    details: &'a str,
}

/// The hash of an event given its fields and its predecessor's hash.
pub fn event_hash(row: &AuditEventRow) -> String {
    let canonical = Canonical {
        id: &row.id,
        tenant_id: &row.tenant_id,
        seq: row.seq,
        at: row.at,
        actor_kind: &row.actor_kind,
        actor_id: row.actor_id.as_deref(),
        actor_label: &row.actor_label,
        action: &row.action,
        object_type: &row.object_type,
        object_id: row.object_id.as_deref(),
        details: &row.details,
    };
    let json = serde_json::to_string(&canonical).unwrap_or_default();
    let mut data = Vec::with_capacity(json.len() + 65);
    data.extend_from_slice(row.prev_hash.as_bytes());
    data.push(b'\n');
    data.extend_from_slice(json.as_bytes());
    crate::sha256_hex(&data)
}

#[derive(QueryableByName)]
struct Head {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    hash: String,
}

/// Creates the chain head of a new tenant (in the tenant's creating transaction).
pub fn init_chain(conn: &mut Db, tenant_id: &str) -> Result<()> {
    diesel::insert_into(audit_heads::table)
        .values((
            audit_heads::tenant_id.eq(tenant_id),
            audit_heads::seq.eq(0i64),
            audit_heads::hash.eq(GENESIS),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends an event. Must run inside a write transaction (see [`crate::Store::write`]).
pub fn append(conn: &mut Db, event: &NewEvent<'_>, now: i64) -> Result<AuditEventRow> {
    let head: Head = match conn {
        Db::Pg(c) => {
            diesel::sql_query("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1 FOR UPDATE")
                .bind::<Text, _>(event.tenant_id)
                .get_result(c)?
        }
        Db::Sqlite(c) => diesel::sql_query("SELECT seq, hash FROM audit_heads WHERE tenant_id = ?")
            .bind::<Text, _>(event.tenant_id)
            .get_result(c)?,
    };
    let mut row = AuditEventRow {
        id: crate::new_id(),
        tenant_id: event.tenant_id.to_owned(),
        seq: head.seq + 1,
        at: now,
        actor_kind: event.actor_kind.to_owned(),
        actor_id: event.actor_id.map(str::to_owned),
        actor_label: event.actor_label.to_owned(),
        action: event.action.to_owned(),
        object_type: event.object_type.to_owned(),
        object_id: event.object_id.map(str::to_owned),
        details: event.details.to_owned(),
        prev_hash: head.hash,
        hash: String::new(),
    };
    row.hash = event_hash(&row);
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(audit_heads::table.find(event.tenant_id))
        .set((
            audit_heads::seq.eq(row.seq),
            audit_heads::hash.eq(&row.hash),
        ))
        .execute(conn)?;
    Ok(row)
}

/// The first problem found in a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub tenant_id: String,
    /// The sequence number where the chain breaks (the first bad or missing event).
    pub seq: i64,
    pub event_id: Option<String>,
    pub problem: String,
}

/// The result of verifying one tenant's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub tenant_id: String,
    pub events: i64,
    pub head_hash: String,
    pub first_break: Option<ChainBreak>,
}

/// Walks a tenant's chain in order, in batches, recomputing every hash.
pub fn verify(conn: &mut Db, tenant_id: &str) -> Result<ChainReport> {
    const BATCH: i64 = 2000;
    let head: Option<(i64, String)> = audit_heads::table
        .find(tenant_id)
        .select((audit_heads::seq, audit_heads::hash))
        .first(conn)
        .optional()?;
    let brk = |seq: i64, id: Option<&str>, problem: String| ChainBreak {
        tenant_id: tenant_id.to_owned(),
        seq,
        event_id: id.map(str::to_owned),
        problem,
    };
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS.to_owned();
    let mut first_break = None;
    'outer: loop {
        let batch: Vec<AuditEventRow> = audit_events::table
            .filter(audit_events::tenant_id.eq(tenant_id))
            .filter(audit_events::seq.ge(expected_seq))
            .order(audit_events::seq.asc())
            .limit(BATCH)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        if batch.is_empty() {
            break;
        }
        for row in &batch {
            if row.seq != expected_seq {
                first_break = Some(brk(
                    expected_seq,
                    None,
                    format!(
                        "event {expected_seq} is missing (next present is {})",
                        row.seq
                    ),
                ));
                break 'outer;
            }
            if row.prev_hash != prev_hash {
                first_break = Some(brk(
                    row.seq,
                    Some(&row.id),
                    "prev_hash does not match the previous event".into(),
                ));
                break 'outer;
            }
            if event_hash(row) != row.hash {
                first_break = Some(brk(
                    row.seq,
                    Some(&row.id),
                    "content does not match its hash (edited)".into(),
                ));
                break 'outer;
            }
            prev_hash.clone_from(&row.hash);
            expected_seq += 1;
        }
    }
    let events = expected_seq - 1;
    if first_break.is_none() {
        match &head {
            None if events > 0 => {
                first_break = Some(brk(0, None, "the chain head is missing".into()));
            }
            Some((seq, hash)) if *seq != events || *hash != prev_hash => {
                first_break = Some(brk(
                    events + 1,
                    None,
                    format!(
                        "the head says {seq} events but the chain ends at {events}: events were removed from the end"
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(ChainReport {
        tenant_id: tenant_id.to_owned(),
        events,
        head_hash: prev_hash,
        first_break,
    })
}

/// The chain head of a tenant: the number of events and the newest event's hash.
pub fn head(conn: &mut Db, tenant_id: &str) -> Result<(i64, String)> {
    Ok(audit_heads::table
        .find(tenant_id)
        .select((audit_heads::seq, audit_heads::hash))
        .first(conn)
        .optional()?
        .unwrap_or((0, GENESIS.to_owned())))
}

/// The newest events of a tenant, newest first.
pub fn recent(
    conn: &mut Db,
    tenant_id: &str,
    limit: i64,
    before_seq: Option<i64>,
) -> Result<Vec<AuditEventRow>> {
    let mut q = audit_events::table
        .filter(audit_events::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(before) = before_seq {
        q = q.filter(audit_events::seq.lt(before));
    }
    Ok(q.order(audit_events::seq.desc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)?)
}

/// Events of a tenant with a given action (used by tests and the admin filter).
pub fn by_action(conn: &mut Db, tenant_id: &str, action: &str) -> Result<Vec<AuditEventRow>> {
    Ok(audit_events::table
        .filter(audit_events::tenant_id.eq(tenant_id))
        .filter(audit_events::action.eq(action))
        .order(audit_events::seq.asc())
        .select(AuditEventRow::as_select())
        .load(conn)?)
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Integrity(e.to_string())
    }
}
