//! The view model of a service form: what the template needs for each field (input name,
//! label, value typed so far, error, options), built from the definition and the answers.
//! Conditional fields are always rendered (the portal works without JavaScript); their hint
//! says when to fill them, and the server ignores them when the condition does not hold.

use ratusz_core::eservices::{Answers, Field, FieldKind, ServiceDefinition};

use crate::errors::FormErrors;
use crate::i18n::Tr;

pub struct OptionView {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct PartView {
    pub name: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    pub autocomplete: &'static str,
}

pub struct FieldView {
    /// The input's name and id (`<field>`; address parts are `<field>.<part>`).
    pub name: String,
    pub kind: &'static str,
    pub label: String,
    pub help: String,
    /// "Fill in when …" for conditional fields.
    pub condition: String,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
    pub options: Vec<OptionView>,
    pub parts: Vec<PartView>,
    pub max_length: usize,
    pub accept: String,
    pub max_size_mb: u32,
    pub multiple: bool,
    pub input_type: &'static str,
    pub inputmode: &'static str,
    pub autocomplete: &'static str,
}

impl FieldView {
    /// The ids of the hint and error elements the input is described by.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.help.is_empty() || !self.condition.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

pub struct SectionView {
    pub id: String,
    pub title: String,
    pub help: String,
    pub fields: Vec<FieldView>,
}

fn condition_text(def: &ServiceDefinition, f: &Field, t: &Tr, lang: &str) -> String {
    let Some(c) = &f.when else {
        return String::new();
    };
    let Some(other) = def.field(&c.field) else {
        return String::new();
    };
    let value = match other.kind {
        FieldKind::Checkbox => t.t("form-checked"),
        _ => other
            .options
            .iter()
            .find(|o| o.value == c.equals)
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_else(|| c.equals.clone()),
    };
    t.t2(
        "form-condition",
        "field",
        other.label.get(lang),
        "value",
        &value,
    )
}

fn field_view(
    def: &ServiceDefinition,
    f: &Field,
    answers: &Answers,
    errors: &FormErrors,
    t: &Tr,
    lang: &str,
) -> FieldView {
    let value = answers.get(&f.id).cloned().unwrap_or_default();
    let (input_type, inputmode, autocomplete) = match f.kind {
        FieldKind::Number => ("text", "numeric", "off"),
        FieldKind::Date => ("date", "", "off"),
        FieldKind::Pesel | FieldKind::Nip => ("text", "numeric", "off"),
        FieldKind::Iban => ("text", "", "off"),
        FieldKind::Email => ("email", "email", "email"),
        FieldKind::Phone => ("tel", "tel", "tel"),
        _ => ("text", "", "off"),
    };
    let parts = if f.kind == FieldKind::Address {
        [
            ("street", "form-address-street", "address-line1"),
            ("postal_code", "form-address-postal-code", "postal-code"),
            ("city", "form-address-city", "address-level2"),
        ]
        .into_iter()
        .map(|(part, label, ac)| {
            let name = format!("{}.{part}", f.id);
            PartView {
                value: answers.get(&name).cloned().unwrap_or_default(),
                error: errors.get(&name),
                label: t.t(label),
                autocomplete: ac,
                name,
            }
        })
        .collect()
    } else {
        Vec::new()
    };
    FieldView {
        name: f.id.clone(),
        kind: f.kind.as_str(),
        label: f.label.get(lang).to_owned(),
        help: f.help.get(lang).to_owned(),
        condition: condition_text(def, f, t, lang),
        required: f.required,
        error: errors.get(&f.id),
        options: f
            .options
            .iter()
            .map(|o| OptionView {
                checked: o.value == value,
                value: o.value.clone(),
                label: o.label.get(lang).to_owned(),
            })
            .collect(),
        parts,
        max_length: f.max_length.unwrap_or(0),
        accept: f
            .accept
            .iter()
            .map(|a| format!(".{}", a.as_str()))
            .collect::<Vec<_>>()
            .join(","),
        max_size_mb: f.max_size_mb,
        multiple: f.multiple,
        input_type,
        inputmode,
        autocomplete,
        value,
    }
}

/// The sections of a form, filled with `answers` and `errors`.
pub fn sections(
    def: &ServiceDefinition,
    answers: &Answers,
    errors: &FormErrors,
    t: &Tr,
) -> Vec<SectionView> {
    let lang = t.lang_code();
    def.sections
        .iter()
        .map(|s| SectionView {
            id: s.id.clone(),
            title: s.title.get(lang).to_owned(),
            help: s.help.get(lang).to_owned(),
            fields: s
                .fields
                .iter()
                .map(|f| field_view(def, f, answers, errors, t, lang))
                .collect(),
        })
        .collect()
}

/// The answers in a submitted form: every known field's input (address parts included).
pub fn answers_from(
    def: &ServiceDefinition,
    fields: &std::collections::HashMap<String, String>,
) -> Answers {
    let mut out = Answers::new();
    for f in def.fields() {
        let keys: Vec<String> = if f.kind == FieldKind::Address {
            ["street", "postal_code", "city"]
                .iter()
                .map(|p| format!("{}.{p}", f.id))
                .collect()
        } else {
            vec![f.id.clone()]
        };
        for k in keys {
            if let Some(v) = fields.get(&k) {
                out.insert(k, v.clone());
            }
        }
    }
    out
}
