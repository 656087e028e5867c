//! The EZD registry and case handling end to end, over HTTP as staff use it: registering a paper
//! letter with a scan, assignment, opening a case with a generated sign, a draft from a template,
//! approval, dispatch, closing, the case log, search; gap-free signs under parallel openings; and
//! the bad input the issue lists, each refused whole.

use crate::both_engines;
use crate::support::*;
use ratusz_app::accounts::Principal;
use ratusz_app::cases::OpenCaseInput;

const REGISTRAR: &str = "kancelaria@przykladowo.gov.pl";
const GK_MANAGER: &str = "kierownik.gk@przykladowo.gov.pl";
const GK_CLERK: &str = "referent.gk@przykladowo.gov.pl";
const OR_CLERK: &str = "referent.or@przykladowo.gov.pl";
const ADMIN: &str = "admin@przykladowo.gov.pl";

/// A tiny valid PNG (1×1), as a scanner would never produce but every parser accepts.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

pub(crate) fn id_after(location: &Option<String>, prefix: &str) -> String {
    let loc = location.as_deref().unwrap_or_default();
    let rest = loc
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("redirect {loc:?} does not start with {prefix}"));
    rest.split(['?', '/']).next().unwrap_or_default().to_owned()
}

fn unit_id(s: &TestServer, symbol: &str) -> String {
    s.app
        .units(&s.demo_tenant)
        .expect("units")
        .into_iter()
        .find(|u| u.symbol == symbol)
        .expect("unit")
        .id
}

pub(crate) fn user_id(s: &TestServer, email: &str) -> String {
    s.app
        .user_by_email(&s.demo_tenant, email)
        .expect("lookup")
        .expect("user")
        .id
}

/// A final JRWA class of the demo plan whose symbol starts with `prefix`.
pub(crate) fn leaf_class(s: &TestServer, prefix: &str) -> String {
    let classes = s.app.file_classes(&s.demo_tenant).expect("plan");
    classes
        .iter()
        .find(|c| {
            c.symbol.starts_with(prefix)
                && c.category.is_some()
                && !classes
                    .iter()
                    .any(|d| d.symbol != c.symbol && d.symbol.starts_with(&c.symbol))
        })
        .expect("a leaf class")
        .symbol
        .clone()
}

pub(crate) fn principal(s: &TestServer, email: &str) -> Principal {
    let token = s.token(&s.demo_tenant, email, &["write"]);
    s.app
        .authenticate_token(&token)
        .expect("auth")
        .expect("principal")
}

fn register_letter(c: &Client, title: &str) -> String {
    let page = c.get("/panel/incoming/new");
    assert_eq!(page.status, 200, "{}", page.body);
    let r = c.post_multipart(
        "/panel/incoming",
        &[
            ("csrf", &page.csrf()),
            ("channel", "paper"),
            ("kind", "application"),
            ("title", title),
            ("sender_name", "Jan Kowalski"),
            ("sender_address", "ul. Kwiatowa 5\n12-345 Przykładowo"),
            ("sender_reference", "JK/1/2026"),
            ("attachments_count", "1"),
            ("access_level", "internal"),
            ("paper_original", "on"),
        ],
        &[("files", "skan.png", PNG.to_vec())],
    );
    assert_eq!(r.status, 303, "register: {}", r.body);
    id_after(&r.location, "/panel/incoming/")
}

