//! The statistical routing model of an office: trained on its own history of assignments a
//! person made or confirmed (the registrar's corrections included), versioned in blob storage
//! with its training metrics, retrained on demand and once a day when new decisions exist.
//! The model itself is pure (`ratusz_core::intake::classify`); here it is fed, stored and used.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ratusz_core::intake::classify::{Example, Model, TrainParams, evaluate, split};
use ratusz_core::intake::route::{Reason, Source, Vote};
use ratusz_core::roles::Permission;
use ratusz_store::intake::{self as repo, ModelRow};
use ratusz_store::new_id;
use serde::Serialize;
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::{Actor, record};
use crate::{App, AppError};

/// Model targets.
pub const TARGET_UNIT: &str = "unit";
pub const TARGET_CLASS: &str = "class";

/// Fewer confirmed assignments than this, or fewer than two units, and no model is trained.
pub const MIN_EXAMPLES: usize = 20;
/// The newest decisions a model learns from.
pub const MAX_EXAMPLES: i64 = 50_000;
/// A model older than this is retrained when new decisions exist.
pub const RETRAIN_AFTER_US: i64 = 24 * 3600 * 1_000_000;
/// Share of the examples held out to measure the model before it is trained on all of them.
const HOLDOUT: f64 = 0.2;

/// Loaded models, by tenant and target, with the id of the stored version they came from.
#[derive(Default)]
pub struct ModelCache(Mutex<HashMap<ModelKey, LoadedModel>>);

/// (tenant, target).
type ModelKey = (String, String);
/// (id of the stored version, the model).
type LoadedModel = (String, Arc<Model>);

/// What a training did.
#[derive(Debug, Clone, Serialize)]
pub struct Training {
    pub target: String,
    pub version: i64,
    pub examples: usize,
    pub labels: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub train_ms: u128,
}

impl App {
    /// Trains the office's models now (an administrator's button, the daily schedule): the
    /// unit model on every assignment a person made or confirmed, and the JRWA class model on
    /// those of them that went into a case (labelled with the case's class). Returns the unit
    /// model's training; `Ok(None)` when there is not enough history yet. The class model is
    /// trained when its own history suffices.
    pub fn train_intake_model(
        &self,
        tenant_id: &str,
        actor: &Actor,
    ) -> Result<Option<Training>, AppError> {
        let (rows, bodies, classes) = self.store.read(|c| {
            let rows = repo::confirmed_assignments(c, tenant_id, MAX_EXAMPLES)?;
            let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
            let bodies = repo::bodies_of_items(c, tenant_id, &ids)?;
            let classes = repo::case_classes_of_items(c, tenant_id, &ids)?;
            Ok::<_, AppError>((rows, bodies, classes))
        })?;
        let mut text_of: HashMap<&str, String> = HashMap::new();
        for (id, title, ..) in &rows {
            text_of.insert(id.as_str(), title.clone());
        }
        for (id, body) in &bodies {
            if let Some(t) = text_of.get_mut(id.as_str()) {
                t.push('\n');
                t.push_str(body);
            }
        }
        let units = labelled(
            &text_of,
            rows.iter()
                .map(|(id, _, unit, _)| (id.as_str(), unit.as_str())),
        );
        let by_class = labelled(
            &text_of,
            classes
                .iter()
                .map(|(id, class)| (id.as_str(), class.as_str())),
        );
        let trained = self.train_target(tenant_id, actor, TARGET_UNIT, &units)?;
        if trained.is_some() {
            self.train_target(tenant_id, actor, TARGET_CLASS, &by_class)?;
        }
        Ok(trained)
    }

