//! Outgoing SMS, the twin of [`crate::mail`]: every message is a row here, written in the
//! transaction of the change that caused it, with a `send_sms_batch` job. Without a gateway
//! configured, messages stay here as `held` and the admin panel lists them.

use diesel::prelude::*;

use crate::schema::sms_outbox;
use crate::{Db, Result};

pub use crate::mail::{FAILED, HELD, QUEUED, SENT};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sms_outbox)]
pub struct SmsRow {
    pub id: String,
    pub tenant_id: String,
    /// `48` and nine digits.
    pub to_number: String,
    /// The text, possibly with the gateway's placeholder `[%1%]` for `param`.
    pub template: String,
    pub param: String,
    pub status: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    /// The gateway's id of the accepted message.
    pub gateway_id: Option<String>,
}

impl SmsRow {
    /// The text the recipient gets.
    pub fn text(&self) -> String {
        self.template.replace(PLACEHOLDER, &self.param)
    }
}

/// Where a row's `param` goes in its `template`.
pub const PLACEHOLDER: &str = "[%1%]";

pub fn insert(conn: &mut Db, row: &SmsRow) -> Result<()> {
    diesel::insert_into(sms_outbox::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Inserts messages in multi-row statements (an alert's thousands).
pub fn insert_many(conn: &mut Db, rows: &[SmsRow]) -> Result<()> {
    crate::insert_chunked!(conn, sms_outbox::table, rows, 10);
    Ok(())
}

/// The rows with these ids (of one tenant), in no particular order.
pub fn get_many(conn: &mut Db, tenant_id: &str, ids: &[String]) -> Result<Vec<SmsRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            sms_outbox::table
                .filter(sms_outbox::tenant_id.eq(tenant_id))
                .filter(sms_outbox::id.eq_any(chunk))
                .select(SmsRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

pub fn set_status(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    status: &str,
    sent_at: Option<i64>,
    error: Option<&str>,
    gateway_id: Option<&str>,
) -> Result<()> {
    diesel::update(
        sms_outbox::table
            .filter(sms_outbox::tenant_id.eq(tenant_id))
            .filter(sms_outbox::id.eq(id)),
    )
    .set((
        sms_outbox::status.eq(status),
        sms_outbox::sent_at.eq(sent_at),
        sms_outbox::last_error.eq(error),
        sms_outbox::gateway_id.eq(gateway_id),
    ))
    .execute(conn)?;
    Ok(())
}

/// The newest messages of a tenant, newest first; optionally only those to one number.
pub fn list(conn: &mut Db, tenant_id: &str, to: Option<&str>, limit: i64) -> Result<Vec<SmsRow>> {
    let mut q = sms_outbox::table
        .filter(sms_outbox::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(to) = to {
        q = q.filter(sms_outbox::to_number.eq(to.to_owned()));
    }
    Ok(q.order(sms_outbox::created_at.desc())
        .limit(limit)
        .select(SmsRow::as_select())
        .load(conn)?)
}

/// Every held message (all tenants), for release after a gateway is configured.
pub fn held(conn: &mut Db) -> Result<Vec<SmsRow>> {
    Ok(sms_outbox::table
        .filter(sms_outbox::status.eq(HELD))
        .order(sms_outbox::created_at.asc())
        .select(SmsRow::as_select())
        .load(conn)?)
}

/// How many messages a tenant wrote to `to` since `since` (a limit on what strangers can make
/// the office send to one number, each SMS at the office's cost).
pub fn count_to_since(conn: &mut Db, tenant_id: &str, to: &str, since: i64) -> Result<i64> {
    Ok(sms_outbox::table
        .filter(sms_outbox::tenant_id.eq(tenant_id))
        .filter(sms_outbox::created_at.ge(since))
        .filter(sms_outbox::to_number.eq(to))
        .count()
        .get_result(conn)?)
}
