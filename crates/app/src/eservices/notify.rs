//! The residents' notifications robot. Every event a resident should hear of — a change of
//! their matter's status, a message from the office, a delivered letter, a request to remedy
//! deficiencies, a term about to end, a closed matter's survey — is written as a
//! `portal_notify` job in the transaction that caused it, with the event's key as the job's
//! idempotency key. The worker turns the job into a notification in the portal and, when the
//! resident's preferences allow it, an e-mail, in one transaction guarded by the unique
//! (resident, event) key: a retried or duplicated job never notifies twice.

use ratusz_store::eservices::contact::{self as repo, NotificationRow, PreferencesRow};
use ratusz_store::{Db, jobs, new_id};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::accounts::Principal;
use crate::audit::Actor;
use crate::registry::require;
use crate::{App, AppError};
use ratusz_core::roles::Permission;

pub const JOB_KIND: &str = "portal_notify";

/// Case log actions that change what the resident sees as their matter's status.
const STATUS_ACTIONS: &[&str] = &[
    "case.opened",
    "deadline.paused",
    "deadline.resumed",
    "deadline.extended",
    "document.dispatched",
    "case.closed",
    "case.reopened",
];

/// An event to tell a resident about.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub user_id: String,
    pub submission_id: Option<String>,
    /// Unique per resident: `case:{case id}:{log seq}`, `message:{id}`, `delivery:{id}`,
    /// `deadline:{delivery id}`, `survey:{submission id}`.
    pub event_key: String,
    /// `status`, `message`, `delivery`, `deficiency`, `deadline`, `survey`.
    pub kind: String,
    pub params: Value,
}

/// Enqueues the notification job in the caller's transaction (once per resident and event).
pub(crate) fn enqueue(
    conn: &mut Db,
    tenant_id: &str,
    ev: &Event,
    now: i64,
) -> Result<(), AppError> {
    let payload = serde_json::to_string(ev).map_err(|e| AppError::Internal(e.to_string()))?;
    let key = format!("notify:{}:{}", ev.user_id, ev.event_key);
    jobs::enqueue(
        conn,
        &jobs::NewJob {
            tenant_id,
            kind: JOB_KIND,
            payload: &payload,
            run_at: now,
            max_attempts: 8,
            idempotency_key: Some(&key),
        },
        now,
    )?;
    Ok(())
}

/// Called for every case log entry: a status change of a case that came through the portal
/// becomes a notification of its resident (not of the resident's own actions); a closed case
/// also asks for the survey.
#[allow(clippy::too_many_arguments)]
pub(crate) fn on_case_log(
    conn: &mut Db,
    tenant_id: &str,
    case_id: &str,
    seq: i64,
    actor: &Actor,
    action: &str,
    details: &Value,
    now: i64,
) -> Result<(), AppError> {
    if !STATUS_ACTIONS.contains(&action) {
        return Ok(());
    }
    // A letter in the portal inbox has its own, more precise notice.
    if action == "document.dispatched"
        && details.get("method").and_then(Value::as_str) == Some("portal")
    {
        return Ok(());
    }
    let Some(sub) = repo::submission_for_case(conn, tenant_id, case_id)? else {
        return Ok(());
    };
    if actor.id() == Some(sub.user_id.as_str()) {
        return Ok(());
    }
    let Some(case) = ratusz_store::cases::get(conn, tenant_id, case_id)? else {
        return Ok(());
    };
    let code = super::matters::public_code(action).unwrap_or("changed");
    enqueue(
        conn,
        tenant_id,
        &Event {
            user_id: sub.user_id.clone(),
            submission_id: Some(sub.id.clone()),
            event_key: format!("case:{case_id}:{seq}"),
            kind: "status".into(),
            params: json!({"sign": case.sign, "code": code, "due": case.due_date, "method": details.get("method")}),
        },
        now,
    )?;
    if action == "case.closed" {
        enqueue(
            conn,
            tenant_id,
            &Event {
                user_id: sub.user_id.clone(),
                submission_id: Some(sub.id.clone()),
                event_key: format!("survey:{}", sub.id),
                kind: "survey".into(),
                params: json!({"sign": case.sign}),
            },
            now,
        )?;
    }
    Ok(())
}

/// Whether the resident wants this kind by e-mail. Delivered letters are always announced:
/// the 14-day rule runs from the placing in the inbox.
fn wants_email(prefs: &PreferencesRow, kind: &str) -> bool {
    match kind {
        "status" => prefs.email_status,
        "message" => prefs.email_messages,
        "deadline" => prefs.email_deadlines,
        "survey" => prefs.email_surveys,
        _ => true,
    }
}

