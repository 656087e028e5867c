use time::macros::datetime;

use super::*;
use crate::alerts::model::{Category, Certainty, Info, NamedValue, Reference, Severity, Urgency};

fn ring(points: &[(f64, f64)]) -> Polygon {
    Polygon::new(
        points
            .iter()
            .map(|&(lat, lon)| Point::new(lat, lon))
            .collect(),
    )
}

fn square() -> Polygon {
    ring(&[
        (50.0, 19.0),
        (50.0, 20.0),
        (51.0, 20.0),
        (51.0, 19.0),
        (50.0, 19.0),
    ])
}

fn good_alert() -> Alert {
    let mut alert = Alert::new(
        "PL-KAZ-2026-0001",
        "alerty@kazimierz.gmina.pl",
        datetime!(2026-11-24 13:00 +01:00),
    );
    let mut info = Info::new(
        Category::Met,
        "Burza z gradem",
        Urgency::Expected,
        Severity::Severe,
        Certainty::Likely,
    );
    info.headline = Some("Ostrzeżenie przed burzą z gradem".into());
    info.onset = Some(datetime!(2026-11-24 14:00 +01:00));
    info.expires = Some(datetime!(2026-11-24 22:00 +01:00));
    let mut area = Area::new("Gmina Kazimierz");
    area.polygons.push(square());
    info.areas.push(area);
    alert.infos.push(info);
    alert
}

fn codes(alert: &Alert) -> Vec<(String, &'static str)> {
    match validate(alert) {
        Ok(()) => Vec::new(),
        Err(issues) => issues.iter().map(|i| (i.field.clone(), i.code())).collect(),
    }
}

fn has(alert: &Alert, field: &str, code: &str) -> bool {
    codes(alert).iter().any(|(f, c)| f == field && *c == code)
}

