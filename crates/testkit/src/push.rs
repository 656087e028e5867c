//! A local web push service implementing the published protocol browsers' push services
//! (FCM, Mozilla autopush, Apple, WNS) speak to application servers:
//!
//! - RFC 8030 (Generic Event Delivery Using HTTP Push): `POST` to the subscription's endpoint
//!   with a `TTL` header (400 without it), optional `Urgency`; `201 Created` with a `Location`;
//!   `404`/`410` for a subscription that no longer exists;
//! - RFC 8291 (Message Encryption for Web Push): the body is `aes128gcm` (RFC 8188) encrypted
//!   for the browser's P-256 key and authentication secret; this service holds the browser's
//!   private key, decrypts every message and refuses (400) what does not decrypt;
//! - RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<public key>`; `k` must be the
//!   application server key the subscription was made with (403 otherwise, as FCM answers), the
//!   JWT must be ES256-signed by it, name the endpoint's origin as `aud` (scheme and host; a
//!   port only when the JWT names one, since the real services sit on the default port), expire
//!   within 24 hours and carry a `mailto:` or `https:` contact as `sub` (401 otherwise).
//!
//! Faults for tests: the next requests can answer HTTP 500 or 429 or hang.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use web_push_native::jwt_simple::prelude::{
    ECDSAP256PublicKeyLike, ES256PublicKey, HashSet as JwtSet, NoCustomClaims, VerificationOptions,
};
use web_push_native::p256;
use web_push_native::p256::elliptic_curve::rand_core::RngCore;
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;

/// A browser's subscription as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSubscription {
    pub endpoint: String,
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url.
    pub auth: String,
}

/// One message the service accepted, decrypted as the browser would read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub payload: String,
    pub ttl: u64,
    pub urgency: Option<String>,
    /// The JWT's contact (`sub`).
    pub contact: String,
}

/// What the next request meets instead of a normal answer.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    Http500,
    /// Too many requests.
    Http429,
    /// No answer for this long, then the request is served.
    Hang(Duration),
}

struct Sub {
    secret: p256::SecretKey,
    auth: [u8; 16],
    /// The application server key (`applicationServerKey`) it was made with, base64url.
    server_key: String,
    gone: bool,
    received: Vec<Received>,
}

#[derive(Default)]
struct PsState {
    subs: Mutex<HashMap<String, Sub>>,
    faults: Mutex<VecDeque<Fault>>,
    requests: AtomicUsize,
    accepted: AtomicUsize,
    /// VAPID tokens verified so far: (key and token) → (expiry, contact).
    verified: Mutex<HashMap<String, (u64, String)>>,
    next_id: AtomicUsize,
}

/// A running push service; it lives as long as the process.
#[derive(Clone)]
pub struct PushService {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    state: Arc<PsState>,
}

impl PushService {
    /// Starts the service on a free local port, on its own thread and runtime.
    pub fn start() -> std::io::Result<Self> {
        let state = Arc::new(PsState::default());
        let port = crate::serve_local(
            Router::new()
                .route("/push/{id}", post(receive))
                .with_state(state.clone()),
        )?;
        Ok(Self {
            base_url: format!("http://127.0.0.1:{port}"),
            state,
        })
    }

    /// What `pushManager.subscribe({applicationServerKey})` does in a browser: a new
    /// subscription with its own keys, bound to the application server's key.
    pub fn subscribe(&self, application_server_key: &str) -> BrowserSubscription {
        let secret = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        let public = secret.public_key().to_encoded_point(false);
        let mut auth = [0u8; 16];
        p256::elliptic_curve::rand_core::OsRng.fill_bytes(&mut auth);
        let n = self.state.next_id.fetch_add(1, Ordering::Relaxed);
        let id = format!(
            "sub{n:06}{}",
            URL_SAFE_NO_PAD.encode(&public.as_bytes()[1..9])
        );
        let sub = BrowserSubscription {
            endpoint: format!("{}/push/{id}", self.base_url),
            p256dh: URL_SAFE_NO_PAD.encode(public.as_bytes()),
            auth: URL_SAFE_NO_PAD.encode(auth),
        };
        if let Ok(mut subs) = self.state.subs.lock() {
            subs.insert(
                id,
                Sub {
                    secret,
                    auth,
                    server_key: application_server_key.trim_end_matches('=').to_owned(),
                    gone: false,
                    received: Vec::new(),
                },
            );
        }
        sub
    }

