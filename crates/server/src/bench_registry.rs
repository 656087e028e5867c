//! `ratusz bench seed` and `ratusz bench registry`: the EZD registry at the size of a large
//! office (issue: one million cases with three documents each).
//!
//! `seed` fills the configured database (SQLite or PostgreSQL) with generated cases of the demo
//! municipality: spread over the units GK, OR, USC and FN, their JRWA classes and the years since
//! 2019, each with its party, three documents (one text version each, contents in blob storage),
//! the case log, the incoming item it started from (most of them), the answer's approval and
//! dispatch, and the search change log, so `ratusz reindex` indexes them. Rows go in through
//! multi-row inserts, a few thousand cases per transaction; running numbers end consistent with
//! the highest number used, so cases opened later continue every sequence.
//!
//! `registry` then measures, in-process through `App`: opening cases (per second, one and several
//! threads), "my work" and the case view (p50/p99), and search (p50/p95), and prints the figures
//! against the goals. Figures are printed, never asserted: speed is not a test.

use anyhow::{Context, anyhow};
use ratusz_app::accounts::{Principal, Via, grants_of};
use ratusz_app::cases::OpenCaseInput;
use ratusz_app::{App, AppError};
use ratusz_core::registry::CaseSign;
use ratusz_core::roles::{AccountKind, Role};
use ratusz_store::StoreError;
use ratusz_store::accounts::{RoleRow, UserRow};
use ratusz_store::casefiles::{ApprovalStepRow, DocumentRow, DocumentVersionRow};
use ratusz_store::cases::{CaseLinkRow, CaseLogRow, CasePartyRow, CaseRow};
use ratusz_store::registry::{AssignmentRow, IncomingItemRow, OutgoingItemRow, SearchChangeRow};
use ratusz_store::seed::{self, Batch};
use ratusz_store::{new_id, ts};
use serde_json::json;
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use time::{Date, Weekday};

use crate::config::Config;

/// The demo office's GK clerk: the person whose "my work" is measured.
const CLERK: &str = "referent.gk@przykladowo.gov.pl";
/// The demo office's GK manager (approves the clerk's drafts).
const MANAGER: &str = "kierownik.gk@przykladowo.gov.pl";
/// Open cases the GK clerk should have at full size (a heavy but real workload).
const CLERK_OPEN: f64 = 2_000.0;
/// Closed cases in the GK clerk's history at full size (about 2,500 a year since 2019).
const CLERK_CLOSED: f64 = 20_000.0;
/// Assigned incoming items the clerk has not yet opened a case for.
const CLERK_LOOSE_ITEMS: usize = 25;
/// The first year of generated cases.
const FIRST_YEAR: i32 = 2019;
/// Variants of each generated text (street and town), i.e. distinct blobs per class and slot.
const VARIANTS: usize = 24;

pub(super) fn ae(e: AppError) -> anyhow::Error {
    anyhow!("{e}")
}

// ---------------------------------------------------------------------------------------------
// A small deterministic generator (SplitMix64): the data depend only on `--seed`.

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut r = Self(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1).max(1) as u64)) as i64
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len())]
    }
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------------------------
// What the office handles: per JRWA class, its unit, share, procedure and texts.

struct ClassSpec {
    unit: &'static str,
    symbol: &'static str,
    weight: u32,
    /// Procedure kind (`ratusz_core::cases::ProcedureKind`).
    kind: &'static str,
    /// Incoming item kind.
    item_kind: &'static str,
    /// The matter, for case titles.
    subject: &'static str,
    /// Title of the incoming letter.
    request_title: &'static str,
    /// What the letter asks for ("wydanie zezwolenia na …").
    request: &'static str,
    /// The attachment or note filed into the case.
    attachment: &'static str,
    /// Document kind of the answer.
    answer_kind: &'static str,
    /// Title of the answer.
    answer: &'static str,
    /// Its legal basis ("art. 40 ust. 1 ustawy …").
    basis: &'static str,
}

