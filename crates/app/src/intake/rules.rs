//! The administrator's routing rules: writing them (validated, audited), using them to suggest,
//! and a preview of a rule on the last 500 items before it is saved.

use ratusz_core::intake::route::{self, Reason, Source, Suggestion, Vote};
use ratusz_core::intake::rules::{MatchKind, Matcher, words};
use ratusz_core::roles::Permission;
use ratusz_store::intake::{self as repo, RuleRow};
use ratusz_store::new_id;
use serde::Serialize;
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::{Fields, require, text_field};
use crate::{App, AppError, FieldError};

/// A rule as entered. Strings as received.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct RuleInput {
    pub name: String,
    /// `any_word`, `all_words`, `phrase`, `regex`, `fuzzy`.
    pub match_kind: String,
    pub pattern: String,
    pub unit_id: String,
    #[serde(default)]
    pub class_symbol: String,
    #[serde(default)]
    pub procedure_kind: String,
    #[serde(default)]
    pub item_kind: String,
    /// 1–100 (percent); empty = 90.
    #[serde(default)]
    pub weight: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The competent authority, when the office is not competent in such matters (KPA
    /// art. 65 § 1): the robot drafts the forwarding letter instead of the receipt.
    #[serde(default)]
    pub forward_to: String,
    #[serde(default)]
    pub forward_address: String,
    /// Elements an application of this kind must mention, one per line `what: word, word*`;
    /// a missing one makes the robot draft a notice to remedy deficiencies (art. 64 § 2).
    #[serde(default)]
    pub required: String,
}

fn yes() -> bool {
    true
}

/// The four questions the robot answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Suggestions {
    pub unit: Option<Suggestion>,
    pub class: Option<Suggestion>,
    pub procedure: Option<Suggestion>,
    pub kind: Option<Suggestion>,
}

/// One item of the preview: what the rule would say about it.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewRow {
    pub item_id: String,
    pub item_ref: String,
    pub title: String,
    /// The unit the item is assigned to now (if any).
    pub current_unit: Option<String>,
    pub matched: Vec<String>,
}

/// The preview of a rule: how many of the last items match, and which.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub checked: usize,
    pub matching: Vec<PreviewRow>,
    /// Of the matching items already assigned, how many are in the rule's unit.
    pub agree: usize,
    pub disagree: usize,
}

/// How many recent items the preview checks.
pub const PREVIEW_ITEMS: i64 = 500;

struct Valid {
    name: String,
    matcher: Matcher,
    pattern: String,
    unit_id: String,
    class_symbol: Option<String>,
    procedure_kind: Option<String>,
    item_kind: Option<String>,
    weight: i32,
    forward_to: Option<String>,
    forward_address: Option<String>,
    required: String,
}

