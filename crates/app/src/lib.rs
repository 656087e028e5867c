//! Use cases of Ratusz. One [`App`] holds the store, the clock, the mailer and the settings; each
//! use case is one transaction and records what it changed in the audit chain. No HTTP here.

pub mod accounts;
pub mod audit;
pub mod demo;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod tenants;

use std::sync::Arc;

pub use error::{AppError, FieldError};
pub use ratusz_core::clock::{Clock, SystemClock};
/// Row types of the store, for the layers above (they call `App`, never the store).
pub use ratusz_store as store;
pub use ratusz_store::{Db, Engine, Store};

/// SMTP relay settings. Without them, mail stays in the database outbox.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `starttls` (default), `tls` (implicit, port 465) or `none` (local relay only).
    pub security: String,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// The address residents reach the office at, used for links in e-mails.
    pub public_url: String,
    pub mail_from: String,
    pub smtp: Option<SmtpSettings>,
    /// The tenant (slug) served on host names that no tenant claims.
    pub default_tenant: Option<String>,
    /// Sessions expire after this long without activity.
    pub session_idle: time::Duration,
    /// Argon2id memory cost in KiB (19 MiB is OWASP's minimum for argon2id; tests lower it).
    pub argon2_memory_kib: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Ratusz <no-reply@localhost>".into(),
            smtp: None,
            default_tenant: None,
            session_idle: time::Duration::hours(8),
            argon2_memory_kib: 19 * 1024,
        }
    }
}

/// The application: everything a use case needs.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub(crate) token_cache: Arc<accounts::TokenCache>,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            token_cache: Arc::new(accounts::TokenCache::default()),
        }
    }

    /// Now, as stored (microseconds since the epoch).
    pub fn now_ts(&self) -> i64 {
        ratusz_store::ts(self.clock.now())
    }

    /// Runs blocking work (database, password hashing) off the async executor.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, AppError> + Send + 'static,
    {
        let app = self.clone();
        tokio::task::spawn_blocking(move || f(&app))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Readiness: the database answers.
    pub fn ready(&self) -> Result<(), AppError> {
        self.store.ping().map_err(AppError::from)
    }
}
