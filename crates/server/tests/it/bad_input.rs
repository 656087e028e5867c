//! Bad input of every kind gets a clear page (people) or `{code, message}` JSON (API) with the
//! right status, never a 5xx: wrong passwords, CSRF, dead sessions, oversized and malformed
//! bodies and queries, unknown tenants, routes and methods, and the language switch.

use crate::both_engines;
use crate::isolation::{FORM, form_routes, send, try_send};
use crate::support::*;
use ratusz_app::audit::Actor;
use ratusz_app::demo::{RESIDENT_PASSWORD, STAFF_PASSWORD, STAFF_TOTP_SECRET};

const ADMIN: &str = "admin@przykladowo.gov.pl";
const JAN: &str = "jan.kowalski@example.pl";

/// An HTML page with this status and text.
fn assert_page(r: &Resp, status: u16, text: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        ct.starts_with("text/html"),
        "{what}: content-type {ct:?}: {}",
        r.body
    );
    assert!(r.body.contains("<html"), "{what}: not a page: {}", r.body);
    assert!(
        r.body.contains(text),
        "{what}: {text:?} missing: {}",
        r.body
    );
}

/// A JSON `{code, message}` error with this status and code; returns the body.
fn assert_api_error(r: &Resp, status: u16, code: &str, what: &str) -> serde_json::Value {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/json"),
        "{what}: content-type {ct:?}: {}",
        r.body
    );
    let v: serde_json::Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", r.body));
    assert_eq!(v["code"], code, "{what}: {}", r.body);
    assert!(
        v["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: no message: {}",
        r.body
    );
    v
}

/// A JSON error body with some 4xx status.
fn assert_api_4xx(r: &Resp, what: &str) -> serde_json::Value {
    assert!(
        (400..500).contains(&r.status),
        "{what}: status {}: {}",
        r.status,
        r.body
    );
    let v: serde_json::Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", r.body));
    assert!(
        v["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{what}: {}",
        r.body
    );
    assert!(
        v["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {}",
        r.body
    );
    v
}

both_engines!(wrong_password_gets_a_polish_422_page, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    for (email, password) in [
        (JAN, "Zupelnie-Zle-Haslo-1"),
        ("nikt.taki@example.pl", RESIDENT_PASSWORD),
        ("", ""),
        ("nie-adres", "x"),
    ] {
        let r = c.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        );
        assert_page(
            &r,
            422,
            "Adres e-mail lub hasło są nieprawidłowe",
            &format!("login {email:?}"),
        );
        assert!(r.body.contains("lang=\"pl\""));
        assert!(
            !r.body.contains(password) || password.len() < 3,
            "password echoed"
        );
    }
});

both_engines!(
    bad_or_missing_csrf_is_refused_on_every_form_route,
    |engine| {
        let srv = TestServer::start(engine);
        let admin = srv.staff(ADMIN);
        let admin_id = srv
            .app
            .user_by_email(&srv.demo_tenant, ADMIN)
            .unwrap()
            .unwrap()
            .id;
        let anon = srv.client();
        anon.get("/login");
        let units_before = srv.app.units(&srv.demo_tenant).unwrap().len();
        let other_csrf = srv
            .staff("kancelaria@przykladowo.gov.pl")
            .get("/panel")
            .csrf();
        assert!(!other_csrf.is_empty());
        let mut checked = 0;
        for route in form_routes() {
            let path = route.replace("{id}", &admin_id);
            let fields = [
                ("email", "nowy@przykladowo.gov.pl"),
                ("display_name", "Nowy Ktoś"),
                ("password", "Zielony-Rower-Nad-Wisla-77"),
                ("password_confirm", "Zielony-Rower-Nad-Wisla-77"),
                ("symbol", "CS"),
                ("name", "Referat CSRF"),
                ("role", "admin"),
                ("code", "123456"),
                ("token", "abc"),
            ];
            for (who, c) in [("admin", &admin), ("anonymous", &anon)] {
                for csrf in [Some("zly-token-zly-token-zly-token"), Some(""), None] {
                    let mut all: Vec<(&str, &str)> = fields.to_vec();
                    if let Some(t) = csrf {
                        all.push(("csrf", t));
                    }
                    let r = c.post_form(&path, &all);
                    assert_page(
                        &r,
                        403,
                        "Formularz wygasł",
                        &format!("{who} POST {path} csrf={csrf:?}"),
                    );
                    checked += 1;
                }
            }
            // Another session's token is no better.
            let mut all: Vec<(&str, &str)> = fields.to_vec();
            all.push(("csrf", &other_csrf));
            let r = admin.post_form(&path, &all);
            assert_page(
                &r,
                403,
                "Formularz wygasł",
                &format!("POST {path} with another session's token"),
            );
        }
        assert!(checked >= 60, "{checked}");
        assert_eq!(srv.app.units(&srv.demo_tenant).unwrap().len(), units_before);
        assert_eq!(admin.get("/panel").status, 200, "still signed in");
        // English pages say it in English.
        admin.get("/lang/en?back=/");
        let r = admin.post_form("/panel/admin/units", &[("csrf", "x")]);
        assert_page(&r, 403, "The form expired", "English CSRF page");
    }
);

