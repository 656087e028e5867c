//! A matter after submission, for its resident: the page with the inbox of delivered letters,
//! the answer to a request to remedy deficiencies, the thread of messages with the office and
//! the survey; the notifications list and the e-mail preferences.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::eservices::contact::{ThreadMessage, delivery_state};
use ratusz_app::eservices::matters::Matter;
use ratusz_app::eservices::receipt::Receipt;
use ratusz_app::store::eservices::contact::{
    DeliveryRow, NotificationRow, PreferencesRow, SatisfactionRow,
};
use ratusz_core::roles::Permission;
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::ctx::{Ctx, FormData, MultipartForm, PagePath, PagePath2, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::i18n::Tr;
use crate::pages::{PageCtx, render, render_status, see_other};
use crate::panel::gate;

/// Everything the matter page shows.
pub struct MatterView {
    pub matter: Matter,
    pub receipt: Receipt,
    pub messages: Vec<ThreadMessage>,
    pub deliveries: Vec<DeliveryRow>,
    /// The request to remedy deficiencies the resident can still answer here.
    pub deficiency: Option<DeliveryRow>,
    pub can_rate: bool,
    pub rated: Option<SatisfactionRow>,
}

#[derive(Template)]
#[template(path = "matter.html")]
struct MatterPage {
    page: PageCtx,
    matter: Matter,
    receipt: Receipt,
    messages: Vec<ThreadMessage>,
    deliveries: Vec<DeliveryRow>,
    deficiency: Option<DeliveryRow>,
    can_rate: bool,
    rated: Option<SatisfactionRow>,
    notice: Option<String>,
    errors: FormErrors,
    body: String,
    l: &'static str,
}

impl MatterPage {
    /// The state of a delivered letter in words.
    fn delivery_words(&self, d: &DeliveryRow) -> String {
        let t = self.page.t;
        match delivery_state(d) {
            "opened" => t.t1(
                "inbox-opened",
                "when",
                &crate::registry::when(&d.opened_at.unwrap_or_default()),
            ),
            "deemed" => t.t1(
                "inbox-deemed",
                "when",
                &crate::registry::when(&d.deemed_at.unwrap_or_default()),
            ),
            _ => t.t1(
                "inbox-waiting",
                "when",
                &crate::registry::when(
                    &(d.available_at
                        + ratusz_app::eservices::contact::DEEMED_AFTER_DAYS * 86_400 * 1_000_000),
                ),
            ),
        }
    }
}

/// Loads the matter page's data; the office's messages and this matter's notifications count
/// as read once shown.
pub fn load(
    app: &ratusz_app::App,
    p: &ratusz_app::accounts::Principal,
    id: &str,
) -> Result<MatterView, AppError> {
    let matter = app.my_matter(p, id)?;
    let receipt = app.receipt(p, id)?;
    let messages = app.matter_messages(p, id)?;
    let deliveries = app.matter_deliveries(p, id)?;
    let (can_rate, rated) = app.survey_state(p, id)?;
    app.read_notifications(p, Some(id))?;
    let answered_after = |d: &DeliveryRow| {
        messages
            .iter()
            .any(|m| m.row.kind == "supplement" && m.row.created_at >= d.available_at)
    };
    let deficiency = deliveries
        .iter()
        .rev()
        .find(|d| d.document_kind == "deficiency_notice")
        .filter(|d| matter.status == "awaiting_party" && !answered_after(d))
        .cloned();
    Ok(MatterView {
        matter,
        receipt,
        messages,
        deliveries,
        deficiency,
        can_rate,
        rated,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MatterQuery {
    new: String,
    sent: String,
    rated: String,
}

fn matter_response(
    ctx: &Ctx,
    v: MatterView,
    notice: Option<String>,
    errors: FormErrors,
    body: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    render_status(
        &MatterPage {
            page: PageCtx {
                title: format!("{} {}", t.t("matter-title"), v.matter.receipt_number),
                ..PageCtx::new(ctx, "matter-title")
            },
            matter: v.matter,
            receipt: v.receipt,
            messages: v.messages,
            deliveries: v.deliveries,
            deficiency: v.deficiency,
            can_rate: v.can_rate,
            rated: v.rated,
            notice,
            errors,
            body,
            l: t.lang_code(),
        },
        status,
    )
}

pub async fn matter(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    PageQuery(q): PageQuery<MatterQuery>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let v = state
        .app
        .blocking(move |a| load(a, &p, &id))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    let notice = if !q.new.is_empty() {
        Some(t.t("matter-submitted"))
    } else if !q.sent.is_empty() {
        Some(t.t("messages-sent"))
    } else if !q.rated.is_empty() {
        Some(t.t("survey-thanks"))
    } else {
        None
    };
    matter_response(
        &ctx,
        v,
        notice,
        FormErrors::default(),
        String::new(),
        StatusCode::OK,
    )
}

/// The resident sends a message (or the answer to a request to remedy deficiencies).
pub async fn message_post(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    form: MultipartForm,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.text("csrf"))?;
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let body = form.text("body");
    let supplement = form.text("kind") == "supplement";
    let files = form.files_named("files");
    let (p2, id2, b2) = (p.clone(), id.clone(), body.clone());
    match state
        .app
        .blocking(move |a| a.send_message(&p2, &id2, &b2, supplement, files))
        .await
    {
        Ok(_) => Ok(see_other(&format!("/matters/{id}?sent=1#messages"))),
        Err(AppError::Invalid(mut errs)) => {
            // The answer to a request has its own form on the page: its errors go to its fields.
            if supplement {
                for e in &mut errs {
                    e.field = format!("supplement-{}", e.field);
                }
            }
            let v = state
                .app
                .blocking(move |a| load(a, &p, &id))
                .await
                .map_err(|e| ctx.fail(e))?;
            matter_response(
                &ctx,
                v,
                None,
                FormErrors::new(&errs, ctx.lang),
                body,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// A delivered letter (the first opening is the delivery) or a file of a message.
async fn matter_download(
    state: AppState,
    ctx: Ctx,
    id: String,
    other: String,
    delivery: bool,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let c = state
        .app
        .blocking(move |a| {
            if delivery {
                a.open_delivery(&p, &id, &other)
            } else {
                a.matter_file(&p, &id, &other)
            }
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(crate::registry::download(
        &c.file_name,
        &c.media_type,
        c.bytes,
    ))
}

pub async fn delivery(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath2(id, did): PagePath2,
) -> Result<Response, PageError> {
    matter_download(state, ctx, id, did, true).await
}

pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath2(id, doc): PagePath2,
) -> Result<Response, PageError> {
    matter_download(state, ctx, id, doc, false).await
}

// ------------------------------------------------------------------ survey

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    page: PageCtx,
    id: String,
    sign: String,
    can_rate: bool,
    rated: Option<SatisfactionRow>,
    errors: FormErrors,
    rating: String,
    comment: String,
}

impl SurveyPage {
    /// The ratings from best to worst.
    fn scale(&self) -> Vec<String> {
        (1..=5).rev().map(|n: i32| n.to_string()).collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SurveyForm {
    csrf: String,
    rating: String,
    comment: String,
}

#[allow(clippy::too_many_arguments)]
async fn survey_response(
    state: &AppState,
    ctx: &Ctx,
    p: ratusz_app::accounts::Principal,
    id: String,
    errors: FormErrors,
    rating: String,
    comment: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let id2 = id.clone();
    let (matter, (can_rate, rated)) = state
        .app
        .blocking(move |a| Ok((a.my_matter(&p, &id2)?, a.survey_state(&p, &id2)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    render_status(
        &SurveyPage {
            page: PageCtx::new(ctx, "survey-title"),
            id,
            sign: matter.case_sign.unwrap_or(matter.receipt_number),
            can_rate,
            rated,
            errors,
            rating,
            comment,
        },
        status,
    )
}

pub async fn survey_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    survey_response(
        &state,
        &ctx,
        p,
        id,
        FormErrors::default(),
        String::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn survey_post(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    FormData(form): FormData<SurveyForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let (p2, id2, r, c) = (
        p.clone(),
        id.clone(),
        form.rating.clone(),
        form.comment.clone(),
    );
    match state
        .app
        .blocking(move |a| a.answer_survey(&p2, &id2, &r, &c))
        .await
    {
        Ok(_) => Ok(see_other(&format!("/matters/{id}?rated=1"))),
        Err(AppError::Invalid(errs)) => {
            survey_response(
                &state,
                &ctx,
                p,
                id,
                FormErrors::new(&errs, ctx.lang),
                form.rating,
                form.comment,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ notifications

/// A notification as the list shows it.
pub struct NoticeView {
    pub text: String,
    pub link: String,
    pub at: i64,
    pub unread: bool,
}

/// The text of a notification in the reader's language.
pub fn notice_text(t: Tr, n: &NotificationRow) -> String {
    let p: Value = serde_json::from_str(&n.params).unwrap_or_default();
    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    match n.kind.as_str() {
        "status" => t.t2(
            "notice-status",
            "sign",
            &s("sign"),
            "status",
            &t.tk("matter-event", &s("code")),
        ),
        "delivery" => t.t2("notice-delivery", "sign", &s("sign"), "title", &s("title")),
        "deadline" => t.t2("notice-deadline", "sign", &s("sign"), "date", &s("date")),
        kind @ ("message" | "deficiency" | "survey") => {
            t.t1(&format!("notice-{kind}"), "sign", &s("sign"))
        }
        _ => t.t("notice-other"),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    page: PageCtx,
    items: Vec<NoticeView>,
}

pub async fn notifications(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let rows = state
        .app
        .blocking(move |a| a.my_notifications(&p, 100))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    let items = rows
        .iter()
        .map(|n| NoticeView {
            text: notice_text(t, n),
            link: match (&n.submission_id, n.kind.as_str()) {
                (Some(s), "survey") => format!("/matters/{s}/survey"),
                (Some(s), _) => format!("/matters/{s}"),
                (None, _) => "/matters".into(),
            },
            at: n.created_at,
            unread: n.read_at.is_none(),
        })
        .collect();
    render(&NotificationsPage {
        page: PageCtx::new(&ctx, "notices-title"),
        items,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn notifications_read(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    state
        .app
        .blocking(move |a| a.read_notifications(&p, None))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other("/notifications"))
}

#[derive(Template)]
#[template(path = "preferences.html")]
struct PreferencesPage {
    page: PageCtx,
    prefs: PreferencesRow,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

pub async fn preferences(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<SavedQuery>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let prefs = state
        .app
        .blocking(move |a| a.notification_preferences(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&PreferencesPage {
        page: PageCtx::new(&ctx, "prefs-title"),
        prefs,
        saved: !q.saved.is_empty(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PreferencesForm {
    csrf: String,
    email_status: String,
    email_messages: String,
    email_deadlines: String,
    email_surveys: String,
}

pub async fn preferences_post(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<PreferencesForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let on = |v: &str| matches!(v, "on" | "true" | "1");
    let (s, m, d, v) = (
        on(&form.email_status),
        on(&form.email_messages),
        on(&form.email_deadlines),
        on(&form.email_surveys),
    );
    state
        .app
        .blocking(move |a| a.set_notification_preferences(&p, s, m, d, v))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other("/account/notifications?saved=1"))
}
