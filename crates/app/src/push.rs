//! Web push (RFC 8030) to residents' browsers: messages encrypted for the browser (RFC 8291,
//! `aes128gcm`) and signed with the installation's VAPID key (RFC 8292), through the
//! `web-push-native` crate, sent with reqwest.
//!
//! Like SMS, a message is a row of the push outbox written in the fan-out's transaction, with
//! a `send_push_batch` job for up to [`BATCH`] messages. The job sends a batch's messages a
//! few at a time, paced to the configured rate (each encrypted for its browser; one VAPID
//! token per push service and batch), and writes the outcomes in one transaction:
//!
//! - HTTP 201 (any 2xx): `sent`;
//! - 404 or 410: the browser's subscription is gone (the resident revoked the permission or
//!   cleared the browser): the message is `failed` and the subscription ended, as RFC 8030
//!   §7.3 asks, so nobody is sent to a dead endpoint again;
//! - 400, 401, 403, 413: refused for good (a key or size problem retrying cannot cure);
//! - 429, 5xx, a timeout or no connection: the message stays `queued` and the job retries
//!   with backoff; after the last attempt it is `failed` (dead letter).
//!
//! A push service that accepted a message whose answer was lost gets it again on retry: RFC
//! 8030 has no idempotency key. The notification carries the alert's identifier as its tag,
//! so a browser shows such a repeat in place of the first rather than twice.
//!
//! Endpoints are URLs a browser hands over, so the server would otherwise POST wherever a
//! form says: only HTTPS endpoints on the known push services' hosts are accepted (the list
//! is configurable), which keeps the server from being used against the office's network.

use std::collections::HashMap;
use std::path::Path;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::StreamExt;
use ratusz_store::Db;
use ratusz_store::push::{self as repo, PushRow};
use serde::{Deserialize, Serialize};
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::{Auth, WebPushBuilder};

use crate::{App, AppError, FieldError};

pub const JOB_BATCH: &str = "send_push_batch";

/// Batches of [`BATCH`] messages, sent by `JOB_BATCH` jobs.
const BATCHES: crate::jobs::Batches = crate::jobs::Batches {
    kind: JOB_BATCH,
    key_prefix: "pushbatch",
    size: BATCH,
};

/// The name of the VAPID key among a municipality's keys in the database.
const VAPID_KEY_NAME: &str = "vapid";

/// The most messages one batch job carries.
pub const BATCH: usize = 500;

/// Requests in flight at once per batch.
const IN_FLIGHT: usize = 32;

/// The push services of the browsers residents use (Chrome, Edge and other Chromium browsers;
/// Firefox; Safari; Windows): the default of [`PushSettings::endpoint_hosts`].
pub const KNOWN_PUSH_HOSTS: &[&str] = &[
    "fcm.googleapis.com",
    "*.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
];

/// The installation's VAPID key pair (P-256). `Debug` shows the public key only.
#[derive(Clone)]
pub struct VapidKey(std::sync::Arc<ES256KeyPair>);

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VapidKey({})", self.public_key())
    }
}

impl VapidKey {
    pub fn generate() -> Self {
        Self(std::sync::Arc::new(ES256KeyPair::generate()))
    }

    /// A key from its text: the private scalar (32 bytes), base64url.
    pub fn from_text(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .ok()?;
        // `from_bytes` asserts the length (a panic), so it is checked here first.
        if bytes.len() != 32 {
            return None;
        }
        ES256KeyPair::from_bytes(&bytes)
            .ok()
            .map(|k| Self(std::sync::Arc::new(k)))
    }

    /// The private scalar, base64url (what [`VapidKey::from_text`] reads).
    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.to_bytes())
    }

    /// The key in a file (`[push] vapid_key_file`), as [`VapidKey::to_text`] writes it.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the VAPID key {}: {e}", path.display()))?;
        Self::from_text(&text).ok_or_else(|| {
            format!(
                "the VAPID key {} is not a P-256 private key (32 bytes, base64url)",
                path.display()
            )
        })
    }

    /// The public key as browsers take it (`applicationServerKey`): the uncompressed point,
    /// base64url.
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.public_key().public_key().to_bytes_uncompressed())
    }
}

