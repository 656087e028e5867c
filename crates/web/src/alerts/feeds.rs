//! Other services' CAP feeds, administrator's page: the list with each feed's last reading,
//! adding one, reading one now (with what was published and what was refused, and why) and
//! removing one. Administrators only: a feed's alerts reach the public page without the
//! four-eyes approval the office's own alerts need, so choosing the sources is a setting.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::alerts::feeds::{EVERY_MINUTES_DEFAULT, FeedReport};
use ratusz_app::store::alerts::feeds::CapFeedRow;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::i18n::Lang;
use crate::pages::{PageCtx, render_status, see_other};
use crate::panel::{format_ts, gate, gate_post};

pub const PATH: &str = "/panel/admin/alert-feeds";

pub struct FeedView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub every_minutes: i64,
    pub published: i64,
    pub checked: String,
    /// `ok`, `partly`, `error` or empty (not read yet).
    pub status: String,
    pub error: String,
}

impl FeedView {
    fn of(f: CapFeedRow) -> Self {
        Self {
            id: f.id,
            name: f.name,
            url: f.url,
            every_minutes: f.every_minutes,
            published: f.published,
            checked: f.checked_at.map(format_ts).unwrap_or_default(),
            status: f.last_status.unwrap_or_default(),
            error: f.last_error.unwrap_or_default(),
        }
    }
}

/// What reading a feed now did, in the page's language.
pub struct ReportView {
    pub name: String,
    /// The feed could not be read at all: why.
    pub failure: String,
    pub entries: usize,
    pub published: usize,
    pub known: usize,
    pub later: usize,
    /// (entry, reason) of each refused entry.
    pub refused: Vec<(String, String)>,
}

impl ReportView {
    fn of(name: String, r: FeedReport, lang: Lang) -> Self {
        Self {
            name,
            failure: String::new(),
            entries: r.entries,
            published: r.published,
            known: r.known,
            later: r.later,
            refused: r
                .refused
                .into_iter()
                .map(|e| {
                    let reason = if lang == Lang::En {
                        e.message_en
                    } else {
                        e.message_pl
                    };
                    (e.entry, reason)
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FeedForm {
    csrf: String,
    name: String,
    url: String,
    every_minutes: String,
}

#[derive(Template)]
#[template(path = "admin_alert_feeds.html")]
struct FeedsPage {
    page: PageCtx,
    section: &'static str,
    feeds: Vec<FeedView>,
    form: FeedForm,
    errors: FormErrors,
    report: Option<ReportView>,
    notice: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQ {
    done: String,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    form: FeedForm,
    errors: FormErrors,
    report: Option<ReportView>,
    notice: &str,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let feeds = state
        .app
        .blocking(move |a| a.cap_feeds(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    let form = if form.every_minutes.is_empty() {
        FeedForm {
            every_minutes: EVERY_MINUTES_DEFAULT.to_string(),
            ..form
        }
    } else {
        form
    };
    render_status(
        &FeedsPage {
            page: PageCtx::new(ctx, "feeds-title"),
            section: "alert-feeds",
            feeds: feeds.into_iter().map(FeedView::of).collect(),
            form,
            errors,
            report,
            notice: notice.to_owned(),
        },
        status,
    )
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<DoneQ>,
) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::AdminTenant)? {
        return Ok(r);
    }
    let notice = match q.done.as_str() {
        "added" => "feeds-added",
        "removed" => "feeds-removed",
        _ => "",
    };
    page(
        &state,
        &ctx,
        FeedForm::default(),
        FormErrors::default(),
        None,
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<FeedForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let every = form.every_minutes.trim();
    // A number the app's range check can judge; anything else is out of range too.
    let every: i64 = if every.is_empty() {
        EVERY_MINUTES_DEFAULT
    } else {
        every.parse().unwrap_or(-1)
    };
    let input = form.clone();
    let tid = ctx.tenant.tenant_id.clone();
    match state
        .app
        .blocking(move |a| a.add_cap_feed(&tid, &p.actor(), &input.name, &input.url, every))
        .await
    {
        Ok(_) => Ok(see_other(&format!("{PATH}?done=added"))),
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            page(
                &state,
                &ctx,
                form,
                errors,
                None,
                "",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    csrf: String,
}

/// `read` (now) or `remove`.
pub async fn action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    FormData(form): FormData<ActionForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    match action.as_str() {
        "remove" => {
            state
                .app
                .blocking(move |a| a.remove_cap_feed(&tid, &p.actor(), &id))
                .await
                .map_err(|e| ctx.fail(e))?;
            Ok(see_other(&format!("{PATH}?done=removed")))
        }
        "read" => {
            let lang = ctx.lang;
            let (name, result) = state
                .app
                .blocking(move |a| {
                    let feed = a
                        .cap_feeds(&tid)?
                        .into_iter()
                        .find(|f| f.id == id)
                        .ok_or(AppError::NotFound)?;
                    Ok((feed.name, a.read_cap_feed(&tid, &p.actor(), &id)))
                })
                .await
                .map_err(|e| ctx.fail(e))?;
            let report = match result {
                Ok(r) => ReportView::of(name, r, lang),
                Err(AppError::Invalid(errs)) => ReportView {
                    failure: errs
                        .first()
                        .map(|e| {
                            if lang == Lang::En {
                                e.message_en.clone()
                            } else {
                                e.message_pl.clone()
                            }
                        })
                        .unwrap_or_default(),
                    ..ReportView::of(name, FeedReport::default(), lang)
                },
                Err(e) => return Err(ctx.fail(e)),
            };
            page(
                &state,
                &ctx,
                FeedForm::default(),
                FormErrors::default(),
                Some(report),
                "",
                StatusCode::OK,
            )
            .await
        }
        _ => Err(ctx.fail(AppError::NotFound)),
    }
}
