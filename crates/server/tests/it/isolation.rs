//! Tenant isolation: a user of tenant A walks every route (pages, forms, API) and nothing of
//! tenant B is readable or writable; B's data and audit chain are unchanged afterwards.
//!
//! Also holds the inventory of every route ([`ROUTES`]), checked against the router source, and
//! small request helpers shared by the other test modules of this binary.

use crate::both_engines;
use crate::support::*;
use std::collections::BTreeSet;

// ------------------------------------------------------------------ route inventory

/// Every route of the router: `(method, path template)`. Kept by hand on purpose: the test
/// `route_list_matches_the_router_source` fails when `lib.rs` or `api.rs` gain a route that is
/// not here, so that new routes get walked by the isolation and fuzz tests.
pub(crate) const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/lang/{code}"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/login/mfa"),
    ("POST", "/login/mfa"),
    ("GET", "/mfa/setup"),
    ("POST", "/mfa/setup"),
    ("POST", "/logout"),
    ("POST", "/logout/everywhere"),
    ("GET", "/signup"),
    ("POST", "/signup"),
    ("GET", "/signup/done"),
    ("GET", "/verify-email"),
    ("GET", "/password/forgot"),
    ("POST", "/password/forgot"),
    ("GET", "/password/forgot/done"),
    ("GET", "/password/reset"),
    ("POST", "/password/reset"),
    ("GET", "/password/reset/done"),
    ("GET", "/account"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("GET", "/panel"),
    ("GET", "/panel/admin/units"),
    ("POST", "/panel/admin/units"),
    ("GET", "/panel/admin/users"),
    ("POST", "/panel/admin/users"),
    ("POST", "/panel/admin/users/{id}/reset-mfa"),
    ("POST", "/panel/admin/users/{id}/disable"),
    ("POST", "/panel/admin/users/{id}/enable"),
    ("POST", "/panel/admin/roles"),
    ("GET", "/panel/admin/tokens"),
    ("POST", "/panel/admin/tokens"),
    ("POST", "/panel/admin/tokens/{id}/revoke"),
    ("GET", "/panel/work"),
    ("GET", "/services"),
    ("GET", "/services/{slug}"),
    ("GET", "/services/{slug}/apply"),
    ("POST", "/services/{slug}/apply"),
    ("GET", "/matters"),
    ("GET", "/matters/{id}"),
    ("GET", "/matters/{id}/receipt.pdf"),
    ("POST", "/matters/{id}/messages"),
    ("GET", "/matters/{id}/deliveries/{delivery}"),
    ("GET", "/matters/{id}/files/{document}"),
    ("GET", "/matters/{id}/survey"),
    ("POST", "/matters/{id}/survey"),
    ("GET", "/notifications"),
    ("POST", "/notifications/read"),
    ("GET", "/account/notifications"),
    ("POST", "/account/notifications"),
    ("POST", "/panel/cases/{id}/portal-message"),
    ("GET", "/api/v1/matters/{id}/messages"),
    ("POST", "/api/v1/matters/{id}/messages"),
    ("POST", "/api/v1/cases/{id}/portal/messages"),
    ("GET", "/api/v1/matters/{id}/deliveries"),
    ("GET", "/api/v1/matters/{id}/deliveries/{delivery}"),
    ("GET", "/api/v1/matters/{id}/files/{document}"),
    ("GET", "/api/v1/matters/{id}/survey"),
    ("POST", "/api/v1/matters/{id}/survey"),
    ("GET", "/api/v1/notifications"),
    ("POST", "/api/v1/notifications/read"),
    ("GET", "/api/v1/notification-preferences"),
    ("PUT", "/api/v1/notification-preferences"),
    ("GET", "/api/v1/cases/{id}/portal"),
    ("GET", "/api/v1/surveys"),
    ("POST", "/api/v1/intake/facts"),
    ("GET", "/deklaracja-dostepnosci"),
    ("GET", "/ostrzezenia"),
    ("GET", "/ostrzezenia.atom"),
    ("GET", "/ostrzezenia/subskrypcja"),
    ("POST", "/ostrzezenia/subskrypcja"),
    ("GET", "/ostrzezenia/subskrypcja/{token}"),
    ("POST", "/ostrzezenia/subskrypcja/{token}"),
    ("GET", "/ostrzezenia/wypisz/{token}"),
    ("GET", "/w/{code}"),
    ("GET", "/static/alerts-map.js"),
    ("GET", "/static/alerts-push.js"),
    ("GET", "/sw.js"),
    ("GET", "/panel/alerts/points.json"),
    ("GET", "/ostrzezenia/potwierdz/{token}"),
    ("POST", "/ostrzezenia/potwierdz/{token}"),
    ("POST", "/w/{code}"),
    ("GET", "/ostrzezenia/{id}"),
    ("GET", "/ostrzezenia/{id}/cap.xml"),
    ("GET", "/panel/alerts"),
    ("GET", "/panel/alerts/new"),
    ("POST", "/panel/alerts/new"),
    ("GET", "/panel/alerts/{id}"),
    ("POST", "/panel/alerts/{id}/{action}"),
    ("GET", "/panel/surveys"),
    ("GET", "/account/apps"),
    ("POST", "/account/apps"),
    ("POST", "/account/apps/{id}/revoke"),
    ("GET", "/panel/admin/accessibility"),
    ("POST", "/panel/admin/accessibility"),
    ("GET", "/status"),
    ("POST", "/status"),
    ("GET", "/panel/admin/services"),
    ("POST", "/panel/admin/services"),
    ("GET", "/panel/admin/services/{slug}/definition.toml"),
    ("POST", "/panel/admin/services/{slug}/{action}"),
    ("GET", "/panel/incoming"),
    ("POST", "/panel/incoming"),
    ("GET", "/panel/incoming/new"),
    ("GET", "/panel/incoming/{id}"),
    ("POST", "/panel/incoming/{id}/assign"),
    ("POST", "/panel/incoming/{id}/join"),
    ("POST", "/panel/incoming/{id}/files"),
    ("POST", "/panel/assignments/{id}"),
    ("GET", "/panel/intake"),
    ("POST", "/panel/intake/{id}/{action}"),
    ("GET", "/panel/admin/intake"),
    ("POST", "/panel/admin/intake/rules"),
    ("POST", "/panel/admin/intake/train"),
    ("GET", "/panel/documents/{id}/scan.png"),
    ("POST", "/panel/admin/intake/rules/{id}/delete"),
    ("GET", "/panel/outgoing"),
    ("GET", "/panel/search"),
    ("GET", "/panel/file-plan"),
    ("POST", "/panel/file-plan"),
    ("GET", "/panel/file-plan.csv"),
    ("POST", "/panel/cases"),
    ("GET", "/panel/cases/new"),
    ("GET", "/panel/cases/{id}"),
    ("GET", "/panel/cases/{id}/log.csv"),
    ("POST", "/panel/cases/{id}/documents"),
    ("POST", "/panel/cases/{id}/{action}"),
    ("GET", "/panel/documents/{id}"),
    ("GET", "/panel/documents/{id}/content"),
    ("GET", "/panel/documents/{id}/preview.pdf"),
    ("POST", "/panel/documents/{id}/{action}"),
    ("GET", "/panel/case-index"),
    ("GET", "/panel/templates"),
    ("POST", "/panel/templates"),
    ("GET", "/panel/archive"),
    ("POST", "/panel/archive"),
    ("GET", "/panel/archive/{id}/{file}"),
    ("GET", "/panel/admin/outbox"),
    ("GET", "/panel/admin/alert-feeds"),
    ("POST", "/panel/admin/alert-feeds"),
    ("POST", "/panel/admin/alert-feeds/{id}/{action}"),
    ("GET", "/panel/admin/audit"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/static/style.css"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/units"),
    ("POST", "/api/v1/units"),
    ("GET", "/api/v1/users"),
    ("GET", "/api/v1/audit/events"),
    ("GET", "/api/v1/audit/verify"),
    ("GET", "/api/v1/calendar/holidays/{year}"),
    ("GET", "/api/v1/calendar/deadline"),
    ("POST", "/api/v1/validate/{kind}"),
    ("GET", "/api/v1/file-plan"),
    ("GET", "/api/v1/services"),
    ("GET", "/api/v1/services/{slug}"),
    ("POST", "/api/v1/services/{slug}/submissions"),
    ("GET", "/api/v1/services/{slug}/draft"),
    ("PUT", "/api/v1/services/{slug}/draft"),
    ("GET", "/api/v1/matters"),
    ("GET", "/api/v1/matters/{id}"),
    ("GET", "/api/v1/matters/{id}/receipt.pdf"),
    ("POST", "/api/v1/status"),
    ("GET", "/api/v1/incoming"),
    ("POST", "/api/v1/incoming"),
    ("GET", "/api/v1/incoming/{id}"),
    ("POST", "/api/v1/incoming/{id}/assign"),
    ("POST", "/api/v1/incoming/{id}/join"),
    ("GET", "/api/v1/outgoing"),
    ("GET", "/api/v1/work"),
    ("GET", "/api/v1/search"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{id}"),
    ("POST", "/api/v1/cases/{id}/{action}"),
    ("POST", "/api/v1/documents/{id}/{action}"),
];

/// POST routes that take a url-encoded form (everything outside `/api`).
pub(crate) fn form_routes() -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|(m, p)| *m == "POST" && !p.starts_with("/api/"))
        .map(|(_, p)| *p)
        .collect()
}

