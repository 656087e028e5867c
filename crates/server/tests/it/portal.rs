//! The portal's acceptance walk over HTTP, on both engines: a new resident signs up, verifies
//! the e-mail from the outbox, submits the demo tree-felling permit with an attachment and
//! gets a receipt with the file's SHA-256; the clerk asks for a missing document and sends
//! the request through the portal; the resident reads it (the opening is the delivery) and
//! answers in place; the clerk resumes, issues the decision with method "portal" and closes
//! the case; the resident receives the decision, the notices (portal and e-mail, each once)
//! and answers the survey, which the office sees per service and unit. Also: letters left
//! unopened count as delivered on the 14th day; preferences stop e-mails but not notices.

use std::sync::Arc;

use crate::both_engines;
use crate::isolation::link_token;
use crate::registry::{id_after, user_id};
use crate::support::*;
use ratusz_core::clock::FixedClock;
use sha2::{Digest, Sha256};

const CLERK: &str = "referent.gk@przykladowo.gov.pl";
const MANAGER: &str = "kierownik.gk@przykladowo.gov.pl";
const PASSWORD: &str = "Zielony-Rower-Nad-Wisla-77";

/// A small valid PDF (the content is checked, not the name).
fn pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    .into_bytes()
}

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The `/matters/{id}…` link of the page: the matter's id.
fn matter_id(location: &Option<String>) -> String {
    id_after(location, "/matters/")
}

