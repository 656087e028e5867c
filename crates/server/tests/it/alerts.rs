//! Crisis alerts end to end, as residents and staff use them over HTTP: a resident subscribes
//! by e-mail for their street (double opt-in), a clerk writes a storm warning for a polygon
//! around it, the author cannot approve it, a second person does, the fan-out e-mails the
//! resident (with the unsubscribe link) and nobody outside the area or the topic, running it
//! again sends nothing twice, the CAP XML validates against the OASIS schema (real xmllint),
//! the Atom feed and the public pages show it, the dashboard counts it; bad input gets clear
//! errors; an exercise reaches staff only; an unsubscribed resident gets nothing more.

use crate::both_engines;
use crate::support::*;

pub(crate) const REGISTRAR: &str = "kancelaria@przykladowo.gov.pl";
pub(crate) const MANAGER: &str = "kierownik.gk@przykladowo.gov.pl";

/// A polygon around ul. Polna 5 in the demo's address register (50.0646, 19.9410).
pub(crate) const POLYGON: &str =
    "50.0630,19.9390 50.0660,19.9390 50.0660,19.9430 50.0630,19.9430 50.0630,19.9390";

/// A severe storm warning's fields (the storm template's), without its time and area.
pub(crate) const STORM: &[(&str, &str)] = &[
    ("template", "storm"),
    ("msg_type", "alert"),
    ("category", "Met"),
    ("event", "Burza z gradem"),
    ("urgency", "Expected"),
    ("severity", "Severe"),
    ("certainty", "Likely"),
    ("headline", "Ostrzeżenie przed burzą z gradem"),
    (
        "instruction",
        "Zostań w domu, zabezpiecz przedmioty na balkonie.",
    ),
];

/// `YYYY-MM-DDTHH:MM` in Polish local time, `hours` from now.
pub(crate) fn local(hours: i64) -> String {
    ratusz_core::clock::warsaw_datetime_local(
        time::OffsetDateTime::now_utc() + time::Duration::hours(hours),
    )
}

/// The newest outbox e-mail to `to` whose subject starts with `subject`.
fn mail_to(s: &TestServer, to: &str, subject: &str) -> Option<ratusz_app::store::mail::MailRow> {
    s.app
        .outbox(&s.demo_tenant, 500)
        .expect("outbox")
        .into_iter()
        .filter(|m| m.to_addr == to && m.subject.starts_with(subject))
        .max_by_key(|m| m.created_at)
}

