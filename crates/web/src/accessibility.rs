//! The accessibility statement (deklaracja dostępności): the public page, linked from every
//! page's footer, and the admin's form. The statement's data come from the tenant's settings
//! (`ratusz_app::accessibility`); the fixed parts (the request and complaint procedure of the
//! Act on digital accessibility, art. 18–19) are Fluent texts.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::accessibility::{Accessibility, METHODS, STATUSES};
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render, render_status, see_other};
use crate::panel::{gate, gate_post};

#[derive(Template)]
#[template(path = "accessibility.html")]
struct StatementPage {
    page: PageCtx,
    a: Accessibility,
    site: String,
}

impl StatementPage {
    /// The lines of the list of what is not accessible.
    fn items(&self) -> Vec<&str> {
        self.a
            .non_accessible
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    fn or_dash<'a>(&self, v: &'a str) -> &'a str {
        if v.is_empty() { "—" } else { v }
    }
}

pub async fn statement(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let a = state
        .app
        .blocking(move |app| app.accessibility(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&StatementPage {
        page: PageCtx::new(&ctx, "a11y-title"),
        site: state.app.settings.public_url.clone(),
        a,
    })
}

#[derive(Template)]
#[template(path = "admin_accessibility.html")]
struct AdminPage {
    page: PageCtx,
    section: &'static str,
    a: Accessibility,
    statuses: Vec<&'static str>,
    methods: Vec<&'static str>,
    errors: FormErrors,
    saved: bool,
}

impl AdminPage {
    /// Whether a radio button's value is the stored one.
    fn chosen(&self, current: &str, value: &&str) -> bool {
        current == *value
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQ {
    saved: String,
}

fn admin_page(
    ctx: &Ctx,
    a: Accessibility,
    errors: FormErrors,
    saved: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    render_status(
        &AdminPage {
            page: PageCtx::new(ctx, "a11y-admin-title"),
            section: "accessibility",
            a,
            statuses: STATUSES.to_vec(),
            methods: METHODS.to_vec(),
            errors,
            saved,
        },
        status,
    )
}

pub async fn admin(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<SavedQ>,
) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::AdminTenant)? {
        return Ok(r);
    }
    let tid = ctx.tenant.tenant_id.clone();
    let a = state
        .app
        .blocking(move |app| app.accessibility(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    admin_page(
        &ctx,
        a,
        FormErrors::default(),
        !q.saved.is_empty(),
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatementForm {
    csrf: String,
    #[serde(flatten)]
    a: Accessibility,
}

pub async fn admin_save(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<StatementForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let input = form.a.clone();
    match state
        .app
        .blocking(move |app| app.set_accessibility(&p, &input))
        .await
    {
        Ok(_) => Ok(see_other("/panel/admin/accessibility?saved=1")),
        Err(AppError::Invalid(errs)) => admin_page(
            &ctx,
            form.a,
            FormErrors::new(&errs, ctx.lang),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(ctx.fail(e)),
    }
}