/// Routes under `/api`.
pub(crate) fn api_routes() -> Vec<(&'static str, &'static str)> {
    ROUTES
        .iter()
        .filter(|(_, p)| p.starts_with("/api/"))
        .copied()
        .collect()
}

/// `(METHOD, path)` of every `.route("path", get(..).post(..))` in a Rust source file.
fn routes_in_source(src: &str) -> BTreeSet<(String, String)> {
    const CALL: &str = ".route(";
    let starts: Vec<usize> = src.match_indices(CALL).map(|(i, _)| i).collect();
    let mut out = BTreeSet::new();
    for (n, &start) in starts.iter().enumerate() {
        let rest = src[start + CALL.len()..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            panic!("a .route( without a literal path at byte {start}");
        };
        let end = rest.find('"').expect("closing quote");
        let path = &rest[..end];
        let seg_end = starts.get(n + 1).copied().unwrap_or(src.len());
        let segment = &src[start..seg_end];
        let mut methods = 0;
        for m in ["get", "post", "put", "patch", "delete"] {
            let needle = format!("{m}(");
            let found = segment.match_indices(&needle).any(|(i, _)| {
                i == 0 || {
                    let c = segment.as_bytes()[i - 1];
                    !(c.is_ascii_alphanumeric() || c == b'_')
                }
            });
            if found {
                methods += 1;
                out.insert((m.to_ascii_uppercase(), path.to_owned()));
            }
        }
        assert!(methods > 0, "route {path} has no recognisable method");
    }
    out
}