/// Runs SQL on the test database directly (to age a session).
fn raw_sql(db: &TestDb, sql: &str) {
    use diesel::{Connection, RunQueryDsl};
    match db.engine {
        Engine::Sqlite => {
            let path = db.url.trim_start_matches("sqlite://");
            let mut c = diesel::SqliteConnection::establish(path).expect("sqlite");
            diesel::sql_query(sql).execute(&mut c).expect("sql");
        }
        Engine::Postgres => {
            let mut c = diesel::PgConnection::establish(&db.url).expect("pg");
            diesel::sql_query(sql).execute(&mut c).expect("sql");
        }
    }
}

both_engines!(
    unknown_or_expired_session_cookie_is_treated_as_signed_out,
    |engine| {
        let srv = TestServer::start(engine);
        let long = "x".repeat(5000);
        for cookie in [
            "ratusz_session=nieznany-token-sesji-1234567890".to_owned(),
            "ratusz_session=".to_owned(),
            format!("ratusz_session={long}"),
            "ratusz_session=%00%FF; ratusz_csrf=%FF".to_owned(),
        ] {
            let c = Client::new(&srv.base, None);
            let hdr = [("cookie", cookie.as_str())];
            let r = send(&c, "GET", "/panel", &hdr, None);
            assert_eq!(r.status, 303, "{cookie}: {}", r.body);
            assert_eq!(r.location.as_deref(), Some("/login"));
            let r = send(&c, "GET", "/account", &hdr, None);
            assert_eq!(r.location.as_deref(), Some("/login"));
            let r = send(&c, "GET", "/login", &hdr, None);
            assert_eq!(r.status, 200, "the sign-in page is shown, not a loop");
            let r = send(&c, "GET", "/panel/admin/audit", &hdr, None);
            assert_eq!(r.status, 303);
        }
        // A real session that has expired.
        let admin = srv.staff(ADMIN);
        assert_eq!(admin.get("/panel").status, 200);
        raw_sql(&srv.db, "UPDATE sessions SET expires_at = 1");
        let r = admin.get("/panel");
        assert_eq!(r.status, 303, "expired session: {}", r.body);
        assert_eq!(r.location.as_deref(), Some("/login"));
        assert_eq!(admin.get("/login").status, 200);
        // Signing in again works.
        admin.sign_in_staff(ADMIN, STAFF_PASSWORD, STAFF_TOTP_SECRET);
        assert_eq!(admin.get("/panel").status, 200);
    }
);

