//! External CAP feeds a municipality re-publishes (see `app::alerts::feeds`), and the entries of
//! each already dealt with.

use diesel::prelude::*;

use crate::schema::{cap_feed_entries, cap_feeds};
use crate::{Db, Result};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cap_feeds)]
pub struct CapFeedRow {
    pub id: String,
    pub tenant_id: String,
    /// What staff call it ("IMGW – ostrzeżenia meteorologiczne").
    pub name: String,
    /// The feed's address (http or https), as the administrator entered it.
    pub url: String,
    pub every_minutes: i64,
    pub created_at: i64,
    /// When a worker last took the feed to read (also the claim, see the migration).
    pub checked_at: Option<i64>,
    /// `ok`, `partly` (some entries refused) or `error` (the feed could not be read).
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    /// Alerts published from the feed so far.
    pub published: i64,
}

pub fn insert(conn: &mut Db, row: &CapFeedRow) -> Result<()> {
    diesel::insert_into(cap_feeds::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn list(conn: &mut Db, tenant_id: &str) -> Result<Vec<CapFeedRow>> {
    Ok(cap_feeds::table
        .filter(cap_feeds::tenant_id.eq(tenant_id))
        .order(cap_feeds::created_at.asc())
        .select(CapFeedRow::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<CapFeedRow>> {
    Ok(cap_feeds::table
        .filter(cap_feeds::tenant_id.eq(tenant_id))
        .filter(cap_feeds::id.eq(id))
        .select(CapFeedRow::as_select())
        .first(conn)
        .optional()?)
}

/// Removes a feed and its record of entries; the alerts it published stay published.
pub fn delete(conn: &mut Db, tenant_id: &str, id: &str) -> Result<bool> {
    diesel::delete(
        cap_feed_entries::table
            .filter(cap_feed_entries::tenant_id.eq(tenant_id))
            .filter(cap_feed_entries::feed_id.eq(id)),
    )
    .execute(conn)?;
    let n = diesel::delete(
        cap_feeds::table
            .filter(cap_feeds::tenant_id.eq(tenant_id))
            .filter(cap_feeds::id.eq(id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// Every tenant's feeds due at `now` (never read, or read `every_minutes` ago or longer;
/// timestamps are microseconds, see [`crate::ts`]).
pub fn due(conn: &mut Db, now: i64) -> Result<Vec<CapFeedRow>> {
    Ok(cap_feeds::table
        .filter(
            cap_feeds::checked_at
                .is_null()
                .or((cap_feeds::checked_at.assume_not_null()
                    + cap_feeds::every_minutes * 60_000_000)
                    .le(now)),
        )
        .order(cap_feeds::checked_at.asc())
        .select(CapFeedRow::as_select())
        .load(conn)?)
}

/// Takes the feed for reading: true only for the one caller whose update moved `checked_at`
/// from the value it saw.
pub fn claim(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    seen: Option<i64>,
    now: i64,
) -> Result<bool> {
    let target = cap_feeds::table
        .filter(cap_feeds::tenant_id.eq(tenant_id))
        .filter(cap_feeds::id.eq(id));
    let n = match seen {
        Some(t) => diesel::update(target.filter(cap_feeds::checked_at.eq(t)))
            .set(cap_feeds::checked_at.eq(now))
            .execute(conn)?,
        None => diesel::update(target.filter(cap_feeds::checked_at.is_null()))
            .set(cap_feeds::checked_at.eq(now))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Records how a reading went.
pub fn set_result(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    status: &str,
    error: Option<&str>,
    published: i64,
) -> Result<()> {
    diesel::update(
        cap_feeds::table
            .filter(cap_feeds::tenant_id.eq(tenant_id))
            .filter(cap_feeds::id.eq(id)),
    )
    .set((
        cap_feeds::last_status.eq(status),
        cap_feeds::last_error.eq(error),
        cap_feeds::published.eq(cap_feeds::published + published),
    ))
    .execute(conn)?;
    Ok(())
}

/// Which of these entry keys of the feed are already dealt with.
pub fn known_entries(
    conn: &mut Db,
    tenant_id: &str,
    feed_id: &str,
    keys: &[String],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(500) {
        out.extend(
            cap_feed_entries::table
                .filter(cap_feed_entries::tenant_id.eq(tenant_id))
                .filter(cap_feed_entries::feed_id.eq(feed_id))
                .filter(cap_feed_entries::entry_key.eq_any(chunk))
                .select(cap_feed_entries::entry_key)
                .load::<String>(conn)?,
        );
    }
    Ok(out)
}

/// Marks an entry dealt with: published as `alert_id`, or refused for `error`.
pub fn record_entry(
    conn: &mut Db,
    tenant_id: &str,
    feed_id: &str,
    entry_key: &str,
    alert_id: Option<&str>,
    error: Option<&str>,
    now: i64,
) -> Result<()> {
    let row = (
        cap_feed_entries::tenant_id.eq(tenant_id),
        cap_feed_entries::feed_id.eq(feed_id),
        cap_feed_entries::entry_key.eq(entry_key),
        cap_feed_entries::alert_id.eq(alert_id),
        cap_feed_entries::error.eq(error),
        cap_feed_entries::seen_at.eq(now),
    );
    // `ON CONFLICT DO NOTHING` needs the concrete backend (two workers may meet here).
    match conn {
        Db::Pg(c) => diesel::insert_into(cap_feed_entries::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
        Db::Sqlite(c) => diesel::insert_into(cap_feed_entries::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(())
}
