//! Mail: a message row and its `send_mail` job are written in the caller's transaction; the job
//! worker sends it over SMTP (lettre) when configured, otherwise keeps it in the outbox.

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};
use ratusz_store::mail::{self as repo, MailRow};
use ratusz_store::{Db, jobs};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, SmtpSettings};

pub const JOB_KIND: &str = "send_mail";

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
            let to: Mailbox = mail
                .to_addr
                .parse()
                .map_err(|e| format!("recipient: {e}"))?;
            let message = lettre::Message::builder()
                .from(from)
                .to(to)
                .subject(mail.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body_text.clone())
                .map_err(|e| e.to_string())?;
            transport(smtp)?.send(&message).map_err(|e| e.to_string())?;
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