#[test]
fn a_good_alert_passes() {
    assert_eq!(validate(&good_alert()), Ok(()));
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut alert = good_alert();
    alert.msg_type = MsgType::Update;
    let info = &mut alert.infos[0];
    info.event = " ".into();
    info.headline = Some("x".repeat(170));
    info.expires = info.onset;
    info.areas[0].polygons[0] = ring(&[(50.0, 19.0), (50.0, 20.0), (51.0, 20.0)]);
    info.areas[0]
        .circles
        .push(Circle::new(Point::new(50.0, 19.0), 0.0));
    let found = codes(&alert);
    let expected = [
        ("references", "alert-references-missing"),
        ("info[0].event", "alert-event-empty"),
        ("info[0].headline", "alert-headline-too-long"),
        ("info[0].expires", "alert-expires-not-after-onset"),
        ("info[0].area[0].polygon[0]", "alert-polygon-too-few-points"),
        ("info[0].area[0].polygon[0]", "alert-polygon-not-closed"),
        (
            "info[0].area[0].circle[0]",
            "alert-circle-radius-not-positive",
        ),
    ];
    for (field, code) in expected {
        assert!(
            found.iter().any(|(f, c)| f == field && *c == code),
            "{field} {code} missing in {found:?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:?}");
}

#[test]
fn expiry_before_onset_names_both_times() {
    let mut alert = good_alert();
    alert.infos[0].expires = Some(datetime!(2026-11-24 12:00 +01:00));
    let issues = validate(&alert).expect_err("invalid");
    assert_eq!(issues[0].code(), "alert-expires-not-after-onset");
    assert!(issues[0].message_pl().contains("2026-11-24T12:00:00+01:00"));
    assert!(issues[0].message_pl().contains("2026-11-24T14:00:00+01:00"));
    assert!(issues[0].message_en().contains("later than the onset"));
}

#[test]
fn expiry_without_onset_is_compared_with_sent() {
    let mut alert = good_alert();
    alert.infos[0].onset = None;
    alert.infos[0].expires = Some(datetime!(2026-11-24 12:00 +01:00));
    assert!(has(
        &alert,
        "info[0].expires",
        "alert-expires-not-after-sent"
    ));
}

#[test]
fn empty_headline_and_event() {
    let mut alert = good_alert();
    alert.infos[0].headline = None;
    alert.infos[0].event = String::new();
    assert!(has(&alert, "info[0].headline", "alert-headline-empty"));
    assert!(has(&alert, "info[0].event", "alert-event-empty"));
    alert.infos[0].headline = Some("  ".into());
    assert!(has(&alert, "info[0].headline", "alert-headline-empty"));
}

#[test]
fn headline_of_160_characters_is_fine_161_is_not_and_the_message_says_how_many_to_cut() {
    let mut alert = good_alert();
    alert.infos[0].headline = Some("ż".repeat(160));
    assert_eq!(validate(&alert), Ok(()));
    alert.infos[0].headline = Some("ż".repeat(165));
    let issues = validate(&alert).expect_err("too long");
    assert_eq!(issues[0].code(), "alert-headline-too-long");
    assert!(
        issues[0].message_pl().contains("o 5 znaków"),
        "{}",
        issues[0].message_pl()
    );
    assert!(issues[0].message_en().contains("Cut 5 characters"));
}

#[test]
fn polygon_coordinates_out_of_range() {
    let mut alert = good_alert();
    alert.infos[0].areas[0].polygons[0] =
        ring(&[(95.0, 19.0), (50.0, 200.0), (51.0, 20.0), (95.0, 19.0)]);
    let found = codes(&alert);
    assert!(found.contains(&(
        "info[0].area[0].polygon[0]".into(),
        "alert-latitude-out-of-range"
    )));
    assert!(found.contains(&(
        "info[0].area[0].polygon[0]".into(),
        "alert-longitude-out-of-range"
    )));
    assert_eq!(found.len(), 2, "{found:?}");
    alert.infos[0].areas[0].polygons[0] = ring(&[
        (f64::NAN, 19.0),
        (50.0, 20.0),
        (51.0, 20.0),
        (f64::NAN, 19.0),
    ]);
    assert!(has(
        &alert,
        "info[0].area[0].polygon[0]",
        "alert-latitude-out-of-range"
    ));
}

#[test]
fn bow_tie_polygon_is_self_intersecting() {
    let mut alert = good_alert();
    // 50,19 → 51,20 → 50,20 → 51,19 → back: edges 1 and 3 cross.
    alert.infos[0].areas[0].polygons[0] = ring(&[
        (50.0, 19.0),
        (51.0, 20.0),
        (50.0, 20.0),
        (51.0, 19.0),
        (50.0, 19.0),
    ]);
    let issues = validate(&alert).expect_err("bow tie");
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].kind,
        IssueKind::PolygonSelfIntersecting {
            edge_a: 1,
            edge_b: 3
        }
    );
}

#[test]
fn touching_and_concave_polygons() {
    let mut alert = good_alert();
    // A concave "U" is a valid simple polygon.
    alert.infos[0].areas[0].polygons[0] = ring(&[
        (0.0, 0.0),
        (0.0, 3.0),
        (3.0, 3.0),
        (3.0, 2.0),
        (1.0, 2.0),
        (1.0, 1.0),
        (3.0, 1.0),
        (3.0, 0.0),
        (0.0, 0.0),
    ]);
    assert_eq!(validate(&alert), Ok(()));
    // A vertex that touches a non-adjacent edge (a pinched ring) is refused.
    alert.infos[0].areas[0].polygons[0] = ring(&[
        (0.0, 0.0),
        (0.0, 4.0),
        (2.0, 2.0),
        (4.0, 4.0),
        (4.0, 0.0),
        (2.0, 2.0),
        (0.0, 0.0),
    ]);
    assert!(has(
        &alert,
        "info[0].area[0].polygon[0]",
        "alert-polygon-self-intersecting"
    ));
}

