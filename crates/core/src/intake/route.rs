//! Combining what the rules and the model say into one suggestion per question (unit, JRWA
//! class, procedure kind, item kind), with a confidence and the reasons.
//!
//! Each source casts votes: a matching rule votes for its value with the rule's weight, the
//! model votes for every label with its probability, built-in word lists vote for item kinds.
//! Votes for the same value are combined as independent evidence (noisy-OR:
//! `1 − Π(1 − wᵢ)`), so two rules that agree give more confidence than one. The confidence of
//! the winner is then reduced by the strongest competitor (`s₁ × (1 − s₂)`): two rules that
//! disagree, each 0.9 sure, give 0.09 and the robot leaves the choice to a person. The formula
//! is simple on purpose: a registrar can follow it from the reasons shown.

use serde::{Deserialize, Serialize};

use super::rules::words;

/// Where a reason comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A rule an administrator wrote.
    Rule,
    /// The statistical model trained on the office's confirmed assignments.
    Model,
    /// Ratusz's own word lists (item kinds).
    Builtin,
    /// The case the letter refers to.
    CaseSign,
}

/// Why a value was suggested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub source: Source,
    /// The rule's id (rules) or the name of the list (built-in).
    pub id: Option<String>,
    /// Human-readable: the rule's pattern, the model's version.
    pub label: String,
    /// The words or fragments that decided it.
    pub evidence: Vec<String>,
    pub weight: f64,
}

/// One source's vote for a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Vote {
    pub value: String,
    pub weight: f64,
    pub reason: Reason,
}

/// The suggestion for one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub value: String,
    /// 0–1, after subtracting the strongest competitor.
    pub confidence: f64,
    /// The votes for the value, strongest first.
    pub reasons: Vec<Reason>,
    /// Other values with their combined scores, best first (at most 3).
    pub alternatives: Vec<(String, f64)>,
}

/// Combines votes; `None` when nobody voted.
pub fn combine(votes: Vec<Vote>) -> Option<Suggestion> {
    let mut by_value: Vec<(String, f64, Vec<Reason>)> = Vec::new();
    for v in votes {
        let w = if v.weight.is_finite() {
            v.weight.clamp(0.0, 1.0)
        } else {
            0.0
        };
        if w <= 0.0 {
            continue;
        }
        match by_value.iter_mut().find(|(value, ..)| *value == v.value) {
            Some((_, miss, reasons)) => {
                *miss *= 1.0 - w;
                reasons.push(v.reason);
            }
            None => by_value.push((v.value, 1.0 - w, vec![v.reason])),
        }
    }
    let mut scored: Vec<(String, f64, Vec<Reason>)> = by_value
        .into_iter()
        .map(|(value, miss, reasons)| (value, 1.0 - miss, reasons))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut it = scored.into_iter();
    let (value, top, mut reasons) = it.next()?;
    let rest: Vec<(String, f64)> = it.map(|(v, s, _)| (v, s)).collect();
    let second = rest.first().map_or(0.0, |r| r.1);
    reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    Some(Suggestion {
        value,
        confidence: top * (1.0 - second),
        reasons,
        alternatives: rest.into_iter().take(3).collect(),
    })
}

/// Item kinds named by the letter itself: the words offices and residents use in a heading.
/// (kind code, weight, words or phrases; a phrase's words must stand one after another).
const KIND_WORDS: &[(&str, f64, &[&str])] = &[
    ("public_info_request", 0.9, &["informacji publicznej"]),
    ("petition", 0.85, &["petycja", "petycje", "petycji"]),
    ("complaint", 0.8, &["skarga", "skarge", "skargi"]),
    ("invoice", 0.85, &["faktura", "faktura vat", "fakture"]),
    ("motion", 0.6, &["wniosek w trybie art 241"]),
    (
        "application",
        0.6,
        &[
            "wniosek",
            "wnosze",
            "zwracam sie z prosba",
            "prosze o wydanie",
        ],
    ),
];

/// Built-in votes for the item kind from the letter's words.
pub fn kind_votes(text: &str) -> Vec<Vote> {
    let ws = words(text);
    let mut out = Vec::new();
    for (kind, weight, phrases) in KIND_WORDS {
        let found: Vec<String> = phrases
            .iter()
            .filter(|p| {
                let pw: Vec<&str> = p.split(' ').collect();
                ws.windows(pw.len())
                    .any(|w| w.iter().zip(&pw).all(|(a, b)| a == b))
            })
            .map(|p| (*p).to_owned())
            .collect();
        if !found.is_empty() {
            out.push(Vote {
                value: (*kind).into(),
                weight: *weight,
                reason: Reason {
                    source: Source::Builtin,
                    id: Some("item-kinds".into()),
                    label: "słowa w piśmie".into(),
                    evidence: found,
                    weight: *weight,
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(value: &str, weight: f64) -> Vote {
        Vote {
            value: value.into(),
            weight,
            reason: Reason {
                source: Source::Rule,
                id: None,
                label: value.into(),
                evidence: vec![],
                weight,
            },
        }
    }

    #[test]
    fn agreeing_votes_add_up_and_disagreeing_ones_cancel() {
        let one = combine(vec![vote("GK", 0.8)]).expect("a suggestion");
        assert_eq!(one.value, "GK");
        assert!((one.confidence - 0.8).abs() < 1e-9);
        let two = combine(vec![vote("GK", 0.8), vote("GK", 0.5)]).expect("a suggestion");
        assert!((two.confidence - 0.9).abs() < 1e-9);
        assert_eq!(two.reasons.len(), 2);
        assert!(two.reasons[0].weight >= two.reasons[1].weight);
        let torn = combine(vec![vote("GK", 0.9), vote("OR", 0.9)]).expect("a suggestion");
        assert!(torn.confidence < 0.1, "{}", torn.confidence);
        assert_eq!(torn.alternatives.len(), 1);
    }

    #[test]
    fn no_votes_or_worthless_votes_give_nothing() {
        assert_eq!(combine(vec![]), None);
        assert_eq!(combine(vec![vote("GK", 0.0), vote("OR", f64::NAN)]), None);
    }

    #[test]
    fn kinds_come_from_the_letters_words() {
        let best = |t: &str| combine(kind_votes(t)).map(|s| s.value);
        assert_eq!(
            best("Wniosek o udostępnienie informacji publicznej").as_deref(),
            Some("public_info_request")
        );
        assert_eq!(best("SKARGA na pracownika").as_deref(), Some("complaint"));
        assert_eq!(
            best("Petycja w sprawie oświetlenia").as_deref(),
            Some("petition")
        );
        assert_eq!(
            best("Wnoszę o wydanie zezwolenia").as_deref(),
            Some("application")
        );
        assert_eq!(best("Dzień dobry, pozdrawiam").as_deref(), None);
    }
}
