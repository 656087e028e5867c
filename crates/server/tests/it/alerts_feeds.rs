//! Other services' CAP feeds re-published: a real local web server serves an Atom index, the
//! CAP files it links and the faults a real site shows; the robot reads it as in production.

use ratusz_app::AppError;
use ratusz_app::audit::Actor;
use ratusz_testkit::site::Site;

use crate::alerts::{reference, references};
use crate::both_engines;
use crate::support::*;

const ATOM: &str = "application/atom+xml";
const CAP: &str = "application/cap+xml";

fn entry(id: &str, link: Option<&str>, content: &str) -> String {
    let link = link
        .map(|l| format!("<link href=\"{l}\" type=\"{CAP}\"/>"))
        .unwrap_or_default();
    format!(
        "<entry><id>{id}</id><title>{id}</title><updated>2026-11-24T10:00:00Z</updated>{link}{content}</entry>"
    )
}

fn atom(entries: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:test:feed</id><title>Ostrzeżenia testowe</title><updated>2026-11-24T10:00:00Z</updated>{}</feed>",
        entries.concat()
    )
}

/// The alerts published from outside (by feed or file).
fn imported(s: &TestServer) -> Vec<ratusz_store::alerts::AlertRow> {
    s.app
        .public_alerts(&s.demo_tenant)
        .expect("alerts")
        .into_iter()
        .map(|(r, _)| r)
        .filter(|r| r.author_id.starts_with("import:"))
        .collect()
}

fn field_code(e: &AppError) -> String {
    match e {
        AppError::Invalid(f) => f[0].code.clone(),
        other => format!("{other:?}"),
    }
}