both_engines!(
    paper_letter_to_closed_case_with_every_step_logged,
    |engine| {
        let s = TestServer::start(engine);
        let year = time::OffsetDateTime::now_utc().year();
        let gk = unit_id(&s, "GK");
        let clerk_id = user_id(&s, GK_CLERK);
        let manager_id = user_id(&s, GK_MANAGER);

        // The registry desk registers a paper letter with its scan and assigns it to GK.
        let desk = s.staff(REGISTRAR);
        let item_id = register_letter(
            &desk,
            "Wniosek o zajęcie pasa drogowego przy ulicy Kwiatowej",
        );
        let item = desk.get(&format!("/panel/incoming/{item_id}"));
        assert_eq!(item.status, 200);
        assert!(item.body.contains(&format!("RPW/{year}/")), "{}", item.body);
        assert!(
            item.body.contains("skan.png"),
            "the scan is listed: {}",
            item.body
        );
        let r = desk.submit(
            &format!("/panel/incoming/{item_id}"),
            &format!("/panel/incoming/{item_id}/assign"),
            &[
                ("unit_id", &gk),
                ("handler_id", &clerk_id),
                ("manner", "handle"),
                ("deadline", ""),
            ],
        );
        assert_eq!(r.status, 303, "assign: {}", r.body);

        // The GK clerk sees it in "my work" and opens a case from it.
        let clerk = s.staff(GK_CLERK);
        let work = clerk.get("/panel/work");
        assert!(
            work.body.contains(&format!("/panel/incoming/{item_id}")),
            "{}",
            work.body
        );
        let class = leaf_class(&s, "7");
        let r = clerk.submit(
            &format!("/panel/incoming/{item_id}"),
            "/panel/cases",
            &[
                ("incoming_item_id", &item_id),
                ("unit_id", &gk),
                ("class_symbol", &class),
                ("procedure_kind", "administrative"),
            ],
        );
        assert_eq!(r.status, 303, "open case: {}", r.body);
        let case_id = id_after(&r.location, "/panel/cases/");
        let case_page = clerk.get(&format!("/panel/cases/{case_id}"));
        let sign = format!("GK.{class}.1.{year}");
        assert!(
            case_page.body.contains(&sign),
            "sign {sign}: {}",
            case_page.body
        );
        assert!(
            case_page.body.contains("art. 35"),
            "the deadline shows its basis"
        );

        // A draft from the template, edited, sent for approval to the manager.
        let template = s
            .app
            .letter_templates(&s.demo_tenant)
            .expect("templates")
            .into_iter()
            .find(|t| t.name == "Odpowiedź na pismo")
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
        assert_eq!(r.status, 303, "draft: {}", r.body);
        let doc_id = id_after(&r.location, "/panel/documents/");
        let doc_page = clerk.get(&format!("/panel/documents/{doc_id}"));
        assert!(
            doc_page.body.contains(&sign),
            "placeholders filled: {}",
            doc_page.body
        );
        assert!(
            doc_page.body.contains("Jan Kowalski"),
            "addressee from the party"
        );
        let body = "Szanowny Panie,\n\nzezwalamy na zajęcie pasa drogowego.\n\nZ poważaniem";
        let r = clerk.submit(
            &format!("/panel/documents/{doc_id}"),
            &format!("/panel/documents/{doc_id}/edit"),
            &[("body", body)],
        );
        assert_eq!(r.status, 303, "edit: {}", r.body);
        let v2 = clerk.get(&format!("/panel/documents/{doc_id}/content?version=2"));
        assert_eq!(v2.body, body, "version 2 holds the edited text");
        let r = clerk.submit(
            &format!("/panel/documents/{doc_id}"),
            &format!("/panel/documents/{doc_id}/submit"),
            &[("approver_1", &manager_id), ("approver_2", "")],
        );
        assert_eq!(r.status, 303, "submit: {}", r.body);
        // The clerk is not on the path: approving is refused.
        let r = clerk.submit(
            &format!("/panel/documents/{doc_id}"),
            &format!("/panel/documents/{doc_id}/approve"),
            &[("comment", "")],
        );
        assert_eq!(r.status, 403, "clerk approving: {}", r.body);
        // Closing now is refused: the draft is not approved.
        let r = clerk.submit(
            &format!("/panel/cases/{case_id}"),
            &format!("/panel/cases/{case_id}/close"),
            &[("final_document_id", "")],
        );
        assert_eq!(r.status, 422, "close with a pending draft: {}", r.body);
        assert!(
            r.body.contains("niezaakceptowanymi projektami"),
            "{}",
            r.body
        );

        // The manager approves.
        let manager = s.staff(GK_MANAGER);
        let work = manager.get("/panel/work");
        assert!(
            work.body.contains(&format!("/panel/documents/{doc_id}")),
            "{}",
            work.body
        );
        let r = manager.submit(
            &format!("/panel/documents/{doc_id}"),
            &format!("/panel/documents/{doc_id}/approve"),
            &[("comment", "Bez uwag.")],
        );
        assert_eq!(r.status, 303, "approve: {}", r.body);

        // The clerk dispatches by post and closes the case.
        let r = clerk.submit(
            &format!("/panel/documents/{doc_id}"),
            &format!("/panel/documents/{doc_id}/dispatch"),
            &[
                ("dispatch_method", "post"),
                ("addressee_name", ""),
                ("addressee_address", ""),
            ],
        );
        assert_eq!(r.status, 303, "dispatch: {}", r.body);
        let pdf = clerk
            .http
            .get(format!(
                "{}/panel/documents/{doc_id}/content?version=3",
                clerk.base
            ))
            .send()
            .expect("pdf");
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(
            pdf.bytes().expect("bytes").starts_with(b"%PDF"),
            "the sent version is a PDF"
        );
        let out = clerk.get("/panel/outgoing");
        assert!(
            out.body.contains(&format!("WYCH/{year}/000001")),
            "{}",
            out.body
        );
        assert!(
            out.body
                .contains(&format!("<a href=\"/panel/cases/{case_id}\">{sign}</a>")),
            "the register row names the case: {}",
            out.body
        );
        // The register filters by case sign; another unit's clerk does not see GK's letters.
        let by_sign = clerk.get(&format!("/panel/outgoing?q={}", urlencode(&sign)));
        assert!(by_sign.body.contains(&format!("WYCH/{year}/000001")));
        let other = s.staff(OR_CLERK).get("/panel/outgoing");
        assert!(!other.body.contains(&format!("WYCH/{year}/000001")));
        let r = clerk.submit(
            &format!("/panel/cases/{case_id}"),
            &format!("/panel/cases/{case_id}/close"),
            &[("final_document_id", &doc_id)],
        );
        assert_eq!(r.status, 303, "close: {}", r.body);

        // The case log shows every step, in order, with who did it.
        let csv = clerk.get(&format!("/panel/cases/{case_id}/log.csv"));
        assert_eq!(csv.status, 200);
        let actions: Vec<&str> = csv
            .body
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(3))
            .collect();
        assert_eq!(
            actions,
            [
                "case.opened",
                "item.joined",
                "draft.created",
                "draft.edited",
                "draft.submitted",
                "draft.approved",
                "document.dispatched",
                "case.closed"
            ],
            "{}",
            csv.body
        );
        assert!(
            csv.body.contains("Marek Kierownik") && csv.body.contains("Ewa Referent"),
            "the log names people: {}",
            csv.body
        );

        // The audit chain is intact; search finds the case by inflected and unaccented words.
        let report = s.app.verify_chain(&s.demo_tenant).expect("verify");
        assert!(report.first_break.is_none(), "{report:?}");
        for q in ["Kwiatowa", "zajecie pasa", "drogowy", &sign] {
            let r = clerk.get(&format!("/panel/search?q={}", urlencode(q)));
            assert!(
                r.body.contains(&format!("/panel/cases/{case_id}")),
                "search {q:?}: {}",
                r.body
            );
        }
        // Another tenant's staff sees nothing of it.
        let r = s
            .client_for_host("sasiednia.test")
            .get(&format!("/panel/cases/{case_id}"));
        assert_ne!(r.status, 200);

        // The case index lists it, as CSV and PDF.
        let q = format!("/panel/case-index?unit={gk}&class={class}&year={year}");
        assert!(clerk.get(&format!("{q}&format=csv")).body.contains(&sign));
        let pdf = clerk
            .http
            .get(format!("{}{q}&format=pdf", clerk.base))
            .send()
            .expect("pdf");
        assert!(pdf.bytes().expect("bytes").starts_with(b"%PDF"));
    }
);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

