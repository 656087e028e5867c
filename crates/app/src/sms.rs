//! SMS through a gateway speaking SMSAPI.pl's HTTP API, the most used Polish SMS gateway
//! (others, such as SerwerSMS, offer compatible bulk endpoints; an adapter for another API
//! would replace [`send_group`] only).
//!
//! Like mail, a message is a row of the SMS outbox written in the transaction that caused it,
//! with a `send_sms_batch` job for up to [`BATCH`] messages. The job sends messages with the
//! same text template in one request (`to` with many numbers, `param1` with each one's
//! personal part, such as the unsubscribe code), paced to the configured rate, and writes the
//! outcomes in one transaction:
//!
//! - accepted numbers are `sent`, with the gateway's message id;
//! - numbers the gateway calls invalid are `failed` at once (retrying cannot help);
//! - a timeout, HTTP 5xx or a temporary error (201 system error, 203 too many requests)
//!   leaves them `queued` and the job retries with backoff; after the last attempt they are
//!   `failed` (dead letter);
//! - every message carries its outbox id as `idx` with `check_idx=1`, so a gateway that
//!   accepted a request whose answer was lost refuses the resent one (error 53) instead of
//!   sending twice; the job then asks message by message and counts a 53 as accepted.
//!
//! The HTTP client is reqwest (async, on a private runtime per batch; TLS through
//! native-tls, as lettre and the IMAP client use).

use std::collections::HashMap;
use std::time::Duration;

use ratusz_store::sms::{self as repo, PLACEHOLDER, SmsRow};
use ratusz_store::{Db, jobs};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, SmsSettings};

pub const JOB_BATCH: &str = "send_sms_batch";

/// Batches of [`BATCH`] messages, sent by `JOB_BATCH` jobs.
const BATCHES: crate::jobs::Batches = crate::jobs::Batches {
    kind: JOB_BATCH,
    key_prefix: "smsbatch",
    size: BATCH,
};

/// The most messages one batch job (and one gateway request) carries.
pub const BATCH: usize = 500;

#[derive(Debug, Serialize, Deserialize)]
pub struct SendSmsBatch {
    pub sms_ids: Vec<String>,
}

/// One message to write: the number (`48` and nine digits), the text template (may hold
/// [`PLACEHOLDER`]) and the recipient's part that replaces it.
pub struct NewSms {
    pub to: String,
    pub template: String,
    pub param: String,
}

/// Writes messages and the batch jobs that send them, in the caller's transaction; returns
/// the messages' ids in order.
pub fn enqueue_batch(
    conn: &mut Db,
    tenant_id: &str,
    messages: &[NewSms],
    now: i64,
) -> Result<Vec<String>, AppError> {
    crate::jobs::enqueue_in_batches(
        conn,
        tenant_id,
        &BATCHES,
        messages,
        |conn, chunk| {
            let rows: Vec<SmsRow> = chunk
                .iter()
                .map(|m| SmsRow {
                    id: ratusz_store::new_id(),
                    tenant_id: tenant_id.to_owned(),
                    to_number: m.to.clone(),
                    template: m.template.clone(),
                    param: m.param.clone(),
                    status: repo::QUEUED.to_owned(),
                    created_at: now,
                    sent_at: None,
                    last_error: None,
                    gateway_id: None,
                })
                .collect();
            repo::insert_many(conn, &rows)?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        },
        |ids| SendSmsBatch { sms_ids: ids },
        now,
    )
}

/// Writes one message (a confirmation code) and its job, in the caller's transaction.
pub fn enqueue(
    conn: &mut Db,
    tenant_id: &str,
    to: &str,
    text: &str,
    now: i64,
) -> Result<String, AppError> {
    let ids = enqueue_batch(
        conn,
        tenant_id,
        &[NewSms {
            to: to.to_owned(),
            template: text.to_owned(),
            param: String::new(),
        }],
        now,
    )?;
    ids.into_iter()
        .next()
        .ok_or_else(|| AppError::Internal("no SMS written".into()))
}

/// What became of one message in a request.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Sent {
        gateway_id: Option<String>,
    },
    /// The gateway refused it for good (an invalid number, a text it will not send).
    Refused(String),
    /// Try again later (no answer, a server error, a temporary refusal).
    Again(String),
}

