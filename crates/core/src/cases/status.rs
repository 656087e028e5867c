//! The case state machine: open, suspended, awaiting the party, closed.

use super::UnknownName;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Being handled; the case clock runs.
    Open,
    /// Proceedings suspended by an order (postanowienie), KPA art. 97 § 1 and art. 98 § 1; the
    /// clock stops (art. 35 § 5).
    Suspended,
    /// A notice to remedy deficiencies was sent and the party has not answered yet, KPA art. 64
    /// § 2; the clock stops (art. 35 § 5).
    AwaitingParty,
    /// Settled: a decision, a certificate, an answer, or the request left unconsidered or the
    /// proceedings discontinued.
    Closed,
}

/// Something a clerk does that changes a case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// Suspend the proceedings (KPA art. 97 § 1, art. 98 § 1).
    Suspend,
    /// Resume suspended proceedings (podjęcie postępowania, KPA art. 97 § 2, art. 98 § 1).
    Resume,
    /// Send a notice to remedy deficiencies (KPA art. 64 § 2).
    SendDeficiencyNotice,
    /// Record that the party remedied the deficiencies.
    DeficiencyRemedied,
    /// Settle the case.
    Close,
    /// Open a closed case again (e.g. after the appeal body quashed the decision and returned the
    /// case, KPA art. 138 § 2, or after the proceedings were reopened, art. 145 and following).
    Reopen,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] = [
        Self::Open,
        Self::Suspended,
        Self::AwaitingParty,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Suspended => "suspended",
            Self::AwaitingParty => "awaiting_party",
            Self::Closed => "closed",
        }
    }

    pub fn label_pl(self) -> &'static str {
        match self {
            Self::Open => "w toku",
            Self::Suspended => "zawieszona",
            Self::AwaitingParty => "oczekuje na uzupełnienie braków",
            Self::Closed => "zakończona",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Suspended => "suspended",
            Self::AwaitingParty => "awaiting the party",
            Self::Closed => "closed",
        }
    }

    /// Whether the case clock runs in this status.
    pub fn clock_runs(self) -> bool {
        self == Self::Open
    }

    /// The actions allowed from this status, in the order a clerk would consider them.
    ///
    /// - `Open`: suspend, send a deficiency notice, close.
    /// - `Suspended`: resume, or close — a suspended case may end without being resumed: the
    ///   request is deemed withdrawn when no party asks to resume within three years (KPA art. 98
    ///   § 2) and the proceedings are discontinued (art. 105). Sending a deficiency notice
    ///   requires resuming first.
    /// - `AwaitingParty`: record the remedy, or close — an unremedied request is left
    ///   unconsidered (pozostawienie bez rozpoznania, art. 64 § 2). Suspending requires the
    ///   deficiency to be settled first.
    /// - `Closed`: reopen only.
    pub fn allowed_actions(self) -> &'static [CaseAction] {
        match self {
            Self::Open => &[
                CaseAction::Suspend,
                CaseAction::SendDeficiencyNotice,
                CaseAction::Close,
            ],
            Self::Suspended => &[CaseAction::Resume, CaseAction::Close],
            Self::AwaitingParty => &[CaseAction::DeficiencyRemedied, CaseAction::Close],
            Self::Closed => &[CaseAction::Reopen],
        }
    }

    /// The status after `action`, or why the action is not allowed now (see
    /// [`CaseStatus::allowed_actions`]).
    pub fn can(self, action: CaseAction) -> Result<CaseStatus, TransitionError> {
        use CaseAction::*;
        use CaseStatus::*;
        match (self, action) {
            (Open, Suspend) => Ok(Suspended),
            (Open, SendDeficiencyNotice) => Ok(AwaitingParty),
            (Suspended, Resume) | (AwaitingParty, DeficiencyRemedied) | (Closed, Reopen) => {
                Ok(Open)
            }
            (Open | Suspended | AwaitingParty, Close) => Ok(Closed),
            (from, action) => Err(TransitionError { from, action }),
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseStatus {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownName::new("case status", s, Self::ALL.map(Self::as_str)))
    }
}

impl CaseAction {
    pub const ALL: [CaseAction; 6] = [
        Self::Suspend,
        Self::Resume,
        Self::SendDeficiencyNotice,
        Self::DeficiencyRemedied,
        Self::Close,
        Self::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::SendDeficiencyNotice => "send_deficiency_notice",
            Self::DeficiencyRemedied => "deficiency_remedied",
            Self::Close => "close",
            Self::Reopen => "reopen",
        }
    }

    pub fn label_pl(self) -> &'static str {
        match self {
            Self::Suspend => "zawieszenie postępowania",
            Self::Resume => "podjęcie zawieszonego postępowania",
            Self::SendDeficiencyNotice => "wezwanie do usunięcia braków",
            Self::DeficiencyRemedied => "usunięcie braków przez stronę",
            Self::Close => "zakończenie sprawy",
            Self::Reopen => "ponowne otwarcie sprawy",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Suspend => "suspend the proceedings",
            Self::Resume => "resume the proceedings",
            Self::SendDeficiencyNotice => "send a notice to remedy deficiencies",
            Self::DeficiencyRemedied => "record that the deficiencies were remedied",
            Self::Close => "close the case",
            Self::Reopen => "reopen the case",
        }
    }
}

impl fmt::Display for CaseAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseAction {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or_else(|| UnknownName::new("case action", s, Self::ALL.map(Self::as_str)))
    }
}

/// An action that the case's status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a case that is {from} cannot {action}; allowed: {}", allowed_list(from.allowed_actions()))]
pub struct TransitionError {
    pub from: CaseStatus,
    pub action: CaseAction,
}

fn allowed_list(actions: &[CaseAction]) -> String {
    actions
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl TransitionError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        "case-transition-not-allowed"
    }

    /// The error in plain Polish, with what can be done instead.
    pub fn message_pl(&self) -> String {
        let hint = match (self.from, self.action) {
            (CaseStatus::Suspended, CaseAction::SendDeficiencyNotice) => {
                " Najpierw podejmij zawieszone postępowanie."
            }
            (CaseStatus::AwaitingParty, CaseAction::Suspend) => {
                " Najpierw odnotuj usunięcie braków albo zakończ sprawę."
            }
            _ => "",
        };
        let allowed: Vec<&str> = self
            .from
            .allowed_actions()
            .iter()
            .map(|a| a.label_pl())
            .collect();
        format!(
            "Sprawa ma status „{}”, więc nie można wykonać czynności „{}”.{hint} Dozwolone teraz: {}.",
            self.from.label_pl(),
            self.action.label_pl(),
            allowed.join(", ")
        )
    }

    /// The error in plain English, with what can be done instead.
    pub fn message_en(&self) -> String {
        let hint = match (self.from, self.action) {
            (CaseStatus::Suspended, CaseAction::SendDeficiencyNotice) => {
                " Resume the proceedings first."
            }
            (CaseStatus::AwaitingParty, CaseAction::Suspend) => {
                " Record the remedy or close the case first."
            }
            _ => "",
        };
        let allowed: Vec<&str> = self
            .from
            .allowed_actions()
            .iter()
            .map(|a| a.label_en())
            .collect();
        format!(
            "The case is {}, so you cannot {}.{hint} Allowed now: {}.",
            self.from.label_en(),
            self.action.label_en(),
            allowed.join(", ")
        )
    }
}
