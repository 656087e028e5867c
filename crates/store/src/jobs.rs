//! The job queue: a table in the same database, so a job is enqueued in the transaction of the
//! change that caused it (transactional outbox) and a crash loses nothing acknowledged.
//!
//! Workers claim with `FOR UPDATE SKIP LOCKED` on PostgreSQL and inside a `BEGIN IMMEDIATE`
//! transaction on SQLite. A claim takes a lease; a worker that dies leaves the lease to expire and
//! the job is claimed again. Failures retry with exponential backoff until `max_attempts`, then
//! the job is dead-lettered (status `dead`) for an admin to inspect and retry.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::schema::jobs;
use crate::{Db, Result};

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const DEAD: &str = "dead";

#[derive(Debug, Clone, Queryable, Selectable, Insertable, QueryableByName)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: i64,
    pub lease_until: Option<i64>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub tenant_id: &'a str,
    pub kind: &'a str,
    pub payload: &'a str,
    pub run_at: i64,
    pub max_attempts: i32,
    /// Enqueuing twice with the same key yields one job.
    pub idempotency_key: Option<&'a str>,
}

/// Enqueues a job in the caller's transaction; returns its id (the existing one when the
/// idempotency key was seen before).
pub fn enqueue(conn: &mut Db, job: &NewJob<'_>, now: i64) -> Result<String> {
    if let Some(key) = job.idempotency_key
        && let Some(id) = job_with_key(conn, job.tenant_id, key)?
    {
        return Ok(id);
    }
    let row = JobRow {
        id: crate::new_id(),
        tenant_id: job.tenant_id.to_owned(),
        kind: job.kind.to_owned(),
        payload: job.payload.to_owned(),
        status: QUEUED.to_owned(),
        attempts: 0,
        max_attempts: job.max_attempts.max(1),
        run_at: job.run_at,
        lease_until: None,
        locked_by: None,
        last_error: None,
        idempotency_key: job.idempotency_key.map(str::to_owned),
        created_at: now,
        updated_at: now,
    };
    // In a savepoint, so that losing a race for the same key (another transaction inserted it
    // after our check) leaves the caller's transaction usable and yields the winner's job.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(jobs::table)
            .values(&row)
            .execute(c)
            .map_err(crate::StoreError::from)
    });
    match (inserted, job.idempotency_key) {
        (Ok(_), _) => Ok(row.id),
        (Err(crate::StoreError::Conflict(_)), Some(key)) => job_with_key(conn, job.tenant_id, key)?
            .ok_or_else(|| crate::StoreError::Integrity("idempotency key vanished".into())),
        (Err(e), _) => Err(e),
    }
}

fn job_with_key(conn: &mut Db, tenant_id: &str, key: &str) -> Result<Option<String>> {
    Ok(jobs::table
        .filter(jobs::tenant_id.eq(tenant_id))
        .filter(jobs::idempotency_key.eq(key))
        .select(jobs::id)
        .first(conn)
        .optional()?)
}

const RETURNING: &str = "id, tenant_id, kind, payload, status, attempts, max_attempts, run_at, \
    lease_until, locked_by, last_error, idempotency_key, created_at, updated_at";

/// Claims the next due job (or one whose lease expired). Must run in a write transaction.
pub fn claim(conn: &mut Db, worker: &str, now: i64, lease_us: i64) -> Result<Option<JobRow>> {
    let lease_until = now + lease_us;
    let row = match conn {
        Db::Pg(c) => diesel::sql_query(format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = $1, \
             locked_by = $2, updated_at = $3 \
             WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $3) \
                OR (status = 'running' AND lease_until < $3) \
                ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING {RETURNING}"
        ))
        .bind::<BigInt, _>(lease_until)
        .bind::<Text, _>(worker)
        .bind::<BigInt, _>(now)
        .get_result::<JobRow>(c)
        .optional()?,
        Db::Sqlite(c) => diesel::sql_query(format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ?1, \
             locked_by = ?2, updated_at = ?3 \
             WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= ?3) \
                OR (status = 'running' AND lease_until < ?3) \
                ORDER BY run_at LIMIT 1) \
             RETURNING {RETURNING}"
        ))
        .bind::<BigInt, _>(lease_until)
        .bind::<Text, _>(worker)
        .bind::<BigInt, _>(now)
        .get_result::<JobRow>(c)
        .optional()?,
    };
    Ok(row)
}

pub fn complete(conn: &mut Db, id: &str, now: i64) -> Result<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(DONE),
            jobs::lease_until.eq(None::<i64>),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The delay before retry number `attempts` (1-based): 10 s, 20 s, 40 s … capped at one hour.
pub fn backoff_us(attempts: i32) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    let secs = 10i64.saturating_mul(1i64 << exp).min(3600);
    secs * 1_000_000
}

/// Records a failure: back to the queue with backoff, or dead-lettered after the last attempt.
/// Returns the new status.
pub fn fail(conn: &mut Db, job: &JobRow, error: &str, now: i64) -> Result<&'static str> {
    let dead = job.attempts >= job.max_attempts;
    let status = if dead { DEAD } else { QUEUED };
    let run_at = if dead {
        job.run_at
    } else {
        now + backoff_us(job.attempts)
    };
    let error: String = error.chars().take(2000).collect();
    diesel::update(jobs::table.find(&job.id))
        .set((
            jobs::status.eq(status),
            jobs::run_at.eq(run_at),
            jobs::lease_until.eq(None::<i64>),
            jobs::last_error.eq(Some(error)),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(status)
}

/// Puts a dead job back in the queue (admin action).
pub fn retry_dead(conn: &mut Db, tenant_id: &str, id: &str, now: i64) -> Result<bool> {
    let n = diesel::update(
        jobs::table
            .filter(jobs::tenant_id.eq(tenant_id))
            .filter(jobs::id.eq(id))
            .filter(jobs::status.eq(DEAD)),
    )
    .set((
        jobs::status.eq(QUEUED),
        jobs::attempts.eq(0),
        jobs::run_at.eq(now),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Puts every dead job of a tenant back in the queue; returns how many.
pub fn retry_all_dead(conn: &mut Db, tenant_id: &str, now: i64) -> Result<usize> {
    Ok(diesel::update(
        jobs::table
            .filter(jobs::tenant_id.eq(tenant_id))
            .filter(jobs::status.eq(DEAD)),
    )
    .set((
        jobs::status.eq(QUEUED),
        jobs::attempts.eq(0),
        jobs::run_at.eq(now),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)?)
}

pub fn get(conn: &mut Db, id: &str) -> Result<Option<JobRow>> {
    Ok(jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(
    conn: &mut Db,
    tenant_id: &str,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<JobRow>> {
    let mut q = jobs::table
        .filter(jobs::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(jobs::status.eq(s.to_owned()));
    }
    Ok(q.order(jobs::created_at.desc())
        .limit(limit)
        .select(JobRow::as_select())
        .load(conn)?)
}

/// Jobs per status across the installation (for /metrics).
pub fn counts(conn: &mut Db) -> Result<Vec<(String, i64)>> {
    Ok(jobs::table
        .group_by(jobs::status)
        .select((jobs::status, diesel::dsl::count_star()))
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_us(1), 10_000_000);
        assert_eq!(backoff_us(2), 20_000_000);
        assert_eq!(backoff_us(3), 40_000_000);
        assert_eq!(backoff_us(30), 3_600_000_000);
        assert_eq!(backoff_us(0), 10_000_000);
    }
}