    /// The browser dropped the subscription: its endpoint answers 410 from now on.
    pub fn expire(&self, endpoint: &str) {
        if let Ok(mut subs) = self.state.subs.lock()
            && let Some(s) = subs.get_mut(id_of(endpoint))
        {
            s.gone = true;
        }
    }

    /// The messages a subscription received, decrypted.
    pub fn received(&self, endpoint: &str) -> Vec<Received> {
        self.state
            .subs
            .lock()
            .ok()
            .and_then(|subs| subs.get(id_of(endpoint)).map(|s| s.received.clone()))
            .unwrap_or_default()
    }

    /// The next `n` requests meet `fault`.
    pub fn fail_next(&self, n: usize, fault: Fault) {
        if let Ok(mut f) = self.state.faults.lock() {
            f.extend(std::iter::repeat_n(fault, n));
        }
    }

    /// Messages accepted so far, over all subscriptions.
    pub fn count(&self) -> usize {
        self.state.accepted.load(Ordering::Relaxed)
    }

    /// Requests received so far, faulty ones included.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::Relaxed)
    }
}

fn id_of(endpoint: &str) -> &str {
    endpoint.rsplit('/').next().unwrap_or(endpoint)
}

async fn receive(
    State(st): State<Arc<PsState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    st.requests.fetch_add(1, Ordering::Relaxed);
    let fault = st.faults.lock().ok().and_then(|mut f| f.pop_front());
    match fault {
        Some(Fault::Http500) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
        Some(Fault::Http429) => {
            return (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response();
        }
        Some(Fault::Hang(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    match serve(&st, &id, &host, &headers, &body) {
        Ok(location) => (StatusCode::CREATED, [("location", location)]).into_response(),
        Err((status, why)) => (status, why).into_response(),
    }
}

type Refusal = (StatusCode, String);

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Checks and decrypts one message; the `Location` of the accepted message.
fn serve(
    st: &PsState,
    id: &str,
    host: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<String, Refusal> {
    let bad = |s: StatusCode, why: &str| (s, why.to_owned());
    // What the checks need, copied out so that requests are checked and decrypted in
    // parallel.
    let (secret, auth_bytes, server_key) = {
        let subs = st
            .subs
            .lock()
            .map_err(|_| bad(StatusCode::INTERNAL_SERVER_ERROR, "lock"))?;
        let sub = subs
            .get(id)
            .ok_or_else(|| bad(StatusCode::NOT_FOUND, "no such subscription"))?;
        if sub.gone {
            return Err(bad(StatusCode::GONE, "subscription expired"));
        }
        (sub.secret.clone(), sub.auth, sub.server_key.clone())
    };
    let ttl: u64 = header(headers, "ttl")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| bad(StatusCode::BAD_REQUEST, "TTL header missing"))?;
    if header(headers, "content-encoding") != Some("aes128gcm") {
        return Err(bad(
            StatusCode::BAD_REQUEST,
            "Content-Encoding must be aes128gcm",
        ));
    }
    let urgency = header(headers, "urgency").map(str::to_owned);
    if let Some(u) = &urgency
        && !["very-low", "low", "normal", "high"].contains(&u.as_str())
    {
        return Err(bad(StatusCode::BAD_REQUEST, "bad Urgency"));
    }
    // RFC 8292 §3: "vapid t=<token>, k=<key>".
    let auth = header(headers, "authorization")
        .and_then(|v| v.strip_prefix("vapid "))
        .ok_or_else(|| bad(StatusCode::UNAUTHORIZED, "VAPID authorization missing"))?;
    let mut token = None;
    let mut key = None;
    for part in auth.split(',') {
        let part = part.trim();
        if let Some(t) = part.strip_prefix("t=") {
            token = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k.trim_end_matches('='));
        }
    }
    let (Some(token), Some(key)) = (token, key) else {
        return Err(bad(StatusCode::UNAUTHORIZED, "vapid t= and k= needed"));
    };
    if key != server_key {
        return Err(bad(
            StatusCode::FORBIDDEN,
            "the key does not match the subscription's applicationServerKey",
        ));
    }
    let contact = verified_contact(st, token, key, host)?;
    let auth_secret = web_push_native::Auth::clone_from_slice(&auth_bytes);
    let plain = web_push_native::decrypt(body.to_vec(), &secret, &auth_secret)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("cannot decrypt: {e}")))?;
    let payload = String::from_utf8(plain)
        .map_err(|_| bad(StatusCode::BAD_REQUEST, "payload is not UTF-8"))?;
    let mut subs = st
        .subs
        .lock()
        .map_err(|_| bad(StatusCode::INTERNAL_SERVER_ERROR, "lock"))?;
    let sub = subs
        .get_mut(id)
        .ok_or_else(|| bad(StatusCode::NOT_FOUND, "no such subscription"))?;
    st.accepted.fetch_add(1, Ordering::Relaxed);
    sub.received.push(Received {
        payload,
        ttl,
        urgency,
        contact,
    });
    Ok(format!("/message/{id}/{}", sub.received.len()))
}

/// Verifies a VAPID token signed by `key` (base64url) for this service's origin; its contact.
/// A token verified once is remembered until it expires, as push services do (RFC 8292 lets a
/// sender reuse one).
fn verified_contact(st: &PsState, token: &str, key: &str, host: &str) -> Result<String, Refusal> {
    let bad = |s: StatusCode, why: &str| (s, why.to_owned());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let cache_key = format!("{key} {token}");
    if let Some((exp, contact)) = st
        .verified
        .lock()
        .ok()
        .and_then(|m| m.get(&cache_key).cloned())
        && exp > now
    {
        return Ok(contact);
    }
    let key_bytes = URL_SAFE_NO_PAD
        .decode(key)
        .map_err(|_| bad(StatusCode::UNAUTHORIZED, "k is not base64url"))?;
    let public = ES256PublicKey::from_bytes(&key_bytes)
        .map_err(|_| bad(StatusCode::UNAUTHORIZED, "k is not a P-256 key"))?;
    let origins: JwtSet<String> = [
        format!("http://{host}"),
        format!("http://{}", host.split(':').next().unwrap_or(host)),
    ]
    .into_iter()
    .collect();
    let claims = public
        .verify_token::<NoCustomClaims>(
            token,
            Some(VerificationOptions {
                allowed_audiences: Some(origins),
                time_tolerance: Some(web_push_native::jwt_simple::prelude::Duration::from_secs(
                    60,
                )),
                ..VerificationOptions::default()
            }),
        )
        .map_err(|e| (StatusCode::UNAUTHORIZED, format!("VAPID JWT refused: {e}")))?;
    let exp = match claims.expires_at {
        Some(exp) if exp.as_secs() <= now + 24 * 3600 + 60 => exp.as_secs(),
        _ => {
            return Err(bad(StatusCode::UNAUTHORIZED, "exp must be within 24 hours"));
        }
    };
    let contact = claims.subject.clone().unwrap_or_default();
    if !(contact.starts_with("mailto:") || contact.starts_with("https:")) {
        return Err(bad(
            StatusCode::UNAUTHORIZED,
            "sub must be a mailto: or https: contact",
        ));
    }
    if let Ok(mut m) = st.verified.lock() {
        m.insert(cache_key, (exp, contact.clone()));
    }
    Ok(contact)
}