/// Web push settings. Without them (`Settings::push` is `None`), browsers cannot subscribe.
#[derive(Debug, Clone)]
pub struct PushSettings {
    /// The key from `[push] vapid_key_file`, for every municipality; `None`: each
    /// municipality's own key, kept in the database (made on first use), so every node of a
    /// cluster signs with the same one.
    pub vapid: Option<VapidKey>,
    /// Who the push services may contact about this sender (`mailto:` or `https:`).
    pub contact: String,
    /// Hosts an endpoint may be on: names, or `*.` and a domain for its subdomains.
    pub endpoint_hosts: Vec<String>,
    /// Accept `http://` endpoints (a local push service in tests only).
    pub allow_http: bool,
    /// Messages a second at most, per worker; 0: no limit.
    pub rate_per_second: u32,
    /// How long to wait for a push service's answer.
    pub timeout_secs: u64,
}

impl PushSettings {
    /// Settings with the known push services and the given key and contact.
    pub fn new(vapid: Option<VapidKey>, contact: String) -> Self {
        Self {
            vapid,
            contact,
            endpoint_hosts: KNOWN_PUSH_HOSTS.iter().map(|h| (*h).to_owned()).collect(),
            allow_http: false,
            rate_per_second: 0,
            timeout_secs: 15,
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.endpoint_hosts.iter().any(|h| {
            let h = h.to_ascii_lowercase();
            match h.strip_prefix("*.") {
                Some(domain) => host
                    .strip_suffix(domain)
                    .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1),
                None => host == h,
            }
        })
    }
}

/// A browser's subscription as the page's script hands it over, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

fn push_error(code: &'static str, pl: &str, en: &str) -> FieldError {
    FieldError::new("push", code, pl, en)
}

