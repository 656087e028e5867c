//! Shared page machinery (the layout context, rendering, redirects) and the public pages.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use ratusz_core::roles::{AccountKind, Permission};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, PagePath, PageQuery, lang_of};
use crate::errors::PageError;
use crate::i18n::{Lang, Tr};

/// What the base layout needs.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub t: Tr,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub title: String,
    pub site: String,
    pub csrf: String,
    pub user_name: Option<String>,
    pub is_staff: bool,
    pub is_admin: bool,
    /// Sees the office's survey results (managers, the registry desk, the admin).
    pub sees_surveys: bool,
    /// Whether the intake queue is in the menu (the registry desk and managers who assign).
    pub sees_intake: bool,
    /// Whether crisis alerts are in the menu (those who write or approve them).
    pub sees_alerts: bool,
    pub path: String,
}

impl PageCtx {
    pub fn new(ctx: &Ctx, title_id: &str) -> Self {
        let t = ctx.tr();
        let full = ctx.full();
        Self {
            t,
            lang: ctx.lang.code(),
            other_lang: ctx.lang.other().code(),
            title: t.t(title_id),
            site: ctx.tenant.name.clone(),
            csrf: ctx.csrf().to_owned(),
            user_name: full.map(|p| p.user.display_name.clone()),
            is_staff: full.is_some_and(|p| p.kind() == AccountKind::Staff),
            is_admin: full.is_some_and(|p| p.allowed(Permission::AdminTenant, None)),
            sees_surveys: full.is_some_and(ratusz_app::eservices::survey::sees_results),
            sees_intake: full
                .is_some_and(|p| p.allowed(ratusz_core::roles::Permission::AssignItems, None)),
            sees_alerts: full.is_some_and(|p| {
                p.allowed(Permission::ComposeAlerts, None)
                    || p.allowed(Permission::ApproveAlerts, None)
            }),
            path: ctx.path.clone(),
        }
    }

    /// A layout for error pages, which may have no tenant or session.
    pub fn bare(lang: Lang, title: String) -> Self {
        Self {
            t: Tr::new(lang),
            lang: lang.code(),
            other_lang: lang.other().code(),
            title,
            site: "Ratusz".into(),
            csrf: String::new(),
            user_name: None,
            is_staff: false,
            is_admin: false,
            sees_surveys: false,
            sees_intake: false,
            sees_alerts: false,
            path: "/".into(),
        }
    }
}

/// Renders a template as a 200 page.
pub fn render<T: Template>(t: &T) -> Result<Response, PageError> {
    render_status(t, StatusCode::OK)
}

pub fn render_status<T: Template>(t: &T, status: StatusCode) -> Result<Response, PageError> {
    match t.render() {
        Ok(html) => Ok((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            Err(PageError::internal(Lang::Pl))
        }
    }
}

/// POST-redirect-GET: 303 to a local path.
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Only local absolute paths are accepted as redirect targets (no open redirects).
pub fn safe_local_path(p: &str) -> &str {
    if p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && !p.contains(['\r', '\n'])
    {
        p
    } else {
        "/"
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
}

pub async fn home(ctx: Ctx) -> Result<Response, PageError> {
    render(&HomePage {
        page: PageCtx::new(&ctx, "nav-home"),
    })
}

#[derive(Deserialize)]
pub struct LangQuery {
    back: Option<String>,
}

/// Switches the language (a cookie) and goes back to the page.
pub async fn set_lang(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
    PagePath(code): PagePath,
    PageQuery(q): PageQuery<LangQuery>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return PageError::not_found(lang_of(&headers)).into_response();
    };
    let back = safe_local_path(q.back.as_deref().unwrap_or("/")).to_owned();
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .secure(state.cfg.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    let mut resp = see_other(&back);
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn not_found(headers: axum::http::HeaderMap, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::errors::ApiError::not_found(crate::api::api_lang(&headers)).into_response();
    }
    PageError::not_found(lang_of(&headers)).into_response()
}

pub async fn method_not_allowed(headers: axum::http::HeaderMap, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::errors::ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            crate::api::api_lang(&headers),
            "method_not_allowed",
            "error-method-body",
        )
        .into_response();
    }
    PageError::method(lang_of(&headers)).into_response()
}

/// A script of the site (each an enhancement; see the file's head).
fn script(body: &'static str, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

/// The alert form's map.
pub async fn alerts_map_script() -> Response {
    script(
        include_str!("../static/alerts-map.js"),
        "public, max-age=3600",
    )
}

/// Browser notifications on the alert subscription form.
pub async fn alerts_push_script() -> Response {
    script(
        include_str!("../static/alerts-push.js"),
        "public, max-age=3600",
    )
}

/// The service worker that shows pushed alerts; served at the root so that its scope is the
/// whole site, and never cached, so browsers pick up a new version at once.
pub async fn service_worker() -> Response {
    script(include_str!("../static/sw.js"), "no-cache")
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_local_path("/panel"), "/panel");
        assert_eq!(safe_local_path("//evil.example"), "/");
        assert_eq!(safe_local_path("https://evil.example"), "/");
        assert_eq!(safe_local_path("/\\evil"), "/");
        assert_eq!(safe_local_path("/a\r\nSet-Cookie: x"), "/");
    }
}