both_engines!(oversized_bodies_get_413, |engine| {
    let srv = TestServer::start(engine);
    let big = format!("csrf=x&email={}", "a".repeat(70 * 1024)).into_bytes();
    let anon = srv.client();
    let r = send(&anon, "POST", "/login", &[FORM], Some(big.clone()));
    assert_page(&r, 413, "Za dużo danych", "form route");
    let admin = srv.staff(ADMIN);
    let r = send(
        &admin,
        "POST",
        "/panel/admin/units",
        &[FORM],
        Some(big.clone()),
    );
    assert_page(&r, 413, "Za dużo danych", "admin form route");
    let token = srv.token(&srv.demo_tenant, ADMIN, &["admin"]);
    let auth = format!("Bearer {token}");
    let json = format!(r#"{{"symbol":"XL","name":"{}"}}"#, "a".repeat(70 * 1024)).into_bytes();
    let hdr = [
        ("content-type", "application/json"),
        ("authorization", auth.as_str()),
    ];
    let r = send(&anon, "POST", "/api/v1/units", &hdr, Some(json.clone()));
    assert_api_error(&r, 413, "payload_too_large", "API units");
    let r = send(
        &anon,
        "POST",
        "/api/v1/validate/pesel",
        &hdr[..1],
        Some(json),
    );
    assert_api_error(&r, 413, "payload_too_large", "API validate");
    assert!(
        !srv.app
            .units(&srv.demo_tenant)
            .unwrap()
            .iter()
            .any(|u| u.symbol == "XL")
    );
    // Just under the limit is fine (a clear 4xx, not 413).
    let ok = format!("csrf=x&email={}", "a".repeat(60 * 1024)).into_bytes();
    let r = send(&anon, "POST", "/login", &[FORM], Some(ok));
    assert_page(&r, 403, "Formularz wygasł", "under the limit");
});

both_engines!(malformed_and_wrongly_shaped_json_gets_400, |engine| {
    let srv = TestServer::start(engine);
    let token = srv.token(&srv.demo_tenant, ADMIN, &["admin"]);
    let c = srv.client();
    for body in [
        "{",
        "{\"symbol\": \"AB\", \"name\": ",
        "not json",
        "",
        "\u{0}",
        "{\"symbol\":\"AB\",\"name\":\"x\"} trailing",
        // valid JSON, wrong shape
        "[]",
        "\"AB\"",
        "42",
        "null",
        "{}",
        "{\"symbol\": 5, \"name\": \"Referat\"}",
        "{\"symbol\": \"AB\", \"name\": [\"Referat\"]}",
        "{\"symbol\": \"AB\"}",
    ] {
        let r = c.api_post("/api/v1/units", Some(&token), body);
        assert_api_error(&r, 400, "malformed_json", &format!("body {body:?}"));
    }
    let r = c.api_post("/api/v1/validate/pesel", None, "{\"value\": 44051401359}");
    assert_api_error(&r, 400, "malformed_json", "validate with a number");
    // Valid shape, invalid values: 422 with the fields.
    let r = c.api_post("/api/v1/units", Some(&token), r#"{"symbol":"","name":""}"#);
    let v = assert_api_error(&r, 422, "invalid_input", "empty unit");
    let fields: Vec<&str> = v["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"symbol") && fields.contains(&"name"),
        "{v}"
    );
    // Taken symbol: a clear 422 too.
    let r = c.api_post(
        "/api/v1/units",
        Some(&token),
        r#"{"symbol":"GK","name":"Drugi GK"}"#,
    );
    assert_api_4xx(&r, "taken symbol");
});

both_engines!(malformed_queries_get_json_4xx, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    for q in [
        "",
        "?from=abc&term=14d",
        "?from=2026-02-30&term=14d",
        "?from=2026-01-01&term=abc",
        "?from=2026-01-01&term=99999999999999999999d",
        "?from=2026-01-01&term=-5d",
        "?from=2200-12-31&term=1m",
        "?from=2026-01-01&from=2026-01-02&term=14d",
        "?from=%FF%FE&term=%00",
        "?from=2026-01-01&term=14d&term=2w",
    ] {
        let r = c.api_get(&format!("/api/v1/calendar/deadline{q}"), None);
        assert_api_4xx(&r, &format!("deadline{q}"));
    }
    let r = c.api_get("/api/v1/calendar/deadline?from=2026-11-06&term=14d", None);
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.api_get("/api/v1/calendar/deadline?from=abc&term=14d", None);
    let v = assert_api_error(&r, 422, "invalid_input", "bad date");
    assert_eq!(v["fields"][0]["field"], "from");
    let r = c.api_get("/api/v1/calendar/deadline?from=1&from=2", None);
    assert_api_error(&r, 400, "malformed_query", "duplicate parameter");
    let token = srv.token(&srv.demo_tenant, ADMIN, &["admin"]);
    for q in [
        "?limit=abc",
        "?before=1e99",
        "?limit=99999999999999999999999",
    ] {
        let r = c.api_get(&format!("/api/v1/audit/events{q}"), Some(&token));
        assert_api_error(&r, 400, "malformed_query", q);
    }
    for year in ["abc", "99999999999", "1950", "-1"] {
        let r = c.api_get(&format!("/api/v1/calendar/holidays/{year}"), None);
        assert_api_4xx(&r, &format!("holidays/{year}"));
    }
});

/// `Ok` when `r` is a 4xx `{code, message}` JSON answer.
fn api_4xx_problem(r: &Resp) -> Result<(), String> {
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let json: Option<serde_json::Value> = serde_json::from_str(&r.body).ok();
    let ok = (400..500).contains(&r.status)
        && ct.starts_with("application/json")
        && json
            .as_ref()
            .is_some_and(|v| v["code"].is_string() && v["message"].is_string());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} {ct:?} {:?}",
            r.status,
            &r.body[..r.body.len().min(120)]
        ))
    }
}

