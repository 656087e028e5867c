//! Crisis alerts by SMS, through a real local HTTP server speaking SMSAPI's published protocol
//! (`ratusz_testkit::sms::Gateway`): a resident subscribes a phone (refused when it is not a
//! Polish mobile number), confirms it with the code the gateway delivered (the page's token
//! alone does not confirm; wrong codes are counted), a storm warning reaches that phone with
//! its short unsubscribe link and nobody outside the area, the dashboard counts the SMS, and
//! the link unsubscribes. The gateway's faults: invalid numbers fail at once, HTTP 500 and a
//! hang are retried, and an answer lost after the gateway accepted never sends twice.

use crate::alerts::{MANAGER, POLYGON, REGISTRAR, STORM, alert_id, compose, local, publish};
use crate::both_engines;
use crate::support::*;
use ratusz_testkit::sms::{Fault, Gateway};

const TOKEN: &str = "test-token-123";

fn start(engine: Engine, gateway: &Gateway, timeout_secs: u64) -> TestServer {
    start_capped(
        engine,
        gateway,
        timeout_secs,
        ratusz_app::alerts::SMS_CODES_PER_HOUR,
    )
}

/// [`start`] with `codes_per_hour` SMS codes an hour for the form, behind a reverse proxy
/// (the client's address from `X-Forwarded-For`).
fn start_capped(
    engine: Engine,
    gateway: &Gateway,
    timeout_secs: u64,
    codes_per_hour: u32,
) -> TestServer {
    let url = gateway.base_url.clone();
    let web = ratusz_web::WebConfig {
        trust_proxy: true,
        ..ratusz_web::WebConfig::default()
    };
    TestServer::start_custom(engine, web, move |st| {
        st.sms = Some(ratusz_app::SmsSettings {
            api_url: url,
            token: TOKEN.into(),
            sender: "Gmina".into(),
            rate_per_second: 0,
            timeout_secs,
            codes_per_hour,
        });
    })
}

/// The six-digit code in the newest SMS the gateway delivered to `number`.
fn code_sent_to(gateway: &Gateway, number: &str) -> String {
    let text = gateway
        .sent()
        .into_iter()
        .rev()
        .find(|m| m.number == number && m.text.starts_with("Kod potwierdzenia"))
        .expect("a code SMS")
        .text;
    let at = text.find(": ").expect("the code") + 2;
    text[at..at + 6].to_owned()
}

/// Subscribes a phone over the form; returns the path of its code page.
fn subscribe_phone(c: &Client, phone: &str, fields: &[(&str, &str)]) -> String {
    let mut all = vec![("phone", phone)];
    all.extend_from_slice(fields);
    let r = c.submit("/ostrzezenia/subskrypcja", "/ostrzezenia/subskrypcja", &all);
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.location.expect("to the code page");
    assert!(to.starts_with("/ostrzezenia/subskrypcja/"), "{to}");
    to
}

fn confirm(s: &TestServer, gateway: &Gateway, c: &Client, page: &str, number: &str) {
    s.app.drain_jobs("test").expect("jobs");
    let code = code_sent_to(gateway, number);
    let path = page.split('?').next().unwrap_or(page);
    let r = c.submit(page, path, &[("action", "code"), ("code", &code)]);
    assert!(r.body.contains("Zapis potwierdzony"), "{}", r.body);
}

