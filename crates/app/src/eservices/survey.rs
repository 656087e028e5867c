//! The one-question satisfaction survey: after a matter's case closes, its resident rates the
//! handling from 1 to 5 with an optional comment (once per matter); the office sees the
//! results per service and per unit. Answers carry no name: the results show counts,
//! averages, the distribution and the latest comments.

use std::collections::BTreeMap;

use ratusz_core::roles::Permission;
use ratusz_store::eservices::contact::{self as repo, SatisfactionRow};
use serde::Serialize;
use serde_json::json;

use super::contact::case_of;
use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::require;
use crate::{App, AppError};

/// The longest comment accepted.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// Results of one service or unit.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SurveyLine {
    pub id: String,
    pub name: String,
    pub answers: i64,
    /// Average rating with two decimals (0 when there are no answers).
    pub average: f64,
    /// Answers per rating 1..=5.
    pub distribution: [i64; 5],
}

/// A comment as the office reads it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SurveyComment {
    pub service: String,
    pub unit: String,
    pub rating: i32,
    pub comment: String,
    pub at: i64,
}

/// The office's view of the survey.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SurveyResults {
    pub total: SurveyLine,
    pub services: Vec<SurveyLine>,
    pub units: Vec<SurveyLine>,
    pub comments: Vec<SurveyComment>,
}

fn add(line: &mut SurveyLine, rating: i32, n: i64) {
    if let Some(slot) = usize::try_from(rating - 1)
        .ok()
        .and_then(|i| line.distribution.get_mut(i))
    {
        *slot += n;
        line.answers += n;
    }
}

fn finish(line: &mut SurveyLine) {
    let sum: i64 = line.distribution.iter().zip(1..).map(|(n, r)| n * r).sum();
    line.average = if line.answers == 0 {
        0.0
    } else {
        ((sum as f64 / line.answers as f64) * 100.0).round() / 100.0
    };
}

/// Who reads the survey's results: the admin, the registry desk (whole office) and managers
/// (anyone who approves in a unit). Results carry no names.
pub fn sees_results(p: &Principal) -> bool {
    p.allowed(Permission::AdminTenant, None)
        || p.allowed(Permission::ReadRegisters, None)
        || p.grants
            .iter()
            .any(|g| g.role.grants(Permission::ApproveDocuments))
}

impl App {
    /// Whether the resident may still answer the survey of a matter: its case is closed and
    /// it was not rated yet. Returns the earlier answer when there is one.
    pub fn survey_state(
        &self,
        p: &Principal,
        submission_id: &str,
    ) -> Result<(bool, Option<SatisfactionRow>), AppError> {
        let sub = self.my_submission(p, submission_id)?;
        self.store.read(|c| {
            let closed = case_of(c, &sub)?.is_some_and(|k| k.status == "closed");
            let done = repo::satisfaction_of(c, &sub.tenant_id, &sub.id)?;
            Ok((closed && done.is_none(), done))
        })
    }

