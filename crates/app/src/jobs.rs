//! The background worker: claims due jobs from the database queue and runs them. Several
//! workers (threads or nodes) can run at once; the claim makes each job run once at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratusz_store::jobs::{self as repo, JobRow};

use crate::{App, AppError};

/// How long a claimed job is leased before another worker may take it over.
pub const LEASE_SECS: i64 = 300;

/// How often a worker runs the portal robot's sweep.
pub const SWEEP_EVERY: Duration = Duration::from_secs(600);

/// How often a worker looks into the watched folder.
pub const FOLDER_EVERY: Duration = Duration::from_secs(5);

/// How often a worker reads the office mailbox.
pub const MAILBOX_EVERY: Duration = Duration::from_secs(30);
/// How often a worker looks for CAP feeds due for reading (each has its own interval).
pub const FEEDS_EVERY: Duration = Duration::from_secs(30);

/// What happened in one step of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Idle,
    Done { kind: String },
    Retry { kind: String, error: String },
    Dead { kind: String, error: String },
}

/// How an outbox (mail, SMS, push) is sent in batches: the job kind, the prefix of each
/// batch job's idempotency key and the most messages a batch holds.
pub(crate) struct Batches {
    pub kind: &'static str,
    pub key_prefix: &'static str,
    pub size: usize,
}

/// Writes an outbox's messages a batch at a time (`insert` writes a batch's rows and returns
/// their ids), each batch with the job that sends it (`payload` of its ids, keyed by its first
/// message so that it is written once), in the caller's transaction; the ids in order.
pub(crate) fn enqueue_in_batches<M, P: serde::Serialize>(
    conn: &mut ratusz_store::Db,
    tenant_id: &str,
    batches: &Batches,
    messages: &[M],
    mut insert: impl FnMut(&mut ratusz_store::Db, &[M]) -> Result<Vec<String>, AppError>,
    payload: impl Fn(Vec<String>) -> P,
    now: i64,
) -> Result<Vec<String>, AppError> {
    let mut ids = Vec::with_capacity(messages.len());
    for chunk in messages.chunks(batches.size.max(1)) {
        let batch = insert(conn, chunk)?;
        let Some(first) = batch.first() else {
            continue;
        };
        let key = format!("{}:{first}", batches.key_prefix);
        let job = serde_json::to_string(&payload(batch.clone()))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        repo::enqueue(
            conn,
            &repo::NewJob {
                tenant_id,
                kind: batches.kind,
                payload: &job,
                run_at: now,
                max_attempts: 8,
                idempotency_key: Some(&key),
            },
            now,
        )?;
        ids.extend(batch);
    }
    Ok(ids)
}

/// A batch job's result: an error, so that the job retries with backoff, when some of its
/// `total` messages must be tried again (`again`: their errors).
pub(crate) fn batch_result<'a>(
    what: &str,
    total: usize,
    again: impl Iterator<Item = &'a String>,
) -> Result<(), String> {
    let again: Vec<&String> = again.collect();
    match again.first() {
        Some(e) => Err(format!(
            "{} of {total} {what} not sent yet, first: {e}",
            again.len()
        )),
        None => Ok(()),
    }
}

impl App {
    /// Claims and runs one job.
    pub fn run_one_job(&self, worker: &str) -> Result<Step, AppError> {
        let now = self.now_ts();
        let job: Option<JobRow> = self
            .store
            .write(|c| Ok::<_, AppError>(repo::claim(c, worker, now, LEASE_SECS * 1_000_000)?))?;
        let Some(job) = job else {
            return Ok(Step::Idle);
        };
        let outcome = match job.kind.as_str() {
            crate::mail::JOB_KIND => self.run_send_mail(&job.tenant_id, &job.payload),
            crate::mail::JOB_BATCH => self.run_send_mail_batch(&job.tenant_id, &job.payload),
            crate::sms::JOB_BATCH => self.run_send_sms_batch(&job.tenant_id, &job.payload),
            crate::push::JOB_BATCH => self.run_send_push_batch(&job.tenant_id, &job.payload),
            crate::eservices::notify::JOB_KIND => self.run_notify(&job.tenant_id, &job.payload),
            crate::intake::JOB_READ => self.run_intake_read(&job.tenant_id, &job.payload),
            crate::alerts::JOB_FANOUT => self.run_alert_fanout(&job.tenant_id, &job.payload),
            crate::alerts::JOB_ESCALATE => self.run_alert_escalate(&job.tenant_id, &job.payload),
            other => Err(format!("unknown job kind {other:?}")),
        };
        let now = self.now_ts();
        match outcome {
            Ok(()) => {
                self.store
                    .write(|c| Ok::<_, AppError>(repo::complete(c, &job.id, now)?))?;
                Ok(Step::Done { kind: job.kind })
            }
            Err(error) => {
                let status = self
                    .store
                    .write(|c| Ok::<_, AppError>(repo::fail(c, &job, &error, now)?))?;
                tracing::warn!(job = %job.id, kind = %job.kind, attempts = job.attempts, %status, "job failed: {error}");
                if status == repo::DEAD {
                    if job.kind == crate::mail::JOB_KIND {
                        self.mark_mail_failed(&job.tenant_id, &job.payload, &error);
                    }
                    if job.kind == crate::mail::JOB_BATCH {
                        self.mark_batch_failed(&job.tenant_id, &job.payload, &error);
                    }
                    if job.kind == crate::sms::JOB_BATCH {
                        self.mark_sms_batch_failed(&job.tenant_id, &job.payload, &error);
                    }
                    if job.kind == crate::push::JOB_BATCH {
                        self.mark_push_batch_failed(&job.tenant_id, &job.payload, &error);
                    }
                    Ok(Step::Dead {
                        kind: job.kind,
                        error,
                    })
                } else {
                    Ok(Step::Retry {
                        kind: job.kind,
                        error,
                    })
                }
            }
        }
    }