/// `Ok` when `r` is a 4xx HTML page of the site (not axum's plain-text rejection).
fn page_4xx_problem(r: &Resp) -> Result<(), String> {
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if (400..500).contains(&r.status) && ct.starts_with("text/html") && r.body.contains("<h1>") {
        Ok(())
    } else {
        Err(format!(
            "{} {ct:?} {:?}",
            r.status,
            &r.body[..r.body.len().min(120)]
        ))
    }
}

both_engines!(
    malformed_path_segments_and_page_queries_get_clear_answers,
    |engine| {
        // Path parameters and query strings that axum's own extractors reject (invalid UTF-8 after
        // percent-decoding, a repeated parameter) must still answer as the API or a page would:
        // `{code, message}` JSON under /api, an HTML page elsewhere. All cases are checked, then
        // every problem is reported at once.
        let srv = TestServer::start(engine);
        let c = srv.client();
        let admin = srv.staff(ADMIN);
        let csrf = admin.get("/panel").csrf();
        let mut problems = vec![];
        let mut check = |what: &str, r: Resp, res: fn(&Resp) -> Result<(), String>| {
            assert!(r.status < 500, "{what}: {} {}", r.status, r.body);
            if let Err(e) = res(&r) {
                problems.push(format!("{what} → {e}"));
            }
        };
        check(
            "GET /api/v1/calendar/holidays/%FF",
            c.api_get("/api/v1/calendar/holidays/%FF", None),
            api_4xx_problem,
        );
        check(
            "POST /api/v1/validate/%FF%FE",
            c.api_post("/api/v1/validate/%FF%FE", None, r#"{"value":"1"}"#),
            api_4xx_problem,
        );
        check(
            "GET /verify-email?token=a&token=b",
            c.get("/verify-email?token=a&token=b"),
            page_4xx_problem,
        );
        check(
            "GET /password/reset?token=a&token=b",
            c.get("/password/reset?token=a&token=b"),
            page_4xx_problem,
        );
        check(
            "GET /lang/%FF?back=/",
            c.get("/lang/%FF?back=/"),
            page_4xx_problem,
        );
        check(
            "GET /lang/en?back=/a&back=/b",
            c.get("/lang/en?back=/a&back=/b"),
            page_4xx_problem,
        );
        check(
            "GET /panel/admin/units?created=A&created=B (admin)",
            admin.get("/panel/admin/units?created=A&created=B"),
            page_4xx_problem,
        );
        check(
            "POST /panel/admin/users/%FF/reset-mfa (admin)",
            admin.post_form("/panel/admin/users/%FF/reset-mfa", &[("csrf", &csrf)]),
            page_4xx_problem,
        );
        assert!(
            problems.is_empty(),
            "malformed paths/queries answered with axum's plain-text rejection instead of the \
         site's error page or API JSON:\n{}",
            problems.join("\n")
        );
    }
);

both_engines!(nul_bytes_in_form_fields_are_refused_cleanly, |engine| {
    // PostgreSQL text cannot hold NUL; a NUL in a form or JSON must become a clear 4xx, never a
    // 500. No person types one, so the whole form is refused as unreadable (400 page, or the
    // API's malformed_json) before anything reaches the database. Every case is tried, then
    // all problems are reported at once.
    let srv = TestServer::start(engine);
    let c = srv.client();
    let admin = srv.staff(ADMIN);
    let csrf = admin.get("/panel").csrf();
    let token = srv.token(&srv.demo_tenant, ADMIN, &["admin"]);
    let pw = "Zielony-Rower-Nad-Wisla-77";
    let cases: Vec<(&str, Resp, u16)> = vec![
        (
            "POST /login, NUL in the e-mail",
            c.submit(
                "/login",
                "/login",
                &[
                    ("email", "jan\u{0}@example.pl"),
                    ("password", "Cokolwiek-123-abc"),
                ],
            ),
            400,
        ),
        (
            "POST /signup, NUL in the e-mail and name",
            c.submit(
                "/signup",
                "/signup",
                &[
                    ("email", "nul\u{0}@example.pl"),
                    ("display_name", "Nul\u{0}Bajt"),
                    ("password", pw),
                    ("password_confirm", pw),
                ],
            ),
            400,
        ),
        (
            "POST /password/forgot, NUL in the e-mail",
            c.submit(
                "/password/forgot",
                "/password/forgot",
                &[("email", "a\u{0}@b.pl")],
            ),
            400,
        ),
        (
            "POST /panel/admin/units, NUL in symbol and name",
            admin.post_form(
                "/panel/admin/units",
                &[
                    ("csrf", &csrf),
                    ("symbol", "N\u{0}L"),
                    ("name", "Referat\u{0}Nul"),
                ],
            ),
            400,
        ),
        (
            "POST /panel/admin/users, NUL as the unit id",
            admin.post_form(
                "/panel/admin/users",
                &[
                    ("csrf", &csrf),
                    ("email", "nowy.nul@przykladowo.gov.pl"),
                    ("display_name", "Nowy Nul"),
                    ("password", pw),
                    ("role", "clerk"),
                    ("unit", "\u{0}"),
                ],
            ),
            400,
        ),
        (
            "POST /panel/admin/users/%00/reset-mfa",
            admin.post_form("/panel/admin/users/%00/reset-mfa", &[("csrf", &csrf)]),
            404,
        ),
        (
            "GET /verify-email?token=%00",
            c.get("/verify-email?token=%00"),
            400,
        ),
        (
            "POST /api/v1/units, NUL in JSON strings",
            c.api_post(
                "/api/v1/units",
                Some(&token),
                r#"{"symbol":"N\u0000","name":"Referat\u0000"}"#,
            ),
            400,
        ),
        (
            "POST /api/v1/validate/pesel, NUL in the value",
            c.api_post(
                "/api/v1/validate/pesel",
                None,
                r#"{"value":"4405\u00001401359"}"#,
            ),
            400,
        ),
    ];
    let problems: Vec<String> = cases
        .iter()
        .filter(|(_, r, want)| r.status != *want)
        .map(|(what, r, want)| {
            let title = r
                .body
                .split("<title>")
                .nth(1)
                .and_then(|t| t.split("</title>").next())
                .unwrap_or(&r.body);
            format!("{what}: {} (want {want}) {title:?}", r.status)
        })
        .collect();
    assert!(
        problems.is_empty(),
        "NUL bytes mishandled:\n{}",
        problems.join("\n")
    );
    assert!(
        !srv.app
            .units(&srv.demo_tenant)
            .unwrap()
            .iter()
            .any(|u| u.symbol.contains('\0'))
    );
});

/// A server whose settings name no default tenant (hosts must be claimed).
struct NoDefaultServer {
    _db: TestDb,
    base: String,
    _rt: tokio::runtime::Runtime,
}

fn start_without_default_tenant(engine: Engine) -> (NoDefaultServer, ratusz_app::App) {
    use std::sync::Arc;
    let db = TestDb::new(engine);
    let settings = ratusz_app::Settings {
        default_tenant: None,
        ..test_settings()
    };
    let app = ratusz_app::App::new(
        db.store(),
        Arc::new(ratusz_core::clock::SystemClock),
        settings,
    );
    app.ensure_demo(&[]).expect("demo");
    app.create_tenant(
        "sasiednia",
        "Gmina Sąsiednia",
        &[OTHER_HOST.into()],
        &Actor::cli(),
    )
    .expect("tenant with a host");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let router = ratusz_web::router(app.clone(), ratusz_web::WebConfig::default());
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    (
        NoDefaultServer {
            _db: db,
            base: format!("http://{addr}"),
            _rt: rt,
        },
        app,
    )
}

both_engines!(unknown_tenant_without_default_gets_404_page, |engine| {
    let (srv, app) = start_without_default_tenant(engine);
    for host in [None, Some("nieznana.example"), Some("przykladowo.gov.pl")] {
        let c = Client::new(&srv.base, host.map(str::to_owned));
        for p in ["/", "/login", "/panel", "/signup", "/panel/admin/users"] {
            let r = c.get(p);
            assert_page(&r, 404, "Nieznana gmina", &format!("{host:?} {p}"));
        }
        let r = c.post_form("/login", &[("csrf", "x"), ("email", JAN)]);
        assert_page(&r, 404, "Nieznana gmina", "POST /login");
        // The API needs no tenant host: the token names the tenant.
        let r = c.api_get("/api/v1/calendar/holidays/2026", None);
        assert_eq!(r.status, 200);
        assert_eq!(c.get("/healthz").status, 200);
    }
    // A claimed host still works.
    let c = Client::new(&srv.base, Some(OTHER_HOST.into()));
    let r = c.get("/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Gmina Sąsiednia"));
    let r = Client::new(&srv.base, Some("SASIEDNIA.TEST:8080".into())).get("/login");
    assert_eq!(
        r.status, 200,
        "host names are case-insensitive and the port is ignored"
    );
    drop(app);
});

