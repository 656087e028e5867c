//! Virus scanning of uploads with a real clamd. scripts/test.sh starts a private clamd with our
//! test signatures (tests/clamav/ratusz-test.ndb: the EICAR test file and a PDF marker) and
//! sets `RATUSZ_TEST_CLAMD` (its Unix socket) and `RATUSZ_TEST_CLAMD_TCP`. Infected files sent
//! through the registry desk, its API and the residents' portal are refused with a message
//! naming the file, audited, and not stored; clean files pass; a clamd that cannot be reached
//! fails the upload (nothing stored) and `/readyz`.

use crate::both_engines;
use crate::support::*;
use ratusz_app::antivirus::{ClamdAddress, ScanError, Scanner, Verdict};
use sha2::{Digest, Sha256};

const ADMIN: &str = "admin@przykladowo.gov.pl";
const REGISTRAR: &str = "kancelaria@przykladowo.gov.pl";
const RESIDENT: &str = "jan.kowalski@example.pl";
const SERVICE: &str = include_str!("fixtures/test-service.toml");

/// The standard antivirus test file (EICAR): harmless, detected by every scanner.
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A small valid PDF, with `marker` in its document information.
fn pdf(marker: &str) -> Vec<u8> {
    let body = format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
         2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
         3 0 obj\n<< /Title ({marker}) >>\nendobj\n\
         trailer\n<< /Root 1 0 R /Info 3 0 R >>\n%%EOF\n"
    );
    body.into_bytes()
}

/// Caught by our test signature `Ratusz.Test.PdfMarker` (PDF files only).
fn infected_pdf() -> Vec<u8> {
    pdf("RATUSZ-ANTIVIRUS-TEST-MARKER")
}

fn env_clamd(var: &str) -> Option<String> {
    match std::env::var(var).ok().filter(|v| !v.is_empty()) {
        Some(v) => Some(v),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{var} is not set: scripts/test.sh starts a private clamd and sets it; \
             run the tests through scripts/test.sh"
        ),
        None => {
            eprintln!(
                "{var} not set: antivirus test not run (scripts/test.sh starts clamd and sets it)"
            );
            None
        }
    }
}

/// Our signature's name, or the official database's (`Win.Test.EICAR_HDB-1`) when scripts/test.sh
/// found freshclam's files and clamd matched that one first.
fn is_eicar(signature: &str) -> bool {
    signature.starts_with("Eicar-Test-Signature") || signature.contains("EICAR")
}

fn scanner(address: &str) -> Scanner {
    Scanner::new(address.parse::<ClamdAddress>().expect("clamd address"))
}

fn server(engine: Engine, clamd: &str) -> TestServer {
    let scanner = scanner(clamd);
    TestServer::start_custom(engine, ratusz_web::WebConfig::default(), move |s| {
        s.antivirus = Some(scanner);
    })
}

fn resident(s: &TestServer) -> Client {
    let c = s.client();
    let r = c.submit(
        "/login",
        "/login",
        &[
            ("email", RESIDENT),
            ("password", ratusz_app::demo::RESIDENT_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "resident sign-in: {}", r.body);
    c
}

fn import_service(s: &TestServer) {
    let admin = s.staff(ADMIN);
    let page = admin.get("/panel/admin/services");
    let r = admin.post_multipart(
        "/panel/admin/services",
        &[("csrf", &page.csrf()), ("source", SERVICE)],
        &[],
    );
    assert_eq!(r.status, 303, "import: {}", r.body);
}

fn registered(s: &TestServer) -> usize {
    let token = s.token(&s.demo_tenant, REGISTRAR, &["read"]);
    let p = s
        .app
        .authenticate_token(&token)
        .expect("auth")
        .expect("principal");
    s.app
        .incoming_register(&p, Default::default(), 500, 0)
        .expect("register")
        .len()
}

/// Whether a file with these bytes reached blob storage.
fn stored(s: &TestServer, bytes: &[u8]) -> bool {
    let sha = hex::encode(Sha256::digest(bytes));
    s.app
        .settings
        .data_dir
        .join("blobs")
        .join(&s.demo_tenant)
        .join("sha256")
        .join(&sha[..2])
        .join(&sha)
        .exists()
}

fn desk_form(desk: &Client) -> Vec<(&'static str, String)> {
    let page = desk.get("/panel/incoming/new");
    assert_eq!(page.status, 200, "{}", page.body);
    vec![
        ("csrf", page.csrf()),
        ("channel", "paper".into()),
        ("kind", "letter".into()),
        ("title", "Pismo z załącznikiem".into()),
        ("sender_name", "Anna Nowak".into()),
        ("sender_address", "ul. Polna 1".into()),
    ]
}

/// The portal form of the test service, filled in; `key` is the idempotency key.
fn portal_form(csrf: &str, key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.into()),
        ("idempotency_key", key.into()),
        ("action", "submit".into()),
        ("full_name", "Jan Kowalski".into()),
        ("pesel", "44051401359".into()),
        ("address.street", "ul. Kwiatowa 5".into()),
        ("address.postal_code", "12-345".into()),
        ("address.city", "Przykładowo".into()),
        ("owner", "yes".into()),
    ]
}