both_engines!(
    a_storm_warning_reaches_the_confirmed_phone_by_sms_with_its_unsubscribe_link,
    |engine| {
        let gateway = Gateway::start(TOKEN, true).expect("gateway");
        let s = start(engine, &gateway, 10);
        let c = s.client();

        // Numbers that cannot receive an SMS are refused, naming the fix.
        for (phone, msg) in [
            ("12 345 67 89", "nie jest numer komórkowy"),
            ("600 12", "polski numer komórkowy ma 9 cyfr"),
            ("+49 151 1234567", "tylko na polskie numery"),
            ("600-abc-123", "tylko cyfry"),
        ] {
            let r = c.submit(
                "/ostrzezenia/subskrypcja",
                "/ostrzezenia/subskrypcja",
                &[("phone", phone), ("locality", "Przykładowo")],
            );
            assert_eq!(r.status, 422, "{phone}: {}", r.body);
            assert!(r.body.contains(msg), "{phone}: {msg}: {}", r.body);
        }
        let r = c.submit(
            "/ostrzezenia/subskrypcja",
            "/ostrzezenia/subskrypcja",
            &[("locality", "Przykładowo")],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("albo numer telefonu"), "{}", r.body);

        // Jan subscribes his phone for ul. Polna 5; the code comes by SMS.
        let page = subscribe_phone(
            &c,
            "+48 600 100 200",
            &[
                ("topics", "weather"),
                ("locality", "Przykładowo"),
                ("street", "Polna"),
                ("number", "5"),
            ],
        );
        let shown = c.get(&page);
        assert!(
            shown.body.contains("Wysłaliśmy SMS z kodem"),
            "{}",
            shown.body
        );
        assert!(
            shown.body.contains("+48 600 *** 200") && !shown.body.contains("600 100 200"),
            "the number is masked on the page: {}",
            shown.body
        );
        s.app.drain_jobs("test").expect("jobs");
        let code = code_sent_to(&gateway, "48600100200");
        let path = page.split('?').next().unwrap_or(&page).to_owned();
        // The page's token alone does not confirm a phone.
        let r = c.submit(&page, &path, &[("action", "confirm")]);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Wpisz kod z SMS-a"), "{}", r.body);
        // A wrong code is counted.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let r = c.submit(&page, &path, &[("action", "code"), ("code", wrong)]);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("zostało prób: 4"), "{}", r.body);
        let r = c.submit(&page, &path, &[("action", "code"), ("code", &code)]);
        assert!(r.body.contains("Zapis potwierdzony"), "{}", r.body);

        // Anna's phone is in another locality.
        let other = s.client();
        let page_b = subscribe_phone(&other, "600 100 300", &[("locality", "Wola Przykładowska")]);
        confirm(&s, &gateway, &other, &page_b, "48600100300");

        // A storm warning for the polygon around Polna 5.
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
        // Staff see the SMS as phones will show it, link included.
        let draft = desk.get(&format!("/panel/alerts/{id}"));
        assert!(draft.body.contains("Wypisz: "), "{}", draft.body);
        publish(&s, &desk, &manager, &id);
        let alerts: Vec<_> = gateway
            .sent()
            .into_iter()
            .filter(|m| m.text.contains("Wypisz:"))
            .collect();
        assert_eq!(
            alerts.len(),
            1,
            "only the phone inside the area: {alerts:?}"
        );
        let sms = &alerts[0];
        assert_eq!(sms.number, "48600100200");
        assert_eq!(sms.sender, "Gmina");
        assert!(
            sms.text.contains("burza z gradem") || sms.text.contains("burza"),
            "{}",
            sms.text
        );
        assert!(
            !sms.text
                .contains(['ą', 'ę', 'ó', 'ł', 'ż', 'ź', 'ć', 'ń', 'ś']),
            "GSM-7 without Polish letters: {}",
            sms.text
        );
        assert!(
            ratusz_core::alerts::sms::count_parts(&sms.text).is_some_and(|p| p <= 2),
            "at most two parts: {}",
            sms.text
        );
        let link = sms.text.rsplit("Wypisz: ").next().expect("the link");
        let code = link.rsplit("/w/").next().expect("the code").to_owned();
        assert_eq!(code.len(), 10, "{link}");
        assert!(link.starts_with(&s.app.settings.public_url), "{link}");
        // Running the fan-out again sends nothing twice.
        assert_eq!(s.app.fan_out(&s.demo_tenant, &id).expect("fan out"), 0);
        s.app.drain_jobs("test").expect("jobs");
        assert_eq!(
            gateway
                .sent()
                .iter()
                .filter(|m| m.text.contains("Wypisz:"))
                .count(),
            1
        );

        // The dashboard counts the SMS per channel.
        let dash = manager.get(&format!("/panel/alerts/{id}"));
        assert!(dash.body.contains("Według kanału"), "{}", dash.body);
        assert!(
            dash.body
                .contains("<th scope=\"row\">SMS</th><td>1</td><td>1</td><td>0</td>"),
            "{}",
            dash.body
        );
        assert!(dash.body.contains("Wysłane w czasie"), "{}", dash.body);

        // The SMS's link: a GET only asks; the button unsubscribes.
        let phone_user = s.client();
        let ask = phone_user.get(&format!("/w/{code}"));
        assert_eq!(ask.status, 200);
        assert!(ask.body.contains("+48 600 *** 200"), "{}", ask.body);
        let sub = |number: &str| {
            s.app
                .store
                .read(|conn| {
                    ratusz_app::store::alerts::subscriber_by_address(
                        conn,
                        &s.demo_tenant,
                        "sms",
                        number,
                    )
                })
                .expect("read")
                .expect("subscriber")
        };
        assert_eq!(sub("48600100200").status, "active");
        let r = phone_user.submit(
            &format!("/w/{code}"),
            &format!("/w/{code}"),
            &[("action", "unsubscribe")],
        );
        assert!(r.body.contains("Wypisano"), "{}", r.body);
        assert_eq!(sub("48600100200").status, "unsubscribed");
        assert_eq!(phone_user.get("/w/nieznanykod").status, 404);
    }
);