/// The gateway's answer to `sms.do` (success or error object).
#[derive(Debug, Deserialize, Default)]
struct GatewayAnswer {
    #[serde(default)]
    list: Vec<Accepted>,
    #[serde(default)]
    invalid_numbers: Vec<Invalid>,
    #[serde(default)]
    error: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Accepted {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    idx: Option<String>,
    #[serde(default)]
    number: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Invalid {
    #[serde(default)]
    submitted_number: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// SMSAPI's error codes that retrying may cure: 201 system error, 203 too many requests,
/// 101–105 authorisation, points or IP problems the admin fixes while the job waits.
fn temporary(code: i64) -> bool {
    matches!(code, 201 | 203 | 101 | 102 | 103 | 105)
}

/// The `idx` of an outbox row: SMSAPI allows letters and digits only.
fn idx_of(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Sends messages sharing one template in one request; the outcome of each, by row id.
async fn send_group(
    client: &reqwest::Client,
    s: &SmsSettings,
    rows: &[&SmsRow],
) -> HashMap<String, Outcome> {
    let mut out = HashMap::new();
    let Some(first) = rows.first() else {
        return out;
    };
    let numbers: Vec<&str> = rows.iter().map(|r| r.to_number.as_str()).collect();
    let idx: Vec<String> = rows.iter().map(|r| idx_of(&r.id)).collect();
    let mut form: Vec<(&str, String)> = vec![
        ("to", numbers.join(",")),
        ("message", first.template.clone()),
        ("format", "json".into()),
        ("encoding", "utf-8".into()),
        ("idx", idx.join("|")),
        ("check_idx", "1".into()),
    ];
    if !s.sender.is_empty() {
        form.push(("from", s.sender.clone()));
    }
    if first.template.contains(PLACEHOLDER) {
        let params: Vec<&str> = rows.iter().map(|r| r.param.as_str()).collect();
        form.push(("param1", params.join("|")));
    }
    let url = format!("{}/sms.do", s.api_url.trim_end_matches('/'));
    let all = |o: Outcome| -> HashMap<String, Outcome> {
        rows.iter().map(|r| (r.id.clone(), o.clone())).collect()
    };
    let resp = match client
        .post(&url)
        .bearer_auth(&s.token)
        .form(&form)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return all(Outcome::Again(
                "bramka SMS nie odpowiedziała w czasie (timeout)".into(),
            ));
        }
        Err(e) => {
            return all(Outcome::Again(format!(
                "nie można połączyć się z bramką SMS: {}",
                e.without_url()
            )));
        }
    };
    let status = resp.status();
    let text = match resp.text().await {
        Ok(t) => t,
        Err(e) => return all(Outcome::Again(format!("odpowiedź bramki urwana: {e}"))),
    };
    let answer: GatewayAnswer = match serde_json::from_str(&text) {
        Ok(a) => a,
        Err(_) => {
            return all(Outcome::Again(format!(
                "bramka SMS odpowiedziała HTTP {} bez poprawnego JSON",
                status.as_u16()
            )));
        }
    };
    if let Some(code) = answer.error.as_ref().and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    }) {
        let why = format!(
            "bramka SMS: błąd {code} ({})",
            answer.message.unwrap_or_default()
        );
        return match code {
            // Some of these were accepted before (an answer lost): ask one by one.
            53 if rows.len() > 1 => {
                for r in rows {
                    out.extend(Box::pin(send_group(client, s, &[*r])).await);
                }
                out
            }
            53 => all(Outcome::Sent { gateway_id: None }),
            13 => all(Outcome::Refused(format!(
                "bramka SMS: nieprawidłowy numer ({why})"
            ))),
            c if temporary(c) => all(Outcome::Again(why)),
            _ => all(Outcome::Refused(why)),
        };
    }
    if status.is_server_error() {
        return all(Outcome::Again(format!(
            "bramka SMS odpowiedziała HTTP {}",
            status.as_u16()
        )));
    }
    let by_idx: HashMap<String, &SmsRow> = rows.iter().map(|r| (idx_of(&r.id), *r)).collect();
    for a in &answer.list {
        let row = a.idx.as_ref().and_then(|i| by_idx.get(i)).or_else(|| {
            rows.iter()
                .find(|r| a.number.as_deref() == Some(&r.to_number))
        });
        if let Some(r) = row {
            out.insert(
                r.id.clone(),
                Outcome::Sent {
                    gateway_id: a.id.clone(),
                },
            );
        }
    }
    for inv in &answer.invalid_numbers {
        let number = inv.submitted_number.as_ref().or(inv.number.as_ref());
        for r in rows.iter().filter(|r| number == Some(&r.to_number)) {
            out.insert(
                r.id.clone(),
                Outcome::Refused(format!(
                    "bramka SMS: nieprawidłowy numer ({})",
                    inv.message.clone().unwrap_or_default()
                )),
            );
        }
    }
    for r in rows {
        out.entry(r.id.clone())
            .or_insert_with(|| Outcome::Again("bramka SMS nie potwierdziła tej wiadomości".into()));
    }
    out
}

