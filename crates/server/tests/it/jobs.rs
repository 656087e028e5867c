//! The job queue and the mail outbox: idempotent enqueue, the transactional outbox, retries with
//! exponential backoff, the dead-letter state, lease expiry, and exclusive claims under
//! concurrency. Time is a `FixedClock` moved by the tests.

use crate::both_engines;
use crate::support::*;
use ratusz_app::audit::Actor;
use ratusz_app::jobs::{LEASE_SECS, Step};
use ratusz_app::{App, AppError, SmtpSettings};
use ratusz_core::clock::FixedClock;
use ratusz_store::StoreError;
use ratusz_store::jobs::{self, JobRow, NewJob};
use ratusz_store::mail::{self, MailRow};
use std::collections::HashSet;
use std::sync::Arc;

const SEC: i64 = 1_000_000;
const RESIDENT: &str = "ala.testowa@example.pl";
const RESIDENT_PASSWORD: &str = "Zielona-Lampa-nad-Wisłą-77";

struct Fx {
    db: TestDb,
    app: App,
    clock: Arc<FixedClock>,
    tenant: String,
}

fn fixture(engine: Engine, smtp: Option<SmtpSettings>) -> Fx {
    let db = TestDb::new(engine);
    let clock = Arc::new(FixedClock::new(
        time::macros::datetime!(2026-11-23 09:00 UTC),
    ));
    let settings = ratusz_app::Settings {
        smtp,
        ..test_settings()
    };
    let app = App::new(db.store(), clock.clone(), settings);
    let tenant = app
        .create_tenant("kolejka", "Gmina Kolejkowo", &[], &Actor::cli())
        .expect("tenant")
        .tenant_id;
    Fx {
        db,
        app,
        clock,
        tenant,
    }
}

impl Fx {
    fn job(&self, id: &str) -> JobRow {
        self.app
            .store
            .read(|c| jobs::get(c, id))
            .expect("read job")
            .expect("job exists")
    }

    fn jobs(&self) -> Vec<JobRow> {
        self.app
            .store
            .read(|c| jobs::list(c, &self.tenant, None, 10_000))
            .expect("list jobs")
    }

    fn mails(&self) -> Vec<MailRow> {
        self.app
            .store
            .read(|c| mail::list(c, &self.tenant, None, 10_000))
            .expect("list mail")
    }

    fn enqueue(&self, kind: &str, max_attempts: i32, key: Option<&str>) -> String {
        let now = self.app.now_ts();
        self.app
            .store
            .write(|c| {
                jobs::enqueue(
                    c,
                    &NewJob {
                        tenant_id: &self.tenant,
                        kind,
                        payload: "{}",
                        run_at: now,
                        max_attempts,
                        idempotency_key: key,
                    },
                    now,
                )
            })
            .expect("enqueue")
    }

    fn advance(&self, secs: i64) {
        self.clock.advance(time::Duration::seconds(secs));
    }

    fn sign_up(&self) {
        self.app
            .signup_resident(
                &self.tenant,
                RESIDENT,
                "Ala Testowa",
                RESIDENT_PASSWORD,
                RESIDENT_PASSWORD,
            )
            .expect("signup");
    }

    /// The one mail to the test resident and the job that sends it.
    fn the_mail_and_job(&self) -> (MailRow, JobRow) {
        let mails: Vec<MailRow> = self
            .mails()
            .into_iter()
            .filter(|m| m.to_addr == RESIDENT)
            .collect();
        assert_eq!(mails.len(), 1, "{mails:?}");
        let m = mails.into_iter().next().expect("mail");
        let key = format!("mail:{}", m.id);
        let jobs: Vec<JobRow> = self
            .jobs()
            .into_iter()
            .filter(|j| j.idempotency_key.as_deref() == Some(key.as_str()))
            .collect();
        assert_eq!(jobs.len(), 1, "one send_mail job per message: {jobs:?}");
        (m, jobs.into_iter().next().expect("job"))
    }
}

