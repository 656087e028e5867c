//! The CAP 1.2 message as Rust types, one field per schema element, in schema order.
//!
//! Names follow the OASIS schema (`CAP-v1.2.xsd`) in snake case; an element that may repeat
//! is a `Vec` with a plural name (`codes`, `infos`, `areas`), an optional one an `Option`.
//! An optional text element that is present but empty (`<note></note>`, common in real
//! feeds) is the same as an absent one: `None`.
//!
//! Times are [`OffsetDateTime`]s. CAP writes them as `2026-11-24T14:00:00+01:00`: always an
//! offset, never `Z`, no fractional seconds ([`format_cap_time`]). The offset the clerk's
//! alert was written with is kept, so residents see local time.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Declares a CAP enumeration: the variants, their schema spelling, `ALL`, `as_str` and `parse`.
macro_rules! cap_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as the schema spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value with exactly this schema spelling (surrounding white space ignored).
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

cap_enum! {
    /// `status`: how the message is to be handled.
    Status {
        /// Actionable by all targeted recipients.
        Actual => "Actual",
        /// Only for the designated participants of an exercise.
        Exercise => "Exercise",
        /// Messages supporting the alert network's internal functions.
        System => "System",
        /// Technical testing only; all recipients disregard it.
        Test => "Test",
        /// A preliminary template or draft, not actionable in its current form.
        Draft => "Draft",
    }
}

cap_enum! {
    /// `msgType`: what the message does.
    MsgType {
        /// Initial information requiring attention.
        Alert => "Alert",
        /// Updates and supersedes the earlier messages in `references`.
        Update => "Update",
        /// Cancels the earlier messages in `references`.
        Cancel => "Cancel",
        /// Acknowledges receipt of the messages in `references`.
        Ack => "Ack",
        /// Rejects the messages in `references`.
        Error => "Error",
    }
}

cap_enum! {
    /// `scope`: who may receive the message.
    Scope {
        Public => "Public",
        Restricted => "Restricted",
        Private => "Private",
    }
}

cap_enum! {
    /// `category`: the kind of event.
    Category {
        /// Geophysical (including landslide).
        Geo => "Geo",
        /// Meteorological (including flood).
        Met => "Met",
        /// General emergency and public safety.
        Safety => "Safety",
        /// Law enforcement, military, homeland and local/private security.
        Security => "Security",
        /// Rescue and recovery.
        Rescue => "Rescue",
        /// Fire suppression and rescue.
        Fire => "Fire",
        /// Medical and public health.
        Health => "Health",
        /// Pollution and other environmental.
        Env => "Env",
        /// Public and private transportation.
        Transport => "Transport",
        /// Utility, telecommunication, other non-transport infrastructure.
        Infra => "Infra",
        /// Chemical, biological, radiological, nuclear or high-yield explosive threat or attack.
        Cbrne => "CBRNE",
        /// Other events.
        Other => "Other",
    }
}

cap_enum! {
    /// `responseType`: the action recommended to the audience.
    ResponseType {
        Shelter => "Shelter",
        Evacuate => "Evacuate",
        Prepare => "Prepare",
        Execute => "Execute",
        Avoid => "Avoid",
        Monitor => "Monitor",
        Assess => "Assess",
        AllClear => "AllClear",
        None => "None",
    }
}

cap_enum! {
    /// `urgency`: the time available to prepare.
    Urgency {
        /// Responsive action should be taken immediately.
        Immediate => "Immediate",
        /// Within the next hour.
        Expected => "Expected",
        /// In the near future.
        Future => "Future",
        /// No longer required.
        Past => "Past",
        Unknown => "Unknown",
    }
}

cap_enum! {
    /// `severity`: the intensity of impact.
    Severity {
        /// Extraordinary threat to life or property.
        Extreme => "Extreme",
        /// Significant threat to life or property.
        Severe => "Severe",
        /// Possible threat to life or property.
        Moderate => "Moderate",
        /// Minimal to no known threat to life or property.
        Minor => "Minor",
        Unknown => "Unknown",
    }
}

cap_enum! {
    /// `certainty`: how sure the sender is. (CAP 1.0's "Very Likely" reads as `Likely`.)
    Certainty {
        /// Determined to have occurred or to be ongoing.
        Observed => "Observed",
        /// Probability above ~50 %.
        Likely => "Likely",
        /// Possible but not likely (≤ ~50 %).
        Possible => "Possible",
        /// Not expected to occur (~0 %).
        Unlikely => "Unlikely",
        Unknown => "Unknown",
    }
}

