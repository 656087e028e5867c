//! HTTP for Ratusz: the residents' portal (`/`), the staff panel (`/panel`), the JSON API
//! (`/api/v1`), auth (sessions, CSRF, TOTP), askama templates and Fluent translations.
//! Handlers are thin: parse, call [`ratusz_app::App`], render.

pub mod accounts;
pub mod api;
pub mod audit;
pub mod ctx;
pub mod errors;
pub mod i18n;
pub mod mail;
pub mod ops;
pub mod pages;
pub mod panel;
pub mod tenants;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use ratusz_app::App;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "ratusz_session";

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` and send HSTS (when served over TLS, directly or via a proxy).
    pub secure_cookies: bool,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    /// Largest accepted request body, in bytes.
    pub max_body: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trust_proxy: false,
            max_body: 64 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub cfg: Arc<WebConfig>,
}

/// The whole HTTP application.
pub fn router(app: App, cfg: WebConfig) -> Router {
    let _ = ops::prometheus();
    let state = AppState {
        app,
        cfg: Arc::new(cfg.clone()),
    };
    let tenant_pages = Router::new()
        .route("/", get(pages::home))
        .route("/lang/{code}", get(pages::set_lang))
        .route(
            "/login",
            get(accounts::login_page).post(accounts::login_submit),
        )
        .route(
            "/login/mfa",
            get(accounts::mfa_page).post(accounts::mfa_submit),
        )
        .route(
            "/mfa/setup",
            get(accounts::setup_page).post(accounts::setup_submit),
        )
        .route("/logout", post(accounts::logout))
        .route("/logout/everywhere", post(accounts::logout_everywhere))
        .route(
            "/signup",
            get(accounts::signup_page).post(accounts::signup_submit),
        )
        .route("/signup/done", get(accounts::signup_done))
        .route("/verify-email", get(accounts::verify_email))
        .route(
            "/password/forgot",
            get(accounts::forgot_page).post(accounts::forgot_submit),
        )
        .route("/password/forgot/done", get(accounts::forgot_done))
        .route(
            "/password/reset",
            get(accounts::reset_page).post(accounts::reset_submit),
        )
        .route("/password/reset/done", get(accounts::reset_done))
        .route("/account", get(accounts::account_page))
        .route(
            "/account/password",
            get(accounts::password_change_page).post(accounts::password_change_submit),
        )
        .route("/panel", get(panel::panel_home))
        .route(
            "/panel/admin/units",
            get(tenants::units_page).post(tenants::units_create),
        )
        .route(
            "/panel/admin/users",
            get(accounts::staff::users_page).post(accounts::staff::users_create),
        )
        .route(
            "/panel/admin/users/{id}/reset-mfa",
            post(accounts::staff::users_reset_mfa),
        )
        .route(
            "/panel/admin/users/{id}/disable",
            post(accounts::staff::users_disable),
        )
        .route(
            "/panel/admin/users/{id}/enable",
            post(accounts::staff::users_enable),
        )
        .route("/panel/admin/roles", post(accounts::staff::roles_grant))
        .route(
            "/panel/admin/tokens",
            get(accounts::tokens::tokens_page).post(accounts::tokens::tokens_create),
        )
        .route(
            "/panel/admin/tokens/{id}/revoke",
            post(accounts::tokens::tokens_revoke),
        )
        .route("/panel/admin/outbox", get(mail::outbox_page))
        .route("/panel/admin/audit", get(audit::audit_page))
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            ctx::resolve_tenant,
        ));
    Router::new()
        .merge(tenant_pages)
        .merge(api::routes().method_not_allowed_fallback(pages::method_not_allowed))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics_page))
        .route("/static/style.css", get(pages::stylesheet))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(cfg.max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            ops::security_headers,
        ))
        .layer(middleware::from_fn(ops::track))
        .with_state(state)
}
