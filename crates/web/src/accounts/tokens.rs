//! API tokens in the admin panel: list, create (the secret is shown once), revoke.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_core::roles::{AccountKind, Permission};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PagePath, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render_status, see_other};
use crate::panel::{CsrfOnly, format_ts, gate, gate_post, url_encode};

pub struct TokenView {
    pub id: String,
    pub name: String,
    pub account: String,
    pub scopes: String,
    pub created: String,
    pub expires: String,
    pub status: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct TokensPage {
    page: PageCtx,
    section: &'static str,
    tokens: Vec<TokenView>,
    accounts: Vec<(String, String)>,
    errors: FormErrors,
    notice: Option<String>,
    new_secret: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokensQuery {
    revoked: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    csrf: String,
    name: String,
    user: String,
    scope: String,
    days: String,
}

async fn page_with(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    notice: Option<String>,
    new_secret: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let (tokens, staff, integrations) = state
        .app
        .blocking(move |a| Ok((a.api_tokens(&tid)?, a.staff(&tid)?, a.integrations(&tid)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let now = state.app.now_ts();
    let mut accounts: Vec<(String, String)> = staff
        .iter()
        .map(|(u, _)| u)
        .chain(integrations.iter())
        .filter(|u| u.disabled_at.is_none())
        .map(|u| (u.id.clone(), format!("{} ({})", u.display_name, u.email)))
        .collect();
    accounts.sort_by(|a, b| a.1.cmp(&b.1));
    let label_of = |id: &str| {
        staff
            .iter()
            .map(|(u, _)| u)
            .chain(integrations.iter())
            .find(|u| u.id == id)
            .map(|u| u.email.clone())
            .unwrap_or_default()
    };
    let tokens = tokens
        .into_iter()
        .map(|r| {
            let expired = r.expires_at.is_some_and(|e| e <= now);
            let (status, active) = if r.revoked_at.is_some() {
                (t.t("tokens-revoked"), false)
            } else if expired {
                (t.t("tokens-expired"), false)
            } else {
                (t.t("tokens-active"), true)
            };
            TokenView {
                account: label_of(&r.user_id),
                created: format_ts(r.created_at),
                expires: r
                    .expires_at
                    .map(format_ts)
                    .unwrap_or_else(|| t.t("tokens-never")),
                id: r.id,
                name: r.name,
                scopes: r.scopes,
                status,
                active,
            }
        })
        .collect();
    render_status(
        &TokensPage {
            page: PageCtx::new(ctx, "tokens-title"),
            section: "tokens",
            tokens,
            accounts,
            errors,
            notice,
            new_secret,
        },
        status,
    )
}

pub async fn tokens_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<TokensQuery>,
) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::AdminTenant)? {
        return Ok(r);
    }
    let notice = q.revoked.map(|n| ctx.tr().t1("token-revoked", "name", &n));
    page_with(
        &state,
        &ctx,
        FormErrors::default(),
        notice,
        None,
        StatusCode::OK,
    )
    .await
}

/// Creates a token and shows its secret once, on this answer (no redirect, so that the
/// secret is never in a URL or the history).
pub async fn tokens_create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<TokenForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let days = match form.days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) if (1..=3650).contains(&n) => Some(n),
            _ => {
                let errors = FormErrors::new(
                    &[ratusz_app::FieldError::new(
                        "days",
                        "format",
                        "Podaj liczbę dni od 1 do 3650 albo zostaw pole puste.",
                        "Give a number of days from 1 to 3650, or leave the field empty.",
                    )],
                    ctx.lang,
                );
                return page_with(
                    &state,
                    &ctx,
                    errors,
                    None,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let tid = ctx.tenant.tenant_id.clone();
    let actor = p.actor();
    let result = state
        .app
        .blocking(move |a| {
            if uuid::Uuid::parse_str(&form.user).is_err() {
                return Err(AppError::NotFound);
            }
            let user = a.user(&tid, &form.user)?.ok_or(AppError::NotFound)?;
            if user.kind == AccountKind::Resident.as_str() || user.disabled_at.is_some() {
                return Err(AppError::NotFound);
            }
            a.create_api_token(
                &tid,
                &user.id,
                &form.name,
                std::slice::from_ref(&form.scope),
                days,
                &actor,
            )
        })
        .await;
    match result {
        Ok((secret, _)) => {
            page_with(
                &state,
                &ctx,
                FormErrors::default(),
                None,
                Some(secret),
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            page_with(
                &state,
                &ctx,
                errors,
                None,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn tokens_revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(token_id): PagePath,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    if uuid::Uuid::parse_str(&token_id).is_err() {
        return Err(PageError::not_found(ctx.lang));
    }
    let tid = ctx.tenant.tenant_id.clone();
    let actor = p.actor();
    let name = state
        .app
        .blocking(move |a| {
            let token = a
                .api_tokens(&tid)?
                .into_iter()
                .find(|t| t.id == token_id)
                .ok_or(AppError::NotFound)?;
            a.revoke_api_token(&tid, &token.id, &actor)?;
            Ok(token.name)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other(&format!(
        "/panel/admin/tokens?revoked={}",
        url_encode(&name)
    )))
}
