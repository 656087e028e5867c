//! One diesel code path over SQLite and PostgreSQL (`MultiConnection`), a connection pool, the
//! embedded migrations of both engines, and the write-transaction helper.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

use crate::StoreError;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either engine. Repositories take `&mut Db` and never know which it is,
/// except where an engine needs its own SQL (claiming jobs, locking a row).
#[derive(diesel::MultiConnection)]
pub enum Db {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// Where the database is, parsed from `RATUSZ_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (or `:memory:`) for SQLite.
    Sqlite(String),
    /// A libpq connection URL for PostgreSQL.
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://path`, `sqlite:path` or `postgres://…`/`postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        if let Some(rest) = url.strip_prefix("sqlite://") {
            Ok(Self::Sqlite(rest.to_owned()))
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            Ok(Self::Sqlite(rest.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else {
            Err(StoreError::Config(format!(
                "database URL must start with sqlite:// or postgres:// (got {:?})",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Self::Sqlite(_) => Engine::Sqlite,
            Self::Postgres(_) => Engine::Postgres,
        }
    }
}

/// Opens connections of the engine the URL names (the derive's own `establish` would try each
/// engine in turn; we choose by scheme instead).
#[derive(Debug, Clone)]
pub struct PoolManager {
    url: DatabaseUrl,
}

impl diesel::r2d2::ManageConnection for PoolManager {
    type Connection = Db;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Db, Self::Error> {
        let conn = match &self.url {
            DatabaseUrl::Sqlite(path) => Db::Sqlite(
                diesel::SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?,
            ),
            DatabaseUrl::Postgres(url) => Db::Pg(
                diesel::PgConnection::establish(url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?,
            ),
        };
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Db) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Db) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Per-connection settings. SQLite: WAL so readers never block the writer, `synchronous=FULL` so
/// a commit is on disk before we answer (no acknowledged write is lost, even on power loss),
/// foreign keys on, and a busy timeout so concurrent writers wait instead of failing.
#[derive(Debug, Clone, Copy)]
struct Pragmas;

impl CustomizeConnection<Db, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Db) -> Result<(), diesel::r2d2::Error> {
        if let Db::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                 PRAGMA busy_timeout = 10000;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The database: a pool of connections to one engine.
#[derive(Clone)]
pub struct Store {
    pool: Pool<PoolManager>,
    engine: Engine,
    /// SQLite takes one writer at a time; writers of this process queue here instead of in
    /// SQLite's busy handler, which sleeps and retries and so gives long tails under load.
    /// (Other processes, e.g. the CLI, still meet the busy timeout.)
    sqlite_writer: std::sync::Arc<std::sync::Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("engine", &self.engine)
            .finish()
    }
}

impl Store {
    /// Connects, creating the SQLite file's directory if needed. Does not migrate.
    pub fn connect(url: &str, pool_size: u32) -> Result<Self, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        if let DatabaseUrl::Sqlite(path) = &url
            && path != ":memory:"
            && let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Config(format!("cannot create directory {}: {e}", dir.display()))
            })?;
        }
        let engine = url.engine();
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            // No background top-up of idle connections: a connection opened by the pool's
            // thread while a short CLI command exits raced libpq/OpenSSL's exit-time cleanup.
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(15))
            // No `SELECT 1` before every use: a connection that broke is noticed by its failing
            // query and dropped via `has_broken`, and it halves the queries of a cheap read.
            .test_on_check_out(false)
            .connection_customizer(Box::new(Pragmas))
            .build(PoolManager { url })
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self {
            pool,
            engine,
            sqlite_writer: std::sync::Arc::default(),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn conn(&self) -> Result<PooledConnection<PoolManager>, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Whether the database answers a trivial query.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.conn()?.batch_execute("SELECT 1")?;
        Ok(())
    }

    /// Applies pending migrations of this engine; returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            Db::Sqlite(c) => c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.to_string()).collect()),
            Db::Pg(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.to_string()).collect()),
        };
        applied.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Runs `f` in one write transaction. On SQLite the transaction starts with
    /// `BEGIN IMMEDIATE`, taking the write lock up front, so that a read-then-write inside never
    /// fails with a stale snapshot under concurrency; on PostgreSQL it is a plain `BEGIN`.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut Db) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // The turn first, then a connection: waiting writers hold no pooled connection.
        let _turn = match self.engine {
            Engine::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Engine::Postgres => None,
        };
        let mut conn = self.conn()?;
        write_tx(&mut conn, f)
    }

    /// Runs `f` with a pooled connection, outside any explicit transaction.
    pub fn read<T, E>(&self, f: impl FnOnce(&mut Db) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.conn()?;
        f(&mut conn)
    }
}

/// See [`Store::write`].
pub fn write_tx<T, E>(conn: &mut Db, f: impl FnOnce(&mut Db) -> Result<T, E>) -> Result<T, E>
where
    E: From<StoreError>,
{
    let begun = match conn {
        Db::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        Db::Pg(c) => AnsiTransactionManager::begin_transaction(c),
    };
    begun.map_err(|e| E::from(StoreError::from(e)))?;
    match f(conn) {
        Ok(value) => match <Db as Connection>::TransactionManager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = <Db as Connection>::TransactionManager::rollback_transaction(conn);
                Err(E::from(StoreError::from(e)))
            }
        },
        Err(err) => {
            if let Err(e) = <Db as Connection>::TransactionManager::rollback_transaction(conn) {
                tracing::error!(error = %e, "rollback failed");
            }
            Err(err)
        }
    }
}