both_engines!(invalid_totp_formats_are_refused_with_422, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    let r = c.submit(
        "/login",
        "/login",
        &[("email", ADMIN), ("password", STAFF_PASSWORD)],
    );
    assert_eq!(r.location.as_deref(), Some("/login/mfa"));
    // Five wrong codes: the sixth would hit the per-account lock-out (429), tested in auth.rs.
    for code in [
        "abc",
        "12345678901234567890",
        "",
        "１２３４５６",
        "<script>",
    ] {
        let r = c.submit("/login/mfa", "/login/mfa", &[("code", code)]);
        assert_page(
            &r,
            422,
            "Kod jest nieprawidłowy lub wygasł",
            &format!("/login/mfa {code:?}"),
        );
        assert!(!r.body.contains("<script>"), "code echoed unescaped");
    }
    // A new staff member's enrolment refuses them too.
    srv.app
        .create_staff(
            &srv.demo_tenant,
            &ratusz_app::accounts::NewStaff {
                email: "nowy.totp@przykladowo.gov.pl".into(),
                display_name: "Nowy Totp".into(),
                password: "Zielony-Rower-Nad-Wisla-77".into(),
                role: ratusz_core::roles::Role::Registrar,
                unit_id: None,
                totp_secret: None,
            },
            &Actor::cli(),
        )
        .unwrap();
    let n = srv.client();
    let r = n.submit(
        "/login",
        "/login",
        &[
            ("email", "nowy.totp@przykladowo.gov.pl"),
            ("password", "Zielony-Rower-Nad-Wisla-77"),
        ],
    );
    assert_eq!(r.location.as_deref(), Some("/mfa/setup"));
    for code in ["abc", "12345678901234567890", ""] {
        let r = n.submit("/mfa/setup", "/mfa/setup", &[("code", code)]);
        assert_page(
            &r,
            422,
            "Kod się nie zgadza",
            &format!("/mfa/setup {code:?}"),
        );
    }
});