both_engines!(
    the_gateways_faults_are_retried_and_nothing_is_sent_twice,
    |engine| {
        let gateway = Gateway::start(TOKEN, true).expect("gateway");
        let s = start(engine, &gateway, 1);
        let now = s.app.now_ts();
        let template = "Burza. Wypisz: https://gmina.example/w/[%1%]";
        let mut messages: Vec<ratusz_app::sms::NewSms> = (0..30)
            .map(|i| ratusz_app::sms::NewSms {
                to: format!("4860020{i:04}"),
                template: template.into(),
                param: format!("kod{i:07}"),
            })
            .collect();
        // A number our validation would refuse, as an old import might hold.
        messages[3].to = "4812345".into();
        let ids = s
            .app
            .store
            .write(|c| ratusz_app::sms::enqueue_batch(c, &s.demo_tenant, &messages, now))
            .expect("enqueue");
        let status = |id: &str| {
            s.app
                .store
                .read(|c| ratusz_app::store::sms::get_many(c, &s.demo_tenant, &[id.to_owned()]))
                .expect("read")
                .remove(0)
        };
        // HTTP 500: the job retries later; nothing is sent.
        gateway.fail_next(1, Fault::Http500);
        let step = s.app.run_one_job("w").expect("step");
        assert!(
            matches!(step, ratusz_app::jobs::Step::Retry { .. }),
            "{step:?}"
        );
        assert_eq!(gateway.count(), 0);
        assert!(
            status(&ids[0])
                .last_error
                .is_some_and(|e| e.contains("500"))
        );
        // A hang past the timeout: retried later; nothing is sent.
        let job = s
            .app
            .store
            .read(|c| ratusz_app::store::jobs::list(c, &s.demo_tenant, None, 100))
            .expect("jobs")
            .into_iter()
            .find(|j| j.kind == ratusz_app::sms::JOB_BATCH)
            .expect("the batch job");
        gateway.fail_next(1, Fault::Hang(std::time::Duration::from_millis(1500)));
        make_due(&s, &job.id);
        let step = s.app.run_one_job("w").expect("step");
        assert!(
            matches!(step, ratusz_app::jobs::Step::Retry { .. }),
            "{step:?}"
        );
        assert!(
            status(&ids[0])
                .last_error
                .is_some_and(|e| e.contains("timeout"))
        );
        std::thread::sleep(std::time::Duration::from_millis(700));
        assert_eq!(gateway.count(), 0);
        // The gateway accepts but its answer is lost (we time out first).
        gateway.fail_next(1, Fault::LoseAnswer(std::time::Duration::from_millis(1500)));
        make_due(&s, &job.id);
        let step = s.app.run_one_job("w").expect("step");
        assert!(
            matches!(step, ratusz_app::jobs::Step::Retry { .. }),
            "{step:?}"
        );
        assert_eq!(status(&ids[0]).status, "queued");
        assert_eq!(gateway.count(), 29, "the gateway did send them");
        // The retry: the gateway refuses the used idx, so nothing goes twice and all count as sent.
        std::thread::sleep(std::time::Duration::from_millis(700));
        make_due(&s, &job.id);
        let step = s.app.run_one_job("w").expect("step");
        assert!(
            matches!(step, ratusz_app::jobs::Step::Done { .. }),
            "{step:?}"
        );
        assert_eq!(gateway.count(), 29, "nothing sent twice");
        assert_eq!(status(&ids[0]).status, "sent");
        assert_eq!(status(&ids[29]).status, "sent");
        let invalid = status(&ids[3]);
        assert_eq!(invalid.status, "failed", "{invalid:?}");
        assert!(
            invalid
                .last_error
                .is_some_and(|e| e.contains("nieprawidłowy numer")),
            "the invalid number fails at once"
        );
        // Each message carried its own unsubscribe code.
        let sent = gateway.sent();
        assert!(sent.iter().any(|m| m.text.ends_with("/w/kod0000007")));
        let mut numbers: Vec<&str> = sent.iter().map(|m| m.number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), 29);
    }
);