both_engines!(parallel_openings_get_gap_free_signs, |engine| {
    let s = TestServer::start(engine);
    let p = principal(&s, GK_CLERK);
    let gk = unit_id(&s, "GK");
    let class = leaf_class(&s, "6");
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let app = s.app.clone();
            let p = p.clone();
            let input = OpenCaseInput {
                unit_id: gk.clone(),
                class_symbol: class.clone(),
                procedure_kind: "administrative".into(),
                title: String::new(),
                ..Default::default()
            };
            std::thread::spawn(move || {
                let mut signs = Vec::new();
                for i in 0..8 {
                    // Every third attempt is invalid (no title) and must not take a number.
                    let mut inp = input.clone();
                    if i % 3 != 2 {
                        inp.title = format!("Sprawa {t}-{i}");
                    }
                    match app.open_case(&p, &inp) {
                        Ok(c) => signs.push(c.number),
                        Err(ratusz_app::AppError::Invalid(_)) => assert_eq!(i % 3, 2),
                        Err(e) => panic!("opening failed: {e}"),
                    }
                }
                signs
            })
        })
        .collect();
    let mut numbers: Vec<i64> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    numbers.sort();
    let expected: Vec<i64> = (1..=numbers.len() as i64).collect();
    assert_eq!(numbers.len(), 6 * 6);
    assert_eq!(
        numbers, expected,
        "numbers are 1..n without gaps or repeats"
    );
});

