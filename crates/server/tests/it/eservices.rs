//! The residents' portal over HTTP: the admin imports a service definition (a broken one is
//! refused with its line), the resident finds it, saves a draft, submits with an attachment,
//! gets a receipt whose SHA-256 matches the file, a retry with the same key yields the same
//! submission, the case is opened in the service's unit, the e-mail is in the outbox, and the
//! status can be checked without an account. Also: the session expiring mid-form loses nothing.

use crate::both_engines;
use crate::support::*;
use sha2::{Digest, Sha256};

const ADMIN: &str = "admin@przykladowo.gov.pl";
const RESIDENT: &str = "jan.kowalski@example.pl";
const SERVICE: &str = include_str!("fixtures/test-service.toml");

const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

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

fn import(s: &TestServer, source: &str) -> Resp {
    let admin = s.staff(ADMIN);
    let page = admin.get("/panel/admin/services");
    assert_eq!(page.status, 200, "{}", page.body);
    admin.post_multipart(
        "/panel/admin/services",
        &[("csrf", &page.csrf()), ("source", source)],
        &[],
    )
}

fn key_of(body: &str) -> String {
    let marker = "name=\"idempotency_key\" value=\"";
    let start = body.find(marker).expect("idempotency key in the form") + marker.len();
    body[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

both_engines!(
    a_resident_submits_and_gets_a_receipt_with_the_files_sha256,
    |engine| {
        let s = TestServer::start(engine);

        // A definition with an error is refused with its line and nothing is published.
        let broken = SERVICE.replace("type = \"pesel\"", "type = \"peselx\"");
        let line = SERVICE
            .lines()
            .position(|l| l == "type = \"pesel\"")
            .expect("line")
            + 1;
        let r = import(&s, &broken);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(&format!("Wiersz {line}")), "{}", r.body);
        assert_eq!(s.client().get("/services/test-zgloszenie").status, 404);

        let r = import(&s, SERVICE);
        assert_eq!(r.status, 303, "import: {}", r.body);
        let catalogue = s.client().get("/services?q=sprawdzian");
        assert!(
            catalogue.body.contains("/services/test-zgloszenie"),
            "{}",
            catalogue.body
        );
        let card = s.client().get("/services/test-zgloszenie");
        assert!(card.body.contains("Mapa sytuacyjna."), "{}", card.body);

        // Not signed in: the form asks to sign in first.
        let r = s.client().get("/services/test-zgloszenie/apply");
        assert_eq!(r.status, 303);
        assert_eq!(
            r.location.as_deref(),
            Some("/login?next=/services/test-zgloszenie/apply")
        );

        let c = resident(&s);
        let form = c.get("/services/test-zgloszenie/apply");
        assert_eq!(form.status, 200, "{}", form.body);

        // A draft is kept and shown again.
        let r = c.post_multipart(
            "/services/test-zgloszenie/apply",
            &[
                ("csrf", &form.csrf()),
                ("action", "save"),
                ("full_name", "Jan Kowalski"),
            ],
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let form = c.get("/services/test-zgloszenie/apply");
        assert!(
            form.body.contains("value=\"Jan Kowalski\""),
            "{}",
            form.body
        );

        // Bad input: a PESEL with a wrong checksum and a missing file, answered next to the
        // fields, with what was typed kept.
        let key = key_of(&form.body);
        let csrf = form.csrf();
        let fields = |pesel: &'static str| -> Vec<(&'static str, String)> {
            vec![
                ("action", "submit".into()),
                ("full_name", "Jan Kowalski".into()),
                ("pesel", pesel.into()),
                ("address.street", "ul. Kwiatowa 5".into()),
                ("address.postal_code", "12-345".into()),
                ("address.city", "Przykładowo".into()),
                ("owner", "yes".into()),
            ]
        };
        let mut bad: Vec<(&str, &str)> = vec![("csrf", &csrf), ("idempotency_key", &key)];
        let f1 = fields("44051401358");
        bad.extend(f1.iter().map(|(k, v)| (*k, v.as_str())));
        let r = c.post_multipart("/services/test-zgloszenie/apply", &bad, &[]);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"pesel-error\""), "{}", r.body);
        assert!(r.body.contains("id=\"site_plan-error\""), "{}", r.body);
        assert!(
            r.body.contains("value=\"ul. Kwiatowa 5\""),
            "typed text kept: {}",
            r.body
        );

        // A file of a forbidden type (checked by content, not the name).
        let f2 = fields("44051401359");
        let mut good: Vec<(&str, &str)> = vec![("csrf", &csrf), ("idempotency_key", &key)];
        good.extend(f2.iter().map(|(k, v)| (*k, v.as_str())));
        let r = c.post_multipart(
            "/services/test-zgloszenie/apply",
            &good,
            &[("site_plan", "mapa.png", b"GIF89a not really a png".to_vec())],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"site_plan-error\""), "{}", r.body);

        // The real submission.
        let r = c.post_multipart(
            "/services/test-zgloszenie/apply",
            &good,
            &[("site_plan", "mapa.png", PNG.to_vec())],
        );
        assert_eq!(r.status, 303, "submit: {}", r.body);
        let loc = r.location.clone().unwrap_or_default();
        assert!(loc.starts_with("/matters/"), "{loc}");
        let id = loc
            .trim_start_matches("/matters/")
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();

        // The same key again (double click, retry): the same submission.
        let again = c.post_multipart(
            "/services/test-zgloszenie/apply",
            &good,
            &[("site_plan", "mapa.png", PNG.to_vec())],
        );
        assert_eq!(again.location, r.location, "one submission per key");

        let page = c.get(&loc);
        assert_eq!(page.status, 200, "{}", page.body);
        let sha = hex::encode(Sha256::digest(PNG));
        assert!(
            page.body.contains(&sha),
            "the receipt shows the file's SHA-256: {}",
            page.body
        );
        assert!(page.body.contains("UPO/"), "{}", page.body);
        let year = time::OffsetDateTime::now_utc().year();
        assert!(
            page.body.contains(&format!("GK.6131.1.{year}")),
            "case opened: {}",
            page.body
        );
        let pdf = c.get(&format!("/matters/{id}/receipt.pdf"));
        assert_eq!(pdf.status, 200);
        assert!(pdf.body.starts_with("%PDF"), "a PDF");

        // One submission, one incoming item on the portal channel, one e-mail with the receipt.
        let p = {
            let token = s.token(&s.demo_tenant, RESIDENT, &["write"]);
            s.app
                .authenticate_token(&token)
                .expect("auth")
                .expect("principal")
        };
        let matters = s.app.my_matters(&p, 10, 0).expect("matters");
        assert_eq!(matters.len(), 1, "{matters:?}");
        let receipt = s.app.receipt(&p, &id).expect("receipt");
        assert_eq!(receipt.files.len(), 2, "application + attachment");
        assert_eq!(receipt.files[1].sha256, sha);
        let mails = s
            .app
            .store
            .read(|c| ratusz_app::store::mail::list(c, &s.demo_tenant, Some(RESIDENT), 20))
            .expect("mail");
        let upo_mails: Vec<_> = mails
            .iter()
            .filter(|m| m.subject.contains(&receipt.number))
            .collect();
        assert_eq!(upo_mails.len(), 1, "exactly one receipt e-mail");
        assert!(upo_mails[0].body_text.contains(&sha));

        // The GK manager sees the new unassigned case in "my work".
        let manager = s.staff("kierownik.gk@przykladowo.gov.pl");
        let work = manager.get("/panel/work");
        assert!(
            work.body.contains(&format!("GK.6131.1.{year}")),
            "{}",
            work.body
        );

        // Status without an account: the receipt number and the code; a wrong code is refused.
        let anon = s.client();
        let st = anon.get("/status");
        let r = anon.post_form(
            "/status",
            &[
                ("csrf", &st.csrf()),
                ("reference", &receipt.number),
                ("code", "AAAAA-BBBBB"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        let r = anon.post_form(
            "/status",
            &[
                ("csrf", &st.csrf()),
                ("reference", &receipt.number),
                ("code", &receipt.tracking_code.to_lowercase()),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains(&format!("GK.6131.1.{year}")), "{}", r.body);

        // Another resident cannot open this matter.
        let other = s.token(&s.demo_tenant, "anna.nowak@example.pl", &["write"]);
        let r = anon.api_get(&format!("/api/v1/matters/{id}"), Some(&other));
        assert_eq!(r.status, 404, "{}", r.body);
    }
);

both_engines!(an_expired_session_mid_form_loses_nothing, |engine| {
    let s = TestServer::start(engine);
    assert_eq!(import(&s, SERVICE).status, 303);
    let c = resident(&s);
    let form = c.get("/services/test-zgloszenie/apply");
    let csrf = form.csrf();
    // The session ends while the form is open: signed out everywhere from another device
    // (as an expired session, the browser still sends its now dead cookie).
    let other = resident(&s);
    let account = other.get("/account");
    let r = other.post_form("/logout/everywhere", &[("csrf", &account.csrf())]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(c.get("/matters").status, 303, "the form's session is gone");
    let r = c.post_multipart(
        "/services/test-zgloszenie/apply",
        &[
            ("csrf", &csrf),
            ("action", "submit"),
            ("full_name", "Jan Długi-Formularz"),
        ],
        &[],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.location.clone().unwrap_or_default();
    assert!(
        loc.starts_with("/login?next=/services/test-zgloszenie/apply"),
        "{loc}"
    );
    let login = c.get(&loc);
    let r = c.post_form(
        "/login",
        &[
            ("csrf", &login.csrf()),
            ("email", RESIDENT),
            ("password", ratusz_app::demo::RESIDENT_PASSWORD),
            ("next", "/services/test-zgloszenie/apply"),
        ],
    );
    assert_eq!(
        r.location.as_deref(),
        Some("/services/test-zgloszenie/apply")
    );
    let back = c.get("/services/test-zgloszenie/apply");
    assert!(
        back.body.contains("value=\"Jan Długi-Formularz\""),
        "{}",
        back.body
    );
});

both_engines!(the_demo_services_are_published, |engine| {
    let s = TestServer::start(engine);
    let list = s.app.services(&s.demo_tenant, "", false).expect("services");
    assert_eq!(list.len(), 8, "{list:?}");
    for svc in &list {
        let page = s.client().get(&format!("/services/{}", svc.slug));
        assert_eq!(page.status, 200, "{}: {}", svc.slug, page.body);
    }
    let found = s
        .app
        .services(&s.demo_tenant, "wycinka drzew", false)
        .expect("search");
    assert!(found.iter().any(|x| x.slug == "wycinka-drzew"), "{found:?}");
    // Inflected and without Polish letters: the stem, accent-folded.
    for q in ["usuniecie drzewa", "USUNIĘCIA DRZEW"] {
        let found = s.app.services(&s.demo_tenant, q, false).expect("search");
        assert!(
            found.iter().any(|x| x.slug == "wycinka-drzew"),
            "{q}: {found:?}"
        );
    }
});

both_engines!(a_reimported_definition_replaces_the_parsed_one, |engine| {
    let s = TestServer::start(engine);
    let r = import(&s, SERVICE);
    assert_eq!(r.status, 303, "{}", r.body);
    // Shown once: the parsed definition is kept for this version.
    let card = s.client().get("/services/test-zgloszenie");
    assert!(card.body.contains("Mapa sytuacyjna."), "{}", card.body);
    // A new import (a new version) is what the portal shows from then on.
    let changed = SERVICE.replace("Mapa sytuacyjna.", "Mapa z zaznaczonym drzewem.");
    assert_ne!(changed, SERVICE, "the fixture has the text to change");
    let r = import(&s, &changed);
    assert_eq!(r.status, 303, "{}", r.body);
    let card = s.client().get("/services/test-zgloszenie");
    assert!(
        card.body.contains("Mapa z zaznaczonym drzewem."),
        "{}",
        card.body
    );
    assert!(!card.body.contains("Mapa sytuacyjna."), "{}", card.body);
});