both_engines!(
    a_wrong_gateway_token_is_retried_then_the_sms_fails,
    |engine| {
        let gateway = Gateway::start("the-real-token", true).expect("gateway");
        let s = start(engine, &gateway, 5);
        let now = s.app.now_ts();
        let id = s
            .app
            .store
            .write(|c| ratusz_app::sms::enqueue(c, &s.demo_tenant, "48600300400", "Test", now))
            .expect("enqueue");
        let step = s.app.run_one_job("w").expect("step");
        let ratusz_app::jobs::Step::Retry { error, .. } = step else {
            panic!("{step:?}")
        };
        assert!(error.contains("101"), "{error}");
        assert_eq!(gateway.count(), 0);
        let row = s
            .app
            .store
            .read(|c| {
                ratusz_app::store::sms::get_many(c, &s.demo_tenant, std::slice::from_ref(&id))
            })
            .expect("read")
            .remove(0);
        assert_eq!(row.status, "queued");
        // Until the admin fixes the token, every attempt fails; after the last the SMS is
        // marked failed (the dead letter shows in the jobs list).
        let job = s
            .app
            .store
            .read(|c| ratusz_app::store::jobs::list(c, &s.demo_tenant, None, 100))
            .expect("jobs")
            .into_iter()
            .find(|j| j.kind == ratusz_app::sms::JOB_BATCH)
            .expect("the batch job");
        let mut last = None;
        for _ in 0..10 {
            make_due(&s, &job.id);
            let step = s.app.run_one_job("w").expect("step");
            let dead = matches!(step, ratusz_app::jobs::Step::Dead { .. });
            last = Some(step);
            if dead {
                break;
            }
        }
        assert!(
            matches!(last, Some(ratusz_app::jobs::Step::Dead { .. })),
            "{last:?}"
        );
        let row = s
            .app
            .store
            .read(|c| {
                ratusz_app::store::sms::get_many(c, &s.demo_tenant, std::slice::from_ref(&id))
            })
            .expect("read")
            .remove(0);
        assert_eq!(row.status, "failed");
        assert_eq!(gateway.count(), 0);
    }
);

both_engines!(
    sms_codes_pause_at_the_hourly_limit_from_all_senders_and_e_mail_still_works,
    |engine| {
        let gateway = Gateway::start(TOKEN, true).expect("gateway");
        let s = start_capped(engine, &gateway, 10, 3);
        // SMS pumping: many numbers, each from another connection.
        for i in 0..3 {
            let c = Client::forwarded_for(&s.base, &format!("198.51.100.{i}"));
            subscribe_phone(
                &c,
                &format!("600 100 20{i}"),
                &[("locality", "Przykładowo")],
            );
        }
        let c = Client::forwarded_for(&s.base, "198.51.100.9");
        let r = c.submit(
            "/ostrzezenia/subskrypcja",
            "/ostrzezenia/subskrypcja",
            &[("phone", "600 100 209"), ("locality", "Przykładowo")],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("wstrzymał ich wysyłkę"), "{}", r.body);
        assert!(r.body.contains("Zapisz się teraz e-mailem"), "{}", r.body);
        s.app.drain_jobs("test").expect("jobs");
        let numbers: Vec<String> = gateway.sent().into_iter().map(|m| m.number).collect();
        assert_eq!(numbers.len(), 3, "{numbers:?}");
        assert!(!numbers.iter().any(|n| n == "48600100209"), "{numbers:?}");
        // E-mail costs nothing: it still works for the same resident.
        let r = c.submit(
            "/ostrzezenia/subskrypcja",
            "/ostrzezenia/subskrypcja",
            &[
                ("email", "sms.wstrzymane@example.pl"),
                ("locality", "Przykładowo"),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
);