impl App {
    /// Runs one `send_sms_batch` job. An error makes the job retry (with backoff) the messages
    /// still queued; sent and refused ones are left alone.
    pub fn run_send_sms_batch(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let job: SendSmsBatch =
            serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
        let rows = self
            .store
            .read(|c| repo::get_many(c, tenant_id, &job.sms_ids))
            .map_err(|e| e.to_string())?;
        let unsent: Vec<&SmsRow> = rows
            .iter()
            .filter(|r| r.status == repo::QUEUED || r.status == repo::HELD)
            .collect();
        if unsent.is_empty() {
            return Ok(());
        }
        let Some(settings) = &self.settings.sms else {
            return self
                .store
                .write(|c| {
                    for r in &unsent {
                        repo::set_status(c, tenant_id, &r.id, repo::HELD, None, None, None)?;
                    }
                    Ok::<_, ratusz_store::StoreError>(())
                })
                .map_err(|e| e.to_string());
        };
        let mut groups: Vec<Vec<&SmsRow>> = Vec::new();
        for r in unsent {
            match groups.iter_mut().find(|g| g[0].template == r.template) {
                Some(g) => g.push(r),
                None => groups.push(vec![r]),
            }
        }
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        let outcomes: HashMap<String, Outcome> = crate::block_on(async {
            let client = match reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()
            {
                Ok(c) => c,
                Err(e) => {
                    return groups
                        .iter()
                        .flatten()
                        .map(|r| (r.id.clone(), Outcome::Again(e.to_string())))
                        .collect();
                }
            };
            let mut out = HashMap::new();
            for g in &groups {
                let wait = self.sms_pacer.reserve(g.len(), settings.rate_per_second);
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                out.extend(send_group(&client, settings, g).await);
            }
            out
        })?;
        let now = self.now_ts();
        self.store
            .write(|c| {
                for (id, o) in &outcomes {
                    match o {
                        Outcome::Sent { gateway_id } => repo::set_status(
                            c,
                            tenant_id,
                            id,
                            repo::SENT,
                            Some(now),
                            None,
                            gateway_id.as_deref(),
                        )?,
                        Outcome::Refused(e) => {
                            repo::set_status(c, tenant_id, id, repo::FAILED, None, Some(e), None)?
                        }
                        Outcome::Again(e) => {
                            repo::set_status(c, tenant_id, id, repo::QUEUED, None, Some(e), None)?
                        }
                    }
                }
                Ok::<_, ratusz_store::StoreError>(())
            })
            .map_err(|e| e.to_string())?;
        crate::jobs::batch_result(
            "SMS",
            outcomes.len(),
            outcomes.values().filter_map(|o| match o {
                Outcome::Again(e) => Some(e),
                _ => None,
            }),
        )
    }

    /// After the last attempt of a batch: its messages still queued are marked failed.
    pub fn mark_sms_batch_failed(&self, tenant_id: &str, payload: &str, error: &str) {
        let Ok(job) = serde_json::from_str::<SendSmsBatch>(payload) else {
            return;
        };
        if let Err(e) = self.store.write(|c| {
            for r in repo::get_many(c, tenant_id, &job.sms_ids)? {
                if r.status == repo::QUEUED {
                    repo::set_status(c, tenant_id, &r.id, repo::FAILED, None, Some(error), None)?;
                }
            }
            Ok::<_, ratusz_store::StoreError>(())
        }) {
            tracing::error!("cannot mark SMS batch failed: {e}");
        }
    }

    /// Queues again every SMS kept while no gateway was configured (`ratusz sms release`).
    pub fn release_held_sms(&self) -> Result<usize, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let held = repo::held(conn)?;
            for r in &held {
                repo::set_status(conn, &r.tenant_id, &r.id, repo::QUEUED, None, None, None)?;
                let payload = serde_json::to_string(&SendSmsBatch {
                    sms_ids: vec![r.id.clone()],
                })
                .map_err(|e| AppError::Internal(e.to_string()))?;
                jobs::enqueue(
                    conn,
                    &jobs::NewJob {
                        tenant_id: &r.tenant_id,
                        kind: JOB_BATCH,
                        payload: &payload,
                        run_at: now,
                        max_attempts: 8,
                        idempotency_key: Some(&format!("sms:{}:release:{now}", r.id)),
                    },
                    now,
                )?;
            }
            Ok(held.len())
        })
    }

    /// A tenant's newest SMS (the admin's SMS outbox).
    pub fn sms_outbox(&self, tenant_id: &str, limit: i64) -> Result<Vec<SmsRow>, AppError> {
        self.store
            .read(|c| Ok(repo::list(c, tenant_id, None, limit)?))
    }
}