    /// Trains, measures on a held-out part, and stores one target's model.
    fn train_target(
        &self,
        tenant_id: &str,
        actor: &Actor,
        target: &str,
        examples: &[Example<'_>],
    ) -> Result<Option<Training>, AppError> {
        let mut labels: Vec<&str> = examples.iter().map(|e| e.label).collect();
        labels.sort_unstable();
        labels.dedup();
        if examples.len() < MIN_EXAMPLES || labels.len() < 2 {
            return Ok(None);
        }
        let params = TrainParams::default();
        let started = std::time::Instant::now();
        let (train, test) = split(examples, HOLDOUT, params.seed);
        let metrics = if test.is_empty() || train.is_empty() {
            None
        } else {
            Model::train(&train, &params)
                .ok()
                .map(|m| evaluate(&m, &test))
        };
        let model = Model::train(examples, &params)
            .map_err(|e| AppError::Internal(format!("training: {e}")))?;
        let train_ms = started.elapsed().as_millis();
        let bytes = model.to_bytes();
        let blob = self.blobs()?.put(tenant_id, &bytes)?;
        let now = self.now_ts();
        let training = self.store.write(|c| {
            let version = repo::models(c, tenant_id, target, 1)?
                .first()
                .map_or(1, |m| m.version + 1);
            let t = Training {
                target: target.into(),
                version,
                examples: examples.len(),
                labels: labels.len(),
                accuracy: metrics.as_ref().map_or(0.0, |m| m.accuracy),
                macro_f1: metrics.as_ref().map_or(0.0, |m| m.macro_f1),
                train_ms,
            };
            let row = ModelRow {
                id: new_id(),
                tenant_id: tenant_id.to_owned(),
                target: target.into(),
                version,
                blob_key: blob.key.clone(),
                sha256: blob.sha256.clone(),
                examples: i64::try_from(examples.len()).unwrap_or(i64::MAX),
                metrics: json!({
                    "labels": t.labels,
                    "held_out": metrics.as_ref().map_or(0, |m| m.test_count),
                    "accuracy": t.accuracy,
                    "macro_f1": t.macro_f1,
                    "train_ms": t.train_ms,
                    "bytes": bytes.len(),
                })
                .to_string(),
                trained_at: now,
                trained_by: actor.label().to_owned(),
            };
            repo::insert_model(c, &row)?;
            record(
                c,
                tenant_id,
                actor,
                "intake.model_trained",
                ("intake_model", Some(&row.id)),
                json!({"target": row.target, "version": version, "examples": row.examples, "accuracy": t.accuracy, "macro_f1": t.macro_f1}),
                now,
            )?;
            Ok::<_, AppError>(t)
        })?;
        tracing::info!(tenant = %tenant_id, target, version = training.version, examples = training.examples, accuracy = training.accuracy, "intake model trained");
        Ok(Some(training))
    }

    /// The administrator's "retrain now".
    pub fn retrain_intake_model(&self, p: &Principal) -> Result<Option<Training>, AppError> {
        crate::registry::require(p, Permission::AdminTenant, None)?;
        self.train_intake_model(&p.tenant_id, &p.actor())
    }

    /// The versions of the unit model and then of the class model, newest first, with their
    /// metrics.
    pub fn intake_models(&self, p: &Principal) -> Result<Vec<ModelRow>, AppError> {
        crate::registry::require(p, Permission::AdminTenant, None)?;
        self.store.read(|c| {
            let mut rows = repo::models(c, &p.tenant_id, TARGET_UNIT, 20)?;
            rows.extend(repo::models(c, &p.tenant_id, TARGET_CLASS, 20)?);
            Ok(rows)
        })
    }

    /// The daily retraining: each tenant whose model is older than a day (or missing) and that
    /// has decisions newer than it.
    pub fn retrain_due_models(&self) -> Result<usize, AppError> {
        let now = self.now_ts();
        let tenants = self.store.read(ratusz_store::tenants::list_tenants)?;
        let mut trained = 0;
        for t in tenants {
            let latest = self
                .store
                .read(|c| repo::models(c, &t.tenant_id, TARGET_UNIT, 1))?;
            let due = latest
                .first()
                .is_none_or(|m| now - m.trained_at >= RETRAIN_AFTER_US);
            let newer = self.store.read(|c| {
                repo::decided_since(c, &t.tenant_id, latest.first().map_or(0, |m| m.trained_at))
            })?;
            if due && newer > 0 {
                let robot = Actor::Robot {
                    name: "intake-training".into(),
                };
                if self.train_intake_model(&t.tenant_id, &robot)?.is_some() {
                    trained += 1;
                }
            }
        }
        Ok(trained)
    }

    /// The latest model's votes for a text (none before the first training).
    pub(crate) fn model_votes(
        &self,
        tenant_id: &str,
        target: &str,
        text: &str,
    ) -> Result<Vec<Vote>, AppError> {
        let Some(model) = self.current_model(tenant_id, target)? else {
            return Ok(Vec::new());
        };
        let Some((version, p)) = model.1.predict(text).map(|p| (model.0, p)) else {
            return Ok(Vec::new());
        };
        let evidence: Vec<String> = p.evidence.iter().map(|e| e.feature.clone()).collect();
        Ok(p.ranking
            .iter()
            .take(3)
            .map(|(label, prob)| Vote {
                value: label.clone(),
                weight: *prob,
                reason: Reason {
                    source: Source::Model,
                    id: None,
                    label: format!("wersja {version}"),
                    evidence: if *label == p.label {
                        evidence.clone()
                    } else {
                        Vec::new()
                    },
                    weight: *prob,
                },
            })
            .collect())
    }

    /// The newest stored model of a target, loaded once per version.
    fn current_model(
        &self,
        tenant_id: &str,
        target: &str,
    ) -> Result<Option<(i64, Arc<Model>)>, AppError> {
        let Some(row) = self
            .store
            .read(|c| repo::models(c, tenant_id, target, 1))?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let key = (tenant_id.to_owned(), target.to_owned());
        if let Ok(cache) = self.intake_models.0.lock()
            && let Some((id, m)) = cache.get(&key)
            && *id == row.id
        {
            return Ok(Some((row.version, m.clone())));
        }
        let bytes = self.blobs()?.get(&row.blob_key, &row.sha256)?;
        let model = match Model::from_bytes(&bytes) {
            Ok(m) => Arc::new(m),
            Err(e) => {
                tracing::error!(model = %row.id, "intake model unreadable, not used: {e}");
                return Ok(None);
            }
        };
        if let Ok(mut cache) = self.intake_models.0.lock() {
            cache.insert(key, (row.id.clone(), model.clone()));
        }
        Ok(Some((row.version, model)))
    }
}

/// Examples of the items in `pairs` (item id, label) that have a text.
fn labelled<'a>(
    text_of: &'a HashMap<&str, String>,
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<Example<'a>> {
    pairs
        .filter_map(|(id, label)| {
            text_of.get(id).map(|t| Example {
                text: t.as_str(),
                label,
            })
        })
        .collect()
}
