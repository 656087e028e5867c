//! Outgoing mail, SMS and browser notifications: the outbox page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ratusz_core::roles::Permission;

use crate::AppState;
use crate::ctx::Ctx;
use crate::errors::PageError;
use crate::pages::{PageCtx, render};
use crate::panel::{format_ts, gate};

pub struct MailView {
    pub when: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: String,
}

pub struct SmsView {
    pub when: String,
    pub to: String,
    pub text: String,
    pub status: String,
    pub error: String,
}

pub struct PushView {
    pub when: String,
    /// The push service's host (the endpoint itself is the subscription's secret).
    pub service: String,
    pub title: String,
    pub status: String,
    pub error: String,
}

impl PushView {
    fn of(m: ratusz_app::store::push::PushRow, t: &crate::i18n::Tr) -> Self {
        let service = m
            .endpoint
            .parse::<axum::http::Uri>()
            .ok()
            .and_then(|u| u.host().map(str::to_owned))
            .unwrap_or_default();
        let title = serde_json::from_str::<serde_json::Value>(&m.payload)
            .ok()
            .and_then(|v| v["title"].as_str().map(str::to_owned))
            .unwrap_or_default();
        Self {
            when: format_ts(m.created_at),
            status: t.t(&format!("mail-status-{}", m.status)),
            service,
            title,
            error: m.last_error.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct OutboxPage {
    page: PageCtx,
    section: &'static str,
    smtp_on: bool,
    sms_on: bool,
    messages: Vec<MailView>,
    sms: Vec<SmsView>,
    push_on: bool,
    push: Vec<PushView>,
}

pub async fn outbox_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::ReadOutbox)? {
        return Ok(r);
    }
    let t = ctx.tr();
    let tid = ctx.tenant.tenant_id.clone();
    let (rows, sms_rows, push_rows) = state
        .app
        .blocking(move |a| {
            Ok((
                a.outbox(&tid, 200)?,
                a.sms_outbox(&tid, 200)?,
                a.push_outbox(&tid, 200)?,
            ))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let push = push_rows.into_iter().map(|m| PushView::of(m, &t)).collect();
    let sms = sms_rows
        .into_iter()
        .map(|m| SmsView {
            when: format_ts(m.created_at),
            status: t.t(&format!("mail-status-{}", m.status)),
            to: ratusz_core::alerts::phone::display(&m.to_number),
            text: m.text(),
            error: m.last_error.unwrap_or_default(),
        })
        .collect();
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
        sms_on: state.app.settings.sms.is_some(),
        messages,
        sms,
        push_on: state.app.settings.push.is_some(),
        push,
    })
}
