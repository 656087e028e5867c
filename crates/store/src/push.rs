//! Outgoing web push messages, the twin of [`crate::sms`]: every message is a row here,
//! written in the fan-out's transaction, with a `send_push_batch` job that encrypts and sends
//! it to the browser's push service.

use diesel::prelude::*;

use crate::schema::push_outbox;
use crate::{Db, Result};

pub use crate::mail::{FAILED, QUEUED, SENT};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = push_outbox)]
pub struct PushRow {
    pub id: String,
    pub tenant_id: String,
    /// The subscription it goes to (ended when the push service says it is gone).
    pub subscriber_id: String,
    /// The push service's URL for the subscription (a capability: never logged).
    pub endpoint: String,
    /// The browser's keys (base64url), copied so a message is sendable on its own.
    pub p256dh: String,
    pub auth: String,
    /// The notification as JSON (title, body, links), encrypted only when sent.
    pub payload: String,
    /// RFC 8030's `Urgency`: `high` for severe alerts, else `normal`.
    pub urgency: String,
    /// How long the push service keeps it for a browser that is offline.
    pub ttl_secs: i64,
    pub status: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

/// Inserts messages in multi-row statements (an alert's thousands).
pub fn insert_many(conn: &mut Db, rows: &[PushRow]) -> Result<()> {
    crate::insert_chunked!(conn, push_outbox::table, rows, 13);
    Ok(())
}

/// The rows with these ids (of one tenant), in no particular order.
pub fn get_many(conn: &mut Db, tenant_id: &str, ids: &[String]) -> Result<Vec<PushRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            push_outbox::table
                .filter(push_outbox::tenant_id.eq(tenant_id))
                .filter(push_outbox::id.eq_any(chunk))
                .select(PushRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// The newest messages of a tenant, newest first.
pub fn list(conn: &mut Db, tenant_id: &str, limit: i64) -> Result<Vec<PushRow>> {
    Ok(push_outbox::table
        .filter(push_outbox::tenant_id.eq(tenant_id))
        .order(push_outbox::created_at.desc())
        .limit(limit)
        .select(PushRow::as_select())
        .load(conn)?)
}

pub fn set_status(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    status: &str,
    sent_at: Option<i64>,
    error: Option<&str>,
) -> Result<()> {
    diesel::update(
        push_outbox::table
            .filter(push_outbox::tenant_id.eq(tenant_id))
            .filter(push_outbox::id.eq(id)),
    )
    .set((
        push_outbox::status.eq(status),
        push_outbox::sent_at.eq(sent_at),
        push_outbox::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(())
}
