//! HTTP for Ratusz: the residents' portal (`/`), the staff panel (`/panel`), the JSON API
//! (`/api/v1`), auth (sessions, CSRF, TOTP), askama templates and Fluent translations.
//! Handlers are thin: parse, call [`ratusz_app::App`], render.

pub mod accessibility;
pub mod accounts;
pub mod alerts;
pub mod api;
pub mod audit;
pub mod cases;
pub mod ctx;
pub mod errors;
pub mod eservices;
pub mod i18n;
pub mod intake;
pub mod mail;
pub mod ops;
pub mod pages;
pub mod panel;
pub mod registry;
pub mod registry_api;
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
    /// Largest accepted body of a file-upload form, in bytes.
    pub max_upload_body: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trust_proxy: false,
            max_body: 64 * 1024,
            max_upload_body: 64 * 1024 * 1024,
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
    let upload_limit = DefaultBodyLimit::max(cfg.max_upload_body);
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
            "/account/apps",
            get(accounts::apps::apps_page).post(accounts::apps::apps_create),
        )
        .route(
            "/account/apps/{id}/revoke",
            post(accounts::apps::apps_revoke),
        )
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
        .route("/deklaracja-dostepnosci", get(accessibility::statement))
        .route("/ostrzezenia", get(alerts::list))
        .route("/ostrzezenia.atom", get(alerts::atom))
        .route(
            "/ostrzezenia/subskrypcja",
            get(alerts::subscribe_page).post(alerts::subscribe_post),
        )
        .route(
            "/ostrzezenia/subskrypcja/{token}",
            get(alerts::subscription).post(alerts::subscription_post),
        )
        .route("/ostrzezenia/wypisz/{token}", get(alerts::unsubscribe))
        .route(
            "/w/{code}",
            get(alerts::sms_link).post(alerts::sms_link_post),
        )
        .route(
            "/ostrzezenia/potwierdz/{token}",
            get(alerts::confirm_page).post(alerts::confirm_post),
        )
        .route("/ostrzezenia/{id}", get(alerts::show))
        .route("/ostrzezenia/{id}/cap.xml", get(alerts::cap_xml))
        .route("/panel/alerts", get(alerts::panel::list))
        .route(
            "/panel/alerts/new",
            get(alerts::panel::new_page).post(alerts::panel::create),
        )
        .route("/panel/alerts/points.json", get(alerts::panel::map_points))
        .route("/panel/alerts/{id}", get(alerts::panel::show))
        .route("/panel/alerts/{id}/{action}", post(alerts::panel::action))
        .route("/panel/surveys", get(eservices::admin::surveys))
        .route(
            "/panel/admin/accessibility",
            get(accessibility::admin).post(accessibility::admin_save),
        )
        .route("/services", get(eservices::catalogue))
        .route("/services/{slug}", get(eservices::card))
        .route(
            "/services/{slug}/apply",
            get(eservices::apply_page)
                .post(eservices::apply_submit)
                .layer(upload_limit),
        )
        // Public portal API (no token): needs the tenant of the host name, like the pages.
        .route("/api/v1/services", get(eservices::api::services))
        .route("/api/v1/services/{slug}", get(eservices::api::service))
        .route("/api/v1/status", post(eservices::api::status))
        // In the API, but files ride in the JSON body: the upload limit, not the form one.
        .route(
            "/api/v1/services/{slug}/submissions",
            post(eservices::api::submit).layer(upload_limit),
        )
        .route(
            "/api/v1/matters/{id}/messages",
            get(eservices::api_contact::messages)
                .post(eservices::api_contact::message_post)
                .layer(upload_limit),
        )
        // An OCR text can be longer than the JSON limit: the upload limit, like files.
        .route(
            "/api/v1/intake/facts",
            post(intake::facts).layer(upload_limit),
        )
        .route(
            "/api/v1/cases/{id}/portal/messages",
            post(eservices::api_contact::office_message).layer(upload_limit),
        )
        .route("/matters", get(eservices::matters))
        .route("/matters/{id}", get(eservices::contact::matter))
        .route(
            "/matters/{id}/messages",
            post(eservices::contact::message_post).layer(upload_limit),
        )
        .route(
            "/matters/{id}/deliveries/{delivery}",
            get(eservices::contact::delivery),
        )
        .route(
            "/matters/{id}/files/{document}",
            get(eservices::contact::file),
        )
        .route(
            "/matters/{id}/survey",
            get(eservices::contact::survey_page).post(eservices::contact::survey_post),
        )
        .route("/notifications", get(eservices::contact::notifications))
        .route(
            "/notifications/read",
            post(eservices::contact::notifications_read),
        )
        .route(
            "/account/notifications",
            get(eservices::contact::preferences).post(eservices::contact::preferences_post),
        )
        .route("/matters/{id}/receipt.pdf", get(eservices::receipt_pdf))
        .route(
            "/status",
            get(eservices::status_page).post(eservices::status_check),
        )
        .route(
            "/panel/admin/services",
            get(eservices::admin::list)
                .post(eservices::admin::import)
                .layer(upload_limit),
        )
        .route(
            "/panel/admin/services/{slug}/definition.toml",
            get(eservices::admin::export),
        )
        .route(
            "/panel/admin/services/{slug}/{action}",
            post(eservices::admin::publish),
        )
        .route("/panel/work", get(registry::work_page))
        .route(
            "/panel/incoming",
            get(registry::incoming_list)
                .post(registry::incoming_create)
                .layer(upload_limit),
        )
        .route("/panel/incoming/new", get(registry::incoming_new))
        .route("/panel/incoming/{id}", get(registry::item_page))
        .route("/panel/incoming/{id}/assign", post(registry::item_assign))
        .route("/panel/incoming/{id}/join", post(registry::item_join))
        .route(
            "/panel/incoming/{id}/files",
            post(registry::item_files).layer(upload_limit),
        )
        .route("/panel/assignments/{id}", post(registry::assignment_change))
        .route("/panel/intake", get(intake::panel::queue))
        .route("/panel/intake/{id}/{action}", post(intake::panel::decide))
        .route("/panel/admin/intake", get(intake::panel::rules))
        .route("/panel/admin/intake/rules", post(intake::panel::rule_add))
        .route("/panel/admin/intake/train", post(intake::panel::train))
        .route(
            "/panel/admin/intake/rules/{id}/delete",
            post(intake::panel::rule_delete),
        )
        .route("/panel/outgoing", get(registry::outgoing_list))
        .route("/panel/search", get(registry::search_page))
        .route(
            "/panel/file-plan",
            get(registry::file_plan_page)
                .post(registry::file_plan_import)
                .layer(upload_limit),
        )
        .route("/panel/file-plan.csv", get(registry::file_plan_csv))
        .route("/panel/cases", post(cases::case_create))
        .route("/panel/cases/new", get(cases::case_new))
        .route("/panel/cases/{id}", get(cases::case_page))
        .route("/panel/cases/{id}/log.csv", get(cases::case_log_csv))
        .route(
            "/panel/cases/{id}/portal-message",
            post(cases::case_portal_message).layer(upload_limit),
        )
        .route(
            "/panel/cases/{id}/documents",
            post(cases::case_documents).layer(upload_limit),
        )
        .route("/panel/cases/{id}/{action}", post(cases::case_action))
        .route("/panel/documents/{id}", get(cases::document_page))
        .route(
            "/panel/documents/{id}/content",
            get(cases::document_content),
        )
        .route(
            "/panel/documents/{id}/preview.pdf",
            get(cases::document_preview),
        )
        .route(
            "/panel/documents/{id}/scan.png",
            get(intake::panel::scan_preview),
        )
        .route(
            "/panel/documents/{id}/{action}",
            post(cases::document_action).layer(upload_limit),
        )
        .route("/panel/case-index", get(cases::case_index))
        .route(
            "/panel/templates",
            get(cases::templates_page)
                .post(cases::templates_create)
                .layer(upload_limit),
        )
        .route(
            "/panel/archive",
            get(cases::archive_page).post(cases::archive_create),
        )
        .route("/panel/archive/{id}/{file}", get(cases::archive_file))
        .route("/panel/admin/outbox", get(mail::outbox_page))
        .route(
            "/panel/admin/alert-feeds",
            get(alerts::feeds::list).post(alerts::feeds::add),
        )
        .route(
            "/panel/admin/alert-feeds/{id}/{action}",
            post(alerts::feeds::action),
        )
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
        .route("/static/alerts-map.js", get(pages::alerts_map_script))
        .route("/static/alerts-push.js", get(pages::alerts_push_script))
        .route("/sw.js", get(pages::service_worker))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(cfg.max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            ops::security_headers,
        ))
        .layer(middleware::from_fn(ops::track))
        .with_state(state)
}