fn validate(
    conn: &mut ratusz_store::Db,
    tenant_id: &str,
    input: &RuleInput,
) -> Result<Valid, AppError> {
    let mut f = Fields::default();
    let name = f.take(text_field("name", &input.name, 200));
    let kind = f.take(MatchKind::parse(&input.match_kind).ok_or_else(|| {
        FieldError::new(
            "match_kind",
            "unknown-value",
            "Wybierz sposób dopasowania: dowolne słowo, wszystkie słowa, fraza, wyrażenie regularne albo przybliżone.",
            "Choose how to match: any word, all words, phrase, regular expression or fuzzy.",
        )
    }));
    let matcher = kind.and_then(|k| {
        f.take(
            Matcher::new(k, &input.pattern)
                .map_err(|e| FieldError::new("pattern", "invalid", e.message_pl(), e.message_en())),
        )
    });
    let unit = ratusz_store::tenants::unit(conn, tenant_id, input.unit_id.trim())?;
    if unit.is_none() {
        f.0.push(FieldError::new(
            "unit_id",
            "unknown-unit",
            "Wybierz komórkę z listy.",
            "Choose a unit from the list.",
        ));
    }
    let class_symbol = match input.class_symbol.trim() {
        "" => None,
        s => {
            let leaf = ratusz_store::registry::file_class(conn, tenant_id, s)?
                .is_some_and(|c| c.category.is_some());
            if !leaf {
                f.0.push(FieldError::new(
                    "class_symbol",
                    "unknown-class",
                    format!("Klasy „{s}” nie ma w wykazie akt jako klasy końcowej; wybierz klasę z kategorią archiwalną."),
                    format!("Class \"{s}\" is not a final class of the file plan; choose one with an archival category."),
                ));
            }
            Some(s.to_owned())
        }
    };
    let procedure_kind = match input.procedure_kind.trim() {
        "" => None,
        s if s.parse::<ratusz_core::cases::ProcedureKind>().is_ok() => Some(s.to_owned()),
        _ => {
            f.0.push(FieldError::new(
                "procedure_kind",
                "unknown-value",
                "Wybierz rodzaj postępowania z listy.",
                "Choose the kind of procedure from the list.",
            ));
            None
        }
    };
    let item_kind = match input.item_kind.trim() {
        "" => None,
        s => f
            .take(crate::registry::kinds::ItemKind::parse_field(
                "item_kind",
                s,
            ))
            .map(|k| k.as_str().to_owned()),
    };
    let weight = match input.weight.trim() {
        "" => Some(90),
        w => f.take(
            w.parse::<i32>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or_else(|| {
                    FieldError::new(
                        "weight",
                        "range",
                        "Podaj wagę reguły od 1 do 100 (%).",
                        "Enter the rule's weight, 1 to 100 (%).",
                    )
                }),
        ),
    };
    let forward_to = f
        .take(crate::registry::optional_text(
            "forward_to",
            &input.forward_to,
            300,
        ))
        .flatten();
    let forward_address = f
        .take(crate::registry::long_text(
            "forward_address",
            &input.forward_address,
            500,
        ))
        .filter(|a| !a.is_empty());
    if forward_to.is_none() && forward_address.is_some() {
        f.0.push(FieldError::new(
            "forward_to",
            "empty",
            "Podano adres, ale nie organ: wpisz nazwę organu właściwego albo usuń adres.",
            "An address without an authority: enter the competent authority's name or clear the address.",
        ));
    }
    if forward_to.is_some() && forward_address.is_none() {
        f.0.push(FieldError::new(
            "forward_address",
            "empty",
            "Wpisz adres organu właściwego: robot zaadresuje do niego pismo przekazujące.",
            "Enter the competent authority's address: the robot addresses the forwarding letter to it.",
        ));
    }
    let required = f
        .take(crate::registry::long_text(
            "required",
            &input.required,
            5000,
        ))
        .unwrap_or_default();
    if let Err(e) = ratusz_core::intake::rules::requirements(&required) {
        f.0.push(FieldError::new(
            "required",
            "invalid",
            e.message_pl(),
            e.message_en(),
        ));
    }
    f.finish()?;
    match (name, matcher, unit, weight) {
        (Some(name), Some(matcher), Some(unit), Some(weight)) => Ok(Valid {
            name,
            matcher,
            pattern: input.pattern.trim().to_owned(),
            unit_id: unit.id,
            class_symbol,
            procedure_kind,
            item_kind,
            weight,
            forward_to,
            forward_address,
            required,
        }),
        _ => Err(AppError::Internal("rule validation".into())),
    }
}

/// Votes of the enabled rules that match a text.
pub(crate) fn rule_votes(rules: &[RuleRow], text: &str) -> [Vec<Vote>; 4] {
    let ws = words(text);
    let mut out: [Vec<Vote>; 4] = Default::default();
    for r in rules.iter().filter(|r| r.enabled) {
        let Some(kind) = MatchKind::parse(&r.match_kind) else {
            continue;
        };
        let Ok(m) = Matcher::new(kind, &r.pattern) else {
            continue;
        };
        let Some(hit) = m.find(text, &ws) else {
            continue;
        };
        let weight = f64::from(r.weight) / 100.0;
        let reason = Reason {
            source: Source::Rule,
            id: Some(r.id.clone()),
            label: r.name.clone(),
            evidence: hit.matched,
            weight,
        };
        let targets = [
            Some(&r.unit_id),
            r.class_symbol.as_ref(),
            r.procedure_kind.as_ref(),
            r.item_kind.as_ref(),
        ];
        for (slot, value) in out.iter_mut().zip(targets) {
            if let Some(v) = value {
                slot.push(Vote {
                    value: v.clone(),
                    weight,
                    reason: reason.clone(),
                });
            }
        }
    }
    out
}

impl App {
    /// What the rules, the model and the built-in word lists suggest for a text.
    pub fn suggest(&self, tenant_id: &str, text: &str) -> Result<Suggestions, AppError> {
        let rules = self.store.read(|c| repo::rules(c, tenant_id))?;
        self.suggest_with(tenant_id, &rules, text)
    }

    /// [`Self::suggest`] with the office's rules already read (the robot also needs them for
    /// its findings).
    pub(crate) fn suggest_with(
        &self,
        tenant_id: &str,
        rules: &[RuleRow],
        text: &str,
    ) -> Result<Suggestions, AppError> {
        let [mut unit, mut class, mut procedure, mut kind] = rule_votes(rules, text);
        unit.extend(self.model_votes(tenant_id, super::model::TARGET_UNIT, text)?);
        class.extend(self.model_votes(tenant_id, super::model::TARGET_CLASS, text)?);
        kind.extend(route::kind_votes(text));
        // An item kind that starts a matter implies its procedure when no rule says otherwise.
        if procedure.is_empty()
            && let Some(k) = route::combine(kind.clone())
        {
            let implied = match k.value.as_str() {
                "public_info_request" => Some("public_information"),
                "petition" => Some("petition"),
                "complaint" => Some("complaint"),
                "invoice" => Some("invoice"),
                _ => None,
            };
            if let Some(p) = implied {
                procedure.push(Vote {
                    value: p.into(),
                    weight: k.confidence,
                    reason: Reason {
                        source: Source::Builtin,
                        id: Some("kind-procedure".into()),
                        label: format!("rodzaj pisma: {}", k.value),
                        evidence: vec![],
                        weight: k.confidence,
                    },
                });
            }
        }
        Ok(Suggestions {
            unit: route::combine(unit),
            class: route::combine(class),
            procedure: route::combine(procedure),
            kind: route::combine(kind),
        })
    }