fn idempotency_key(body: &str) -> String {
    extract_input(body, "idempotency_key").expect("idempotency key in the form")
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

both_engines!(
    infected_uploads_are_refused_audited_and_not_stored,
    |engine| {
        let Some(clamd) = env_clamd("RATUSZ_TEST_CLAMD") else {
            return;
        };
        let s = server(engine, &clamd);
        assert_eq!(s.client().get("/readyz").status, 200, "clamd answers");

        // The registry desk: the EICAR file (a text file by its bytes) is refused, named, audited.
        let desk = s.staff(REGISTRAR);
        let before = registered(&s);
        let form = desk_form(&desk);
        let r = desk.post_multipart(
            "/panel/incoming",
            &as_refs(&form),
            &[("files", "eicar.txt", EICAR.to_vec())],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("value=\"Pismo z załącznikiem\""),
            "typed text kept"
        );
        assert_eq!(registered(&s), before, "nothing registered");
        assert!(!stored(&s, EICAR), "the infected file is not stored");
        let events = s
            .app
            .audit_events(&s.demo_tenant, 500, None)
            .expect("audit");
        let event = events
            .iter()
            .find(|e| e.action == ratusz_app::antivirus::MALWARE_REFUSED)
            .expect("a security event in the audit chain");
        assert_eq!(event.actor_label, REGISTRAR);
        let details: serde_json::Value = serde_json::from_str(&event.details).expect("json");
        assert_eq!(details["file_name"], "eicar.txt");
        assert_eq!(details["sha256"], hex::encode(Sha256::digest(EICAR)));
        let signature = details["signature"].as_str().unwrap_or_default();
        assert!(is_eicar(signature), "{details}");
        // The message names the file and the signature (without clamd's ".UNOFFICIAL" mark).
        let shown = signature.trim_end_matches(".UNOFFICIAL");
        assert!(
            r.body.contains(&format!(
                "Plik „eicar.txt” zawiera złośliwe oprogramowanie ({shown}) i nie został przyjęty."
            )),
            "{}",
            r.body
        );

        // With a clean file next to an infected one, neither is stored.
        let clean = pdf("Zwykle pismo");
        let form = desk_form(&desk);
        let r = desk.post_multipart(
            "/panel/incoming",
            &as_refs(&form),
            &[
                ("files", "pismo.pdf", clean.clone()),
                ("files", "zalacznik.pdf", infected_pdf()),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("Plik „zalacznik.pdf” zawiera"),
            "{}",
            r.body
        );
        assert!(!stored(&s, &clean) && !stored(&s, &infected_pdf()));
        assert_eq!(registered(&s), before);

        // A clean PDF passes and is stored.
        let form = desk_form(&desk);
        let r = desk.post_multipart(
            "/panel/incoming",
            &as_refs(&form),
            &[("files", "pismo.pdf", clean.clone())],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(registered(&s), before + 1);
        assert!(stored(&s, &clean));

        // The API, in English when asked.
        use base64::Engine as _;
        let token = s.token(&s.demo_tenant, REGISTRAR, &["write"]);
        let body = serde_json::json!({
            "channel": "epuap", "kind": "letter", "title": "Pismo",
            "sender_name": "Anna Nowak", "sender_address": "ul. Leśna 2",
            "files": [{"file_name": "eicar.com", "content_base64": base64::engine::general_purpose::STANDARD.encode(EICAR)}]
        });
        let r = reqwest::blocking::Client::new()
            .post(format!("{}/api/v1/incoming", s.base))
            .bearer_auth(&token)
            .header("accept-language", "en")
            .json(&body)
            .send()
            .expect("POST");
        assert_eq!(r.status().as_u16(), 422);
        let json: serde_json::Value = r.json().expect("json");
        assert_eq!(json["code"], "invalid_input", "{json}");
        assert_eq!(json["fields"][0]["field"], "files", "{json}");
        assert_eq!(json["fields"][0]["code"], "malware", "{json}");
        let message = json["fields"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("File \u{201c}eicar.com.txt\u{201d} contains malware ("),
            "{json}"
        );
        assert_eq!(registered(&s), before + 1);

        // The residents' portal: an infected PDF is refused, the answers are kept, nothing is
        // submitted; a clean one is accepted.
        import_service(&s);
        let c = resident(&s);
        let page = c.get("/services/test-zgloszenie/apply");
        assert_eq!(page.status, 200, "{}", page.body);
        let form = portal_form(&page.csrf(), &idempotency_key(&page.body));
        let r = c.post_multipart(
            "/services/test-zgloszenie/apply",
            &as_refs(&form),
            &[("site_plan", "mapa.pdf", infected_pdf())],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains(
                "Plik „mapa.pdf” zawiera złośliwe oprogramowanie (Ratusz.Test.PdfMarker)"
            ),
            "{}",
            r.body
        );
        assert!(r.body.contains("id=\"site_plan-error\""), "{}", r.body);
        assert!(r.body.contains("value=\"ul. Kwiatowa 5\""), "answers kept");
        assert!(!stored(&s, &infected_pdf()));
        assert_eq!(registered(&s), before + 1, "nothing submitted");
        let refused = s
            .app
            .audit_events(&s.demo_tenant, 500, None)
            .expect("audit")
            .into_iter()
            .filter(|e| e.action == ratusz_app::antivirus::MALWARE_REFUSED)
            .count();
        assert_eq!(refused, 4, "each infected file audited once");

        let plan = pdf("Mapa sytuacyjna dzialki");
        let r = c.post_multipart(
            "/services/test-zgloszenie/apply",
            &as_refs(&form),
            &[("site_plan", "mapa.pdf", plan.clone())],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(stored(&s, &plan));
        assert_eq!(registered(&s), before + 2);
    }
);

both_engines!(unreachable_clamd_fails_closed, |engine| {
    if env_clamd("RATUSZ_TEST_CLAMD").is_none() {
        return;
    }
    // A port nothing listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let s = server(engine, &format!("tcp://{closed}"));
    let r = s.client().get("/readyz");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body, "antivirus unavailable");

    let desk = s.staff(REGISTRAR);
    let before = registered(&s);
    let clean = pdf("Pismo bez wirusow");
    let form = desk_form(&desk);
    let r = desk.post_multipart(
        "/panel/incoming",
        &as_refs(&form),
        &[("files", "pismo.pdf", clean.clone())],
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body
            .contains("Nie możemy teraz sprawdzić plików programem antywirusowym, więc niczego nie zapisaliśmy."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"Pismo z załącznikiem\""),
        "typed text kept"
    );
    assert_eq!(registered(&s), before);
    assert!(!stored(&s, &clean), "nothing unscanned is stored");

    // The API says so with its own code.
    let token = s.token(&s.demo_tenant, REGISTRAR, &["write"]);
    use base64::Engine as _;
    let body = serde_json::json!({
        "channel": "epuap", "kind": "letter", "title": "Pismo",
        "sender_name": "Anna Nowak", "sender_address": "ul. Leśna 2",
        "files": [{"file_name": "pismo.pdf", "content_base64": base64::engine::general_purpose::STANDARD.encode(&clean)}]
    });
    let r = s
        .client()
        .api_post("/api/v1/incoming", Some(&token), &body.to_string());
    assert_eq!(r.status, 503, "{}", r.body);
    let json: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(json["code"], "antivirus_unavailable", "{json}");

    // The portal keeps the resident's answers and says to try again later.
    import_service(&s);
    let c = resident(&s);
    let page = c.get("/services/test-zgloszenie/apply");
    let form = portal_form(&page.csrf(), &idempotency_key(&page.body));
    let r = c.post_multipart(
        "/services/test-zgloszenie/apply",
        &as_refs(&form),
        &[("site_plan", "mapa.pdf", clean.clone())],
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("spróbuj wysłać ponownie za kilka minut"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"ul. Kwiatowa 5\""), "answers kept");
    assert_eq!(registered(&s), before, "nothing submitted");
    assert!(!stored(&s, &clean));
});

/// The client against the real daemon over both transports, including clamd hanging up on a
/// stream longer than its `StreamMaxLength` (25 MiB in scripts/lib/clamd.sh).
#[test]
fn clamd_over_tcp_and_unix_socket() {
    let (Some(unix), Some(tcp)) = (
        env_clamd("RATUSZ_TEST_CLAMD"),
        env_clamd("RATUSZ_TEST_CLAMD_TCP"),
    ) else {
        return;
    };
    for address in [&unix, &tcp] {
        let sc = scanner(address);
        sc.ping().expect("PING");
        assert_eq!(sc.scan(b"zwykly tekst").expect("scan"), Verdict::Clean);
        match sc.scan(EICAR).expect("scan") {
            Verdict::Infected(name) => assert!(is_eicar(&name), "{name}"),
            Verdict::Clean => panic!("EICAR not detected over {address}"),
        }
    }
    let mut sc = scanner(&tcp);
    sc.stream_max_bytes = 64 * 1024 * 1024;
    let big = vec![b'a'; 26 * 1024 * 1024];
    assert!(
        matches!(sc.scan(&big), Err(ScanError::TooLarge { .. })),
        "clamd's own limit is reported as too large, not as an outage"
    );
}

// ------------------------------------------------------------------------- configuration

/// Runs `ratusz serve` until its standard error has a line containing `wanted` (and, with
/// `then_exit`, until it exits) or it exits; then kills it. Returns whether the line came,
/// whether it exited by itself, and what it wrote.
fn serve_until(
    mut cmd: std::process::Command,
    wanted: &str,
    then_exit: bool,
) -> (bool, bool, String) {
    use std::io::BufRead;
    use std::time::{Duration, Instant};
    let mut child = cmd
        .arg("serve")
        .env("RATUSZ_LISTEN", format!("127.0.0.1:{}", free_port()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = String::new();
    let (mut found, mut exited) = (false, false);
    // A generous limit for a slow machine; not a measurement.
    let give_up = Instant::now() + Duration::from_secs(120);
    while Instant::now() < give_up && !found {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => {
                found = line.contains(wanted);
                log.push_str(&line);
                log.push('\n');
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if child.try_wait().expect("try_wait").is_some() {
                    exited = true;
                    // Whatever it wrote before exiting.
                    while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
                        found |= line.contains(wanted);
                        log.push_str(&line);
                        log.push('\n');
                    }
                    break;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                exited = child.wait().is_ok();
                break;
            }
        }
    }
    let settle = Instant::now() + Duration::from_secs(20);
    while then_exit && !exited && Instant::now() < settle {
        exited = child.try_wait().expect("try_wait").is_some();
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    (found, exited, log)
}

#[test]
fn serving_without_clamd_warns_that_uploads_are_not_scanned() {
    let w = TestDb::new(Engine::Sqlite);
    let (found, exited, log) = serve_until(ratusz_in(&w.dir), "WITHOUT a virus scan", false);
    assert!(found && !exited, "{log}");
}

#[test]
fn required_scanning_without_clamd_refuses_to_start() {
    let w = TestDb::new(Engine::Sqlite);
    std::fs::write(w.dir.join("ratusz.toml"), "[antivirus]\nrequired = true\n").expect("write");
    let (found, exited, log) = serve_until(ratusz_in(&w.dir), "antivirus.required is set", true);
    assert!(found && exited, "{log}");
    assert!(log.contains("RATUSZ_CLAMD"), "{log}");
}

#[test]
fn a_malformed_clamd_address_is_refused_naming_the_setting_and_the_form() {
    let w = TestDb::new(Engine::Sqlite);
    let mut cmd = ratusz_in(&w.dir);
    cmd.env("RATUSZ_CLAMD", "127.0.0.1:3310");
    let r = run_cmd(cmd.arg("migrate"), None);
    assert!(!r.ok(), "{r}");
    assert!(r.stderr.contains("RATUSZ_CLAMD"), "{r}");
    assert!(r.stderr.contains("tcp://HOST:PORT"), "{r}");
    // The same in ratusz.toml, and a good value there works.
    std::fs::write(
        w.dir.join("ratusz.toml"),
        "[antivirus]\nclamd = \"unix:relative.sock\"\n",
    )
    .expect("write");
    let r = run_cmd(ratusz_in(&w.dir).arg("migrate"), None);
    assert!(!r.ok() && r.stderr.contains("unix:/ABSOLUTE/PATH"), "{r}");
    std::fs::write(
        w.dir.join("ratusz.toml"),
        "[antivirus]\nclamd = \"unix:/run/clamav/clamd.ctl\"\n",
    )
    .expect("write");
    let r = run_cmd(ratusz_in(&w.dir).arg("migrate"), None);
    assert!(r.ok(), "{r}");
}

#[test]
fn serving_with_a_silent_clamd_and_a_too_large_upload_limit_warns_about_both() {
    let w = TestDb::new(Engine::Sqlite);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let mut cmd = ratusz_in(&w.dir);
    cmd.env("RATUSZ_CLAMD", format!("tcp://{closed}"))
        .env("RATUSZ_MAX_UPLOAD_MIB", "30");
    let (found, exited, log) = serve_until(cmd, "clamd does not answer yet", false);
    assert!(found && !exited, "{log}");
    assert!(
        log.contains("max_upload_mib (30 MiB) is larger than antivirus.stream_max_mib (25 MiB)"),
        "{log}"
    );
}
