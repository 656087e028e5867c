//! Crisis alerts, staff side: the list, the form (started from a template; the area as ticked
//! localities — which works without JavaScript — or a polygon or circle in CAP notation), the
//! alert's page with its SMS text, the four-eyes buttons and the delivery dashboard.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ratusz_app::AppError;
use ratusz_app::alerts::AlertInput;
use ratusz_app::alerts::compose::{AWAITING, DRAFT, PUBLISHED, REJECTED};
use ratusz_app::alerts::deliver::AlertStats;
use ratusz_app::store::alerts::AlertRow;
use ratusz_core::alerts::{
    Alert, Category, Certainty, Severity, Template as AlertTemplate, Urgency,
};
use ratusz_core::roles::Permission;
use serde::Deserialize;

use super::{AlertView, all, first, view};
use crate::AppState;
use crate::ctx::{Ctx, FormData, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render, render_status, see_other};
use crate::panel::{gate, gate_post};

/// Who may open the alert pages at all: those who write or approve alerts.
fn may(ctx: &Ctx) -> Permission {
    match ctx.full() {
        Some(p) if !p.allowed(Permission::ComposeAlerts, None) => Permission::ApproveAlerts,
        _ => Permission::ComposeAlerts,
    }
}

pub struct Row {
    pub id: String,
    pub headline: String,
    pub workflow: String,
    pub exercise: bool,
    pub created: String,
}

fn row_of(r: &AlertRow) -> Row {
    let alert: Option<Alert> = serde_json::from_str(&r.cap).ok();
    let info = alert.as_ref().and_then(|a| a.infos.first());
    Row {
        id: r.id.clone(),
        headline: info
            .and_then(|i| i.headline.clone().or_else(|| Some(i.event.clone())))
            .unwrap_or_default(),
        workflow: r.workflow.clone(),
        exercise: alert
            .as_ref()
            .is_some_and(|a| a.status == ratusz_core::alerts::Status::Exercise),
        created: crate::panel::format_ts(r.created_at),
    }
}

#[derive(Template)]
#[template(path = "alerts_panel.html")]
struct ListPage {
    page: PageCtx,
    section: &'static str,
    rows: Vec<Row>,
    templates: Vec<(&'static str, &'static str)>,
}

