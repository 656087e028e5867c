//! The staff panel: the dashboard and the admin pages for units, staff, the mail outbox and the
//! audit log. Every handler checks the permission before reading anything.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::accounts::{NewStaff, Principal};
use ratusz_app::store::tenants::UnitRow;
use ratusz_core::roles::{Permission, Role};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PagePath, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::i18n::Tr;
use crate::pages::{PageCtx, render, render_status, see_other};

/// The signed-in principal holding `perm`, or the response to send instead (sign-in or 403).
fn require(ctx: &Ctx, perm: Permission) -> Result<Principal, PageError> {
    match ctx.full() {
        Some(p) if p.allowed(perm, None) => Ok(p.clone()),
        _ => Err(PageError::forbidden(ctx.lang)),
    }
}

/// Anonymous visitors to the panel are sent to sign in; signed-in users without rights get 403.
fn gate(ctx: &Ctx, perm: Permission) -> Result<Result<Principal, Response>, PageError> {
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    created: Option<String>,
    reset: Option<String>,
    disabled: Option<String>,
    enabled: Option<String>,
    granted: Option<String>,
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
    ctx.check_csrf(&form.csrf)?;
    let p = match gate(&ctx, Permission::AdminTenant)? {
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

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

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
    ctx.check_csrf(&form.csrf)?;
    let p = match gate(&ctx, Permission::AdminTenant)? {
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn users_reset_mfa(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(user_id): PagePath,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let p = match gate(&ctx, Permission::AdminTenant)? {
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
    ctx.check_csrf(csrf)?;
    let p = match gate(&ctx, Permission::AdminTenant)? {
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
    ctx.check_csrf(&form.csrf)?;
    let p = match gate(&ctx, Permission::AdminTenant)? {
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

// ------------------------------------------------------------------ outbox

pub struct MailView {
    pub when: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct OutboxPage {
    page: PageCtx,
    section: &'static str,
    smtp_on: bool,
    messages: Vec<MailView>,
}

pub async fn outbox_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::ReadOutbox)? {
        return Ok(r);
    }
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let rows = state
        .app
        .blocking(move |a| a.outbox(&tid, 200))
        .await
        .map_err(|e| ctx.fail(e))?;
    let messages = rows
        .into_iter()
        .map(|m| MailView {
            when: format_ts(m.created_at),
            status: t.t(&format!("mail-status-{}", m.status)),
            to: m.to_addr,
            subject: m.subject,
            body: m.body_text,
        })
        .collect();
    render(&OutboxPage {
        page: PageCtx::new(&ctx, "outbox-title"),
        section: "outbox",
        smtp_on: state.app.settings.smtp.is_some(),
        messages,
    })
}

// ------------------------------------------------------------------ audit

pub struct EventView {
    pub seq: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    pub object: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: PageCtx,
    section: &'static str,
    chain_ok: bool,
    chain_text: String,
    events: Vec<EventView>,
}

pub async fn audit_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::ReadAudit)? {
        return Ok(r);
    }
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let (report, rows) = state
        .app
        .blocking(move |a| Ok((a.verify_chain(&tid)?, a.audit_events(&tid, 100, None)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let (chain_ok, chain_text) = match &report.first_break {
        None => (
            true,
            t.t1("audit-chain-ok", "count", &report.events.to_string()),
        ),
        Some(b) => (
            false,
            t.t1(
                "audit-chain-bad",
                "detail",
                &format!("#{}: {}", b.seq, b.problem),
            ),
        ),
    };
    let events = rows
        .into_iter()
        .map(|e| EventView {
            seq: e.seq,
            when: format_ts(e.at),
            actor: e.actor_label,
            action: e.action,
            object: match e.object_id {
                Some(id) => format!("{} {}", e.object_type, id),
                None => e.object_type,
            },
        })
        .collect();
    render(&AuditPage {
        page: PageCtx::new(&ctx, "audit-title"),
        section: "audit",
        chain_ok,
        chain_text,
        events,
    })
}
