//! `ratusz bench alerts`: how fast an approved alert reaches its subscribers.
//!
//! On the configured database (use a scratch one: `RATUSZ_DATABASE_URL=sqlite://…`), with the
//! demo municipality, the benchmark adds `--subscribers` active e-mail subscribers at random
//! points over the municipality (plus one locality), then measures:
//!
//! 1. matching all subscribers' points against a storm polygon (pure, in memory);
//! 2. the fan-out of one approved alert: writing one delivery row and one queued e-mail per
//!    matching subscriber (what `alert_fanout` does);
//! 3. sending: the mail worker delivering `--send` of those e-mails to a local SMTP sink the
//!    benchmark starts (it accepts everything and counts messages), as e-mails per second.
//!
//! It also prints the process's peak memory. Prints figures; asserts nothing.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::anyhow;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratusz_app::App;
use ratusz_app::alerts::AlertInput;
use ratusz_core::alerts::{AreaMatcher, Point, Polygon, Template};
use ratusz_store::alerts::{self as repo, SubscriberRow};

use crate::config::{Config, SmtpConfig};

pub struct Options {
    pub subscribers: usize,
    pub send: usize,
    pub seed: u64,
}

/// The demo municipality's box (its address points lie inside).
const LAT: (f64, f64) = (50.030, 50.095);
const LON: (f64, f64) = (19.880, 20.000);
/// The storm's polygon: about a third of the box.
const POLYGON: &str = "50.030,19.880 50.095,19.880 50.095,19.920 50.030,19.920 50.030,19.880";

/// A local SMTP server that accepts every message (RFC 5321's minimum) and counts them.
fn smtp_sink() -> anyhow::Result<(u16, Arc<AtomicUsize>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let c = c.clone();
            std::thread::spawn(move || {
                // Replies go out at once (no Nagle delay), as a real MTA's do.
                let _ = stream.set_nodelay(true);
                let Ok(read) = stream.try_clone() else { return };
                let mut reader = BufReader::new(read);
                let mut out = stream;
                let _ = out.write_all(b"220 sink ESMTP\r\n");
                let mut line = String::new();
                let mut in_data = false;
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            c.fetch_add(1, Ordering::Relaxed);
                            let _ = out.write_all(b"250 queued\r\n");
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = out.write_all(b"221 bye\r\n");
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = out.write_all(reply);
                }
            });
        }
    });
    Ok((port, count))
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(0.0, |k| k / 1024.0)
}

fn ae(e: ratusz_app::AppError) -> anyhow::Error {
    anyhow!("{e}")
}

pub fn alerts(cfg: &Config, o: Options) -> anyhow::Result<ExitCode> {
    let (port, delivered) = smtp_sink()?;
    let mut cfg = cfg.clone();
    cfg.smtp = Some(SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        security: "none".into(),
    });
    let app: App = crate::cli::open_app(&cfg)?;
    let tenant = app.ensure_demo(&[]).map_err(ae)?;
    let tid = tenant.tenant_id.clone();
    println!(
        "bench alerts: {} subscribers, {} e-mails sent to a local SMTP sink, seed {}",
        o.subscribers, o.send, o.seed
    );

    // Subscribers at random points over the municipality.
    let mut rng = StdRng::seed_from_u64(o.seed);
    let started = Instant::now();
    let run = ratusz_store::new_id();
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1_000_000;
    let rows: Vec<SubscriberRow> = (0..o.subscribers)
        .map(|i| SubscriberRow {
            id: ratusz_store::new_id(),
            tenant_id: tid.clone(),
            channel: "email".into(),
            address: format!("mieszkaniec-{i}-{run}@example.pl"),
            topics: String::new(),
            localities: "Dobra".into(),
            lat: Some(rng.gen_range(LAT.0..LAT.1)),
            lon: Some(rng.gen_range(LON.0..LON.1)),
            place_label: String::new(),
            status: "active".into(),
            token: format!("bench-{run}-{i}"),
            created_at: now,
            confirmed_at: Some(now),
            unsubscribed_at: None,
        })
        .collect();
    for chunk in rows.chunks(5_000) {
        app.store.write(|c| {
            for r in chunk {
                repo::insert_subscriber(c, r)?;
            }
            Ok::<_, ratusz_store::StoreError>(())
        })?;
    }
    println!(
        "  seeded {} subscribers in {:.1} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );

    // 1. Point in polygon.
    let polygon = Polygon::parse(POLYGON).ok_or_else(|| anyhow!("polygon"))?;
    let mut area = ratusz_core::alerts::Area::new("bench");
    area.polygons.push(polygon);
    let points: Vec<Point> = rows
        .iter()
        .filter_map(|r| {
            Some(Point {
                lat: r.lat?,
                lon: r.lon?,
            })
        })
        .collect();
    let t = Instant::now();
    let matcher = AreaMatcher::new(&area);
    let inside = points.iter().filter(|p| matcher.contains(**p)).count();
    println!(
        "  matching {} points to the polygon: {:.1} ms, {inside} inside (goal < 1 s)",
        points.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    drop(rows);

    // 2. Compose, approve, fan out.
    let desk = super::registry::staff_principal(&app, &tid, "kancelaria@przykladowo.gov.pl")?;
    let manager = super::registry::staff_principal(&app, &tid, "kierownik.gk@przykladowo.gov.pl")?;
    let mut input = AlertInput::from_template(Template::Storm);
    let fmt = ratusz_core::clock::warsaw_datetime_local;
    let now_t = time::OffsetDateTime::now_utc();
    input.onset = fmt(now_t);
    input.expires = fmt(now_t + time::Duration::hours(3));
    input.polygon = POLYGON.into();
    let alert = app.create_alert(&desk, &input).map_err(ae)?;
    app.submit_alert(&desk, &alert.id).map_err(ae)?;
    let approved = Instant::now();
    app.approve_alert(&manager, &alert.id).map_err(ae)?;
    let written = app.fan_out(&tid, &alert.id).map_err(ae)?;
    let fan = approved.elapsed().as_secs_f64();
    println!(
        "  fan-out: {written} deliveries and queued e-mails written in {fan:.1} s ({:.0}/s)",
        written as f64 / fan.max(f64::MIN_POSITIVE)
    );

    // 3. Sending through the mail queue to the sink.
    let t = Instant::now();
    let mut steps = 0usize;
    while delivered.load(Ordering::Relaxed) < o.send.min(written) {
        match app.run_one_job("bench").map_err(ae)? {
            ratusz_app::jobs::Step::Idle => break,
            _ => steps += 1,
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let n = delivered.load(Ordering::Relaxed);
    let rate = n as f64 / secs.max(f64::MIN_POSITIVE);
    println!(
        "  sending: {n} e-mails accepted by the sink in {secs:.1} s ({rate:.0}/s, {steps} jobs run); \
         at that rate all {written} would take {:.0} s (goal: 100,000 e-mails and 100,000 SMS in < 60 s)",
        written as f64 / rate.max(f64::MIN_POSITIVE)
    );
    println!("  peak memory of this process: {:.0} MiB", peak_rss_mib());
    Ok(ExitCode::SUCCESS)
}