both_engines!(api_speaks_english_when_asked, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    let en = [("accept-language", "en-GB,en;q=0.9")];
    let r = send(&c, "GET", "/api/v1/me", &en, None);
    let v = assert_api_error(&r, 401, "unauthenticated", "en");
    assert!(
        v["message"].as_str().unwrap().starts_with("No valid token"),
        "{v}"
    );
    let r = send(&c, "GET", "/api/v1/me", &[], None);
    let v = assert_api_error(&r, 401, "unauthenticated", "pl");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Brak ważnego tokenu"),
        "{v}"
    );
    let r = send(
        &c,
        "GET",
        "/api/v1/calendar/deadline?from=abc&term=14d",
        &en,
        None,
    );
    let v = assert_api_error(&r, 422, "invalid_input", "en fields");
    assert!(v["message"].as_str().unwrap().contains("invalid"), "{v}");
    assert!(
        v["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Give the date"),
        "{v}"
    );
    let token = srv.token(&srv.demo_tenant, ADMIN, &["admin"]);
    let auth = format!("Bearer {token}");
    let r = send(
        &c,
        "POST",
        "/api/v1/units",
        &[
            ("accept-language", "en"),
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        Some(b"{oops".to_vec()),
    );
    let v = assert_api_error(&r, 400, "malformed_json", "en json");
    assert!(
        v["message"].as_str().unwrap().contains("not valid JSON"),
        "{v}"
    );
    let r = send(&c, "GET", "/api/v1/nope", &en, None);
    let v = assert_api_error(&r, 404, "not_found", "en 404");
    assert_eq!(v["message"], "Resource not found.");
});

