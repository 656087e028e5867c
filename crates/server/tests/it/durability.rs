//! "A kill -9 right after a 2xx answer loses nothing" (SQLite): the real `ratusz serve` process
//! is killed with SIGKILL right after acknowledgements and while requests are in flight; every
//! unit acknowledged with 201 must then be in the database, and the audit chain must verify.

use crate::support::*;
use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEMO_ADMIN: &str = "admin@przykladowo.gov.pl";

/// A `ratusz serve` child process, killed with SIGKILL when dropped.
struct Server {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Server {
    fn start(db: &TestDb, round: usize) -> Self {
        let port = free_port();
        let log = db.dir.join(format!("serve-{round}.log"));
        let stderr = std::fs::File::create(&log).expect("log file");
        let child = db
            .ratusz()
            .arg("serve")
            .env("RATUSZ_LISTEN", format!("127.0.0.1:{port}"))
            .env("RATUSZ_DEFAULT_TENANT", "przykladowo")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn ratusz serve");
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_until_ready();
        server
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait_until_ready(&mut self) {
        let http = http_client();
        // A generous limit for a slow machine; not a measurement.
        let give_up = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("ratusz serve exited with {status}:\n{}", self.log());
            }
            if let Ok(r) = http.get(format!("{}/healthz", self.base)).send()
                && r.status().is_success()
            {
                return;
            }
            assert!(
                Instant::now() < give_up,
                "ratusz serve never became ready:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no shutdown, no flushing, nothing.
    fn kill9(&mut self) {
        self.child.kill().expect("kill -9");
        let status = self.child.wait().expect("wait");
        assert!(!status.success(), "killed server reported success");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client")
}

/// `ratusz migrate`, the demo created in-process (then dropped), and an admin API token made with
/// the CLI. Returns the demo tenant's id and the token.
fn prepare(db: &TestDb) -> (String, String) {
    let r = db.run_idempotent(&["migrate"]);
    assert!(r.ok(), "migrate: {r}");
    let tenant = {
        let app = db.app();
        app.ensure_demo(&[]).expect("demo").tenant_id
    };
    let r = db.run(&[
        "token",
        "create",
        "--tenant",
        "przykladowo",
        "--email",
        DEMO_ADMIN,
        "--scopes",
        "read,write,admin",
    ]);
    assert!(r.ok(), "token create: {r}");
    let token = r.stdout.trim().to_owned();
    assert!(token.starts_with("rtz_"), "{r}");
    (tenant, token)
}

enum Posted {
    Created {
        id: String,
    },
    Refused {
        status: u16,
        body: String,
    },
    /// No answer: the connection failed or was cut (the server is gone).
    NoAnswer,
}

fn post_unit(http: &reqwest::blocking::Client, base: &str, token: &str, symbol: &str) -> Posted {
    let body = serde_json::json!({ "symbol": symbol, "name": format!("Komórka {symbol}") });
    let Ok(resp) = http
        .post(format!("{base}/api/v1/units"))
        .bearer_auth(token)
        .json(&body)
        .send()
    else {
        return Posted::NoAnswer;
    };
    let status = resp.status().as_u16();
    let Ok(text) = resp.text() else {
        return Posted::NoAnswer;
    };
    if status == 201 {
        let v: serde_json::Value = serde_json::from_str(&text).expect("201 body is JSON");
        let id = v["id"].as_str().expect("201 body has an id").to_owned();
        assert_eq!(v["symbol"].as_str(), Some(symbol), "{text}");
        Posted::Created { id }
    } else {
        Posted::Refused { status, body: text }
    }
}

/// Reopens the database after a crash; asserts every acknowledged unit is there with its id and
/// that the chain verifies. Returns how many units the database holds.
fn assert_nothing_lost(db: &TestDb, tenant: &str, acked: &BTreeMap<String, String>) -> usize {
    let app = db.app();
    let present: BTreeMap<String, String> = app
        .units(tenant)
        .expect("units")
        .into_iter()
        .map(|u| (u.symbol, u.id))
        .collect();
    let lost: Vec<&String> = acked
        .iter()
        .filter(|(symbol, id)| present.get(*symbol) != Some(*id))
        .map(|(symbol, _)| symbol)
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged with 201 but missing after kill -9: {lost:?}"
    );
    let report = app.verify_chain(tenant).expect("verify");
    assert_eq!(report.first_break, None, "audit chain after kill -9");
    // Every unit in the table has its audit event (the use case wrote both in one transaction).
    let unit_events = app
        .store
        .read(|c| ratusz_store::audit::by_action(c, tenant, "unit.create"))
        .expect("events")
        .len();
    assert_eq!(unit_events, present.len(), "one unit.create event per unit");
    present.len()
}

#[test]
fn sqlite_kill_9_right_after_each_201_loses_nothing() {
    let db = TestDb::new(Engine::Sqlite);
    let (tenant, token) = prepare(&db);
    let http = http_client();
    let mut acked = BTreeMap::new();
    for round in 0..4 {
        let mut server = Server::start(&db, round);
        let symbol = format!("K{round}");
        let posted = post_unit(&http, &server.base, &token, &symbol);
        // kill -9 immediately after the acknowledgement.
        server.kill9();
        match posted {
            Posted::Created { id } => {
                acked.insert(symbol, id);
            }
            Posted::Refused { status, body } => {
                panic!("POST {symbol}: {status} {body}\n{}", server.log())
            }
            Posted::NoAnswer => panic!("POST {symbol}: no answer\n{}", server.log()),
        }
        let present = assert_nothing_lost(&db, &tenant, &acked);
        eprintln!(
            "round {round}: {} acknowledged in total, {present} units present",
            acked.len()
        );
    }
    assert_eq!(acked.len(), 4);
    let r = db.run_idempotent(&["audit", "verify"]);
    assert!(r.ok(), "ratusz audit verify after kill -9: {r}");
    assert!(r.stdout.contains(&format!("ok\t{tenant}\t")), "{r}");
}

#[test]
fn sqlite_kill_9_during_a_burst_loses_nothing_acknowledged() {
    const ROUNDS: usize = 5;
    const THREADS: usize = 4;
    /// Kill once this many units of the round are acknowledged (threads keep posting).
    const KILL_AFTER: usize = 12;
    let db = TestDb::new(Engine::Sqlite);
    let (tenant, token) = prepare(&db);
    let mut acked_total: BTreeMap<String, String> = BTreeMap::new();
    let mut cut_total = 0;
    for round in 0..ROUNDS {
        let mut server = Server::start(&db, 100 + round);
        let acked = Arc::new(Mutex::new(BTreeMap::<String, String>::new()));
        let refused = Arc::new(Mutex::new(Vec::<String>::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let killed = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (acked, refused, count, killed) = (
                    acked.clone(),
                    refused.clone(),
                    count.clone(),
                    killed.clone(),
                );
                let (base, token) = (server.base.clone(), token.clone());
                std::thread::spawn(move || {
                    let http = http_client();
                    let mut cut = 0;
                    for i in 0.. {
                        let symbol = format!("B{round}T{t}N{i}");
                        match post_unit(&http, &base, &token, &symbol) {
                            Posted::Created { id } => {
                                acked.lock().expect("lock").insert(symbol, id);
                                count.fetch_add(1, Ordering::SeqCst);
                            }
                            Posted::Refused { status, body } => {
                                refused
                                    .lock()
                                    .expect("lock")
                                    .push(format!("{symbol}: {status} {body}"));
                            }
                            Posted::NoAnswer => {
                                if killed.load(Ordering::SeqCst) {
                                    cut += 1;
                                } else {
                                    refused
                                        .lock()
                                        .expect("lock")
                                        .push(format!("{symbol}: no answer from a live server"));
                                }
                                break;
                            }
                        }
                    }
                    cut
                })
            })
            .collect();
        // Wait for enough acknowledgements, then kill -9 while the threads are still posting.
        let give_up = Instant::now() + Duration::from_secs(300);
        while count.load(Ordering::SeqCst) < KILL_AFTER {
            assert!(
                Instant::now() < give_up,
                "round {round}: only {} acknowledged\n{}",
                count.load(Ordering::SeqCst),
                server.log()
            );
            let refused_now = refused.lock().expect("lock").clone();
            assert!(
                refused_now.is_empty(),
                "round {round}: {refused_now:?}\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        killed.store(true, Ordering::SeqCst);
        server.kill9();
        let cut: usize = threads
            .into_iter()
            .map(|h| h.join().expect("poster thread"))
            .sum();
        cut_total += cut;
        let refused = refused.lock().expect("lock").clone();
        assert!(refused.is_empty(), "round {round}: {refused:?}");
        let acked = acked.lock().expect("lock").clone();
        assert!(acked.len() >= KILL_AFTER);
        acked_total.extend(acked.clone());
        let present = assert_nothing_lost(&db, &tenant, &acked_total);
        let present_this_round = db
            .app()
            .units(&tenant)
            .expect("units")
            .iter()
            .filter(|u| u.symbol.starts_with(&format!("B{round}T")))
            .count();
        assert!(present_this_round >= acked.len());
        eprintln!(
            "round {round}: acknowledged {}, present {present_this_round} \
             (requests cut by the kill: {cut}); {present} units in total",
            acked.len()
        );
    }
    eprintln!(
        "{} units acknowledged over {ROUNDS} kill -9 rounds, all present; {cut_total} requests cut",
        acked_total.len()
    );
    let r = db.run_idempotent(&["audit", "verify"]);
    assert!(r.ok(), "ratusz audit verify after kill -9: {r}");
    assert!(r.stdout.contains(&format!("ok\t{tenant}\t")), "{r}");
}
