//! Ready starts for the alerts a municipality sends most, and the topics residents
//! subscribe to.
//!
//! A [`Template`] prefills an [`Info`]: category, the event's Polish name, urgency,
//! severity, certainty, the recommended response, a headline and an instruction in plain
//! Polish — what to do, in short sentences, like Alert RCB messages. The clerk adds the
//! area, the times and the details, and edits anything.
//!
//! A resident chooses [`Topic`]s, not CAP categories: "weather", "roads", not "Met",
//! "Transport". [`Template::topic`] and [`topics_for`] map alerts to topics.

use serde::{Deserialize, Serialize};

use super::model::{Category, Certainty, Info, ResponseType, Severity, Urgency};
use crate::intake::rules::fold;

/// What a resident can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Weather,
    Flood,
    /// Water and power outages.
    Outages,
    /// Roads and transport.
    Roads,
    AirQuality,
    PublicSafety,
    Events,
}

impl Topic {
    pub const ALL: [Topic; 7] = [
        Self::Weather,
        Self::Flood,
        Self::Outages,
        Self::Roads,
        Self::AirQuality,
        Self::PublicSafety,
        Self::Events,
    ];

    /// A stable code for storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Weather => "weather",
            Self::Flood => "flood",
            Self::Outages => "outages",
            Self::Roads => "roads",
            Self::AirQuality => "air_quality",
            Self::PublicSafety => "public_safety",
            Self::Events => "events",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == code.trim())
    }

    /// The label on the subscription form.
    pub fn label_pl(self) -> &'static str {
        match self {
            Self::Weather => "Pogoda i burze",
            Self::Flood => "Powódź i wysoka woda",
            Self::Outages => "Przerwy w dostawie wody i prądu",
            Self::Roads => "Drogi i komunikacja",
            Self::AirQuality => "Jakość powietrza (smog)",
            Self::PublicSafety => "Bezpieczeństwo publiczne",
            Self::Events => "Wydarzenia i utrudnienia",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Weather => "Weather and storms",
            Self::Flood => "Floods and high water",
            Self::Outages => "Water and power outages",
            Self::Roads => "Roads and transport",
            Self::AirQuality => "Air quality (smog)",
            Self::PublicSafety => "Public safety",
            Self::Events => "Events and disruptions",
        }
    }

    /// The topic of a CAP category. `Other` goes to events: in a municipality that is what
    /// it is used for; real dangers have their own categories.
    pub fn for_category(category: Category) -> Self {
        match category {
            Category::Met => Self::Weather,
            Category::Env => Self::AirQuality,
            Category::Transport => Self::Roads,
            Category::Infra => Self::Outages,
            Category::Other => Self::Events,
            Category::Geo
            | Category::Safety
            | Category::Security
            | Category::Rescue
            | Category::Fire
            | Category::Health
            | Category::Cbrne => Self::PublicSafety,
        }
    }
}

/// The topics an info block belongs to: its categories' topics, and [`Topic::Flood`] when
/// its event speaks of a flood (CAP files floods under `Met` or `Geo`). Each topic once, in
/// [`Topic::ALL`] order.
pub fn topics_for(info: &Info) -> Vec<Topic> {
    let event = fold(&info.event);
    let flood = ["powodz", "wezbran", "podtop", "flood"]
        .iter()
        .any(|w| event.contains(w));
    Topic::ALL
        .into_iter()
        .filter(|t| {
            info.categories
                .iter()
                .any(|c| Topic::for_category(*c) == *t)
                || (flood && *t == Topic::Flood)
        })
        .collect()
}

/// A start for composing an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Burza, nawałnica.
    Storm,
    /// Powódź.
    Flood,
    /// Brak wody.
    WaterOutage,
    /// Zamknięcie drogi.
    RoadClosure,
    /// Upał.
    Heat,
    Smog,
    /// Wydarzenie.
    Event,
}

impl Template {
    pub const ALL: [Template; 7] = [
        Self::Storm,
        Self::Flood,
        Self::WaterOutage,
        Self::RoadClosure,
        Self::Heat,
        Self::Smog,
        Self::Event,
    ];

