//! Sign-in end to end: staff with TOTP and recovery codes, enrolment, residents' sign-up with
//! e-mail verification, password reset, sign-out everywhere, throttling, cookie flags, audit
//! events, and API tokens with scopes.

use crate::both_engines;
use crate::isolation::{link_token, send};
use crate::support::*;
use ratusz_app::audit::Actor;
use ratusz_app::demo::{RESIDENT_PASSWORD, STAFF_PASSWORD, STAFF_TOTP_SECRET};

const ADMIN: &str = "admin@przykladowo.gov.pl";
const CLERK: &str = "referent.gk@przykladowo.gov.pl";
const JAN: &str = "jan.kowalski@example.pl";
const NEW_PASSWORD: &str = "Zielony-Rower-Nad-Wisla-77";

/// Follows redirects (at most 5) and returns the last response and the path it came from.
fn follow(c: &Client, path: &str) -> (String, Resp) {
    let mut path = path.to_owned();
    for _ in 0..5 {
        let r = c.get(&path);
        match (r.status, &r.location) {
            (301..=308, Some(next)) => path = next.clone(),
            _ => return (path, r),
        }
    }
    panic!("redirect loop from {path}");
}

/// Posts the password step; returns the response.
fn password_step(c: &Client, email: &str, password: &str) -> Resp {
    c.submit(
        "/login",
        "/login",
        &[("email", email), ("password", password)],
    )
}

/// The text inside `<code id="totp-secret">…</code>`, without spaces.
fn totp_secret_on_page(html: &str) -> String {
    let start = html
        .find("<code id=\"totp-secret\">")
        .expect("secret on the setup page")
        + "<code id=\"totp-secret\">".len();
    let end = html[start..].find("</code>").unwrap() + start;
    html[start..end].split_whitespace().collect()
}

/// The codes listed in `<ul id="recovery-codes">`.
fn recovery_codes_on_page(html: &str) -> Vec<String> {
    let start = html
        .find("id=\"recovery-codes\"")
        .expect("recovery code list");
    let end = html[start..].find("</ul>").unwrap() + start;
    html[start..end]
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().trim().to_owned())
        .collect()
}

/// An unused TOTP code of a demo staff account for this browser. Codes are accepted once per
/// account, so this shares `support::fresh_totp`'s bookkeeping with `Client::sign_in_staff`.
fn code_for(c: &Client, email: &str) -> String {
    fresh_totp(
        &format!("{}|{}|{email}", c.base, c.host.as_deref().unwrap_or("")),
        STAFF_TOTP_SECRET,
    )
}

fn sign_out(c: &Client) {
    let csrf = c.get("/account").csrf();
    let csrf = if csrf.is_empty() {
        c.get("/").csrf()
    } else {
        csrf
    };
    let r = c.post_form("/logout", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "sign-out: {}", r.body);
}

both_engines!(staff_signs_in_with_password_and_totp, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    let r = password_step(&c, ADMIN, STAFF_PASSWORD);
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/login/mfa"));
    // Half signed in: the panel is closed until the second factor.
    assert_ne!(c.get("/panel").status, 200, "panel open before TOTP");
    let (last, _) = follow(&c, "/panel");
    assert_eq!(last, "/login/mfa");
    let r = c.submit(
        "/login/mfa",
        "/login/mfa",
        &[("code", &code_for(&c, ADMIN))],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/panel"));
    let r = c.get("/panel");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Adam Administrator"));
});

both_engines!(
    wrong_totp_is_refused_and_session_stays_in_mfa_step,
    |engine| {
        let srv = TestServer::start(engine);
        let c = srv.client();
        assert_eq!(password_step(&c, ADMIN, STAFF_PASSWORD).status, 303);
        let good = code_for(&c, ADMIN);
        let wrong = format!(
            "{:06}",
            (good.parse::<u32>().unwrap() + 500_000) % 1_000_000
        );
        let r = c.submit("/login/mfa", "/login/mfa", &[("code", &wrong)]);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("Kod jest nieprawidłowy lub wygasł"),
            "{}",
            r.body
        );
        assert!(r.body.contains("aria-invalid=\"true\""));
        // Still in the MFA step: the form is shown again, the panel stays closed.
        assert_eq!(c.get("/login/mfa").status, 200);
        assert_ne!(c.get("/panel").status, 200);
        assert_eq!(
            c.get("/login").location.as_deref(),
            Some("/login/mfa"),
            "sign-in page sends a half-signed-in user to the second step"
        );
        let r = c.submit("/login/mfa", "/login/mfa", &[("code", &good)]);
        assert_eq!(r.status, 303);
        assert_eq!(c.get("/panel").status, 200);
    }
);

