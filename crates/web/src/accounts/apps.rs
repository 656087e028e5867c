//! "Aplikacje": a signed-in person's own API tokens for a mobile app (scope `write`, with an
//! expiry), created from the account page and shown once, listed and revoked there.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::store::accounts::ApiTokenRow;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PagePath};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render_status, see_other};

#[derive(Template)]
#[template(path = "account_apps.html")]
struct AppsPage {
    page: PageCtx,
    tokens: Vec<ApiTokenRow>,
    errors: FormErrors,
    name: String,
    new_secret: Option<String>,
    now: i64,
}

impl AppsPage {
    fn expired(&self, t: &ApiTokenRow) -> bool {
        t.expires_at.is_some_and(|e| e <= self.now)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppForm {
    csrf: String,
    name: String,
    days: String,
}

/// The signed-in person (any kind of account).
fn signed_in(ctx: &Ctx) -> Option<ratusz_app::accounts::Principal> {
    ctx.full().cloned()
}

fn sign_in_first() -> Response {
    see_other("/login?next=/account/apps")
}

async fn page_with(
    state: &AppState,
    ctx: &Ctx,
    p: ratusz_app::accounts::Principal,
    errors: FormErrors,
    name: String,
    new_secret: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tokens = state
        .app
        .blocking(move |a| a.my_api_tokens(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    render_status(
        &AppsPage {
            page: PageCtx::new(ctx, "apps-title"),
            tokens,
            errors,
            name,
            new_secret,
            now: state.app.now_ts(),
        },
        status,
    )
}

pub async fn apps_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let Some(p) = signed_in(&ctx) else {
        return Ok(sign_in_first());
    };
    page_with(
        &state,
        &ctx,
        p,
        FormErrors::default(),
        String::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Creates a token and shows its secret once, in this answer (never in a URL).
pub async fn apps_create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<AppForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let Some(p) = signed_in(&ctx) else {
        return Ok(sign_in_first());
    };
    let (p2, name, days) = (p.clone(), form.name.clone(), form.days.clone());
    match state
        .app
        .blocking(move |a| a.create_my_api_token(&p2, &name, &days))
        .await
    {
        Ok((secret, _)) => {
            page_with(
                &state,
                &ctx,
                p,
                FormErrors::default(),
                String::new(),
                Some(secret),
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Invalid(errs)) => {
            page_with(
                &state,
                &ctx,
                p,
                FormErrors::new(&errs, ctx.lang),
                form.name,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn apps_revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let Some(p) = signed_in(&ctx) else {
        return Ok(sign_in_first());
    };
    state
        .app
        .blocking(move |a| a.revoke_my_api_token(&p, &id))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other("/account/apps"))
}