/// A `valueName`/`value` pair: `eventCode`, `parameter`, `geocode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedValue {
    pub value_name: String,
    pub value: String,
}

impl NamedValue {
    pub fn new(value_name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            value_name: value_name.into(),
            value: value.into(),
        }
    }
}

/// One earlier message an Update, Cancel, Ack or Error refers to: CAP writes each as
/// `sender,identifier,sent`, separated by spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub sender: String,
    pub identifier: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent: OffsetDateTime,
}

impl Reference {
    /// The reference to an alert (its sender, identifier and sent time).
    pub fn to(alert: &Alert) -> Self {
        Self {
            sender: alert.sender.clone(),
            identifier: alert.identifier.clone(),
            sent: alert.sent,
        }
    }

    /// `sender,identifier,sent` as CAP writes it.
    pub fn to_cap(&self) -> String {
        format!(
            "{},{},{}",
            self.sender,
            self.identifier,
            format_cap_time(self.sent)
        )
    }

    /// One `sender,identifier,sent` triple. Neither sender nor identifier may contain a comma
    /// or white space (CAP forbids it), so the split is unambiguous.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split(',');
        let sender = parts.next()?.trim();
        let identifier = parts.next()?.trim();
        let sent = parse_cap_time(parts.next()?)?;
        if parts.next().is_some() || sender.is_empty() || identifier.is_empty() {
            return None;
        }
        Some(Self {
            sender: sender.to_owned(),
            identifier: identifier.to_owned(),
            sent,
        })
    }

    /// The space-separated list of a `references` element; `None` if any triple is malformed.
    pub fn parse_list(text: &str) -> Option<Vec<Self>> {
        text.split_whitespace().map(Self::parse).collect()
    }
}

/// A WGS 84 point in decimal degrees, as CAP writes it: latitude first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    pub const fn new(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }

    /// `lat,lon` as CAP writes it.
    pub fn to_cap(self) -> String {
        format!("{},{}", self.lat, self.lon)
    }

    /// One `lat,lon` pair (a leading `+` allowed). Non-finite numbers are refused.
    pub fn parse(text: &str) -> Option<Self> {
        let (lat, lon) = text.split_once(',')?;
        let lat: f64 = lat.trim().parse().ok()?;
        let lon: f64 = lon.trim().parse().ok()?;
        (lat.is_finite() && lon.is_finite()).then_some(Self { lat, lon })
    }
}

/// `polygon`: a closed ring of at least four points, the first and last equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polygon {
    pub points: Vec<Point>,
}

impl Polygon {
    pub fn new(points: Vec<Point>) -> Self {
        Self { points }
    }

    /// The points as CAP writes them: `lat,lon` pairs separated by spaces.
    pub fn to_cap(&self) -> String {
        let pairs: Vec<String> = self.points.iter().map(|p| p.to_cap()).collect();
        pairs.join(" ")
    }

    /// The content of a `polygon` element; `None` if any pair is malformed. The shape is not
    /// checked here (see [`super::validate()`]).
    pub fn parse(text: &str) -> Option<Self> {
        let points = text
            .split_whitespace()
            .map(Point::parse)
            .collect::<Option<Vec<_>>>()?;
        Some(Self { points })
    }
}

/// `circle`: a centre point and a radius in kilometres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Circle {
    pub center: Point,
    pub radius_km: f64,
}

impl Circle {
    pub const fn new(center: Point, radius_km: f64) -> Self {
        Self { center, radius_km }
    }

    /// `lat,lon radius` as CAP writes it.
    pub fn to_cap(self) -> String {
        format!("{} {}", self.center.to_cap(), self.radius_km)
    }

    /// The content of a `circle` element.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split_whitespace();
        let center = Point::parse(parts.next()?)?;
        let radius_km: f64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !radius_km.is_finite() {
            return None;
        }
        Some(Self { center, radius_km })
    }
}

