//! `ratusz bench alerts`: how fast an approved alert reaches its subscribers.
//!
//! On the configured database (use a scratch one: `RATUSZ_DATABASE_URL=sqlite://…`), with the
//! demo municipality, the benchmark adds `--subscribers` residents at random points over the
//! municipality, each subscribed by e-mail and by SMS, then measures:
//!
//! 1. matching all residents' points against a storm polygon over a third of the municipality
//!    (pure, in memory);
//! 2. one alert for the whole municipality, from approval to every e-mail accepted by a local
//!    SMTP sink and every SMS accepted by a local SMS gateway speaking SMSAPI's protocol (both
//!    started by the benchmark, from `ratusz-testkit`): the fan-out (delivery rows and queued
//!    messages), then `--workers` job workers sending, as the goal counts it
//!    (100,000 e-mails and 100,000 SMS in under 60 s);
//! 3. for `--browsers` of the residents, also a web push notification, encrypted and signed for
//!    each browser and accepted (decrypted and verified) by a local push service.
//!
//! It also prints the process's peak memory. Prints figures; asserts nothing.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratusz_app::App;
use ratusz_app::alerts::AlertInput;
use ratusz_core::alerts::{AreaMatcher, Point, Polygon, Template};
use ratusz_store::alerts::{self as repo, SubscriberRow};

use crate::config::{Config, SmsConfig, SmtpConfig};

pub struct Options {
    pub subscribers: usize,
    pub workers: usize,
    pub browsers: usize,
    pub seed: u64,
}

