//! `ratusz bench http`: starts `ratusz demo` as a child process on a fresh SQLite database, then
//! measures requests per second and p50/p99 latency of `/healthz` and of an authenticated API
//! read (`/api/v1/me` with a bearer token), and the server's idle and loaded memory (RSS).
//! Figures are printed, never asserted: speed is not a test.
//!
//! `ratusz bench seed` and `ratusz bench registry` (in `bench_registry.rs`): the EZD registry
//! with a million cases. `ratusz bench portal` (in `bench_portal.rs`): the residents' portal on
//! such a database. `ratusz bench ocr` (in `bench_ocr.rs`): reading a scanned letter.

use anyhow::{Context, anyhow};
use clap::Subcommand;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::config::Config;

#[path = "bench_alerts.rs"]
mod alerts;
#[path = "bench_ocr.rs"]
mod ocr;
#[path = "bench_portal.rs"]
mod portal;
#[path = "bench_registry.rs"]
mod registry;

#[derive(Subcommand, Debug)]
pub enum BenchCmd {
    /// HTTP throughput, latency and memory with the demo data.
    Http {
        /// Seconds of load per endpoint.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Concurrent connections.
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// Port for the child server.
        #[arg(long, default_value_t = 18_080)]
        port: u16,
    },
    /// Crisis alerts: matching subscribers to a polygon, then one approved alert for the whole
    /// municipality from approval to every e-mail accepted by a local SMTP sink and every SMS
    /// by a local SMS gateway, on the configured (scratch) database.
    Alerts {
        /// Residents to add, each subscribed by e-mail and by SMS.
        #[arg(long, default_value_t = 100_000)]
        subscribers: usize,
        /// Job workers sending (threads, as `workers` in the configuration).
        #[arg(long, default_value_t = 2)]
        workers: usize,
        /// Of them, residents who also subscribed a browser (web push to a local push service).
        #[arg(long, default_value_t = 10_000)]
        browsers: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Fill the configured database with generated cases of the demo municipality (units GK,
    /// OR, USC, FN; three documents each), for `bench registry`.
    Seed {
        /// Cases to add.
        #[arg(long, default_value_t = 100_000)]
        cases: u64,
        /// The municipality (created as the demo when missing).
        #[arg(long, default_value = "przykladowo")]
        tenant: String,
        /// Cases per transaction.
        #[arg(long, default_value_t = 2_000)]
        batch: usize,
        /// Seed of the generator (the same seed gives the same data).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Opening cases, "my work", the case view and search on the configured (seeded) database.
    Registry {
        /// The municipality.
        #[arg(long, default_value = "przykladowo")]
        tenant: String,
        /// Least seconds per latency measurement.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
        /// Least calls per latency measurement.
        #[arg(long, default_value_t = 1_000)]
        samples: usize,
        /// Cases to open per run (one thread, then 4 and 8 threads); 0 skips opening.
        #[arg(long, default_value_t = 2_000)]
        opens: usize,
        /// Rebuild the search index instead of catching up with the change log.
        #[arg(long)]
        reindex: bool,
        /// Skip the search index and the search measurement (the index is the same tantivy
        /// index on either engine; building it from a large PostgreSQL database takes long).
        #[arg(long, conflicts_with = "reindex")]
        skip_search: bool,
    },
    /// Submitting an e-service application and checking its status without an account
    /// (in-process and over HTTP) on the configured (seeded) database.
    Portal {
        /// The municipality.
        #[arg(long, default_value = "przykladowo")]
        tenant: String,
        /// Submissions per run (one thread, then `--threads`).
        #[arg(long, default_value_t = 3_000, value_parser = clap::value_parser!(u64).range(1..))]
        submissions: u64,
        /// Threads of the multi-thread run (at least 2).
        #[arg(long, default_value_t = 4)]
        threads: usize,
        /// Least seconds per status measurement.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Least calls per in-process status measurement.
        #[arg(long, default_value_t = 2_000)]
        samples: usize,
        /// Keep-alive connections of the loaded HTTP runs (after one connection alone).
        #[arg(long, default_value_t = 8)]
        connections: usize,
        /// Port of the server started in this process, on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// OCR of a generated scanned letter (noise, skew): pages per minute and peak memory of
    /// `extract` against bare tesseract, and the character error rate.
    Ocr {
        /// Pages of the letter.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=200))]
        pages: u32,
        /// Seed of the text, the skew and the noise (the same seed gives the same scan).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Internal: the measured phase (`bare` or `ours`), run in a child process.
        #[arg(long, hide = true, requires = "dir")]
        phase: Option<String>,
        /// Internal: the phase's working directory.
        #[arg(long, hide = true)]
        dir: Option<std::path::PathBuf>,
    },
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

struct Figures {
    requests: usize,
    errors: u64,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    peak_rss_kib: u64,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[idx.min(sorted.len() - 1)]) / 1000.0
}

async fn load(
    url: String,
    token: Option<String>,
    conns: usize,
    secs: u64,
    pid: u32,
) -> anyhow::Result<Figures> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Some(r) = rss_kib(pid) {
                    peak.fetch_max(r, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (client, url, token, stop, errors) = (
            client.clone(),
            url.clone(),
            token.clone(),
            stop.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(50_000);
            while !stop.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                let mut req = client.get(&url);
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                match req.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t0.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            lat
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = sampler.await;
    all.sort_unstable();
    Ok(Figures {
        requests: all.len(),
        errors: errors.load(Ordering::Relaxed),
        rps: all.len() as f64 / elapsed,
        p50_ms: percentile(&all, 0.50),
        p99_ms: percentile(&all, 0.99),
        peak_rss_kib: peak.load(Ordering::Relaxed),
    })
}

pub fn run(cmd: BenchCmd, cfg: &Config) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCmd::Http {
            seconds,
            connections,
            port,
        } => http(seconds, connections, port),
        BenchCmd::Seed {
            cases,
            tenant,
            batch,
            seed,
        } => registry::seed(cfg, cases, &tenant, batch, seed),
        BenchCmd::Registry {
            tenant,
            seconds,
            samples,
            opens,
            reindex,
            skip_search,
        } => registry::registry(
            cfg,
            &tenant,
            registry::Options {
                seconds,
                samples,
                opens,
                reindex,
                skip_search,
            },
        ),
        BenchCmd::Portal {
            tenant,
            submissions,
            threads,
            seconds,
            samples,
            connections,
            port,
        } => portal::portal(
            cfg,
            &tenant,
            portal::Options {
                submissions: usize::try_from(submissions).unwrap_or(usize::MAX),
                threads,
                seconds,
                samples,
                connections,
                port,
            },
        ),
        BenchCmd::Alerts {
            subscribers,
            workers,
            browsers,
            seed,
        } => alerts::alerts(
            cfg,
            alerts::Options {
                subscribers,
                workers,
                browsers,
                seed,
            },
        ),
        BenchCmd::Ocr {
            pages,
            seed,
            phase,
            dir,
        } => ocr::ocr(ocr::Options {
            pages,
            seed,
            phase,
            dir,
        }),
    }
}

fn http(seconds: u64, connections: usize, port: u16) -> anyhow::Result<ExitCode> {
    let exe = std::env::current_exe().context("locating the ratusz binary")?;
    let dir = std::env::temp_dir().join(format!("ratusz-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let listen = format!("127.0.0.1:{port}");
    // The child never sees this installation's configuration: its own empty working directory
    // (no ratusz.toml) and no RATUSZ_* variables but ours, so the benchmark cannot touch a
    // production database.
    let env = |c: &mut Command| {
        for (k, _) in std::env::vars() {
            if k.starts_with("RATUSZ_") {
                c.env_remove(k);
            }
        }
        c.current_dir(&dir)
            .env("RATUSZ_DATA_DIR", &dir)
            .env("RATUSZ_LISTEN", &listen)
            .env("RATUSZ_LOG", "warn");
    };
    let mut c = Command::new(&exe);
    c.arg("demo").stdout(Stdio::null()).stderr(Stdio::inherit());
    env(&mut c);
    let server = Server(c.spawn().context("starting ratusz demo")?);
    let pid = server.0.id();
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if reqwest::blocking::get(format!("{base}/readyz")).is_ok_and(|r| r.status().is_success()) {
            break;
        }
        if Instant::now() > deadline {
            return Err(anyhow!("the demo server did not become ready within 60 s"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut tc = Command::new(&exe);
    tc.args([
        "token",
        "create",
        "--tenant",
        "przykladowo",
        "--email",
        "admin@przykladowo.gov.pl",
        "--name",
        "bench",
    ])
    .stderr(Stdio::null());
    env(&mut tc);
    let out = tc.output().context("creating a token")?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !token.starts_with("rtz_") {
        return Err(anyhow!("token create failed"));
    }
    std::thread::sleep(Duration::from_secs(1));
    let idle = rss_kib(pid).unwrap_or(0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let health = rt.block_on(load(
        format!("{base}/healthz"),
        None,
        connections,
        seconds,
        pid,
    ))?;
    let read = rt.block_on(load(
        format!("{base}/api/v1/me"),
        Some(token),
        connections,
        seconds,
        pid,
    ))?;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "ratusz bench http — {connections} connections, {seconds} s per endpoint, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "{:<28} {:>10} {:>10} {:>9} {:>9} {:>7}",
        "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "errors"
    );
    for (name, f) in [
        ("GET /healthz", &health),
        ("GET /api/v1/me (bearer)", &read),
    ] {
        println!(
            "{:<28} {:>10} {:>10.0} {:>9.2} {:>9.2} {:>7}",
            name, f.requests, f.rps, f.p50_ms, f.p99_ms, f.errors
        );
    }
    let ratio = if health.rps > 0.0 {
        read.rps / health.rps * 100.0
    } else {
        0.0
    };
    println!("authenticated read throughput: {ratio:.0}% of /healthz (goal ≥ 25%)");
    println!(
        "server RSS: idle {:.1} MB (goal < 50 MB), loaded peak {:.1} MB",
        idle as f64 / 1024.0,
        health.peak_rss_kib.max(read.peak_rss_kib) as f64 / 1024.0
    );
    Ok(ExitCode::SUCCESS)
}