both_engines!(
    wrong_totp_codes_count_towards_throttling_and_are_audited,
    |engine| {
        // verify_second_factor records the failure, then returns Err(BadTotp) from the same write
        // transaction, so the failure (and its audit event) must survive the error.
        let srv = TestServer::start(engine);
        let c = srv.client();
        assert_eq!(password_step(&c, ADMIN, STAFF_PASSWORD).status, 303);
        for i in 0..5 {
            let r = c.submit("/login/mfa", "/login/mfa", &[("code", "000000")]);
            // 000000 might be the live code once in a million; skip that run's assertions if so.
            if r.status == 303 {
                return;
            }
            assert_eq!(r.status, 422, "attempt {i}: {}", r.body);
        }
        let events = srv.app.audit_events(&srv.demo_tenant, 50, None).unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.action == "auth.second_factor_failed"),
            "failed second factor not in the audit log: {:?}",
            events.iter().map(|e| &e.action).collect::<Vec<_>>()
        );
        let r = c.submit(
            "/login/mfa",
            "/login/mfa",
            &[("code", &code_for(&c, ADMIN))],
        );
        assert_eq!(
            r.status, 429,
            "after 5 wrong TOTP codes the next attempt must be throttled (TOTP brute force), got {} {:?}",
            r.status, r.location
        );
        assert!(r.headers.get("retry-after").is_some());
    }
);

