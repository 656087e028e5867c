//! `ratusz bench portal`: the residents' portal at the size of a large office (issue: with
//! 1,000,000 cases in the database, submissions per second end-to-end on SQLite and PostgreSQL
//! and the status page p50/p99; goals: at least 300 submissions/s on SQLite on 2 cores, status
//! p99 under 20 ms). Runs on the configured database, filled by `ratusz bench seed` first.
//!
//! What is measured:
//! - submitting the demo's tree-felling application (`wycinka-drzew`) through
//!   `App::submit_application` as a signed-in demo resident (a real session, as the web gives),
//!   with realistic answers, one small PDF site plan (a different file each time) and a fresh
//!   idempotency key: validation, both files (application and plan) to blob storage, the
//!   incoming item (channel portal) with its documents, the case, the receipt (UPO), the
//!   e-mail enqueued and the audit event, in one transaction. Per second and p50/p99 per
//!   submission, on one thread and on several;
//! - the status check without an account, in-process (`App::public_status`) by receipt number
//!   and by case sign with the tracking codes of the submissions just made;
//! - the same check over HTTP against the real router, served in this process on a local port
//!   with the installation's web settings: the `/status` form as a browser sends it (the page
//!   fetched once for its CSRF cookie and token, then posts over a keep-alive connection) and
//!   `/api/v1/status` (JSON), with one connection and with several at once. The client runs
//!   in this process too, so on a small machine it takes processor time from the server.
//!
//! The submissions stay in the database (like the cases `bench registry` opens); no job worker
//! runs, so their e-mails stay queued. Figures are printed, never asserted.

use anyhow::{Context, anyhow};
use ratusz_app::App;
use ratusz_app::accounts::Principal;
use ratusz_app::eservices::receipt::Receipt;
use ratusz_app::eservices::submit::SubmitInput;
use ratusz_app::registry::upload::Upload;
use ratusz_core::eservices::Answers;
use ratusz_store::seed;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::registry::{Lat, ae, lat_of, measure, verdict};
use crate::config::Config;

/// The demo's tree-felling service: a long form with addresses, choices, a date and files,
/// in a unit that opens a case at once.
const SERVICE: &str = "wycinka-drzew";
/// The goal of the issue for submissions on SQLite on 2 cores.
const GOAL_SUBMISSIONS: f64 = 300.0;
/// The goal for the status page.
const GOAL_STATUS_P99_MS: f64 = 20.0;
/// Least calls per connection of an HTTP measurement (a slow one runs past its time).
const MIN_HTTP_CALLS: usize = 20;

/// What `bench portal` measures, and how long.
pub struct Options {
    /// Submissions per run.
    pub submissions: usize,
    /// Threads of the multi-thread runs.
    pub threads: usize,
    /// Least seconds per status measurement.
    pub seconds: u64,
    /// Least calls per in-process status measurement.
    pub samples: usize,
    /// Connections of the loaded HTTP runs.
    pub connections: usize,
    /// Local port of the in-process server (0: any free port).
    pub port: u16,
}

/// A submission made by the benchmark: what its receipt gives the resident.
#[derive(Clone)]
struct Tracked {
    receipt: String,
    sign: Option<String>,
    code: String,
}

