//! Case handling law: kinds of procedure and their statutory terms, the case state machine, and
//! the case clock (when a case must be settled).
//!
//! # Legal basis
//!
//! - Kodeks postępowania administracyjnego (KPA, ustawa z dnia 14 czerwca 1960 r., Dz.U. 1960
//!   nr 30 poz. 168, z późn. zm.): art. 35 (terms for settling a case and the periods not counted),
//!   art. 36 (notice of delay with a new term), art. 57 (counting terms), art. 64 § 2 (notice to
//!   remedy deficiencies), art. 97–98 (suspension), art. 217 (certificates), art. 237 (complaints),
//!   art. 244 (motions);
//! - ustawa z dnia 6 września 2001 r. o dostępie do informacji publicznej (UDIP), art. 13;
//! - ustawa z dnia 11 lipca 2014 r. o petycjach, art. 10.
//!
//! Terms of UDIP and the ustawa o petycjach are counted like KPA terms: those acts do not refer to
//! KPA, but the Kodeks cywilny counts days and months the same way (art. 111 § 2, art. 112) and
//! moves an end falling on a Saturday or a day free from work to the next working day (art. 115),
//! as KPA art. 57 § 4 does.

mod clock;
mod explain;
mod status;
mod words;

#[cfg(test)]
mod tests;

pub use clock::{
    CaseClockInput, CaseDeadlineError, CaseDue, DueStatus, Extension, ExtensionStep,
    MIN_DEFICIENCY_DAYS, Pause, PauseEffect, PauseReason, PauseStep, compute_case_due,
    deficiency_deadline, due_status, public_information_cap,
};
pub use status::{CaseAction, CaseStatus, TransitionError};

use crate::calendar::Term;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// What kind of matter a case is, which decides its statutory term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureKind {
    /// An administrative proceeding under KPA ending with a decision (decyzja administracyjna).
    Administrative,
    /// A certificate (zaświadczenie), KPA art. 217.
    Certificate,
    /// A request for public information, UDIP art. 10 and 13.
    PublicInformation,
    /// A petition, ustawa o petycjach.
    Petition,
    /// A complaint (skarga), KPA art. 227 and following.
    Complaint,
    /// A motion (wniosek), KPA art. 241 and following.
    Motion,
    /// An incoming invoice to describe and pay; no statutory term for the office.
    Invoice,
    /// Any other matter; no statutory term.
    Other,
}

impl ProcedureKind {
    pub const ALL: [ProcedureKind; 8] = [
        Self::Administrative,
        Self::Certificate,
        Self::PublicInformation,
        Self::Petition,
        Self::Complaint,
        Self::Motion,
        Self::Invoice,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Administrative => "administrative",
            Self::Certificate => "certificate",
            Self::PublicInformation => "public_information",
            Self::Petition => "petition",
            Self::Complaint => "complaint",
            Self::Motion => "motion",
            Self::Invoice => "invoice",
            Self::Other => "other",
        }
    }

    /// The name a clerk or resident reads.
    pub fn label_pl(self) -> &'static str {
        match self {
            Self::Administrative => "postępowanie administracyjne",
            Self::Certificate => "wydanie zaświadczenia",
            Self::PublicInformation => "wniosek o udostępnienie informacji publicznej",
            Self::Petition => "petycja",
            Self::Complaint => "skarga",
            Self::Motion => "wniosek (KPA dział VIII)",
            Self::Invoice => "faktura",
            Self::Other => "inna sprawa",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Administrative => "administrative proceeding",
            Self::Certificate => "certificate",
            Self::PublicInformation => "request for public information",
            Self::Petition => "petition",
            Self::Complaint => "complaint",
            Self::Motion => "motion (KPA section VIII)",
            Self::Invoice => "invoice",
            Self::Other => "other matter",
        }
    }
}

impl fmt::Display for ProcedureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProcedureKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownName::new("procedure kind", s, Self::ALL.map(Self::as_str)))
    }
}

