//! Checks of an alert a clerk composes, before it goes for approval.
//!
//! [`validate`] returns every problem at once, so the form can mark all fields in one go.
//! Each [`Issue`] names its field as a path in CAP's own element names
//! (`info[0].area[1].polygon[0]`), a stable [`Issue::code`], and messages in Polish and
//! English that say what to change.
//!
//! These are the rules for alerts *we* send, stricter than the schema: a headline fits a
//! phone's notification (160 characters), every area can be matched against residents'
//! addresses, polygons are simple rings. Alerts read from other services are not held to
//! them (see the documents crate's CAP reader).

use time::OffsetDateTime;

use super::model::{Alert, Area, Circle, MsgType, Point, Polygon, Scope, format_cap_time};
use super::sms::{MAX_PARTS, SmsTooLong, check_sms_with};

/// The longest headline, in characters: what a phone notification shows.
pub const MAX_HEADLINE_CHARS: usize = 160;
/// The largest circle radius, in kilometres: beyond this it is a typo (metres for km).
pub const MAX_RADIUS_KM: f64 = 1000.0;
/// The most points a composed polygon may have.
pub const MAX_POLYGON_POINTS: usize = 5000;

/// What is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueKind {
    EmptyIdentifier,
    /// The identifier or sender holds a space, comma, `<` or `&` (CAP forbids them).
    ForbiddenCharacters,
    EmptySender,
    /// An Alert or Update with no info block: nothing to tell residents.
    NoInfo,
    /// An Update, Cancel, Ack or Error that names no earlier message.
    ReferencesMissing {
        msg_type: MsgType,
    },
    /// Scope Restricted without `restriction`, or Private without `addresses`.
    ScopeDetailMissing {
        scope: Scope,
    },
    NoCategory,
    EmptyEvent,
    EmptyHeadline,
    HeadlineTooLong {
        chars: usize,
    },
    ExpiresNotAfterOnset {
        onset: OffsetDateTime,
        expires: OffsetDateTime,
    },
    ExpiresNotAfterSent {
        sent: OffsetDateTime,
        expires: OffsetDateTime,
    },
    /// An info block without any area: it could reach no one.
    NoArea,
    EmptyAreaDesc,
    /// An area with neither polygon, circle nor geocode.
    AreaWithoutGeometry,
    PolygonTooFewPoints {
        points: usize,
    },
    PolygonTooManyPoints {
        points: usize,
    },
    PolygonNotClosed,
    /// Two non-adjacent edges cross or touch (edges numbered from 1).
    PolygonSelfIntersecting {
        edge_a: usize,
        edge_b: usize,
    },
    LatitudeOutOfRange {
        value: f64,
    },
    LongitudeOutOfRange {
        value: f64,
    },
    CircleRadiusNotPositive {
        radius_km: f64,
    },
    CircleRadiusTooLarge {
        radius_km: f64,
    },
    /// The clerk's own SMS text is longer than [`MAX_PARTS`] parts.
    SmsTooLong(SmsTooLong),
}

/// One problem of a composed alert: where, and what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {}", self.message_en())]
pub struct Issue {
    /// The path of the field, e.g. `info[0].headline`, `info[0].area[1].polygon[0]`,
    /// `references`, `sms`.
    pub field: String,
    pub kind: IssueKind,
}

fn when(t: OffsetDateTime) -> String {
    format_cap_time(t)
}

impl Issue {
    fn new(field: impl Into<String>, kind: IssueKind) -> Self {
        Self {
            field: field.into(),
            kind,
        }
    }

