//! Crisis alerts by web push, through a real local HTTP server implementing the published web
//! push protocol (`ratusz_testkit::push::PushService`: RFC 8030 delivery, RFC 8291 encryption
//! it decrypts, RFC 8292 VAPID it verifies): browsers subscribe through the form's push
//! fields (refused when the endpoint is not on an allowed push service or the keys are
//! broken), a storm warning reaches the browser inside the area encrypted and signed, with its
//! unsubscribe link, and no browser outside; a subscription the push service calls gone is
//! ended; one made with another key is refused; a server error is retried; nothing is sent
//! twice; the dashboard counts the channel.

use crate::alerts::{MANAGER, POLYGON, REGISTRAR, STORM, alert_id, compose, local, publish};
use crate::both_engines;
use crate::support::*;
use ratusz_testkit::push::{BrowserSubscription, Fault, PushService};

fn start(engine: Engine) -> TestServer {
    TestServer::start_custom(engine, ratusz_web::WebConfig::default(), move |st| {
        // No key file: the installation's key is made in the database on first use.
        let mut push =
            ratusz_app::push::PushSettings::new(None, "mailto:it@przykladowo.gov.pl".into());
        push.endpoint_hosts = vec!["127.0.0.1".into()];
        push.allow_http = true;
        push.timeout_secs = 2;
        st.push = Some(push);
    })
}

/// Subscribes a browser over the form; returns the path of its settings page.
fn subscribe_browser(c: &Client, b: &BrowserSubscription, place: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("push_endpoint", b.endpoint.as_str()),
        ("push_p256dh", b.p256dh.as_str()),
        ("push_auth", b.auth.as_str()),
    ];
    fields.extend_from_slice(place);
    let r = c.submit(
        "/ostrzezenia/subskrypcja",
        "/ostrzezenia/subskrypcja",
        &fields,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.location.expect("to the settings page");
    assert!(to.starts_with("/ostrzezenia/subskrypcja/"), "{to}");
    to
}

const POLNA: &[(&str, &str)] = &[
    ("topics", "weather"),
    ("locality", "Przykładowo"),
    ("street", "Polna"),
    ("number", "5"),
];

