//! Archival categories (kategorie archiwalne) and the retention they impose.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use time::Date;

/// The archival category of a JRWA class (kategoria archiwalna).
///
/// Legal basis: rozporządzenie Prezesa Rady Ministrów z dnia 18 stycznia 2011 r. w sprawie
/// instrukcji kancelaryjnej, jednolitych rzeczowych wykazów akt oraz instrukcji w sprawie
/// organizacji i zakresu działania archiwów zakładowych (Dz.U. 2011 nr 14 poz. 67): the
/// instrukcja kancelaryjna (załącznik nr 1) and the introduction to the JRWA for gminas
/// (załącznik nr 2):
/// - `A`: materiały archiwalne, kept permanently and handed over to the state archive;
/// - `Bn`: dokumentacja niearchiwalna kept for `n` full years, then it may be disposed of
///   (brakowanie) with the consent of the state archive;
/// - `BEn`: kept for `n` years, then assessed (ekspertyza) by the state archive, which may
///   requalify it as `A`;
/// - `Bc`: dokumentacja o krótkotrwałym znaczeniu praktycznym, which may be disposed of once used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArchiveCategory {
    A,
    B(u16),
    BE(u16),
    Bc,
}

impl ArchiveCategory {
    /// The longest period accepted in `Bn`/`BEn`; no JRWA names more than 50 years, so a longer
    /// one is a typing error.
    pub const MAX_YEARS: u16 = 200;

    /// Years of retention: `None` for `A` (permanent), `Some(0)` for `Bc`, `Some(n)` otherwise.
    pub fn retention_years(self) -> Option<u16> {
        match self {
            Self::A => None,
            Self::B(n) | Self::BE(n) => Some(n),
            Self::Bc => Some(0),
        }
    }

    /// Whether the documentation is (or may become, after assessment) archival material.
    pub fn is_archival(self) -> bool {
        self == Self::A
    }

    /// The retention of a case of this category closed on `closed_on`.
    ///
    /// Legal basis: rozporządzenie z 18 stycznia 2011 r. (JRWA introduction and the instrukcja
    /// archiwalna annexed to it): the period is counted in full
    /// calendar years from 1 January of the year after the case was closed. `Bn` and `BEn`
    /// therefore end on 31 December of year `closed + n`, and the disposal or the state archive's
    /// assessment may follow from 1 January of year `closed + 1 + n`. `Bc` is treated as available
    /// for disposal from 1 January of the next year. Disposal always needs the consent of the state
    /// archive (ustawa z dnia 14 lipca 1983 r. o narodowym zasobie archiwalnym i archiwach).
    pub fn retention(self, closed_on: Date) -> Retention {
        let counting_starts = closed_on.year() + 1;
        let (kind, from_year) = match self {
            Self::A => (RetentionKind::Permanent, None),
            Self::B(n) => (
                RetentionKind::Disposal,
                Some(counting_starts + i32::from(n)),
            ),
            Self::BE(n) => (
                RetentionKind::Assessment,
                Some(counting_starts + i32::from(n)),
            ),
            Self::Bc => (RetentionKind::Disposal, Some(counting_starts)),
        };
        Retention {
            category: self,
            closed_on,
            counting_starts,
            kind,
            from_year,
        }
    }
}

impl fmt::Display for ArchiveCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::A => f.write_str("A"),
            Self::B(n) => write!(f, "B{n}"),
            Self::BE(n) => write!(f, "BE{n}"),
            Self::Bc => f.write_str("Bc"),
        }
    }
}

impl FromStr for ArchiveCategory {
    type Err = CategoryError;

    /// Parses exactly `A`, `Bc`, `B5`, `BE10` … (surrounding spaces ignored; case matters, the
    /// number has no leading zero and lies in 1..=[`ArchiveCategory::MAX_YEARS`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let bad = || CategoryError(text.to_owned());
        match text {
            "A" => return Ok(Self::A),
            "Bc" => return Ok(Self::Bc),
            _ => {}
        }
        let (years, make): (&str, fn(u16) -> Self) = if let Some(rest) = text.strip_prefix("BE") {
            (rest, Self::BE)
        } else if let Some(rest) = text.strip_prefix('B') {
            (rest, Self::B)
        } else {
            return Err(bad());
        };
        if years.is_empty() || years.starts_with('0') || !years.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let n: u16 = years.parse().map_err(|_| bad())?;
        if (1..=Self::MAX_YEARS).contains(&n) {
            Ok(make(n))
        } else {
            Err(bad())
        }
    }
}

impl Serialize for ArchiveCategory {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ArchiveCategory {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A text that is not an archival category.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid archival category {0:?}: write A, Bc, B followed by years (B5, B10, B50) or BE followed by years (BE5, BE10)"
)]
pub struct CategoryError(pub String);