/// Checks what the page's script sent: an endpoint on an allowed push service and keys that
/// are a P-256 public key and a 16-byte secret.
pub fn check_subscription(
    settings: Option<&PushSettings>,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> Result<BrowserSubscription, FieldError> {
    let Some(settings) = settings else {
        return Err(push_error(
            "push-disabled",
            "Powiadomienia w przeglądarce są w tym urzędzie wyłączone. Podaj e-mail albo numer telefonu.",
            "Browser notifications are turned off at this office. Enter an e-mail address or a phone number.",
        ));
    };
    let (endpoint, p256dh, auth) = (endpoint.trim(), p256dh.trim(), auth.trim());
    let broken = || {
        push_error(
            "push-invalid",
            "Przeglądarka przekazała niepełne dane powiadomień. Odśwież stronę i włącz powiadomienia jeszcze raz.",
            "The browser sent incomplete notification data. Reload the page and turn notifications on again.",
        )
    };
    if endpoint.len() > 2000 {
        return Err(broken());
    }
    let uri: http::Uri = endpoint.parse().map_err(|_| broken())?;
    let scheme_ok = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => settings.allow_http,
        _ => false,
    };
    let host_ok = uri.host().is_some_and(|h| settings.host_allowed(h));
    if !scheme_ok || !host_ok {
        return Err(push_error(
            "push-service",
            "Ta przeglądarka korzysta z usługi powiadomień, której urząd nie obsługuje. Podaj e-mail albo numer telefonu.",
            "This browser uses a notification service the office does not support. Enter an e-mail address or a phone number.",
        ));
    }
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok();
    let key_ok = decode(p256dh)
        .is_some_and(|b| web_push_native::p256::PublicKey::from_sec1_bytes(&b).is_ok());
    let auth_ok = decode(auth).is_some_and(|b| b.len() == 16);
    if !key_ok || !auth_ok {
        return Err(broken());
    }
    Ok(BrowserSubscription {
        endpoint: endpoint.to_owned(),
        p256dh: p256dh.trim_end_matches('=').to_owned(),
        auth: auth.trim_end_matches('=').to_owned(),
    })
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SendPushBatch {
    pub push_ids: Vec<String>,
}

/// One message to write.
pub struct NewPush {
    pub subscriber_id: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub payload: String,
    pub urgency: &'static str,
    pub ttl_secs: i64,
}

/// Writes messages and the batch jobs that send them, in the caller's transaction; returns
/// the messages' ids in order.
pub fn enqueue_batch(
    conn: &mut Db,
    tenant_id: &str,
    messages: &[NewPush],
    now: i64,
) -> Result<Vec<String>, AppError> {
    crate::jobs::enqueue_in_batches(
        conn,
        tenant_id,
        &BATCHES,
        messages,
        |conn, chunk| {
            let rows: Vec<PushRow> = chunk
                .iter()
                .map(|m| PushRow {
                    id: ratusz_store::new_id(),
                    tenant_id: tenant_id.to_owned(),
                    subscriber_id: m.subscriber_id.clone(),
                    endpoint: m.endpoint.clone(),
                    p256dh: m.p256dh.clone(),
                    auth: m.auth.clone(),
                    payload: m.payload.clone(),
                    urgency: m.urgency.to_owned(),
                    ttl_secs: m.ttl_secs,
                    status: repo::QUEUED.to_owned(),
                    created_at: now,
                    sent_at: None,
                    last_error: None,
                })
                .collect();
            repo::insert_many(conn, &rows)?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        },
        |ids| SendPushBatch { push_ids: ids },
        now,
    )
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Sent,
    /// The subscription no longer exists (404/410).
    Gone,
    Refused(String),
    Again(String),
}

/// A push service's answer body, shortened for the outbox (it may be an HTML page).
fn snippet(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(120).collect();
    if flat.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// Encrypts, signs and sends one message.
/// How long a VAPID token is valid (RFC 8292 allows at most 24 hours).
const TOKEN_VALIDITY: Duration = Duration::from_secs(12 * 3600);

/// A batch's VAPID `Authorization` values by push service origin: RFC 8292 lets one token
/// serve every request to an origin until it expires, so a batch signs once per service
/// instead of once per message (an ECDSA signature each).
#[derive(Default)]
struct Tokens(std::sync::Mutex<HashMap<String, String>>);

impl Tokens {
    fn get(&self, uri: &http::Uri, s: &PushSettings, vapid: &VapidKey) -> Option<String> {
        let origin = format!("{}://{}", uri.scheme_str()?, uri.host()?);
        if let Some(t) = self.0.lock().ok()?.get(&origin) {
            return Some(t.clone());
        }
        let token =
            web_push_native::vapid::VapidSignature::sign(uri, TOKEN_VALIDITY, &s.contact, &vapid.0)
                .ok()?
                .to_string();
        self.0.lock().ok()?.insert(origin, token.clone());
        Some(token)
    }
}

async fn send_one(
    client: &reqwest::Client,
    s: &PushSettings,
    vapid: &VapidKey,
    tokens: &Tokens,
    row: &PushRow,
) -> Outcome {
    let refused = |why: &str| Outcome::Refused(format!("powiadomienie push: {why}"));
    let Ok(uri) = row.endpoint.parse::<http::Uri>() else {
        return refused("nieprawidłowy adres usługi push");
    };
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok();
    let Some(key) = decode(&row.p256dh)
        .and_then(|b| web_push_native::p256::PublicKey::from_sec1_bytes(&b).ok())
    else {
        return refused("nieprawidłowy klucz przeglądarki");
    };
    let Some(auth) = decode(&row.auth).filter(|b| b.len() == 16) else {
        return refused("nieprawidłowy sekret przeglądarki");
    };
    let Some(token) = tokens.get(&uri, s, vapid) else {
        return refused("nie można podpisać wiadomości kluczem VAPID");
    };
    let ttl = Duration::from_secs(row.ttl_secs.clamp(60, 24 * 3600) as u64);
    let built = WebPushBuilder::new(uri, key, Auth::clone_from_slice(&auth))
        .with_valid_duration(ttl)
        .build(row.payload.as_bytes().to_vec());
    let mut request = match built {
        Ok(r) => r,
        Err(e) => return refused(&format!("nie można zaszyfrować wiadomości ({e})")),
    };
    if let Ok(v) = http::HeaderValue::from_str(&row.urgency) {
        request.headers_mut().insert("urgency", v);
    }
    if let Ok(v) = http::HeaderValue::from_str(&token) {
        request.headers_mut().insert(http::header::AUTHORIZATION, v);
    }
    let request = match reqwest::Request::try_from(request) {
        Ok(r) => r,
        Err(e) => return refused(&format!("nieprawidłowe żądanie ({})", e.without_url())),
    };
    let resp = match client.execute(request).await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return Outcome::Again("usługa push nie odpowiedziała w czasie (timeout)".into());
        }
        Err(e) => {
            return Outcome::Again(format!(
                "nie można połączyć się z usługą push: {}",
                e.without_url()
            ));
        }
    };
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        return Outcome::Sent;
    }
    let body = resp.text().await.unwrap_or_default();
    let why = format!("usługa push odpowiedziała HTTP {status} {}", snippet(&body));
    match status {
        404 | 410 => Outcome::Gone,
        429 | 500..=599 => Outcome::Again(why.trim_end().to_owned()),
        400 | 401 | 403 => Outcome::Refused(format!(
            "{} (klucz VAPID albo subskrypcja odrzucone)",
            why.trim_end()
        )),
        413 => Outcome::Refused(format!("{} (wiadomość za długa)", why.trim_end())),
        _ => Outcome::Refused(why.trim_end().to_owned()),
    }
}