    pub fn intake_rules(&self, p: &Principal) -> Result<Vec<RuleRow>, AppError> {
        require(p, Permission::AdminTenant, None)?;
        self.store.read(|c| Ok(repo::rules(c, &p.tenant_id)?))
    }

    /// Adds a rule (`id` empty) or changes one.
    pub fn save_intake_rule(
        &self,
        p: &Principal,
        id: Option<&str>,
        input: &RuleInput,
    ) -> Result<RuleRow, AppError> {
        require(p, Permission::AdminTenant, None)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let v = validate(conn, &p.tenant_id, input)?;
            let existing = match id {
                Some(id) => Some(repo::rule(conn, &p.tenant_id, id)?.ok_or(AppError::NotFound)?),
                None => None,
            };
            let row = RuleRow {
                id: existing
                    .as_ref()
                    .map_or_else(new_id, |r| r.id.clone()),
                tenant_id: p.tenant_id.clone(),
                name: v.name,
                match_kind: v.matcher.kind().as_str().into(),
                pattern: v.pattern,
                unit_id: v.unit_id,
                class_symbol: v.class_symbol,
                procedure_kind: v.procedure_kind,
                item_kind: v.item_kind,
                weight: v.weight,
                forward_to: v.forward_to,
                forward_address: v.forward_address,
                required: v.required,
                enabled: input.enabled,
                created_by: existing
                    .as_ref()
                    .map_or_else(|| p.user.id.clone(), |r| r.created_by.clone()),
                created_at: existing.as_ref().map_or(now, |r| r.created_at),
                updated_at: now,
            };
            if existing.is_some() {
                repo::update_rule(conn, &row)?;
            } else {
                repo::insert_rule(conn, &row)?;
            }
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                if existing.is_some() {
                    "intake.rule_changed"
                } else {
                    "intake.rule_added"
                },
                ("intake_rule", Some(&row.id)),
                json!({"name": row.name, "match_kind": row.match_kind, "pattern": row.pattern, "unit_id": row.unit_id, "weight": row.weight, "enabled": row.enabled, "forward_to": row.forward_to, "required": row.required}),
                now,
            )?;
            Ok(row)
        })
    }

    pub fn delete_intake_rule(&self, p: &Principal, id: &str) -> Result<(), AppError> {
        require(p, Permission::AdminTenant, None)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let rule = repo::rule(conn, &p.tenant_id, id)?.ok_or(AppError::NotFound)?;
            repo::delete_rule(conn, &p.tenant_id, id)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "intake.rule_deleted",
                ("intake_rule", Some(id)),
                json!({"name": rule.name, "pattern": rule.pattern}),
                now,
            )?;
            Ok(())
        })
    }

    /// Tries a rule (not saved) on the last [`PREVIEW_ITEMS`] items read by the robot.
    pub fn preview_intake_rule(
        &self,
        p: &Principal,
        input: &RuleInput,
    ) -> Result<Preview, AppError> {
        require(p, Permission::AdminTenant, None)?;
        let (v, recent) = self.store.read(|conn| {
            let v = validate(conn, &p.tenant_id, input)?;
            let recent = repo::recent(conn, &p.tenant_id, PREVIEW_ITEMS)?;
            Ok::<_, AppError>((v, recent))
        })?;
        let ids: Vec<String> = recent.iter().map(|r| r.item_id.clone()).collect();
        let (items, bodies) = self.store.read(|conn| {
            let mut items = Vec::with_capacity(ids.len());
            for id in &ids {
                if let Some(i) = ratusz_store::registry::incoming(conn, &p.tenant_id, id)? {
                    items.push(i);
                }
            }
            let bodies = repo::bodies_of_items(conn, &p.tenant_id, &ids)?;
            Ok::<_, AppError>((items, bodies))
        })?;
        let mut preview = Preview {
            checked: items.len(),
            matching: Vec::new(),
            agree: 0,
            disagree: 0,
        };
        for item in items {
            let mut text = item.title.clone();
            for (_, b) in bodies.iter().filter(|(i, _)| *i == item.id) {
                text.push('\n');
                text.push_str(b);
            }
            let Some(hit) = v.matcher.find(&text, &words(&text)) else {
                continue;
            };
            match item.unit_id.as_deref() {
                Some(u) if u == v.unit_id => preview.agree += 1,
                Some(_) => preview.disagree += 1,
                None => {}
            }
            preview.matching.push(PreviewRow {
                item_id: item.id,
                item_ref: item.item_ref,
                title: item.title,
                current_unit: item.unit_id,
                matched: hit.matched,
            });
        }
        Ok(preview)
    }
}