/// The first `href="{prefix}…"` on a page, without the prefix.
fn link_after(body: &str, prefix: &str) -> String {
    let needle = format!("href=\"{prefix}");
    let start = body
        .find(&needle)
        .unwrap_or_else(|| panic!("no link {prefix} in {body}"))
        + needle.len();
    body[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn sign_up(s: &TestServer, email: &str) -> Client {
    let c = s.client();
    let r = c.submit(
        "/signup",
        "/signup",
        &[
            ("email", email),
            ("display_name", "Zofia Leśna"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "signup: {}", r.body);
    s.app.drain_jobs("test").expect("jobs");
    let token = link_token(s, &s.demo_tenant, email, "verify-email?token=");
    let r = c.get(&format!("/verify-email?token={token}"));
    assert_eq!(r.status, 200, "verify: {}", r.body);
    let r = c.submit(
        "/login",
        "/login",
        &[("email", email), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 303, "sign-in: {}", r.body);
    c
}

/// Submits the tree-felling permit; returns (matter id, attachment bytes).
fn submit_tree_felling(c: &Client) -> (String, Vec<u8>) {
    let form = c.get("/services/wycinka-drzew/apply");
    assert_eq!(form.status, 200, "{}", form.body);
    let key = extract_input(&form.body, "idempotency_key").expect("key");
    let plan = pdf("mapa z lokalizacja drzew");
    let csrf = form.csrf();
    let fields: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("action", "submit"),
        ("idempotency_key", &key),
        ("full_name", "Zofia Leśna"),
        ("applicant_address.street", "ul. Lipowa 3"),
        ("applicant_address.postal_code", "12-345"),
        ("applicant_address.city", "Przykładowo"),
        ("property_address.street", "ul. Lipowa 3"),
        ("property_address.postal_code", "12-345"),
        ("property_address.city", "Przykładowo"),
        ("plot_number", "123/4"),
        ("legal_title", "owner"),
        ("title_statement", "true"),
        ("tree_count", "1"),
        ("tree_species", "brzoza"),
        ("trunk_circumference", "120"),
        ("reason", "Drzewo pochyla się nad dachem domu."),
        ("business_purpose", "no"),
        ("removal_date", "2099-03-01"),
    ];
    let r = c.post_multipart(
        "/services/wycinka-drzew/apply",
        &fields,
        &[("site_plan", "mapa.pdf", plan.clone())],
    );
    assert_eq!(r.status, 303, "submit: {}", r.body);
    (matter_id(&r.location), plan)
}

/// The clerk's draft goes to the manager, is approved and dispatched through the portal.
fn approve_and_send(s: &TestServer, clerk: &Client, doc_id: &str) {
    let manager_id = user_id(s, MANAGER);
    let r = clerk.submit(
        &format!("/panel/documents/{doc_id}"),
        &format!("/panel/documents/{doc_id}/submit"),
        &[("approver_1", &manager_id), ("approver_2", "")],
    );
    assert_eq!(r.status, 303, "submit for approval: {}", r.body);
    let manager = s.staff(MANAGER);
    let r = manager.submit(
        &format!("/panel/documents/{doc_id}"),
        &format!("/panel/documents/{doc_id}/approve"),
        &[("comment", "")],
    );
    assert_eq!(r.status, 303, "approve: {}", r.body);
    let r = clerk.submit(
        &format!("/panel/documents/{doc_id}"),
        &format!("/panel/documents/{doc_id}/dispatch"),
        &[
            ("dispatch_method", "portal"),
            ("addressee_name", ""),
            ("addressee_address", ""),
        ],
    );
    assert_eq!(r.status, 303, "dispatch through the portal: {}", r.body);
}

fn mails_to(s: &TestServer, to: &str, subject_part: &str) -> usize {
    s.app
        .outbox(&s.demo_tenant, 500)
        .expect("outbox")
        .iter()
        .filter(|m| m.to_addr == to && m.subject.contains(subject_part))
        .count()
}

both_engines!(
    a_resident_goes_from_signup_to_a_decision_and_the_survey,
    |engine| {
        let s = TestServer::start(engine);
        let email = "zofia.lesna@example.pl";
        let c = sign_up(&s, email);

        // Submission with an attachment: the receipt lists the file's SHA-256.
        let (mid, plan) = submit_tree_felling(&c);
        let page = c.get(&format!("/matters/{mid}"));
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(&sha256_hex(&plan)), "{}", page.body);
        let sign_start = page
            .body
            .find("GK.6131.")
            .expect("case sign on the matter page");
        let sign: String = page.body[sign_start..]
            .chars()
            .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '.')
            .collect();
        s.app.drain_jobs("test").expect("jobs");
        assert_eq!(mails_to(&s, email, "UPO/"), 1, "the receipt e-mail");

        // The clerk finds the case by its sign and asks for a missing document.
        let clerk = s.staff(CLERK);
        let clerk_p = s
            .app
            .authenticate_token(&s.token(&s.demo_tenant, CLERK, &["write"]))
            .expect("auth")
            .expect("clerk");
        let case_id = s.app.case_by_sign(&clerk_p, &sign).expect("case").id;
        let case_page = clerk.get(&format!("/panel/cases/{case_id}"));
        assert_eq!(case_page.status, 200, "{}", case_page.body);
        assert!(
            case_page.body.contains("portal-h"),
            "portal section: {}",
            case_page.body
        );
        let r = clerk.submit(
            &format!("/panel/cases/{case_id}"),
            &format!("/panel/cases/{case_id}/deficiency"),
            &[
                ("days", "7"),
                (
                    "deficiencies",
                    "dołączenie zgody współwłaściciela nieruchomości",
                ),
            ],
        );
        assert_eq!(r.status, 303, "deficiency: {}", r.body);
        let notice_id = id_after(&r.location, "/panel/documents/");
        // Drafted, not sent: the resident is not yet waited for.
        let page = c.get(&format!("/matters/{mid}"));
        assert!(
            !page.body.contains("czeka na Twoje uzupełnienie"),
            "{}",
            page.body
        );
        approve_and_send(&s, &clerk, &notice_id);
        let page = c.get(&format!("/matters/{mid}"));
        assert!(
            page.body.contains("czeka na Twoje uzupełnienie"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("Urząd wezwał do uzupełnienia braków."),
            "{}",
            page.body
        );

        // The resident is told (portal and e-mail) and sees the request with the answer form.
        s.app.drain_jobs("test").expect("jobs");
        assert_eq!(mails_to(&s, email, "Wezwanie do uzupełnienia braków"), 1);
        let notices = c.get("/notifications");
        assert!(
            notices.body.contains("wzywa do uzupełnienia braków"),
            "{}",
            notices.body
        );
        let page = c.get(&format!("/matters/{mid}"));
        assert!(page.body.contains("deficiency-h"), "{}", page.body);
        let delivery = link_after(&page.body, &format!("/matters/{mid}/deliveries/"));
        let letter = c.get(&format!("/matters/{mid}/deliveries/{delivery}"));
        assert_eq!(letter.status, 200);
        assert_eq!(letter.headers["content-type"], "application/pdf");
        // The opening is the delivery: the case log records it with the term to answer.
        let case_page = clerk.get(&format!("/panel/cases/{case_id}"));
        assert!(
            case_page.body.contains("doręczenie pisma"),
            "{}",
            case_page.body
        );
        assert!(case_page.body.contains("odebrane"), "{}", case_page.body);
        let page = c.get(&format!("/matters/{mid}"));
        assert!(
            page.body.contains("Odpowiedz do "),
            "the term shows: {}",
            page.body
        );

        // The resident answers in place with the missing document.
        let consent = pdf("zgoda wspolwlasciciela");
        let r = c.post_multipart(
            &format!("/matters/{mid}/messages"),
            &[
                ("csrf", &page.csrf()),
                ("kind", "supplement"),
                ("body", "W załączeniu zgoda współwłaściciela."),
            ],
            &[("files", "zgoda.pdf", consent)],
        );
        assert_eq!(r.status, 303, "supplement: {}", r.body);
        let page = c.get(&format!("/matters/{mid}"));
        assert!(page.body.contains("W załączeniu zgoda"), "{}", page.body);
        assert!(
            !page.body.contains("deficiency-h"),
            "answered: {}",
            page.body
        );
        let file = link_after(&page.body, &format!("/matters/{mid}/files/"));
        let got = c.get(&format!("/matters/{mid}/files/{file}"));
        assert_eq!(got.status, 200);

        // "My work" tells the unit's manager (the case has no handler yet) that the applicant
        // wrote; opening the case by someone who handles it reads the message.
        let manager_c = s.staff(MANAGER);
        let work = manager_c.get("/panel/work");
        assert!(
            work.body.contains("nowa wiadomość od wnioskodawcy"),
            "{}",
            work.body
        );
        // The clerk sees the answer in the case (registered as a portal item joined to it).
        let case_page = clerk.get(&format!("/panel/cases/{case_id}"));
        assert!(
            case_page.body.contains("W załączeniu zgoda"),
            "{}",
            case_page.body
        );
        assert!(case_page.body.contains("zgoda.pdf"), "{}", case_page.body);
        assert!(case_page.body.contains("dołączenie pisma do sprawy"));
        let work = manager_c.get("/panel/work");
        assert!(
            !work.body.contains("nowa wiadomość od wnioskodawcy"),
            "{}",
            work.body
        );

        // The clerk writes a message; the resident gets it (once).
        let r = clerk.post_multipart(
            &format!("/panel/cases/{case_id}/portal-message"),
            &[
                ("csrf", &case_page.csrf()),
                ("body", "Dziękujemy, dokumenty są kompletne."),
            ],
            &[],
        );
        assert_eq!(r.status, 303, "office message: {}", r.body);
        // Both sides of the correspondence are in the case file.
        let case_page = clerk.get(&format!("/panel/cases/{case_id}"));
        assert!(
            case_page
                .body
                .contains("Wiadomość do wnioskodawcy przez portal"),
            "{}",
            case_page.body
        );

        // Resume, decide, send the decision through the portal, close.
        let today = time::OffsetDateTime::now_utc().date().to_string();
        let r = clerk.submit(
            &format!("/panel/cases/{case_id}"),
            &format!("/panel/cases/{case_id}/resume"),
            &[("until", &today)],
        );
        assert_eq!(r.status, 303, "resume: {}", r.body);
        let template = s
            .app
            .letter_templates(&s.demo_tenant)
            .expect("templates")
            .into_iter()
            .find(|t| t.name == "Zezwolenie na usunięcie drzew")
            .expect("demo template");
        let r = clerk.submit(
            &format!("/panel/cases/{case_id}"),
            &format!("/panel/cases/{case_id}/draft"),
            &[
                ("template_id", &template.id),
                ("addressee_name", ""),
                ("addressee_address", ""),
            ],
        );
        assert_eq!(r.status, 303, "decision draft: {}", r.body);
        let decision_id = id_after(&r.location, "/panel/documents/");
        approve_and_send(&s, &clerk, &decision_id);
        let r = clerk.submit(
            &format!("/panel/cases/{case_id}"),
            &format!("/panel/cases/{case_id}/close"),
            &[("final_document_id", &decision_id)],
        );
        assert_eq!(r.status, 303, "close: {}", r.body);

        // Notices: each event once, in the portal and by e-mail, even when the jobs run again.
        s.app.drain_jobs("test").expect("jobs");
        s.app.drain_jobs("test").expect("jobs again");
        assert_eq!(mails_to(&s, email, "Nowa wiadomość z urzędu"), 1);
        assert_eq!(mails_to(&s, email, "Czeka na Ciebie pismo urzędu"), 1);
        assert_eq!(mails_to(&s, email, "sprawa została zakończona"), 1);
        assert_eq!(mails_to(&s, email, "Jak oceniasz"), 1);
        let resident = s
            .app
            .user_by_email(&s.demo_tenant, email)
            .expect("lookup")
            .expect("resident");
        let p = s
            .app
            .authenticate_token(&s.token(&s.demo_tenant, email, &["write"]))
            .expect("auth")
            .expect("principal");
        assert_eq!(p.user.id, resident.id);
        let notices = s.app.my_notifications(&p, 100).expect("notices");
        let mut keys: Vec<&str> = notices.iter().map(|n| n.kind.as_str()).collect();
        keys.sort_unstable();
        for kind in ["deficiency", "delivery", "message", "status", "survey"] {
            assert!(keys.contains(&kind), "{kind} in {keys:?}");
        }
        assert_eq!(keys.iter().filter(|k| **k == "survey").count(), 1);

        // The decision is in the inbox; opening it is its delivery.
        let page = c.get(&format!("/matters/{mid}"));
        assert!(
            page.body.contains("Decyzja w sprawie zezwolenia"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Dziękujemy, dokumenty są kompletne."));
        let deliveries = s.app.matter_deliveries(&p, &mid).expect("deliveries");
        assert_eq!(deliveries.len(), 2);
        let decision = deliveries
            .iter()
            .find(|d| d.document_kind == "decision")
            .expect("decision delivered");
        assert!(decision.opened_at.is_none());
        let r = c.get(&format!("/matters/{mid}/deliveries/{}", decision.id));
        assert_eq!(r.headers["content-type"], "application/pdf");
        let again = s.app.matter_deliveries(&p, &mid).expect("deliveries");
        let opened = again.iter().find(|d| d.id == decision.id).expect("d");
        assert!(opened.opened_at.is_some(), "opening recorded");
        // Opening again keeps the first time.
        c.get(&format!("/matters/{mid}/deliveries/{}", decision.id));
        let third = s.app.matter_deliveries(&p, &mid).expect("deliveries");
        assert_eq!(
            third
                .iter()
                .find(|d| d.id == decision.id)
                .expect("d")
                .opened_at,
            opened.opened_at
        );

        // The survey: a bad rating is refused next to the field, a good one is kept once.
        let survey = c.get(&format!("/matters/{mid}/survey"));
        assert_eq!(survey.status, 200, "{}", survey.body);
        let r = c.submit(
            &format!("/matters/{mid}/survey"),
            &format!("/matters/{mid}/survey"),
            &[("rating", "9"), ("comment", "")],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("rating-error"), "{}", r.body);
        let r = c.submit(
            &format!("/matters/{mid}/survey"),
            &format!("/matters/{mid}/survey"),
            &[("rating", "5"), ("comment", "Szybko i jasno.")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let again = s.app.answer_survey(&p, &mid, "4", "");
        assert!(again.is_err(), "one answer per matter");
        let manager = s
            .app
            .authenticate_token(&s.token(&s.demo_tenant, MANAGER, &["read"]));
        let manager = manager.expect("auth").expect("manager");
        let results = s.app.survey_results(&manager).expect("results");
        assert_eq!(results.total.answers, 1);
        assert_eq!(results.total.distribution, [0, 0, 0, 0, 1]);
        assert!(
            results
                .services
                .iter()
                .any(|l| l.name.contains("drzew") && l.average == 5.0)
        );
        assert!(results.units.iter().any(|l| l.name.starts_with("GK")));
        assert_eq!(results.comments[0].comment, "Szybko i jasno.");
        let page = s.staff(MANAGER).get("/panel/surveys");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Szybko i jasno."), "{}", page.body);
        assert_eq!(clerk.get("/panel/surveys").status, 403);
        // The registry desk sees the whole office; another unit's manager sees only theirs.
        let desk = s
            .app
            .authenticate_token(&s.token(
                &s.demo_tenant,
                "kancelaria@przykladowo.gov.pl",
                &["read"],
            ))
            .expect("auth")
            .expect("desk");
        assert_eq!(
            s.app.survey_results(&desk).expect("results").total.answers,
            1
        );
        let or_unit = s
            .app
            .units(&s.demo_tenant)
            .expect("units")
            .into_iter()
            .find(|u| u.symbol == "OR")
            .expect("OR")
            .id;
        let or_user = user_id(&s, "referent.or@przykladowo.gov.pl");
        s.app
            .grant_role(
                &s.demo_tenant,
                &or_user,
                ratusz_core::roles::Role::Manager,
                Some(&or_unit),
                &ratusz_app::audit::Actor::cli(),
            )
            .expect("grant");
        let or_manager = s
            .app
            .authenticate_token(&s.token(
                &s.demo_tenant,
                "referent.or@przykladowo.gov.pl",
                &["read"],
            ))
            .expect("auth")
            .expect("OR manager");
        let theirs = s.app.survey_results(&or_manager).expect("results");
        assert_eq!(theirs.total.answers, 0, "GK's answers are not OR's");
        assert!(theirs.comments.is_empty());

        // Another resident sees none of it.
        let other = s.client();
        let r = other.submit(
            "/login",
            "/login",
            &[
                ("email", "jan.kowalski@example.pl"),
                ("password", ratusz_app::demo::RESIDENT_PASSWORD),
            ],
        );
        assert_eq!(r.status, 303);
        assert_eq!(other.get(&format!("/matters/{mid}")).status, 404);
        assert_eq!(
            other
                .get(&format!("/matters/{mid}/deliveries/{}", decision.id))
                .status,
            404
        );
        assert_eq!(
            other.get(&format!("/matters/{mid}/files/{file}")).status,
            404
        );
    }
);

both_engines!(
    an_unopened_letter_counts_as_delivered_on_the_14th_day,
    |engine| {
        let s = TestServer::start(engine);
        let email = "adam.brzozowski@example.pl";
        let c = sign_up(&s, email);
        // E-mails about messages are switched off; the notices stay in the portal.
        let prefs = c.get("/account/notifications");
        assert_eq!(prefs.status, 200, "{}", prefs.body);
        let r = c.submit(
            "/account/notifications",
            "/account/notifications",
            &[
                ("email_status", "on"),
                ("email_deadlines", "on"),
                ("email_surveys", "on"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let (mid, _) = submit_tree_felling(&c);
        let p = s
            .app
            .authenticate_token(&s.token(&s.demo_tenant, email, &["write"]))
            .expect("auth")
            .expect("principal");
        let matter = s.app.my_matter(&p, &mid).expect("matter");
        let sign = matter.case_sign.expect("case opened at submission");
        let clerk_p = s
            .app
            .authenticate_token(&s.token(&s.demo_tenant, CLERK, &["write"]))
            .expect("auth")
            .expect("clerk");
        let case = s.app.case_by_sign(&clerk_p, &sign).expect("case");
        let clerk = s.staff(CLERK);
        let r = clerk.submit(
            &format!("/panel/cases/{}", case.id),
            &format!("/panel/cases/{}/deficiency", case.id),
            &[("days", "7"), ("deficiencies", "podpis na mapie")],
        );
        assert_eq!(r.status, 303, "deficiency: {}", r.body);
        let doc = id_after(&r.location, "/panel/documents/");
        approve_and_send(&s, &clerk, &doc);
        s.app
            .office_message(&clerk_p, &case.id, "Proszę o podpis na mapie.", Vec::new())
            .expect("office message");
        s.app.drain_jobs("test").expect("jobs");
        // Switched off: no e-mail about the message, but the request is always announced.
        assert_eq!(mails_to(&s, email, "Nowa wiadomość"), 0);
        assert_eq!(mails_to(&s, email, "Wezwanie do uzupełnienia braków"), 1);
        assert!(
            s.app
                .my_notifications(&p, 100)
                .expect("notices")
                .iter()
                .any(|n| n.kind == "message"),
            "the message notice is in the portal"
        );

        // Today nothing is deemed; 15 days later the sweep deems it delivered on the 14th day,
        // once, and the term to answer runs from then.
        assert_eq!(s.app.portal_sweep().expect("sweep").deemed, 0);
        let later = ratusz_app::App::new(
            s.db.store(),
            Arc::new(FixedClock::new(
                time::OffsetDateTime::now_utc() + time::Duration::days(15),
            )),
            s.db.settings(),
        );
        assert_eq!(later.portal_sweep().expect("sweep").deemed, 1);
        assert_eq!(later.portal_sweep().expect("sweep again").deemed, 0);
        let d = s.app.matter_deliveries(&p, &mid).expect("deliveries");
        let d = d.first().expect("delivery");
        let deemed = d.deemed_at.expect("deemed");
        assert_eq!(deemed - d.available_at, 14 * 86_400 * 1_000_000);
        assert!(d.opened_at.is_none());
        let reply_by = d.reply_by.clone().expect("term from the deemed delivery");
        // Opening afterwards does not move the delivery date.
        c.get(&format!("/matters/{mid}/deliveries/{}", d.id));
        let d2 = s.app.matter_deliveries(&p, &mid).expect("deliveries");
        assert!(d2[0].opened_at.is_none());
        assert_eq!(d2[0].reply_by.as_deref(), Some(reply_by.as_str()));
        let log = clerk.get(&format!("/panel/cases/{}", case.id));
        assert!(
            log.body.contains("doręczone w trybie 14 dni"),
            "{}",
            log.body
        );

        // Near the end of the term an unanswered request is reminded, once.
        let near = time::Date::parse(
            &reply_by,
            &time::format_description::well_known::Iso8601::DEFAULT,
        )
        .expect("date")
        .midnight()
        .assume_utc()
            - time::Duration::days(1);
        let late = ratusz_app::App::new(
            s.db.store(),
            Arc::new(FixedClock::new(near)),
            s.db.settings(),
        );
        assert_eq!(late.portal_sweep().expect("sweep").reminders, 1);
        late.portal_sweep().expect("sweep again");
        // The notice was queued at that (future) time: the worker running then sends it.
        late.drain_jobs("test").expect("jobs");
        assert_eq!(mails_to(&s, email, "Przypomnienie"), 1);
    }
);

both_engines!(a_mobile_app_does_the_same_through_the_api, |engine| {
    let s = TestServer::start(engine);
    let email = "jan.kowalski@example.pl";
    let c = s.client();
    let r = c.submit(
        "/login",
        "/login",
        &[
            ("email", email),
            ("password", ratusz_app::demo::RESIDENT_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303);
    let (mid, _) = submit_tree_felling(&c);
    let token = s.token(&s.demo_tenant, email, &["write"]);
    let t = Some(token.as_str());
    let api = s.client();
    // A read-only token reads but does not write.
    let read_only = s.token(&s.demo_tenant, email, &["read"]);
    assert_eq!(
        api.api_get(&format!("/api/v1/matters/{mid}/messages"), Some(&read_only))
            .status,
        200
    );
    let r = api.api_post(
        &format!("/api/v1/matters/{mid}/messages"),
        Some(&read_only),
        r#"{"body": "x"}"#,
    );
    assert_eq!(r.status, 403, "{}", r.body);

    // Messages: bad input names the field; a good one is registered and listed.
    let r = api.api_post(
        &format!("/api/v1/matters/{mid}/messages"),
        t,
        r#"{"body": ""}"#,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("\"body\""), "{}", r.body);
    let r = api.api_post(
        &format!("/api/v1/matters/{mid}/messages"),
        t,
        r#"{"body": "x", "kind": "pigeon"}"#,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let r = api.api_post(
        &format!("/api/v1/matters/{mid}/messages"),
        t,
        r#"{"body": "x", "files": [{"file_name": "a.pdf", "content_base64": "%%%"}]}"#,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    // No deficiency request was made: a supplement is refused.
    let r = api.api_post(
        &format!("/api/v1/matters/{mid}/messages"),
        t,
        r#"{"body": "Uzupełniam", "kind": "supplement"}"#,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    use base64::Engine as _;
    let file = base64::engine::general_purpose::STANDARD.encode(pdf("zdjecie"));
    let r = api.api_post(
        &format!("/api/v1/matters/{mid}/messages"),
        t,
        &format!(
            r#"{{"body": "Czy potrzebne są zdjęcia?", "files": [{{"file_name": "zdjecie.pdf", "content_base64": "{file}"}}]}}"#
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let list = api.api_get(&format!("/api/v1/matters/{mid}/messages"), t);
    assert_eq!(list.status, 200, "{}", list.body);
    let v: serde_json::Value = serde_json::from_str(&list.body).expect("json");
    assert_eq!(v[0]["body"], "Czy potrzebne są zdjęcia?");
    assert_eq!(v[0]["direction"], "in");
    let doc = v[0]["files"][0][0].as_str().expect("file id").to_owned();
    let f = api.api_get(&format!("/api/v1/matters/{mid}/files/{doc}"), t);
    assert_eq!(f.status, 200);

    // The office answers through the API; the resident's notices and preferences.
    let p = s
        .app
        .authenticate_token(&token)
        .expect("auth")
        .expect("principal");
    let sign = s
        .app
        .my_matter(&p, &mid)
        .expect("matter")
        .case_sign
        .expect("sign");
    let clerk_token = s.token(&s.demo_tenant, CLERK, &["write"]);
    let clerk_p = s
        .app
        .authenticate_token(&clerk_token)
        .expect("auth")
        .expect("clerk");
    let case_id = s.app.case_by_sign(&clerk_p, &sign).expect("case").id;
    let r = api.api_post(
        &format!("/api/v1/cases/{case_id}/portal/messages"),
        Some(&clerk_token),
        r#"{"body": "Tak, prosimy o zdjęcia."}"#,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let portal = api.api_get(
        &format!("/api/v1/cases/{case_id}/portal"),
        Some(&clerk_token),
    );
    assert_eq!(portal.status, 200, "{}", portal.body);
    assert!(portal.body.contains("Czy potrzebne są zdjęcia?"));
    // A resident's token reaches no case (not even its existence); a clerk cannot read the
    // survey's results.
    assert_eq!(
        api.api_get(&format!("/api/v1/cases/{case_id}/portal"), t)
            .status,
        404
    );
    assert_eq!(
        api.api_get("/api/v1/surveys", Some(&clerk_token)).status,
        403
    );
    s.app.drain_jobs("test").expect("jobs");
    let n = api.api_get("/api/v1/notifications", t);
    let v: serde_json::Value = serde_json::from_str(&n.body).expect("json");
    assert_eq!(v["unread"], 1, "{}", n.body);
    assert_eq!(v["items"][0]["kind"], "message");
    let r = api.api_post("/api/v1/notifications/read", t, "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    let n = api.api_get("/api/v1/notifications", t);
    assert!(n.body.contains("\"unread\":0"), "{}", n.body);
    let prefs = api.api_get("/api/v1/notification-preferences", t);
    assert!(
        prefs.body.contains("\"email_messages\":true"),
        "{}",
        prefs.body
    );
    let put = api
        .http
        .put(format!("{}/api/v1/notification-preferences", api.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"email_status": true, "email_messages": false, "email_deadlines": true, "email_surveys": true}"#)
        .send()
        .expect("PUT");
    assert_eq!(put.status().as_u16(), 200);
    let prefs = api.api_get("/api/v1/notification-preferences", t);
    assert!(
        prefs.body.contains("\"email_messages\":false"),
        "{}",
        prefs.body
    );
    let survey = api.api_get(&format!("/api/v1/matters/{mid}/survey"), t);
    assert!(
        survey.body.contains("\"can_rate\":false"),
        "{}",
        survey.body
    );
    let r = api.api_post(
        &format!("/api/v1/matters/{mid}/survey"),
        t,
        r#"{"rating": 5}"#,
    );
    assert_eq!(r.status, 422, "an open matter cannot be rated: {}", r.body);
    assert_eq!(
        api.api_get(&format!("/api/v1/matters/{mid}/deliveries"), t)
            .body,
        "[]"
    );
});

both_engines!(
    the_accessibility_statement_comes_from_the_tenant_settings,
    |engine| {
        let s = TestServer::start(engine);
        // The demo's statement, public, linked from every page.
        let home = s.client().get("/services");
        assert!(
            home.body.contains("href=\"/deklaracja-dostepnosci\""),
            "{}",
            home.body
        );
        let page = s.client().get("/deklaracja-dostepnosci");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body
                .contains("Urząd Gminy Przykładowo zobowiązuje się"),
            "{}",
            page.body
        );
        assert!(page.body.contains("dostepnosc@przykladowo.gov.pl"));
        assert!(page.body.contains("częściowo zgodny"));
        assert!(page.body.contains("Rzecznika Praw Obywatelskich"));

        // The admin edits it: bad input is answered next to the fields and nothing changes.
        let admin = s.staff("admin@przykladowo.gov.pl");
        let form = admin.get("/panel/admin/accessibility");
        assert_eq!(form.status, 200, "{}", form.body);
        let fields = |published: &'static str, status: &'static str| {
            vec![
                ("entity", ""),
                ("published", published),
                ("updated", "2026-11-24"),
                ("prepared", "2026-11-24"),
                ("reviewed", "2026-11-24"),
                ("status", status),
                ("non_accessible", ""),
                ("method", "external"),
                ("assessor", "Fundacja Dostępności"),
                ("contact_name", "Piotr Pomocny"),
                ("contact_email", "pomoc@przykladowo.gov.pl"),
                ("contact_phone", "123 456 789"),
                ("architecture", "Winda przy wejściu od ul. Szkolnej."),
                ("sign_language", ""),
            ]
        };
        let r = admin.submit(
            "/panel/admin/accessibility",
            "/panel/admin/accessibility",
            &fields("15.01.2026", "partial"),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"published-error\""), "{}", r.body);
        assert!(r.body.contains("id=\"non_accessible-error\""), "{}", r.body);
        assert!(
            r.body.contains("value=\"Piotr Pomocny\""),
            "typed text kept"
        );
        let r = admin.submit(
            "/panel/admin/accessibility",
            "/panel/admin/accessibility",
            &fields("2026-01-15", "full"),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = s.client().get("/deklaracja-dostepnosci");
        assert!(page.body.contains("Portal jest zgodny"), "{}", page.body);
        assert!(page.body.contains("Fundacja Dostępności"));
        assert!(page.body.contains("Winda przy wejściu"));
        let en = s.client();
        en.get("/lang/en");
        let page = en.get("/deklaracja-dostepnosci");
        assert!(page.body.contains("fully compliant"), "{}", page.body);
        // Only the admin may change it.
        let clerk = s.staff(CLERK);
        let r = clerk.post_form(
            "/panel/admin/accessibility",
            &[("csrf", &clerk.get("/panel").csrf()), ("status", "none")],
        );
        assert_eq!(r.status, 403, "{}", r.body);
        // The other tenant has its own statement.
        let other = s.client_for_host(OTHER_HOST).get("/deklaracja-dostepnosci");
        assert!(
            !other.body.contains("Fundacja Dostępności"),
            "{}",
            other.body
        );
    }
);

both_engines!(a_resident_creates_a_token_for_a_mobile_app, |engine| {
    let s = TestServer::start(engine);
    let c = s.client();
    let r = c.submit(
        "/login",
        "/login",
        &[
            ("email", "anna.nowak@example.pl"),
            ("password", ratusz_app::demo::RESIDENT_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303);
    let page = c.get("/account/apps");
    assert_eq!(page.status, 200, "{}", page.body);
    // Bad input is answered next to the field.
    let r = c.submit(
        "/account/apps",
        "/account/apps",
        &[("name", ""), ("days", "90")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"name-error\""), "{}", r.body);
    let r = c.submit(
        "/account/apps",
        "/account/apps",
        &[("name", "Telefon"), ("days", "9999")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"days-error\""), "{}", r.body);
    // The secret is shown once, works for the portal API and not beyond the resident's rights.
    let r = c.submit(
        "/account/apps",
        "/account/apps",
        &[("name", "Telefon"), ("days", "90")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let marker = "<code id=\"new-token\">";
    let start = r.body.find(marker).expect("secret shown") + marker.len();
    let secret: String = r.body[start..].chars().take_while(|c| *c != '<').collect();
    assert!(secret.starts_with("rtz_"), "{secret}");
    let api = s.client();
    assert_eq!(api.api_get("/api/v1/matters", Some(&secret)).status, 200);
    assert_eq!(api.api_get("/api/v1/users", Some(&secret)).status, 403);
    // A token cannot create tokens; another resident cannot revoke it.
    let p = s.app.authenticate_token(&secret).expect("auth").expect("p");
    assert!(s.app.create_my_api_token(&p, "x", "30").is_err());
    let page = c.get("/account/apps");
    assert!(
        !page.body.contains(&secret),
        "the secret is never shown again"
    );
    let id = {
        let marker = "action=\"/account/apps/";
        let i = page.body.find(marker).expect("revoke form") + marker.len();
        page.body[i..]
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let other = s.client();
    let r = other.submit(
        "/login",
        "/login",
        &[
            ("email", "jan.kowalski@example.pl"),
            ("password", ratusz_app::demo::RESIDENT_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303);
    let r = other.submit("/account/apps", &format!("/account/apps/{id}/revoke"), &[]);
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(api.api_get("/api/v1/matters", Some(&secret)).status, 200);
    // Its owner revokes it: it stops working at once.
    let r = c.submit("/account/apps", &format!("/account/apps/{id}/revoke"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(api.api_get("/api/v1/matters", Some(&secret)).status, 401);
});

both_engines!(guessing_tracking_codes_is_slowed_down, |engine| {
    let s = TestServer::start(engine);
    let c = s.client();
    let r = c.submit(
        "/login",
        "/login",
        &[
            ("email", "jan.kowalski@example.pl"),
            ("password", ratusz_app::demo::RESIDENT_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303);
    let (mid, _) = submit_tree_felling(&c);
    let page = c.get(&format!("/matters/{mid}"));
    let number_at = page.body.find("UPO/").expect("receipt number");
    let number: String = page.body[number_at..]
        .chars()
        .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '/')
        .collect();
    let code_at = page.body.find("<code>").expect("tracking code") + "<code>".len();
    let code: String = page.body[code_at..]
        .chars()
        .take_while(|ch| *ch != '<')
        .collect();
    let guesser = s.client();
    let check = |code: &str| {
        guesser.submit(
            "/status",
            "/status",
            &[("reference", number.as_str()), ("code", code)],
        )
    };
    // The right code works; ten wrong ones are each answered as "no match"...
    assert_eq!(check(&code).status, 200);
    for _ in 0..ratusz_app::eservices::matters::STATUS_TRIES {
        let r = check("AAAAA-AAAAA");
        assert_eq!(r.status, 422, "{}", r.body);
    }
    // ...then the address waits, even with the right code, in the page and the API.
    let r = check(&code);
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("id=\"code-error\""), "{}", r.body);
    assert!(r.body.contains("nieudanych prób sprawdzenia"), "{}", r.body);
    let api = guesser.api_post(
        "/api/v1/status",
        None,
        &format!(r#"{{"reference": "{number}", "code": "{code}"}}"#),
    );
    assert_eq!(api.status, 429, "{}", api.body);
});

both_engines!(staff_read_the_facts_of_a_letter_through_the_api, |engine| {
    let s = TestServer::start(engine);
    let api = s.client();
    let desk = s.token(&s.demo_tenant, "kancelaria@przykladowo.gov.pl", &["read"]);
    let clerk = s.token(&s.demo_tenant, CLERK, &["read"]);
    let resident = s.token(&s.demo_tenant, "jan.kowalski@example.pl", &["write"]);
    let body = r#"{"text": "Dot. sprawy OR.1431.5.2024. PESEL 44051401359, NIP 123-456-32-18, kwota 17 zł."}"#;
    for token in [&desk, &clerk] {
        let r = api.api_post("/api/v1/intake/facts", Some(token), body);
        assert_eq!(r.status, 200, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
        let facts = v["facts"].as_array().expect("facts");
        let has = |kind: &str, value: &str| {
            facts
                .iter()
                .any(|f| f["kind"] == kind && f["value"] == value)
        };
        assert!(has("pesel", "44051401359"), "{}", r.body);
        assert!(has("nip", "1234563218"), "{}", r.body);
        assert!(has("amount", "1700"), "{}", r.body);
        assert!(
            facts
                .iter()
                .any(|f| f["kind"] == "case_sign" && f["referenced"] == true),
            "{}",
            r.body
        );
    }
    // Residents have no intake tools; a text too long is refused with the field named.
    let r = api.api_post("/api/v1/intake/facts", Some(&resident), body);
    assert_eq!(r.status, 403, "{}", r.body);
    let long = format!(r#"{{"text": "{}"}}"#, "a".repeat(200_001));
    let r = api.api_post("/api/v1/intake/facts", Some(&desk), &long);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("\"text\""), "{}", r.body);
});