/// Waits for the rate limit, then sends one message.
async fn send_paced(
    pacer: &crate::pacing::Pacer,
    client: &reqwest::Client,
    settings: &PushSettings,
    vapid: &VapidKey,
    tokens: &Tokens,
    row: PushRow,
) -> (String, Outcome) {
    let wait = pacer.reserve(1, settings.rate_per_second);
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    let outcome = send_one(client, settings, vapid, tokens, &row).await;
    (row.id, outcome)
}

impl App {
    /// Runs one `send_push_batch` job. An error makes the job retry (with backoff) the
    /// messages still queued; sent, refused and gone ones are left alone.
    pub fn run_send_push_batch(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let job: SendPushBatch =
            serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
        let rows = self
            .store
            .read(|c| repo::get_many(c, tenant_id, &job.push_ids))
            .map_err(|e| e.to_string())?;
        let unsent: Vec<&PushRow> = rows.iter().filter(|r| r.status == repo::QUEUED).collect();
        if unsent.is_empty() {
            return Ok(());
        }
        let Some(settings) = &self.settings.push else {
            let why = "powiadomienia push są wyłączone w konfiguracji ([push])";
            return self
                .store
                .write(|c| {
                    for r in &unsent {
                        repo::set_status(c, tenant_id, &r.id, repo::FAILED, None, Some(why))?;
                    }
                    Ok::<_, ratusz_store::StoreError>(())
                })
                .map_err(|e| e.to_string());
        };
        let vapid = self
            .vapid_key(settings, tenant_id)
            .map_err(|e| e.to_string())?;
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        let outcomes: HashMap<String, Outcome> = crate::block_on(async {
            let client = match reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()
            {
                Ok(c) => c,
                Err(e) => {
                    return unsent
                        .iter()
                        .map(|r| (r.id.clone(), Outcome::Again(e.to_string())))
                        .collect();
                }
            };
            let tokens = Tokens::default();
            let rows: Vec<PushRow> = unsent.iter().map(|r| (*r).clone()).collect();
            let client = &client;
            let pacer: &crate::pacing::Pacer = &self.push_pacer;
            futures_util::stream::iter(rows)
                .map(|r| send_paced(pacer, client, settings, &vapid, &tokens, r))
                .buffer_unordered(IN_FLIGHT)
                .collect()
                .await
        })?;
        let now = self.now_ts();
        self.store
            .write(|c| {
                for r in &unsent {
                    let Some(o) = outcomes.get(&r.id) else {
                        continue;
                    };
                    match o {
                        Outcome::Sent => {
                            repo::set_status(c, tenant_id, &r.id, repo::SENT, Some(now), None)?
                        }
                        Outcome::Gone => {
                            repo::set_status(
                                c,
                                tenant_id,
                                &r.id,
                                repo::FAILED,
                                None,
                                Some("subskrypcja wygasła w przeglądarce (HTTP 410): zakończona"),
                            )?;
                            self.end_gone_subscription(c, tenant_id, &r.subscriber_id, now)?;
                        }
                        Outcome::Refused(e) => {
                            repo::set_status(c, tenant_id, &r.id, repo::FAILED, None, Some(e))?
                        }
                        Outcome::Again(e) => {
                            repo::set_status(c, tenant_id, &r.id, repo::QUEUED, None, Some(e))?
                        }
                    }
                }
                Ok::<_, AppError>(())
            })
            .map_err(|e| e.to_string())?;
        crate::jobs::batch_result(
            "push messages",
            outcomes.len(),
            outcomes.values().filter_map(|o| match o {
                Outcome::Again(e) => Some(e),
                _ => None,
            }),
        )
    }