both_engines!(bad_input_is_refused_whole, |engine| {
    let s = TestServer::start(engine);
    let gk = unit_id(&s, "GK");
    let clerk = s.staff(GK_CLERK);

    // A class with sub-classes, and an unknown one.
    let parent = leaf_class(&s, "6");
    let parent = &parent[..parent.len() - 1];
    for (class, text) in [(parent, "ma podklasy"), ("9999", "nie ma w wykazie")] {
        let r = clerk.submit(
            "/panel/cases/new",
            "/panel/cases",
            &[
                ("unit_id", &gk),
                ("class_symbol", class),
                ("procedure_kind", "administrative"),
                ("title", "Test"),
            ],
        );
        assert_eq!(r.status, 422, "{class}: {}", r.body);
        assert!(r.body.contains(text), "{class}: {}", r.body);
    }

    // Assigning to someone outside the unit.
    let desk = s.staff(REGISTRAR);
    let item_id = register_letter(&desk, "Pismo w sprawie oświetlenia");
    let r = desk.submit(
        &format!("/panel/incoming/{item_id}"),
        &format!("/panel/incoming/{item_id}/assign"),
        &[("unit_id", &gk), ("handler_id", &user_id(&s, OR_CLERK))],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("nie pracuje w komórce GK"), "{}", r.body);
    assert!(
        s.app
            .assignments(&s.demo_tenant, "item", &item_id)
            .expect("list")
            .is_empty()
    );

    // Files over the limit and of a forbidden type; nothing is registered.
    let before = s
        .app
        .incoming_register(&principal(&s, REGISTRAR), Default::default(), 500, 0)
        .expect("list")
        .len();
    let page = desk.get("/panel/incoming/new");
    let base = [
        ("csrf", page.csrf()),
        ("channel", "paper".to_owned()),
        ("kind", "letter".to_owned()),
        ("title", "Pismo".to_owned()),
        ("sender_name", "Anna Nowak".to_owned()),
        ("sender_address", "ul. Polna 1".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let big = vec![b'a'; 3 * 1024 * 1024];
    let r = desk.post_multipart("/panel/incoming", &fields, &[("files", "duzy.txt", big)]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("za duży"), "{}", r.body);
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    let r = desk.post_multipart("/panel/incoming", &fields, &[("files", "skan.pdf", exe)]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Niedozwolony rodzaj pliku"), "{}", r.body);
    let after = s
        .app
        .incoming_register(&principal(&s, REGISTRAR), Default::default(), 500, 0)
        .expect("list")
        .len();
    assert_eq!(before, after, "a refused registration leaves nothing");

    // Approving one's own draft when the path forbids it.
    let manager = principal(&s, GK_MANAGER);
    let case = s
        .app
        .open_case(
            &manager,
            &OpenCaseInput {
                unit_id: gk.clone(),
                class_symbol: leaf_class(&s, "7"),
                procedure_kind: "administrative".into(),
                title: "Sprawa kierownika".into(),
                ..Default::default()
            },
        )
        .expect("open");
    let doc = s
        .app
        .create_draft(
            &manager,
            &case.id,
            "Pismo",
            ratusz_app::registry::kinds::DocumentKind::Letter,
            "Treść",
            "Jan",
            "",
            None,
        )
        .expect("draft");
    let err = s
        .app
        .submit_for_approval(
            &manager,
            &doc.id,
            std::slice::from_ref(&manager.user.id),
            false,
        )
        .unwrap_err();
    assert!(
        matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].code == "self-approval"),
        "{err:?}"
    );
    // The deficiency notice needs at least 7 days (KPA art. 64 § 2).
    let err = s
        .app
        .deficiency_notice(&manager, &case.id, "5", "Brak podpisu")
        .unwrap_err();
    assert!(
        matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].field == "days"),
        "{err:?}"
    );
});

both_engines!(file_plan_import_names_the_bad_row, |engine| {
    let s = TestServer::start(engine);
    let admin = s.staff(ADMIN);
    let page = admin.get("/panel/file-plan");
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let bad = "symbol,heading,category\n0,Zarządzanie,\n00,Rada,\n";
    let r = admin.post_multipart(
        "/panel/file-plan",
        &[("csrf", &csrf)],
        &[("file", "jrwa.csv", bad.as_bytes().to_vec())],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("3"), "names the row: {}", r.body);
    // The plan is unchanged; the export round-trips through the import.
    let export = admin.get("/panel/file-plan.csv");
    assert!(export.body.starts_with("symbol,heading,category"));
    let r = admin.post_multipart(
        "/panel/file-plan",
        &[("csrf", &csrf)],
        &[("file", "jrwa.csv", export.body.as_bytes().to_vec())],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.location
            .as_deref()
            .unwrap_or_default()
            .contains("added=0&updated=0&removed=0"),
        "{:?}",
        r.location
    );
    // A clerk may read the plan but not replace it.
    let clerk = s.staff(GK_CLERK);
    let r = clerk.post_multipart(
        "/panel/file-plan",
        &[("csrf", &clerk.get("/panel/file-plan").csrf())],
        &[("file", "jrwa.csv", export.body.into_bytes())],
    );
    assert_eq!(r.status, 403);
});