both_engines!(enqueueing_twice_with_one_key_yields_one_job, |engine| {
    let fx = fixture(engine, None);
    let a = fx.enqueue("noop", 3, Some("report:2026-11"));
    let b = fx.enqueue("noop", 3, Some("report:2026-11"));
    assert_eq!(a, b, "the second enqueue returns the existing job");
    let c = fx.enqueue("noop", 3, Some("report:2026-12"));
    assert_ne!(a, c);
    let d = fx.enqueue("noop", 3, None);
    let e = fx.enqueue("noop", 3, None);
    assert_ne!(d, e, "without a key every enqueue is a job");
    assert_eq!(fx.jobs().len(), 4);
    // Keys are per tenant: another municipality's job with the same key is its own.
    let other = fx
        .app
        .create_tenant("inna", "Gmina Inna", &[], &Actor::cli())
        .expect("tenant")
        .tenant_id;
    let now = fx.app.now_ts();
    let f = fx
        .app
        .store
        .write(|c| {
            jobs::enqueue(
                c,
                &NewJob {
                    tenant_id: &other,
                    kind: "noop",
                    payload: "{}",
                    run_at: now,
                    max_attempts: 3,
                    idempotency_key: Some("report:2026-11"),
                },
                now,
            )
        })
        .expect("enqueue");
    assert_ne!(a, f);
    assert_eq!(fx.jobs().len(), 4);
});

both_engines!(
    enqueue_racing_another_transaction_with_the_same_key_yields_one_job,
    |engine| {
        // Two nodes enqueue the same keyed job at once: the second must get the first one's id, not
        // an error that rolls back its whole use case.
        let fx = fixture(engine, None);
        let now = fx.app.now_ts();
        let (inserted_tx, inserted_rx) = std::sync::mpsc::channel::<()>();
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let enqueue = move |c: &mut ratusz_store::Db, tenant: &str| {
            jobs::enqueue(
                c,
                &NewJob {
                    tenant_id: tenant,
                    kind: "noop",
                    payload: "{}",
                    run_at: now,
                    max_attempts: 3,
                    idempotency_key: Some("nightly:2026-11-23"),
                },
                now,
            )
        };
        let first = {
            let app = fx.app.clone();
            let tenant = fx.tenant.clone();
            std::thread::spawn(move || {
                app.store.write(|c| {
                    let id = enqueue(c, &tenant)?;
                    inserted_tx.send(()).expect("signal");
                    // Keep the transaction open while the other one looks for the key.
                    started_rx.recv().expect("second started");
                    std::thread::sleep(std::time::Duration::from_millis(300));
                    Ok::<_, StoreError>(id)
                })
            })
        };
        inserted_rx.recv().expect("first inserted");
        let second = {
            let app = fx.app.clone();
            let tenant = fx.tenant.clone();
            std::thread::spawn(move || {
                started_tx.send(()).expect("signal");
                app.store.write(|c| enqueue(c, &tenant))
            })
        };
        let first = first.join().expect("first thread").expect("first enqueue");
        let second = second.join().expect("second thread");
        assert!(
            second.is_ok(),
            "the concurrent enqueue with the same idempotency key failed: {:?}",
            second.err()
        );
        assert_eq!(second.ok().as_deref(), Some(first.as_str()));
        assert_eq!(fx.jobs().len(), 1);
    }
);

both_engines!(a_use_case_writes_the_mail_and_its_job_together, |engine| {
    let fx = fixture(engine, None);
    fx.sign_up();
    let (m, job) = fx.the_mail_and_job();
    assert_eq!(m.status, mail::QUEUED);
    assert!(m.sent_at.is_none() && m.last_error.is_none());
    assert_eq!(job.kind, ratusz_app::mail::JOB_KIND);
    assert_eq!(job.status, jobs::QUEUED);
    assert_eq!(job.attempts, 0);
    assert!(job.payload.contains(&m.id), "{}", job.payload);
    assert_eq!(job.created_at, m.created_at, "written in one transaction");
    assert_eq!(job.run_at, fx.app.now_ts(), "due at once");
    // A second use case (a password reset) adds a second message with its own job.
    fx.app
        .request_password_reset(&fx.tenant, RESIDENT)
        .expect("reset");
    assert_eq!(fx.mails().len(), 2);
    let send_jobs = fx
        .jobs()
        .into_iter()
        .filter(|j| j.kind == ratusz_app::mail::JOB_KIND)
        .count();
    assert_eq!(send_jobs, 2);
});