#[test]
fn circle_radius_limits() {
    let mut alert = good_alert();
    let area = &mut alert.infos[0].areas[0];
    area.polygons.clear();
    area.circles.push(Circle::new(Point::new(50.0, 19.0), 5.0));
    assert_eq!(validate(&alert), Ok(()));
    alert.infos[0].areas[0].circles[0].radius_km = -1.0;
    assert!(has(
        &alert,
        "info[0].area[0].circle[0]",
        "alert-circle-radius-not-positive"
    ));
    alert.infos[0].areas[0].circles[0].radius_km = 5000.0;
    assert!(has(
        &alert,
        "info[0].area[0].circle[0]",
        "alert-circle-radius-too-large"
    ));
    alert.infos[0].areas[0].circles[0].radius_km = 1000.0;
    assert_eq!(validate(&alert), Ok(()));
    alert.infos[0].areas[0].circles[0].center = Point::new(50.0, 190.0);
    assert!(has(
        &alert,
        "info[0].area[0].circle[0]",
        "alert-longitude-out-of-range"
    ));
}

#[test]
fn area_needs_a_polygon_circle_or_geocode() {
    let mut alert = good_alert();
    alert.infos[0].areas[0].polygons.clear();
    assert!(has(
        &alert,
        "info[0].area[0]",
        "alert-area-without-geometry"
    ));
    alert.infos[0].areas[0]
        .geocodes
        .push(NamedValue::new("TERYT", "1206032"));
    assert_eq!(validate(&alert), Ok(()));
    alert.infos[0].areas.clear();
    assert!(has(&alert, "info[0].area", "alert-no-area"));
}

#[test]
fn update_and_cancel_need_references() {
    let original = good_alert();
    for msg_type in [MsgType::Update, MsgType::Cancel] {
        let mut alert = good_alert();
        alert.identifier = "PL-KAZ-2026-0002".into();
        alert.msg_type = msg_type;
        let issues = validate(&alert).expect_err("no references");
        assert_eq!(issues[0].code(), "alert-references-missing");
        assert!(!issues[0].message_pl().is_empty());
        alert.references.push(Reference::to(&original));
        assert_eq!(validate(&alert), Ok(()), "{msg_type}");
    }
    // A Cancel may carry no info at all.
    let mut cancel = Alert::new(
        "PL-KAZ-2026-0003",
        "alerty@kazimierz.gmina.pl",
        original.sent,
    );
    cancel.msg_type = MsgType::Cancel;
    cancel.references.push(Reference::to(&original));
    assert_eq!(validate(&cancel), Ok(()));
    cancel.msg_type = MsgType::Alert;
    cancel.references.clear();
    assert!(has(&cancel, "info", "alert-no-info"));
}

#[test]
fn identifier_and_sender_rules() {
    let mut alert = good_alert();
    alert.identifier = "PL 1".into();
    alert.sender = String::new();
    assert!(has(&alert, "identifier", "alert-forbidden-characters"));
    assert!(has(&alert, "sender", "alert-sender-empty"));
}

#[test]
fn clerk_sms_too_long_says_how_many_characters_to_cut() {
    let alert = good_alert();
    assert_eq!(
        validate_with_sms(&alert, "Burza. Zostań w domu.", ""),
        Ok(())
    );
    let issues = validate_with_sms(&alert, &"ą".repeat(310), "").expect_err("too long");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].field, "sms");
    assert_eq!(issues[0].code(), "alert-sms-too-long");
    assert!(
        issues[0].message_pl().contains("Skróć ją o 4 znaków"),
        "{}",
        issues[0].message_pl()
    );
    assert!(issues[0].message_en().contains("Cut 4 characters"));
}

#[test]
fn every_issue_has_distinct_messages_in_both_languages() {
    let mut alert = good_alert();
    alert.scope = Scope::Private;
    alert.infos[0].categories.clear();
    alert.infos[0].areas[0].area_desc = String::new();
    let issues = validate(&alert).expect_err("invalid");
    assert!(has(&alert, "addresses", "alert-scope-detail-missing"));
    assert!(has(&alert, "info[0].category", "alert-no-category"));
    assert!(has(
        &alert,
        "info[0].area[0].areaDesc",
        "alert-area-desc-empty"
    ));
    for issue in issues {
        assert_ne!(issue.message_pl(), issue.message_en());
        assert!(issue.to_string().starts_with(&issue.field));
    }
}