both_engines!(
    a_services_feed_is_republished_once_with_each_bad_entry_named,
    |engine| {
        let Some(dir) = references() else { return };
        let s = TestServer::start(engine);
        let t = s.demo_tenant.clone();
        let actor = Actor::cli();
        let site = Site::start().expect("site");

        let thunder = reference(&dir, "oasis_spec_appendixA/v1dot2_appendix_adot2.xml");
        let exercise = String::from_utf8(thunder.clone())
            .unwrap()
            .replace("<status>Actual</status>", "<status>Exercise</status>")
            .replace("KSTO1055887203", "KSTO-exercise");
        let amber =
            String::from_utf8(reference(&dir, "google_cap_library_testdata/amber.atom")).unwrap();
        let embedded = &amber[amber.find("<alert").unwrap()..amber.find("</alert>").unwrap() + 8];
        site.put("/cap/thunder.xml", CAP, thunder);
        site.put("/cap/exercise.xml", CAP, exercise);
        site.put(
            "/cap/xee.cap",
            CAP,
            reference(&dir, "google_cap_library_testdata/xee.cap"),
        );
        site.put(
            "/cap/quake.cap",
            CAP,
            reference(&dir, "google_cap_library_testdata/earthquake.cap"),
        );
        site.fail("/cap/quake.cap", 503, 1);
        // Same server, other host name: a feed may not send the office elsewhere.
        let elsewhere = site.base_url.replace("127.0.0.1", "localhost");
        site.put(
            "/feed.atom",
            ATOM,
            atom(&[
                entry("e-thunder", Some("/cap/thunder.xml"), ""),
                entry("e-xee", Some("cap/xee.cap"), ""),
                entry(
                    "e-elsewhere",
                    Some(&format!("{elsewhere}/cap/thunder.xml")),
                    "",
                ),
                entry("e-quake", Some("/cap/quake.cap"), ""),
                entry(
                    "e-amber",
                    None,
                    &format!("<content type=\"text/xml\">{embedded}</content>"),
                ),
                entry("e-empty", None, ""),
                entry("e-exercise", Some("/cap/exercise.xml"), ""),
                entry("e-missing", Some("/cap/gone.xml"), ""),
            ]),
        );

        // Bad addresses are refused with the field named.
        for bad in [
            "ftp://example.pl/feed",
            "example.pl/feed.atom",
            "https://a:b@example.pl/f",
        ] {
            let e = s.app.add_cap_feed(&t, &actor, "Zły", bad, 5).unwrap_err();
            assert!(
                matches!(&e, AppError::Invalid(f) if f[0].field == "url"),
                "{bad}: {e:?}"
            );
        }
        let e = s
            .app
            .add_cap_feed(
                &t,
                &actor,
                "Co sekundę",
                &format!("{}/feed.atom", site.base_url),
                0,
            )
            .unwrap_err();
        assert_eq!(field_code(&e), "bad-interval");

        let feed = s
            .app
            .add_cap_feed(
                &t,
                &actor,
                "Serwis testowy",
                &format!("{}/feed.atom", site.base_url),
                5,
            )
            .expect("add feed");
        let again = s
            .app
            .add_cap_feed(&t, &actor, "Drugi raz", &feed.url, 5)
            .unwrap_err();
        assert_eq!(field_code(&again), "duplicate");

        // Read on demand: two published, the 503 left for later, every other entry refused with
        // its reason.
        let r = s.app.read_cap_feed(&t, &actor, &feed.id).expect("read");
        assert_eq!(
            (r.entries, r.published, r.known, r.later),
            (8, 2, 0, 1),
            "{r:?}"
        );
        let mut codes: Vec<&str> = r.refused.iter().map(|e| e.code.as_str()).collect();
        codes.sort_unstable();
        assert_eq!(
            codes,
            [
                "cap-dtd",
                "cap-entry-without-alert",
                "fetch-failed",
                "link-refused",
                "not-public"
            ],
            "{r:?}"
        );
        assert!(
            r.refused
                .iter()
                .all(|e| !e.message_pl.is_empty() && !e.message_en.is_empty())
        );
        let row = &s.app.cap_feeds(&t).unwrap()[0];
        assert_eq!(
            (row.published, row.last_status.as_deref()),
            (2, Some("partly"))
        );
        assert!(row.last_error.is_some());

        // The robot's round: the feed just read is not due; a second feed (the same index under
        // another address) is, once. Alerts already published by the first are not published
        // twice; the one that met a 503 is published now.
        assert_eq!(s.app.read_due_cap_feeds().expect("round"), 0);
        let second = s
            .app
            .add_cap_feed(
                &t,
                &actor,
                "Kopia",
                &format!("{}/feed.atom?kopia=1", site.base_url),
                5,
            )
            .expect("add second");
        assert_eq!(s.app.read_due_cap_feeds().expect("round"), 1);
        assert_eq!(s.app.read_due_cap_feeds().expect("round"), 0);
        let row = s
            .app
            .cap_feeds(&t)
            .unwrap()
            .into_iter()
            .find(|f| f.id == second.id)
            .unwrap();
        assert_eq!(row.published, 1, "{row:?}");

        // The first feed read again: what was dealt with is not fetched again.
        let r = s.app.read_cap_feed(&t, &actor, &feed.id).expect("read");
        assert_eq!((r.published, r.known, r.later), (0, 8, 0), "{r:?}");
        assert!(r.refused.is_empty(), "{r:?}");
        assert_eq!(site.hits("/cap/thunder.xml"), 2);
        assert_eq!(site.hits("/cap/quake.cap"), 3);
        assert_eq!(site.hits("/cap/xee.cap"), 2);
        let row = s
            .app
            .cap_feeds(&t)
            .unwrap()
            .into_iter()
            .find(|f| f.id == feed.id)
            .unwrap();
        assert_eq!((row.published, row.last_status.as_deref()), (2, Some("ok")));

        // The public page shows the re-published alerts; the same alert by hand is already there.
        let public = s.client();
        let list = public.get("/ostrzezenia");
        let published = imported(&s);
        assert_eq!(published.len(), 3);
        for alert in published {
            assert!(
                list.body.contains(&format!("/ostrzezenia/{}", alert.id)),
                "{}",
                alert.identifier
            );
        }
        let dup = s
            .app
            .import_cap(
                &t,
                &actor,
                &reference(&dir, "oasis_spec_appendixA/v1dot2_appendix_adot2.xml"),
            )
            .unwrap_err();
        assert_eq!(field_code(&dup), "already-imported");

        // Removing the feed keeps what it published.
        s.app.remove_cap_feed(&t, &actor, &feed.id).expect("remove");
        assert_eq!(s.app.cap_feeds(&t).unwrap().len(), 1);
        assert_eq!(imported(&s).len(), 3);
    }
);

