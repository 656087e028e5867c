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