/// The token of the first `/ostrzezenia/<kind>/<token>` link in a text.
fn link_token(text: &str, kind: &str) -> String {
    let marker = format!("/ostrzezenia/{kind}/");
    let start = text.find(&marker).expect("a link") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Subscribes over the public form and confirms through the e-mailed link.
fn subscribe(s: &TestServer, email: &str, fields: &[(&str, &str)]) {
    let c = s.client();
    let mut all = vec![("email", email)];
    all.extend_from_slice(fields);
    let r = c.submit("/ostrzezenia/subskrypcja", "/ostrzezenia/subskrypcja", &all);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Sprawdź skrzynkę"), "{}", r.body);
    let mail = mail_to(s, email, "Potwierdź zapis").expect("confirmation e-mail");
    let token = link_token(&mail.body_text, "subskrypcja");
    let page = c.get(&format!("/ostrzezenia/subskrypcja/{token}"));
    assert!(
        page.body.contains("czeka na potwierdzenie"),
        "{}",
        page.body
    );
    let r = c.submit(
        &format!("/ostrzezenia/subskrypcja/{token}"),
        &format!("/ostrzezenia/subskrypcja/{token}"),
        &[("action", "confirm")],
    );
    assert!(r.body.contains("Zapis potwierdzony"), "{}", r.body);
}

/// Writes an alert through the staff form; returns the response.
pub(crate) fn compose(c: &Client, fields: &[(&str, &str)]) -> Resp {
    c.submit(
        "/panel/alerts/new?template=storm",
        "/panel/alerts/new",
        fields,
    )
}

/// The author sends the alert for approval, a second person approves it, the jobs run.
pub(crate) fn publish(s: &TestServer, desk: &Client, manager: &Client, id: &str) {
    desk.submit(
        &format!("/panel/alerts/{id}"),
        &format!("/panel/alerts/{id}/submit"),
        &[],
    );
    let r = manager.submit(
        &format!("/panel/alerts/{id}"),
        &format!("/panel/alerts/{id}/approve"),
        &[],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    s.app.drain_jobs("test").expect("jobs");
}

pub(crate) fn alert_id(r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    r.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/panel/alerts/"))
        .expect("the alert's page")
        .to_owned()
}

both_engines!(
    a_storm_warning_reaches_the_subscribed_street_after_a_second_person_approves,
    |engine| {
        let s = TestServer::start(engine);
        // Jan at ul. Polna 5 (inside), Anna in Wola Przykładowska (outside), Ewa at Polna 5
        // but only for events, Piotr for the whole of Przykładowo (which the area reaches).
        subscribe(&s, "piotr.alert@example.pl", &[("locality", "Przykładowo")]);
        subscribe(
            &s,
            "jan.alert@example.pl",
            &[
                ("topics", "weather"),
                ("locality", "Przykładowo"),
                ("street", "ul. Polna"),
                ("number", "5"),
            ],
        );
        subscribe(
            &s,
            "anna.alert@example.pl",
            &[("locality", "Wola Przykładowska")],
        );
        subscribe(
            &s,
            "ewa.alert@example.pl",
            &[
                ("topics", "events"),
                ("locality", "Przykładowo"),
                ("street", "Polna"),
                ("number", "5"),
            ],
        );

        // Bad input: clear errors, nothing saved.
        let desk = s.staff(REGISTRAR);
        let (onset, expires) = (local(0), local(6));
        let base: Vec<(&str, &str)> = STORM.to_vec();
        let mut bad = base.clone();
        bad.extend([
            ("onset", expires.as_str()),
            ("expires", onset.as_str()),
            ("polygon", "50.06,19.93 50.07,19.94 50.05,19.95"),
        ]);
        let r = compose(&desk, &bad);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("field-error"), "{}", r.body);

        // The registry desk writes the warning and sends it for approval.
        let mut good = base.clone();
        good.extend([
            ("onset", onset.as_str()),
            ("expires", expires.as_str()),
            ("polygon", POLYGON),
        ]);
        let id = alert_id(&compose(&desk, &good));
        let page = desk.get(&format!("/panel/alerts/{id}"));
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("OSTRZEZENIE") || page.body.contains("Ostrzezenie"),
            "the SMS text without Polish letters: {}",
            page.body
        );
        let r = desk.submit(
            &format!("/panel/alerts/{id}"),
            &format!("/panel/alerts/{id}/submit"),
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        // The registry desk may not approve at all; nothing is sent yet.
        let r = desk.submit(
            &format!("/panel/alerts/{id}"),
            &format!("/panel/alerts/{id}/approve"),
            &[],
        );
        assert_eq!(r.status, 403, "{}", r.body);
        s.app.drain_jobs("test").expect("jobs");
        assert!(mail_to(&s, "jan.alert@example.pl", "Ostrzeżenie").is_none());

        // A manager who wrote an alert cannot approve it either (four eyes).
        let manager = s.staff(MANAGER);
        let own = alert_id(&compose(&manager, &good));
        manager.submit(
            &format!("/panel/alerts/{own}"),
            &format!("/panel/alerts/{own}/submit"),
            &[],
        );
        let r = manager.submit(
            &format!("/panel/alerts/{own}"),
            &format!("/panel/alerts/{own}/approve"),
            &[],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("inna osoba niż autor"), "{}", r.body);

        // The manager approves the desk's alert: published and fanned out.
        let r = manager.submit(
            &format!("/panel/alerts/{id}"),
            &format!("/panel/alerts/{id}/approve"),
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        s.app.drain_jobs("test").expect("jobs");
        let mail = mail_to(&s, "jan.alert@example.pl", "Ostrzeżenie").expect("Jan's alert");
        assert!(mail.subject.contains("burzą z gradem"), "{}", mail.subject);
        assert!(
            mail.body_text.contains("/ostrzezenia/wypisz/"),
            "{}",
            mail.body_text
        );
        assert!(
            mail_to(&s, "piotr.alert@example.pl", "Ostrzeżenie").is_some(),
            "the area reaches his locality"
        );
        assert!(
            mail_to(&s, "anna.alert@example.pl", "Ostrzeżenie").is_none(),
            "outside the area"
        );
        assert!(
            mail_to(&s, "ewa.alert@example.pl", "Ostrzeżenie").is_none(),
            "another topic"
        );
        // Running the fan-out again sends nothing twice.
        assert_eq!(s.app.fan_out(&s.demo_tenant, &id).expect("fan out"), 0);

        // The public page, the CAP XML (valid against the OASIS schema) and the Atom feed.
        let public = s.client();
        let list = public.get("/ostrzezenia");
        assert!(
            list.body.contains("Ostrzeżenie przed burzą z gradem"),
            "{}",
            list.body
        );
        let cap = public.get(&format!("/ostrzezenia/{id}/cap.xml"));
        assert_eq!(cap.status, 200);
        assert!(cap.body.contains("urn:oasis:names:tc:emergency:cap:1.2"));
        assert!(cap.body.contains("<polygon>"), "{}", cap.body);
        let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../documents/schema/CAP-v1.2.xsd");
        let file = std::env::temp_dir().join(format!("ratusz-cap-{id}.xml"));
        std::fs::write(&file, &cap.body).expect("write");
        let out = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .arg(&file)
            .output()
            .expect("xmllint (libxml2-utils) must be installed: scripts/install-deps.sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::remove_file(&file);
        let atom = public.get("/ostrzezenia.atom");
        assert!(
            atom.body.contains(&format!("/ostrzezenia/{id}/cap.xml")),
            "{}",
            atom.body
        );

        // Jan opens the alert from his e-mail's link: counted as opened from e-mail.
        let base = s.app.settings.public_url.trim_end_matches('/').to_owned();
        let details = mail
            .body_text
            .lines()
            .find_map(|l| l.strip_prefix("Szczegóły: "))
            .expect("the e-mail links the alert's page")
            .to_owned();
        assert_eq!(details, format!("{base}/ostrzezenia/{id}?z=e"));
        let opened = public.get(details.trim_start_matches(&base));
        assert_eq!(opened.status, 200);

        // The dashboard counts the two recipients (Jan and Piotr) and the one opening.
        let page = manager.get(&format!("/panel/alerts/{id}"));
        assert!(page.body.contains("Adresaci</th><td>2<"), "{}", page.body);
        assert!(
            page.body.contains("<td class=\"opened\">1</td>"),
            "{}",
            page.body
        );

        // An update refers to the original: CAP <references>, the subject and the SMS text say
        // it is an update, and it goes to the same residents.
        let mut update: Vec<(&str, &str)> = good
            .iter()
            .filter(|(k, _)| *k != "msg_type")
            .copied()
            .collect();
        update.push(("msg_type", "update"));
        update.push(("refers_to", &id));
        let update_id = alert_id(&compose(&desk, &update));
        let shown = desk.get(&format!("/panel/alerts/{update_id}"));
        assert!(
            shown.body.contains("AKTUALIZACJA: Ostrzezenie przed burza"),
            "{}",
            shown.body
        );
        publish(&s, &desk, &manager, &update_id);
        assert!(
            mail_to(&s, "jan.alert@example.pl", "[AKTUALIZACJA]").is_some(),
            "the update reaches Jan"
        );
        let original = s
            .app
            .public_alert(&s.demo_tenant, &id)
            .expect("read")
            .expect("the original")
            .1;
        let cap = public.get(&format!("/ostrzezenia/{update_id}/cap.xml"));
        assert!(
            cap.body.contains("<msgType>Update</msgType>"),
            "{}",
            cap.body
        );
        assert!(
            cap.body.contains(&format!(
                "<references>{},{},",
                original.sender, original.identifier
            )),
            "{}",
            cap.body
        );
        // An update must name a published alert.
        let mut orphan = update.clone();
        orphan.retain(|(k, _)| *k != "refers_to");
        orphan.push(("refers_to", "nie-ma-takiego"));
        let r = compose(&desk, &orphan);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("muszą wskazywać opublikowane ostrzeżenie"),
            "{}",
            r.body
        );

        // An exercise reaches staff only.
        let mut drill = good.clone();
        drill.push(("exercise", "1"));
        let drill_id = alert_id(&compose(&desk, &drill));
        desk.submit(
            &format!("/panel/alerts/{drill_id}"),
            &format!("/panel/alerts/{drill_id}/submit"),
            &[],
        );
        manager.submit(
            &format!("/panel/alerts/{drill_id}"),
            &format!("/panel/alerts/{drill_id}/approve"),
            &[],
        );
        s.app.drain_jobs("test").expect("jobs");
        assert!(
            mail_to(&s, MANAGER, "[ĆWICZENIA]").is_some(),
            "staff get the exercise"
        );
        let jan_mails = s
            .app
            .outbox(&s.demo_tenant, 500)
            .expect("outbox")
            .into_iter()
            .filter(|m| m.to_addr == "jan.alert@example.pl" && m.subject.starts_with("[ĆWICZENIA]"))
            .count();
        assert_eq!(jan_mails, 0, "residents never get an exercise");

        // Jan unsubscribes with one click; the next alert does not reach him.
        let token = link_token(&mail.body_text, "wypisz");
        let c = s.client();
        let page = c.get(&format!("/ostrzezenia/wypisz/{token}"));
        assert!(page.body.contains("Wypisz mnie"), "{}", page.body);
        let r = c.submit(
            &format!("/ostrzezenia/wypisz/{token}"),
            &format!("/ostrzezenia/subskrypcja/{token}"),
            &[("action", "unsubscribe")],
        );
        assert!(r.body.contains("Wypisano"), "{}", r.body);
        let mut second = good.clone();
        second.retain(|(k, _)| *k != "headline");
        second.push(("headline", "Druga burza"));
        let second_id = alert_id(&compose(&desk, &second));
        desk.submit(
            &format!("/panel/alerts/{second_id}"),
            &format!("/panel/alerts/{second_id}/submit"),
            &[],
        );
        manager.submit(
            &format!("/panel/alerts/{second_id}"),
            &format!("/panel/alerts/{second_id}/approve"),
            &[],
        );
        s.app.drain_jobs("test").expect("jobs");
        assert!(mail_to(&s, "jan.alert@example.pl", "Ostrzeżenie: Druga burza").is_none());
    }
);

both_engines!(
    a_subscription_names_what_is_wrong_and_cannot_be_changed_by_a_stranger,
    |engine| {
        let s = TestServer::start(engine);
        let c = s.client();
        let r = c.submit(
            "/ostrzezenia/subskrypcja",
            "/ostrzezenia/subskrypcja",
            &[
                ("email", "to nie e-mail"),
                ("locality", "Atlantyda"),
                ("street", "Polna"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        for msg in [
            "poprawny adres e-mail",
            "Wybierz miejscowość",
            "ulicę i numer",
        ] {
            assert!(r.body.contains(msg), "{msg}: {}", r.body);
        }
        let r = c.submit(
            "/ostrzezenia/subskrypcja",
            "/ostrzezenia/subskrypcja",
            &[
                ("email", "jan@example.pl"),
                ("locality", "Przykładowo"),
                ("street", "Polna"),
                ("number", "999"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Nie znaleźliśmy adresu"), "{}", r.body);
        // An active subscription is not reset by someone else submitting the same address.
        subscribe(&s, "jan@example.pl", &[("locality", "Przykładowo")]);
        let r = c.submit(
            "/ostrzezenia/subskrypcja",
            "/ostrzezenia/subskrypcja",
            &[("email", "jan@example.pl"), ("locality", "Dobra")],
        );
        assert!(r.body.contains("już dostaje ostrzeżenia"), "{}", r.body);
        let sub = s
            .app
            .store
            .read(|conn| {
                ratusz_app::store::alerts::subscriber_by_address(
                    conn,
                    &s.demo_tenant,
                    "email",
                    "jan@example.pl",
                )
            })
            .expect("read")
            .expect("subscriber");
        assert_eq!(
            (sub.status.as_str(), sub.localities.as_str()),
            ("active", "Przykładowo")
        );
        // An unknown token is a 404.
        assert_eq!(c.get("/ostrzezenia/subskrypcja/nieznany").status, 404);
    }
);

/// The reference CAP files (`../shared/ref/cap/examples` beside the repository): required in
/// CI; elsewhere a test without them says so and stops.
pub(crate) fn references() -> Option<std::path::PathBuf> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ref/cap/examples");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "shared/ref/cap/examples is missing beside the repository"
    );
    eprintln!("skipped: shared/ref/cap/examples is not beside the repository");
    None
}

/// A reference CAP file.
pub(crate) fn reference(dir: &std::path::Path, path: &str) -> Vec<u8> {
    let p = dir.join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

both_engines!(
    another_services_cap_alert_is_republished_and_hostile_files_are_refused,
    |engine| {
        let Some(dir) = references() else { return };
        let s = TestServer::start(engine);
        let actor = ratusz_app::audit::Actor::cli();
        // The OASIS thunderstorm example (CAP 1.2) is published as it came.
        let row = s
            .app
            .import_cap(
                &s.demo_tenant,
                &actor,
                &reference(&dir, "oasis_spec_appendixA/v1dot2_appendix_adot2.xml"),
            )
            .expect("import");
        let public = s.client();
        let page = public.get(&format!("/ostrzezenia/{}", row.id));
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.to_uppercase().contains("THUNDERSTORM"),
            "{}",
            page.body
        );
        let cap = public.get(&format!("/ostrzezenia/{}/cap.xml", row.id));
        assert!(cap.body.contains("KSTO1055887203"), "{}", cap.body);
        // Twice is refused; so are a DTD with an external entity, a schema-invalid alert and a
        // CAP 1.0 file, each with its reason.
        let again = s
            .app
            .import_cap(
                &s.demo_tenant,
                &actor,
                &reference(&dir, "oasis_spec_appendixA/v1dot2_appendix_adot2.xml"),
            )
            .unwrap_err();
        assert!(
            matches!(&again, ratusz_app::AppError::Invalid(e) if e[0].code == "already-imported"),
            "{again:?}"
        );
        for file in [
            "google_cap_library_testdata/xee.cap",
            "google_cap_library_testdata/invalid.cap",
            "oasis_spec_appendixA/v1dot0_appendix_adot1.xml",
        ] {
            let err = s
                .app
                .import_cap(&s.demo_tenant, &actor, &reference(&dir, file))
                .unwrap_err();
            match err {
                ratusz_app::AppError::Invalid(e) => {
                    assert_eq!(e[0].field, "file", "{file}");
                    assert!(!e[0].message_pl.is_empty(), "{file}");
                }
                other => panic!("{file}: {other:?}"),
            }
        }
        let list = public.get("/ostrzezenia");
        // It expired in 2003: listed among past alerts.
        assert!(
            list.body.contains(&format!("/ostrzezenia/{}", row.id)),
            "{}",
            list.body
        );
    }
);

both_engines!(
    strangers_cannot_make_the_office_send_without_limit_to_one_address,
    |engine| {
        let s = TestServer::start(engine);
        let c = s.client();
        let form = |fields: &[(&str, &str)]| {
            c.submit(
                "/ostrzezenia/subskrypcja",
                "/ostrzezenia/subskrypcja",
                fields,
            )
        };
        let limit = ratusz_app::alerts::SENDS_PER_HOUR as usize;
        for _ in 0..limit {
            let r = form(&[("email", "ofiara@example.pl"), ("locality", "Przykładowo")]);
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let r = form(&[("email", "ofiara@example.pl"), ("locality", "Przykładowo")]);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body
                .contains("wysłaliśmy w ostatniej godzinie już kilka wiadomości"),
            "{}",
            r.body
        );
        let mails = s
            .app
            .outbox(&s.demo_tenant, 500)
            .expect("outbox")
            .into_iter()
            .filter(|m| m.to_addr == "ofiara@example.pl")
            .count();
        assert_eq!(mails, limit);
        // Each SMS costs the office money: the same limit per number.
        for _ in 0..limit {
            let r = form(&[("phone", "600 555 444"), ("locality", "Przykładowo")]);
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let r = form(&[("phone", "600 555 444"), ("locality", "Przykładowo")]);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("już kilka SMS-ów"), "{}", r.body);
        let sms = s
            .app
            .sms_outbox(&s.demo_tenant, 500)
            .expect("sms")
            .into_iter()
            .filter(|m| m.to_number == "48600555444")
            .count();
        assert_eq!(sms, limit);
        // Another address is not affected.
        let r = form(&[("email", "inna@example.pl"), ("locality", "Przykładowo")]);
        assert_eq!(r.status, 200, "{}", r.body);
    }
);

both_engines!(
    districts_are_places_residents_choose_and_alerts_name,
    |engine| {
        let s = TestServer::start(engine);
        // The demo register names two districts of Przykładowo.
        let north = "Przykładowo – Osiedle Północ";
        let form = s.client().get("/ostrzezenia/subskrypcja");
        assert!(form.body.contains(north), "{}", form.body);
        // Kasia: the whole district; Jan: Polna 5 (in it), looked up through the district;
        // Olek: Kościelna 1 (Centrum); Piotr: the whole of Przykładowo.
        subscribe(&s, "kasia.d@example.pl", &[("locality", north)]);
        subscribe(
            &s,
            "jan.d@example.pl",
            &[("locality", north), ("street", "Polna"), ("number", "5")],
        );
        subscribe(
            &s,
            "olek.d@example.pl",
            &[
                ("locality", "Przykładowo"),
                ("street", "Kościelna"),
                ("number", "1"),
            ],
        );
        subscribe(&s, "piotr.d@example.pl", &[("locality", "Przykładowo")]);

        let desk = s.staff(REGISTRAR);
        let manager = s.staff(MANAGER);
        let (onset, expires) = (local(0), local(6));
        let send = |headline: &'static str, area: (&'static str, &str)| {
            let mut f: Vec<(&str, &str)> = STORM
                .iter()
                .filter(|(k, _)| *k != "headline")
                .copied()
                .collect();
            f.extend([
                ("headline", headline),
                ("onset", onset.as_str()),
                ("expires", expires.as_str()),
                area,
            ]);
            let id = alert_id(&compose(&desk, &f));
            publish(&s, &desk, &manager, &id);
        };
        let got = |who: &str, headline: &str| {
            mail_to(&s, who, &format!("Ostrzeżenie: {headline}")).is_some()
        };

        // By the district's name: its whole-district and address subscribers, and whoever
        // chose the whole locality; not an address in another district.
        send("Burza nad osiedlem", ("localities", north));
        for who in [
            "kasia.d@example.pl",
            "jan.d@example.pl",
            "piotr.d@example.pl",
        ] {
            assert!(got(who, "Burza nad osiedlem"), "{who}");
        }
        assert!(!got("olek.d@example.pl", "Burza nad osiedlem"));

        // By the locality's name: every district of it.
        send("Burza nad miejscowością", ("localities", "Przykładowo"));
        for who in [
            "kasia.d@example.pl",
            "jan.d@example.pl",
            "olek.d@example.pl",
            "piotr.d@example.pl",
        ] {
            assert!(got(who, "Burza nad miejscowością"), "{who}");
        }

        // A drawn area around Polna 5 reaches the district's whole-district subscriber.
        send("Burza nad Polną", ("polygon", POLYGON));
        assert!(got("kasia.d@example.pl", "Burza nad Polną"));
        assert!(got("jan.d@example.pl", "Burza nad Polną"));
        assert!(!got("olek.d@example.pl", "Burza nad Polną"));
    }
);

both_engines!(
    one_connection_cannot_sign_up_strangers_without_limit,
    |engine| {
        let web = ratusz_web::WebConfig {
            trust_proxy: true,
            ..ratusz_web::WebConfig::default()
        };
        let s = TestServer::start_with(engine, web);
        let script = Client::forwarded_for(&s.base, "203.0.113.7");
        let form = |c: &Client, email: &str| {
            c.submit(
                "/ostrzezenia/subskrypcja",
                "/ostrzezenia/subskrypcja",
                &[("email", email), ("locality", "Przykładowo")],
            )
        };
        let limit = ratusz_app::alerts::SENDS_PER_IP_PER_HOUR as usize;
        for i in 0..limit {
            let r = form(&script, &format!("obcy{i}@example.pl"));
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let r = form(&script, "kolejny@example.pl");
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body
                .contains("Z tego połączenia zapisano w ostatniej godzinie"),
            "{}",
            r.body
        );
        let mails = s.app.outbox(&s.demo_tenant, 500).expect("outbox");
        assert!(!mails.iter().any(|m| m.to_addr == "kolejny@example.pl"));
        let strangers = mails
            .iter()
            .filter(|m| m.to_addr.starts_with("obcy"))
            .count();
        assert_eq!(strangers, limit);
        // A resident on another connection signs up as usual.
        let resident = Client::forwarded_for(&s.base, "198.51.100.20");
        let r = form(&resident, "kolejny@example.pl");
        assert_eq!(r.status, 200, "{}", r.body);
        // Only the last hour counts: records an hour old are forgotten.
        age_form_sends(&s, 3_601_000_000);
        let r = form(&script, "po-godzinie@example.pl");
        assert_eq!(r.status, 200, "{}", r.body);
    }
);

/// Moves the subscription form's records `us` microseconds into the past.
fn age_form_sends(s: &TestServer, us: i64) {
    use diesel::prelude::*;
    use ratusz_app::store::schema::alert_form_sends::dsl as f;
    s.app
        .store
        .write(|c| {
            diesel::update(f::alert_form_sends)
                .set(f::at.eq(f::at - us))
                .execute(c)
                .map_err(ratusz_app::store::StoreError::from)
        })
        .expect("aged");
}
