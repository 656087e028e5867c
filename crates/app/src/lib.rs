//! Use cases of Ratusz. One [`App`] holds the store, the clock, the mailer and the settings; each
//! use case is one transaction and records what it changed in the audit chain. No HTTP here.

pub mod accessibility;
pub mod accounts;
pub mod alerts;
pub mod antivirus;
pub mod audit;
pub mod casefiles;
pub mod cases;
pub mod demo;
pub mod error;
pub mod eservices;
pub mod intake;
pub mod jobs;
pub mod mail;
pub mod pacing;
pub mod push;
pub mod registry;
pub mod search;
pub mod sms;
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
    /// Messages a second at most, per worker (mass mail such as alerts); 0: no limit.
    pub rate_per_second: u32,
}

/// An SMS gateway speaking SMSAPI.pl's HTTP API (`POST <api_url>/sms.do`). Without it, SMS
/// stay in the database outbox.
#[derive(Debug, Clone)]
pub struct SmsSettings {
    /// The API's base, e.g. `https://api.smsapi.pl`.
    pub api_url: String,
    /// The gateway's OAuth bearer token (a secret: never logged).
    pub token: String,
    /// The sender name registered with the gateway (`from`); empty: the account's default.
    pub sender: String,
    /// Messages a second at most, per worker; 0: no limit.
    pub rate_per_second: u32,
    /// How long to wait for the gateway's answer before trying again later.
    pub timeout_secs: u64,
    /// SMS codes the public subscription form may send in an hour, from all senders together
    /// (each costs money, and "SMS pumping" spreads over many numbers); 0: no limit.
    pub codes_per_hour: u32,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// The address residents reach the office at, used for links in e-mails.
    pub public_url: String,
    pub mail_from: String,
    pub smtp: Option<SmtpSettings>,
    pub sms: Option<SmsSettings>,
    /// Web push (VAPID key, allowed push services); `None`: browsers cannot subscribe.
    pub push: Option<push::PushSettings>,
    /// The tenant (slug) served on host names that no tenant claims.
    pub default_tenant: Option<String>,
    /// Sessions expire after this long without activity.
    pub session_idle: time::Duration,
    /// Argon2id memory cost in KiB (19 MiB is OWASP's minimum for argon2id; tests lower it).
    pub argon2_memory_kib: u32,
    /// Where derived data lives (search index) and, by default, document contents.
    pub data_dir: std::path::PathBuf,
    /// Blob storage for documents; `None`: `<data_dir>/blobs` on local disk.
    pub blobs: Option<ratusz_store::blobs::BlobConfig>,
    /// The largest file staff may attach.
    pub max_upload_bytes: usize,
    /// Keep the search index in memory instead of `<data_dir>/search` (tests).
    pub search_in_memory: bool,
    /// clamd, when uploads are to be scanned; `None`: stored unscanned (a warning at start-up).
    pub antivirus: Option<antivirus::Scanner>,
    /// The folder a network scanner writes to, registered by the intake robot.
    pub watched_folder: Option<intake::folder::WatchedFolder>,
    /// The office's e-mail inbox, read over IMAP by the intake robot.
    pub mailbox: Option<intake::mailbox::Mailbox>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Ratusz <no-reply@localhost>".into(),
            smtp: None,
            sms: None,
            push: None,
            default_tenant: None,
            session_idle: time::Duration::hours(8),
            argon2_memory_kib: 19 * 1024,
            data_dir: "data".into(),
            blobs: None,
            max_upload_bytes: 25 * 1024 * 1024,
            search_in_memory: false,
            antivirus: None,
            watched_folder: None,
            mailbox: None,
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
    pub(crate) status_throttle: Arc<eservices::matters::StatusThrottle>,
    /// Per-channel rate limits of this process (see [`pacing`]).
    pub(crate) mail_pacer: Arc<pacing::Pacer>,
    pub(crate) sms_pacer: Arc<pacing::Pacer>,
    pub(crate) push_pacer: Arc<pacing::Pacer>,
    /// Each municipality's VAPID key, read from the database once.
    pub(crate) vapid_cache:
        Arc<std::sync::Mutex<std::collections::HashMap<String, push::VapidKey>>>,
    pub(crate) definitions: Arc<eservices::DefinitionCache>,
    /// Visits of alert pages from their messages, counted before they are written.
    pub(crate) alert_opens: Arc<alerts::opens::OpenCounter>,
    pub(crate) intake_models: Arc<intake::model::ModelCache>,
    blobs: Arc<std::sync::OnceLock<Result<ratusz_store::blobs::Blobs, String>>>,
    fonts: Arc<std::sync::OnceLock<Result<ratusz_documents::Fonts, String>>>,
    pub search: Arc<search::SearchService>,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let search_dir = (!settings.search_in_memory).then(|| settings.data_dir.join("search"));
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            token_cache: Arc::new(accounts::TokenCache::default()),
            status_throttle: Arc::default(),
            mail_pacer: Arc::default(),
            sms_pacer: Arc::default(),
            push_pacer: Arc::default(),
            vapid_cache: Arc::default(),
            definitions: Arc::default(),
            alert_opens: Arc::default(),
            intake_models: Arc::default(),
            blobs: Arc::default(),
            fonts: Arc::default(),
            search: Arc::new(search::SearchService::new(search_dir)),
        }
    }

    /// Blob storage, opened on first use (a misconfigured bucket fails the use case that
    /// needs it, with a clear error, instead of the whole start).
    pub fn blobs(&self) -> Result<&ratusz_store::blobs::Blobs, AppError> {
        let r = self.blobs.get_or_init(|| {
            let config = self.settings.blobs.clone().unwrap_or_else(|| {
                ratusz_store::blobs::BlobConfig::Local(self.settings.data_dir.join("blobs"))
            });
            ratusz_store::blobs::Blobs::open(&config).map_err(|e| e.to_string())
        });
        r.as_ref()
            .map_err(|e| AppError::Unavailable(format!("blob storage: {e}")))
    }

    /// The fonts letters are rendered with, loaded on first use.
    pub fn fonts(&self) -> Result<&ratusz_documents::Fonts, AppError> {
        let r = self
            .fonts
            .get_or_init(|| ratusz_documents::Fonts::system().map_err(|e| e.to_string()));
        r.as_ref()
            .map_err(|e| AppError::Unavailable(format!("fonts: {e}")))
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

/// Runs a future to its end on a private current-thread runtime, on a scoped thread so that it
/// works whether or not the caller is inside a runtime (a worker thread, a test, the CLI).
/// For the network exchanges of batch jobs (SMTP, the SMS gateway), which wait on many
/// connections at once.
pub(crate) fn block_on<F>(f: F) -> Result<F::Output, String>
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map(|rt| rt.block_on(f))
                    .map_err(|e| format!("runtime: {e}"))
            })
            .join()
            .unwrap_or_else(|_| Err("a network thread panicked".into()))
    })
}