    /// A stable machine-readable code for the API and the form.
    pub fn code(&self) -> &'static str {
        match &self.kind {
            IssueKind::EmptyIdentifier => "alert-identifier-empty",
            IssueKind::ForbiddenCharacters => "alert-forbidden-characters",
            IssueKind::EmptySender => "alert-sender-empty",
            IssueKind::NoInfo => "alert-no-info",
            IssueKind::ReferencesMissing { .. } => "alert-references-missing",
            IssueKind::ScopeDetailMissing { .. } => "alert-scope-detail-missing",
            IssueKind::NoCategory => "alert-no-category",
            IssueKind::EmptyEvent => "alert-event-empty",
            IssueKind::EmptyHeadline => "alert-headline-empty",
            IssueKind::HeadlineTooLong { .. } => "alert-headline-too-long",
            IssueKind::ExpiresNotAfterOnset { .. } => "alert-expires-not-after-onset",
            IssueKind::ExpiresNotAfterSent { .. } => "alert-expires-not-after-sent",
            IssueKind::NoArea => "alert-no-area",
            IssueKind::EmptyAreaDesc => "alert-area-desc-empty",
            IssueKind::AreaWithoutGeometry => "alert-area-without-geometry",
            IssueKind::PolygonTooFewPoints { .. } => "alert-polygon-too-few-points",
            IssueKind::PolygonTooManyPoints { .. } => "alert-polygon-too-many-points",
            IssueKind::PolygonNotClosed => "alert-polygon-not-closed",
            IssueKind::PolygonSelfIntersecting { .. } => "alert-polygon-self-intersecting",
            IssueKind::LatitudeOutOfRange { .. } => "alert-latitude-out-of-range",
            IssueKind::LongitudeOutOfRange { .. } => "alert-longitude-out-of-range",
            IssueKind::CircleRadiusNotPositive { .. } => "alert-circle-radius-not-positive",
            IssueKind::CircleRadiusTooLarge { .. } => "alert-circle-radius-too-large",
            IssueKind::SmsTooLong(_) => "alert-sms-too-long",
        }
    }

    /// The problem in plain Polish, with the fix.
    pub fn message_pl(&self) -> String {
        match &self.kind {
            IssueKind::EmptyIdentifier => "Brak identyfikatora komunikatu. Nadaj go (robi to system przy zapisie).".into(),
            IssueKind::ForbiddenCharacters => "Identyfikator i nadawca nie mogą zawierać spacji, przecinków ani znaków < i &. Usuń je.".into(),
            IssueKind::EmptySender => "Brak nadawcy. Wpisz adres nadawcy, np. alerty@gmina.pl.".into(),
            IssueKind::NoInfo => "Komunikat nie ma treści dla mieszkańców. Dodaj opis zdarzenia, obszar i zalecenia.".into(),
            IssueKind::ReferencesMissing { msg_type } => format!(
                "{} musi wskazywać komunikat, którego dotyczy. Wybierz wcześniejszy komunikat.",
                match msg_type {
                    MsgType::Update => "Aktualizacja",
                    MsgType::Cancel => "Odwołanie",
                    MsgType::Ack => "Potwierdzenie",
                    MsgType::Error => "Zgłoszenie błędu",
                    MsgType::Alert => "Komunikat",
                }
            ),
            IssueKind::ScopeDetailMissing { scope } => match scope {
                Scope::Private => "Komunikat prywatny wymaga listy adresatów. Wpisz adresatów albo zmień zasięg na publiczny.".into(),
                _ => "Komunikat o ograniczonym zasięgu wymaga opisu ograniczenia. Opisz, kto może go otrzymać, albo zmień zasięg na publiczny.".into(),
            },
            IssueKind::NoCategory => "Wybierz kategorię zdarzenia.".into(),
            IssueKind::EmptyEvent => "Wpisz rodzaj zdarzenia, np. „Burza z gradem”.".into(),
            IssueKind::EmptyHeadline => "Wpisz nagłówek: jedno krótkie zdanie, co się dzieje.".into(),
            IssueKind::HeadlineTooLong { chars } => format!(
                "Nagłówek ma {chars} znaków; może mieć najwyżej {MAX_HEADLINE_CHARS}. Skróć go o {} znaków, szczegóły przenieś do opisu.",
                chars - MAX_HEADLINE_CHARS
            ),
            IssueKind::ExpiresNotAfterOnset { onset, expires } => format!(
                "Koniec ważności ({}) musi być później niż początek zdarzenia ({}). Popraw jedną z dat.",
                when(*expires), when(*onset)
            ),
            IssueKind::ExpiresNotAfterSent { sent, expires } => format!(
                "Koniec ważności ({}) musi być później niż chwila wysłania ({}). Popraw datę końca.",
                when(*expires), when(*sent)
            ),
            IssueKind::NoArea => "Wskaż obszar, którego dotyczy ostrzeżenie: narysuj wielokąt, koło albo wybierz miejscowości.".into(),
            IssueKind::EmptyAreaDesc => "Opisz obszar słowami, np. „Gmina Kazimierz, sołectwa Dobra i Wola”.".into(),
            IssueKind::AreaWithoutGeometry => "Obszar nie ma granic: narysuj wielokąt, koło albo wybierz miejscowości (kod TERYT).".into(),
            IssueKind::PolygonTooFewPoints { points } => format!(
                "Wielokąt ma {points} punktów; potrzebne są co najmniej 4 (trzy wierzchołki i powrót do pierwszego). Dodaj punkty."
            ),
            IssueKind::PolygonTooManyPoints { points } => format!(
                "Wielokąt ma {points} punktów; dopuszczalne jest najwyżej {MAX_POLYGON_POINTS}. Uprość granicę."
            ),
            IssueKind::PolygonNotClosed => "Wielokąt nie jest zamknięty: ostatni punkt musi być taki sam jak pierwszy. Zamknij obrys.".into(),
            IssueKind::PolygonSelfIntersecting { edge_a, edge_b } => format!(
                "Boki {edge_a} i {edge_b} wielokąta przecinają się. Popraw obrys tak, aby granica się nie krzyżowała."
            ),
            IssueKind::LatitudeOutOfRange { value } => format!(
                "Szerokość geograficzna {value} jest poza zakresem od −90 do 90. Sprawdź, czy nie zamieniono szerokości z długością."
            ),
            IssueKind::LongitudeOutOfRange { value } => format!(
                "Długość geograficzna {value} jest poza zakresem od −180 do 180. Popraw współrzędną."
            ),
            IssueKind::CircleRadiusNotPositive { radius_km } => format!(
                "Promień koła ({radius_km} km) musi być większy od zera. Wpisz promień w kilometrach."
            ),
            IssueKind::CircleRadiusTooLarge { radius_km } => format!(
                "Promień koła ({radius_km} km) przekracza {MAX_RADIUS_KM} km. Promień podaje się w kilometrach, nie w metrach: popraw go."
            ),
            IssueKind::SmsTooLong(e) => format!(
                "Treść SMS zajmuje {} znaków GSM, więcej niż {MAX_PARTS} wiadomości. Skróć ją o {} znaków.",
                e.septets, e.cut_chars
            ),
        }
    }

    /// The problem in plain English, with the fix.
    pub fn message_en(&self) -> String {
        match &self.kind {
            IssueKind::EmptyIdentifier => "The message has no identifier. Give it one (the system does so when saving).".into(),
            IssueKind::ForbiddenCharacters => "The identifier and sender may not contain spaces, commas, < or &. Remove them.".into(),
            IssueKind::EmptySender => "No sender. Enter the sender's address, e.g. alerts@gmina.pl.".into(),
            IssueKind::NoInfo => "The message has nothing for residents. Add the event, the area and the instructions.".into(),
            IssueKind::ReferencesMissing { msg_type } => format!(
                "An {} must name the message it refers to. Choose the earlier message.",
                msg_type.as_str()
            ),
            IssueKind::ScopeDetailMissing { scope } => match scope {
                Scope::Private => "A private message needs its addressees. Enter them or make the scope public.".into(),
                _ => "A restricted message needs a description of the restriction. Describe who may receive it or make the scope public.".into(),
            },
            IssueKind::NoCategory => "Choose the event's category.".into(),
            IssueKind::EmptyEvent => "Enter the kind of event, e.g. “Thunderstorm with hail”.".into(),
            IssueKind::EmptyHeadline => "Enter a headline: one short sentence saying what is happening.".into(),
            IssueKind::HeadlineTooLong { chars } => format!(
                "The headline has {chars} characters; at most {MAX_HEADLINE_CHARS} are allowed. Cut {} characters and move details to the description.",
                chars - MAX_HEADLINE_CHARS
            ),
            IssueKind::ExpiresNotAfterOnset { onset, expires } => format!(
                "The expiry ({}) must be later than the onset ({}). Correct one of the dates.",
                when(*expires), when(*onset)
            ),
            IssueKind::ExpiresNotAfterSent { sent, expires } => format!(
                "The expiry ({}) must be later than the time sent ({}). Correct the expiry.",
                when(*expires), when(*sent)
            ),
            IssueKind::NoArea => "Give the area the warning is for: draw a polygon or a circle, or choose places.".into(),
            IssueKind::EmptyAreaDesc => "Describe the area in words, e.g. “Gmina Kazimierz, villages Dobra and Wola”.".into(),
            IssueKind::AreaWithoutGeometry => "The area has no boundary: draw a polygon or a circle, or choose places (TERYT code).".into(),
            IssueKind::PolygonTooFewPoints { points } => format!(
                "The polygon has {points} points; at least 4 are needed (three corners and back to the first). Add points."
            ),
            IssueKind::PolygonTooManyPoints { points } => format!(
                "The polygon has {points} points; at most {MAX_POLYGON_POINTS} are allowed. Simplify the boundary."
            ),
            IssueKind::PolygonNotClosed => "The polygon is not closed: its last point must equal the first. Close the outline.".into(),
            IssueKind::PolygonSelfIntersecting { edge_a, edge_b } => format!(
                "Edges {edge_a} and {edge_b} of the polygon cross. Redraw the outline so that it does not cross itself."
            ),
            IssueKind::LatitudeOutOfRange { value } => format!(
                "Latitude {value} is outside −90 to 90. Check that latitude and longitude are not swapped."
            ),
            IssueKind::LongitudeOutOfRange { value } => format!(
                "Longitude {value} is outside −180 to 180. Correct the coordinate."
            ),
            IssueKind::CircleRadiusNotPositive { radius_km } => format!(
                "The circle's radius ({radius_km} km) must be greater than zero. Enter the radius in kilometres."
            ),
            IssueKind::CircleRadiusTooLarge { radius_km } => format!(
                "The circle's radius ({radius_km} km) exceeds {MAX_RADIUS_KM} km. The radius is in kilometres, not metres: correct it."
            ),
            IssueKind::SmsTooLong(e) => format!(
                "The SMS text takes {} GSM characters, more than {MAX_PARTS} messages. Cut {} characters.",
                e.septets, e.cut_chars
            ),
        }
    }
}