/// A one-page PDF (a site plan with the plot and the trees), valid as a file: header, five
/// objects, a cross-reference table with their offsets, trailer. `tag` (printed at the foot)
/// makes each one differ.
fn site_plan_pdf(k: usize, tag: &str) -> Vec<u8> {
    let content = format!(
        "BT /F1 16 Tf 72 760 Td (Szkic sytuacyjny - dzialka {}/4, obreb Przykladowo) Tj ET\n\
         BT /F1 8 Tf 72 40 Td (nr {tag}) Tj ET\n\
         0.5 w 100 300 400 300 re S\n\
         BT /F1 11 Tf 150 500 Td (lipa drobnolistna, obwod 120 cm, 6 m od budynku) Tj ET\n\
         BT /F1 11 Tf 150 460 Td (klon zwyczajny, obwod 95 cm, 3 m od granicy) Tj ET",
        100 + k
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

const STREETS: [&str; 8] = [
    "Lipowa",
    "Kwiatowa",
    "Polna",
    "Leśna",
    "Słoneczna",
    "Ogrodowa",
    "Szkolna",
    "Klonowa",
];
const SPECIES: [&str; 5] = [
    "lipa drobnolistna",
    "brzoza brodawkowata",
    "klon zwyczajny",
    "świerk pospolity",
    "topola czarna",
];

/// The answers a resident gives, varied by `k`: two addresses, the plot, the right to it,
/// the trees, the reason, a removal date two months ahead, replacement planting, contact.
fn answers(p: &Principal, k: usize, removal_date: time::Date) -> Answers {
    let street = STREETS[k % STREETS.len()];
    let number = 1 + k % 97;
    let mut a = Answers::new();
    let mut put = |key: &str, value: String| {
        a.insert(key.to_owned(), value);
    };
    put("full_name", p.user.display_name.clone());
    for field in ["applicant_address", "property_address"] {
        put(&format!("{field}.street"), format!("ul. {street} {number}"));
        put(&format!("{field}.postal_code"), "12-345".into());
        put(&format!("{field}.city"), "Przykładowo".into());
    }
    put(
        "plot_number",
        format!("działka {}/4, obręb Przykładowo", 100 + k % 900),
    );
    put("legal_title", "owner".into());
    put("title_statement", "true".into());
    put("tree_count", (1 + k % 3).to_string());
    put("tree_species", SPECIES[k % SPECIES.len()].into());
    put("trunk_circumference", (80 + k % 150).to_string());
    put(
        "more_trees",
        "klon zwyczajny – 95 cm; świerk pospolity – 70 cm".into(),
    );
    put(
        "reason",
        "Drzewo jest pochylone w stronę budynku mieszkalnego, ma suche konary nad dachem i \
         pęknięcie pnia; po ostatniej wichurze spadła gałąź na ogrodzenie sąsiada."
            .into(),
    );
    put("business_purpose", "no".into());
    put("removal_date", removal_date.to_string());
    put("replacement_planting", "true".into());
    put(
        "planting_plan",
        "Dwie lipy drobnolistne (obwód 14–16 cm) przy wschodniej granicy działki, jesienią.".into(),
    );
    put("email", p.user.email.clone());
    put(
        "phone",
        format!("+48 600 {:03} {:03}", k % 1000, 100 + k % 900),
    );
    a
}

/// A signed-in demo resident: a real session, resolved as a request resolves it.
fn resident(app: &App, tenant_id: &str, email: &str) -> anyhow::Result<Principal> {
    let session = app
        .sign_in(
            tenant_id,
            email,
            ratusz_app::demo::RESIDENT_PASSWORD,
            "127.0.0.1",
            Some("ratusz bench portal"),
        )
        .map_err(|e| anyhow!("signing in {email}: {e} (run `ratusz bench seed` first)"))?;
    app.resolve_session(tenant_id, &session.token)
        .map_err(ae)?
        .ok_or_else(|| anyhow!("the session of {email} did not resolve"))
}

struct SubmitRun {
    threads: usize,
    rate: f64,
    lat: Lat,
}

/// `total` submissions from `threads` threads, the residents taking turns by thread.
fn submit_run(
    app: &App,
    residents: &[Principal],
    threads: usize,
    total: usize,
    run: &str,
) -> anyhow::Result<(SubmitRun, Vec<Tracked>)> {
    let removal_date = app.clock.today_warsaw() + time::Duration::days(60);
    let per = total.div_ceil(threads);
    let started = Instant::now();
    let results: Vec<anyhow::Result<(Vec<u64>, Vec<Tracked>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|th| {
                let p = &residents[th % residents.len()];
                s.spawn(move || -> anyhow::Result<(Vec<u64>, Vec<Tracked>)> {
                    let mut us = Vec::with_capacity(per);
                    let mut tracked = Vec::with_capacity(per);
                    for k in 0..per {
                        let n = th * per + k;
                        // Built before the clock starts: what the browser sends.
                        let input = SubmitInput {
                            answers: answers(p, n, removal_date),
                            files: vec![(
                                "site_plan".into(),
                                Upload {
                                    file_name: "szkic-sytuacyjny.pdf".into(),
                                    bytes: site_plan_pdf(n, &format!("{run}-{n}")),
                                },
                            )],
                            idempotency_key: format!("bench-{run}-{th}-{k}"),
                        };
                        let t = Instant::now();
                        let row = app
                            .submit_application(p, SERVICE, input)
                            .map_err(|e| anyhow!("submission {n}: {e:?}"))?;
                        us.push(t.elapsed().as_micros() as u64);
                        let receipt: Receipt =
                            serde_json::from_str(&row.receipt).context("the stored receipt")?;
                        tracked.push(Tracked {
                            receipt: receipt.number,
                            sign: receipt.case_sign,
                            code: receipt.tracking_code,
                        });
                    }
                    Ok((us, tracked))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow!("thread panicked"))
                    .and_then(|r| r)
            })
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let (mut all, mut tracked) = (Vec::new(), Vec::new());
    for r in results {
        let (us, t) = r?;
        all.extend(us);
        tracked.extend(t);
    }
    let rate = all.len() as f64 / secs;
    Ok((
        SubmitRun {
            threads,
            rate,
            lat: lat_of(all),
        },
        tracked,
    ))
}

// ---------------------------------------------------------------------------------------------
// Over HTTP.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    /// The `/status` form, url-encoded with the CSRF token, answered with the HTML page.
    Form,
    /// `/api/v1/status`, JSON.
    Api,
}

struct HttpRun {
    name: String,
    errors: u64,
    lat: Lat,
}

/// The CSRF token of a page's form.
fn csrf_of(body: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker)? + marker.len();
    body[start..].split('"').next().map(str::to_owned)
}

/// One keep-alive connection per task (its own client, like its own browser), posting status
/// checks of the given (reference, code) pairs for `secs` seconds.
async fn http_load(
    base: &str,
    route: Route,
    pairs: Arc<Vec<(String, String)>>,
    conns: usize,
    secs: u64,
) -> anyhow::Result<(f64, u64, Lat)> {
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    let started = Instant::now();
    for task in 0..conns {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .pool_max_idle_per_host(1)
            .build()?;
        let (base, pairs, stop, errors) =
            (base.to_owned(), pairs.clone(), stop.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(20_000);
            let csrf = if route == Route::Form {
                let page = client.get(format!("{base}/status")).send().await?;
                csrf_of(&page.text().await?)
                    .ok_or_else(|| anyhow!("no CSRF token on the status page"))?
            } else {
                String::new()
            };
            let mut i = task * 7_919;
            // The first request after the page (or the first of all) is not counted.
            let mut warm = 1;
            // Until the time is up with at least a few calls, or a minute.
            while !(stop.load(Ordering::Relaxed) && lat.len() >= MIN_HTTP_CALLS)
                && started.elapsed() < Duration::from_secs(60)
            {
                let (reference, code) = &pairs[i % pairs.len()];
                i += 1;
                let t0 = Instant::now();
                let req = match route {
                    Route::Form => client.post(format!("{base}/status")).form(&[
                        ("csrf", csrf.as_str()),
                        ("reference", reference),
                        ("code", code),
                    ]),
                    Route::Api => client
                        .post(format!("{base}/api/v1/status"))
                        .json(&serde_json::json!({"reference": reference, "code": code})),
                };
                let ok = match req.send().await {
                    Ok(r) if r.status().is_success() => match r.text().await {
                        // The matter found, not a page saying it was not.
                        Ok(body) => match route {
                            Route::Form => body.contains("id=\"status-result\""),
                            Route::Api => body.contains("\"receipt_number\""),
                        },
                        Err(_) => false,
                    },
                    _ => false,
                };
                let us = t0.elapsed().as_micros() as u64;
                if warm > 0 {
                    warm -= 1;
                } else if ok {
                    lat.push(us);
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok((
        all.len() as f64 / elapsed,
        errors.load(Ordering::Relaxed),
        lat_of(all),
    ))
}

/// Serves the real router in this process (a runtime sized as `ratusz serve` sizes it) and
/// checks status over it.
fn http_status(
    app: &App,
    cfg: &Config,
    port: u16,
    tracked: &[Tracked],
    seconds: u64,
    connections: usize,
) -> anyhow::Result<Vec<HttpRun>> {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((cfg.pool_size as usize).max(2))
        .thread_name("bench-server")
        .build()
        .context("starting the server runtime")?;
    let listener = server_rt
        .block_on(tokio::net::TcpListener::bind(("127.0.0.1", port)))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    let addr = listener.local_addr()?;
    let router = ratusz_web::router(app.clone(), cfg.web_config());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = server_rt.spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stop_rx.await;
        })
        .await
    });
    let base = format!("http://{addr}");
    let by_receipt: Arc<Vec<(String, String)>> = Arc::new(
        tracked
            .iter()
            .map(|t| (t.receipt.clone(), t.code.clone()))
            .collect(),
    );
    let by_sign: Arc<Vec<(String, String)>> = Arc::new(
        tracked
            .iter()
            .filter_map(|t| Some((t.sign.clone()?, t.code.clone())))
            .collect(),
    );
    // The client: one thread, so that the server keeps the rest of the machine.
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut runs = Vec::new();
    let plan = [
        (Route::Form, "POST /status, receipt no.", &by_receipt),
        (Route::Form, "POST /status, case sign", &by_sign),
        (Route::Api, "POST /api/v1/status, receipt", &by_receipt),
    ];
    for (route, name, pairs) in plan {
        if pairs.is_empty() {
            continue;
        }
        for conns in [1, connections.max(1)] {
            let (rate, errors, lat) =
                client_rt.block_on(http_load(&base, route, pairs.clone(), conns, seconds))?;
            runs.push(HttpRun {
                name: format!("{name}, {conns} conn: {rate:.0}/s"),
                errors,
                lat,
            });
            if connections <= 1 {
                break;
            }
        }
    }
    let _ = stop_tx.send(());
    let _ = server_rt.block_on(server);
    server_rt.shutdown_timeout(Duration::from_secs(5));
    Ok(runs)
}

// ---------------------------------------------------------------------------------------------

pub fn portal(cfg: &Config, slug: &str, o: Options) -> anyhow::Result<ExitCode> {
    let Options {
        submissions,
        threads,
        seconds,
        samples,
        connections,
        port,
    } = o;
    // The in-process server answers for this municipality on 127.0.0.1.
    let mut cfg = cfg.clone();
    cfg.default_tenant = Some(slug.to_owned());
    let app = crate::cli::open_app(&cfg)?;
    let engine = app.store.engine();
    let sqlite = engine == ratusz_store::Engine::Sqlite;
    // The demo's services (and, for a new database, the demo itself with its residents).
    app.ensure_demo(&[]).map_err(ae)?;
    let tenant = app
        .tenant_by_slug(slug)
        .map_err(ae)?
        .ok_or_else(|| anyhow!("no municipality {slug:?}: run `ratusz bench seed` first"))?;
    let tid = tenant.tenant_id.clone();
    app.service(&tid, SERVICE, false)
        .map_err(|e| anyhow!("the service {SERVICE} of {slug}: {e}"))?;
    let residents = ratusz_app::demo::RESIDENTS
        .iter()
        .map(|(email, _)| resident(&app, &tid, email))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let cases = app.store.read(|c| seed::case_count(c, &tid))?;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "ratusz bench portal — {}, {cases} cases, {cores} cores; service {SERVICE}, {} residents, \
         {submissions} submissions per run",
        engine.as_str(),
        residents.len()
    );

    // Submitting. A run id keeps idempotency keys fresh across runs of the benchmark.
    let run_id = ratusz_store::new_id();
    let threads = threads.max(2);
    let mut submit_runs = Vec::new();
    let mut tracked = Vec::new();
    for th in [1, threads] {
        let (r, t) = submit_run(&app, &residents, th, submissions, &format!("{run_id}-{th}"))?;
        println!(
            "  submitted {} on {th} thread(s): {:.0}/s",
            r.lat.calls, r.rate
        );
        submit_runs.push(r);
        tracked.extend(t);
    }
    if tracked.is_empty() {
        return Err(anyhow!("no submissions to check the status of"));
    }

    // The status check in-process.
    let with_sign: Vec<&Tracked> = tracked.iter().filter(|t| t.sign.is_some()).collect();
    let mut stride = 0usize;
    let mut pick = |n: usize| {
        stride = (stride + 7_919) % n.max(1);
        stride
    };
    let status_receipt = measure(samples, seconds, |_| {
        let t = &tracked[pick(tracked.len())];
        app.public_status(&tid, &t.receipt, &t.code).map(|_| ())
    })?;
    let status_sign = if with_sign.is_empty() {
        None
    } else {
        Some(measure(samples, seconds, |_| {
            let t = with_sign[pick(with_sign.len())];
            let sign = t.sign.as_deref().unwrap_or_default();
            app.public_status(&tid, sign, &t.code).map(|_| ())
        })?)
    };

    // The status check over HTTP.
    let http = http_status(&app, &cfg, port, &tracked, seconds, connections)?;

    println!();
    println!(
        "{:<46} {:>7} {:>8} {:>8} {:>8} {:>8}  goal",
        "measure", "calls", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let line = |name: &str, l: &Lat, goal: &str| {
        println!(
            "{:<46} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>8.2}  {goal}",
            name, l.calls, l.p50, l.p95, l.p99, l.max
        );
    };
    for r in &submit_runs {
        let goal = if sqlite {
            format!(
                "≥ {GOAL_SUBMISSIONS:.0}/s: {}",
                verdict(r.rate >= GOAL_SUBMISSIONS)
            )
        } else {
            String::new()
        };
        line(
            &format!("submit, {} thr: {:.0}/s", r.threads, r.rate),
            &r.lat,
            &goal,
        );
    }
    let status_goal = |l: &Lat| {
        if l.calls == 0 {
            return "no calls".to_owned();
        }
        format!(
            "p99 < {GOAL_STATUS_P99_MS:.0} ms: {}",
            verdict(l.p99 < GOAL_STATUS_P99_MS)
        )
    };
    line(
        "status in-process, receipt no.",
        &status_receipt,
        &status_goal(&status_receipt),
    );
    if let Some(l) = &status_sign {
        line("status in-process, case sign", l, &status_goal(l));
    }
    for r in &http {
        let errors = if r.errors > 0 {
            format!(" ({} errors)", r.errors)
        } else {
            String::new()
        };
        line(&format!("{}{errors}", r.name), &r.lat, &status_goal(&r.lat));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn the_site_plan_is_a_pdf_whose_cross_references_point_at_its_objects() {
        let pdf = site_plan_pdf(7, "a-7");
        assert_eq!(
            ratusz_app::registry::upload::sniff(&pdf),
            Some("application/pdf")
        );
        assert_ne!(pdf, site_plan_pdf(7, "b-7"), "each file differs");
        let tail = &pdf[find(&pdf, b"startxref\n").expect("startxref") + 10..];
        let start: usize = std::str::from_utf8(tail)
            .ok()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref offset");
        let xref = std::str::from_utf8(&pdf[start..]).expect("ASCII after the header");
        assert!(xref.starts_with("xref\n0 6\n"), "{xref}");
        for (i, line) in xref.lines().skip(3).take(5).enumerate() {
            let off: usize = line[..10].parse().expect("offset");
            let obj = format!("{} 0 obj\n", i + 1);
            assert!(pdf[off..].starts_with(obj.as_bytes()), "object {}", i + 1);
        }
        // The stream's declared length is its content's.
        let from = find(&pdf, b"stream\n").expect("stream") + 7;
        let len = find(&pdf[from..], b"\nendstream").expect("endstream");
        assert!(find(&pdf, format!("/Length {len} ").as_bytes()).is_some());
    }
}