both_engines!(a_failing_use_case_leaves_neither_mail_nor_job, |engine| {
    let fx = fixture(engine, None);
    let now = fx.app.now_ts();
    let mut seen_inside = false;
    let mut mail_id = String::new();
    let res: Result<(), AppError> = fx.app.store.write(|c| {
        mail_id = ratusz_app::mail::enqueue(
            c,
            &fx.tenant,
            "rollback@example.pl",
            "Nie wysyłać",
            "Ta wiadomość nie powinna istnieć.",
            now,
        )?;
        // The rows exist inside the transaction…
        seen_inside = mail::get(c, &fx.tenant, &mail_id)?.is_some()
            && !jobs::list(c, &fx.tenant, None, 10)?.is_empty();
        // …and the use case then fails.
        Err(AppError::Internal(
            "the use case failed after enqueueing".into(),
        ))
    });
    assert!(res.is_err());
    assert!(seen_inside, "enqueue wrote nothing inside the transaction");
    assert!(
        fx.app
            .store
            .read(|c| mail::get(c, &fx.tenant, &mail_id))
            .expect("read")
            .is_none(),
        "the mail row survived the rollback"
    );
    assert!(fx.mails().is_empty(), "{:?}", fx.mails());
    assert!(fx.jobs().is_empty(), "{:?}", fx.jobs());
});

both_engines!(without_smtp_mail_is_held_and_the_job_done, |engine| {
    let fx = fixture(engine, None);
    fx.sign_up();
    let n = fx.app.drain_jobs("worker-1").expect("drain");
    assert_eq!(n, 1);
    let (m, job) = fx.the_mail_and_job();
    assert_eq!(m.status, mail::HELD);
    assert!(m.sent_at.is_none());
    assert_eq!(job.status, jobs::DONE);
    assert_eq!(job.attempts, 1);
    assert!(job.lease_until.is_none());
    assert!(job.last_error.is_none());
    assert_eq!(fx.app.run_one_job("worker-1").expect("step"), Step::Idle);
    assert_eq!(fx.app.drain_jobs("worker-1").expect("drain"), 0);
    // The admin's outbox lists it.
    assert!(
        fx.app
            .outbox(&fx.tenant, 10)
            .expect("outbox")
            .iter()
            .any(|o| o.id == m.id && o.status == mail::HELD)
    );
});