    /// A stable code for storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Storm => "storm",
            Self::Flood => "flood",
            Self::WaterOutage => "water_outage",
            Self::RoadClosure => "road_closure",
            Self::Heat => "heat",
            Self::Smog => "smog",
            Self::Event => "event",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == code.trim())
    }

    /// The name on the clerk's "new alert" menu.
    pub fn label_pl(self) -> &'static str {
        match self {
            Self::Storm => "Burza, nawałnica",
            Self::Flood => "Powódź",
            Self::WaterOutage => "Brak wody",
            Self::RoadClosure => "Zamknięcie drogi",
            Self::Heat => "Upał",
            Self::Smog => "Smog",
            Self::Event => "Wydarzenie",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Storm => "Storm",
            Self::Flood => "Flood",
            Self::WaterOutage => "Water outage",
            Self::RoadClosure => "Road closure",
            Self::Heat => "Heat",
            Self::Smog => "Smog",
            Self::Event => "Event",
        }
    }

    pub fn category(self) -> Category {
        match self {
            Self::Storm | Self::Flood | Self::Heat => Category::Met,
            Self::WaterOutage => Category::Infra,
            Self::RoadClosure => Category::Transport,
            Self::Smog => Category::Env,
            Self::Event => Category::Other,
        }
    }

    /// The CAP `event`, in Polish.
    pub fn event_pl(self) -> &'static str {
        match self {
            Self::Storm => "Burze z silnym wiatrem i gradem",
            Self::Flood => "Zagrożenie powodziowe",
            Self::WaterOutage => "Przerwa w dostawie wody",
            Self::RoadClosure => "Zamknięcie drogi",
            Self::Heat => "Upał",
            Self::Smog => "Smog – zła jakość powietrza",
            Self::Event => "Wydarzenie publiczne – utrudnienia",
        }
    }

    pub fn urgency(self) -> Urgency {
        match self {
            Self::Smog => Urgency::Immediate,
            Self::Event => Urgency::Future,
            _ => Urgency::Expected,
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Self::Storm | Self::Flood => Severity::Severe,
            Self::Heat | Self::Smog => Severity::Moderate,
            Self::WaterOutage | Self::RoadClosure | Self::Event => Severity::Minor,
        }
    }

    pub fn certainty(self) -> Certainty {
        match self {
            Self::Storm | Self::Flood | Self::Heat | Self::Event => Certainty::Likely,
            Self::WaterOutage | Self::RoadClosure | Self::Smog => Certainty::Observed,
        }
    }

    pub fn response_type(self) -> ResponseType {
        match self {
            Self::Storm => ResponseType::Shelter,
            Self::Flood | Self::WaterOutage | Self::Heat => ResponseType::Prepare,
            Self::RoadClosure | Self::Smog => ResponseType::Avoid,
            Self::Event => ResponseType::Monitor,
        }
    }

    /// A headline to edit: what is happening, in one short sentence.
    pub fn headline_pl(self) -> &'static str {
        match self {
            Self::Storm => "Ostrzeżenie: gwałtowne burze z silnym wiatrem i gradem",
            Self::Flood => "Zagrożenie powodziowe: rośnie poziom wody w rzece",
            Self::WaterOutage => "Przerwa w dostawie wody",
            Self::RoadClosure => "Droga zamknięta – wyznaczono objazd",
            Self::Heat => "Ostrzeżenie przed upałem",
            Self::Smog => "Zła jakość powietrza – smog",
            Self::Event => "Utrudnienia w ruchu w czasie wydarzenia",
        }
    }

    /// What residents should do.
    pub fn instruction_pl(self) -> &'static str {
        match self {
            Self::Storm => {
                "Zostań w domu lub schroń się w budynku. Schowaj lub przywiąż rzeczy, które wiatr \
                 może porwać. Nie parkuj pod drzewami. Nie stój pod drzewami ani liniami \
                 energetycznymi. Naładuj telefon i przygotuj latarkę."
            }
            Self::Flood => {
                "Przenieś dokumenty, leki i cenne rzeczy na wyższe piętro. Przygotuj wodę pitną, \
                 latarkę i naładowany telefon. Nie wchodź i nie wjeżdżaj do zalanych miejsc. \
                 Słuchaj poleceń służb; jeśli ogłoszą ewakuację, opuść dom."
            }
            Self::WaterOutage => {
                "Zrób zapas wody do picia i gotowania. Po przywróceniu dostawy spuść wodę z kranu \
                 przez kilka minut, zanim jej użyjesz. Informacje o beczkowozach podamy na stronie \
                 urzędu."
            }
            Self::RoadClosure => {
                "Wybierz inną trasę i jedź zgodnie z oznakowaniem objazdu. Zaplanuj dłuższy czas \
                 przejazdu. Nie omijaj zapór i stosuj się do poleceń służb."
            }
            Self::Heat => {
                "Pij dużo wody. Unikaj słońca w godzinach 11–16 i wysiłku na dworze. Nie zostawiaj \
                 dzieci ani zwierząt w zamkniętym samochodzie. Sprawdź, jak czują się starsi \
                 sąsiedzi i bliscy."
            }
            Self::Smog => {
                "Ogranicz przebywanie na dworze, szczególnie z dziećmi, osobami starszymi i \
                 chorymi. Nie wietrz mieszkania. Zrezygnuj z wysiłku na zewnątrz. Nie pal \
                 odpadami w piecu."
            }
            Self::Event => {
                "Spodziewaj się utrudnień w ruchu i zmian w kursowaniu komunikacji. Jeśli możesz, \
                 zostaw samochód w domu. Stosuj się do poleceń służb porządkowych."
            }
        }
    }

    /// The topic residents subscribe to for this kind of alert.
    pub fn topic(self) -> Topic {
        match self {
            Self::Storm | Self::Heat => Topic::Weather,
            Self::Flood => Topic::Flood,
            Self::WaterOutage => Topic::Outages,
            Self::RoadClosure => Topic::Roads,
            Self::Smog => Topic::AirQuality,
            Self::Event => Topic::Events,
        }
    }

    /// The prefilled info block (language `pl-PL`), without area or times.
    pub fn info(self) -> Info {
        let mut info = Info::new(
            self.category(),
            self.event_pl(),
            self.urgency(),
            self.severity(),
            self.certainty(),
        );
        info.language = Some("pl-PL".into());
        info.response_types.push(self.response_type());
        info.headline = Some(self.headline_pl().into());
        info.instruction = Some(self.instruction_pl().into());
        info
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::sms::derive_sms;
    use crate::alerts::validate::MAX_HEADLINE_CHARS;

    #[test]
    fn codes_round_trip() {
        for t in Template::ALL {
            assert_eq!(Template::parse(t.as_str()), Some(t));
        }
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.as_str()), Some(t));
        }
        assert_eq!(Topic::parse("nope"), None);
    }

    #[test]
    fn every_template_prefills_a_complete_polish_info() {
        for t in Template::ALL {
            let info = t.info();
            assert_eq!(info.language.as_deref(), Some("pl-PL"));
            assert_eq!(info.categories, vec![t.category()]);
            let headline = info.headline.as_deref().unwrap_or_default();
            assert!(!headline.is_empty() && headline.chars().count() <= MAX_HEADLINE_CHARS);
            assert!(!info.event.is_empty());
            // The instruction is short enough for the SMS with the headline, uncut.
            let instruction = info.instruction.as_deref().unwrap_or_default();
            let sms = derive_sms(headline, instruction, None);
            assert!(!sms.shortened, "{t:?}: {}", sms.text);
            // A template's topic agrees with what its info maps to.
            assert!(topics_for(&info).contains(&t.topic()), "{t:?}");
        }
    }

    #[test]
    fn categories_map_to_topics() {
        assert_eq!(Topic::for_category(Category::Met), Topic::Weather);
        assert_eq!(Topic::for_category(Category::Infra), Topic::Outages);
        assert_eq!(Topic::for_category(Category::Transport), Topic::Roads);
        assert_eq!(Topic::for_category(Category::Env), Topic::AirQuality);
        assert_eq!(Topic::for_category(Category::Fire), Topic::PublicSafety);
        assert_eq!(Topic::for_category(Category::Other), Topic::Events);
        let mut info = Template::Storm.info();
        info.event = "Wezbranie rzeki Wisły".into();
        info.categories.push(Category::Safety);
        assert_eq!(
            topics_for(&info),
            vec![Topic::Weather, Topic::Flood, Topic::PublicSafety]
        );
    }

    #[test]
    fn labels_are_distinct() {
        let mut labels: Vec<&str> = Topic::ALL.iter().map(|t| t.label_pl()).collect();
        labels.dedup();
        assert_eq!(labels.len(), Topic::ALL.len());
        assert!(
            Template::ALL
                .iter()
                .all(|t| t.label_pl() != t.label_en() || *t == Template::Smog)
        );
    }
}
