//! Outgoing mail. Every message is a row here, written in the transaction of the change that
//! caused it, with a `send_mail` job. Without SMTP configured, messages stay here with status
//! `held` and the admin panel lists them (the outbox).

use diesel::prelude::*;

use crate::schema::mail_messages;
use crate::{Db, Result};

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
/// Kept in the outbox because no SMTP server is configured.
pub const HELD: &str = "held";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_messages)]
pub struct MailRow {
    pub id: String,
    pub tenant_id: String,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

pub fn insert(conn: &mut Db, row: &MailRow) -> Result<()> {
    diesel::insert_into(mail_messages::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Inserts messages in multi-row statements (mass mail: one round trip per thousands).
pub fn insert_many(conn: &mut Db, rows: &[MailRow]) -> Result<()> {
    crate::insert_chunked!(conn, mail_messages::table, rows, 9);
    Ok(())
}

pub fn get(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<MailRow>> {
    Ok(mail_messages::table
        .filter(mail_messages::tenant_id.eq(tenant_id))
        .filter(mail_messages::id.eq(id))
        .select(MailRow::as_select())
        .first(conn)
        .optional()?)
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
        mail_messages::table
            .filter(mail_messages::tenant_id.eq(tenant_id))
            .filter(mail_messages::id.eq(id)),
    )
    .set((
        mail_messages::status.eq(status),
        mail_messages::sent_at.eq(sent_at),
        mail_messages::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(())
}

/// The newest messages of a tenant, newest first; optionally only those to one address.
pub fn list(conn: &mut Db, tenant_id: &str, to: Option<&str>, limit: i64) -> Result<Vec<MailRow>> {
    let mut q = mail_messages::table
        .filter(mail_messages::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(to) = to {
        q = q.filter(mail_messages::to_addr.eq(to.to_owned()));
    }
    Ok(q.order(mail_messages::created_at.desc())
        .limit(limit)
        .select(MailRow::as_select())
        .load(conn)?)
}

/// Messages in a status across the installation (e.g. `held`, to release them once SMTP works).
pub fn with_status(conn: &mut Db, status: &str) -> Result<Vec<MailRow>> {
    Ok(mail_messages::table
        .filter(mail_messages::status.eq(status))
        .order(mail_messages::created_at.asc())
        .select(MailRow::as_select())
        .load(conn)?)
}

/// How many messages a tenant wrote to `to` since `since` (a limit on what strangers can make
/// the office send to one address).
pub fn count_to_since(conn: &mut Db, tenant_id: &str, to: &str, since: i64) -> Result<i64> {
    Ok(mail_messages::table
        .filter(mail_messages::tenant_id.eq(tenant_id))
        .filter(mail_messages::created_at.ge(since))
        .filter(mail_messages::to_addr.eq(to))
        .count()
        .get_result(conn)?)
}
