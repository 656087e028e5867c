//! The definition file as written, before any meaning is checked.
//!
//! Unknown keys are refused (`deny_unknown_fields`) so that a typo such as `requierd = true` is
//! an error and not a silently optional field. Values whose position a semantic error must point
//! at are `Spanned`. Integers are read as `i64` and ranges checked afterwards, so that a wrong
//! number gets a message about the key rather than a serde type error.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefinition {
    pub format: Spanned<i64>,
    pub service: Spanned<RawService>,
    pub receipt: Option<RawReceipt>,
    /// Missing sections are reported by the semantic check, with a clearer message than serde's.
    #[serde(default)]
    pub section: Vec<Spanned<RawSection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    pub slug: Spanned<String>,
    pub name_pl: Spanned<String>,
    pub name_en: Option<String>,
    pub summary_pl: Spanned<String>,
    pub summary_en: Option<String>,
    pub life_situations: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub who_pl: Spanned<String>,
    pub who_en: Option<String>,
    pub documents_pl: Spanned<Vec<String>>,
    pub documents_en: Option<Spanned<Vec<String>>>,
    pub fees_pl: Spanned<String>,
    pub fees_en: Option<String>,
    pub fee_grosze: Option<Spanned<i64>>,
    pub payment_pl: Option<String>,
    pub payment_en: Option<Spanned<String>>,
    pub deadline_pl: Spanned<String>,
    pub deadline_en: Option<String>,
    pub legal_basis: Spanned<Vec<Spanned<String>>>,
    pub unit: Spanned<String>,
    pub jrwa: Spanned<String>,
    pub procedure: Spanned<String>,
    pub open_case: Option<bool>,
    pub complicated: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReceipt {
    pub note_pl: Option<String>,
    pub note_en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSection {
    pub id: Spanned<String>,
    pub title_pl: Spanned<String>,
    pub title_en: Option<String>,
    pub help_pl: Option<String>,
    pub help_en: Option<Spanned<String>>,
    /// Missing fields are reported by the semantic check, like missing sections.
    #[serde(default)]
    pub field: Vec<Spanned<RawField>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    pub id: Spanned<String>,
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub label_pl: Spanned<String>,
    pub label_en: Option<String>,
    pub help_pl: Option<String>,
    pub help_en: Option<Spanned<String>>,
    pub required: Option<bool>,
    pub max_length: Option<Spanned<i64>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub not_future: Option<Spanned<bool>>,
    pub not_past: Option<Spanned<bool>>,
    pub when: Option<Spanned<RawCondition>>,
    pub options: Option<Spanned<Vec<Spanned<RawOption>>>>,
    pub accept: Option<Spanned<Vec<Spanned<String>>>>,
    pub max_size_mb: Option<Spanned<i64>>,
    pub multiple: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCondition {
    pub field: Spanned<String>,
    pub equals: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    pub value: Spanned<String>,
    pub label_pl: Spanned<String>,
    pub label_en: Option<String>,
}