both_engines!(unknown_routes_404_and_wrong_methods_405, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    for p in [
        "/nie-ma-takiej-strony",
        "/panel/nope",
        "/static/nope.js",
        "/login/extra",
    ] {
        assert_page(&c.get(p), 404, "Nie ma takiej strony", p);
    }
    for p in ["/api/v1/nope", "/api/v2/me", "/api/v1/units/123", "/api/"] {
        assert_api_error(&c.api_get(p, None), 404, "not_found", p);
    }
    for (m, p) in [
        ("GET", "/logout"),
        ("GET", "/logout/everywhere"),
        ("GET", "/panel/admin/users/1/reset-mfa"),
        ("DELETE", "/login"),
        ("PUT", "/panel/admin/units"),
        ("POST", "/panel"),
        ("POST", "/"),
    ] {
        let r = send(&c, m, p, &[FORM], Some(b"csrf=x".to_vec()));
        assert_page(&r, 405, "Niedozwolona operacja", &format!("{m} {p}"));
    }
    for (m, p) in [
        ("GET", "/api/v1/validate/pesel"),
        ("DELETE", "/api/v1/units"),
        ("POST", "/api/v1/me"),
        ("PUT", "/api/v1/calendar/deadline"),
    ] {
        let r = send(
            &c,
            m,
            p,
            &[("content-type", "application/json")],
            Some(b"{}".to_vec()),
        );
        assert_api_error(&r, 405, "method_not_allowed", &format!("{m} {p}"));
    }
});

both_engines!(
    language_switch_sets_cookie_and_refuses_open_redirects,
    |engine| {
        let srv = TestServer::start(engine);
        let c = srv.client();
        assert!(c.get("/login").body.contains("<html lang=\"pl\">"));
        let r = c.get("/lang/en?back=/login");
        assert_eq!(r.status, 303);
        assert_eq!(r.location.as_deref(), Some("/login"));
        let cookie = r
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("ratusz_lang=en"))
            .expect("language cookie")
            .to_owned();
        assert!(cookie.contains("Path=/"), "{cookie}");
        let r = c.get("/login");
        assert!(r.body.contains("<html lang=\"en\">"), "{}", r.body);
        let r = c.submit(
            "/login",
            "/login",
            &[("email", JAN), ("password", "Wrong-Password-99")],
        );
        assert_page(
            &r,
            422,
            "The e-mail address or password is wrong",
            "English login error",
        );
        assert_page(&c.get("/nope"), 404, "Page not found", "English 404");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "%2F%2Fevil.example",
            "javascript:alert(1)",
        ] {
            let r = c.get(&format!("/lang/pl?back={evil}"));
            assert_eq!(r.status, 303, "{evil}");
            assert_eq!(r.location.as_deref(), Some("/"), "back={evil}");
        }
        assert!(c.get("/").body.contains("<html lang=\"pl\">"));
        let r = c.get("/lang/xx?back=/");
        assert_eq!(r.status, 404, "unknown language");
        assert!(r.body.contains("<html"));
        let r = try_send(&c, "GET", "/lang/en", &[], None).unwrap();
        assert_eq!(r.location.as_deref(), Some("/"), "no back: home");
    }
);