both_engines!(
    a_storm_warning_reaches_the_subscribed_browser_by_web_push,
    |engine| {
        let service = PushService::start().expect("push service");
        let s = start(engine);
        let key = s.app.push_public_key(&s.demo_tenant).expect("push is on");
        let stored = s
            .app
            .store
            .read(|c| ratusz_app::store::tenants::tenant_key(c, &s.demo_tenant, "vapid"))
            .expect("read")
            .and_then(|t| ratusz_app::push::VapidKey::from_text(&t))
            .expect("the key is kept in the database");
        assert_eq!(stored.public_key(), key);
        let c = s.client();

        // The form offers browser notifications (shown by its script) with the office's key.
        let form = c.get("/ostrzezenia/subskrypcja");
        assert!(
            form.body.contains(&format!("data-vapid-key=\"{key}\"")),
            "{}",
            form.body
        );
        assert!(form.body.contains("/static/alerts-push.js"));
        let sw = c.get("/sw.js");
        assert_eq!(sw.status, 200);
        assert!(
            sw.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/javascript")),
            "{:?}",
            sw.headers
        );
        assert!(sw.body.contains("showNotification"));

        // Endpoints off the allowed push services and broken keys are refused, naming the fix.
        let good = service.subscribe(&key);
        for (endpoint, p256dh, auth, msg) in [
            (
                "http://10.0.0.1/admin",
                good.p256dh.as_str(),
                good.auth.as_str(),
                "usługi powiadomień, której urząd nie obsługuje",
            ),
            (
                good.endpoint.as_str(),
                "AAAA",
                good.auth.as_str(),
                "Odśwież stronę i włącz powiadomienia jeszcze raz",
            ),
            (
                good.endpoint.as_str(),
                good.p256dh.as_str(),
                "",
                "Odśwież stronę i włącz powiadomienia jeszcze raz",
            ),
        ] {
            let r = c.submit(
                "/ostrzezenia/subskrypcja",
                "/ostrzezenia/subskrypcja",
                &[
                    ("push_endpoint", endpoint),
                    ("push_p256dh", p256dh),
                    ("push_auth", auth),
                    ("locality", "Przykładowo"),
                ],
            );
            assert_eq!(r.status, 422, "{endpoint}: {}", r.body);
            assert!(r.body.contains(msg), "{endpoint}: {msg}: {}", r.body);
        }

        // Jan's browser at ul. Polna 5: on at once, its page names the browser, not the URL.
        let page = subscribe_browser(&c, &good, POLNA);
        let shown = c.get(&page);
        assert!(
            shown
                .body
                .contains("Powiadomienia w tej przeglądarce są włączone"),
            "{}",
            shown.body
        );
        assert!(shown.body.contains("ta przeglądarka"), "{}", shown.body);
        assert!(!shown.body.contains(&good.endpoint), "{}", shown.body);
        // Subscribing the same browser again changes its choice, not a second subscription.
        let again = subscribe_browser(&s.client(), &good, POLNA);
        assert_eq!(again, page);

        // Another browser at Polna 5 that the resident later drops (the service says 410),
        // one made with another server key, and one in another locality.
        let dropped = service.subscribe(&key);
        subscribe_browser(&s.client(), &dropped, POLNA);
        let foreign = service.subscribe("BOtherKeyOtherKeyOtherKey");
        subscribe_browser(&s.client(), &foreign, POLNA);
        let elsewhere = service.subscribe(&key);
        subscribe_browser(
            &s.client(),
            &elsewhere,
            &[("locality", "Wola Przykładowska")],
        );
        service.expire(&dropped.endpoint);

        // A severe storm warning for the polygon around Polna 5; the push service's first
        // answer is a server error.
        service.fail_next(1, Fault::Http500);
        let desk = s.staff(REGISTRAR);
        let manager = s.staff(MANAGER);
        let (onset, expires) = (local(0), local(6));
        let mut fields: Vec<(&str, &str)> = STORM.to_vec();
        fields.extend([
            ("onset", onset.as_str()),
            ("expires", expires.as_str()),
            ("polygon", POLYGON),
        ]);
        let id = alert_id(&compose(&desk, &fields));
        publish(&s, &desk, &manager, &id);
        let job = s
            .app
            .store
            .read(|c| ratusz_app::store::jobs::list(c, &s.demo_tenant, None, 100))
            .expect("jobs")
            .into_iter()
            .find(|j| j.kind == ratusz_app::push::JOB_BATCH)
            .expect("the push batch job");
        make_due(&s, &job.id);
        s.app.drain_jobs("test").expect("jobs");

        let got = service.received(&good.endpoint);
        assert_eq!(got.len(), 1, "{got:?}");
        let m = &got[0];
        let payload: serde_json::Value = serde_json::from_str(&m.payload).expect("JSON");
        assert_eq!(payload["title"], "Ostrzeżenie przed burzą z gradem");
        assert_eq!(
            payload["body"],
            "Zostań w domu, zabezpiecz przedmioty na balkonie."
        );
        let base = &s.app.settings.public_url;
        assert_eq!(payload["url"], format!("{base}/ostrzezenia/{id}?z=p"));
        let unsubscribe = payload["unsubscribe"].as_str().expect("the link");
        assert!(
            unsubscribe.starts_with(&format!("{base}/ostrzezenia/wypisz/")),
            "{unsubscribe}"
        );
        assert_eq!(m.urgency.as_deref(), Some("high"), "a severe alert");
        assert!(
            (5 * 3600..=6 * 3600 + 60).contains(&m.ttl),
            "kept until it expires: {}",
            m.ttl
        );
        assert_eq!(m.contact, "mailto:it@przykladowo.gov.pl");
        assert!(service.received(&elsewhere.endpoint).is_empty());
        assert!(service.received(&foreign.endpoint).is_empty());

        // The dropped browser's subscription is ended; the foreign key's message failed.
        let sub = |endpoint: &str| {
            s.app
                .store
                .read(|conn| {
                    ratusz_app::store::alerts::subscriber_by_address(
                        conn,
                        &s.demo_tenant,
                        "push",
                        endpoint,
                    )
                })
                .expect("read")
                .expect("subscriber")
        };
        assert_eq!(sub(&dropped.endpoint).status, "unsubscribed");
        assert_eq!(sub(&good.endpoint).status, "active");

        // Running the fan-out again sends nothing twice.
        assert_eq!(s.app.fan_out(&s.demo_tenant, &id).expect("fan out"), 0);
        s.app.drain_jobs("test").expect("jobs");
        assert_eq!(service.received(&good.endpoint).len(), 1);

        // The resident taps the notification twice: the page counts two visits from push
        // (visits, not people: nothing in the link tells who). A made-up mark counts nothing.
        let resident = s.client();
        for mark in ["p", "p", "x"] {
            let page = resident.get(&format!("/ostrzezenia/{id}?z={mark}"));
            assert_eq!(page.status, 200);
        }

        // The dashboard: three browsers targeted, one reached, two failed, opened twice.
        let dash = manager.get(&format!("/panel/alerts/{id}"));
        assert!(
            dash.body.contains(
                "<th scope=\"row\">powiadomienia w przeglądarce</th><td>3</td><td>1</td><td>2</td>"
            ),
            "{}",
            dash.body
        );
        assert!(
            dash.body.contains("<td class=\"opened\">2</td></tr>"),
            "{}",
            dash.body
        );

        // The admin's outbox lists the notifications by push service, never the endpoint, with
        // the reason of each failure.
        let admin = s.staff("admin@przykladowo.gov.pl");
        let outbox = admin.get("/panel/admin/outbox");
        assert!(
            outbox.body.contains("Powiadomienia, od najnowszych"),
            "{}",
            outbox.body
        );
        assert!(
            outbox.body.contains("<td>127.0.0.1</td>"),
            "{}",
            outbox.body
        );
        assert!(outbox.body.contains("HTTP 403"), "{}", outbox.body);
        assert!(outbox.body.contains("HTTP 410"), "{}", outbox.body);
        assert!(!outbox.body.contains(&good.endpoint), "{}", outbox.body);

        // The notification's unsubscribe link: a GET only asks; the button unsubscribes.
        let path = unsubscribe.strip_prefix(base.as_str()).expect("path");
        let ask = c.get(path);
        assert_eq!(ask.status, 200, "{}", ask.body);
        assert_eq!(sub(&good.endpoint).status, "active");
        let token = path.rsplit('/').next().expect("token");
        let r = c.submit(
            path,
            &format!("/ostrzezenia/subskrypcja/{token}"),
            &[("action", "unsubscribe")],
        );
        assert!(r.body.contains("Wypisano"), "{}", r.body);
        assert_eq!(sub(&good.endpoint).status, "unsubscribed");
    }
);

both_engines!(without_push_settings_browsers_cannot_subscribe, |engine| {
    let s = TestServer::start(engine);
    let c = s.client();
    let form = c.get("/ostrzezenia/subskrypcja");
    assert!(!form.body.contains("data-vapid-key"), "{}", form.body);
    let r = c.submit(
        "/ostrzezenia/subskrypcja",
        "/ostrzezenia/subskrypcja",
        &[
            ("push_endpoint", "https://fcm.googleapis.com/fcm/send/x"),
            ("push_p256dh", "x"),
            ("push_auth", "y"),
            ("locality", "Przykładowo"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Powiadomienia w przeglądarce są w tym urzędzie wyłączone"),
        "{}",
        r.body
    );
});
