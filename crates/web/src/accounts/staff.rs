//! Staff accounts in the admin panel: list, create, reset the second factor, disable and
//! enable, grant roles.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_core::roles::{Permission, Role};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PagePath, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render_status, see_other};
use ratusz_app::accounts::NewStaff;
use ratusz_app::store::tenants::UnitRow;

use crate::panel::{CsrfOnly, NoticeQuery, gate, gate_post, role_label, url_encode};

// ------------------------------------------------------------------ staff

pub struct StaffRow {
    pub active: bool,
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: String,
    pub mfa_on: bool,
}

pub struct RoleOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StaffForm {
    csrf: String,
    email: String,
    display_name: String,
    password: String,
    role: String,
    unit: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: PageCtx,
    section: &'static str,
    users: Vec<StaffRow>,
    units: Vec<UnitRow>,
    role_options: Vec<RoleOption>,
    form: StaffForm,
    errors: FormErrors,
    notice: Option<String>,
}

async fn users_page_with(
    state: &AppState,
    ctx: &Ctx,
    form: StaffForm,
    errors: FormErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let (staff, units) = state
        .app
        .blocking(move |a| Ok((a.staff(&tid)?, a.units(&tid)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let users = staff
        .into_iter()
        .map(|(u, roles)| StaffRow {
            roles: roles
                .iter()
                .map(|r| {
                    let unit = r
                        .unit_id
                        .as_ref()
                        .and_then(|id| units.iter().find(|x| &x.id == id))
                        .map(|x| x.symbol.clone());
                    match unit {
                        Some(s) => format!("{} ({s})", role_label(&t, &r.role)),
                        None => role_label(&t, &r.role),
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            mfa_on: u.totp_enabled_at.is_some(),
            active: u.disabled_at.is_none(),
            id: u.id,
            name: u.display_name,
            email: u.email,
        })
        .collect();
    let role_options = Role::STAFF
        .iter()
        .map(|r| RoleOption {
            value: r.as_str(),
            label: role_label(&t, r.as_str()),
            selected: form.role == r.as_str(),
        })
        .collect();
    render_status(
        &UsersPage {
            page: PageCtx::new(ctx, "users-title"),
            section: "users",
            users,
            units,
            role_options,
            form,
            errors,
            notice,
        },
        status,
    )
}

pub async fn users_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::AdminTenant)? {
        return Ok(r);
    }
    let t = ctx.tr();
    let notice = q
        .created
        .map(|e| t.t1("user-created", "email", &e))
        .or_else(|| q.reset.map(|e| t.t1("mfa-reset-done", "email", &e)))
        .or_else(|| q.disabled.map(|e| t.t1("user-disabled", "email", &e)))
        .or_else(|| q.enabled.map(|e| t.t1("user-enabled", "email", &e)))
        .or_else(|| q.granted.map(|e| t.t1("role-granted", "email", &e)));
    let form = StaffForm {
        role: "clerk".into(),
        ..Default::default()
    };
    users_page_with(
        &state,
        &ctx,
        form,
        FormErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn users_create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<StaffForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let Ok(role) = form.role.parse::<Role>() else {
        let t = ctx.tr();
        let errors = FormErrors::one("role", t.t("error-bad-form-body"));
        return users_page_with(
            &state,
            &ctx,
            form,
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tid = ctx.tenant.tenant_id.clone();
    let new = NewStaff {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        password: form.password.clone(),
        role,
        unit_id: Some(form.unit.clone()).filter(|u| !u.is_empty()),
        totp_secret: None,
    };
    match state
        .app
        .blocking(move |a| a.create_staff(&tid, &new, &p.actor()))
        .await
    {
        Ok(user) => Ok(see_other(&format!(
            "/panel/admin/users?created={}",
            url_encode(&user.email)
        ))),
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            let mut form = form;
            form.password.clear();
            users_page_with(
                &state,
                &ctx,
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn users_reset_mfa(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(user_id): PagePath,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let email = state
        .app
        .blocking(move |a| {
            if uuid::Uuid::parse_str(&user_id).is_err() {
                return Err(AppError::NotFound);
            }
            let user = a.user(&tid, &user_id)?.ok_or(AppError::NotFound)?;
            a.reset_mfa(&tid, &user.id, &p.actor())?;
            Ok(user.email)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other(&format!(
        "/panel/admin/users?reset={}",
        url_encode(&email)
    )))
}

/// Disables (`disable == true`) or re-enables a staff account.
async fn set_disabled(
    state: AppState,
    ctx: Ctx,
    user_id: String,
    csrf: &str,
    disable: bool,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    if uuid::Uuid::parse_str(&user_id).is_err() {
        return Err(PageError::not_found(ctx.lang));
    }
    let tid = ctx.tenant.tenant_id.clone();
    let actor = p.actor();
    match state
        .app
        .blocking(move |a| a.set_user_disabled(&tid, &user_id, disable, &actor))
        .await
    {
        Ok(user) => {
            let key = if disable { "disabled" } else { "enabled" };
            Ok(see_other(&format!(
                "/panel/admin/users?{key}={}",
                url_encode(&user.email)
            )))
        }
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            let form = StaffForm {
                role: "clerk".into(),
                ..Default::default()
            };
            users_page_with(
                &state,
                &ctx,
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn users_disable(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(user_id): PagePath,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    set_disabled(state, ctx, user_id, &form.csrf, true).await
}

pub async fn users_enable(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(user_id): PagePath,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    set_disabled(state, ctx, user_id, &form.csrf, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    csrf: String,
    user: String,
    role: String,
    unit: String,
}

/// Grants a further role (optionally in a unit) to a staff member.
pub async fn roles_grant(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<GrantForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let t = ctx.tr();
    let role = form.role.parse::<Role>().ok().filter(|r| r.is_staff());
    let unit = Some(form.unit.clone()).filter(|u| !u.is_empty());
    let problem = match &role {
        None => Some(("role", t.t("error-bad-form-body"))),
        Some(r) if ratusz_app::tenants::role_needs_unit(*r) && unit.is_none() => {
            Some(("unit", t.t("unit-hint")))
        }
        _ => None,
    };
    let (Some(role), None) = (role, problem.clone()) else {
        let (field, msg) = problem.unwrap_or(("role", t.t("error-bad-form-body")));
        let errors = FormErrors::one(field, msg);
        let form = StaffForm {
            role: "clerk".into(),
            ..Default::default()
        };
        return users_page_with(
            &state,
            &ctx,
            form,
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tid = ctx.tenant.tenant_id.clone();
    let actor = p.actor();
    let user_id = form.user.clone();
    let result = state
        .app
        .blocking(move |a| {
            if uuid::Uuid::parse_str(&user_id).is_err() {
                return Err(AppError::NotFound);
            }
            if let Some(u) = &unit
                && !a.units(&tid)?.iter().any(|x| &x.id == u)
            {
                return Err(AppError::NotFound);
            }
            let user = a.user(&tid, &user_id)?.ok_or(AppError::NotFound)?;
            if user.kind != ratusz_core::roles::AccountKind::Staff.as_str() {
                return Err(AppError::NotFound);
            }
            a.grant_role(&tid, &user.id, role, unit.as_deref(), &actor)?;
            Ok(user.email)
        })
        .await;
    match result {
        Ok(email) => Ok(see_other(&format!(
            "/panel/admin/users?granted={}",
            url_encode(&email)
        ))),
        Err(e) => Err(ctx.fail(e)),
    }
}