both_engines!(an_unknown_job_backs_off_exponentially_then_dies, |engine| {
    let fx = fixture(engine, None);
    let id = fx.enqueue("no_such_kind", 4, None);
    let mut expected_delay = 10 * SEC;
    for attempt in 1..=3 {
        let step = fx.app.run_one_job("worker-1").expect("step");
        let Step::Retry { kind, error } = step else {
            panic!("attempt {attempt}: expected a retry, got {step:?}");
        };
        assert_eq!(kind, "no_such_kind");
        assert!(error.contains("no_such_kind"), "{error}");
        let now = fx.app.now_ts();
        let job = fx.job(&id);
        assert_eq!(job.status, jobs::QUEUED, "attempt {attempt}");
        assert_eq!(job.attempts, attempt);
        assert_eq!(
            job.run_at - now,
            expected_delay,
            "attempt {attempt}: the retry is due after {} s",
            expected_delay / SEC
        );
        assert!(job.lease_until.is_none());
        assert!(
            job.last_error
                .as_deref()
                .is_some_and(|e| e.contains("unknown job kind")),
            "{:?}",
            job.last_error
        );
        // Not due before its time…
        fx.advance(expected_delay / SEC - 1);
        assert_eq!(fx.app.run_one_job("worker-1").expect("step"), Step::Idle);
        // …due at it.
        fx.advance(1);
        expected_delay *= 2;
    }
    let step = fx.app.run_one_job("worker-1").expect("step");
    assert!(
        matches!(&step, Step::Dead { kind, .. } if kind == "no_such_kind"),
        "{step:?}"
    );
    let job = fx.job(&id);
    assert_eq!(job.status, jobs::DEAD);
    assert_eq!(job.attempts, 4);
    assert!(job.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    // Dead jobs are never picked up again on their own.
    fx.advance(24 * 3600);
    assert_eq!(fx.app.run_one_job("worker-1").expect("step"), Step::Idle);

    // An admin puts it back: only in its own tenant.
    let other = fx
        .app
        .create_tenant("obca", "Gmina Obca", &[], &Actor::cli())
        .expect("tenant")
        .tenant_id;
    let now = fx.app.now_ts();
    assert!(
        !fx.app
            .store
            .write(|c| jobs::retry_dead(c, &other, &id, now))
            .expect("retry"),
        "another tenant requeued the job"
    );
    assert_eq!(fx.job(&id).status, jobs::DEAD);
    assert!(
        fx.app
            .store
            .write(|c| jobs::retry_dead(c, &fx.tenant, &id, now))
            .expect("retry")
    );
    let job = fx.job(&id);
    assert_eq!(job.status, jobs::QUEUED);
    assert_eq!(job.attempts, 0);
    assert_eq!(job.run_at, now);
    let step = fx.app.run_one_job("worker-2").expect("step");
    assert!(matches!(step, Step::Retry { .. }), "{step:?}");
    assert_eq!(fx.job(&id).attempts, 1);
    // Retrying a job that is not dead does nothing.
    assert!(
        !fx.app
            .store
            .write(|c| jobs::retry_dead(c, &fx.tenant, &id, now))
            .expect("retry")
    );
});

both_engines!(an_expired_lease_is_claimed_by_another_worker, |engine| {
    let fx = fixture(engine, None);
    let id = fx.enqueue("noop", 5, None);
    let t0 = fx.app.now_ts();
    let lease = 60 * SEC;
    let claim = |worker: &str, now: i64| {
        fx.app
            .store
            .write(|c| jobs::claim(c, worker, now, lease))
            .expect("claim")
    };
    let a = claim("worker-a", t0).expect("claimed by a");
    assert_eq!(a.id, id);
    assert_eq!(a.status, jobs::RUNNING);
    assert_eq!(a.locked_by.as_deref(), Some("worker-a"));
    assert_eq!(a.lease_until, Some(t0 + lease));
    assert_eq!(a.attempts, 1);
    // While the lease holds, nobody else gets it.
    assert!(claim("worker-b", t0 + lease / 2).is_none());
    assert!(claim("worker-b", t0 + lease).is_none());
    // worker-a died: after the lease, worker-b takes over.
    let b = claim("worker-b", t0 + lease + 1).expect("claimed by b");
    assert_eq!(b.id, id);
    assert_eq!(b.locked_by.as_deref(), Some("worker-b"));
    assert_eq!(b.attempts, 2);
    assert_eq!(b.lease_until, Some(t0 + lease + 1 + lease));
});

both_engines!(
    a_mail_job_of_a_dead_worker_is_sent_after_the_lease,
    |engine| {
        let fx = fixture(engine, None);
        fx.sign_up();
        let now = fx.app.now_ts();
        // A worker claims the job and dies before finishing it.
        let claimed = fx
            .app
            .store
            .write(|c| jobs::claim(c, "worker-dead", now, LEASE_SECS * SEC))
            .expect("claim")
            .expect("a job");
        assert_eq!(claimed.kind, ratusz_app::mail::JOB_KIND);
        assert_eq!(fx.app.run_one_job("worker-live").expect("step"), Step::Idle);
        fx.advance(LEASE_SECS + 1);
        let step = fx.app.run_one_job("worker-live").expect("step");
        assert_eq!(
            step,
            Step::Done {
                kind: ratusz_app::mail::JOB_KIND.into()
            }
        );
        let (m, job) = fx.the_mail_and_job();
        assert_eq!(job.id, claimed.id);
        assert_eq!(job.status, jobs::DONE);
        assert_eq!(job.attempts, 2);
        assert_eq!(job.locked_by.as_deref(), Some("worker-live"));
        assert_eq!(m.status, mail::HELD);
    }
);

both_engines!(concurrent_workers_never_claim_the_same_job, |engine| {
    const JOBS: usize = 50;
    const WORKERS: usize = 8;
    let fx = fixture(engine, None);
    for i in 0..JOBS {
        fx.enqueue("noop", 3, Some(&format!("job-{i}")));
    }
    let now = fx.app.now_ts();
    let barrier = Arc::new(std::sync::Barrier::new(WORKERS));
    let handles: Vec<_> = (0..WORKERS)
        .map(|w| {
            let app = fx.app.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let worker = format!("worker-{w}");
                let mut mine = Vec::new();
                barrier.wait();
                while let Some(job) = app
                    .store
                    .write(|c| jobs::claim(c, &worker, now, 3600 * SEC))
                    .expect("claim")
                {
                    assert_eq!(job.locked_by.as_deref(), Some(worker.as_str()));
                    mine.push(job.id);
                }
                mine
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut busy_workers = 0;
    for h in handles {
        let mine = h.join().expect("worker thread");
        if !mine.is_empty() {
            busy_workers += 1;
        }
        all.extend(mine);
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "a job was claimed twice");
    assert_eq!(all.len(), JOBS, "every job claimed");
    assert!(busy_workers >= 1);
    for job in fx.jobs() {
        assert_eq!(job.status, jobs::RUNNING, "{}", job.id);
        assert_eq!(job.attempts, 1, "job {} was claimed more than once", job.id);
        assert!(unique.contains(&job.id));
    }
});

both_engines!(an_unreachable_smtp_server_requeues_with_backoff, |engine| {
    let port = free_port();
    let fx = fixture(
        engine,
        Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            security: "none".into(),
            rate_per_second: 0,
        }),
    );
    fx.sign_up();
    let step = fx.app.run_one_job("worker-1").expect("step");
    let Step::Retry { kind, error } = &step else {
        panic!("expected a retry, got {step:?}");
    };
    assert_eq!(kind, ratusz_app::mail::JOB_KIND);
    assert!(!error.is_empty());
    let now = fx.app.now_ts();
    let (m, job) = fx.the_mail_and_job();
    assert_eq!(job.status, jobs::QUEUED);
    assert_eq!(job.attempts, 1);
    assert_eq!(job.run_at, now + 10 * SEC);
    assert!(job.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    assert_eq!(m.status, mail::QUEUED, "not sent, not held: still to send");
    assert!(m.sent_at.is_none());
    assert!(
        m.last_error.as_deref().is_some_and(|e| !e.is_empty()),
        "the mail row keeps the error: {m:?}"
    );
    // The next attempt waits twice as long.
    fx.advance(10);
    let step = fx.app.run_one_job("worker-1").expect("step");
    assert!(matches!(step, Step::Retry { .. }), "{step:?}");
    let (m, job) = fx.the_mail_and_job();
    assert_eq!(job.attempts, 2);
    assert_eq!(job.run_at, fx.app.now_ts() + 20 * SEC);
    assert_eq!(m.status, mail::QUEUED);
    assert!(m.last_error.is_some());
    let _ = &fx.db;
});

/// Runs the job queue with the clock moved to each retry until the job dies (at most `limit`
/// steps); returns the steps.
fn run_until_dead(fx: &Fx, job_id: &str, limit: usize) -> Vec<Step> {
    let mut steps = Vec::new();
    for _ in 0..limit {
        let step = fx.app.run_one_job("worker-1").expect("step");
        let dead = matches!(step, Step::Dead { .. });
        steps.push(step);
        if dead {
            break;
        }
        let job = fx.job(job_id);
        let wait = job.run_at - fx.app.now_ts();
        assert!(wait > 0, "{job:?}");
        fx.advance(wait / SEC);
    }
    steps
}

both_engines!(a_mail_whose_last_attempt_fails_is_marked_failed, |engine| {
    let fx = fixture(
        engine,
        Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: free_port(),
            username: None,
            password: None,
            security: "none".into(),
            rate_per_second: 0,
        }),
    );
    fx.sign_up();
    let (_, job) = fx.the_mail_and_job();
    let steps = run_until_dead(&fx, &job.id, 20);
    assert!(
        matches!(steps.last(), Some(Step::Dead { .. })),
        "the job never died: {steps:?}"
    );
    let (m, job) = fx.the_mail_and_job();
    assert_eq!(job.status, jobs::DEAD);
    assert_eq!(job.attempts, job.max_attempts);
    assert_eq!(steps.len() as i32, job.max_attempts);
    // The outbox must show that this message will not be sent (status `failed`), not leave it
    // looking as if it were still on its way.
    assert_eq!(
        m.status,
        mail::FAILED,
        "after the last attempt the message is still {:?}: {m:?}",
        m.status
    );
    assert!(m.last_error.is_some());
});