/// The demo municipality's box (its address points lie inside).
const LAT: (f64, f64) = (50.030, 50.095);
const LON: (f64, f64) = (19.880, 20.000);
/// The storm's polygon for the matching figure: about a third of the box.
const POLYGON: &str = "50.030,19.880 50.095,19.880 50.095,19.920 50.030,19.920 50.030,19.880";
/// The alert's polygon: the whole box.
const WHOLE: &str = "50.029,19.879 50.096,19.879 50.096,20.001 50.029,20.001 50.029,19.879";

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
    let sink = ratusz_testkit::smtp::Sink::start(None, false)?;
    let gateway = ratusz_testkit::sms::Gateway::start("bench-token", false)?;
    let mut cfg = cfg.clone();
    cfg.smtp = Some(SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        username: None,
        password: None,
        security: "none".into(),
        rate_per_second: 0,
    });
    cfg.sms = Some(SmsConfig {
        api_url: gateway.base_url.clone(),
        token: "bench-token".into(),
        sender: "Gmina".into(),
        rate_per_second: 0,
        timeout_secs: 15,
        codes_per_hour: ratusz_app::alerts::SMS_CODES_PER_HOUR,
    });
    cfg.push.enabled = true;
    cfg.push.endpoint_hosts = Some(vec!["127.0.0.1".into()]);
    cfg.push.allow_http = true;
    let push = ratusz_testkit::push::PushService::start()?;
    let app: App = crate::cli::open_app(&cfg)?;
    let tenant = app.ensure_demo(&[]).map_err(ae)?;
    let tid = tenant.tenant_id.clone();
    let server_key = app
        .push_public_key(&tid)
        .ok_or_else(|| anyhow!("web push is off"))?;
    let browsers: Vec<_> = (0..o.browsers.min(o.subscribers))
        .map(|_| push.subscribe(&server_key))
        .collect();
    println!(
        "bench alerts: {} residents subscribed by e-mail and SMS ({} also by a browser), {} workers, seed {}",
        o.subscribers,
        browsers.len(),
        o.workers,
        o.seed
    );

    // Residents at random points over the municipality, one row per channel.
    let mut rng = StdRng::seed_from_u64(o.seed);
    let started = Instant::now();
    let run = ratusz_store::new_id().replace('-', "");
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1_000_000;
    let points: Vec<Point> = (0..o.subscribers)
        .map(|_| Point {
            lat: rng.gen_range(LAT.0..LAT.1),
            lon: rng.gen_range(LON.0..LON.1),
        })
        .collect();
    let row = |i: usize, p: &Point, channel: &str| SubscriberRow {
        id: ratusz_store::new_id(),
        tenant_id: tid.clone(),
        channel: channel.into(),
        address: if channel == "sms" {
            format!("48{}", 600_000_000 + i)
        } else {
            format!("mieszkaniec-{i}-{run}@example.pl")
        },
        topics: String::new(),
        localities: String::new(),
        lat: Some(p.lat),
        lon: Some(p.lon),
        place_label: String::new(),
        status: "active".into(),
        token: format!("bench-{run}-{channel}-{i}"),
        created_at: now,
        confirmed_at: Some(now),
        unsubscribed_at: None,
        confirm_code: None,
        confirm_attempts: 0,
        short_code: (channel == "sms").then(|| format!("{:010}", i)),
        push_p256dh: None,
        push_auth: None,
    };
    let browser_row = |i: usize, p: &Point| {
        let b = &browsers[i];
        SubscriberRow {
            address: b.endpoint.clone(),
            push_p256dh: Some(b.p256dh.clone()),
            push_auth: Some(b.auth.clone()),
            ..row(i, p, "push")
        }
    };
    let indexed: Vec<(usize, &Point)> = points.iter().enumerate().collect();
    for chunk in indexed.chunks(5_000) {
        app.store.write(|c| {
            for (i, p) in chunk {
                repo::insert_subscriber(c, &row(*i, p, "email"))?;
                repo::insert_subscriber(c, &row(*i, p, "sms"))?;
                if *i < browsers.len() {
                    repo::insert_subscriber(c, &browser_row(*i, p))?;
                }
            }
            Ok::<_, ratusz_store::StoreError>(())
        })?;
    }
    println!(
        "  seeded {} subscriptions in {:.1} s",
        2 * points.len() + browsers.len(),
        started.elapsed().as_secs_f64()
    );

    // 1. Point in polygon.
    let polygon = Polygon::parse(POLYGON).ok_or_else(|| anyhow!("polygon"))?;
    let mut area = ratusz_core::alerts::Area::new("bench");
    area.polygons.push(polygon);
    let t = Instant::now();
    let matcher = AreaMatcher::new(&area);
    let inside = points.iter().filter(|p| matcher.contains(**p)).count();
    println!(
        "  matching {} points to the polygon: {:.1} ms, {inside} inside (goal < 1 s)",
        points.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );

    // 2. Compose and approve an alert for the whole municipality; workers send as soon as the
    // fan-out queues the first batches.
    let desk = super::registry::staff_principal(&app, &tid, "kancelaria@przykladowo.gov.pl")?;
    let manager = super::registry::staff_principal(&app, &tid, "kierownik.gk@przykladowo.gov.pl")?;
    let mut input = AlertInput::from_template(Template::Storm);
    let fmt = ratusz_core::clock::warsaw_datetime_local;
    let now_t = time::OffsetDateTime::now_utc();
    input.onset = fmt(now_t);
    input.expires = fmt(now_t + time::Duration::hours(3));
    input.polygon = WHOLE.into();
    let alert = app.create_alert(&desk, &input).map_err(ae)?;
    app.submit_alert(&desk, &alert.id).map_err(ae)?;
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..o.workers.max(1))
        .map(|w| {
            let (app, stop) = (app.clone(), stop.clone());
            std::thread::spawn(move || {
                let name = format!("bench-{w}");
                while !stop.load(Ordering::Relaxed) {
                    match app.run_one_job(&name) {
                        Ok(ratusz_app::jobs::Step::Idle) | Err(_) => {
                            std::thread::sleep(Duration::from_millis(20))
                        }
                        Ok(_) => {}
                    }
                }
            })
        })
        .collect();
    let approved = Instant::now();
    app.approve_alert(&manager, &alert.id).map_err(ae)?;
    let want = points.len();
    let (mut mail_done, mut sms_done, mut push_done, mut fanned) = (None, None, None, None);
    let deadline = approved + Duration::from_secs(600);
    while (mail_done.is_none() || sms_done.is_none() || push_done.is_none())
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(10));
        let el = approved.elapsed().as_secs_f64();
        if fanned.is_none()
            && app
                .alert(&manager, &alert.id)
                .map_err(ae)?
                .fanned_out_at
                .is_some()
        {
            fanned = Some(el);
        }
        if mail_done.is_none() && sink.count() >= want {
            mail_done = Some(el);
        }
        if sms_done.is_none() && gateway.count() >= want {
            sms_done = Some(el);
        }
        if push_done.is_none() && push.count() >= browsers.len() {
            push_done = Some(el);
        }
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let show = |t: Option<f64>| t.map_or("not within 600 s".to_owned(), |s| format!("{s:.1} s"));
    println!(
        "  fan-out of {} deliveries (e-mail, SMS and push) done {} after approval",
        2 * want + browsers.len(),
        show(fanned)
    );
    println!(
        "  all {want} e-mails accepted by the SMTP sink {} after approval ({} accepted)",
        show(mail_done),
        sink.count()
    );
    println!(
        "  all {want} SMS accepted by the gateway {} after approval ({} accepted in {} requests)",
        show(sms_done),
        gateway.count(),
        gateway.requests()
    );
    println!(
        "  all {} browser notifications accepted by the push service {} after approval ({} requests)",
        browsers.len(),
        show(push_done),
        push.requests()
    );
    let total = mail_done.zip(sms_done).map(|(a, b)| a.max(b));
    println!(
        "  approval to every message accepted: {} (goal: 100,000 e-mails and 100,000 SMS in < 60 s)",
        show(total)
    );
    println!("  peak memory of this process: {:.0} MiB", peak_rss_mib());
    Ok(ExitCode::SUCCESS)
}