    /// Requeues a tenant's dead-lettered jobs (after fixing what made them fail).
    pub fn retry_dead_jobs(
        &self,
        tenant_id: &str,
        actor: &crate::audit::Actor,
    ) -> Result<usize, AppError> {
        let now = self.now_ts();
        self.store.write(|c| {
            let n = repo::retry_all_dead(c, tenant_id, now)?;
            crate::audit::record(
                c,
                tenant_id,
                actor,
                "jobs.retry_dead",
                ("jobs", None),
                serde_json::json!({ "jobs": n }),
                now,
            )?;
            Ok(n)
        })
    }

    /// Jobs per status across the installation.
    pub fn job_counts(&self) -> Result<Vec<(String, i64)>, AppError> {
        self.store.read(|c| Ok(repo::counts(c)?))
    }

    /// Runs jobs until none is due; returns how many steps ran (tests and `ratusz jobs run`).
    pub fn drain_jobs(&self, worker: &str) -> Result<usize, AppError> {
        let mut n = 0;
        while self.run_one_job(worker)? != Step::Idle {
            n += 1;
        }
        Ok(n)
    }

    /// The worker loop for `ratusz serve`: polls the queue until `stop` is set.
    pub fn spawn_worker(&self, name: String, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
        let app = self.clone();
        std::thread::spawn(move || {
            let mut last_sweep: Option<std::time::Instant> = None;
            let mut last_folder: Option<std::time::Instant> = None;
            let mut last_mail: Option<std::time::Instant> = None;
            let mut last_feeds: Option<std::time::Instant> = None;
            let feeds_running = Arc::new(AtomicBool::new(false));
            while !stop.load(Ordering::Relaxed) {
                // The portal robot's periodic work (deemed deliveries, term reminders); safe to
                // run on several workers at once, its changes are conditional and its notices
                // keyed.
                if last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
                    last_sweep = Some(std::time::Instant::now());
                    if let Err(e) = app.portal_sweep() {
                        tracing::error!("portal sweep: {e}");
                    }
                    // The intake robot's daily retraining (checked at every sweep).
                    if let Err(e) = app.retrain_due_models() {
                        tracing::error!("intake model training: {e}");
                    }
                    // Delay notices for cases whose deadline is near (keyed, so once each).
                    if let Err(e) = app.delay_sweep() {
                        tracing::error!("intake delay notices: {e}");
                    }
                }
                // The watched folder of the registry's scanner and the office mailbox: a few
                // seconds between passes.
                if app.settings.watched_folder.is_some()
                    && last_folder.is_none_or(|t| t.elapsed() >= FOLDER_EVERY)
                {
                    last_folder = Some(std::time::Instant::now());
                    if let Err(e) = app.scan_watched_folder() {
                        tracing::error!("watched folder: {e}");
                    }
                }
                if app.settings.mailbox.is_some()
                    && last_mail.is_none_or(|t| t.elapsed() >= MAILBOX_EVERY)
                {
                    last_mail = Some(std::time::Instant::now());
                    if let Err(e) = app.poll_mailbox() {
                        tracing::error!("mailbox: {e}");
                    }
                }
                // Other services' CAP feeds, each at its own interval (one worker per feed),
                // on a thread of their own: a slow foreign site must not hold up the queue
                // (an alert's fan-out runs here).
                if last_feeds.is_none_or(|t| t.elapsed() >= FEEDS_EVERY)
                    && !feeds_running.swap(true, Ordering::AcqRel)
                {
                    last_feeds = Some(std::time::Instant::now());
                    let (app, running) = (app.clone(), feeds_running.clone());
                    std::thread::spawn(move || {
                        if let Err(e) = app.read_due_cap_feeds() {
                            tracing::error!("CAP feeds: {e}");
                        }
                        running.store(false, Ordering::Release);
                    });
                }
                match app.run_one_job(&name) {
                    Ok(Step::Idle) => std::thread::sleep(Duration::from_millis(500)),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!("worker: {e}");
                        std::thread::sleep(Duration::from_secs(2));
                    }
                }
            }
        })
    }
}