both_engines!(dead_jobs_of_a_tenant_are_queued_again, |engine| {
    let fx = fixture(engine, None);
    let a = fx.enqueue("no_such_kind", 1, None);
    let b = fx.enqueue("no_such_kind", 1, None);
    for _ in 0..2 {
        let step = fx.app.run_one_job("worker-1").expect("step");
        assert!(matches!(step, Step::Dead { .. }), "{step:?}");
    }
    assert_eq!(fx.job(&a).status, jobs::DEAD);
    let n = fx
        .app
        .retry_dead_jobs(&fx.tenant, &Actor::cli())
        .expect("retry");
    assert_eq!(n, 2);
    for id in [&a, &b] {
        let j = fx.job(id);
        assert_eq!((j.status.as_str(), j.attempts), (jobs::QUEUED, 0));
    }
    // The admin action is audited.
    let events = fx
        .app
        .store
        .read(|c| ratusz_store::audit::by_action(c, &fx.tenant, "jobs.retry_dead"))
        .expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(
        fx.app
            .retry_dead_jobs(&fx.tenant, &Actor::cli())
            .expect("retry"),
        0
    );
});

both_engines!(held_mail_is_released_for_sending, |engine| {
    let fx = fixture(engine, None);
    fx.sign_up();
    fx.app.drain_jobs("worker-1").expect("drain");
    let (m, _) = fx.the_mail_and_job();
    assert_eq!(m.status, mail::HELD);
    assert_eq!(fx.app.release_held_mail().expect("release"), 1);
    let m = fx.mails().into_iter().find(|x| x.id == m.id).expect("mail");
    assert_eq!(m.status, mail::QUEUED);
    let queued: Vec<JobRow> = fx
        .jobs()
        .into_iter()
        .filter(|j| j.status == jobs::QUEUED && j.payload.contains(&m.id))
        .collect();
    assert_eq!(queued.len(), 1, "one new send_mail job: {queued:?}");
    // Nothing held any more, so a second release does nothing.
    assert_eq!(fx.app.release_held_mail().expect("release"), 0);
    // Still no SMTP: the worker holds it again.
    assert_eq!(fx.app.drain_jobs("worker-1").expect("drain"), 1);
    let m = fx.mails().into_iter().find(|x| x.id == m.id).expect("mail");
    assert_eq!(m.status, mail::HELD);
});

