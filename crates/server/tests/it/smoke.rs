//! The demo staff sign-in and an admin creating a unit, over HTTP.

use crate::both_engines;
use crate::support::*;

both_engines!(admin_signs_in_with_totp_and_creates_a_unit, |engine| {
    let srv = TestServer::start(engine);
    let admin = srv.staff("admin@przykladowo.gov.pl");
    let r = admin.get("/panel/admin/units");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Wydział Gospodarki Komunalnej"));
    let r = admin.submit(
        "/panel/admin/units",
        "/panel/admin/units",
        &[("symbol", "RG"), ("name", "Referat Geodezji")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.get("/panel/admin/units");
    assert!(r.body.contains("Referat Geodezji"));
    let units = srv.app.units(&srv.demo_tenant).unwrap();
    assert!(units.iter().any(|u| u.symbol == "RG"));
    let events = srv.app.audit_events(&srv.demo_tenant, 10, None).unwrap();
    assert!(events.iter().any(|e| e.action == "unit.create"));
    assert!(events.iter().any(|e| e.action == "auth.sign_in"));
});

both_engines!(
    the_audit_page_names_actions_pages_back_and_verifies_on_request,
    |engine| {
        let srv = TestServer::start(engine);
        let admin = srv.staff("admin@przykladowo.gov.pl");
        let page = admin.get("/panel/admin/audit");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Zalogowanie"), "actions in plain words");
        assert!(page.body.contains("auth.sign_in"), "and their codes");
        assert!(
            !page.body.contains("Dziennik jest nienaruszony"),
            "no full walk unless asked"
        );
        let (count, hash) = srv.app.audit_head(&srv.demo_tenant).unwrap();
        assert!(page.body.contains(&hash));
        let page = admin.get("/panel/admin/audit?verify=1");
        assert!(
            page.body
                .contains(&format!("Dziennik jest nienaruszony: {count} zdarzeń")),
            "{}",
            page.body
        );
        // The demo has more than 100 events? Page back from a sequence number either way.
        let page = admin.get("/panel/admin/audit?before=3");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<td>2</td>") && page.body.contains("<td>1</td>"));
        assert!(!page.body.contains("<td>3</td>"));
    }
);