const fn class(
    unit: &'static str,
    symbol: &'static str,
    weight: u32,
    kind: &'static str,
    item_kind: &'static str,
    texts: [&'static str; 7],
) -> ClassSpec {
    ClassSpec {
        unit,
        symbol,
        weight,
        kind,
        item_kind,
        subject: texts[0],
        request_title: texts[1],
        request: texts[2],
        attachment: texts[3],
        answer_kind: texts[4],
        answer: texts[5],
        basis: texts[6],
    }
}

const CLASSES: &[ClassSpec] = &[
    // GK (40 %)
    class(
        "GK",
        "7203",
        10,
        "administrative",
        "application",
        [
            "Zajęcie pasa drogowego",
            "Wniosek o zezwolenie na zajęcie pasa drogowego",
            "wydanie zezwolenia na zajęcie pasa drogowego w celu prowadzenia robót",
            "Projekt organizacji ruchu na czas robót",
            "decision",
            "Decyzja zezwalająca na zajęcie pasa drogowego",
            "art. 40 ust. 1 ustawy z dnia 21 marca 1985 r. o drogach publicznych",
        ],
    ),
    class(
        "GK",
        "7204",
        4,
        "administrative",
        "application",
        [
            "Lokalizacja zjazdu z drogi gminnej",
            "Wniosek o wydanie zezwolenia na lokalizację zjazdu",
            "wydanie zezwolenia na lokalizację zjazdu indywidualnego z drogi gminnej",
            "Mapa sytuacyjna z zaznaczonym zjazdem",
            "decision",
            "Decyzja w sprawie lokalizacji zjazdu",
            "art. 29 ust. 1 ustawy z dnia 21 marca 1985 r. o drogach publicznych",
        ],
    ),
    class(
        "GK",
        "7201",
        4,
        "other",
        "letter",
        [
            "Uszkodzona nawierzchnia drogi",
            "Zgłoszenie uszkodzenia nawierzchni drogi gminnej",
            "naprawę uszkodzonej nawierzchni jezdni i chodnika oraz odśnieżanie",
            "Dokumentacja fotograficzna uszkodzeń",
            "letter",
            "Odpowiedź w sprawie naprawy nawierzchni",
            "ustawy z dnia 21 marca 1985 r. o drogach publicznych",
        ],
    ),
    class(
        "GK",
        "6730",
        6,
        "administrative",
        "application",
        [
            "Warunki zabudowy",
            "Wniosek o wydanie decyzji o warunkach zabudowy",
            "wydanie decyzji o warunkach zabudowy dla budowy budynku mieszkalnego jednorodzinnego",
            "Kopia mapy zasadniczej z granicami terenu",
            "decision",
            "Decyzja o warunkach zabudowy",
            "art. 59 ust. 1 ustawy z dnia 27 marca 2003 r. o planowaniu i zagospodarowaniu przestrzennym",
        ],
    ),
    class(
        "GK",
        "6831",
        3,
        "administrative",
        "application",
        [
            "Podział nieruchomości",
            "Wniosek o zatwierdzenie projektu podziału nieruchomości",
            "zatwierdzenie projektu podziału nieruchomości gruntowej na działki budowlane",
            "Wstępny projekt podziału nieruchomości",
            "decision",
            "Decyzja zatwierdzająca podział nieruchomości",
            "art. 96 ust. 1 ustawy z dnia 21 sierpnia 1997 r. o gospodarce nieruchomościami",
        ],
    ),
    class(
        "GK",
        "6861",
        4,
        "other",
        "application",
        [
            "Numer porządkowy budynku",
            "Wniosek o nadanie numeru porządkowego",
            "ustalenie i nadanie numeru porządkowego nowo wybudowanemu budynkowi",
            "Szkic usytuowania budynku",
            "letter",
            "Zawiadomienie o ustaleniu numeru porządkowego",
            "art. 47a ustawy z dnia 17 maja 1989 r. Prawo geodezyjne i kartograficzne",
        ],
    ),
    class(
        "GK",
        "6845",
        3,
        "other",
        "application",
        [
            "Dzierżawa gruntu gminnego",
            "Wniosek o dzierżawę gruntu stanowiącego własność gminy",
            "wydzierżawienie gruntu gminnego na cele rolne albo ogródek przydomowy",
            "Szkic gruntu proponowanego do dzierżawy",
            "letter",
            "Informacja o warunkach umowy dzierżawy",
            "art. 25 ustawy z dnia 21 sierpnia 1997 r. o gospodarce nieruchomościami",
        ],
    ),
    class(
        "GK",
        "6131",
        4,
        "administrative",
        "application",
        [
            "Usunięcie drzew",
            "Wniosek o zezwolenie na usunięcie drzew",
            "wydanie zezwolenia na usunięcie drzew kolidujących z planowaną inwestycją",
            "Rysunek z lokalizacją drzew przeznaczonych do wycinki",
            "decision",
            "Decyzja zezwalająca na usunięcie drzew",
            "art. 83 ust. 1 ustawy z dnia 16 kwietnia 2004 r. o ochronie przyrody",
        ],
    ),
    class(
        "GK",
        "740",
        2,
        "other",
        "application",
        [
            "Najem lokalu komunalnego",
            "Wniosek o najem lokalu z zasobu gminy",
            "przydział lokalu mieszkalnego z mieszkaniowego zasobu gminy",
            "Oświadczenie o dochodach gospodarstwa domowego",
            "letter",
            "Odpowiedź w sprawie najmu lokalu",
            "ustawy z dnia 21 czerwca 2001 r. o ochronie praw lokatorów",
        ],
    ),
    // OR (20 %)
    class(
        "OR",
        "1431",
        7,
        "public_information",
        "public_info_request",
        [
            "Dostęp do informacji publicznej",
            "Wniosek o udostępnienie informacji publicznej",
            "udostępnienie informacji publicznej o wydatkach gminy na remonty dróg i oświetlenie",
            "Notatka o sposobie udostępnienia informacji",
            "letter",
            "Udostępnienie informacji publicznej",
            "art. 10 ust. 1 ustawy z dnia 6 września 2001 r. o dostępie do informacji publicznej",
        ],
    ),
    class(
        "OR",
        "1510",
        3,
        "complaint",
        "complaint",
        [
            "Skarga na działanie urzędu",
            "Skarga na przewlekłe załatwianie sprawy",
            "rozpatrzenie skargi na przewlekłość postępowania i niewłaściwe działanie pracownika",
            "Wyjaśnienia kierownika komórki",
            "letter",
            "Zawiadomienie o sposobie załatwienia skargi",
            "art. 227 i art. 237 Kodeksu postępowania administracyjnego",
        ],
    ),
    class(
        "OR",
        "152",
        1,
        "petition",
        "petition",
        [
            "Petycja mieszkańców",
            "Petycja w sprawie budowy placu zabaw",
            "budowę placu zabaw i montaż ławek na terenie osiedla",
            "Lista podpisów mieszkańców",
            "letter",
            "Odpowiedź na petycję",
            "art. 10 ustawy z dnia 11 lipca 2014 r. o petycjach",
        ],
    ),
    class(
        "OR",
        "0005",
        2,
        "motion",
        "motion",
        [
            "Wniosek mieszkańców do rady gminy",
            "Wniosek w sprawie oświetlenia ulicy",
            "zamontowanie oświetlenia ulicznego i wykonanie przejścia dla pieszych",
            "Opinia komisji rady gminy",
            "letter",
            "Odpowiedź na wniosek",
            "art. 241 i art. 244 Kodeksu postępowania administracyjnego",
        ],
    ),
    class(
        "OR",
        "540",
        4,
        "other",
        "application",
        [
            "Wpis do CEIDG",
            "Wniosek o wpis do Centralnej Ewidencji i Informacji o Działalności Gospodarczej",
            "przekształcenie wniosku o wpis działalności gospodarczej do CEIDG",
            "Potwierdzenie tożsamości przedsiębiorcy",
            "letter",
            "Potwierdzenie przekazania wniosku do CEIDG",
            "art. 19 ustawy z dnia 6 marca 2018 r. o CEIDG",
        ],
    ),
    class(
        "OR",
        "541",
        2,
        "administrative",
        "application",
        [
            "Zezwolenie na sprzedaż napojów alkoholowych",
            "Wniosek o wydanie zezwolenia na sprzedaż napojów alkoholowych",
            "wydanie zezwolenia na sprzedaż napojów alkoholowych w sklepie spożywczym",
            "Opinia gminnej komisji rozwiązywania problemów alkoholowych",
            "decision",
            "Decyzja w sprawie zezwolenia na sprzedaż napojów alkoholowych",
            "art. 18 ustawy z dnia 26 października 1982 r. o wychowaniu w trzeźwości",
        ],
    ),
    class(
        "OR",
        "500",
        1,
        "other",
        "letter",
        [
            "Zgromadzenie publiczne",
            "Zawiadomienie o zamiarze zorganizowania zgromadzenia",
            "przyjęcie zawiadomienia o zgromadzeniu publicznym na rynku",
            "Plan przebiegu zgromadzenia",
            "letter",
            "Informacja o przyjęciu zawiadomienia",
            "art. 10 ustawy z dnia 24 lipca 2015 r. Prawo o zgromadzeniach",
        ],
    ),
    // USC (25 %)
    class(
        "USC",
        "5340",
        8,
        "other",
        "application",
        [
            "Zameldowanie na pobyt stały",
            "Zgłoszenie zameldowania na pobyt stały",
            "zameldowanie na pobyt stały w lokalu mieszkalnym",
            "Potwierdzenie tytułu prawnego do lokalu",
            "letter",
            "Potwierdzenie zameldowania",
            "art. 24 ustawy z dnia 24 września 2010 r. o ewidencji ludności",
        ],
    ),
    class(
        "USC",
        "5341",
        6,
        "certificate",
        "application",
        [
            "Zaświadczenie o zameldowaniu",
            "Wniosek o wydanie zaświadczenia o zameldowaniu",
            "wydanie zaświadczenia o zameldowaniu na pobyt stały",
            "Dowód uiszczenia opłaty skarbowej",
            "certificate",
            "Zaświadczenie o zameldowaniu",
            "art. 217 Kodeksu postępowania administracyjnego",
        ],
    ),
    class(
        "USC",
        "5342",
        2,
        "administrative",
        "application",
        [
            "Wymeldowanie z pobytu stałego",
            "Wniosek o wymeldowanie z pobytu stałego",
            "wydanie decyzji o wymeldowaniu osoby, która opuściła lokal",
            "Protokół z oględzin lokalu",
            "decision",
            "Decyzja o wymeldowaniu",
            "art. 35 ustawy z dnia 24 września 2010 r. o ewidencji ludności",
        ],
    ),
    class(
        "USC",
        "5345",
        5,
        "other",
        "application",
        [
            "Dowód osobisty",
            "Wniosek o wydanie dowodu osobistego",
            "wydanie dowodu osobistego w związku z upływem terminu ważności",
            "Fotografia do dowodu osobistego",
            "letter",
            "Zawiadomienie o gotowości dowodu osobistego do odbioru",
            "art. 26 ustawy z dnia 6 sierpnia 2010 r. o dowodach osobistych",
        ],
    ),
    class(
        "USC",
        "5360",
        3,
        "certificate",
        "application",
        [
            "Odpis aktu stanu cywilnego",
            "Wniosek o wydanie odpisu skróconego aktu urodzenia",
            "wydanie odpisu skróconego aktu urodzenia oraz aktu małżeństwa",
            "Dowód uiszczenia opłaty skarbowej",
            "certificate",
            "Odpis skrócony aktu stanu cywilnego",
            "art. 44 ustawy z dnia 28 listopada 2014 r. Prawo o aktach stanu cywilnego",
        ],
    ),
    class(
        "USC",
        "5362",
        1,
        "administrative",
        "application",
        [
            "Zmiana nazwiska",
            "Wniosek o zmianę nazwiska",
            "wydanie decyzji o zmianie nazwiska na nazwisko rodowe",
            "Odpis zupełny aktu urodzenia",
            "decision",
            "Decyzja o zmianie nazwiska",
            "art. 4 ustawy z dnia 17 października 2008 r. o zmianie imienia i nazwiska",
        ],
    ),
    // FN (15 %)
    class(
        "FN",
        "3100",
        6,
        "administrative",
        "letter",
        [
            "Podatek od nieruchomości",
            "Informacja o nieruchomościach i obiektach budowlanych",
            "ustalenie wysokości podatku od nieruchomości za bieżący rok",
            "Wypis z rejestru gruntów",
            "decision",
            "Decyzja ustalająca wysokość podatku od nieruchomości",
            "art. 21 § 1 pkt 2 ustawy z dnia 29 sierpnia 1997 r. Ordynacja podatkowa",
        ],
    ),
    class(
        "FN",
        "3101",
        2,
        "administrative",
        "letter",
        [
            "Podatek rolny",
            "Informacja o gruntach rolnych",
            "ustalenie wysokości podatku rolnego od gruntów gospodarstwa rolnego",
            "Wypis z rejestru gruntów",
            "decision",
            "Decyzja ustalająca wysokość podatku rolnego",
            "art. 6a ustawy z dnia 15 listopada 1984 r. o podatku rolnym",
        ],
    ),
    class(
        "FN",
        "314",
        4,
        "certificate",
        "application",
        [
            "Zaświadczenie o niezaleganiu w podatkach",
            "Wniosek o wydanie zaświadczenia o niezaleganiu w podatkach",
            "wydanie zaświadczenia o niezaleganiu w podatkach lokalnych",
            "Dowód uiszczenia opłaty skarbowej",
            "certificate",
            "Zaświadczenie o niezaleganiu w podatkach",
            "art. 306a ustawy z dnia 29 sierpnia 1997 r. Ordynacja podatkowa",
        ],
    ),
    class(
        "FN",
        "6233",
        2,
        "other",
        "letter",
        [
            "Opłata za gospodarowanie odpadami",
            "Deklaracja o wysokości opłaty za gospodarowanie odpadami komunalnymi",
            "zmianę deklaracji o wysokości opłaty za odbiór odpadów komunalnych",
            "Oświadczenie o liczbie mieszkańców",
            "letter",
            "Informacja o wysokości opłaty za odpady",
            "art. 6m ustawy z dnia 13 września 1996 r. o utrzymaniu czystości i porządku w gminach",
        ],
    ),
    class(
        "FN",
        "741",
        1,
        "administrative",
        "application",
        [
            "Dodatek mieszkaniowy",
            "Wniosek o przyznanie dodatku mieszkaniowego",
            "przyznanie dodatku mieszkaniowego na okres sześciu miesięcy",
            "Deklaracja o dochodach gospodarstwa domowego",
            "decision",
            "Decyzja w sprawie dodatku mieszkaniowego",
            "art. 7 ustawy z dnia 21 czerwca 2001 r. o dodatkach mieszkaniowych",
        ],
    ),
];

/// Streets: (nominative, genitive).
const STREETS: [(&str, &str); 16] = [
    ("Lipowa", "Lipowej"),
    ("Polna", "Polnej"),
    ("Kościuszki", "Kościuszki"),
    ("Mickiewicza", "Mickiewicza"),
    ("Ogrodowa", "Ogrodowej"),
    ("Szkolna", "Szkolnej"),
    ("Kwiatowa", "Kwiatowej"),
    ("Leśna", "Leśnej"),
    ("Słoneczna", "Słonecznej"),
    ("Krótka", "Krótkiej"),
    ("Długa", "Długiej"),
    ("Spacerowa", "Spacerowej"),
    ("Kolejowa", "Kolejowej"),
    ("Parkowa", "Parkowej"),
    ("Źródlana", "Źródlanej"),
    ("Wiejska", "Wiejskiej"),
];
const TOWNS: [&str; 6] = [
    "Przykładowo",
    "Wola Przykładowska",
    "Nowe Pole",
    "Zalesie",
    "Górki",
    "Brzozówka",
];
const FIRST_M: [&str; 12] = [
    "Jan",
    "Piotr",
    "Krzysztof",
    "Andrzej",
    "Tomasz",
    "Paweł",
    "Marcin",
    "Michał",
    "Grzegorz",
    "Józef",
    "Kazimierz",
    "Wojciech",
];
const FIRST_F: [&str; 12] = [
    "Anna",
    "Maria",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Krystyna",
    "Elżbieta",
    "Zofia",
    "Joanna",
    "Magdalena",
];
/// Surnames: (masculine, feminine).
const SURNAMES: [(&str, &str); 20] = [
    ("Kowalski", "Kowalska"),
    ("Nowak", "Nowak"),
    ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"),
    ("Kowalczyk", "Kowalczyk"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"),
    ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
    ("Nowakowski", "Nowakowska"),
    ("Pawłowski", "Pawłowska"),
];
const REASONS: [&str; 6] = [
    "prowadzę remont budynku mieszkalnego i przyłącza wodociągowego",
    "planuję budowę domu jednorodzinnego z garażem",
    "sprawa dotyczy działki odziedziczonej po rodzicach",
    "jest to niezbędne do prowadzenia działalności gospodarczej",
    "wymaga tego bezpieczeństwo mieszkańców i dzieci idących do szkoły",
    "termin jest dla mnie pilny ze względu na zaplanowane prace",
];

/// Blob texts: per class, per slot (0 request, 1 attachment, 2 answer), per variant.
fn text_of(c: &ClassSpec, slot: usize, v: usize) -> String {
    let (street, street_gen) = STREETS[v % STREETS.len()];
    let town = TOWNS[(v / 4) % TOWNS.len()];
    let reason = REASONS[v % REASONS.len()];
    match slot {
        0 => format!(
            "{title}\n\nWnoszę o {req} dla nieruchomości położonej przy ulicy {street_gen} w \
             miejscowości {town}. Uzasadnienie: {reason}. Do wniosku dołączam: {att}. \
             Rozstrzygnięcie proszę przesłać na adres do korespondencji podany powyżej.\n\n\
             Z poważaniem",
            title = c.request_title,
            req = c.request,
            att = c.attachment.to_lowercase(),
        ),
        1 => format!(
            "{att}\n\nDotyczy: {subject}, ulica {street}, {town}. Notatka służbowa: \
             dokumenty sprawdzono pod względem formalnym, braków nie stwierdzono; \
             sprawę przekazano do merytorycznego rozpatrzenia.",
            att = c.attachment,
            subject = c.subject.to_lowercase(),
        ),
        _ => {
            let closing = if c.answer_kind == "decision" {
                "POUCZENIE\n\nOd decyzji przysługuje odwołanie do Samorządowego Kolegium \
                 Odwoławczego za pośrednictwem wójta gminy w terminie 14 dni od dnia jej \
                 doręczenia."
            } else {
                "W razie pytań prosimy o kontakt z komórką prowadzącą sprawę."
            };
            format!(
                "{answer}\n\nNa podstawie {basis}, po rozpatrzeniu wniosku dotyczącego \
                 nieruchomości przy ulicy {street_gen} w miejscowości {town} w sprawie: \
                 {subject}, organ postanawia uwzględnić żądanie strony w całości.\n\n\
                 UZASADNIENIE\n\nWnioskodawca złożył wniosek o {req}. Po przeprowadzeniu \
                 postępowania wyjaśniającego ustalono, że spełnione zostały przesłanki \
                 określone w przepisach.\n\n{closing}",
                answer = c.answer.to_uppercase(),
                basis = c.basis,
                subject = c.subject.to_lowercase(),
                req = c.request,
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The office's people.

#[derive(Clone)]
struct Person {
    id: String,
    email: String,
}

struct UnitPeople {
    id: String,
    symbol: &'static str,
    clerks: Vec<Person>,
    manager: Person,
}

/// Bench staff per unit: (symbol, clerks). The demo's own clerks join them.
const BENCH_CLERKS: [(&str, usize); 4] = [("GK", 24), ("OR", 12), ("USC", 10), ("FN", 10)];

fn ascii_lower(symbol: &str) -> String {
    symbol.to_lowercase().replace('ś', "s")
}

/// Creates the bench staff that are missing (clerks and one manager per unit) and returns the
/// people of every unit.
fn ensure_staff(app: &App, tenant_id: &str) -> anyhow::Result<(Vec<UnitPeople>, Person, Person)> {
    let units = app.units(tenant_id).map_err(ae)?;
    let now = app.now_ts();
    let mut new_users = Vec::new();
    let mut new_roles = Vec::new();
    let mut out = Vec::new();
    let find = |email: &str| -> anyhow::Result<Option<UserRow>> {
        app.user_by_email(tenant_id, email).map_err(ae)
    };
    let mut add = |email: String, name: String, role: Role, unit_id: &str| -> Person {
        let id = new_id();
        new_users.push(UserRow {
            id: id.clone(),
            tenant_id: tenant_id.to_owned(),
            kind: AccountKind::Staff.as_str().into(),
            email: email.clone(),
            email_key: email.clone(),
            display_name: name,
            password_hash: None,
            email_verified_at: Some(now),
            totp_secret: None,
            totp_enabled_at: None,
            totp_last_step: None,
            disabled_at: None,
            created_at: now,
            updated_at: now,
        });
        new_roles.push(RoleRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            user_id: id.clone(),
            role: role.as_str().into(),
            unit_id: Some(unit_id.to_owned()),
            granted_by: None,
            granted_at: now,
        });
        Person { id, email }
    };
    let person = |u: UserRow| Person {
        id: u.id,
        email: u.email,
    };
    let mut n = 0usize;
    for (symbol, count) in BENCH_CLERKS {
        let unit = units
            .iter()
            .find(|u| u.symbol == symbol)
            .ok_or_else(|| anyhow!("the demo unit {symbol} is missing"))?;
        let lower = ascii_lower(symbol);
        let mut clerks = Vec::new();
        for i in 1..=count {
            let email = format!("bench.{lower}.{i:02}@przykladowo.gov.pl");
            n += 1;
            let name = format!(
                "{} {}",
                FIRST_F[n % FIRST_F.len()],
                SURNAMES[(n * 7) % SURNAMES.len()].1
            );
            clerks.push(match find(&email)? {
                Some(u) => person(u),
                None => add(email, name, Role::Clerk, &unit.id),
            });
        }
        let email = format!("bench.kierownik.{lower}@przykladowo.gov.pl");
        let manager = match find(&email)? {
            Some(u) => person(u),
            None => add(
                email,
                format!("Kierownik {symbol} (bench)"),
                Role::Manager,
                &unit.id,
            ),
        };
        out.push(UnitPeople {
            id: unit.id.clone(),
            symbol,
            clerks,
            manager,
        });
    }
    // The demo's own clerks of OR and USC handle their share like the others.
    for (email, _, role, unit) in ratusz_app::demo::STAFF {
        if role != Role::Clerk || email == CLERK {
            continue;
        }
        if let (Some(unit), Some(u)) = (unit, find(email)?)
            && let Some(up) = out.iter_mut().find(|p| p.symbol == unit)
        {
            up.clerks.push(person(u));
        }
    }
    if !new_users.is_empty() {
        app.store
            .write(|c| seed::insert_staff(c, &new_users, &new_roles))?;
    }
    let clerk = find(CLERK)?
        .map(person)
        .ok_or_else(|| anyhow!("the demo clerk {CLERK} is missing"))?;
    let manager = find(MANAGER)?
        .map(person)
        .ok_or_else(|| anyhow!("the demo manager {MANAGER} is missing"))?;
    Ok((out, clerk, manager))
}

/// A principal for a staff member, as a write-scoped API token would give (also for
/// `bench alerts`).
pub(crate) fn staff_principal(
    app: &App,
    tenant_id: &str,
    email: &str,
) -> anyhow::Result<Principal> {
    principal(app, tenant_id, email)
}

/// A principal for a staff member, as a write-scoped API token would give.
fn principal(app: &App, tenant_id: &str, email: &str) -> anyhow::Result<Principal> {
    let user = app
        .user_by_email(tenant_id, email)
        .map_err(ae)?
        .ok_or_else(|| anyhow!("no user {email}"))?;
    let roles = app
        .store
        .read(|c| ratusz_store::accounts::roles(c, tenant_id, &user.id))?;
    Ok(Principal {
        tenant_id: tenant_id.to_owned(),
        grants: grants_of(&roles),
        user,
        via: Via::Token {
            token_id: "bench".into(),
            scopes: vec!["write".into()],
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Seeding.

/// Where case `i` falls: class, start date, how long it takes, whether it is closed.
struct Plan {
    class: usize,
    start: Date,
    closed_on: Option<Date>,
    rng: Rng,
}

struct Planner {
    seed: u64,
    /// Offset of this run's cases (so a second run does not repeat the first).
    base: u64,
    total: u64,
    first: Date,
    today: Date,
    span_days: i64,
    weights: Vec<u32>,
}

impl Planner {
    fn plan(&self, i: u64) -> Plan {
        let mut rng = Rng::new(self.seed, self.base + i);
        let class = rng.weighted(&self.weights);
        // Chronological: case i of N starts at i/N of the span since FIRST_YEAR.
        let offset = ((i as f64 + rng.unit()) / self.total as f64 * self.span_days as f64) as i64;
        let mut start = self.first + time::Duration::days(offset.min(self.span_days));
        // Offices register on working days.
        match start.weekday() {
            Weekday::Saturday => start -= time::Duration::days(1),
            Weekday::Sunday => start -= time::Duration::days(2),
            _ => {}
        }
        let days = match CLASSES[class].kind {
            "certificate" => rng.range(1, 7),
            "public_information" => rng.range(1, 14),
            "administrative" if rng.chance(0.1) => rng.range(60, 150),
            "administrative" => rng.range(5, 60),
            "complaint" => rng.range(10, 60),
            "petition" => rng.range(20, 90),
            "motion" => rng.range(10, 45),
            _ => rng.range(1, 30),
        };
        let end = start + time::Duration::days(days);
        // A few cases stay open long past their term (stuck, waiting for another authority).
        let stuck = rng.chance(0.015);
        let closed_on = (end <= self.today && !stuck).then_some(end);
        Plan {
            class,
            start,
            closed_on,
            rng,
        }
    }
}

/// Blob of each (class, slot, variant): key, SHA-256, size, text.
struct Texts {
    blobs: Vec<(ratusz_store::blobs::StoredBlob, String)>,
}

impl Texts {
    fn get(
        &self,
        class: usize,
        slot: usize,
        v: usize,
    ) -> &(ratusz_store::blobs::StoredBlob, String) {
        &self.blobs[(class * 3 + slot) * VARIANTS + v]
    }
}

/// One of a case's three generated documents.
struct DocPlan {
    /// 0 the request (or a note), 1 the attachment, 2 the answer.
    slot: usize,
    title: String,
    kind: &'static str,
    direction: &'static str,
    status: &'static str,
    item_id: Option<String>,
    at: i64,
}

struct Seeder<'a> {
    tenant_id: String,
    planner: Planner,
    units: &'a [UnitPeople],
    /// Index of each class's unit in `units`.
    class_unit: Vec<usize>,
    clerk: Person,
    manager: Person,
    registrar: Person,
    texts: Texts,
    /// Probability that an open (closed) GK case is the clerk's.
    p_open: f64,
    p_closed: f64,
    counters: HashMap<String, i64>,
    /// Recent case ids per unit, for related-case links.
    recent: Vec<Vec<String>>,
}

impl Seeder<'_> {
    fn take(&mut self, scope: String, touched: &mut HashMap<String, i64>) -> i64 {
        let v = self.counters.entry(scope.clone()).or_insert(0);
        *v += 1;
        touched.insert(scope, *v);
        *v
    }

    fn party(rng: &mut Rng, street: &str, town: &str) -> (String, String) {
        let no = rng.range(1, 120);
        let name = if rng.chance(0.1) {
            let s = rng.pick(&SURNAMES).0;
            match rng.below(3) {
                0 => format!("{s} i Wspólnicy sp. j."),
                1 => format!("Przedsiębiorstwo Usługowe {s} sp. z o.o."),
                _ => format!("Wspólnota Mieszkaniowa ul. {street} {no}"),
            }
        } else if rng.chance(0.5) {
            format!("{} {}", rng.pick(&FIRST_M), rng.pick(&SURNAMES).0)
        } else {
            format!("{} {}", rng.pick(&FIRST_F), rng.pick(&SURNAMES).1)
        };
        let flat = if rng.chance(0.4) {
            format!("/{}", rng.range(1, 40))
        } else {
            String::new()
        };
        let address = format!(
            "ul. {street} {no}{flat}\n12-{:03} {town}",
            300 + rng.below(60)
        );
        (name, address)
    }

    /// Rows of cases `from..to` of this run, with the numbers they take.
    fn batch(&mut self, from: u64, to: u64) -> anyhow::Result<(Batch, Vec<(String, i64)>)> {
        let mut b = Batch::default();
        let mut touched: HashMap<String, i64> = HashMap::new();
        let t = self.tenant_id.clone();
        let units = self.units;
        if from == 0 {
            self.loose_items(&mut b, &mut touched);
        }
        for i in from..to {
            let Plan {
                class,
                start,
                closed_on,
                mut rng,
            } = self.planner.plan(i);
            let spec = &CLASSES[class];
            let ui = self.class_unit[class];
            let unit = &units[ui];
            let is_gk = unit.symbol == "GK";
            let p = if closed_on.is_some() {
                self.p_closed
            } else {
                self.p_open
            };
            let (handler, approver) = if is_gk && rng.chance(p) {
                (self.clerk.clone(), self.manager.clone())
            } else {
                (rng.pick(&unit.clerks).clone(), unit.manager.clone())
            };
            let v = rng.below(VARIANTS);
            let (street, _) = STREETS[v % STREETS.len()];
            let town = TOWNS[(v / 4) % TOWNS.len()];
            let (party_name, party_address) = Self::party(&mut rng, street, town);
            let t_open =
                ts(start.midnight().assume_utc()) + rng.range(7 * 3600, 15 * 3600) * 1_000_000;
            let t_closed = closed_on.map(|d| {
                ts(d.midnight().assume_utc()) + rng.range(7 * 3600, 15 * 3600) * 1_000_000
            });
            let year = start.year();
            let number = self.take(
                format!("case:{}:{}:{year}", unit.id, spec.symbol),
                &mut touched,
            );
            let sign = CaseSign {
                unit: unit.symbol.to_owned(),
                class: spec.symbol.to_owned(),
                number: u32::try_from(number).unwrap_or(u32::MAX),
                year,
            }
            .to_string();
            let case_id = new_id();
            // The incoming item the case started from (most cases).
            let item = if rng.chance(0.6) {
                let n = self.take(format!("rpw:{year}"), &mut touched);
                let channel = ["paper", "epuap", "portal", "email", "edelivery"]
                    [rng.weighted(&[40, 25, 20, 10, 5])];
                let letter_date = start - time::Duration::days(rng.range(0, 6));
                let item = IncomingItemRow {
                    id: new_id(),
                    tenant_id: t.clone(),
                    year,
                    number: n,
                    item_ref: ratusz_app::registry::incoming::item_ref(year, n),
                    channel: channel.into(),
                    kind: spec.item_kind.into(),
                    title: spec.request_title.into(),
                    sender_name: party_name.clone(),
                    sender_address: party_address.clone(),
                    sender_reference: None,
                    letter_date: Some(letter_date.to_string()),
                    received_on: start.to_string(),
                    registered_at: t_open - 3_600_000_000,
                    registered_by: self.registrar.id.clone(),
                    access_level: "internal".into(),
                    attachments_count: 1,
                    paper_store_no: None,
                    unit_id: Some(unit.id.clone()),
                    handler_id: Some(handler.id.clone()),
                    case_id: Some(case_id.clone()),
                    notes: String::new(),
                };
                b.assignments.push(AssignmentRow {
                    id: new_id(),
                    tenant_id: t.clone(),
                    object_type: "item".into(),
                    object_id: item.id.clone(),
                    unit_id: unit.id.clone(),
                    handler_id: Some(handler.id.clone()),
                    manner: Some("handle".into()),
                    deadline: None,
                    note: String::new(),
                    assigned_by: approver.id.clone(),
                    assigned_at: t_open - 1_800_000_000,
                    changed_at: None,
                    superseded_at: None,
                });
                Some(item)
            } else {
                None
            };
            let mut case = CaseRow {
                id: case_id.clone(),
                tenant_id: t.clone(),
                sign: sign.clone(),
                unit_id: unit.id.clone(),
                class_symbol: spec.symbol.into(),
                year,
                number,
                title: format!(
                    "{} — ul. {street} {}, {town}",
                    spec.subject,
                    rng.range(1, 99)
                ),
                procedure_kind: spec.kind.into(),
                complicated: spec.kind == "administrative" && rng.chance(0.1),
                status: if closed_on.is_some() {
                    "closed"
                } else {
                    "open"
                }
                .into(),
                handler_id: Some(handler.id.clone()),
                opened_by: handler.id.clone(),
                access_level: if rng.chance(0.03) {
                    "restricted"
                } else {
                    "internal"
                }
                .into(),
                start_date: start.to_string(),
                due_date: None,
                extension_due: None,
                extension_reason: None,
                incoming_item_id: item.as_ref().map(|i| i.id.clone()),
                closed_on: closed_on.map(|d| d.to_string()),
                final_document_id: None,
                transfer_id: None,
                created_at: t_open,
                updated_at: t_closed.unwrap_or(t_open),
            };
            case.due_date = ratusz_app::cases::deadlines::compute(&case, &[])
                .map_err(ae)?
                .due
                .map(|d| d.to_string());
            let mut log = Vec::new();
            let mut log_entry =
                |at: i64, action: &str, doc: Option<&str>, details: serde_json::Value| {
                    log.push(CaseLogRow {
                        id: new_id(),
                        tenant_id: t.clone(),
                        case_id: case_id.clone(),
                        seq: log.len() as i64 + 1,
                        at,
                        actor_id: Some(handler.id.clone()),
                        actor_label: handler.email.clone(),
                        action: action.into(),
                        document_id: doc.map(str::to_owned),
                        details: details.to_string(),
                    });
                };
            log_entry(
                t_open,
                "case.opened",
                None,
                json!({"sign": case.sign, "procedure_kind": case.procedure_kind, "start_date": case.start_date, "due_date": case.due_date}),
            );
            b.parties.push(CasePartyRow {
                id: new_id(),
                tenant_id: t.clone(),
                case_id: case_id.clone(),
                role: "applicant".into(),
                name: party_name.clone(),
                address: party_address.clone(),
                email: None,
                edelivery_address: None,
                created_at: t_open,
            });
            if rng.chance(0.2) {
                let (name, address) = Self::party(&mut rng, street, town);
                b.parties.push(CasePartyRow {
                    id: new_id(),
                    tenant_id: t.clone(),
                    case_id: case_id.clone(),
                    role: "party".into(),
                    name,
                    address,
                    email: None,
                    edelivery_address: None,
                    created_at: t_open + 1,
                });
            }
            // Three documents: the request (or a note when opened ex officio), an attachment,
            // and the answer.
            let answer_status = if closed_on.is_some() {
                "dispatched"
            } else {
                ["draft", "pending_approval", "approved"][rng.weighted(&[80, 8, 12])]
            };
            let docs = [
                match &item {
                    Some(it) => DocPlan {
                        slot: 0,
                        title: spec.request_title.to_owned(),
                        kind: "incoming_letter",
                        direction: "incoming",
                        status: "filed",
                        item_id: Some(it.id.clone()),
                        at: t_open - 3_600_000_000,
                    },
                    None => DocPlan {
                        slot: 0,
                        title: format!(
                            "Notatka o wszczęciu z urzędu: {}",
                            spec.subject.to_lowercase()
                        ),
                        kind: "note",
                        direction: "internal",
                        status: "filed",
                        item_id: None,
                        at: t_open,
                    },
                },
                DocPlan {
                    slot: 1,
                    title: spec.attachment.to_owned(),
                    kind: "attachment",
                    direction: "internal",
                    status: "filed",
                    item_id: None,
                    at: t_open + 60_000_000,
                },
                DocPlan {
                    slot: 2,
                    title: spec.answer.to_owned(),
                    kind: spec.answer_kind,
                    direction: "outgoing",
                    status: answer_status,
                    item_id: None,
                    at: t_open + 120_000_000,
                },
            ];
            if let Some(it) = &item {
                log_entry(
                    t_open,
                    "item.joined",
                    None,
                    json!({"item_ref": it.item_ref, "documents": 1}),
                );
            }
            for DocPlan {
                slot,
                title,
                kind,
                direction,
                status,
                item_id,
                at,
            } in docs
            {
                let doc_id = new_id();
                let author = if direction == "incoming" {
                    &self.registrar
                } else {
                    &handler
                };
                let (blob, text) = self.texts.get(class, slot, v).clone();
                let outgoing = slot == 2;
                b.documents.push(DocumentRow {
                    id: doc_id.clone(),
                    tenant_id: t.clone(),
                    case_id: Some(case_id.clone()),
                    incoming_item_id: item_id,
                    title: title.clone(),
                    kind: kind.into(),
                    direction: direction.into(),
                    status: status.into(),
                    access_level: case.access_level.clone(),
                    author_id: Some(author.id.clone()),
                    template_id: None,
                    addressee_name: outgoing.then(|| party_name.clone()),
                    addressee_address: outgoing.then(|| party_address.clone()),
                    self_approval: false,
                    current_version: 1,
                    created_at: at,
                    updated_at: t_closed.unwrap_or(at),
                });
                b.versions.push(DocumentVersionRow {
                    id: new_id(),
                    tenant_id: t.clone(),
                    document_id: doc_id.clone(),
                    version: 1,
                    blob_key: blob.key.clone(),
                    file_name: ["wniosek.txt", "zalacznik.txt", "odpowiedz-v1.txt"][slot].into(),
                    media_type: "text/plain".into(),
                    size: blob.size,
                    sha256: blob.sha256.clone(),
                    text_content: Some(text.clone()),
                    created_by: Some(author.id.clone()),
                    created_at: at,
                });
                match slot {
                    0 => {}
                    1 => log_entry(at, "document.added", Some(&doc_id), json!({"title": title})),
                    _ => {
                        log_entry(at, "draft.created", Some(&doc_id), json!({"title": title}));
                        if status != "draft" {
                            let decided = status != "pending_approval";
                            b.steps.push(ApprovalStepRow {
                                id: new_id(),
                                tenant_id: t.clone(),
                                document_id: doc_id.clone(),
                                round: 1,
                                position: 1,
                                approver_id: approver.id.clone(),
                                status: if decided { "approved" } else { "pending" }.into(),
                                comment: None,
                                decided_at: decided.then_some(at + 86_400_000_000),
                                created_at: at + 60_000_000,
                            });
                            log_entry(at + 60_000_000, "draft.submitted", Some(&doc_id), json!({}));
                        }
                        if let (Some(closed), Some(t_closed)) = (closed_on, t_closed) {
                            let y = closed.year();
                            let n = self.take(format!("out:{y}"), &mut touched);
                            let method = [
                                "edelivery",
                                "registered_post",
                                "post",
                                "email",
                                "in_person",
                                "portal",
                            ][rng.weighted(&[25, 35, 10, 10, 10, 10])];
                            let item_ref = ratusz_app::casefiles::dispatch::outgoing_ref(y, n);
                            log_entry(
                                t_closed,
                                "document.dispatched",
                                Some(&doc_id),
                                json!({"item_ref": item_ref, "method": method, "sha256": blob.sha256}),
                            );
                            b.outgoing.push(OutgoingItemRow {
                                id: new_id(),
                                tenant_id: t.clone(),
                                year: y,
                                number: n,
                                item_ref,
                                case_id: case_id.clone(),
                                document_id: doc_id.clone(),
                                addressee_name: party_name.clone(),
                                addressee_address: party_address.clone(),
                                dispatch_method: method.into(),
                                registered_by: handler.id.clone(),
                                registered_at: t_closed,
                            });
                            case.final_document_id = Some(doc_id.clone());
                            log_entry(
                                t_closed,
                                "case.closed",
                                Some(&doc_id),
                                json!({"closed_on": case.closed_on}),
                            );
                        }
                    }
                }
            }
            // Related cases (the same matter again, an appeal, a complaint about a case).
            let recent = &mut self.recent[ui];
            if rng.chance(0.02) && !recent.is_empty() {
                b.links.push(CaseLinkRow {
                    tenant_id: t.clone(),
                    case_id: case_id.clone(),
                    related_case_id: recent[rng.below(recent.len())].clone(),
                    created_at: t_open,
                });
            }
            if recent.len() < 64 {
                recent.push(case_id.clone());
            } else {
                let k = rng.below(64);
                recent[k] = case_id.clone();
            }
            let seq = self.take("search".into(), &mut touched);
            b.changes.push(SearchChangeRow {
                tenant_id: t.clone(),
                seq,
                object_type: "case".into(),
                object_id: case_id.clone(),
                at: case.updated_at,
            });
            if let Some(it) = item {
                let seq = self.take("search".into(), &mut touched);
                b.changes.push(SearchChangeRow {
                    tenant_id: t.clone(),
                    seq,
                    object_type: "item".into(),
                    object_id: it.id.clone(),
                    at: t_open,
                });
                b.items.push(it);
            }
            b.log.extend(log);
            b.cases.push(case);
        }
        Ok((b, touched.into_iter().collect()))
    }

    /// Items assigned to the GK clerk that wait for a case ("my work" lists them).
    fn loose_items(&mut self, b: &mut Batch, touched: &mut HashMap<String, i64>) {
        let today = self.planner.today;
        let gk = self
            .units
            .iter()
            .find(|u| u.symbol == "GK")
            .map(|u| u.id.clone())
            .unwrap_or_default();
        let t = self.tenant_id.clone();
        let mut rng = Rng::new(self.planner.seed, u64::MAX - self.planner.base);
        for k in 0..CLERK_LOOSE_ITEMS {
            let class = k % 9; // the GK classes come first
            let spec = &CLASSES[class];
            let received = today - time::Duration::days(rng.range(0, 20));
            let year = received.year();
            let n = self.take(format!("rpw:{year}"), touched);
            let (street, _) = *rng.pick(&STREETS);
            let (name, address) = Self::party(&mut rng, street, TOWNS[0]);
            let at = ts(received.midnight().assume_utc()) + 9 * 3_600_000_000;
            let item = IncomingItemRow {
                id: new_id(),
                tenant_id: t.clone(),
                year,
                number: n,
                item_ref: ratusz_app::registry::incoming::item_ref(year, n),
                channel: "epuap".into(),
                kind: spec.item_kind.into(),
                title: spec.request_title.into(),
                sender_name: name,
                sender_address: address,
                sender_reference: None,
                letter_date: Some(received.to_string()),
                received_on: received.to_string(),
                registered_at: at,
                registered_by: self.registrar.id.clone(),
                access_level: "internal".into(),
                attachments_count: 0,
                paper_store_no: None,
                unit_id: Some(gk.clone()),
                handler_id: Some(self.clerk.id.clone()),
                case_id: None,
                notes: String::new(),
            };
            b.assignments.push(AssignmentRow {
                id: new_id(),
                tenant_id: t.clone(),
                object_type: "item".into(),
                object_id: item.id.clone(),
                unit_id: gk.clone(),
                handler_id: Some(self.clerk.id.clone()),
                manner: Some("handle".into()),
                deadline: Some((received + time::Duration::days(14)).to_string()),
                note: String::new(),
                assigned_by: self.manager.id.clone(),
                assigned_at: at + 3_600_000_000,
                changed_at: None,
                superseded_at: None,
            });
            let seq = self.take("search".into(), touched);
            b.changes.push(SearchChangeRow {
                tenant_id: t.clone(),
                seq,
                object_type: "item".into(),
                object_id: item.id.clone(),
                at,
            });
            b.items.push(item);
        }
    }
}

pub fn seed(
    cfg: &Config,
    cases: u64,
    slug: &str,
    batch: usize,
    seed_value: u64,
) -> anyhow::Result<ExitCode> {
    let app = crate::cli::open_app(cfg)?;
    app.ensure_demo(&[]).map_err(ae)?;
    let tenant = app
        .tenant_by_slug(slug)
        .map_err(ae)?
        .ok_or_else(|| anyhow!("no municipality {slug:?}"))?;
    let tid = tenant.tenant_id.clone();
    let (units, clerk, manager) = ensure_staff(&app, &tid)?;
    let registrar = app
        .user_by_email(&tid, "kancelaria@przykladowo.gov.pl")
        .map_err(ae)?
        .map(|u| Person {
            id: u.id,
            email: u.email,
        })
        .ok_or_else(|| anyhow!("the demo registrar is missing"))?;
    let existing = app.store.read(|c| seed::case_count(c, &tid))?;
    // Classes must be leaves of the tenant's file plan.
    let plan: HashMap<String, Option<String>> = app
        .file_classes(&tid)
        .map_err(ae)?
        .into_iter()
        .map(|c| (c.symbol, c.category))
        .collect();
    for c in CLASSES {
        if !matches!(plan.get(c.symbol), Some(Some(_))) {
            return Err(anyhow!(
                "class {} is not a final class of the file plan",
                c.symbol
            ));
        }
    }
    let class_unit: Vec<usize> = CLASSES
        .iter()
        .map(|c| units.iter().position(|u| u.symbol == c.unit).unwrap_or(0))
        .collect();
    let today = app.clock.today_warsaw();
    let first = Date::from_calendar_date(FIRST_YEAR, time::Month::January, 2)?;
    let planner = Planner {
        seed: seed_value,
        base: existing as u64,
        total: cases.max(1),
        first,
        today,
        span_days: (today - first).whole_days(),
        weights: CLASSES.iter().map(|c| c.weight).collect(),
    };
    // How many GK cases will be open and closed, to give the GK clerk a realistic share.
    let t0 = Instant::now();
    let (mut gk_open, mut gk_closed) = (0f64, 0f64);
    for i in 0..cases {
        let p = planner.plan(i);
        if CLASSES[p.class].unit == "GK" {
            if p.closed_on.is_some() {
                gk_closed += 1.0;
            } else {
                gk_open += 1.0;
            }
        }
    }
    let planned_secs = t0.elapsed().as_secs_f64();
    let scale = cases as f64 / 1_000_000f64;
    let p_open = (CLERK_OPEN / gk_open.max(1.0)).min(1.0);
    let p_closed = (CLERK_CLOSED * scale.max(0.1) / gk_closed.max(1.0)).min(1.0);
    // The texts, each stored once (content-addressed).
    let blobs = app.blobs().map_err(ae)?;
    let mut texts = Vec::with_capacity(CLASSES.len() * 3 * VARIANTS);
    for c in CLASSES {
        for slot in 0..3 {
            for v in 0..VARIANTS {
                let text = text_of(c, slot, v);
                let stored = blobs.put(&tid, text.as_bytes())?;
                texts.push((stored, text));
            }
        }
    }
    let counters: HashMap<String, i64> = app
        .store
        .read(|c| seed::counters(c, &tid))?
        .into_iter()
        .collect();
    println!(
        "seeding {cases} cases into {} ({} already there); GK: ~{gk_open:.0} open, ~{gk_closed:.0} closed; \
         the GK clerk takes {:.1}% of open and {:.1}% of closed ones (planned in {:.1} s)",
        app.store.engine().as_str(),
        existing,
        p_open * 100.0,
        p_closed * 100.0,
        planned_secs
    );
    let mut seeder = Seeder {
        tenant_id: tid.clone(),
        planner,
        units: &units,
        class_unit,
        clerk,
        manager,
        registrar,
        texts: Texts { blobs: texts },
        p_open,
        p_closed,
        counters,
        recent: vec![Vec::new(); units.len()],
    };
    let batch = batch.clamp(100, 50_000) as u64;
    let started = Instant::now();
    let mut rows = 0usize;
    let mut insert_time = Duration::ZERO;
    let mut next_report = 0u64;
    // One thread generates, this one writes: the generator stays a batch ahead.
    let (tx, rx) =
        std::sync::mpsc::sync_channel::<anyhow::Result<(u64, Batch, Vec<(String, i64)>)>>(2);
    std::thread::scope(|s| -> anyhow::Result<()> {
        s.spawn(move || {
            let mut from = 0;
            while from < cases {
                let to = (from + batch).min(cases);
                let r = seeder.batch(from, to).map(|(b, c)| (to, b, c));
                let failed = r.is_err();
                if tx.send(r).is_err() || failed {
                    return;
                }
                from = to;
            }
        });
        for msg in rx {
            let (done, b, touched) = msg?;
            let t = Instant::now();
            rows += app.store.write(|c| {
                let n = seed::insert(c, &b)?;
                seed::raise_counters(c, &tid, &touched)?;
                Ok::<_, StoreError>(n)
            })?;
            insert_time += t.elapsed();
            if done >= next_report || done == cases {
                let secs = started.elapsed().as_secs_f64();
                println!(
                    "  {done:>9} cases  {rows:>10} rows  {:>6.0} s  {:>8.0} rows/s  {:>6.0} cases/s",
                    secs,
                    rows as f64 / secs,
                    done as f64 / secs
                );
                next_report = done + (cases / 20).max(batch);
            }
        }
        Ok(())
    })?;
    app.store.read(seed::analyze)?;
    let secs = started.elapsed().as_secs_f64();
    let (open, all) = {
        let p = principal(&app, &tid, CLERK)?;
        app.store
            .read(|c| seed::handler_counts(c, &tid, &p.user.id))?
    };
    println!(
        "seeded {cases} cases, {rows} rows in {secs:.1} s: {:.0} rows/s, {:.0} cases/s \
         (database writes {:.1} s); the GK clerk now has {open} open of {all} cases",
        rows as f64 / secs,
        cases as f64 / secs,
        insert_time.as_secs_f64()
    );
    println!("next: `ratusz reindex` (or `ratusz bench registry`, which catches the index up)");
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// Measuring.

pub(super) struct Lat {
    pub(super) calls: usize,
    pub(super) p50: f64,
    pub(super) p95: f64,
    pub(super) p99: f64,
    pub(super) max: f64,
}

pub(super) fn lat_of(mut us: Vec<u64>) -> Lat {
    us.sort_unstable();
    let pct = |p: f64| {
        if us.is_empty() {
            return 0.0;
        }
        let idx = ((us.len() as f64 - 1.0) * p).round() as usize;
        us[idx.min(us.len() - 1)] as f64 / 1000.0
    };
    Lat {
        calls: us.len(),
        p50: pct(0.50),
        p95: pct(0.95),
        p99: pct(0.99),
        max: pct(1.0),
    }
}

/// Calls `f` at least `min_calls` times and for at least `min_secs` (a slow call stops after a
/// minute with at least 100 calls); a few warm-up calls are not counted.
pub(super) fn measure(
    min_calls: usize,
    min_secs: u64,
    mut f: impl FnMut(usize) -> Result<(), AppError>,
) -> anyhow::Result<Lat> {
    for i in 0..5 {
        f(i).map_err(ae)?;
    }
    let started = Instant::now();
    let mut us = Vec::with_capacity(min_calls);
    let mut i = 0;
    loop {
        let t = Instant::now();
        f(i).map_err(ae)?;
        us.push(t.elapsed().as_micros() as u64);
        i += 1;
        let secs = started.elapsed().as_secs();
        if (i >= min_calls && secs >= min_secs) || (secs >= 60 && i >= 100) {
            break;
        }
    }
    Ok(lat_of(us))
}

pub(super) fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

/// What `bench registry` measures, and how long.
pub struct Options {
    /// Least seconds per latency measurement.
    pub seconds: u64,
    /// Least calls per latency measurement.
    pub samples: usize,
    /// Cases to open per run (0: none).
    pub opens: usize,
    /// Rebuild the search index instead of catching up.
    pub reindex: bool,
    /// Neither index nor search.
    pub skip_search: bool,
}

pub fn registry(cfg: &Config, slug: &str, o: Options) -> anyhow::Result<ExitCode> {
    let Options {
        seconds,
        samples,
        opens,
        reindex,
        skip_search,
    } = o;
    let app = crate::cli::open_app(cfg)?;
    let engine = app.store.engine();
    let tenant = app
        .tenant_by_slug(slug)
        .map_err(ae)?
        .ok_or_else(|| anyhow!("no municipality {slug:?}: run `ratusz bench seed` first"))?;
    let tid = tenant.tenant_id.clone();
    let clerk = principal(&app, &tid, CLERK)?;
    let manager = principal(&app, &tid, MANAGER)?;
    let gk = app
        .units(&tid)
        .map_err(ae)?
        .into_iter()
        .find(|u| u.symbol == "GK")
        .ok_or_else(|| anyhow!("no unit GK"))?;
    let total = app.store.read(|c| seed::case_count(c, &tid))?;
    let (open, all) = app
        .store
        .read(|c| seed::handler_counts(c, &tid, &clerk.user.id))?;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "ratusz bench registry — {}, {total} cases, {cores} cores; GK clerk {CLERK}: {open} open of {all} cases",
        engine.as_str()
    );

    // The search index: rebuilt, or caught up with the change log (a full build when empty).
    if !skip_search {
        let t = Instant::now();
        let indexed = if reindex {
            app.reindex().map_err(ae)?
        } else {
            app.search.catch_up(&app.store, &tid).map_err(ae)?
        };
        let index_secs = t.elapsed().as_secs_f64();
        let docs = app.search.doc_count().map_err(ae)?;
        println!(
            "search index: {docs} documents; {} {indexed} objects in {index_secs:.1} s ({:.0}/s)",
            if reindex {
                "rebuilt from"
            } else {
                "caught up with"
            },
            indexed as f64 / index_secs.max(1e-9)
        );
    }

    // "My work".
    let mut rows = 0;
    let my_work = measure(samples, seconds, |_| {
        rows = app.my_work(&clerk, 500)?.len();
        Ok(())
    })?;
    let mut mgr_rows = 0;
    let mgr_work = measure(samples, seconds, |_| {
        mgr_rows = app.my_work(&manager, 500)?.len();
        Ok(())
    })?;

    // The case view of random GK cases.
    let ids = app
        .store
        .read(|c| seed::case_ids_of_unit(c, &tid, &gk.id, &clerk.user.id))?;
    if ids.is_empty() {
        return Err(anyhow!("no GK cases: run `ratusz bench seed` first"));
    }
    let mut rng = Rng::new(7, 7);
    let picks: Vec<&String> = (0..samples.max(1) * 20)
        .map(|_| &ids[rng.below(ids.len())])
        .collect();
    let view = measure(samples, seconds, |i| {
        app.case_view(&clerk, picks[i % picks.len()]).map(|_| ())
    })?;
    // A sign and an item reference that exist (and the clerk sees), to search by.
    let sample_case = app.case(&clerk, picks[0]).map_err(ae)?;
    let sign = sample_case.sign.clone();
    let sign_prefix = sign.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
    let mut item_ref = String::from("RPW/2025/000100");
    for id in picks.iter().take(50) {
        let case = app.case(&clerk, id).map_err(ae)?;
        if let Some(i) = &case.incoming_item_id
            && let Some(item) = app
                .store
                .read(|c| ratusz_store::registry::incoming(c, &tid, i))?
        {
            item_ref = item.item_ref;
            break;
        }
    }

    // Search: common words in inflected forms, names, streets, signs.
    let queries: Vec<String> = [
        "zajęcie pasa drogowego",
        "zajęcia pasa",
        "zezwolenie na zajęcie",
        "usunięcia drzewa",
        "decyzji o warunkach zabudowy",
        "warunki zabudowy",
        "usunięcie drzew",
        "drzewa",
        "podziału nieruchomości",
        "numeru porządkowego",
        "dzierżawy gruntu",
        "ulicy Lipowej",
        "Lipowa",
        "Kowalskiej",
        "Wiśniewski",
        "Jan Nowak",
        "odwołanie do Samorządowego Kolegium",
        "lokalizacja zjazdu",
        "Zalesie Kolejowej",
        "organizacji ruchu",
        &sign,
        &sign_prefix,
        &item_ref,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut per_query: Vec<Vec<u64>> = vec![Vec::new(); queries.len()];
    let mut hits: Vec<usize> = vec![0; queries.len()];
    let search = if skip_search {
        None
    } else {
        let mut all = Vec::new();
        for q in &queries {
            app.search(&clerk, q, 20).map_err(ae)?; // warm-up
        }
        let started = Instant::now();
        let mut i = 0;
        loop {
            let k = i % queries.len();
            let t = Instant::now();
            hits[k] = app.search(&clerk, &queries[k], 20).map_err(ae)?.len();
            let us = t.elapsed().as_micros() as u64;
            per_query[k].push(us);
            all.push(us);
            i += 1;
            let secs = started.elapsed().as_secs();
            if (i >= samples && secs >= seconds) || (secs >= 60 && i >= 100) {
                break;
            }
        }
        Some(lat_of(all))
    };

    // Opening cases: the GK clerk, sequentially, then from several threads at once. A colleague
    // handles them, so that the clerk's "my work" stays the same for the next run.
    let colleague = app
        .user_by_email(&tid, "bench.gk.01@przykladowo.gov.pl")
        .map_err(ae)?
        .ok_or_else(|| anyhow!("no bench clerk: run `ratusz bench seed` first"))?;
    let gk_classes = ["7203", "7204", "6730", "6131", "6861"];
    let open_one = |k: usize| -> Result<(), AppError> {
        app.open_case(
            &clerk,
            &OpenCaseInput {
                unit_id: gk.id.clone(),
                class_symbol: gk_classes[k % gk_classes.len()].into(),
                procedure_kind: "administrative".into(),
                title: format!("Zajęcie pasa drogowego — pomiar {k}"),
                party_name: "Jan Kowalski".into(),
                party_address: "ul. Lipowa 1\n12-345 Przykładowo".into(),
                handler_id: colleague.id.clone(),
                ..Default::default()
            },
        )
        .map(|_| ())
    };
    // On SQLite, 8 threads once more with the writers queued on a lock in this process instead
    // of on SQLite's busy handler (which polls with sleeps of up to 100 ms).
    let writer_lock = std::sync::Mutex::new(());
    let sqlite = engine == ratusz_store::Engine::Sqlite;
    let mut opening = Vec::new();
    for (threads, queued) in [(1usize, false), (4, false), (8, false), (8, true)] {
        if opens == 0 || (queued && !sqlite) {
            break;
        }
        let per = opens.div_ceil(threads);
        let started = Instant::now();
        let lats: Vec<anyhow::Result<Vec<u64>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|th| {
                    let (open_one, writer_lock) = (&open_one, &writer_lock);
                    s.spawn(move || -> anyhow::Result<Vec<u64>> {
                        let mut us = Vec::with_capacity(per);
                        for k in 0..per {
                            let t = Instant::now();
                            let _queue = queued.then(|| writer_lock.lock());
                            open_one(th * per + k).map_err(ae)?;
                            us.push(t.elapsed().as_micros() as u64);
                        }
                        Ok(us)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| anyhow!("thread panicked"))
                        .and_then(|r| r)
                })
                .collect()
        });
        let secs = started.elapsed().as_secs_f64();
        let mut all = Vec::new();
        for l in lats {
            all.extend(l.context("opening cases")?);
        }
        let n = all.len();
        opening.push((threads, queued, n as f64 / secs, lat_of(all)));
    }

    println!();
    println!(
        "{:<40} {:>7} {:>8} {:>8} {:>8} {:>8}  goal",
        "measure", "calls", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let line = |name: &str, l: &Lat, goal: &str| {
        println!(
            "{:<40} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>8.2}  {goal}",
            name, l.calls, l.p50, l.p95, l.p99, l.max
        );
    };
    line(
        &format!("my work, GK clerk ({rows} rows)"),
        &my_work,
        &format!("p99 < 20 ms: {}", verdict(my_work.p99 < 20.0)),
    );
    line(
        &format!("my work, GK manager ({mgr_rows} rows)"),
        &mgr_work,
        "",
    );
    line(
        "case view, random GK case",
        &view,
        &format!("p99 < 20 ms: {}", verdict(view.p99 < 20.0)),
    );
    if let Some(search) = &search {
        line(
            &format!("search, {} queries, GK clerk", queries.len()),
            search,
            &format!("p95 < 50 ms: {}", verdict(search.p95 < 50.0)),
        );
    }
    for (threads, queued, rate, l) in &opening {
        let goal = if *threads == 1 && sqlite {
            format!("≥ 500 cases/s: {}", verdict(*rate >= 500.0))
        } else {
            String::new()
        };
        let how = if *queued { " (queued)" } else { "" };
        line(
            &format!("open case, {threads} thr{how}: {rate:.0} cases/s"),
            l,
            &goal,
        );
    }
    if search.is_none() {
        return Ok(ExitCode::SUCCESS);
    }
    println!();
    println!("search queries (GK clerk's view, 20 hits at most):");
    for ((q, us), n) in queries.iter().zip(per_query).zip(hits) {
        let l = lat_of(us);
        println!(
            "  {:<40} {:>3} hits  p50 {:>7.2} ms  p95 {:>7.2} ms",
            format!("\"{q}\""),
            n,
            l.p50,
            l.p95
        );
    }
    Ok(ExitCode::SUCCESS)
}