both_engines!(
    a_mail_batch_sends_each_message_once_and_retries_only_the_refused,
    |engine| {
        let sink = ratusz_testkit::smtp::Sink::start(Some("odmowa"), true).expect("sink");
        let port = sink.port;
        let fx = fixture(
            engine,
            Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port,
                username: None,
                password: None,
                security: "none".into(),
                rate_per_second: 0,
            }),
        );
        let now = fx.app.now_ts();
        let mut messages: Vec<(String, String, String)> = (0..250)
            .map(|i| {
                (
                    format!("mieszkaniec{i}@example.pl"),
                    "Ostrzeżenie".to_owned(),
                    "Burza.".to_owned(),
                )
            })
            .collect();
        messages[7].0 = "odmowa@example.pl".into();
        let ids = fx
            .app
            .store
            .write(|c| ratusz_app::mail::enqueue_batch(c, &fx.tenant, &messages, now))
            .expect("enqueue");
        assert_eq!(ids.len(), 250);
        // 250 messages are two batch jobs (200 + 50).
        let batches: Vec<JobRow> = fx
            .jobs()
            .into_iter()
            .filter(|j| j.kind == ratusz_app::mail::JOB_BATCH)
            .collect();
        assert_eq!(batches.len(), 2);
        let first = fx.app.run_one_job("worker-1").expect("step");
        let second = fx.app.run_one_job("worker-1").expect("step");
        let steps = [first, second];
        assert_eq!(
            steps
                .iter()
                .filter(|s| matches!(s, Step::Retry { .. }))
                .count(),
            1,
            "the batch with the refused recipient retries: {steps:?}"
        );
        assert_eq!(sink.accepted().len(), 249);
        let status = |id: &str| {
            fx.app
                .store
                .read(|c| mail::get(c, &fx.tenant, id))
                .expect("read")
                .expect("mail")
        };
        assert_eq!(status(&ids[0]).status, mail::SENT);
        let refused = status(&ids[7]);
        assert_eq!(refused.status, mail::QUEUED);
        assert!(
            refused
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("550")),
            "{refused:?}"
        );
        // The retries send nothing twice; after the last attempt the refused message is failed.
        let batch_id = batches
            .iter()
            .find(|j| j.payload.contains(&ids[7]))
            .expect("the batch")
            .id
            .clone();
        let steps = run_until_dead(&fx, &batch_id, 20);
        assert!(matches!(steps.last(), Some(Step::Dead { .. })), "{steps:?}");
        let accepted = sink.accepted();
        assert_eq!(accepted.len(), 249, "nothing sent twice");
        let mut unique = accepted.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 249, "every recipient once");
        assert!(!accepted.iter().any(|r| r.contains("odmowa")));
        assert_eq!(status(&ids[7]).status, mail::FAILED);
        assert_eq!(status(&ids[8]).status, mail::SENT);
    }
);