both_engines!(recovery_code_works_once_after_enrolment, |engine| {
    let srv = TestServer::start(engine);
    let admin = srv.staff(ADMIN);
    let email = "nowa.pracownica@przykladowo.gov.pl";
    let r = admin.submit(
        "/panel/admin/users",
        "/panel/admin/users",
        &[
            ("email", email),
            ("display_name", "Nowa Pracownica"),
            ("password", NEW_PASSWORD),
            ("role", "registrar"),
            ("unit", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);

    // First sign-in: password only, then enrolment is forced.
    let c = srv.client();
    let r = password_step(&c, email, NEW_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/mfa/setup"));
    for p in ["/panel", "/panel/admin/units", "/account"] {
        assert_ne!(c.get(p).status, 200, "{p} open before enrolment");
        let (last, r) = follow(&c, p);
        assert_ne!(r.status, 403, "{p}");
        assert_eq!(
            last, "/mfa/setup",
            "{p} before enrolment must lead to /mfa/setup"
        );
    }
    let setup = c.get("/mfa/setup");
    assert_eq!(setup.status, 200);
    let secret = totp_secret_on_page(&setup.body);
    assert!(secret.len() >= 16, "secret {secret:?}");
    // A wrong code keeps the user on the setup page.
    let r = c.post_form("/mfa/setup", &[("csrf", &setup.csrf()), ("code", "12345")]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Kod się nie zgadza"));
    assert_eq!(
        totp_secret_on_page(&r.body),
        secret,
        "same secret offered again"
    );
    let r = c.submit("/mfa/setup", "/mfa/setup", &[("code", &totp_now(&secret))]);
    assert_eq!(r.status, 200, "{}", r.body);
    let codes = recovery_codes_on_page(&r.body);
    assert_eq!(codes.len(), 10, "{codes:?}");
    let unique: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), 10);
    assert_eq!(
        c.get("/panel").status,
        200,
        "enrolment completes the sign-in"
    );
    sign_out(&c);
    assert_ne!(c.get("/panel").status, 200);

    // Second sign-in with a recovery code instead of TOTP.
    let r = password_step(&c, email, NEW_PASSWORD);
    assert_eq!(r.location.as_deref(), Some("/login/mfa"));
    let r = c.submit("/login/mfa", "/login/mfa", &[("code", &codes[0])]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/panel"));
    assert_eq!(c.get("/panel").status, 200);
    let events = srv.app.audit_events(&srv.demo_tenant, 20, None).unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "auth.sign_in" && e.details.contains("recovery_code"))
    );
    sign_out(&c);

    // The same code again: refused.
    password_step(&c, email, NEW_PASSWORD);
    let r = c.submit("/login/mfa", "/login/mfa", &[("code", &codes[0])]);
    assert_eq!(r.status, 422, "a used recovery code must not work again");
    assert_ne!(c.get("/panel").status, 200);
    // Another code works, typed in capitals and without dashes.
    let other = codes[1].replace('-', "").to_uppercase();
    let r = c.submit("/login/mfa", "/login/mfa", &[("code", &other)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(c.get("/panel").status, 200);
});

both_engines!(staff_created_without_totp_must_enrol_first, |engine| {
    let srv = TestServer::start(engine);
    let email = "bez.totp@przykladowo.gov.pl";
    srv.app
        .create_staff(
            &srv.demo_tenant,
            &ratusz_app::accounts::NewStaff {
                email: email.into(),
                display_name: "Bez Totp".into(),
                password: NEW_PASSWORD.into(),
                role: ratusz_core::roles::Role::Admin,
                unit_id: None,
                totp_secret: None,
            },
            &Actor::cli(),
        )
        .unwrap();
    let c = srv.client();
    let r = password_step(&c, email, NEW_PASSWORD);
    assert_eq!(r.location.as_deref(), Some("/mfa/setup"));
    let r = c.get("/panel");
    assert_eq!(r.status, 303, "panel before enrolment: {}", r.body);
    let (last, r) = follow(&c, "/panel");
    assert_eq!(last, "/mfa/setup");
    assert_eq!(r.status, 200);
    // The panel's forms are closed too.
    let csrf = r.csrf();
    let r = c.post_form(
        "/panel/admin/units",
        &[
            ("csrf", &csrf),
            ("symbol", "XX"),
            ("name", "Przed Włączeniem"),
        ],
    );
    assert!(matches!(r.status, 303 | 403), "{}: {}", r.status, r.body);
    assert!(
        !srv.app
            .units(&srv.demo_tenant)
            .unwrap()
            .iter()
            .any(|u| u.symbol == "XX"),
        "a staff member without TOTP created a unit"
    );
});

both_engines!(clerk_with_unit_role_reaches_the_panel, |engine| {
    // Sign-in sends every staff member to /panel; a clerk (role scoped to a unit) must be able
    // to open it, and must not open the admin pages.
    let srv = TestServer::start(engine);
    let c = srv.client();
    let r = password_step(&c, CLERK, STAFF_PASSWORD);
    assert_eq!(r.location.as_deref(), Some("/login/mfa"));
    let r = c.submit(
        "/login/mfa",
        "/login/mfa",
        &[("code", &code_for(&c, CLERK))],
    );
    assert_eq!(r.location.as_deref(), Some("/panel"));
    for p in [
        "/panel/admin/units",
        "/panel/admin/users",
        "/panel/admin/audit",
    ] {
        assert_eq!(c.get(p).status, 403, "{p} is for admins");
    }
    // The same permission (UsePanel) guards GET /api/v1/units for a read token.
    let token = srv.token(&srv.demo_tenant, CLERK, &["read"]);
    let api = c.api_get("/api/v1/units", Some(&token));
    let r = c.get("/panel");
    assert_eq!(
        (r.status, api.status),
        (200, 200),
        "a clerk (role Clerk scoped to unit GK) is sent to /panel after sign-in, but /panel \
         answers {} and GET /api/v1/units with the clerk's read token answers {} (UsePanel is \
         checked with unit None, which a unit-scoped grant never satisfies)",
        r.status,
        api.status
    );
    assert!(r.body.contains("Ewa Referent"));
    assert!(api.body.contains("Wydział Gospodarki Komunalnej"));
});

both_engines!(resident_signs_up_verifies_email_and_signs_in, |engine| {
    let srv = TestServer::start(engine);
    let email = "ewa.zielinska@example.pl";
    let c = srv.client();
    let r = c.submit(
        "/signup",
        "/signup",
        &[
            ("email", email),
            ("display_name", "Ewa Zielińska"),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/signup/done"));
    assert_eq!(c.get("/signup/done").status, 200);
    let token = link_token(&srv, &srv.demo_tenant, email, "verify-email?token=");
    assert!(token.len() >= 20, "token {token:?}");

    let r = password_step(&c, email, NEW_PASSWORD);
    assert_eq!(r.status, 422, "sign-in before verification: {}", r.body);
    assert!(r.body.contains("Najpierw potwierdź adres e-mail"));
    assert_eq!(c.get("/account").status, 303);

    let r = c.get(&format!("/verify-email?token={token}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Adres e-mail potwierdzony"));
    let r = c.get(&format!("/verify-email?token={token}"));
    assert_eq!(r.status, 400, "a verification link works once");
    assert!(r.body.contains("Link jest nieważny"));

    let r = password_step(&c, email, NEW_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/"));
    let r = c.get("/account");
    assert_eq!(r.status, 200);
    assert!(r.body.contains(email));
    // A resident has no panel.
    assert_eq!(c.get("/panel").status, 403);
    // Jobs run; the mail stays in the outbox (no SMTP configured).
    srv.app.drain_jobs("test").unwrap();
    assert!(
        srv.app
            .outbox(&srv.demo_tenant, 50)
            .unwrap()
            .iter()
            .any(|m| m.to_addr == email)
    );
});

both_engines!(
    signup_with_taken_email_answers_the_same_and_notifies_owner,
    |engine| {
        let srv = TestServer::start(engine);
        let before = srv
            .app
            .user_by_email(&srv.demo_tenant, JAN)
            .unwrap()
            .unwrap();
        let mails_before = srv.app.outbox(&srv.demo_tenant, 500).unwrap().len();
        let fields = |email: &'static str| {
            vec![
                ("email", email),
                ("display_name", "Ktoś Inny"),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ]
        };
        let taken = srv.client().submit("/signup", "/signup", &fields(JAN));
        let fresh = srv
            .client()
            .submit("/signup", "/signup", &fields("zupelnie.nowy@example.pl"));
        assert_eq!(taken.status, fresh.status);
        assert_eq!(taken.location, fresh.location);
        assert_eq!(taken.body, fresh.body);
        assert_eq!(taken.location.as_deref(), Some("/signup/done"));
        let mails = srv.app.outbox(&srv.demo_tenant, 500).unwrap();
        assert_eq!(mails.len(), mails_before + 2);
        let notice = mails
            .iter()
            .find(|m| m.to_addr == JAN)
            .expect("the owner gets a notice");
        assert!(notice.subject.contains("Próba założenia konta"));
        assert!(!notice.body_text.contains("verify-email"));
        let after = srv
            .app
            .user_by_email(&srv.demo_tenant, JAN)
            .unwrap()
            .unwrap();
        assert_eq!(before.id, after.id);
        assert_eq!(before.password_hash, after.password_hash);
        assert_eq!(before.display_name, after.display_name);
        let c = srv.client();
        assert_eq!(password_step(&c, JAN, RESIDENT_PASSWORD).status, 303);
    }
);

both_engines!(
    password_reset_replaces_password_and_ends_sessions,
    |engine| {
        let srv = TestServer::start(engine);
        let signed_in = srv.client();
        assert_eq!(
            password_step(&signed_in, JAN, RESIDENT_PASSWORD).status,
            303
        );
        assert_eq!(signed_in.get("/account").status, 200);

        // Unknown address: same answer, no mail.
        let mails_before = srv.app.outbox(&srv.demo_tenant, 500).unwrap().len();
        let c = srv.client();
        let unknown = c.submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "nikt.taki@example.pl")],
        );
        assert_eq!(unknown.status, 303);
        assert_eq!(
            srv.app.outbox(&srv.demo_tenant, 500).unwrap().len(),
            mails_before
        );
        let r = c.submit("/password/forgot", "/password/forgot", &[("email", JAN)]);
        assert_eq!(r.status, 303);
        assert_eq!(r.location, unknown.location);
        assert_eq!(r.location.as_deref(), Some("/password/forgot/done"));
        let token = link_token(&srv, &srv.demo_tenant, JAN, "password/reset?token=");
        let page = c.get(&format!("/password/reset?token={token}"));
        assert_eq!(page.status, 200);
        assert_eq!(
            extract_input(&page.body, "token").as_deref(),
            Some(token.as_str())
        );
        // Mismatched confirmation: a clear 422, the token is not spent.
        let r = c.post_form(
            "/password/reset",
            &[
                ("csrf", &page.csrf()),
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("password_confirm", "Cos-Zupelnie-Innego-123"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Hasła się różnią"));
        let r = c.post_form(
            "/password/reset",
            &[
                ("csrf", &page.csrf()),
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/password/reset/done"));

        assert_eq!(
            signed_in.get("/account").status,
            303,
            "sessions end when the password is reset"
        );
        let r = password_step(&srv.client(), JAN, RESIDENT_PASSWORD);
        assert_eq!(r.status, 422, "the old password must fail");
        let r = password_step(&srv.client(), JAN, NEW_PASSWORD);
        assert_eq!(r.status, 303, "{}", r.body);
        // The link is spent.
        let r = c.post_form(
            "/password/reset",
            &[
                ("csrf", &c.get("/login").csrf()),
                ("token", &token),
                ("password", "Inne-Haslo-Wiosenne-88"),
                ("password_confirm", "Inne-Haslo-Wiosenne-88"),
            ],
        );
        assert_eq!(r.status, 400, "{}", r.body);
        let events = srv.app.audit_events(&srv.demo_tenant, 30, None).unwrap();
        assert!(events.iter().any(|e| e.action == "user.password_reset"));
    }
);

both_engines!(sign_out_everywhere_ends_other_clients_sessions, |engine| {
    let srv = TestServer::start(engine);
    let laptop = srv.staff(ADMIN);
    let phone = srv.staff(ADMIN);
    let other_user = srv.staff("kancelaria@przykladowo.gov.pl");
    assert_eq!(phone.get("/panel").status, 200);
    let csrf = laptop.get("/panel").csrf();
    let r = laptop.post_form("/logout/everywhere", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/login"));
    let r = phone.get("/panel");
    assert_eq!(r.status, 303, "the other client is signed out");
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert_eq!(laptop.get("/panel").status, 303);
    assert_eq!(
        other_user.get("/panel").status,
        200,
        "other users keep theirs"
    );
    // Plain sign-out ends only this session (another account: each TOTP code works once, so
    // a third sign-in of the admin would wait for the next 30-second step).
    let a = srv.staff("kierownik.gk@przykladowo.gov.pl");
    let b = srv.staff("kierownik.gk@przykladowo.gov.pl");
    sign_out(&a);
    assert_eq!(a.get("/panel").status, 303);
    assert_eq!(b.get("/panel").status, 200);
});

both_engines!(five_wrong_passwords_throttle_even_the_right_one, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    for i in 0..5 {
        let r = password_step(&c, JAN, "Zle-Haslo-Calkiem-123");
        assert_eq!(r.status, 422, "attempt {i}");
    }
    let r = password_step(&c, JAN, RESIDENT_PASSWORD);
    assert_eq!(r.status, 429, "{}", r.body);
    let retry: i64 = r
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "Retry-After {retry}");
    assert!(r.body.contains("Zbyt wiele prób"));
    assert_eq!(c.get("/account").status, 303, "not signed in");
    // The limit is per account: another resident from the same address signs in.
    let r = password_step(&srv.client(), "anna.nowak@example.pl", RESIDENT_PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
});

fn session_cookie_header(r: &Resp) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ratusz_session="))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", r.headers))
        .to_owned()
}

both_engines!(session_cookie_flags, |engine| {
    let srv = TestServer::start(engine);
    let r = password_step(&srv.client(), JAN, RESIDENT_PASSWORD);
    assert_eq!(r.status, 303);
    let cookie = session_cookie_header(&r);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "no Secure without TLS: {cookie}"
    );
    drop(srv);

    let srv = TestServer::start_with(
        engine,
        ratusz_web::WebConfig {
            secure_cookies: true,
            ..Default::default()
        },
    );
    // A browser would not send Secure cookies over plain HTTP, so carry them by hand.
    let plain = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = plain.get(format!("{}/login", srv.base)).send().unwrap();
    let csrf_cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ratusz_csrf="))
        .expect("csrf cookie")
        .to_owned();
    assert!(csrf_cookie.contains("Secure") && csrf_cookie.contains("HttpOnly"));
    assert!(page.headers().get("strict-transport-security").is_some());
    let pair = csrf_cookie.split(';').next().unwrap().to_owned();
    let html = page.text().unwrap();
    let csrf = extract_input(&html, "csrf").unwrap();
    let resp = plain
        .post(format!("{}/login", srv.base))
        .header("cookie", pair)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", JAN),
            ("password", RESIDENT_PASSWORD),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ratusz_session="))
        .expect("session cookie")
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
});

both_engines!(sign_in_and_failed_sign_in_are_audited, |engine| {
    let srv = TestServer::start(engine);
    let c = srv.client();
    assert_eq!(password_step(&c, ADMIN, "Zupelnie-Zle-Haslo-1").status, 422);
    let _admin = srv.staff(ADMIN);
    let events = srv.app.audit_events(&srv.demo_tenant, 50, None).unwrap();
    let failed = events
        .iter()
        .find(|e| e.action == "auth.sign_in_failed")
        .expect("failed sign-in audited");
    assert!(failed.details.contains(ADMIN), "{}", failed.details);
    assert!(
        !failed.details.contains("Zupelnie-Zle-Haslo-1"),
        "password in audit log"
    );
    let ok = events
        .iter()
        .find(|e| e.action == "auth.sign_in")
        .expect("sign-in audited");
    assert_eq!(ok.actor_label, ADMIN);
    assert!(ok.seq > failed.seq);
    assert!(
        srv.app
            .verify_chain(&srv.demo_tenant)
            .unwrap()
            .first_break
            .is_none()
    );
});

fn api_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let v: serde_json::Value =
        serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body));
    assert_eq!(v["code"], code, "{}", r.body);
    assert!(
        v["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.body
    );
}

both_engines!(
    api_tokens_authenticate_revoke_and_respect_scopes,
    |engine| {
        let srv = TestServer::start(engine);
        let t = &srv.demo_tenant;
        let user = srv.app.user_by_email(t, ADMIN).unwrap().unwrap();
        let (token, row) = srv
            .app
            .create_api_token(
                t,
                &user.id,
                "integracja",
                &["read".into()],
                None,
                &Actor::cli(),
            )
            .unwrap();
        let c = srv.client();
        let r = c.api_get("/api/v1/me", Some(&token));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.headers
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let me: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(me["email"], ADMIN);
        assert_eq!(me["tenant_id"], t.as_str());
        assert_eq!(me["kind"], "staff");

        api_error(&c.api_get("/api/v1/me", None), 401, "unauthenticated");
        api_error(
            &c.api_get("/api/v1/me", Some("rtz_nonsense")),
            401,
            "unauthenticated",
        );
        api_error(
            &c.api_get("/api/v1/me", Some("not-a-token")),
            401,
            "unauthenticated",
        );

        // Read scope: may read, may not create a unit, even as an admin.
        assert_eq!(c.api_get("/api/v1/units", Some(&token)).status, 200);
        let body = r#"{"symbol":"RT","name":"Referat Tokenów"}"#;
        api_error(
            &c.api_post("/api/v1/units", Some(&token), body),
            403,
            "forbidden",
        );
        assert!(!srv.app.units(t).unwrap().iter().any(|u| u.symbol == "RT"));
        // Admin scope may.
        let admin_token = srv.token(t, ADMIN, &["admin"]);
        let r = c.api_post("/api/v1/units", Some(&admin_token), body);
        assert_eq!(r.status, 201, "{}", r.body);
        let unit: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(unit["symbol"], "RT");
        assert!(srv.app.units(t).unwrap().iter().any(|u| u.symbol == "RT"));
        // A clerk's admin-scoped token still lacks the admin role.
        let clerk_token = srv.token(t, CLERK, &["admin"]);
        let r = c.api_post(
            "/api/v1/units",
            Some(&clerk_token),
            r#"{"symbol":"RK","name":"Referat Kleryka"}"#,
        );
        api_error(&r, 403, "forbidden");

        // Revoked: 401 JSON.
        srv.app.revoke_api_token(t, &row.id, &Actor::cli()).unwrap();
        let r = c.api_get("/api/v1/me", Some(&token));
        api_error(&r, 401, "unauthenticated");
        let r = send(
            &c,
            "GET",
            "/api/v1/units",
            &[("authorization", &format!("Bearer {token}"))],
            None,
        );
        api_error(&r, 401, "unauthenticated");
    }
);

both_engines!(
    a_revoked_token_is_refused_at_once_on_the_revoking_node,
    |engine| {
        // The node's token cache must not let a token outlive its revocation there.
        let srv = TestServer::start(engine);
        let token = srv.token(&srv.demo_tenant, "admin@przykladowo.gov.pl", &["read"]);
        let c = srv.client();
        assert_eq!(c.api_get("/api/v1/me", Some(&token)).status, 200);
        assert_eq!(
            c.api_get("/api/v1/me", Some(&token)).status,
            200,
            "served from the cache"
        );
        let id = srv.app.api_tokens(&srv.demo_tenant).unwrap()[0].id.clone();
        srv.app
            .revoke_api_token(&srv.demo_tenant, &id, &ratusz_app::audit::Actor::cli())
            .unwrap();
        assert_eq!(c.api_get("/api/v1/me", Some(&token)).status, 401);
    }
);

both_engines!(a_password_reset_lifts_the_lock_out, |engine| {
    // The lock-out page tells people to set a new password: doing so must let them in.
    let srv = TestServer::start(engine);
    let c = srv.client();
    for _ in 0..5 {
        assert_eq!(password_step(&c, JAN, "Zle-Haslo-Calkiem-123").status, 422);
    }
    assert_eq!(password_step(&c, JAN, RESIDENT_PASSWORD).status, 429);
    let r = c.submit("/password/forgot", "/password/forgot", &[("email", JAN)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let token = crate::isolation::link_token(&srv, &srv.demo_tenant, JAN, "token=");
    let new_password = "Nowe-Haslo-Po-Blokadzie-2026";
    let page = format!("/password/reset?token={token}");
    let r = c.submit(
        &page,
        "/password/reset",
        &[
            ("token", token.as_str()),
            ("password", new_password),
            ("password_confirm", new_password),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        password_step(&c, JAN, new_password).status,
        303,
        "the lock-out is lifted"
    );
});

both_engines!(
    a_disabled_account_is_locked_out_everywhere_until_enabled,
    |engine| {
        let srv = TestServer::start(engine);
        let admin = srv.staff("admin@przykladowo.gov.pl");
        let clerk_email = "referent.gk@przykladowo.gov.pl";
        let clerk = srv.staff(clerk_email);
        let token = srv.token(&srv.demo_tenant, clerk_email, &["read"]);
        assert_eq!(clerk.api_get("/api/v1/me", Some(&token)).status, 200);
        let id = srv
            .app
            .user_by_email(&srv.demo_tenant, clerk_email)
            .unwrap()
            .unwrap()
            .id;
        let r = admin.submit(
            "/panel/admin/users",
            &format!("/panel/admin/users/{id}/disable"),
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(admin.get("/panel/admin/users").body.contains("wyłączone"));
        // Its session is gone, its token refused, and its password no longer signs in.
        assert_eq!(clerk.get("/panel").status, 303);
        assert_eq!(clerk.api_get("/api/v1/me", Some(&token)).status, 401);
        let r = srv.client().submit(
            "/login",
            "/login",
            &[("email", clerk_email), ("password", STAFF_PASSWORD)],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        // Audited, and an admin cannot disable their own account.
        let events = srv.app.audit_events(&srv.demo_tenant, 50, None).unwrap();
        assert!(events.iter().any(|e| e.action == "user.disable"));
        let admin_id = srv
            .app
            .user_by_email(&srv.demo_tenant, "admin@przykladowo.gov.pl")
            .unwrap()
            .unwrap()
            .id;
        let r = admin.submit(
            "/panel/admin/users",
            &format!("/panel/admin/users/{admin_id}/disable"),
            &[],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Nie możesz wyłączyć własnego konta"));
        // Enabled again, the clerk signs in.
        let r = admin.submit(
            "/panel/admin/users",
            &format!("/panel/admin/users/{id}/enable"),
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        srv.staff(clerk_email);
        // A clerk cannot disable anyone.
        let r = srv.staff("referent.or@przykladowo.gov.pl").submit(
            "/panel",
            &format!("/panel/admin/users/{admin_id}/disable"),
            &[],
        );
        assert_eq!(r.status, 403);
    }
);

both_engines!(an_admin_grants_a_second_role_in_the_panel, |engine| {
    let srv = TestServer::start(engine);
    let admin = srv.staff("admin@przykladowo.gov.pl");
    let clerk = srv
        .app
        .user_by_email(&srv.demo_tenant, "referent.gk@przykladowo.gov.pl")
        .unwrap()
        .unwrap();
    let or = srv
        .app
        .units(&srv.demo_tenant)
        .unwrap()
        .into_iter()
        .find(|u| u.symbol == "OR")
        .unwrap();
    // A manager needs a unit.
    let r = admin.submit(
        "/panel/admin/users",
        "/panel/admin/roles",
        &[
            ("user", clerk.id.as_str()),
            ("role", "manager"),
            ("unit", ""),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let r = admin.submit(
        "/panel/admin/users",
        "/panel/admin/roles",
        &[
            ("user", clerk.id.as_str()),
            ("role", "manager"),
            ("unit", or.id.as_str()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = admin.get("/panel/admin/users");
    assert!(page.body.contains("Kierownik (OR)"), "{}", page.body);
    let events = srv.app.audit_events(&srv.demo_tenant, 20, None).unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "role.grant" && e.details.contains("manager"))
    );
});

both_engines!(
    changing_the_password_needs_the_current_one_and_ends_other_sessions,
    |engine| {
        let srv = TestServer::start(engine);
        let here = srv.client();
        let there = srv.client();
        for c in [&here, &there] {
            assert_eq!(password_step(c, JAN, RESIDENT_PASSWORD).status, 303);
        }
        let new_password = "Jesienne-Liscie-Nad-Odra-2026";
        let r = here.submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "Zle-Haslo-Calkiem-123"),
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Obecne hasło jest nieprawidłowe"));
        let r = here.submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", RESIDENT_PASSWORD),
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(here.get("/account").status, 200, "this session stays");
        assert_eq!(there.get("/account").status, 303, "the other session ended");
        assert_eq!(
            password_step(&srv.client(), JAN, RESIDENT_PASSWORD).status,
            422
        );
        assert_eq!(password_step(&srv.client(), JAN, new_password).status, 303);
    }
);

both_engines!(
    an_admin_creates_and_revokes_api_tokens_in_the_panel,
    |engine| {
        let srv = TestServer::start(engine);
        let admin = srv.staff("admin@przykladowo.gov.pl");
        let clerk = srv
            .app
            .user_by_email(&srv.demo_tenant, "referent.gk@przykladowo.gov.pl")
            .unwrap()
            .unwrap();
        let r = admin.submit(
            "/panel/admin/tokens",
            "/panel/admin/tokens",
            &[
                ("name", "System kadrowy"),
                ("user", clerk.id.as_str()),
                ("scope", "read"),
                ("days", "30"),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let marker = "id=\"new-token-secret\" class=\"hash\">";
        let start = r.body.find(marker).expect("secret shown once") + marker.len();
        let secret = r.body[start..].split('<').next().unwrap().to_owned();
        assert!(secret.starts_with("rtz_"));
        let c = srv.client();
        let me = c.api_get("/api/v1/me", Some(&secret));
        assert_eq!(me.status, 200);
        assert!(me.body.contains("referent.gk@przykladowo.gov.pl"));
        // Listed without its secret; bad days are refused next to the field.
        let page = admin.get("/panel/admin/tokens");
        assert!(page.body.contains("System kadrowy") && !page.body.contains(&secret));
        let r = admin.submit(
            "/panel/admin/tokens",
            "/panel/admin/tokens",
            &[
                ("name", "X"),
                ("user", clerk.id.as_str()),
                ("scope", "read"),
                ("days", "-5"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"days-error\""));
        // Revoked from the panel: refused at once.
        let id = srv.app.api_tokens(&srv.demo_tenant).unwrap()[0].id.clone();
        let r = admin.submit(
            "/panel/admin/tokens",
            &format!("/panel/admin/tokens/{id}/revoke"),
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(c.api_get("/api/v1/me", Some(&secret)).status, 401);
        let events = srv.app.audit_events(&srv.demo_tenant, 20, None).unwrap();
        assert!(events.iter().any(|e| e.action == "api_token.revoke"));
        // A clerk cannot open the page.
        let clerk_client = srv.staff("referent.or@przykladowo.gov.pl");
        assert_eq!(clerk_client.get("/panel/admin/tokens").status, 403);
    }
);

both_engines!(the_account_page_lists_the_signed_in_devices, |engine| {
    let srv = TestServer::start(engine);
    let here = srv.client();
    let there = srv.client();
    for c in [&here, &there] {
        assert_eq!(password_step(c, JAN, RESIDENT_PASSWORD).status, 303);
    }
    let page = here.get("/account");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body.matches("<td>127.0.0.1</td>").count(),
        2,
        "{}",
        page.body
    );
    assert_eq!(page.body.matches("(to urządzenie)").count(), 1);
    // A resident's two-step setup speaks to residents, not staff.
    let setup = here.get("/mfa/setup");
    assert_eq!(setup.status, 200);
    assert!(setup.body.contains("chroni Twoje konto"));
    assert!(!setup.body.contains("Pracownicy urzędu"));
});
