//! Per-request context: the tenant (from the Host header), the language, the signed-in
//! principal, the client IP, and CSRF protection for forms.

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use ratusz_app::accounts::{Principal, SessionState, Via};
use ratusz_app::store::tenants::TenantRow;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

use crate::errors::PageError;
use crate::i18n::{Lang, Tr};
use crate::{AppState, SESSION_COOKIE};

pub const CSRF_COOKIE: &str = "ratusz_csrf";
pub const LANG_COOKIE: &str = "ratusz_lang";

/// The tenant serving this request, resolved by middleware from the Host header.
#[derive(Debug, Clone)]
pub struct Tenant(pub TenantRow);

/// The anonymous CSRF token (double-submit cookie) of this request.
#[derive(Debug, Clone)]
pub struct AnonCsrf(pub String);

/// Language of the request: the `ratusz_lang` cookie, else Polish.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or(Lang::Pl)
}

/// The client's address: the socket peer, or the first X-Forwarded-For hop when configured
/// to trust a reverse proxy.
pub fn client_ip(parts_headers: &HeaderMap, peer: Option<SocketAddr>, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(xff) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(first) = xff.split(',').next()
    {
        let ip = first.trim();
        if ip.parse::<std::net::IpAddr>().is_ok() {
            return ip.to_owned();
        }
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Middleware: resolves the tenant from the Host header and makes sure the browser has an
/// anonymous CSRF cookie. Unknown host → a clear 404 page.
pub async fn resolve_tenant(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or_default()
        .to_owned();
    let lang = lang_of(req.headers());
    let app = state.app.clone();
    let found = app.blocking(move |a| a.tenant_for_host(&host)).await;
    let tenant = match found {
        Ok(Some(t)) => t,
        Ok(None) => return PageError::unknown_tenant(lang).into_response(),
        Err(e) => return PageError::from_app(e, lang).into_response(),
    };
    req.extensions_mut().insert(Tenant(tenant));
    let jar = CookieJar::from_headers(req.headers());
    let existing = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 20 && v.len() <= 64);
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None => (ratusz_app::accounts::random_token(24), true),
    };
    req.extensions_mut().insert(AnonCsrf(token.clone()));
    let mut resp = next.run(req).await;
    if fresh {
        let cookie = Cookie::build((CSRF_COOKIE, token))
            .path("/")
            .http_only(true)
            .secure(state.cfg.secure_cookies)
            .same_site(SameSite::Lax)
            .build();
        if let Ok(v) = cookie.to_string().parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Everything a page handler needs about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub tenant: TenantRow,
    pub lang: Lang,
    pub principal: Option<Principal>,
    pub anon_csrf: String,
    pub ip: String,
    pub path: String,
    pub user_agent: Option<String>,
}

impl Ctx {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// The token forms must carry: the session's when signed in, else the anonymous cookie's.
    pub fn csrf(&self) -> &str {
        match &self.principal {
            Some(Principal {
                via: Via::Session { csrf, .. },
                ..
            }) => csrf,
            _ => &self.anon_csrf,
        }
    }

    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        let expected = self.csrf();
        if !submitted.is_empty() && constant_time_eq(submitted.as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::csrf(self.lang))
        }
    }

    /// The principal with a complete sign-in (password and, where due, second factor).
    pub fn full(&self) -> Option<&Principal> {
        self.principal
            .as_ref()
            .filter(|p| p.session_state() == Some(SessionState::Full))
    }

    pub fn fail(&self, e: ratusz_app::AppError) -> PageError {
        PageError::from_app(e, self.lang)
    }
}

pub use ratusz_app::accounts::constant_time_eq;

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let tenant = parts
            .extensions
            .get::<Tenant>()
            .map(|t| t.0.clone())
            .ok_or_else(|| PageError::unknown_tenant(lang))?;
        let anon_csrf = parts
            .extensions
            .get::<AnonCsrf>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let ip = client_ip(&parts.headers, peer, state.cfg.trust_proxy);
        let jar = CookieJar::from_headers(&parts.headers);
        let principal = match jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
            Some(token) if token.len() <= 100 => {
                let tenant_id = tenant.tenant_id.clone();
                state
                    .app
                    .blocking(move |a| a.resolve_session(&tenant_id, &token))
                    .await
                    .map_err(|e| PageError::from_app(e, lang))?
            }
            _ => None,
        };
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Ctx {
            tenant,
            lang,
            principal,
            anon_csrf,
            ip,
            path: parts.uri.path().to_owned(),
            user_agent,
        })
    }
}