both_engines!(route_list_matches_the_router_source, |_engine| {
    let mut in_source = routes_in_source(include_str!("../../../web/src/lib.rs"));
    in_source.extend(routes_in_source(include_str!("../../../web/src/api.rs")));
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = in_source.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&in_source).collect();
    assert!(
        missing.is_empty(),
        "routes in crates/web/src/{{lib,api}}.rs not in isolation::ROUTES (add them, and walk them \
         in the isolation and fuzz tests): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "isolation::ROUTES lists routes the router no longer has: {stale:?}"
    );
    assert!(
        ROUTES.len() >= 40,
        "the inventory should not shrink silently"
    );
});

// ------------------------------------------------------------------ request helpers

/// Any request, through a test client (its cookies and Host), with extra headers.
pub(crate) fn try_send(
    c: &Client,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Result<Resp, reqwest::Error> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut rb = c.http.request(method, format!("{}{path}", c.base));
    if let Some(h) = &c.host {
        rb = rb.header(reqwest::header::HOST, h);
    }
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    if let Some(b) = body {
        rb = rb.body(b);
    }
    let resp = rb.send()?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.text().unwrap_or_default();
    Ok(Resp {
        status,
        location,
        headers,
        body,
    })
}

pub(crate) fn send(
    c: &Client,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Resp {
    try_send(c, method, path, headers, body)
        .unwrap_or_else(|e| panic!("{method} {path}: no response: {e}"))
}

/// The same browser (same cookie jar) talking to another host name.
pub(crate) fn same_browser_on(c: &Client, host: &str) -> Client {
    Client {
        base: c.base.clone(),
        host: Some(host.to_owned()),
        http: c.http.clone(),
    }
}

/// Percent-encodes bytes for a url-encoded form (space as `+`).
pub(crate) fn url_encode(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len() * 3);
    for &b in raw {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub(crate) const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

/// The first line of the last outbox message to `to` that contains `marker`, from the marker on.
pub(crate) fn link_token(srv: &TestServer, tenant: &str, to: &str, marker: &str) -> String {
    let mails = srv.app.outbox(tenant, 500).expect("outbox");
    let body = mails
        .iter()
        .filter(|m| m.to_addr.eq_ignore_ascii_case(to) && m.body_text.contains(marker))
        .max_by_key(|m| m.created_at)
        .map(|m| m.body_text.clone())
        .unwrap_or_else(|| panic!("no mail to {to} containing {marker}: {mails:?}"));
    let start = body.find(marker).unwrap() + marker.len();
    body[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or_default()
        .to_owned()
}

// ------------------------------------------------------------------ the walk

const PASSWORD_NEW: &str = "Zielony-Rower-Nad-Wisla-77";

/// A staff account as compared: id, e-mail, password hash, TOTP enabled at, roles.
type StaffState = (String, String, Option<String>, Option<i64>, Vec<String>);

/// What tenant B holds, to compare before and after A's walk.
#[derive(Debug, PartialEq)]
struct Snapshot {
    units: Vec<(String, String, String)>,
    staff: Vec<StaffState>,
    resident_verified: Option<i64>,
    resident_hash: Option<String>,
    outbox: Vec<(String, String, String)>,
    chain_events: i64,
    chain_head: String,
    chain_intact: bool,
    tokens: Vec<(String, Option<i64>)>,
    tenant_name: String,
}

fn snapshot(srv: &TestServer, resident: &str) -> Snapshot {
    let t = &srv.other_tenant;
    let app = &srv.app;
    let units = app
        .units(t)
        .unwrap()
        .into_iter()
        .map(|u| (u.id, u.symbol, u.name))
        .collect();
    let staff = app
        .staff(t)
        .unwrap()
        .into_iter()
        .map(|(u, roles)| {
            (
                u.id,
                u.email,
                u.password_hash,
                u.totp_enabled_at,
                roles
                    .into_iter()
                    .map(|r| format!("{}:{:?}", r.role, r.unit_id))
                    .collect(),
            )
        })
        .collect();
    let r = app.user_by_email(t, resident).unwrap().expect("resident");
    let chain = app.verify_chain(t).unwrap();
    let tenant_name = app
        .tenant_by_slug("sasiednia")
        .unwrap()
        .expect("tenant B")
        .name;
    Snapshot {
        units,
        staff,
        resident_verified: r.email_verified_at,
        resident_hash: r.password_hash,
        outbox: app
            .outbox(t, 1000)
            .unwrap()
            .into_iter()
            .map(|m| (m.id, m.to_addr, m.subject))
            .collect(),
        chain_events: chain.events,
        chain_head: chain.head_hash,
        chain_intact: chain.first_break.is_none(),
        tokens: app
            .api_tokens(t)
            .unwrap()
            .into_iter()
            .map(|k| (k.id, k.revoked_at))
            .collect(),
        tenant_name,
    }
}

/// Strings that identify one tenant's data.
struct Markers(Vec<String>);

impl Markers {
    /// Fails when `resp` shows any marker not sent by the request itself (`sent`: forms may
    /// echo what the user typed).
    fn assert_absent(&self, what: &str, resp: &Resp, sent: &str) {
        assert!(
            resp.status < 500,
            "{what}: server error {}: {}",
            resp.status,
            resp.body
        );
        let headers = format!("{:?}", resp.headers);
        for m in &self.0 {
            if sent.contains(m.as_str()) {
                continue;
            }
            assert!(
                !resp.body.contains(m.as_str()) && !headers.contains(m.as_str()),
                "{what} leaked the other tenant's {m:?} (status {}): {}",
                resp.status,
                resp.body
            );
        }
    }
}

fn substitute(path: &str, id: &str) -> String {
    path.replace("{id}", id)
        .replace("{code}", id)
        .replace("{year}", id)
        .replace("{kind}", id)
}

both_engines!(tenant_a_cannot_read_or_write_tenant_b, |engine| {
    let srv = TestServer::start(engine);
    let b = srv.other_tenant.clone();
    let a = srv.demo_tenant.clone();
    let app = &srv.app;

    // ---- B's data: its admin (signed in on B's host), a unit, a resident, links in the outbox.
    let b_admin = app.user_by_email(&b, OTHER_ADMIN).unwrap().unwrap();
    let b_unit = app.units(&b).unwrap().into_iter().next().expect("B unit");
    let b_resident = "marek.sasiedni@example.pl";
    app.signup_resident(&b, b_resident, "Marek Sąsiedni", PASSWORD_NEW, PASSWORD_NEW)
        .unwrap();
    let b_verify = link_token(&srv, &b, b_resident, "verify-email?token=");
    app.request_password_reset(&b, OTHER_ADMIN).unwrap();
    let b_reset = link_token(&srv, &b, OTHER_ADMIN, "password/reset?token=");
    let b_token = srv.token(&b, OTHER_ADMIN, &["admin"]);
    let b_browser = srv.client_for_host(OTHER_HOST);
    b_browser.sign_in_staff(
        OTHER_ADMIN,
        ratusz_app::demo::STAFF_PASSWORD,
        ratusz_app::demo::STAFF_TOTP_SECRET,
    );
    assert_eq!(b_browser.get("/panel").status, 200);
    let b_resident_id = app.user_by_email(&b, b_resident).unwrap().unwrap().id;
    let before = snapshot(&srv, b_resident);
    assert!(before.chain_intact);

    let b_markers = Markers(vec![
        "Gmina Sąsiednia".into(),
        "Biuro Sąsiednie Tajne".into(),
        OTHER_ADMIN.into(),
        "Bożena Sąsiednia".into(),
        b_resident.into(),
        "Marek Sąsiedni".into(),
        b.clone(),
        b_unit.id.clone(),
        b_admin.id.clone(),
        b_resident_id.clone(),
        before.chain_head.clone(),
    ]);
    let b_ids = [
        b.clone(),
        b_unit.id.clone(),
        b_admin.id.clone(),
        b_resident_id.clone(),
    ];

    // ---- A's admin: a browser session on A's host and an admin API token.
    let a_admin = srv.staff("admin@przykladowo.gov.pl");
    let a_token = srv.token(&a, "admin@przykladowo.gov.pl", &["admin"]);
    let a_csrf = a_admin.get("/panel").csrf();
    assert!(!a_csrf.is_empty());

    // ---- 1. GET every page and API route, with B's ids in every path parameter.
    let mut walked = 0;
    for (method, path) in ROUTES.iter().filter(|(m, _)| *m == "GET") {
        let mut paths = vec![];
        if path.contains('{') {
            paths.extend(b_ids.iter().map(|id| substitute(path, id)));
            paths.push(substitute(path, "en"));
            paths.push(substitute(path, "2026"));
        } else {
            paths.push(path.to_string());
            for id in &b_ids {
                paths.push(format!("{path}?id={id}&tenant={id}&unit={id}&user={id}"));
            }
        }
        if *path == "/verify-email" {
            paths.push(format!("/verify-email?token={b_verify}"));
        }
        if *path == "/password/reset" {
            paths.push(format!("/password/reset?token={b_reset}"));
        }
        for p in paths {
            let r = if p.starts_with("/api/") {
                a_admin.api_get(&p, Some(&a_token))
            } else {
                a_admin.get(&p)
            };
            b_markers.assert_absent(&format!("{method} {p} (A admin)"), &r, "");
            walked += 1;
        }
    }
    assert!(walked > 100, "walked only {walked} requests");
    // A's admin sees A's panel and API (the walk really was signed in).
    let r = a_admin.get("/panel/admin/users");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("admin@przykladowo.gov.pl"));
    let r = a_admin.api_get("/api/v1/me", Some(&a_token));
    assert_eq!(r.status, 200);
    assert!(r.body.contains(&a));
    // B's e-mail links do nothing on A's host.
    let r = a_admin.get(&format!("/verify-email?token={b_verify}"));
    assert_eq!(r.status, 400, "{}", r.body);

    // ---- 2. A's API token: every API route, on A's and on B's host name.
    for host_client in [srv.client(), srv.client_for_host(OTHER_HOST)] {
        for (method, path) in api_routes() {
            let mut paths = vec![];
            if path.contains('{') {
                paths.extend(b_ids.iter().map(|id| substitute(path, id)));
                paths.push(substitute(path, "pesel"));
                paths.push(substitute(path, "2026"));
            } else {
                paths.push(path.to_owned());
                paths.push(format!(
                    "{path}?tenant={b}&tenant_id={b}&before=999999&limit=500"
                ));
            }
            for p in paths {
                let r = match method {
                    "GET" => host_client.api_get(&p, Some(&a_token)),
                    _ => host_client.api_post(
                        &p,
                        Some(&a_token),
                        &format!(
                            r#"{{"symbol":"BY","name":"Wydział Testowy","value":"x","tenant_id":"{b}","id":"{}"}}"#,
                            b_unit.id
                        ),
                    ),
                };
                b_markers.assert_absent(&format!("{method} {p} (A token)"), &r, "");
            }
        }
        let r = host_client.api_get("/api/v1/me", Some(&a_token));
        assert_eq!(r.status, 200);
        let me: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(me["tenant_id"], a.as_str(), "the token names its tenant");
    }

    // ---- 3. POST every form route with A's CSRF token and B's ids and data.
    for id in &b_ids {
        let p = format!("/panel/admin/users/{id}/reset-mfa");
        let r = a_admin.post_form(&p, &[("csrf", &a_csrf)]);
        assert_eq!(r.status, 404, "reset-mfa of B's {id} from A: {}", r.body);
        b_markers.assert_absent(&format!("POST {p}"), &r, "");
    }
    let r = a_admin.post_form(
        "/panel/admin/users",
        &[
            ("csrf", &a_csrf),
            ("email", "nowy.pracownik@przykladowo.gov.pl"),
            ("display_name", "Nowy Pracownik"),
            ("password", PASSWORD_NEW),
            ("role", "clerk"),
            ("unit", &b_unit.id),
        ],
    );
    assert_eq!(r.status, 422, "a staff account in B's unit: {}", r.body);
    b_markers.assert_absent("POST /panel/admin/users (B unit)", &r, "");
    assert!(
        app.user_by_email(&a, "nowy.pracownik@przykladowo.gov.pl")
            .unwrap()
            .is_none()
    );
    let r = a_admin.post_form(
        "/panel/admin/units",
        &[
            ("csrf", &a_csrf),
            ("symbol", "BX"),
            ("name", "Referat Testowy"),
        ],
    );
    assert_eq!(r.status, 303, "A may use the symbol B uses: {}", r.body);
    b_markers.assert_absent("POST /panel/admin/units", &r, "");
    let r = a_admin.post_form(
        "/password/reset",
        &[
            ("csrf", &a_csrf),
            ("token", &b_reset),
            ("password", PASSWORD_NEW),
            ("password_confirm", PASSWORD_NEW),
        ],
    );
    assert_eq!(r.status, 400, "B's reset link on A's host: {}", r.body);
    b_markers.assert_absent("POST /password/reset (B token)", &r, "");
    for (path, code) in [
        ("/login/mfa", totp_now(ratusz_app::demo::STAFF_TOTP_SECRET)),
        ("/mfa/setup", totp_now(ratusz_app::demo::STAFF_TOTP_SECRET)),
    ] {
        let r = a_admin.post_form(path, &[("csrf", &a_csrf), ("code", &code)]);
        assert!(
            r.status < 500 && r.status != 200,
            "POST {path}: {}",
            r.status
        );
        b_markers.assert_absent(&format!("POST {path}"), &r, "");
    }
    // B's admin's credentials do not open A's office.
    let r = a_admin.post_form(
        "/login",
        &[
            ("csrf", &a_csrf),
            ("email", OTHER_ADMIN),
            ("password", ratusz_app::demo::STAFF_PASSWORD),
        ],
    );
    assert_eq!(r.status, 422, "B's credentials on A's host: {}", r.body);
    b_markers.assert_absent("POST /login (B credentials)", &r, OTHER_ADMIN);
    // A reset or sign-up for B's admin's address on A's host writes nothing to B.
    let r = a_admin.post_form(
        "/password/forgot",
        &[("csrf", &a_csrf), ("email", OTHER_ADMIN)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = a_admin.post_form(
        "/signup",
        &[
            ("csrf", &a_csrf),
            ("email", OTHER_ADMIN),
            ("display_name", "Ktoś Obcy"),
            ("password", PASSWORD_NEW),
            ("password_confirm", PASSWORD_NEW),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // Every form route has now been posted except the sign-outs, which come last.
    let r = a_admin.post_form("/logout/everywhere", &[("csrf", &a_csrf)]);
    assert_eq!(r.status, 303);
    assert_eq!(a_admin.get("/panel").status, 303, "A signed out");
    assert_eq!(
        b_browser.get("/panel").status,
        200,
        "A's sign-out everywhere must not end B's sessions"
    );
    let r = a_admin.post_form("/logout", &[("csrf", &a_csrf)]);
    assert!(r.status < 500);

    let a_admin2 = srv.staff("admin@przykladowo.gov.pl");

    // ---- 4. A's session cookie sent to B's host name is not signed in there.
    let a_on_b = same_browser_on(&a_admin2, OTHER_HOST);
    assert_eq!(a_admin2.get("/panel").status, 200);
    for p in [
        "/panel",
        "/panel/admin/units",
        "/panel/admin/users",
        "/panel/admin/outbox",
        "/panel/admin/audit",
        "/account",
    ] {
        let r = a_on_b.get(p);
        assert_eq!(r.status, 303, "A's cookie on B's host, {p}: {}", r.body);
        assert_eq!(r.location.as_deref(), Some("/login"), "{p}");
    }
    let r = a_on_b.get("/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Gmina Sąsiednia"), "B's host serves B");
    assert!(
        !r.body.contains("Adam Administrator") && !r.body.contains("admin@przykladowo"),
        "B's home page does not show A's user as signed in"
    );
    let a2_csrf = a_admin2.get("/panel").csrf();
    let r = a_on_b.post_form(
        "/panel/admin/units",
        &[
            ("csrf", &a2_csrf),
            ("symbol", "ZZ"),
            ("name", "Wtargnięcie"),
        ],
    );
    assert_eq!(
        r.status, 403,
        "A's CSRF token is not valid on B: {}",
        r.body
    );
    let r = a_on_b.post_form(
        &format!("/panel/admin/users/{}/reset-mfa", b_admin.id),
        &[("csrf", &a2_csrf)],
    );
    assert_eq!(r.status, 403, "{}", r.body);

    // ---- 5. B is unchanged; B's own admin still sees B's data.
    let after = snapshot(&srv, b_resident);
    assert_eq!(before, after, "tenant B changed during A's walk");
    assert!(after.chain_intact);
    assert!(
        app.units(&a)
            .unwrap()
            .iter()
            .any(|u| u.symbol == "BX" && u.name == "Referat Testowy"),
        "A's own writes landed in A"
    );
    let r = b_browser.get("/panel/admin/units");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Biuro Sąsiednie Tajne"));
    assert!(!r.body.contains("Referat Testowy"), "A's unit is not in B");
    let r = b_browser.api_get("/api/v1/units", Some(&b_token));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Biuro Sąsiednie Tajne"));
});

both_engines!(tenant_b_api_token_never_returns_tenant_a_data, |engine| {
    let srv = TestServer::start(engine);
    let a = srv.demo_tenant.clone();
    let b = srv.other_tenant.clone();
    let b_token = srv.token(&b, OTHER_ADMIN, &["admin"]);
    let a_admin = srv
        .app
        .user_by_email(&a, "admin@przykladowo.gov.pl")
        .unwrap()
        .unwrap();
    let a_unit = srv.app.units(&a).unwrap().into_iter().next().unwrap();
    let mut a_markers = vec![
        "Gmina Przykładowo".to_owned(),
        "przykladowo.gov.pl".to_owned(),
        "jan.kowalski@example.pl".to_owned(),
        a.clone(),
        a_admin.id.clone(),
        srv.app.verify_chain(&a).unwrap().head_hash,
    ];
    a_markers.extend(
        srv.app
            .units(&a)
            .unwrap()
            .into_iter()
            .flat_map(|u| [u.id, u.name]),
    );
    let a_markers = Markers(a_markers);
    let chain_before = srv.app.verify_chain(&a).unwrap();
    let units_before = srv.app.units(&a).unwrap().len();
    for c in [srv.client(), srv.client_for_host(OTHER_HOST)] {
        for (method, path) in api_routes() {
            let mut paths = vec![];
            if path.contains('{') {
                for id in [&a, &a_admin.id, &a_unit.id] {
                    paths.push(substitute(path, id));
                }
                paths.push(substitute(path, "nip"));
            } else {
                paths.push(path.to_owned());
                paths.push(format!("{path}?tenant_id={a}&limit=500"));
            }
            for p in paths {
                let r = match method {
                    "GET" => c.api_get(&p, Some(&b_token)),
                    _ => c.api_post(
                        &p,
                        Some(&b_token),
                        &format!(
                            r#"{{"symbol":"BQ","name":"Nowe Biuro","value":"1","tenant_id":"{a}"}}"#
                        ),
                    ),
                };
                a_markers.assert_absent(&format!("{method} {p} (B token)"), &r, "");
            }
        }
        let r = c.api_get("/api/v1/users", Some(&b_token));
        assert_eq!(r.status, 200);
        let users: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let emails: Vec<&str> = users
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap())
            .collect();
        assert_eq!(emails, vec![OTHER_ADMIN]);
    }
    // B's session cookie is not valid on A's host either.
    let b_browser = srv.client_for_host(OTHER_HOST);
    b_browser.sign_in_staff(
        OTHER_ADMIN,
        ratusz_app::demo::STAFF_PASSWORD,
        ratusz_app::demo::STAFF_TOTP_SECRET,
    );
    let b_on_a = Client {
        base: b_browser.base.clone(),
        host: None,
        http: b_browser.http.clone(),
    };
    let r = b_on_a.get("/panel/admin/audit");
    assert_eq!(r.status, 303, "{}", r.body);
    a_markers.assert_absent("B's cookie on A's audit page", &r, "");
    assert_eq!(srv.app.units(&a).unwrap().len(), units_before);
    let chain_after = srv.app.verify_chain(&a).unwrap();
    assert_eq!(
        chain_before.head_hash, chain_after.head_hash,
        "A's audit chain changed"
    );
});