/// `area`: where the info applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    /// `areaDesc`: the area in words, e.g. „Gmina Kazimierz, sołectwa Dobra i Wola”.
    pub area_desc: String,
    pub polygons: Vec<Polygon>,
    pub circles: Vec<Circle>,
    /// `geocode`: e.g. `TERYT` = `1206032`. Ratusz does not resolve codes to shapes.
    pub geocodes: Vec<NamedValue>,
    /// `altitude`, in feet above mean sea level (as CAP defines it).
    pub altitude: Option<f64>,
    /// `ceiling`, in feet above mean sea level.
    pub ceiling: Option<f64>,
}

impl Area {
    /// An area described in words only; add polygons, circles or geocodes.
    pub fn new(area_desc: impl Into<String>) -> Self {
        Self {
            area_desc: area_desc.into(),
            polygons: Vec::new(),
            circles: Vec::new(),
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        }
    }
}

/// `resource`: a file that goes with the info (a map, a recording).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub resource_desc: String,
    pub mime_type: String,
    /// In bytes.
    pub size: Option<u64>,
    pub uri: Option<String>,
    /// The resource itself, Base64-encoded.
    pub deref_uri: Option<String>,
    /// SHA-1 of the resource, hex.
    pub digest: Option<String>,
}

/// `info`: the event and what to do, in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// RFC 3066 language, e.g. `pl-PL`; absent means `en-US` in CAP.
    pub language: Option<String>,
    /// At least one.
    pub categories: Vec<Category>,
    /// The event in words, e.g. „Burza z gradem”.
    pub event: String,
    pub response_types: Vec<ResponseType>,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    pub audience: Option<String>,
    pub event_codes: Vec<NamedValue>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub effective: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub onset: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires: Option<OffsetDateTime>,
    pub sender_name: Option<String>,
    pub headline: Option<String>,
    pub description: Option<String>,
    pub instruction: Option<String>,
    /// A full absolute URI with more information.
    pub web: Option<String>,
    pub contact: Option<String>,
    pub parameters: Vec<NamedValue>,
    pub resources: Vec<Resource>,
    pub areas: Vec<Area>,
}

impl Info {
    /// An info block with the required elements and nothing else.
    pub fn new(
        category: Category,
        event: impl Into<String>,
        urgency: Urgency,
        severity: Severity,
        certainty: Certainty,
    ) -> Self {
        Self {
            language: None,
            categories: vec![category],
            event: event.into(),
            response_types: Vec::new(),
            urgency,
            severity,
            certainty,
            audience: None,
            event_codes: Vec::new(),
            effective: None,
            onset: None,
            expires: None,
            sender_name: None,
            headline: None,
            description: None,
            instruction: None,
            web: None,
            contact: None,
            parameters: Vec::new(),
            resources: Vec::new(),
            areas: Vec::new(),
        }
    }
}

/// `alert`: one CAP message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Unique for this sender; no spaces, commas or `<`/`&`.
    pub identifier: String,
    /// Globally unique sender, e.g. `alerty@kazimierz.gmina.pl`.
    pub sender: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent: OffsetDateTime,
    pub status: Status,
    pub msg_type: MsgType,
    pub source: Option<String>,
    pub scope: Scope,
    /// Required when `scope` is `Restricted`.
    pub restriction: Option<String>,
    /// Required when `scope` is `Private`.
    pub addresses: Option<String>,
    pub codes: Vec<String>,
    pub note: Option<String>,
    /// The earlier messages an Update, Cancel, Ack or Error refers to.
    pub references: Vec<Reference>,
    pub incidents: Option<String>,
    pub infos: Vec<Info>,
}

impl Alert {
    /// A public, actual alert with no info blocks yet.
    pub fn new(
        identifier: impl Into<String>,
        sender: impl Into<String>,
        sent: OffsetDateTime,
    ) -> Self {
        Self {
            identifier: identifier.into(),
            sender: sender.into(),
            sent,
            status: Status::Actual,
            msg_type: MsgType::Alert,
            source: None,
            scope: Scope::Public,
            restriction: None,
            addresses: None,
            codes: Vec::new(),
            note: None,
            references: Vec::new(),
            incidents: None,
            infos: Vec::new(),
        }
    }
}

