//! Fuzz-style robustness: random bodies, queries, path parameters and headers against every
//! form route and every API route (with and without tokens). The server must always answer,
//! and never with a 5xx. The seed is printed; rerun one with `RATUSZ_FUZZ_SEED=<seed>`.

use crate::both_engines;
use crate::isolation::{ROUTES, api_routes, form_routes, try_send, url_encode};
use crate::support::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Requests per route and engine.
const N: usize = 40;
/// Requests per GET page route (their only input is the query string and path).
const N_PAGES: usize = 10;

const FORM_KEYS: &[&str] = &[
    "csrf",
    "email",
    "password",
    "password_confirm",
    "display_name",
    "code",
    "token",
    "symbol",
    "name",
    "role",
    "unit",
];
const JSON_KEYS: &[&str] = &["symbol", "name", "value", "id", "tenant_id", "limit"];
const QUERY_KEYS: &[&str] = &[
    "from", "term", "limit", "before", "token", "back", "created", "reset", "id",
];

fn seed() -> u64 {
    std::env::var("RATUSZ_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

fn random_bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    let n = rng.gen_range(0..=max);
    (0..n).map(|_| rng.r#gen::<u8>()).collect()
}

/// A field value: the nasty cases are over-represented on purpose.
fn random_value(rng: &mut StdRng) -> Vec<u8> {
    match rng.gen_range(0..18) {
        0 => vec![],
        1 => b"jan.kowalski@example.pl".to_vec(),
        2 => "Zażółć gęślą jaźń".as_bytes().to_vec(),
        3 => b"abc\0def".to_vec(),
        4 => vec![0xff, 0xfe, 0xc3, 0x28],
        5 => b"999999999999999999999999999999999999".to_vec(),
        6 => b"-1e308".to_vec(),
        7 => "x".repeat(rng.gen_range(100..6000)).into_bytes(),
        8 => b"<script>alert(1)</script>".to_vec(),
        9 => ratusz_app::demo::STAFF_PASSWORD.as_bytes().to_vec(),
        10 => b"' OR 1=1 --".to_vec(),
        11 => b"../../etc/passwd".to_vec(),
        12 => "😀".repeat(rng.gen_range(1..300)).into_bytes(),
        13 => random_bytes(rng, 64),
        14 => uuid::Uuid::now_v7().to_string().into_bytes(),
        15 => [
            "admin",
            "clerk",
            "manager",
            "registrar",
            "resident",
            "ADMIN",
        ]
        .choose(rng)
        .unwrap()
        .as_bytes()
        .to_vec(),
        16 => format!("{:06}", rng.gen_range(0..1_000_000)).into_bytes(),
        _ => (0..rng.gen_range(1..30))
            .map(|_| rng.gen_range(b'a'..=b'z'))
            .collect(),
    }
}

fn random_json(rng: &mut StdRng, depth: u32) -> serde_json::Value {
    use serde_json::{Value, json};
    match rng.gen_range(0..if depth > 2 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.r#gen()),
        2 => json!(rng.r#gen::<i64>()),
        3 => json!(rng.r#gen::<f64>() * 1e300),
        4 => Value::String(String::from_utf8_lossy(&random_value(rng)).into_owned()),
        5 => Value::String("\u{0}".repeat(rng.gen_range(1..5))),
        6 => Value::Array(
            (0..rng.gen_range(0..5))
                .map(|_| random_json(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.gen_range(0..6) {
                let k = if rng.gen_bool(0.7) {
                    JSON_KEYS.choose(rng).unwrap().to_string()
                } else {
                    String::from_utf8_lossy(&random_value(rng)).into_owned()
                };
                m.insert(k, random_json(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

fn random_json_body(rng: &mut StdRng) -> Vec<u8> {
    match rng.gen_range(0..8) {
        0 => random_bytes(rng, 300),
        1 => b"{\"symbol\": 1e999999, \"name\": 123456789012345678901234567890}".to_vec(),
        2 => b"{\"value\": \"\\u0000\", \"symbol\": \"\\ud800\"}".to_vec(),
        3 => {
            let mut v = b"{\"symbol\":\"AB\",\"name\":\"".to_vec();
            v.extend(std::iter::repeat_n(b'n', rng.gen_range(1000..80_000)));
            v.extend(b"\"}");
            v
        }
        4 => {
            // Valid shape, random strings.
            let s = String::from_utf8_lossy(&random_value(rng)).into_owned();
            let n = String::from_utf8_lossy(&random_value(rng)).into_owned();
            serde_json::to_vec(&serde_json::json!({"symbol": s, "name": n, "value": s})).unwrap()
        }
        5 => {
            let mut v = serde_json::to_vec(&random_json(rng, 0)).unwrap();
            if rng.gen_bool(0.5) && !v.is_empty() {
                let cut = rng.gen_range(0..v.len());
                v.truncate(cut);
            }
            v
        }
        6 => vec![0xff, 0xfe, b'{', b'}', 0],
        _ => serde_json::to_vec(&random_json(rng, 0)).unwrap(),
    }
}

fn random_form_body(rng: &mut StdRng, csrf: &str) -> Vec<u8> {
    match rng.gen_range(0..10) {
        0 => random_bytes(rng, 512),
        1 => random_json_body(rng),
        2 => {
            // Very long, sometimes over the 64 KiB limit.
            let mut v = format!("csrf={csrf}&email=").into_bytes();
            v.extend(std::iter::repeat_n(b'a', rng.gen_range(1000..80_000)));
            v
        }
        3 => {
            // Raw invalid UTF-8 and NUL bytes, not percent-encoded.
            let mut v = format!("csrf={csrf}&email=").into_bytes();
            v.extend([0xff, 0xfe, 0x00, b'@', 0xc3]);
            v.extend(b"&name=\x00\x01\x02");
            v
        }
        4 => format!("csrf={csrf}&csrf=x&email=a&email=b&code=1&code=2").into_bytes(),
        5 => b"email=%&csrf=%G1%&password=%%%&=&&&==".to_vec(),
        _ => {
            let mut pairs = vec![];
            if rng.gen_bool(0.6) {
                pairs.push(format!("csrf={}", url_encode(csrf.as_bytes())));
            }
            for _ in 0..rng.gen_range(0..9) {
                let k = if rng.gen_bool(0.8) {
                    FORM_KEYS.choose(rng).unwrap().as_bytes().to_vec()
                } else {
                    random_value(rng)
                };
                let v = random_value(rng);
                pairs.push(format!("{}={}", url_encode(&k), url_encode(&v)));
            }
            pairs.shuffle(rng);
            pairs.join("&").into_bytes()
        }
    }
}

fn random_query(rng: &mut StdRng) -> String {
    if rng.gen_bool(0.2) {
        return String::new();
    }
    let pairs: Vec<String> = (0..rng.gen_range(1..5))
        .map(|_| {
            let k = if rng.gen_bool(0.8) {
                QUERY_KEYS.choose(rng).unwrap().as_bytes().to_vec()
            } else {
                random_value(rng)
            };
            let v = match rng.gen_range(0..6) {
                0 => b"2026-11-23".to_vec(),
                1 => ["14d", "2w", "1m", "0d", "4294967295m", "99999999999d"]
                    .choose(rng)
                    .unwrap()
                    .as_bytes()
                    .to_vec(),
                2 => rng.r#gen::<i64>().to_string().into_bytes(),
                _ => random_value(rng),
            };
            format!("{}={}", url_encode(&k), url_encode(&v))
        })
        .collect();
    format!("?{}", pairs.join("&"))
}

/// A value for a path parameter, percent-encoded.
fn random_segment(rng: &mut StdRng, good: &[&str]) -> String {
    match rng.gen_range(0..6) {
        0 | 1 => good.choose(rng).unwrap().to_string(),
        2 => rng.r#gen::<i64>().to_string(),
        3 => "%FF%FE".into(),
        4 => "%00".into(),
        _ => {
            let v = random_value(rng);
            let s = url_encode(&v);
            if s.is_empty() { "x".into() } else { s }
        }
    }
}

fn preview(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    format!("{s:?} ({} bytes)", body.len())
}

const CONTENT_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=xyz",
    "application/x-www-form-urlencoded; charset=iso-8859-2",
];

struct Fuzzer {
    rng: StdRng,
    seed: u64,
    sent: usize,
    failures: Vec<String>,
}

impl Fuzzer {
    fn request(
        &mut self,
        c: &Client,
        who: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) {
        self.sent += 1;
        let shown = body.as_deref().map(preview).unwrap_or_default();
        let mut answer = try_send(c, method, path, headers, body.clone());
        if answer.is_err() {
            // A pooled keep-alive connection the server closed after an earlier request (for
            // example one whose large body it refused unread) fails on reuse: try once more (the
            // dead connection has left the pool). A request that kills its connection every
            // time still fails.
            answer = try_send(c, method, path, headers, body);
        }
        match answer {
            Ok(r) if r.status >= 500 => self.failures.push(format!(
                "{method} {path} as {who} headers {headers:?} → {}\n  body sent: {shown}\n  answer: {}",
                r.status,
                &r.body[..r.body.len().min(300)]
            )),
            Ok(_) => {}
            Err(e) => self.failures.push(format!(
                "{method} {path} as {who} headers {headers:?} → no answer: {e}\n  body sent: {shown}"
            )),
        }
    }
}

/// A page fetched to take its form token. Like [`Fuzzer::request`], it retries once on a
/// connection the server closed after an earlier fuzzed request left its body unread (seen in CI:
/// `IncompleteMessage` on the reused keep-alive connection); a second failure is a real one.
fn fetch_page(c: &Client, path: &str) -> Resp {
    try_send(c, "GET", path, &[], None)
        .or_else(|_| try_send(c, "GET", path, &[], None))
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

both_engines!(random_input_never_causes_a_server_error, |engine| {
    let seed = seed();
    println!("fuzz seed {seed} ({engine:?}); rerun with RATUSZ_FUZZ_SEED={seed}");
    eprintln!("fuzz seed {seed} ({engine:?}); rerun with RATUSZ_FUZZ_SEED={seed}");
    let srv = TestServer::start(engine);
    let t = srv.demo_tenant.clone();
    let admin_id = srv
        .app
        .user_by_email(&t, "admin@przykladowo.gov.pl")
        .unwrap()
        .unwrap()
        .id;
    let admin_token = srv.token(&t, "admin@przykladowo.gov.pl", &["admin"]);
    let read_token = srv.token(&t, "referent.gk@przykladowo.gov.pl", &["read"]);
    let mut f = Fuzzer {
        rng: StdRng::seed_from_u64(seed),
        seed,
        sent: 0,
        failures: vec![],
    };

    // Browsers in each state a form can meet: anonymous, fully signed in, half signed in
    // (password done, TOTP due), and enrolling (staff without TOTP).
    let anon = srv.client();
    let admin = srv.staff("admin@przykladowo.gov.pl");
    let half = srv.client();
    let r = half.submit(
        "/login",
        "/login",
        &[
            ("email", "kancelaria@przykladowo.gov.pl"),
            ("password", ratusz_app::demo::STAFF_PASSWORD),
        ],
    );
    assert_eq!(r.location.as_deref(), Some("/login/mfa"));
    srv.app
        .create_staff(
            &t,
            &ratusz_app::accounts::NewStaff {
                email: "fuzz.enrol@przykladowo.gov.pl".into(),
                display_name: "Fuzz Enrol".into(),
                password: "Zielony-Rower-Nad-Wisla-77".into(),
                role: ratusz_core::roles::Role::Registrar,
                unit_id: None,
                totp_secret: None,
            },
            &ratusz_app::audit::Actor::cli(),
        )
        .unwrap();
    let enrolling = srv.client();
    let r = enrolling.submit(
        "/login",
        "/login",
        &[
            ("email", "fuzz.enrol@przykladowo.gov.pl"),
            ("password", "Zielony-Rower-Nad-Wisla-77"),
        ],
    );
    assert_eq!(r.location.as_deref(), Some("/mfa/setup"));
    let browsers: [(&str, &Client, &str); 4] = [
        ("anonymous", &anon, "/login"),
        ("admin", &admin, "/panel"),
        ("half-signed-in", &half, "/login/mfa"),
        ("enrolling", &enrolling, "/mfa/setup"),
    ];

    // Sign-outs last: they end the sessions the other routes use.
    let mut forms = form_routes();
    forms.sort_by_key(|p| p.starts_with("/logout"));
    for route in forms {
        let csrfs: Vec<String> = browsers
            .iter()
            .map(|(_, c, page)| fetch_page(c, page).csrf())
            .collect();
        for _ in 0..N {
            let i = f.rng.gen_range(0..browsers.len());
            let (who, c, _) = browsers[i];
            let csrf = if f.rng.gen_bool(0.8) {
                csrfs[i].clone()
            } else {
                "x".into()
            };
            let id = random_segment(&mut f.rng, &[admin_id.as_str()]);
            let path = route.replace("{id}", &id);
            let body = random_form_body(&mut f.rng, &csrf);
            let ct = *CONTENT_TYPES.choose(&mut f.rng).unwrap();
            let headers: Vec<(&str, &str)> = if f.rng.gen_bool(0.9) {
                vec![("content-type", ct)]
            } else {
                vec![]
            };
            f.request(c, who, "POST", &path, &headers, Some(body));
        }
    }

    // Every API route, with and without a token, with the route's method and others.
    let garbage = format!("Bearer rtz_{}", "A".repeat(40));
    let admin_auth = format!("Bearer {admin_token}");
    let read_auth = format!("Bearer {read_token}");
    let auths: [Option<&str>; 6] = [
        None,
        Some(&admin_auth),
        Some(&read_auth),
        Some(&garbage),
        Some("Bearer"),
        Some("Basic YWRtaW46YWRtaW4="),
    ];
    let api_client = srv.client();
    for (method, route) in api_routes() {
        for k in 0..N {
            // Half the requests carry a valid token, the other half none or a bad one.
            let auth = if k % 2 == 0 {
                *[auths[1], auths[2]].choose(&mut f.rng).unwrap()
            } else {
                *[auths[0], auths[3], auths[4], auths[5]]
                    .choose(&mut f.rng)
                    .unwrap()
            };
            let m = if f.rng.gen_bool(0.8) {
                method
            } else {
                *["GET", "POST", "PUT", "DELETE", "PATCH"]
                    .choose(&mut f.rng)
                    .unwrap()
            };
            let year = random_segment(&mut f.rng, &["2026", "1951", "2200", "1950", "2201"]);
            let kind = random_segment(
                &mut f.rng,
                &["pesel", "nip", "regon", "iban", "postal-code", "ade"],
            );
            let path = format!(
                "{}{}",
                route.replace("{year}", &year).replace("{kind}", &kind),
                random_query(&mut f.rng)
            );
            let lang = *["en", "pl", "de;q=0.1", "*", ""]
                .choose(&mut f.rng)
                .unwrap();
            let mut headers: Vec<(&str, &str)> = vec![("accept-language", lang)];
            if let Some(a) = auth {
                headers.push(("authorization", a));
            }
            let body = (m != "GET").then(|| random_json_body(&mut f.rng));
            if body.is_some() && f.rng.gen_bool(0.9) {
                headers.push(("content-type", "application/json"));
            }
            f.request(&api_client, "api", m, &path, &headers, body);
        }
    }

    // Page routes: random queries and path parameters.
    for (_, route) in ROUTES
        .iter()
        .filter(|(m, p)| *m == "GET" && !p.starts_with("/api/"))
    {
        for _ in 0..N_PAGES {
            let i = f.rng.gen_range(0..browsers.len());
            let (who, c, _) = browsers[i];
            let code = random_segment(&mut f.rng, &["en", "pl"]);
            let path = format!(
                "{}{}",
                route.replace("{code}", &code),
                random_query(&mut f.rng)
            );
            f.request(c, who, "GET", &path, &[], None);
        }
    }

    assert!(f.sent > 800, "only {} requests sent", f.sent);
    assert!(
        f.failures.is_empty(),
        "seed {} ({engine:?}): {} of {} random requests got a 5xx or no answer (RATUSZ_FUZZ_SEED={} \
         reproduces); first ones:\n{}",
        f.seed,
        f.failures.len(),
        f.sent,
        f.seed,
        f.failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The server is still healthy and the audit chain intact after all that.
    assert_eq!(srv.client().get("/healthz").status, 200);
    assert!(srv.app.verify_chain(&t).unwrap().first_break.is_none());
});
