//! Mail: a message row and its `send_mail` job are written in the caller's transaction; the job
//! worker sends it over SMTP (lettre) when configured, otherwise keeps it in the outbox.
//!
//! Mass mail (an alert to thousands of residents) goes in batches instead: one
//! `send_mail_batch` job per up to [`BATCH`] messages, sent over one SMTP transport, their
//! statuses written in one transaction. A job and three write transactions per message cap the
//! single path at a few dozen messages a second on SQLite; a batch costs the same three.

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{SmtpTransport, Transport};
use ratusz_store::mail::{self as repo, MailRow};
use ratusz_store::{Db, jobs};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, SmtpSettings};

pub const JOB_KIND: &str = "send_mail";
pub const JOB_BATCH: &str = "send_mail_batch";

/// Batches of [`BATCH`] messages, sent by `JOB_BATCH` jobs.
const BATCHES: crate::jobs::Batches = crate::jobs::Batches {
    kind: JOB_BATCH,
    key_prefix: "mailbatch",
    size: BATCH,
};

/// The most messages one batch job sends.
pub const BATCH: usize = 200;

/// SMTP connections a batch sends over at once: well below Postfix's default limit of 50
/// connections from one client (`smtpd_client_connection_count_limit`), leaving room for
/// several workers.
pub const SEND_LANES: usize = 8;