both_engines!(api_covers_the_same_flow, |engine| {
    let s = TestServer::start(engine);
    let c = s.client();
    let desk = s.token(&s.demo_tenant, REGISTRAR, &["write"]);
    let clerk = s.token(&s.demo_tenant, GK_CLERK, &["write"]);
    let manager = s.token(&s.demo_tenant, GK_MANAGER, &["write"]);
    let reader = s.token(&s.demo_tenant, GK_CLERK, &["read"]);
    let gk = unit_id(&s, "GK");
    let class = leaf_class(&s, "6");
    use base64::Engine as _;
    let scan = base64::engine::general_purpose::STANDARD.encode(PNG);
    let body = serde_json::json!({
        "channel": "epuap", "kind": "application", "title": "Wniosek o wycinkę drzewa",
        "sender_name": "Anna Nowak", "sender_address": "ul. Leśna 2",
        "files": [{"file_name": "wniosek.png", "content_base64": scan}]
    });
    // A read-only token cannot register.
    let r = c.api_post("/api/v1/incoming", Some(&reader), &body.to_string());
    assert_eq!(r.status, 403, "{}", r.body);
    let r = c.api_post("/api/v1/incoming", Some(&desk), &body.to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    let item: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    let item_id = item["id"].as_str().expect("id").to_owned();
    assert!(
        item["item_ref"]
            .as_str()
            .unwrap_or_default()
            .starts_with("RPW/")
    );
    let r = c.api_post(
        &format!("/api/v1/incoming/{item_id}/assign"),
        Some(&desk),
        &serde_json::json!({"unit_id": gk, "handler_id": user_id(&s, GK_CLERK)}).to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = c.api_post(
        "/api/v1/cases",
        Some(&clerk),
        &serde_json::json!({"unit_id": gk, "class_symbol": class, "procedure_kind": "administrative", "incoming_item_id": item_id}).to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let case: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    let case_id = case["id"].as_str().expect("id").to_owned();
    let template = s.app.letter_templates(&s.demo_tenant).expect("t")[0]
        .id
        .clone();
    let r = c.api_post(
        &format!("/api/v1/cases/{case_id}/draft"),
        Some(&clerk),
        &serde_json::json!({"template_id": template}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let doc: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    let doc_id = doc["id"].as_str().expect("id").to_owned();
    let r = c.api_post(
        &format!("/api/v1/documents/{doc_id}/submit"),
        Some(&clerk),
        &serde_json::json!({"approvers": [user_id(&s, GK_MANAGER)]}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.api_post(
        &format!("/api/v1/documents/{doc_id}/reject"),
        Some(&manager),
        "{}",
    );
    assert_eq!(r.status, 422, "rejecting needs a comment: {}", r.body);
    let r = c.api_post(
        &format!("/api/v1/documents/{doc_id}/approve"),
        Some(&manager),
        "{}",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.api_post(
        &format!("/api/v1/documents/{doc_id}/dispatch"),
        Some(&clerk),
        &serde_json::json!({"dispatch_method": "edelivery"}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.api_post(
        &format!("/api/v1/cases/{case_id}/close"),
        Some(&clerk),
        "{}",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.api_get(&format!("/api/v1/cases/{case_id}"), Some(&clerk));
    let view: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(view["case"]["status"], "closed");
    assert_eq!(view["log"].as_array().map(Vec::len), Some(7), "{}", r.body);
    let r = c.api_get("/api/v1/search?q=wycinki%20drzew", Some(&clerk));
    assert!(r.body.contains(&case_id), "search: {}", r.body);
    let r = c.api_get("/api/v1/outgoing", Some(&desk));
    assert!(r.body.contains("edelivery"), "{}", r.body);
    // English errors on request, naming the field.
    let r = c.api_post(
        "/api/v1/cases",
        Some(&clerk),
        &serde_json::json!({"unit_id": gk, "class_symbol": "", "procedure_kind": "x"}).to_string(),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("procedure_kind") && r.body.contains("class_symbol"),
        "{}",
        r.body
    );
    let spec = c.get("/api/v1/openapi.json");
    assert!(spec.body.contains("/api/v1/cases/{id}/{action}"));
});

both_engines!(
    reindex_rebuilds_the_search_index_from_the_database,
    |engine| {
        let db = TestDb::new(engine);
        let app = db.app();
        let demo = app.ensure_demo(&[]).expect("demo");
        let desk = app
            .user_by_email(&demo.tenant_id, REGISTRAR)
            .expect("lookup")
            .expect("user");
        let token = app
            .create_api_token(
                &demo.tenant_id,
                &desk.id,
                "t",
                &["write".into()],
                None,
                &ratusz_app::audit::Actor::cli(),
            )
            .expect("token")
            .0;
        let p = app
            .authenticate_token(&token)
            .expect("auth")
            .expect("principal");
        for title in ["Skarga na hałas", "Wniosek o dowód osobisty"] {
            app.register_incoming(
                &p,
                &ratusz_app::registry::incoming::IncomingInput {
                    channel: "email".into(),
                    kind: "letter".into(),
                    title: title.into(),
                    sender_name: "Jan Kowalski".into(),
                    sender_address: "ul. Polna 1".into(),
                    ..Default::default()
                },
                Vec::new(),
            )
            .expect("register");
        }
        let r = db.run(&["reindex"]);
        assert!(r.ok(), "{r}");
        assert!(r.stdout.contains("search index rebuilt: 2 objects"), "{r}");
        // Running it again gives the same index (derived data, nothing accumulates).
        let r = db.run(&["reindex"]);
        assert!(r.stdout.contains("search index rebuilt: 2 objects"), "{r}");
    }
);

both_engines!(
    only_the_assigner_changes_manner_and_history_is_kept,
    |engine| {
        let s = TestServer::start(engine);
        let gk = unit_id(&s, "GK");
        let desk = principal(&s, REGISTRAR);
        let manager = principal(&s, GK_MANAGER);
        let item = s
            .app
            .register_incoming(
                &desk,
                &ratusz_app::registry::incoming::IncomingInput {
                    channel: "paper".into(),
                    kind: "letter".into(),
                    title: "Pismo o dziurze w drodze".into(),
                    sender_name: "Jan Kowalski".into(),
                    sender_address: "ul. Polna 1".into(),
                    ..Default::default()
                },
                Vec::new(),
            )
            .expect("register");
        let assign = |p: &Principal, handler: &str| {
            s.app.assign_item(
                p,
                &item.id,
                &ratusz_app::registry::assign::AssignInput {
                    unit_id: gk.clone(),
                    handler_id: handler.into(),
                    manner: "handle".into(),
                    deadline: "2026-12-31".into(),
                    note: String::new(),
                },
            )
        };
        let first = assign(&desk, "").expect("assign");
        let err = s
            .app
            .change_assignment(&manager, &first.id, "for_information", "")
            .unwrap_err();
        assert!(
            matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].code == "not-assigner"),
            "{err:?}"
        );
        s.app
            .change_assignment(&desk, &first.id, "for_opinion", "2027-01-15")
            .expect("assigner changes");
        // The manager passes it on to the clerk: a new assignment, the first one kept as history.
        assign(&manager, &user_id(&s, GK_CLERK)).expect("reassign");
        let history = s
            .app
            .assignments(&s.demo_tenant, "item", &item.id)
            .expect("history");
        assert_eq!(history.len(), 2);
        assert!(history[0].superseded_at.is_some() && history[1].superseded_at.is_none());
        assert_eq!(history[0].manner.as_deref(), Some("for_opinion"));
        assert_eq!(history[0].deadline.as_deref(), Some("2027-01-15"));
        let err = s
            .app
            .change_assignment(&desk, &first.id, "handle", "")
            .unwrap_err();
        assert!(
            matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].code == "superseded"),
            "{err:?}"
        );
    }
);

both_engines!(closed_cases_go_to_the_archive_with_a_package, |engine| {
    let s = TestServer::start(engine);
    let gk = unit_id(&s, "GK");
    let clerk = principal(&s, GK_CLERK);
    let manager = principal(&s, GK_MANAGER);
    let case = s
        .app
        .open_case(
            &clerk,
            &OpenCaseInput {
                unit_id: gk.clone(),
                class_symbol: leaf_class(&s, "6"),
                procedure_kind: "certificate".into(),
                title: "Zaświadczenie o przeznaczeniu działki".into(),
                ..Default::default()
            },
        )
        .expect("open");
    assert!(case.due_date.is_some(), "art. 217: 7 days");
    s.app
        .add_document(
            &clerk,
            &case.id,
            "Notatka",
            "note",
            ratusz_app::registry::upload::Upload {
                file_name: "notatka.txt".into(),
                bytes: "Rozmowa telefoniczna ze stroną.".as_bytes().to_vec(),
            },
        )
        .expect("document");
    s.app.close_case(&clerk, &case.id, "").expect("close");
    let view = s.app.case_view(&clerk, &case.id).expect("view");
    assert!(
        view.retention_pl
            .as_deref()
            .is_some_and(|r| r.contains("1 stycznia")),
        "{:?}",
        view.retention_pl
    );
    // A clerk may not hand over; the manager may.
    let year = time::OffsetDateTime::now_utc().year();
    assert!(matches!(
        s.app.create_handover(&clerk, &gk, year),
        Err(ratusz_app::AppError::Forbidden)
    ));
    let (transfer, cases) = s
        .app
        .create_handover(&manager, &gk, year)
        .expect("handover");
    assert_eq!(cases.len(), 1);
    let zip = s
        .app
        .archive_package(&manager, &transfer.id)
        .expect("package");
    assert!(zip.starts_with(b"PK"), "a ZIP");
    let text = String::from_utf8_lossy(&zip);
    let dir = case.sign.replace('.', "_");
    for name in [
        "manifest.json",
        "spis-zdawczo-odbiorczy.csv",
        &format!("{dir}/metryka.csv"),
        &format!("{dir}/dokumenty.json"),
    ] {
        assert!(text.contains(name), "{name} in the package");
    }
    assert!(
        s.app
            .handover_pdf(&manager, &transfer.id)
            .expect("pdf")
            .starts_with(b"%PDF")
    );
    // Archived cases cannot be reopened, and a second list finds nothing more to hand over.
    let err = s
        .app
        .reopen_case(&clerk, &case.id, "Nowe okoliczności")
        .unwrap_err();
    assert!(
        matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].code == "archived"),
        "{err:?}"
    );
    assert!(matches!(
        s.app.create_handover(&manager, &gk, year),
        Err(ratusz_app::AppError::Invalid(_))
    ));
});

both_engines!(
    withdrawn_drafts_unblock_closing_and_deadlines_only_move_later,
    |engine| {
        let s = TestServer::start(engine);
        let gk = unit_id(&s, "GK");
        let clerk = principal(&s, GK_CLERK);
        let case = s
            .app
            .open_case(
                &clerk,
                &OpenCaseInput {
                    unit_id: gk.clone(),
                    class_symbol: leaf_class(&s, "6"),
                    procedure_kind: "public_information".into(),
                    title: "Wniosek o informację publiczną".into(),
                    ..Default::default()
                },
            )
            .expect("open");
        let due = case.due_date.clone().expect("UDIP: 14 days");
        // An extension may not shorten the term, nor pass the 2-month cap of UDIP art. 13 ust. 2.
        let err = s
            .app
            .extend_deadline(&clerk, &case.id, &due, "Obszerny wniosek")
            .unwrap_err();
        assert!(
            matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].field == "new_due"),
            "{err:?}"
        );
        let too_late = ratusz_app::registry::iso(
            time::OffsetDateTime::now_utc().date() + time::Duration::days(120),
        );
        let err = s
            .app
            .extend_deadline(&clerk, &case.id, &too_late, "Obszerny wniosek")
            .unwrap_err();
        assert!(
            matches!(&err, ratusz_app::AppError::Invalid(e) if e[0].field == "new_due"),
            "{err:?}"
        );
        let later = ratusz_app::registry::iso(
            time::OffsetDateTime::now_utc().date() + time::Duration::days(30),
        );
        let notice = s
            .app
            .extend_deadline(&clerk, &case.id, &later, "Obszerny wniosek")
            .expect("extend");
        let text = s.app.draft_text(&clerk, &notice.id).expect("text");
        assert!(
            text.contains("art. 13 ust. 2 ustawy o dostępie do informacji publicznej")
                && !text.contains("ponaglenie"),
            "{text}"
        );
        // The delay notice is a draft: closing is refused until it is withdrawn.
        assert!(s.app.close_case(&clerk, &case.id, "").is_err());
        s.app.withdraw_draft(&clerk, &notice.id).expect("withdraw");
        s.app
            .close_case(&clerk, &case.id, "")
            .expect("close after withdrawing");
        let log = s.app.case_view(&clerk, &case.id).expect("view").log;
        assert!(log.iter().any(|l| l.action == "draft.withdrawn"));
    }
);

both_engines!(
    a_manager_sees_items_given_to_the_unit_without_a_handler,
    |engine| {
        let s = TestServer::start(engine);
        let desk = principal(&s, REGISTRAR);
        let item = s
            .app
            .register_incoming(
                &desk,
                &ratusz_app::registry::incoming::IncomingInput {
                    channel: "email".into(),
                    kind: "letter".into(),
                    title: "Pismo do wydziału".into(),
                    sender_name: "Firma Sp. z o.o.".into(),
                    sender_address: "ul. Długa 3".into(),
                    ..Default::default()
                },
                Vec::new(),
            )
            .expect("register");
        s.app
            .assign_item(
                &desk,
                &item.id,
                &ratusz_app::registry::assign::AssignInput {
                    unit_id: unit_id(&s, "GK"),
                    ..Default::default()
                },
            )
            .expect("assign");
        let work = s
            .app
            .my_work(&principal(&s, GK_MANAGER), 100)
            .expect("work");
        assert!(work.iter().any(|w| w.id == item.id), "{work:?}");
        let work = s.app.my_work(&principal(&s, OR_CLERK), 100).expect("work");
        assert!(!work.iter().any(|w| w.id == item.id));
    }
);

both_engines!(a_reply_joins_the_existing_case_with_its_files, |engine| {
    let s = TestServer::start(engine);
    let gk = unit_id(&s, "GK");
    let clerk_p = principal(&s, GK_CLERK);
    let case = s
        .app
        .open_case(
            &clerk_p,
            &OpenCaseInput {
                unit_id: gk.clone(),
                class_symbol: leaf_class(&s, "7"),
                procedure_kind: "administrative".into(),
                title: "Zajęcie pasa drogowego".into(),
                party_name: "Jan Kowalski".into(),
                ..Default::default()
            },
        )
        .expect("open");

    // The party's reply arrives on paper with a scan; the desk registers it.
    let desk = s.staff(REGISTRAR);
    let reply = register_letter(&desk, "Uzupełnienie wniosku – mapa sytuacyjna");
    let desk_p = principal(&s, REGISTRAR);
    let to_clerk = ratusz_app::registry::assign::AssignInput {
        unit_id: gk.clone(),
        handler_id: user_id(&s, GK_CLERK),
        ..Default::default()
    };
    s.app
        .assign_item(&desk_p, &reply, &to_clerk)
        .expect("assign");

    // The desk cannot handle GK cases: joining is not offered and is refused.
    let page = desk.get(&format!("/panel/incoming/{reply}"));
    assert!(!page.body.contains("/join\""), "{}", page.body);
    let r = desk.submit(
        &format!("/panel/incoming/{reply}"),
        &format!("/panel/incoming/{reply}/join"),
        &[("case_sign", &case.sign)],
    );
    assert!(
        r.status == 403 || r.status == 422,
        "registrar joining: {} {}",
        r.status,
        r.body
    );

    // The clerk joins it by the case sign; a wrong sign gets a message on the field.
    let clerk = s.staff(GK_CLERK);
    let r = clerk.submit(
        &format!("/panel/incoming/{reply}"),
        &format!("/panel/incoming/{reply}/join"),
        &[("case_sign", "GK.9999.1.1999")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Nie ma sprawy o znaku"), "{}", r.body);
    let r = clerk.submit(
        &format!("/panel/incoming/{reply}"),
        &format!("/panel/incoming/{reply}/join"),
        &[("case_sign", &format!(" {} ", case.sign))],
    );
    assert_eq!(r.status, 303, "join: {}", r.body);
    assert_eq!(id_after(&r.location, "/panel/cases/"), case.id);

    let view = s.app.case_view(&clerk_p, &case.id).expect("view");
    assert!(
        view.documents
            .iter()
            .any(|d| d.document.title == "skan.png"),
        "the scan is in the case file: {:?}",
        view.documents
    );
    let joined = view
        .log
        .iter()
        .find(|l| l.action == "item.joined")
        .expect("logged");
    assert!(joined.details.contains("RPW/"), "{}", joined.details);
    let item = s.app.incoming_item(&clerk_p, &reply).expect("item");
    assert_eq!(item.case_id.as_deref(), Some(case.id.as_str()));

    // Joining again (or to another case) is refused: an item belongs to one case.
    let err = s
        .app
        .join_item(&clerk_p, &reply, &case.sign)
        .expect_err("twice");
    assert!(format!("{err:?}").contains("already-in-case"), "{err:?}");

    // The API does the same.
    let second = register_letter(&desk, "Drugie uzupełnienie");
    s.app
        .assign_item(&desk_p, &second, &to_clerk)
        .expect("assign");
    let token = s.token(&s.demo_tenant, GK_CLERK, &["write"]);
    let r = clerk.api_post(
        &format!("/api/v1/incoming/{second}/join"),
        Some(&token),
        &serde_json::json!({"case_sign": case.sign}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&case.sign), "{}", r.body);

    // A closed case takes no more items.
    s.app.close_case(&clerk_p, &case.id, "").expect("close");
    let third = register_letter(&desk, "Pismo po zakończeniu");
    s.app
        .assign_item(&desk_p, &third, &to_clerk)
        .expect("assign");
    let err = s
        .app
        .join_item(&clerk_p, &third, &case.sign)
        .expect_err("closed");
    assert!(format!("{err:?}").contains("closed"), "{err:?}");
});

#[test]
fn the_store_knows_every_open_case_status() {
    use ratusz_core::cases::CaseStatus;
    let open: Vec<&str> = CaseStatus::ALL
        .iter()
        .filter(|s| **s != CaseStatus::Closed)
        .map(|s| s.as_str())
        .collect();
    assert_eq!(open, ratusz_app::store::cases::NOT_CLOSED);
}
