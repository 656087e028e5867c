//! Organisational units (komórki organizacyjne): the admin page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render_status, see_other};
use ratusz_app::store::tenants::UnitRow;

use crate::panel::{NoticeQuery, gate, gate_post, url_encode};

// ------------------------------------------------------------------ units

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    page: PageCtx,
    section: &'static str,
    units: Vec<UnitRow>,
    errors: FormErrors,
    symbol: String,
    name: String,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitForm {
    csrf: String,
    symbol: String,
    name: String,
}

async fn units_page_with(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    form: UnitForm,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let units = state
        .app
        .blocking(move |a| a.units(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    render_status(
        &UnitsPage {
            page: PageCtx::new(ctx, "units-title"),
            section: "units",
            units,
            errors,
            symbol: form.symbol,
            name: form.name,
            notice,
        },
        status,
    )
}

pub async fn units_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::AdminTenant)? {
        return Ok(r);
    }
    let notice = q.created.map(|s| ctx.tr().t1("unit-created", "symbol", &s));
    units_page_with(
        &state,
        &ctx,
        FormErrors::default(),
        UnitForm::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn units_create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<UnitForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let (symbol, name) = (form.symbol.clone(), form.name.clone());
    match state
        .app
        .blocking(move |a| a.create_unit(&tid, &symbol, &name, &p.actor()))
        .await
    {
        Ok(unit) => Ok(see_other(&format!(
            "/panel/admin/units?created={}",
            url_encode(&unit.symbol)
        ))),
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            units_page_with(
                &state,
                &ctx,
                errors,
                form,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