/// Defaults for a resident who never changed them: everything by e-mail.
pub fn default_preferences(tenant_id: &str, user_id: &str) -> PreferencesRow {
    PreferencesRow {
        user_id: user_id.to_owned(),
        tenant_id: tenant_id.to_owned(),
        email_status: true,
        email_messages: true,
        email_deadlines: true,
        email_surveys: true,
        updated_at: 0,
    }
}

fn str_param<'a>(params: &'a Value, key: &str) -> &'a str {
    params.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The status in the resident's words (Polish, English) for a history code.
fn status_words(code: &str) -> (&'static str, &'static str) {
    match code {
        "case-opened" => ("urząd wszczął sprawę", "the office opened the case"),
        "paused" => ("bieg terminu został wstrzymany", "the time limit is paused"),
        "resumed" => ("sprawa toczy się dalej", "the case goes on"),
        "extended" => (
            "urząd wyznaczył nowy termin załatwienia",
            "the office set a new time limit",
        ),
        "letter-sent" => (
            "urząd wysłał do Ciebie pismo",
            "the office sent you a letter",
        ),
        "closed" => ("sprawa została zakończona", "the case is closed"),
        "reopened" => ("sprawa została wznowiona", "the case was reopened"),
        _ => ("zmienił się stan sprawy", "the status changed"),
    }
}

/// The e-mail of a notification: (subject, body), Polish first, English second.
fn email(office: &str, public_url: &str, row: &NotificationRow) -> (String, String) {
    let p: Value = serde_json::from_str(&row.params).unwrap_or_default();
    let sign = str_param(&p, "sign");
    let link = match &row.submission_id {
        Some(s) if row.kind == "survey" => format!("{public_url}/matters/{s}/survey"),
        Some(s) => format!("{public_url}/matters/{s}"),
        None => format!("{public_url}/notifications"),
    };
    let (subject, pl, en) = match row.kind.as_str() {
        "status" => {
            let (pl, en) = status_words(str_param(&p, "code"));
            (
                format!("Sprawa {sign}: {pl}"),
                format!("W sprawie {sign} {pl}."),
                format!("In case {sign} {en}."),
            )
        }
        "message" => (
            format!("Nowa wiadomość z urzędu — sprawa {sign}"),
            format!("Urząd napisał do Ciebie w sprawie {sign}."),
            format!("The office wrote to you about case {sign}."),
        ),
        "delivery" => (
            format!("Czeka na Ciebie pismo urzędu — sprawa {sign}"),
            format!(
                "W portalu czeka na Ciebie pismo: {}. Odbierz je, logując się do portalu. \
                 Pismo nieodebrane w ciągu 14 dni uważa się za doręczone.",
                str_param(&p, "title")
            ),
            format!(
                "A letter is waiting for you in the portal: {}. Sign in to receive it. \
                 A letter not received within 14 days counts as delivered.",
                str_param(&p, "title")
            ),
        ),
        "deficiency" => (
            format!("Wezwanie do uzupełnienia braków — sprawa {sign}"),
            "Urząd wzywa Cię do uzupełnienia braków wniosku. Wezwanie czeka w portalu; \
             odpowiedz na nie w tym samym miejscu. Termin liczy się od odebrania wezwania \
             (najpóźniej po 14 dniach od dziś)."
                .to_owned(),
            "The office asks you to supply what is missing in your application. The request \
             is waiting in the portal; answer it there. The time limit runs from when you \
             receive it (at the latest 14 days from today)."
                .to_owned(),
        ),
        "deadline" => (
            format!("Przypomnienie: termin uzupełnienia braków — sprawa {sign}"),
            format!(
                "Termin na uzupełnienie braków w sprawie {sign} upływa {}. Bez odpowiedzi \
                 wniosek zostanie pozostawiony bez rozpoznania.",
                str_param(&p, "date")
            ),
            format!(
                "The time limit to supply what is missing in case {sign} ends on {}. Without \
                 an answer the application will be left unconsidered.",
                str_param(&p, "date")
            ),
        ),
        "survey" => (
            format!("Jak oceniasz załatwienie sprawy {sign}?"),
            format!(
                "Sprawa {sign} została zakończona. Jedno pytanie: jak oceniasz jej załatwienie \
                 w skali od 1 do 5? Odpowiedź zajmie chwilę."
            ),
            format!(
                "Case {sign} is closed. One question: how do you rate how it was handled, \
                 from 1 to 5? It takes a moment."
            ),
        ),
        _ => (
            "Powiadomienie z portalu".to_owned(),
            String::new(),
            String::new(),
        ),
    };
    let body = format!(
        "{pl}\n\n{link}\n\n{en}\n\n--\n{office}\nUstawienia powiadomień / Notification settings: \
         {public_url}/account/notifications\n"
    );
    (format!("{subject} / {office}"), body)
}