impl CategoryError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        "bad-archive-category"
    }

    /// The error in plain Polish, naming the field and the fix.
    pub fn message_pl(&self) -> String {
        format!(
            "Nieprawidłowa kategoria archiwalna „{}”. Wpisz A, Bc, literę B z liczbą lat (np. B5, B10, B50) albo BE z liczbą lat (np. BE5, BE10), wielkimi literami, bez spacji i myślnika.",
            self.0
        )
    }

    /// The error in plain English, naming the field and the fix.
    pub fn message_en(&self) -> String {
        format!(
            "Invalid archival category “{}”. Write A, Bc, B with a number of years (e.g. B5, B10, B50) or BE with a number of years (e.g. BE5, BE10), in capitals, without spaces or hyphens.",
            self.0
        )
    }
}

/// What happens to the documentation when its retention ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionKind {
    /// `A`: kept permanently and handed over to the state archive.
    Permanent,
    /// `Bn`, `Bc`: may be disposed of (brakowanie) with the state archive's consent.
    Disposal,
    /// `BEn`: the state archive assesses it (ekspertyza) and may requalify it as `A`.
    Assessment,
}

/// The retention of one closed case (instrukcja archiwalna; see [`ArchiveCategory::retention`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retention {
    pub category: ArchiveCategory,
    pub closed_on: Date,
    /// The year whose 1 January starts the count: the year after the case was closed.
    pub counting_starts: i32,
    pub kind: RetentionKind,
    /// From 1 January of this year the documentation may be disposed of (`Bn`, `Bc`) or
    /// assessed (`BEn`); `None` for `A`.
    pub from_year: Option<i32>,
}

impl Retention {
    /// 1 January of [`Retention::from_year`], if the category has an end and the date can be
    /// represented.
    pub fn from_date(&self) -> Option<Date> {
        self.from_year
            .and_then(|year| Date::from_calendar_date(year, time::Month::January, 1).ok())
    }

    /// Whether on `today` the retention has ended (always `false` for `A`).
    pub fn has_ended_on(&self, today: Date) -> bool {
        self.from_year.is_some_and(|year| today.year() >= year)
    }

    /// The rule in plain Polish, as a clerk or archivist reads it.
    pub fn explain_pl(&self) -> String {
        let closed = format!(
            "Sprawa zakończona w {} r.; okres przechowywania liczy się w pełnych latach kalendarzowych od 1 stycznia {} r.",
            self.closed_on.year(),
            self.counting_starts
        );
        let rest = match (self.category, self.from_year) {
            (ArchiveCategory::A, _) | (_, None) => {
                "Kategoria A: materiały archiwalne, przechowywane wieczyście i przekazywane do archiwum państwowego.".to_owned()
            }
            (ArchiveCategory::B(n), Some(year)) => format!(
                "Kategoria B{n}: dokumentację przechowuje się {n} {} (do 31 grudnia {} r.); od 1 stycznia {year} r. można ją wybrakować za zgodą archiwum państwowego.",
                years_pl(n),
                year - 1
            ),
            (ArchiveCategory::BE(n), Some(year)) => format!(
                "Kategoria BE{n}: dokumentację przechowuje się {n} {} (do 31 grudnia {} r.); od 1 stycznia {year} r. podlega ekspertyzie archiwum państwowego, które może uznać ją za materiał archiwalny.",
                years_pl(n),
                year - 1
            ),
            (ArchiveCategory::Bc, Some(year)) => format!(
                "Kategoria Bc: dokumentacja o krótkotrwałym znaczeniu praktycznym; można ją wybrakować po wykorzystaniu, od 1 stycznia {year} r., za zgodą archiwum państwowego."
            ),
        };
        format!("{closed}\n{rest}")
    }

    /// The rule in plain English.
    pub fn explain_en(&self) -> String {
        let closed = format!(
            "The case was closed in {}; retention is counted in full calendar years from 1 January {}.",
            self.closed_on.year(),
            self.counting_starts
        );
        let rest = match (self.category, self.from_year) {
            (ArchiveCategory::A, _) | (_, None) => {
                "Category A: archival material, kept permanently and handed over to the state archive.".to_owned()
            }
            (ArchiveCategory::B(n), Some(year)) => format!(
                "Category B{n}: kept for {n} {} (until 31 December {}); from 1 January {year} it may be disposed of with the state archive's consent.",
                if n == 1 { "year" } else { "years" },
                year - 1
            ),
            (ArchiveCategory::BE(n), Some(year)) => format!(
                "Category BE{n}: kept for {n} {} (until 31 December {}); from 1 January {year} the state archive assesses it and may requalify it as archival material.",
                if n == 1 { "year" } else { "years" },
                year - 1
            ),
            (ArchiveCategory::Bc, Some(year)) => format!(
                "Category Bc: documentation of short-lived practical value; it may be disposed of once used, from 1 January {year}, with the state archive's consent."
            ),
        };
        format!("{closed}\n{rest}")
    }
}

/// "rok", "lata", "lat".
fn years_pl(n: u16) -> &'static str {
    if n == 1 {
        "rok"
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        "lata"
    } else {
        "lat"
    }
}