    /// The resident rates a closed matter (1–5, optional comment), once.
    pub fn answer_survey(
        &self,
        p: &Principal,
        submission_id: &str,
        rating: &str,
        comment: &str,
    ) -> Result<SatisfactionRow, AppError> {
        let sub = self.my_submission(p, submission_id)?;
        let rating = match rating.trim().parse::<i32>() {
            Ok(r @ 1..=5) => r,
            _ => {
                return Err(AppError::field(
                    "rating",
                    "range",
                    "Wybierz ocenę od 1 (źle) do 5 (bardzo dobrze).",
                    "Choose a rating from 1 (poor) to 5 (very good).",
                ));
            }
        };
        let comment = comment.trim();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(AppError::field(
                "comment",
                "too-long",
                format!("Komentarz może mieć najwyżej {MAX_COMMENT_CHARS} znaków."),
                format!("The comment can have at most {MAX_COMMENT_CHARS} characters."),
            ));
        }
        let now = self.now_ts();
        self.store.write(|c| {
            let Some(case) = case_of(c, &sub)?.filter(|k| k.status == "closed") else {
                return Err(AppError::field(
                    "rating",
                    "not-closed",
                    "Ocenić można sprawę zakończoną; ta sprawa jeszcze trwa.",
                    "You can rate a closed matter; this one is still going on.",
                ));
            };
            let row = SatisfactionRow {
                submission_id: sub.id.clone(),
                tenant_id: sub.tenant_id.clone(),
                service_id: sub.service_id.clone(),
                unit_id: case.unit_id.clone(),
                rating,
                comment: comment.to_owned(),
                created_at: now,
            };
            if !repo::insert_satisfaction(c, &row)? {
                return Err(AppError::field(
                    "rating",
                    "already",
                    "Ta sprawa została już oceniona. Dziękujemy!",
                    "This matter was already rated. Thank you!",
                ));
            }
            record(
                c,
                &sub.tenant_id,
                &p.actor(),
                "portal.survey",
                ("submission", Some(&sub.id)),
                json!({"rating": rating}),
                now,
            )?;
            Ok(row)
        })
    }

    /// The survey's results per service and per unit, for the office's managers and admin.
    pub fn survey_results(&self, p: &Principal) -> Result<SurveyResults, AppError> {
        require(p, Permission::UsePanel, None)?;
        if !sees_results(p) {
            return Err(AppError::Forbidden);
        }
        // The admin and the registry desk see the whole office; a manager sees the units they
        // manage (the answers of other units are theirs to read).
        let whole_office =
            p.allowed(Permission::AdminTenant, None) || p.allowed(Permission::ReadRegisters, None);
        let managed: Vec<String> = p
            .grants
            .iter()
            .filter(|g| g.role.grants(Permission::ApproveDocuments))
            .filter_map(|g| g.unit.map(|u| u.to_string()))
            .collect();
        let visible = |unit: &str| whole_office || managed.iter().any(|m| m == unit);
        self.store.read(|c| {
            let counts: Vec<_> = repo::satisfaction_counts(c, &p.tenant_id)?
                .into_iter()
                .filter(|(_, unit, _, _)| visible(unit))
                .collect();
            let units: BTreeMap<String, String> = ratusz_store::tenants::units(c, &p.tenant_id)?
                .into_iter()
                .map(|u| (u.id, format!("{} — {}", u.symbol, u.name)))
                .collect();
            let services: BTreeMap<String, String> =
                ratusz_store::eservices::list_services(c, &p.tenant_id, &[], false)?
                    .into_iter()
                    .map(|s| (s.id, s.name_pl))
                    .collect();
            let mut total = SurveyLine::default();
            let mut by_service: BTreeMap<String, SurveyLine> = BTreeMap::new();
            let mut by_unit: BTreeMap<String, SurveyLine> = BTreeMap::new();
            for (service, unit, rating, n) in counts {
                add(&mut total, rating, n);
                add(
                    by_service
                        .entry(service.clone())
                        .or_insert_with(|| SurveyLine {
                            name: services.get(&service).cloned().unwrap_or_default(),
                            id: service,
                            ..Default::default()
                        }),
                    rating,
                    n,
                );
                add(
                    by_unit.entry(unit.clone()).or_insert_with(|| SurveyLine {
                        name: units.get(&unit).cloned().unwrap_or_default(),
                        id: unit,
                        ..Default::default()
                    }),
                    rating,
                    n,
                );
            }
            finish(&mut total);
            let mut services_out: Vec<SurveyLine> = by_service.into_values().collect();
            let mut units_out: Vec<SurveyLine> = by_unit.into_values().collect();
            for l in services_out.iter_mut().chain(units_out.iter_mut()) {
                finish(l);
            }
            services_out.sort_by(|a, b| a.name.cmp(&b.name));
            units_out.sort_by(|a, b| a.name.cmp(&b.name));
            let comments = repo::satisfaction_comments(c, &p.tenant_id, 200)?
                .into_iter()
                .filter(|(_, unit, ..)| visible(unit))
                .take(50)
                .map(|(s, u, rating, comment, at)| SurveyComment {
                    service: services.get(&s).cloned().unwrap_or_default(),
                    unit: units.get(&u).cloned().unwrap_or_default(),
                    rating,
                    comment,
                    at,
                })
                .collect();
            Ok(SurveyResults {
                total,
                services: services_out,
                units: units_out,
                comments,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_and_distribution_add_up() {
        let mut l = SurveyLine::default();
        add(&mut l, 5, 3);
        add(&mut l, 2, 1);
        add(&mut l, 9, 4); // out of range: ignored
        finish(&mut l);
        assert_eq!(l.answers, 4);
        assert_eq!(l.distribution, [0, 1, 0, 0, 3]);
        assert_eq!(l.average, 4.25);
    }
}