/// A query string whose problems (bad encoding, repeated fields) become a clear 400 page.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let query = parts.uri.query().unwrap_or_default();
        if has_nul(query.as_bytes()) {
            return Err(PageError::bad_form(lang));
        }
        serde_urlencoded::from_str(query)
            .map(PageQuery)
            .map_err(|_| PageError::bad_form(lang))
    }
}

/// One path parameter; a malformed one (bad percent-encoding, NUL) is a 404 page.
pub struct PagePath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PagePath {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) if !v.contains('\0') => Ok(PagePath(v)),
            _ => Err(PageError::not_found(lang)),
        }
    }
}

/// Whether url-encoded or JSON input carries a NUL character (`%00`, a raw 0 byte or the JSON
/// escape): PostgreSQL text cannot hold one, and no legitimate input needs it.
pub fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes.windows(3).any(|w| w == b"%00")
        || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
}

/// A url-encoded form whose body size and syntax problems become clear pages (never a 500).
pub struct FormData<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for FormData<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| {
                if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    PageError::too_large(lang)
                } else {
                    PageError::bad_form(lang)
                }
            })?;
        if has_nul(&bytes) {
            return Err(PageError::bad_form(lang));
        }
        serde_urlencoded::from_bytes::<T>(&bytes)
            .map(FormData)
            .map_err(|_| PageError::bad_form(lang))
    }
}

/// A `multipart/form-data` form (file uploads): its text fields and files. Text fields with NUL
/// bytes or invalid UTF-8, and malformed bodies, are refused as a bad form; a body over the
/// route's limit as too large.
#[derive(Debug, Default)]
pub struct MultipartForm {
    pub fields: std::collections::HashMap<String, String>,
    pub files: Vec<(String, ratusz_app::registry::upload::Upload)>,
}

impl MultipartForm {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(
            self.fields.get(name).map(String::as_str),
            Some("on" | "true" | "1")
        )
    }

    /// The files sent under `name`, without the empty part browsers send when none was chosen.
    pub fn files_named(&self, name: &str) -> Vec<ratusz_app::registry::upload::Upload> {
        self.files
            .iter()
            .filter(|(n, f)| n == name && !(f.bytes.is_empty() && f.file_name.is_empty()))
            .map(|(_, f)| f.clone())
            .collect()
    }
}

impl FromRequest<AppState> for MultipartForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let urlencoded = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if urlencoded {
            // A form without files may come url-encoded (no JavaScript needed either way).
            let FormData(pairs) =
                FormData::<Vec<(String, String)>>::from_request(req, state).await?;
            return Ok(MultipartForm {
                fields: pairs.into_iter().collect(),
                files: Vec::new(),
            });
        }
        let mut mp = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| PageError::bad_form(lang))?;
        let mut form = MultipartForm::default();
        let too_large_or_bad = |e: axum::extract::multipart::MultipartError| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                PageError::too_large(lang)
            } else {
                PageError::bad_form(lang)
            }
        };
        while let Some(field) = mp.next_field().await.map_err(too_large_or_bad)? {
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(too_large_or_bad)?;
                    form.files.push((
                        name,
                        ratusz_app::registry::upload::Upload {
                            file_name,
                            bytes: bytes.to_vec(),
                        },
                    ));
                }
                None => {
                    let bytes = field.bytes().await.map_err(too_large_or_bad)?;
                    if has_nul(&bytes) || bytes.len() > 200_000 {
                        return Err(PageError::bad_form(lang));
                    }
                    let text =
                        String::from_utf8(bytes.to_vec()).map_err(|_| PageError::bad_form(lang))?;
                    form.fields.insert(name, text);
                }
            }
        }
        Ok(form)
    }
}

/// Two path parameters (`/{id}/{action}`); malformed ones are a 404 page.
pub struct PagePath2(pub String, pub String);

impl<S: Send + Sync> FromRequestParts<S> for PagePath2 {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        match axum::extract::Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path((a, b))) if !a.contains('\0') && !b.contains('\0') => {
                Ok(PagePath2(a, b))
            }
            _ => Err(PageError::not_found(lang)),
        }
    }
}
