//! Persistence for Ratusz: one diesel code path over SQLite and PostgreSQL, repositories grouped
//! per capability, the job queue, sessions and the audit chain.
//!
//! Conventions: IDs are UUIDv7 stored as text; instants are `BIGINT` microseconds since the Unix
//! epoch (UTC); enumerations are text. Every query filters by `tenant_id`.

/// Inserts `rows` in statements of as many rows as the bind limit allows (`columns` per row).
macro_rules! insert_chunked {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let per = ($crate::MAX_BINDS / $columns).max(1);
        for chunk in $rows.chunks(per) {
            // Multi-row VALUES need the concrete backend (MultiConnection has no batch insert).
            match &mut *$conn {
                $crate::Db::Pg(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                $crate::Db::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
    }};
}

pub(crate) use insert_chunked;

/// Bind parameters per statement: PostgreSQL allows 65,535 and SQLite 32,766.
pub(crate) const MAX_BINDS: usize = 32_000;

pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod blobs;
pub mod casefiles;
pub mod cases;
pub mod db;
pub mod eservices;
pub mod intake;
pub mod jobs;
pub mod mail;
pub mod push;
pub mod registry;
pub mod schema;
pub mod search;
pub mod seed;
pub mod sms;
pub mod tenants;

pub use db::{DatabaseUrl, Db, Engine, Store, write_tx};

use time::OffsetDateTime;

/// The one error type of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the text names the constraint or columns.
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("integrity: {0}")]
    Integrity(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let what = info
                    .constraint_name()
                    .map(str::to_owned)
                    .unwrap_or_else(|| info.message().to_owned());
                StoreError::Conflict(what)
            }
            other => StoreError::Database(other),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Microseconds since the Unix epoch, the stored form of an instant.
pub fn ts(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

/// The instant of a stored timestamp.
pub fn from_ts(us: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A new UUIDv7 as stored text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// SHA-256 of `data` as lower-case hex (tokens, codes and audit events are stored hashed).
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_to_the_microsecond() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_790_000_000_123_456_000).unwrap();
        assert_eq!(from_ts(ts(t)), t);
    }

    #[test]
    fn database_url_schemes() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/ratusz.db").unwrap(),
            DatabaseUrl::Sqlite("data/ratusz.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().engine(),
            Engine::Postgres
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }
}
