//! The staff panel: access gates shared by the panel's pages, and the dashboard.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ratusz_app::accounts::Principal;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::Ctx;
use crate::errors::PageError;
use crate::i18n::Tr;
use crate::pages::{PageCtx, render, see_other};

/// The signed-in principal holding `perm`, or the response to send instead (sign-in or 403).
pub(crate) fn require(ctx: &Ctx, perm: Permission) -> Result<Principal, PageError> {
    match ctx.full() {
        Some(p) if p.allowed(perm, None) => Ok(p.clone()),
        _ => Err(PageError::forbidden(ctx.lang)),
    }
}

/// Anonymous visitors to the panel are sent to sign in; signed-in users without rights get 403.
pub(crate) fn gate(ctx: &Ctx, perm: Permission) -> Result<Result<Principal, Response>, PageError> {
    if ctx.principal.is_none() {
        return Ok(Err(see_other("/login")));
    }
    if let Some(p) = &ctx.principal
        && p.session_state() != Some(ratusz_app::accounts::SessionState::Full)
    {
        return Ok(Err(see_other("/login")));
    }
    require(ctx, perm).map(Ok)
}

/// [`gate`] for a form post: the CSRF token first, then the permission.
pub(crate) fn gate_post(
    ctx: &Ctx,
    csrf: &str,
    perm: Permission,
) -> Result<Result<Principal, Response>, PageError> {
    ctx.check_csrf(csrf)?;
    gate(ctx, perm)
}

pub fn role_label(t: &Tr, role: &str) -> String {
    t.t(&format!("role-{role}"))
}

pub fn format_ts(us: i64) -> String {
    let t = ratusz_app::store::from_ts(us);
    let local = t.to_offset(ratusz_core::clock::warsaw_offset(t));
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    local.format(&fmt).unwrap_or_default()
}

// ------------------------------------------------------------------ dashboard

#[derive(Template)]
#[template(path = "panel_home.html")]
struct PanelHome {
    page: PageCtx,
    section: &'static str,
    name: String,
    roles: Vec<String>,
}

pub async fn panel_home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let units = state
        .app
        .blocking(move |a| a.units(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    let roles = p
        .grants
        .iter()
        .map(|g| {
            let unit = g.unit.and_then(|u| {
                let id = u.to_string();
                units.iter().find(|x| x.id == id).map(|x| x.symbol.clone())
            });
            match unit {
                Some(sym) => format!("{} ({sym})", role_label(&t, g.role.as_str())),
                None => role_label(&t, g.role.as_str()),
            }
        })
        .collect();
    render(&PanelHome {
        page: PageCtx::new(&ctx, "panel-title"),
        section: "home",
        name: p.user.display_name.clone(),
        roles,
    })
}

/// Notices shown after a redirect (POST-redirect-GET).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    pub created: Option<String>,
    pub reset: Option<String>,
    pub disabled: Option<String>,
    pub enabled: Option<String>,
    pub granted: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    pub csrf: String,
}

/// Percent-encodes a value for a query string.
pub(crate) fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