    /// Ends a browser subscription its push service called gone (RFC 8030 §7.3).
    fn end_gone_subscription(
        &self,
        conn: &mut Db,
        tenant_id: &str,
        subscriber_id: &str,
        now: i64,
    ) -> Result<(), AppError> {
        use ratusz_store::alerts as alerts_repo;
        let Some(mut s) = alerts_repo::subscriber(conn, tenant_id, subscriber_id)? else {
            return Ok(());
        };
        if s.status != crate::alerts::ACTIVE {
            return Ok(());
        }
        s.status = crate::alerts::UNSUBSCRIBED.into();
        s.unsubscribed_at = Some(now);
        alerts_repo::update_subscriber(conn, &s)?;
        crate::audit::record(
            conn,
            tenant_id,
            &crate::audit::Actor::Robot {
                name: "alerts".into(),
            },
            "alerts.push_subscription_gone",
            ("alert_subscriber", Some(&s.id)),
            serde_json::json!({"channel": "push"}),
            now,
        )?;
        Ok(())
    }

    /// After the last attempt of a batch: its messages still queued are marked failed.
    pub fn mark_push_batch_failed(&self, tenant_id: &str, payload: &str, error: &str) {
        let Ok(job) = serde_json::from_str::<SendPushBatch>(payload) else {
            return;
        };
        if let Err(e) = self.store.write(|c| {
            for r in repo::get_many(c, tenant_id, &job.push_ids)? {
                if r.status == repo::QUEUED {
                    repo::set_status(c, tenant_id, &r.id, repo::FAILED, None, Some(error))?;
                }
            }
            Ok::<_, ratusz_store::StoreError>(())
        }) {
            tracing::error!("cannot mark push batch failed: {e}");
        }
    }

    /// A tenant's newest push messages (the admin's outbox).
    pub fn push_outbox(&self, tenant_id: &str, limit: i64) -> Result<Vec<PushRow>, AppError> {
        self.store.read(|c| Ok(repo::list(c, tenant_id, limit)?))
    }

    /// The VAPID public key a municipality's browsers subscribe with; `None` when push is
    /// off (or its key cannot be read, which is logged).
    pub fn push_public_key(&self, tenant_id: &str) -> Option<String> {
        let settings = self.settings.push.as_ref()?;
        match self.vapid_key(settings, tenant_id) {
            Ok(k) => Some(k.public_key()),
            Err(e) => {
                tracing::error!("web push is unavailable: {e}");
                None
            }
        }
    }

