//! The intake robot in the staff panel: the registrar's queue (`/panel/intake`) with one-action
//! confirm and undo, the correction on the item's page, and the administrator's routing rules
//! with a preview on the last 500 items (`/panel/admin/intake`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::intake::QueueRow;
use ratusz_app::intake::rules::{Preview, RuleInput};
use ratusz_app::store::intake::RuleRow;
use ratusz_app::store::tenants::UnitRow;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PagePath, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render_status, see_other};
use crate::panel::{gate, gate_post};

/// Confidence as a whole percent, for display.
pub fn percent<T: std::borrow::Borrow<f64>>(c: T) -> String {
    format!("{:.0}%", (c.borrow() * 100.0).clamp(0.0, 100.0))
}

/// A unit's symbol from its id (or the id when unknown).
pub fn unit_symbol(units: &[UnitRow], id: &str) -> String {
    units
        .iter()
        .find(|u| u.id == id)
        .map_or_else(|| id.to_owned(), |u| u.symbol.clone())
}

/// How many elements a rule requires (non-empty lines of its list).
pub fn requirement_count(required: &str) -> usize {
    required.lines().filter(|l| !l.trim().is_empty()).count()
}

#[derive(Template)]
#[template(path = "intake_queue.html")]
struct QueuePage {
    page: PageCtx,
    section: &'static str,
    rows: Vec<QueueRow>,
    units: Vec<UnitRow>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::AssignItems)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let (rows, units) = state
        .app
        .blocking(move |a| Ok((a.intake_queue(&p, 200)?, a.units(&tid)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    let notice = match q.done.as_str() {
        "confirmed" | "corrected" | "undone" => Some(t.tk("intake-done", &q.done)),
        _ => None,
    };
    render_status(
        &QueuePage {
            page: PageCtx::new(&ctx, "intake-title"),
            section: "intake",
            rows,
            units,
            notice,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    csrf: String,
    unit_id: String,
    /// Where to go back: `queue` or `item`.
    back: String,
}

fn back_to(form: &DecideForm, id: &str, done: &str) -> String {
    if form.back == "item" {
        format!("/panel/incoming/{id}?intake={done}#intake")
    } else {
        format!("/panel/intake?done={done}")
    }
}

/// `confirm`, `correct` or `undo`.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::ctx::PagePath2(id, action): crate::ctx::PagePath2,
    FormData(form): FormData<DecideForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AssignItems)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let (id2, unit) = (id.clone(), form.unit_id.clone());
    let done = match action.as_str() {
        "confirm" => "confirmed",
        "correct" => "corrected",
        "undo" => "undone",
        _ => return Err(PageError::not_found(ctx.lang)),
    };
    let result = state
        .app
        .blocking(move |a| match action.as_str() {
            "confirm" => a.confirm_intake(&p, &id2),
            "correct" => a.correct_intake(&p, &id2, &unit),
            _ => a.undo_intake(&p, &id2),
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&back_to(&form, &id, done))),
        Err(AppError::Invalid(errs)) => {
            crate::registry::item_page_errors(&state, &ctx, id, FormErrors::new(&errs, ctx.lang))
                .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ rules (admin)

#[derive(Template)]
#[template(path = "admin_intake.html")]
struct RulesPage {
    page: PageCtx,
    section: &'static str,
    rules: Vec<RuleRow>,
    units: Vec<UnitRow>,
    form: RuleForm,
    errors: FormErrors,
    preview: Option<Preview>,
    notice: Option<String>,
    settings: ratusz_app::intake::IntakeSettings,
    models: Vec<ModelView>,
}

/// A model version with its measured quality.
pub struct ModelView {
    /// `unit` or `class`.
    pub target: String,
    pub version: i64,
    pub trained_at: String,
    pub trained_by: String,
    pub examples: i64,
    pub labels: String,
    pub accuracy: String,
    pub macro_f1: String,
}

fn model_view(m: &ratusz_app::store::intake::ModelRow) -> ModelView {
    let v: serde_json::Value = serde_json::from_str(&m.metrics).unwrap_or_default();
    let pct = |k: &str| percent(v[k].as_f64().unwrap_or(0.0));
    ModelView {
        target: m.target.clone(),
        version: m.version,
        trained_at: crate::panel::format_ts(m.trained_at),
        trained_by: m.trained_by.clone(),
        examples: m.examples,
        labels: v["labels"].as_u64().unwrap_or(0).to_string(),
        accuracy: pct("accuracy"),
        macro_f1: pct("macro_f1"),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RuleForm {
    csrf: String,
    pub name: String,
    pub match_kind: String,
    pub pattern: String,
    pub unit_id: String,
    pub class_symbol: String,
    pub procedure_kind: String,
    pub item_kind: String,
    pub weight: String,
    pub forward_to: String,
    pub forward_address: String,
    pub required: String,
    /// `preview` tries the rule without saving it.
    action: String,
}

impl RuleForm {
    /// Whether `kind` is the chosen way of matching (for the template).
    pub fn is_kind(&self, kind: &str) -> bool {
        self.match_kind == kind
    }

    fn input(&self) -> RuleInput {
        RuleInput {
            name: self.name.clone(),
            match_kind: self.match_kind.clone(),
            pattern: self.pattern.clone(),
            unit_id: self.unit_id.clone(),
            class_symbol: self.class_symbol.clone(),
            procedure_kind: self.procedure_kind.clone(),
            item_kind: self.item_kind.clone(),
            weight: self.weight.clone(),
            enabled: true,
            forward_to: self.forward_to.clone(),
            forward_address: self.forward_address.clone(),
            required: self.required.clone(),
        }
    }
}

async fn rules_page_with(
    state: &AppState,
    ctx: &Ctx,
    form: RuleForm,
    errors: FormErrors,
    preview: Option<Preview>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = match gate(ctx, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let (rules, units, settings, models) = state
        .app
        .blocking(move |a| {
            Ok((
                a.intake_rules(&p)?,
                a.units(&tid)?,
                a.intake_settings(&tid)?,
                a.intake_models(&p)?,
            ))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    render_status(
        &RulesPage {
            page: PageCtx::new(ctx, "intake-admin-title"),
            section: "intake-admin",
            rules,
            units,
            form,
            errors,
            preview,
            notice,
            settings,
            models: models.iter().map(model_view).collect(),
        },
        status,
    )
}

pub async fn rules(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let notice = match q.done.as_str() {
        "added" | "deleted" | "trained" | "too-few" => Some(t.tk("intake-rule-done", &q.done)),
        _ => None,
    };
    let form = RuleForm {
        match_kind: "any_word".into(),
        weight: "90".into(),
        ..RuleForm::default()
    };
    rules_page_with(
        &state,
        &ctx,
        form,
        FormErrors::default(),
        None,
        notice,
        StatusCode::OK,
    )
    .await
}

/// Adds a rule, or (`action=preview`) shows what it would match without saving it.
pub async fn rule_add(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<RuleForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let input = form.input();
    if form.action == "preview" {
        let result = state
            .app
            .blocking(move |a| a.preview_intake_rule(&p, &input))
            .await;
        return match result {
            Ok(preview) => {
                rules_page_with(
                    &state,
                    &ctx,
                    form,
                    FormErrors::default(),
                    Some(preview),
                    None,
                    StatusCode::OK,
                )
                .await
            }
            Err(AppError::Invalid(errs)) => {
                let errors = FormErrors::new(&errs, ctx.lang);
                rules_page_with(
                    &state,
                    &ctx,
                    form,
                    errors,
                    None,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(e) => Err(ctx.fail(e)),
        };
    }
    let result = state
        .app
        .blocking(move |a| a.save_intake_rule(&p, None, &input))
        .await;
    match result {
        Ok(_) => Ok(see_other("/panel/admin/intake?done=added")),
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            rules_page_with(
                &state,
                &ctx,
                form,
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn rule_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    FormData(form): FormData<CsrfForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    state
        .app
        .blocking(move |a| a.delete_intake_rule(&p, &id))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other("/panel/admin/intake?done=deleted"))
}

/// Trains the unit model now.
pub async fn train(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<CsrfForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let trained = state
        .app
        .blocking(move |a| a.retrain_intake_model(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other(if trained.is_some() {
        "/panel/admin/intake?done=trained"
    } else {
        "/panel/admin/intake?done=too-few"
    }))
}

/// The first page of a scan as a picture (`<img>` beside the text read from it).
pub async fn scan_preview(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let preview = state
        .app
        .blocking(move |a| a.scan_preview(&p, &id))
        .await
        .map_err(|e| ctx.fail(e))?;
    match preview {
        Some((media, bytes)) => Ok(crate::registry::download("scan.png", media, bytes)),
        None => Err(PageError::not_found(ctx.lang)),
    }
}