fn templates() -> Vec<(&'static str, &'static str)> {
    AlertTemplate::ALL
        .iter()
        .map(|t| (t.as_str(), t.label_pl()))
        .collect()
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = match gate(&ctx, may(&ctx))? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let rows = state
        .app
        .blocking(move |a| a.alerts(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&ListPage {
        page: PageCtx::new(&ctx, "alerts-panel-title"),
        section: "alerts",
        rows: rows.iter().map(row_of).collect(),
        templates: templates(),
    })
}

#[derive(Template)]
#[template(path = "alert_form.html")]
struct FormPage {
    page: PageCtx,
    section: &'static str,
    form: AlertInput,
    errors: FormErrors,
    localities: Vec<String>,
    categories: Vec<&'static str>,
    urgencies: Vec<&'static str>,
    severities: Vec<&'static str>,
    certainties: Vec<&'static str>,
    published: Vec<Row>,
}

impl FormPage {
    fn ticked(&self, l: &str) -> bool {
        self.form.localities.iter().any(|x| x == l)
    }
    fn is(&self, current: &str, value: &&str) -> bool {
        current == *value
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQ {
    template: String,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    p: ratusz_app::accounts::Principal,
    form: AlertInput,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let (localities, alerts) = state
        .app
        .blocking(move |a| Ok((a.alert_localities(&tid)?, a.alerts(&p)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    render_status(
        &FormPage {
            page: PageCtx::new(ctx, "alerts-new-title"),
            section: "alerts",
            form,
            errors,
            localities,
            categories: Category::ALL.iter().map(|c| c.as_str()).collect(),
            urgencies: Urgency::ALL.iter().map(|c| c.as_str()).collect(),
            severities: Severity::ALL.iter().map(|c| c.as_str()).collect(),
            certainties: Certainty::ALL.iter().map(|c| c.as_str()).collect(),
            published: alerts
                .iter()
                .filter(|a| a.workflow == PUBLISHED)
                .map(row_of)
                .collect(),
        },
        status,
    )
}

/// The address points for the form's map (JSON `{"points": [[lat, lon], …]}`).
pub async fn map_points(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::ComposeAlerts)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let points = state
        .app
        .blocking(move |a| a.alert_map_points(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    let rounded: Vec<[f64; 2]> = points
        .into_iter()
        .map(|(lat, lon)| [(lat * 1e6).round() / 1e6, (lon * 1e6).round() / 1e6])
        .collect();
    Ok(axum::Json(serde_json::json!({ "points": rounded })).into_response())
}

pub async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<NewQ>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::ComposeAlerts)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let t = AlertTemplate::parse(&q.template).unwrap_or(AlertTemplate::ALL[0]);
    let mut form = AlertInput::from_template(t);
    // A suggestion: from now for six hours, in Polish local time.
    let now = state.app.clock.now();
    let fmt = ratusz_core::clock::warsaw_datetime_local;
    form.onset = fmt(now);
    form.expires = fmt(now + time::Duration::hours(6));
    form_page(&state, &ctx, p, form, FormErrors::default(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &first(&pairs, "csrf"), Permission::ComposeAlerts)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let f = |k: &str| first(&pairs, k);
    let input = AlertInput {
        template: f("template"),
        category: f("category"),
        event: f("event"),
        urgency: f("urgency"),
        severity: f("severity"),
        certainty: f("certainty"),
        headline: f("headline"),
        description: f("description"),
        instruction: f("instruction"),
        onset: f("onset"),
        expires: f("expires"),
        localities: all(&pairs, "localities"),
        polygon: f("polygon"),
        circle: f("circle"),
        sms_text: f("sms_text"),
        exercise: !f("exercise").is_empty(),
        msg_type: f("msg_type"),
        refers_to: f("refers_to"),
        confirm_groups: f("confirm_groups"),
        confirm_min: f("confirm_min"),
        confirm_minutes: f("confirm_minutes"),
    };
    let i2 = input.clone();
    let p2 = p.clone();
    match state.app.blocking(move |a| a.create_alert(&p2, &i2)).await {
        Ok(row) => Ok(see_other(&format!("/panel/alerts/{}", row.id))),
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            form_page(
                &state,
                &ctx,
                p,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "alert_panel.html")]
struct AlertPage {
    page: PageCtx,
    section: &'static str,
    row: AlertRow,
    a: AlertView,
    exercise: bool,
    sms: String,
    septets: usize,
    parts: usize,
    stats: AlertStats,
    can_submit: bool,
    can_approve: bool,
    notice: Option<String>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQ {
    done: String,
}

async fn alert_page(
    state: &AppState,
    ctx: &Ctx,
    p: ratusz_app::accounts::Principal,
    id: String,
    notice: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p2 = p.clone();
    let (row, stats) = state
        .app
        .blocking(move |a| Ok((a.alert(&p2, &id)?, a.alert_stats(&p2, &id)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let alert: Alert =
        serde_json::from_str(&row.cap).map_err(|e| ctx.fail(AppError::Internal(e.to_string())))?;
    // What a resident's phone shows: the text and the unsubscribe link (a sample code).
    let suffix = state.app.sms_suffix_sample();
    let sms = ratusz_core::alerts::check_sms_with(&row.sms_text, &suffix)
        .map(|s| (s.septets, s.parts))
        .unwrap_or((0, 0));
    let mut page = PageCtx::new(ctx, "alerts-panel-title");
    let a = view(&row, &alert, state.app.clock.now());
    page.title = a.headline.clone();
    let author = row.author_id == p.user.id;
    render_status(
        &AlertPage {
            page,
            section: "alerts",
            exercise: alert.status == ratusz_core::alerts::Status::Exercise,
            sms: format!("{}{suffix}", row.sms_text),
            septets: sms.0,
            parts: sms.1,
            can_submit: (row.workflow == DRAFT || row.workflow == REJECTED)
                && p.allowed(Permission::ComposeAlerts, None),
            can_approve: row.workflow == AWAITING
                && !author
                && p.allowed(Permission::ApproveAlerts, None),
            row,
            a,
            stats,
            notice,
            errors,
        },
        status,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<DoneQ>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, may(&ctx))? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let notice = match q.done.as_str() {
        "submit" | "approve" | "reject" => Some(ctx.tr().tk("alerts-done", &q.done)),
        _ => None,
    };
    alert_page(
        &state,
        &ctx,
        p,
        id,
        notice,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    csrf: String,
}

pub async fn action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    FormData(form): FormData<ActionForm>,
) -> Result<Response, PageError> {
    // The form's token first, as on every form route; then what the action needs.
    ctx.check_csrf(&form.csrf)?;
    let needs = match action.as_str() {
        "submit" => Permission::ComposeAlerts,
        "approve" | "reject" => Permission::ApproveAlerts,
        _ => return Err(ctx.fail(AppError::NotFound)),
    };
    let p = match gate_post(&ctx, &form.csrf, needs)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let (p2, id2, act) = (p.clone(), id.clone(), action.clone());
    let result = state
        .app
        .blocking(move |a| match act.as_str() {
            "submit" => a.submit_alert(&p2, &id2),
            "approve" => a.approve_alert(&p2, &id2),
            _ => a.reject_alert(&p2, &id2),
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/panel/alerts/{id}?done={action}"))),
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            alert_page(
                &state,
                &ctx,
                p,
                id,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// Seconds with one decimal, for the dashboard.
pub fn seconds(s: &f64) -> String {
    format!("{s:.1} s")
}

/// A whole number of seconds after approval: `45 s`, `2 min 30 s`.
pub fn after(s: &i64) -> String {
    match (s / 60, s % 60) {
        (0, sec) => format!("{sec} s"),
        (min, 0) => format!("{min} min"),
        (min, sec) => format!("{min} min {sec} s"),
    }
}