    /// The key a municipality's messages are signed with: the configured file's, or its own
    /// from the database, made there on first use (every node reads the same one: the first
    /// node's insert wins, the others read it back).
    pub(crate) fn vapid_key(
        &self,
        settings: &PushSettings,
        tenant_id: &str,
    ) -> Result<VapidKey, AppError> {
        if let Some(k) = &settings.vapid {
            return Ok(k.clone());
        }
        if let Some(k) = self
            .vapid_cache
            .lock()
            .ok()
            .and_then(|m| m.get(tenant_id).cloned())
        {
            return Ok(k);
        }
        let fresh = VapidKey::generate().to_text();
        let now = self.now_ts();
        let text = self.store.write(|c| {
            ratusz_store::tenants::insert_tenant_key(c, tenant_id, VAPID_KEY_NAME, &fresh, now)?;
            ratusz_store::tenants::tenant_key(c, tenant_id, VAPID_KEY_NAME)
        })?;
        let key = text
            .as_deref()
            .and_then(VapidKey::from_text)
            .ok_or_else(|| AppError::Internal("the stored VAPID key is not readable".into()))?;
        if let Ok(mut m) = self.vapid_cache.lock() {
            m.insert(tenant_id.to_owned(), key.clone());
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PushSettings {
        PushSettings::new(Some(VapidKey::generate()), "mailto:it@example.pl".into())
    }

    fn browser_keys() -> (String, String) {
        let secret = web_push_native::p256::SecretKey::random(&mut rand_core_compat::OsRng);
        let public = secret.public_key();
        use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
        (
            URL_SAFE_NO_PAD.encode(public.to_encoded_point(false).as_bytes()),
            URL_SAFE_NO_PAD.encode([7u8; 16]),
        )
    }

    mod rand_core_compat {
        pub use web_push_native::p256::elliptic_curve::rand_core::OsRng;
    }

    #[test]
    fn endpoints_must_be_on_a_known_push_service_over_https() {
        let s = settings();
        let (key, auth) = browser_keys();
        let ok = |e: &str| check_subscription(Some(&s), e, &key, &auth);
        assert!(ok("https://fcm.googleapis.com/fcm/send/abc").is_ok());
        assert!(ok("https://updates.push.services.mozilla.com/wpush/v2/x").is_ok());
        assert!(ok("https://web.push.apple.com/QGx").is_ok());
        assert_eq!(
            ok("http://fcm.googleapis.com/fcm/send/abc").map_err(|e| e.code),
            Err("push-service".into())
        );
        assert_eq!(
            ok("https://10.0.0.1/admin").map_err(|e| e.code),
            Err("push-service".into())
        );
        assert_eq!(
            ok("https://push.apple.com.evil.example/x").map_err(|e| e.code),
            Err("push-service".into())
        );
        assert_eq!(
            ok("https://evilpush.services.mozilla.com/x").map_err(|e| e.code),
            Err("push-service".into())
        );
        assert_eq!(
            check_subscription(None, "https://fcm.googleapis.com/x", &key, &auth)
                .map_err(|e| e.code),
            Err("push-disabled".into())
        );
    }

    #[test]
    fn keys_must_be_a_p256_point_and_a_16_byte_secret() {
        let s = settings();
        let (key, auth) = browser_keys();
        let e = "https://fcm.googleapis.com/fcm/send/abc";
        assert!(check_subscription(Some(&s), e, &format!("{key}="), &auth).is_ok());
        assert_eq!(
            check_subscription(Some(&s), e, "AAAA", &auth).map_err(|e| e.code),
            Err("push-invalid".into())
        );
        assert_eq!(
            check_subscription(Some(&s), e, &key, "c2hvcnQ").map_err(|e| e.code),
            Err("push-invalid".into())
        );
        assert_eq!(
            check_subscription(Some(&s), "not a url", &key, &auth).map_err(|e| e.code),
            Err("push-invalid".into())
        );
    }

    #[test]
    fn a_vapid_key_reads_back_from_its_text_and_file() {
        let key = VapidKey::generate();
        let back = VapidKey::from_text(&key.to_text()).map(|k| k.public_key());
        assert_eq!(back, Some(key.public_key()));
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(key.public_key())
                .map(|b| b.len())
                .ok(),
            Some(65)
        );
        assert!(VapidKey::from_text("garbage!").is_none());
        assert!(VapidKey::from_text("AAAA").is_none());
        let path = std::env::temp_dir().join(format!("ratusz-vapid-{}", ratusz_store::new_id()));
        let _ = std::fs::write(&path, format!("{}\n", key.to_text()));
        assert_eq!(
            VapidKey::load(&path).map(|k| k.public_key()),
            Ok(key.public_key())
        );
        let _ = std::fs::write(&path, "garbage!");
        assert!(VapidKey::load(&path).is_err_and(|e| e.contains("not a P-256")));
        let _ = std::fs::remove_file(&path);
        assert!(VapidKey::load(&path).is_err_and(|e| e.contains("cannot read")));
    }
}
