//! Alerts that need confirmation by staff on duty: the first unit's staff get the alert with
//! their own confirmation links; too few confirm within the time set, so the check sends it to
//! the next unit; enough confirm, so the escalation ends; when every unit was alerted and too
//! few confirmed, the author is told. Units that do not exist are refused on the form.

use crate::alerts::{MANAGER, POLYGON, REGISTRAR, alert_id, compose, local, publish};
use crate::both_engines;
use crate::support::*;

const GK_MANAGER: &str = MANAGER;
const GK_CLERK: &str = "referent.gk@przykladowo.gov.pl";
const OR_CLERK: &str = "referent.or@przykladowo.gov.pl";

fn fields<'a>(
    onset: &'a str,
    expires: &'a str,
    groups: &'a str,
    min: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("template", "flood"),
        ("msg_type", "alert"),
        ("category", "Met"),
        ("event", "Wezbranie rzeki"),
        ("urgency", "Immediate"),
        ("severity", "Severe"),
        ("certainty", "Likely"),
        ("headline", "Ostrzeżenie powodziowe dla dyżurnych"),
        ("instruction", "Stawić się w urzędzie."),
        ("onset", onset),
        ("expires", expires),
        ("polygon", POLYGON),
        ("confirm_groups", groups),
        ("confirm_min", min),
        ("confirm_minutes", "15"),
    ]
}

/// The newest e-mails per recipient whose subject contains `subject`.
fn mails(s: &TestServer, subject: &str) -> Vec<ratusz_app::store::mail::MailRow> {
    s.app
        .outbox(&s.demo_tenant, 500)
        .expect("outbox")
        .into_iter()
        .filter(|m| m.subject.contains(subject))
        .collect()
}

fn confirm_token(body: &str) -> String {
    let marker = "/ostrzezenia/potwierdz/";
    let at = body.find(marker).expect("a confirmation link") + marker.len();
    body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Runs the escalation check of `stage` now (its time is up).
fn check(s: &TestServer, alert: &str, stage: usize) {
    let job = s
        .app
        .store
        .read(|c| ratusz_app::store::jobs::list(c, &s.demo_tenant, None, 500))
        .expect("jobs")
        .into_iter()
        .find(|j| {
            j.kind == ratusz_app::alerts::JOB_ESCALATE
                && j.payload.contains(alert)
                && j.payload.contains(&format!("\"stage\":{stage}"))
        })
        .expect("the check is queued");
    make_due(s, &job.id);
    s.app.drain_jobs("test").expect("jobs");
}

both_engines!(
    too_few_confirmations_send_the_alert_to_the_next_unit_on_duty,
    |engine| {
        let s = TestServer::start(engine);
        let desk = s.staff(REGISTRAR);
        let manager = s.staff(GK_MANAGER);
        let (onset, expires) = (local(0), local(6));

        // A unit that does not exist is named on the form.
        let r = compose(&desk, &fields(&onset, &expires, "GK, XX", "0"));
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Nie ma komórki o kodzie XX"), "{}", r.body);
        assert!(r.body.contains("ile potwierdzeń wystarczy"), "{}", r.body);

        let id = alert_id(&compose(&desk, &fields(&onset, &expires, "GK, OR", "2")));
        publish(&s, &desk, &manager, &id);
        // GK's staff got it with their own links; OR's not yet.
        let first = mails(&s, "Ostrzeżenie powodziowe dla dyżurnych");
        let to: Vec<&str> = first.iter().map(|m| m.to_addr.as_str()).collect();
        assert!(to.contains(&GK_MANAGER) && to.contains(&GK_CLERK), "{to:?}");
        assert!(!to.contains(&OR_CLERK), "{to:?}");
        let clerk_mail = first.iter().find(|m| m.to_addr == GK_CLERK).expect("clerk");
        let token = confirm_token(&clerk_mail.body_text);
        assert_ne!(
            token,
            confirm_token(
                &first
                    .iter()
                    .find(|m| m.to_addr == GK_MANAGER)
                    .expect("m")
                    .body_text
            ),
            "each person has their own link"
        );
        let page = manager.get(&format!("/panel/alerts/{id}"));
        assert!(
            page.body.contains("Potwierdziło 0 z wymaganych 2"),
            "{}",
            page.body
        );

        // The GK clerk confirms: a GET only asks, the button confirms (once).
        let c = s.client();
        let ask = c.get(&format!("/ostrzezenia/potwierdz/{token}"));
        assert!(ask.body.contains("Potwierdzam odbiór"), "{}", ask.body);
        let r = c.submit(
            &format!("/ostrzezenia/potwierdz/{token}"),
            &format!("/ostrzezenia/potwierdz/{token}"),
            &[],
        );
        assert!(r.body.contains("odbiór potwierdzony"), "{}", r.body);
        // The link again shows it done; a second confirmation counts once.
        let again = c.get(&format!("/ostrzezenia/potwierdz/{token}"));
        assert!(again.body.contains("odbiór potwierdzony"), "{}", again.body);
        s.app.confirm_alert(&s.demo_tenant, &token).expect("again");
        assert_eq!(c.get("/ostrzezenia/potwierdz/nieznany").status, 404);

        // 15 minutes pass with one confirmation of two: OR gets it.
        check(&s, &id, 1);
        let escalated = mails(&s, "[ESKALACJA]");
        assert_eq!(escalated.len(), 1, "{escalated:?}");
        assert_eq!(escalated[0].to_addr, OR_CLERK);
        let page = manager.get(&format!("/panel/alerts/{id}"));
        assert!(
            page.body.contains("Potwierdziło 1 z wymaganych 2"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("Zawiadomione komórki: 2"),
            "{}",
            page.body
        );
        // Running the check again sends nothing twice.
        assert!(matches!(
            s.app.escalate(&s.demo_tenant, &id, 1).expect("check"),
            ratusz_app::alerts::escalate::Next::Escalate(2)
        ));
        s.app.drain_jobs("test").expect("jobs");
        assert_eq!(mails(&s, "[ESKALACJA]").len(), 1);

        // OR confirms: two of two, so the last check ends it without telling the author.
        let or_token = confirm_token(&escalated[0].body_text);
        c.submit(
            &format!("/ostrzezenia/potwierdz/{or_token}"),
            &format!("/ostrzezenia/potwierdz/{or_token}"),
            &[],
        );
        check(&s, &id, 2);
        assert!(mails(&s, "Za mało potwierdzeń").is_empty());
        let events = s
            .app
            .store
            .read(|c| {
                ratusz_app::store::audit::by_action(c, &s.demo_tenant, "alerts.confirmed_enough")
            })
            .expect("audit");
        assert_eq!(events.len(), 1);

        // Another alert only for OR that nobody confirms: after OR's time the author is told.
        let lone = alert_id(&compose(&desk, &fields(&onset, &expires, "OR", "1")));
        publish(&s, &desk, &manager, &lone);
        check(&s, &lone, 1);
        let notices = mails(&s, "Za mało potwierdzeń");
        let to: Vec<&str> = notices.iter().map(|m| m.to_addr.as_str()).collect();
        assert!(
            to.contains(&REGISTRAR) && to.contains(&GK_MANAGER),
            "{to:?}"
        );
    }
);
