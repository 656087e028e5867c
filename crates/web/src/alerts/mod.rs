//! Crisis alerts, public side: the alerts page (current and archived), one alert's page, its
//! CAP 1.2 XML, the Atom feed (whose entries link the CAP files, as CAP index feeds do), and
//! residents' subscriptions (form, confirmation, settings, one-click unsubscribe). The staff's
//! side is in [`panel`].

pub mod feeds;
pub mod panel;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ratusz_app::AppError;
use ratusz_app::alerts::{SubscribeInput, Subscribed};
use ratusz_app::store::alerts::{AlertRow, SubscriberRow};
use ratusz_core::alerts::phone;
use ratusz_core::alerts::{Alert, Topic};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render, render_status};

/// One alert as the public pages show it.
pub struct AlertView {
    pub id: String,
    pub headline: String,
    pub event: String,
    pub description: String,
    pub instruction: String,
    pub area: String,
    pub onset: String,
    pub expires: String,
    pub severity: String,
    pub msg_type: String,
    pub current: bool,
}

/// A time in Polish local time, as the pages write it (empty when there is none).
pub fn local(t: Option<time::OffsetDateTime>) -> String {
    t.map(ratusz_core::clock::warsaw_text).unwrap_or_default()
}

pub fn view(row: &AlertRow, alert: &Alert, now: time::OffsetDateTime) -> AlertView {
    let info = alert.infos.first();
    let text =
        |f: fn(&ratusz_core::alerts::Info) -> Option<String>| info.and_then(f).unwrap_or_default();
    AlertView {
        id: row.id.clone(),
        headline: text(|i| i.headline.clone().or_else(|| Some(i.event.clone()))),
        event: text(|i| Some(i.event.clone())),
        description: text(|i| i.description.clone()),
        instruction: text(|i| i.instruction.clone()),
        area: info
            .map(|i| {
                i.areas
                    .iter()
                    .map(|a| a.area_desc.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
        onset: local(info.and_then(|i| i.onset)),
        expires: local(info.and_then(|i| i.expires)),
        severity: info
            .map(|i| i.severity.as_str().to_owned())
            .unwrap_or_default(),
        msg_type: alert.msg_type.as_str().to_owned(),
        current: info.and_then(|i| i.expires).is_none_or(|e| e > now),
    }
}

#[derive(Template)]
#[template(path = "alerts_public.html")]
struct ListPage {
    page: PageCtx,
    current: Vec<AlertView>,
    archived: Vec<AlertView>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let rows = state
        .app
        .blocking(move |a| a.public_alerts(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    let now = state.app.clock.now();
    let (current, archived): (Vec<_>, Vec<_>) = rows
        .iter()
        .map(|(r, a)| view(r, a, now))
        .partition(|v| v.current);
    render(&ListPage {
        page: PageCtx::new(&ctx, "alerts-title"),
        current,
        archived,
    })
}

#[derive(Template)]
#[template(path = "alert_public.html")]
struct AlertPage {
    page: PageCtx,
    a: AlertView,
}

/// `z`: which kind of message the visitor came from (`e` e-mail, `p` notification), counted
/// in aggregate for the dashboard's "opened".
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FromQ {
    z: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<FromQ>,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let found = state
        .app
        .blocking(move |a| {
            let found = a.public_alert(&tid, &id)?;
            if found.is_some() && !q.z.is_empty() {
                a.note_alert_open(&tid, &id, &q.z);
            }
            Ok(found)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let Some((row, alert)) = found else {
        return Err(ctx.fail(AppError::NotFound));
    };
    let mut page = PageCtx::new(&ctx, "alerts-title");
    let a = view(&row, &alert, state.app.clock.now());
    page.title = a.headline.clone();
    render(&AlertPage { page, a })
}

/// The alert's CAP 1.2 XML.
pub async fn cap_xml(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let found = state
        .app
        .blocking(move |a| a.public_alert_cap(&tid, &id))
        .await
        .map_err(|e| ctx.fail(e))?;
    let Some(xml) = found else {
        return Err(ctx.fail(AppError::NotFound));
    };
    Ok((
        [(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// The Atom feed of published alerts, each entry linking its page and its CAP XML.
pub async fn atom(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let base = state
        .app
        .settings
        .public_url
        .trim_end_matches('/')
        .to_owned();
    let name = ctx.tenant.name.clone();
    let title = format!("{name} – ostrzeżenia");
    let xml = state
        .app
        .blocking(move |a| a.public_alerts_atom(&tid, &base, &title, &name))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

// ---- subscriptions ----

#[derive(Template)]
#[template(path = "alert_subscribe.html")]
struct SubscribePage {
    page: PageCtx,
    errors: FormErrors,
    localities: Vec<String>,
    topics: Vec<(&'static str, String)>,
    form: SubscribeForm,
    done: Option<&'static str>,
    /// The VAPID public key browsers subscribe with; `None` when push is off.
    vapid_key: Option<String>,
}

impl SubscribePage {
    fn ticked(&self, code: &&str) -> bool {
        self.form.topics.iter().any(|t| t == code)
    }
}

#[derive(Default, Clone)]
pub struct SubscribeForm {
    csrf: String,
    pub email: String,
    pub phone: String,
    pub topics: Vec<String>,
    pub locality: String,
    pub street: String,
    pub number: String,
    /// Filled in by the page's script when the resident turns on browser notifications.
    pub push_endpoint: String,
    pub push_p256dh: String,
    pub push_auth: String,
}

fn topic_list(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let en = ctx.lang.code() == "en";
    Topic::ALL
        .iter()
        .map(|t| {
            (
                t.as_str(),
                if en { t.label_en() } else { t.label_pl() }.to_owned(),
            )
        })
        .collect()
}

pub async fn subscribe_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let localities = state
        .app
        .blocking(move |a| a.alert_localities(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&SubscribePage {
        page: PageCtx::new(&ctx, "alerts-subscribe-title"),
        errors: FormErrors::default(),
        topics: topic_list(&ctx),
        localities,
        form: SubscribeForm::default(),
        done: None,
        vapid_key: state.app.push_public_key(&ctx.tenant.tenant_id),
    })
}

/// The first value of `key` in a form's pairs (empty when absent).
pub fn first(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every value of `key` (ticked checkboxes share their name).
pub fn all(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

pub async fn subscribe_post(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = SubscribeForm {
        csrf: first(&pairs, "csrf"),
        email: first(&pairs, "email"),
        phone: first(&pairs, "phone"),
        topics: all(&pairs, "topics"),
        locality: first(&pairs, "locality"),
        street: first(&pairs, "street"),
        number: first(&pairs, "number"),
        push_endpoint: first(&pairs, "push_endpoint"),
        push_p256dh: first(&pairs, "push_p256dh"),
        push_auth: first(&pairs, "push_auth"),
    };
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    let ip = ctx.ip.clone();
    let input = SubscribeInput {
        email: form.email.clone(),
        phone: form.phone.clone(),
        topics: form.topics.clone(),
        locality: form.locality.clone(),
        street: form.street.clone(),
        number: form.number.clone(),
        push_endpoint: form.push_endpoint.clone(),
        push_p256dh: form.push_p256dh.clone(),
        push_auth: form.push_auth.clone(),
    };
    let result = state
        .app
        .blocking(move |a| {
            let localities = a.alert_localities(&tid)?;
            Ok((a.subscribe(&tid, &input, &ip), localities))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let (outcome, localities) = result;
    let (errors, done, status) = match outcome {
        Ok(o) => {
            // A phone's code is entered on its subscription's page.
            if let Some(Subscribed::ConfirmationSent {
                code_page: Some(token),
            }) = &o.sms
            {
                let also = if o.email.is_some() { "&email=1" } else { "" };
                return Ok(
                    Redirect::to(&format!("/ostrzezenia/subskrypcja/{token}?kod=1{also}"))
                        .into_response(),
                );
            }
            // A browser's notifications are on at once: its settings page says so.
            if let Some(token) = &o.push {
                let also = match &o.email {
                    Some(Subscribed::ConfirmationSent { .. }) => "&email=1",
                    _ => "",
                };
                return Ok(
                    Redirect::to(&format!("/ostrzezenia/subskrypcja/{token}?push=1{also}"))
                        .into_response(),
                );
            }
            let done = match (&o.email, &o.sms) {
                (Some(Subscribed::ConfirmationSent { .. }), _) => "sent",
                _ => "active",
            };
            (FormErrors::default(), Some(done), StatusCode::OK)
        }
        Err(AppError::Invalid(errs)) => (
            FormErrors::new(&errs, ctx.lang),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(ctx.fail(e)),
    };
    render_status(
        &SubscribePage {
            page: PageCtx::new(&ctx, "alerts-subscribe-title"),
            errors,
            topics: topic_list(&ctx),
            localities,
            form: if done.is_some() {
                SubscribeForm::default()
            } else {
                form
            },
            done,
            vapid_key: state.app.push_public_key(&ctx.tenant.tenant_id),
        },
        status,
    )
}

#[derive(Template)]
#[template(path = "alert_subscription.html")]
struct SubscriptionPage {
    page: PageCtx,
    s: SubscriberRow,
    /// The e-mail address, or the phone number masked: whoever filled in the form sees a
    /// phone subscription's page before the code proves the phone is theirs.
    shown_address: String,
    token: String,
    topics: Vec<String>,
    done: Option<&'static str>,
    errors: FormErrors,
}

fn subscription_page(
    ctx: &Ctx,
    s: SubscriberRow,
    token: String,
    done: Option<&'static str>,
) -> Result<Response, PageError> {
    subscription_page_with(ctx, s, token, done, FormErrors::default(), StatusCode::OK)
}

fn subscription_page_with(
    ctx: &Ctx,
    s: SubscriberRow,
    token: String,
    done: Option<&'static str>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let en = ctx.lang.code() == "en";
    let topics = s
        .topics
        .lines()
        .filter_map(|t| Topic::parse(t.trim()))
        .map(|t| if en { t.label_en() } else { t.label_pl() }.to_owned())
        .collect();
    let shown_address = match s.channel.as_str() {
        "sms" => phone::masked(&s.address),
        // The push service's URL means nothing to a resident (and is the subscription's
        // secret): the page names the browser instead.
        "push" => ctx.tr().t("alerts-push-this-browser"),
        _ => s.address.clone(),
    };
    render_status(
        &SubscriptionPage {
            page: PageCtx::new(ctx, "alerts-subscription-title"),
            shown_address,
            s,
            token,
            topics,
            done,
            errors,
        },
        status,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubscriptionQuery {
    /// Set after the form sent a code by SMS (`kod=1`), and an e-mail link too (`email=1`).
    kod: String,
    email: String,
    /// Set after the form turned on this browser's notifications (`push=1`).
    push: String,
}

/// The page a confirmation, settings or unsubscribe link opens.
pub async fn subscription(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Query(q): Query<SubscriptionQuery>,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let t = token.clone();
    let found = state
        .app
        .blocking(move |a| a.subscription(&tid, &t))
        .await
        .map_err(|e| ctx.fail(e))?;
    let Some(s) = found else {
        return Err(ctx.fail(AppError::NotFound));
    };
    let done = match (q.kod.as_str(), q.email.as_str(), q.push.as_str()) {
        ("1", "1", _) => Some("code-and-email"),
        ("1", _, _) => Some("code-sent"),
        (_, "1", "1") => Some("push-and-email"),
        (_, _, "1") => Some("push-on"),
        _ => None,
    };
    subscription_page(&ctx, s, token, done)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubscriptionAction {
    csrf: String,
    /// `confirm`, `code` (with `code`) or `unsubscribe`.
    action: String,
    code: String,
}

pub async fn subscription_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    FormData(form): FormData<SubscriptionAction>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    if form.action == "code" {
        let (t, code) = (token.clone(), form.code.clone());
        let result = state
            .app
            .blocking(move |a| {
                let r = a.confirm_sms_code(&tid, &t, &code);
                Ok((r, a.subscription(&tid, &t)?))
            })
            .await
            .map_err(|e| ctx.fail(e))?;
        return match result {
            (Ok(s), _) => subscription_page(&ctx, s, token, Some("confirmed")),
            (Err(AppError::Invalid(errs)), Some(s)) => subscription_page_with(
                &ctx,
                s,
                token,
                None,
                FormErrors::new(&errs, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (Err(e), _) => Err(ctx.fail(e)),
        };
    }
    let active = match form.action.as_str() {
        "confirm" => true,
        "unsubscribe" => false,
        _ => return Err(ctx.fail(AppError::NotFound)),
    };
    let t = token.clone();
    let result = state
        .app
        .blocking(move |a| {
            let r = a.set_subscription_active(&tid, &t, active);
            Ok((r, a.subscription(&tid, &t)?))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    match result {
        (Ok(s), _) => subscription_page(
            &ctx,
            s,
            token,
            Some(if active { "confirmed" } else { "unsubscribed" }),
        ),
        (Err(AppError::Invalid(errs)), Some(s)) => subscription_page_with(
            &ctx,
            s,
            token,
            None,
            FormErrors::new(&errs, ctx.lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Err(e), _) => Err(ctx.fail(e)),
    }
}

/// The unsubscribe link of every alert e-mail: one button, no sign-in.
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    subscription(
        State(state),
        ctx,
        Path(token),
        Query(SubscriptionQuery::default()),
    )
    .await
}

#[derive(Template)]
#[template(path = "alert_sms_link.html")]
struct SmsLinkPage {
    page: PageCtx,
    code: String,
    number: String,
    unsubscribed: bool,
}

/// The unsubscribe link of every alert SMS (`/w/<code>`): one button (a GET never
/// unsubscribes, or a phone's link preview would), no sign-in.
pub async fn sms_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let c = code.clone();
    let found = state
        .app
        .blocking(move |a| a.subscription_by_short_code(&tid, &c))
        .await
        .map_err(|e| ctx.fail(e))?;
    let Some(s) = found else {
        return Err(ctx.fail(AppError::NotFound));
    };
    render(&SmsLinkPage {
        page: PageCtx::new(&ctx, "alerts-sms-link-title"),
        code,
        number: phone::masked(&s.address),
        unsubscribed: s.status == ratusz_app::alerts::UNSUBSCRIBED,
    })
}

pub async fn sms_link_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    FormData(form): FormData<SubscriptionAction>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    let c = code.clone();
    let s = state
        .app
        .blocking(move |a| a.unsubscribe_short_code(&tid, &c))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&SmsLinkPage {
        page: PageCtx::new(&ctx, "alerts-sms-link-title"),
        code,
        number: phone::masked(&s.address),
        unsubscribed: true,
    })
}

#[derive(Template)]
#[template(path = "alert_confirm.html")]
struct ConfirmPage {
    page: PageCtx,
    token: String,
    confirmed: bool,
    alert_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

/// The confirmation link of a duty e-mail: a GET only asks (mail scanners open links), the
/// button confirms; no sign-in (the link is the staff member's own secret).
pub async fn confirm_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let t = token.clone();
    let found = state
        .app
        .blocking(move |a| a.confirmation(&tid, &t))
        .await
        .map_err(|e| ctx.fail(e))?;
    let Some(confirmed) = found else {
        return Err(ctx.fail(AppError::NotFound));
    };
    render(&ConfirmPage {
        page: PageCtx::new(&ctx, "alerts-confirm-title"),
        token,
        confirmed,
        alert_id: None,
    })
}

pub async fn confirm_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    let t = token.clone();
    let alert_id = state
        .app
        .blocking(move |a| a.confirm_alert(&tid, &t))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&ConfirmPage {
        page: PageCtx::new(&ctx, "alerts-confirm-title"),
        token,
        confirmed: true,
        alert_id: Some(alert_id),
    })
}