/// A text that names none of the values of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}; allowed: {}", allowed.join(", "))]
pub struct UnknownName {
    /// What was being named, in English (e.g. "procedure kind").
    pub what: &'static str,
    pub value: String,
    pub allowed: Vec<&'static str>,
}

impl UnknownName {
    fn new(
        what: &'static str,
        value: &str,
        allowed: impl IntoIterator<Item = &'static str>,
    ) -> Self {
        Self {
            what,
            value: value.to_owned(),
            allowed: allowed.into_iter().collect(),
        }
    }

    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        "unknown-value"
    }

    pub fn message_pl(&self) -> String {
        format!(
            "Nieznana wartość „{}” ({}). Dozwolone: {}.",
            self.value,
            self.what,
            self.allowed.join(", ")
        )
    }

    pub fn message_en(&self) -> String {
        format!(
            "Unknown {} “{}”. Allowed: {}.",
            self.what,
            self.value,
            self.allowed.join(", ")
        )
    }
}

/// A term set by statute for settling a kind of case, with its legal basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatutoryTerm {
    #[serde(serialize_with = "term_as_text")]
    pub term: Term,
    /// The legal basis in Polish, e.g. "art. 35 § 3 KPA".
    pub basis_pl: &'static str,
    /// The legal basis in English, e.g. "KPA art. 35 § 3".
    pub basis_en: &'static str,
}

fn term_as_text<S: Serializer>(term: &Term, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(term)
}

/// The term within which a case of `kind` must be settled, if a statute sets one.
///
/// - `Administrative`: one month, two months if the case is particularly complicated — KPA art. 35
///   § 3 (a case that needs no explanatory proceeding should be settled without delay, art. 35 § 2,
///   but the law sets no number of days, so the one-month term is the outer limit);
/// - `Certificate`: 7 days — KPA art. 217 § 3;
/// - `PublicInformation`: 14 days — UDIP art. 13 ust. 1 (up to 2 months with a notice of delay,
///   art. 13 ust. 2, see [`Extension`]);
/// - `Petition`: 3 months — ustawa o petycjach art. 10 ust. 1;
/// - `Complaint`: one month — KPA art. 237 § 1;
/// - `Motion`: one month — KPA art. 244 § 1;
/// - `Invoice`, `Other`: no statutory term.
///
/// `complicated` matters only for `Administrative`.
pub fn statutory_term(kind: ProcedureKind, complicated: bool) -> Option<StatutoryTerm> {
    let (term, basis_pl, basis_en) = match (kind, complicated) {
        (ProcedureKind::Administrative, false) => {
            (Term::Months(1), "art. 35 § 3 KPA", "KPA art. 35 § 3")
        }
        (ProcedureKind::Administrative, true) => (
            Term::Months(2),
            "art. 35 § 3 KPA – sprawa szczególnie skomplikowana",
            "KPA art. 35 § 3, particularly complicated case",
        ),
        (ProcedureKind::Certificate, _) => (Term::Days(7), "art. 217 § 3 KPA", "KPA art. 217 § 3"),
        (ProcedureKind::PublicInformation, _) => (
            Term::Days(14),
            "art. 13 ust. 1 ustawy o dostępie do informacji publicznej",
            "Access to Public Information Act, art. 13(1)",
        ),
        (ProcedureKind::Petition, _) => (
            Term::Months(3),
            "art. 10 ust. 1 ustawy o petycjach",
            "Petitions Act, art. 10(1)",
        ),
        (ProcedureKind::Complaint, _) => (Term::Months(1), "art. 237 § 1 KPA", "KPA art. 237 § 1"),
        (ProcedureKind::Motion, _) => (Term::Months(1), "art. 244 § 1 KPA", "KPA art. 244 § 1"),
        (ProcedureKind::Invoice | ProcedureKind::Other, _) => return None,
    };
    Some(StatutoryTerm {
        term,
        basis_pl,
        basis_en,
    })
}