/// Checks a composed alert; every problem found, or `Ok`.
pub fn validate(alert: &Alert) -> Result<(), Vec<Issue>> {
    let issues = issues(alert, None);
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

/// [`validate`], and the clerk's own SMS text (field `sms`) followed by `suffix` (the
/// unsubscribe link every copy ends with) must fit [`MAX_PARTS`] parts.
pub fn validate_with_sms(alert: &Alert, sms_text: &str, suffix: &str) -> Result<(), Vec<Issue>> {
    let issues = issues(alert, Some((sms_text, suffix)));
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

fn issues(alert: &Alert, sms_text: Option<(&str, &str)>) -> Vec<Issue> {
    let mut out = Vec::new();
    let forbidden =
        |s: &str| s.contains(|c: char| c.is_whitespace() || matches!(c, ',' | '<' | '&'));
    if alert.identifier.trim().is_empty() {
        out.push(Issue::new("identifier", IssueKind::EmptyIdentifier));
    } else if forbidden(&alert.identifier) {
        out.push(Issue::new("identifier", IssueKind::ForbiddenCharacters));
    }
    if alert.sender.trim().is_empty() {
        out.push(Issue::new("sender", IssueKind::EmptySender));
    } else if forbidden(&alert.sender) {
        out.push(Issue::new("sender", IssueKind::ForbiddenCharacters));
    }
    match alert.scope {
        Scope::Restricted if blank(&alert.restriction) => out.push(Issue::new(
            "restriction",
            IssueKind::ScopeDetailMissing { scope: alert.scope },
        )),
        Scope::Private if blank(&alert.addresses) => out.push(Issue::new(
            "addresses",
            IssueKind::ScopeDetailMissing { scope: alert.scope },
        )),
        _ => {}
    }
    if alert.msg_type != MsgType::Alert && alert.references.is_empty() {
        out.push(Issue::new(
            "references",
            IssueKind::ReferencesMissing {
                msg_type: alert.msg_type,
            },
        ));
    }
    if alert.infos.is_empty() && matches!(alert.msg_type, MsgType::Alert | MsgType::Update) {
        out.push(Issue::new("info", IssueKind::NoInfo));
    }
    for (i, info) in alert.infos.iter().enumerate() {
        let at = |field: &str| format!("info[{i}].{field}");
        if info.categories.is_empty() {
            out.push(Issue::new(at("category"), IssueKind::NoCategory));
        }
        if info.event.trim().is_empty() {
            out.push(Issue::new(at("event"), IssueKind::EmptyEvent));
        }
        match info.headline.as_deref().map(str::trim) {
            None | Some("") => out.push(Issue::new(at("headline"), IssueKind::EmptyHeadline)),
            Some(headline) => {
                let chars = headline.chars().count();
                if chars > MAX_HEADLINE_CHARS {
                    out.push(Issue::new(
                        at("headline"),
                        IssueKind::HeadlineTooLong { chars },
                    ));
                }
            }
        }
        if let Some(expires) = info.expires {
            if let Some(onset) = info.onset {
                if expires <= onset {
                    out.push(Issue::new(
                        at("expires"),
                        IssueKind::ExpiresNotAfterOnset { onset, expires },
                    ));
                }
            } else if expires <= alert.sent {
                out.push(Issue::new(
                    at("expires"),
                    IssueKind::ExpiresNotAfterSent {
                        sent: alert.sent,
                        expires,
                    },
                ));
            }
        }
        if info.areas.is_empty() && alert.msg_type != MsgType::Cancel {
            out.push(Issue::new(at("area"), IssueKind::NoArea));
        }
        for (a, area) in info.areas.iter().enumerate() {
            check_area(&format!("info[{i}].area[{a}]"), area, &mut out);
        }
    }
    if let Some((text, suffix)) = sms_text
        && let Err(e) = check_sms_with(text, suffix)
    {
        out.push(Issue::new("sms", IssueKind::SmsTooLong(e)));
    }
    out
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

fn check_area(at: &str, area: &Area, out: &mut Vec<Issue>) {
    if area.area_desc.trim().is_empty() {
        out.push(Issue::new(
            format!("{at}.areaDesc"),
            IssueKind::EmptyAreaDesc,
        ));
    }
    if area.polygons.is_empty() && area.circles.is_empty() && area.geocodes.is_empty() {
        out.push(Issue::new(at, IssueKind::AreaWithoutGeometry));
    }
    for (p, polygon) in area.polygons.iter().enumerate() {
        check_polygon(&format!("{at}.polygon[{p}]"), polygon, out);
    }
    for (c, circle) in area.circles.iter().enumerate() {
        check_circle(&format!("{at}.circle[{c}]"), circle, out);
    }
}

/// Latitude and longitude in range; pushes an issue for each bad one. NaN is out of range.
fn check_point(at: &str, lat: f64, lon: f64, out: &mut Vec<Issue>) -> bool {
    let mut ok = true;
    if !(-90.0..=90.0).contains(&lat) {
        out.push(Issue::new(at, IssueKind::LatitudeOutOfRange { value: lat }));
        ok = false;
    }
    if !(-180.0..=180.0).contains(&lon) {
        out.push(Issue::new(
            at,
            IssueKind::LongitudeOutOfRange { value: lon },
        ));
        ok = false;
    }
    ok
}

fn check_polygon(at: &str, polygon: &Polygon, out: &mut Vec<Issue>) {
    let points = &polygon.points;
    let mut ok = true;
    if points.len() < 4 {
        out.push(Issue::new(
            at,
            IssueKind::PolygonTooFewPoints {
                points: points.len(),
            },
        ));
        ok = false;
    }
    if points.len() > MAX_POLYGON_POINTS {
        out.push(Issue::new(
            at,
            IssueKind::PolygonTooManyPoints {
                points: points.len(),
            },
        ));
        // Too many to check for crossings, and the clerk must simplify it anyway.
        return;
    }
    if let (Some(first), Some(last)) = (points.first(), points.last())
        && points.len() > 1
        && first != last
    {
        out.push(Issue::new(at, IssueKind::PolygonNotClosed));
        ok = false;
    }
    // One issue per bad coordinate value, not per point: a swapped polygon would flood.
    let mut bad_lat = false;
    let mut bad_lon = false;
    for point in points {
        if !bad_lat && !(-90.0..=90.0).contains(&point.lat) {
            out.push(Issue::new(
                at,
                IssueKind::LatitudeOutOfRange { value: point.lat },
            ));
            bad_lat = true;
        }
        if !bad_lon && !(-180.0..=180.0).contains(&point.lon) {
            out.push(Issue::new(
                at,
                IssueKind::LongitudeOutOfRange { value: point.lon },
            ));
            bad_lon = true;
        }
    }
    if ok
        && !bad_lat
        && !bad_lon
        && let Some((a, b)) = first_crossing(points)
    {
        out.push(Issue::new(
            at,
            IssueKind::PolygonSelfIntersecting {
                edge_a: a + 1,
                edge_b: b + 1,
            },
        ));
    }
}

fn check_circle(at: &str, circle: &Circle, out: &mut Vec<Issue>) {
    check_point(at, circle.center.lat, circle.center.lon, out);
    let r = circle.radius_km;
    if r.is_nan() || r <= 0.0 {
        out.push(Issue::new(
            at,
            IssueKind::CircleRadiusNotPositive { radius_km: r },
        ));
    } else if r > MAX_RADIUS_KM {
        out.push(Issue::new(
            at,
            IssueKind::CircleRadiusTooLarge { radius_km: r },
        ));
    }
}

/// The first pair of non-adjacent edges (0-based) of a closed ring that cross or touch.
/// Quadratic, which [`MAX_POLYGON_POINTS`] keeps to a few milliseconds.
fn first_crossing(ring: &[Point]) -> Option<(usize, usize)> {
    let edges = ring.len().checked_sub(1)?;
    for i in 0..edges {
        for j in (i + 2)..edges {
            if i == 0 && j == edges - 1 {
                continue; // the closing edge shares the first point
            }
            if segments_intersect(ring[i], ring[i + 1], ring[j], ring[j + 1]) {
                return Some((i, j));
            }
        }
    }
    None
}

fn orientation(a: Point, b: Point, c: Point) -> i8 {
    let cross = (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
    if cross > 0.0 {
        1
    } else if cross < 0.0 {
        -1
    } else {
        0
    }
}

/// Whether `c` lies within the bounding box of `a`–`b` (for collinear points).
fn within(a: Point, b: Point, c: Point) -> bool {
    c.lon >= a.lon.min(b.lon)
        && c.lon <= a.lon.max(b.lon)
        && c.lat >= a.lat.min(b.lat)
        && c.lat <= a.lat.max(b.lat)
}

fn segments_intersect(p1: Point, p2: Point, q1: Point, q2: Point) -> bool {
    let (o1, o2) = (orientation(p1, p2, q1), orientation(p1, p2, q2));
    let (o3, o4) = (orientation(q1, q2, p1), orientation(q1, q2, p2));
    if o1 != o2 && o3 != o4 && o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
        return true;
    }
    (o1 == 0 && within(p1, p2, q1))
        || (o2 == 0 && within(p1, p2, q2))
        || (o3 == 0 && within(q1, q2, p1))
        || (o4 == 0 && within(q1, q2, p2))
}

#[cfg(test)]
mod tests;