#[derive(Debug, Serialize, Deserialize)]
pub struct SendMailBatch {
    pub mail_ids: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SendMail {
    pub mail_id: String,
}

/// Writes a message and the job that sends it, in the caller's transaction.
pub fn enqueue(
    conn: &mut Db,
    tenant_id: &str,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<String, AppError> {
    let row = MailRow {
        id: ratusz_store::new_id(),
        tenant_id: tenant_id.to_owned(),
        to_addr: to.to_owned(),
        subject: subject.to_owned(),
        body_text: body.to_owned(),
        status: repo::QUEUED.to_owned(),
        created_at: now,
        sent_at: None,
        last_error: None,
    };
    repo::insert(conn, &row)?;
    let payload = serde_json::to_string(&SendMail {
        mail_id: row.id.clone(),
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let key = format!("mail:{}", row.id);
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
    Ok(row.id)
}

/// Writes messages (to, subject, body) and the batch jobs that send them, in the caller's
/// transaction; returns the messages' ids in order.
pub fn enqueue_batch(
    conn: &mut Db,
    tenant_id: &str,
    messages: &[(String, String, String)],
    now: i64,
) -> Result<Vec<String>, AppError> {
    crate::jobs::enqueue_in_batches(
        conn,
        tenant_id,
        &BATCHES,
        messages,
        |conn, chunk| {
            let rows: Vec<MailRow> = chunk
                .iter()
                .map(|(to, subject, body)| MailRow {
                    id: ratusz_store::new_id(),
                    tenant_id: tenant_id.to_owned(),
                    to_addr: to.clone(),
                    subject: subject.clone(),
                    body_text: body.clone(),
                    status: repo::QUEUED.to_owned(),
                    created_at: now,
                    sent_at: None,
                    last_error: None,
                })
                .collect();
            repo::insert_many(conn, &rows)?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        },
        |ids| SendMailBatch { mail_ids: ids },
        now,
    )
}

/// The plain-text message of an outbox row.
fn message(from: Mailbox, m: &MailRow) -> Result<lettre::Message, String> {
    let to: Mailbox = m.to_addr.parse().map_err(|e| format!("recipient: {e}"))?;
    lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body_text.clone())
        .map_err(|e| e.to_string())
}

/// Opens an SMTP connection for a batch: TCP with Nagle's algorithm off, then STARTTLS and
/// AUTH as configured. With implicit TLS (`tls`, port 465) lettre opens the socket itself and
/// Nagle stays on: prefer STARTTLS (port 587) for mass mail.
async fn connect(s: &SmtpSettings) -> Result<AsyncSmtpConnection, String> {
    let limit = std::time::Duration::from_secs(30);
    let hello = ClientId::default();
    let mut conn = if s.security == "tls" {
        let tls = TlsParameters::new(s.host.clone()).map_err(|e| e.to_string())?;
        AsyncSmtpConnection::connect_tokio1(
            (s.host.as_str(), s.port),
            Some(limit),
            &hello,
            Some(tls),
            None,
        )
        .await
        .map_err(|e| e.to_string())?
    } else {
        let tcp = tokio::time::timeout(
            limit,
            tokio::net::TcpStream::connect((s.host.as_str(), s.port)),
        )
        .await
        .map_err(|_| format!("SMTP {}:{}: no connection within 30 s", s.host, s.port))?
        .map_err(|e| format!("SMTP {}:{}: {e}", s.host, s.port))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello)
            .await
            .map_err(|e| e.to_string())?;
        if s.security != "none" {
            let tls = TlsParameters::new(s.host.clone()).map_err(|e| e.to_string())?;
            conn.starttls(tls, &hello)
                .await
                .map_err(|e| e.to_string())?;
        }
        conn
    };
    if let (Some(u), Some(p)) = (&s.username, &s.password) {
        conn.auth(
            &[Mechanism::Plain, Mechanism::Login],
            &Credentials::new(u.clone(), p.clone()),
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    Ok(conn)
}

/// Sends a lane's messages over one connection, one after another; a refused message closes
/// the connection (lettre ends it on any error), so the next one opens a new one.
async fn send_lane<'a>(
    smtp: &SmtpSettings,
    from: Mailbox,
    chunk: &[&'a MailRow],
    now: impl Fn() -> i64,
) -> Vec<(&'a str, Result<i64, String>)> {
    let mut out = Vec::with_capacity(chunk.len());
    let mut conn: Option<AsyncSmtpConnection> = None;
    for m in chunk {
        let result = async {
            let msg = message(from.clone(), m)?;
            let c = match conn.as_mut().filter(|c| !c.has_broken()) {
                Some(c) => c,
                None => conn.insert(connect(smtp).await?),
            };
            c.send(msg.envelope(), &msg.formatted())
                .await
                .map_err(|e| e.to_string())?;
            Ok(now())
        }
        .await;
        out.push((m.id.as_str(), result));
    }
    if let Some(mut c) = conn.filter(|c| !c.has_broken()) {
        let _ = c.quit().await;
    }
    out
}

fn transport(s: &SmtpSettings) -> Result<SmtpTransport, String> {
    let builder = match s.security.as_str() {
        "tls" => SmtpTransport::relay(&s.host).map_err(|e| e.to_string())?,
        "none" => SmtpTransport::builder_dangerous(&s.host),
        _ => SmtpTransport::starttls_relay(&s.host).map_err(|e| e.to_string())?,
    };
    let builder = builder
        .port(s.port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    let builder = match (&s.username, &s.password) {
        (Some(u), Some(p)) => builder.credentials(Credentials::new(u.clone(), p.clone())),
        _ => builder,
    };
    Ok(builder.build())
}

impl App {
    /// Runs one `send_mail` job. An error makes the job retry with backoff.
    pub fn run_send_mail(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let job: SendMail =
            serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
        let mail = self
            .store
            .read(|c| repo::get(c, tenant_id, &job.mail_id))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "mail message not found".to_string())?;
        if mail.status == repo::SENT {
            return Ok(());
        }
        let now = self.now_ts();
        let Some(smtp) = &self.settings.smtp else {
            return self
                .store
                .write(|c| repo::set_status(c, tenant_id, &mail.id, repo::HELD, None, None))
                .map_err(|e| e.to_string());
        };
        let result = (|| -> Result<(), String> {
            let from: Mailbox = self
                .settings
                .mail_from
                .parse()
                .map_err(|e| format!("mail_from: {e}"))?;
            transport(smtp)?
                .send(&message(from, &mail)?)
                .map_err(|e| e.to_string())?;
            Ok(())
        })();
        match result {
            Ok(()) => self
                .store
                .write(|c| repo::set_status(c, tenant_id, &mail.id, repo::SENT, Some(now), None))
                .map_err(|e| e.to_string()),
            Err(e) => {
                let _ = self.store.write(|c| {
                    repo::set_status(c, tenant_id, &mail.id, repo::QUEUED, None, Some(&e))
                });
                Err(e)
            }
        }
    }

    /// Runs one `send_mail_batch` job: every message of the batch not sent yet goes out over one
    /// transport; the outcomes are written in one transaction. A refused recipient is marked
    /// with its error and the job retries (with backoff) only the messages still unsent.
    pub fn run_send_mail_batch(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let job: SendMailBatch =
            serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
        let mails: Vec<MailRow> = self
            .store
            .read(|c| {
                let mut out = Vec::with_capacity(job.mail_ids.len());
                for id in &job.mail_ids {
                    if let Some(m) = repo::get(c, tenant_id, id)? {
                        out.push(m);
                    }
                }
                Ok::<_, ratusz_store::StoreError>(out)
            })
            .map_err(|e| e.to_string())?;
        let unsent: Vec<&MailRow> = mails.iter().filter(|m| m.status != repo::SENT).collect();
        if unsent.is_empty() {
            return Ok(());
        }
        let Some(smtp) = &self.settings.smtp else {
            return self
                .store
                .write(|c| {
                    for m in &unsent {
                        repo::set_status(c, tenant_id, &m.id, repo::HELD, None, None)?;
                    }
                    Ok::<_, ratusz_store::StoreError>(())
                })
                .map_err(|e| e.to_string());
        };
        let from: Mailbox = self
            .settings
            .mail_from
            .parse()
            .map_err(|e| format!("mail_from: {e}"))?;
        // The messages go over several connections at once, each a lettre async connection
        // on a socket with TCP_NODELAY (see `connect`), waiting on the network, not the CPU.
        self.mail_pacer.wait(unsent.len(), smtp.rate_per_second);
        let lanes = SEND_LANES.min(unsent.len()).max(1);
        let per_lane = unsent.len().div_ceil(lanes);
        let outcomes: Vec<(&str, Result<i64, String>)> = crate::block_on(async {
            let sends = unsent.chunks(per_lane).map(|chunk| {
                let from = from.clone();
                async move { send_lane(smtp, from, chunk, || self.now_ts()).await }
            });
            futures_util::future::join_all(sends)
                .await
                .into_iter()
                .flatten()
                .collect()
        })?;
        self.store
            .write(|c| {
                for (id, r) in &outcomes {
                    match r {
                        Ok(at) => repo::set_status(c, tenant_id, id, repo::SENT, Some(*at), None)?,
                        Err(e) => repo::set_status(c, tenant_id, id, repo::QUEUED, None, Some(e))?,
                    }
                }
                Ok::<_, ratusz_store::StoreError>(())
            })
            .map_err(|e| e.to_string())?;
        match outcomes.iter().find_map(|(_, r)| r.as_ref().err()) {
            Some(e) => Err(format!(
                "{} of {} messages not sent, first: {e}",
                outcomes.iter().filter(|(_, r)| r.is_err()).count(),
                outcomes.len()
            )),
            None => Ok(()),
        }
    }

    /// After the last attempt of a batch: its unsent messages are marked failed.
    pub fn mark_batch_failed(&self, tenant_id: &str, payload: &str, error: &str) {
        let Ok(job) = serde_json::from_str::<SendMailBatch>(payload) else {
            return;
        };
        if let Err(e) = self.store.write(|c| {
            for id in &job.mail_ids {
                if repo::get(c, tenant_id, id)?.is_some_and(|m| m.status != repo::SENT) {
                    repo::set_status(c, tenant_id, id, repo::FAILED, None, Some(error))?;
                }
            }
            Ok::<_, ratusz_store::StoreError>(())
        }) {
            tracing::error!("cannot mark mail batch failed: {e}");
        }
    }

    /// After the last attempt: the message is marked failed so the outbox shows it.
    pub fn mark_mail_failed(&self, tenant_id: &str, payload: &str, error: &str) {
        let Ok(job) = serde_json::from_str::<SendMail>(payload) else {
            return;
        };
        if let Err(e) = self.store.write(|c| {
            repo::set_status(c, tenant_id, &job.mail_id, repo::FAILED, None, Some(error))
        }) {
            tracing::error!("cannot mark mail failed: {e}");
        }
    }

    /// Queues again every message kept in the outbox while SMTP was not configured
    /// (`ratusz mail release`, after configuring SMTP). Returns how many.
    pub fn release_held_mail(&self) -> Result<usize, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let held = repo::with_status(conn, repo::HELD)?;
            for m in &held {
                repo::set_status(conn, &m.tenant_id, &m.id, repo::QUEUED, None, None)?;
                let payload = serde_json::to_string(&SendMail {
                    mail_id: m.id.clone(),
                })
                .map_err(|e| AppError::Internal(e.to_string()))?;
                let key = format!("mail:{}:release:{now}", m.id);
                jobs::enqueue(
                    conn,
                    &jobs::NewJob {
                        tenant_id: &m.tenant_id,
                        kind: JOB_KIND,
                        payload: &payload,
                        run_at: now,
                        max_attempts: 8,
                        idempotency_key: Some(&key),
                    },
                    now,
                )?;
            }
            Ok(held.len())
        })
    }

    pub fn outbox(&self, tenant_id: &str, limit: i64) -> Result<Vec<MailRow>, AppError> {
        self.store
            .read(|c| Ok(repo::list(c, tenant_id, None, limit)?))
    }
}
