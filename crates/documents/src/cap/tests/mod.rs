//! The CAP writer against the OASIS schema (with `xmllint`), the reader against every
//! reference file in `shared/ref/cap/examples`, and the reader under random bytes.

mod atom;
mod examples;
mod fuzz;
mod writer;

use std::path::PathBuf;

use ratusz_core::alerts::{
    Alert, Area, Category, Certainty, Circle, Info, MsgType, NamedValue, Point, Polygon, Reference,
    Resource, ResponseType, Severity, Template, Urgency,
};
use time::macros::datetime;

/// `shared/ref/cap` beside the repository, if it is there.
fn cap_reference_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ref/cap");
    dir.is_dir().then_some(dir)
}

/// Whether CI runs the tests: then a missing tool or reference folder is a failure.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The reference folder, or `None` after a printed notice (a failure in CI).
fn reference_dir_or_skip(test: &str) -> Option<PathBuf> {
    match cap_reference_dir() {
        Some(dir) => Some(dir),
        None if in_ci() => panic!("{test}: shared/ref/cap is missing beside the repository"),
        None => {
            eprintln!("{test}: skipped, shared/ref/cap is not beside the repository");
            None
        }
    }
}

/// A storm warning for two villages, drawn as a polygon, in Polish.
fn storm_alert() -> Alert {
    let mut alert = Alert::new(
        "PL-KAZ-2026-0001",
        "alerty@kazimierz.gmina.pl",
        datetime!(2026-11-24 13:05:00 +01:00),
    );
    let mut info = Template::Storm.info();
    info.onset = Some(datetime!(2026-11-24 14:00:00 +01:00));
    info.expires = Some(datetime!(2026-11-24 22:00:00 +01:00));
    info.sender_name = Some("Wójt Gminy Kazimierz".into());
    info.description = Some(
        "IMGW-PIB ostrzega przed burzami z opadami do 40 mm, wiatrem do 90 km/h i gradem. \
         Znaki „<” i „&” muszą być escapowane."
            .into(),
    );
    info.web = Some("https://kazimierz.gmina.pl/alerty/PL-KAZ-2026-0001".into());
    info.contact = Some("Gminne Centrum Zarządzania Kryzysowego, tel. 12 345 67 89".into());
    info.parameters
        .push(NamedValue::new("awareness_level", "3; orange; Severe"));
    let mut area = Area::new("Gmina Kazimierz: sołectwa Dobra i Wola");
    area.polygons.push(Polygon::new(vec![
        Point::new(50.05, 19.9),
        Point::new(50.05, 20.0),
        Point::new(50.1, 20.0),
        Point::new(50.1, 19.9),
        Point::new(50.05, 19.9),
    ]));
    area.geocodes.push(NamedValue::new("TERYT", "1206032"));
    info.areas.push(area);
    alert.infos.push(info);
    alert
}

/// A water outage around a pumping station, as a circle, with an English twin.
fn circle_alert() -> Alert {
    let mut alert = Alert::new(
        "PL-KAZ-2026-0002",
        "alerty@kazimierz.gmina.pl",
        datetime!(2026-07-01 06:00:00 UTC),
    );
    let mut info = Template::WaterOutage.info();
    let mut area = Area::new("Os. Słoneczne, 1,5 km od hydroforni");
    area.circles
        .push(Circle::new(Point::new(50.0612, 19.9383), 1.5));
    area.altitude = Some(650.0);
    area.ceiling = Some(1200.5);
    info.areas.push(area.clone());
    info.resources.push(Resource {
        resource_desc: "Mapa przerwy".into(),
        mime_type: "image/png".into(),
        size: Some(12345),
        uri: Some("https://kazimierz.gmina.pl/alerty/mapa.png".into()),
        deref_uri: None,
        digest: Some("b2fdc4f478c30b5245579853366923ccfb666ab5".into()),
    });
    alert.infos.push(info);
    let mut english = Info::new(
        Category::Infra,
        "Water outage",
        Urgency::Expected,
        Severity::Minor,
        Certainty::Observed,
    );
    english.language = Some("en-GB".into());
    english.response_types = vec![ResponseType::Prepare, ResponseType::Monitor];
    english.headline = Some("Water outage".into());
    english.areas.push(area);
    alert.infos.push(english);
    alert.codes = vec!["ratusz".into(), "test-code".into()];
    alert.note = Some("Przerwa planowana".into());
    alert.source = Some("Wodociągi Kazimierz".into());
    alert
}

/// An update of the storm warning: longer, referencing the first.
fn update_alert() -> Alert {
    let first = storm_alert();
    let mut alert = storm_alert();
    alert.identifier = "PL-KAZ-2026-0003".into();
    alert.msg_type = MsgType::Update;
    alert.sent = datetime!(2026-11-24 15:30:00 +01:00);
    alert.references = vec![
        Reference::to(&first),
        Reference {
            sender: "ostrzezenia@imgw.pl".into(),
            identifier: "2.49.0.0.616.0.PL.241126.1".into(),
            sent: datetime!(2026-11-24 11:00:00 UTC),
        },
    ];
    alert.incidents = Some("burza-2026-11-24".into());
    alert.infos[0].expires = Some(datetime!(2026-11-25 02:00:00 +01:00));
    alert
}

/// The cancellation of the storm warning: no info block.
fn cancel_alert() -> Alert {
    let first = storm_alert();
    let mut alert = Alert::new(
        "PL-KAZ-2026-0004",
        "alerty@kazimierz.gmina.pl",
        datetime!(2026-11-24 18:00:00 +01:00),
    );
    alert.msg_type = MsgType::Cancel;
    alert.references = vec![Reference::to(&first)];
    alert.note = Some("Zagrożenie minęło.".into());
    alert
}

fn samples() -> Vec<(&'static str, Alert)> {
    vec![
        ("storm-polygon", storm_alert()),
        ("water-circle", circle_alert()),
        ("update", update_alert()),
        ("cancel", cancel_alert()),
    ]
}