impl App {
    /// Runs one `portal_notify` job: the notification and, if wanted, its e-mail.
    pub fn run_notify(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let ev: Event = serde_json::from_str(payload).map_err(|e| format!("payload: {e}"))?;
        let now = self.now_ts();
        let public_url = self.settings.public_url.trim_end_matches('/').to_owned();
        self.store
            .write(|conn| {
                let Some(user) = ratusz_store::accounts::user(conn, tenant_id, &ev.user_id)? else {
                    return Ok::<_, AppError>(());
                };
                let row = NotificationRow {
                    id: new_id(),
                    tenant_id: tenant_id.to_owned(),
                    user_id: ev.user_id.clone(),
                    submission_id: ev.submission_id.clone(),
                    event_key: ev.event_key.clone(),
                    kind: ev.kind.clone(),
                    params: ev.params.to_string(),
                    created_at: now,
                    read_at: None,
                    mail_id: None,
                };
                if !repo::insert_notification(conn, &row)? {
                    return Ok(());
                }
                let prefs = repo::preferences(conn, tenant_id, &ev.user_id)?
                    .unwrap_or_else(|| default_preferences(tenant_id, &ev.user_id));
                if wants_email(&prefs, &ev.kind) && user.email_verified_at.is_some() {
                    let tenant = ratusz_store::tenants::tenant(conn, tenant_id)?;
                    let office = crate::tenants::office_of(Some(&tenant)).name;
                    let (subject, body) = email(&office, &public_url, &row);
                    let mail_id =
                        crate::mail::enqueue(conn, tenant_id, &user.email, &subject, &body, now)?;
                    repo::set_notification_mail(conn, tenant_id, &row.id, &mail_id)?;
                }
                Ok(())
            })
            .map_err(|e| e.to_string())
    }

    /// The resident's notifications, newest first.
    pub fn my_notifications(
        &self,
        p: &Principal,
        limit: i64,
    ) -> Result<Vec<NotificationRow>, AppError> {
        require(p, Permission::UsePortal, None)?;
        self.store.read(|c| {
            Ok(repo::notifications_of(
                c,
                &p.tenant_id,
                &p.user.id,
                limit.clamp(1, 200),
            )?)
        })
    }

    /// How many notifications the resident has not read.
    pub fn unread_notifications(&self, p: &Principal) -> Result<i64, AppError> {
        require(p, Permission::UsePortal, None)?;
        self.store
            .read(|c| Ok(repo::unread_notifications(c, &p.tenant_id, &p.user.id)?))
    }

    /// Marks notifications read: all of them, or those of one matter.
    pub fn read_notifications(
        &self,
        p: &Principal,
        submission_id: Option<&str>,
    ) -> Result<usize, AppError> {
        require(p, Permission::UsePortal, None)?;
        let now = self.now_ts();
        self.store.write(|c| {
            Ok(repo::mark_notifications_read(
                c,
                &p.tenant_id,
                &p.user.id,
                submission_id,
                now,
            )?)
        })
    }

    /// The resident's e-mail preferences (defaults when never set).
    pub fn notification_preferences(&self, p: &Principal) -> Result<PreferencesRow, AppError> {
        require(p, Permission::UsePortal, None)?;
        Ok(self
            .store
            .read(|c| repo::preferences(c, &p.tenant_id, &p.user.id))?
            .unwrap_or_else(|| default_preferences(&p.tenant_id, &p.user.id)))
    }

    /// Saves the resident's e-mail preferences.
    pub fn set_notification_preferences(
        &self,
        p: &Principal,
        status: bool,
        messages: bool,
        deadlines: bool,
        surveys: bool,
    ) -> Result<PreferencesRow, AppError> {
        require(p, Permission::UsePortal, None)?;
        let row = PreferencesRow {
            user_id: p.user.id.clone(),
            tenant_id: p.tenant_id.clone(),
            email_status: status,
            email_messages: messages,
            email_deadlines: deadlines,
            email_surveys: surveys,
            updated_at: self.now_ts(),
        };
        self.store.write(|c| {
            repo::put_preferences(c, &row)?;
            crate::audit::record(
                c,
                &p.tenant_id,
                &p.actor(),
                "portal.preferences",
                ("user", Some(&p.user.id)),
                json!({"status": status, "messages": messages, "deadlines": deadlines, "surveys": surveys}),
                row.updated_at,
            )?;
            Ok::<_, AppError>(())
        })?;
        Ok(row)
    }
}