both_engines!(
    a_feed_that_cannot_be_read_says_why_and_publishes_nothing,
    |engine| {
        let Some(dir) = references() else { return };
        let s = TestServer::start(engine);
        let t = s.demo_tenant.clone();
        let actor = Actor::cli();
        let site = Site::start().expect("site");
        site.put(
            "/xee.atom",
            ATOM,
            reference(&dir, "google_cap_library_testdata/xee.atom"),
        );
        site.put(
            "/alert.cap",
            CAP,
            reference(&dir, "google_cap_library_testdata/weather.cap"),
        );
        site.put("/big.atom", ATOM, vec![b' '; 5 * 1024 * 1024]);
        let cases = [
            ("/xee.atom", "DOCTYPE"),
            ("/alert.cap", "Atom"),
            ("/nothing.atom", "404"),
            ("/big.atom", "bajtów"),
        ];
        for (path, reason) in cases {
            let feed = s
                .app
                .add_cap_feed(&t, &actor, path, &format!("{}{path}", site.base_url), 5)
                .expect("add");
            let e = s.app.read_cap_feed(&t, &actor, &feed.id).unwrap_err();
            match &e {
                AppError::Invalid(f) => {
                    assert_eq!(f[0].code, "feed-unreadable", "{path}");
                    assert!(
                        f[0].message_pl.contains(reason),
                        "{path}: {}",
                        f[0].message_pl
                    );
                }
                other => panic!("{path}: {other:?}"),
            }
            let row = s
                .app
                .cap_feeds(&t)
                .unwrap()
                .into_iter()
                .find(|f| f.id == feed.id)
                .unwrap();
            assert_eq!(row.last_status.as_deref(), Some("error"), "{path}");
            assert!(row.last_error.unwrap().contains(reason), "{path}");
        }
        assert!(imported(&s).is_empty());
    }
);

both_engines!(
    the_administrator_manages_feeds_on_a_page_and_others_cannot,
    |engine| {
        let Some(dir) = references() else { return };
        let s = TestServer::start(engine);
        let site = Site::start().expect("site");
        site.put(
            "/cap/thunder.xml",
            CAP,
            reference(&dir, "oasis_spec_appendixA/v1dot2_appendix_adot2.xml"),
        );
        site.put(
            "/feed.atom",
            ATOM,
            atom(&[
                entry("e-thunder", Some("/cap/thunder.xml"), ""),
                entry("e-empty", None, ""),
            ]),
        );
        let page = "/panel/admin/alert-feeds";
        let admin = s.staff("admin@przykladowo.gov.pl");
        let r = admin.get(page);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("Nie ma jeszcze żadnego kanału"),
            "{}",
            r.body
        );

        // A bad address: 422, the field named with the fix, what was typed kept.
        let r = admin.submit(
            page,
            page,
            &[
                ("name", "IMGW"),
                ("url", "imgw.pl/cap"),
                ("every_minutes", "5"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("href=\"#url\""), "{}", r.body);
        assert!(r.body.contains("Podaj pełny adres kanału"), "{}", r.body);
        assert!(r.body.contains("value=\"imgw.pl/cap\""), "{}", r.body);
        let r = admin.submit(
            page,
            page,
            &[
                ("name", "IMGW"),
                ("url", "https://imgw.example/cap"),
                ("every_minutes", "co chwilę"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("href=\"#every_minutes\""), "{}", r.body);

        let url = format!("{}/feed.atom", site.base_url);
        let r = admin.submit(
            page,
            page,
            &[
                ("name", "Serwis testowy"),
                ("url", &url),
                ("every_minutes", "5"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let feed = s.app.cap_feeds(&s.demo_tenant).unwrap().remove(0);
        let r = admin.get(&format!("{page}?done=added"));
        assert!(
            r.body.contains("Kanał dodany") && r.body.contains(&url),
            "{}",
            r.body
        );

        // Read now: the report names what was published and the refused entry with its reason.
        let read = format!("{page}/{}/read", feed.id);
        let r = admin.submit(page, &read, &[]);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("Opublikowano nowych ostrzeżeń: 1"),
            "{}",
            r.body
        );
        assert!(r.body.contains("e-empty"), "{}", r.body);
        assert!(
            r.body.contains("nie ma ani odnośnika do pliku CAP"),
            "{}",
            r.body
        );

        // Staff who write alerts are not administrators: no page, no reading, no removing.
        let clerk = s.staff("kierownik.gk@przykladowo.gov.pl");
        assert_eq!(clerk.get(page).status, 403);
        let csrf = clerk.get("/panel").csrf();
        let r = clerk.post_form(&format!("{page}/{}/remove", feed.id), &[("csrf", &csrf)]);
        assert_eq!(r.status, 403);
        // An id that is not this municipality's feed is not found.
        let r = admin.submit(page, &format!("{page}/nie-ma-takiego/remove"), &[]);
        assert_eq!(r.status, 404);

        let r = admin.submit(page, &format!("{page}/{}/remove", feed.id), &[]);
        assert_eq!(r.status, 303);
        assert!(s.app.cap_feeds(&s.demo_tenant).unwrap().is_empty());
        // English page.
        admin.get("/lang/en?back=/");
        assert!(admin.get(page).body.contains("Minutes between readings"));
    }
);