/// A time as CAP 1.2 writes it: `2026-11-24T14:00:00+01:00`. Fractions of a second are
/// dropped, the offset is always written (UTC as `+00:00`), seconds of an offset dropped.
pub fn format_cap_time(t: OffsetDateTime) -> String {
    let offset = t.offset();
    let total_minutes = offset.whole_minutes();
    let sign = if total_minutes < 0 { '-' } else { '+' };
    let minutes = total_minutes.unsigned_abs();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        minutes / 60,
        minutes % 60
    )
}

/// A CAP time. Besides CAP's own form this accepts what real feeds send and RFC 3339
/// allows: `Z` and fractional seconds. A time without an offset is refused: it would be
/// ambiguous.
pub fn parse_cap_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn cap_time_has_offset_and_no_fraction() {
        assert_eq!(
            format_cap_time(datetime!(2026-11-24 14:00:00.75 +01:00)),
            "2026-11-24T14:00:00+01:00"
        );
        assert_eq!(
            format_cap_time(datetime!(2026-06-01 08:05:09 UTC)),
            "2026-06-01T08:05:09+00:00"
        );
        assert_eq!(
            format_cap_time(datetime!(2003-06-17 14:57:00 -07:00)),
            "2003-06-17T14:57:00-07:00"
        );
        assert_eq!(
            format_cap_time(datetime!(2014-06-17 09:35:35 +09:30)),
            "2014-06-17T09:35:35+09:30"
        );
    }

    #[test]
    fn cap_time_parses_what_feeds_send() {
        let t = datetime!(2013-01-05 10:58:23 UTC);
        assert_eq!(parse_cap_time("2013-01-05T10:58:23-00:00"), Some(t));
        assert_eq!(parse_cap_time(" 2013-01-05T10:58:23Z "), Some(t));
        assert_eq!(
            parse_cap_time("2013-01-05T11:58:23.5+01:00"),
            Some(t + time::Duration::milliseconds(500))
        );
        assert_eq!(parse_cap_time("2013-01-05T10:58:23"), None);
        assert_eq!(parse_cap_time(""), None);
        let sent = datetime!(2026-11-24 14:00 +01:00);
        assert_eq!(parse_cap_time(&format_cap_time(sent)), Some(sent));
    }

    #[test]
    fn references_round_trip() {
        let text = "cap@ec.gc.ca,2.49.0.1.124.a3f342a4.2012,2012-05-02T21:45:05-00:00 \
                    cap@ec.gc.ca,2.49.0.1.124.60f31a3a.2012,2012-05-02T21:55:21-00:00";
        let refs = Reference::parse_list(text).expect("valid");
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].identifier, "2.49.0.1.124.a3f342a4.2012");
        assert_eq!(
            refs[1].to_cap(),
            "cap@ec.gc.ca,2.49.0.1.124.60f31a3a.2012,2012-05-02T21:55:21+00:00"
        );
        assert_eq!(Reference::parse_list("a,b"), None);
        assert_eq!(Reference::parse_list("a,b,2012-05-02T21:55:21Z,x"), None);
        assert_eq!(Reference::parse_list(""), Some(vec![]));
    }

    #[test]
    fn geometry_text_round_trips() {
        let p = Polygon::parse("38.47,-120.14 38.34,-119.95 +38.52,-119.74 38.47,-120.14")
            .expect("valid");
        assert_eq!(p.points.len(), 4);
        assert_eq!(p.points[2], Point::new(38.52, -119.74));
        assert_eq!(Polygon::parse(&p.to_cap()), Some(p));
        assert_eq!(Polygon::parse("40.85,-118.09, 40.86,-118.09"), None);
        assert_eq!(Polygon::parse("1,NaN 2,2"), None);
        let c = Circle::parse("32.9525,-115.5527 0").expect("valid");
        assert_eq!(c.radius_km, 0.0);
        assert_eq!(Circle::parse(&c.to_cap()), Some(c));
        assert_eq!(Circle::parse("32.9525,-115.5527"), None);
        assert_eq!(Circle::parse("32.9525,-115.5527 1 2"), None);
    }

    #[test]
    fn enums_use_schema_spelling() {
        assert_eq!(Category::Cbrne.as_str(), "CBRNE");
        assert_eq!(Category::parse("CBRNE"), Some(Category::Cbrne));
        assert_eq!(
            ResponseType::parse("AllClear"),
            Some(ResponseType::AllClear)
        );
        assert_eq!(Status::parse("actual"), None);
        assert_eq!(MsgType::ALL.len(), 5);
    }
}
