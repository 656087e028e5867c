//! E-services: declarative definitions of the forms residents fill in, and the checking of what
//! they submit.
//!
//! A municipality describes each e-service in one TOML file (format version 1): a `[service]`
//! table with what the catalogue shows (name, who may apply, documents, fees, statutory deadline,
//! legal basis) and how a submission is handled (unit, JRWA class, kind of procedure), an
//! optional `[receipt]` note for the official receipt (UPO), and `[[section]]`s of
//! `[[section.field]]`s. Keys are English; every text is given in Polish (`*_pl`, required) and
//! optionally in English (`*_en`, falling back to Polish). A field may carry
//! `when = { field = "…", equals = "…" }` and is then shown and checked only when an earlier
//! field has that value; conditions chain.
//!
//! ```toml
//! format = 1
//!
//! [service]
//! slug = "rejestracja-psa"
//! name_pl = "Rejestracja psa"
//! # … summary_pl, life_situations, who_pl, documents_pl, fees_pl, deadline_pl,
//! #   legal_basis, unit, jrwa, procedure …
//!
//! [[section]]
//! id = "owner"
//! title_pl = "Właściciel"
//!
//! [[section.field]]
//! id = "pesel"
//! type = "pesel"
//! label_pl = "Numer PESEL"
//! required = true
//! ```
//!
//! Why our own format: no crate or standard describes Polish e-service forms. The ePUAP form
//! templates (CRWDE, XForms) are tied to that platform and cannot be read, reviewed and changed
//! by a clerk; a plain file with law-aware field types (PESEL, NIP, IBAN, Polish address) can,
//! and it is stored per tenant and imported or exported as it is.
//!
//! The module is pure: [`parse_definition`] reports every problem of a definition with its line,
//! [`validate_answers`] checks a submission with the validators of [`crate::validate`],
//! [`check_file`] checks one upload, [`summary`] renders what was answered for the receipt.

mod answers;
mod definition;
mod files;
mod form;
mod raw;
mod summary;
mod syntax;
mod words;

#[cfg(test)]
mod tests;

pub use answers::validate_answers;
pub use definition::parse_definition;
pub use files::check_file;
pub use summary::summary;

use crate::cases::ProcedureKind;
use serde::Serialize;

/// A text in Polish and English; `en` is the Polish text when the definition gives none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub pl: String,
    pub en: String,
}

impl Text {
    /// `lang` is "pl" or "en"; anything else gives Polish.
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.pl }
    }

    /// True when there is no Polish text (optional texts that were not given).
    pub fn is_empty(&self) -> bool {
        self.pl.is_empty()
    }

    /// Polish text with its English translation, falling back to Polish when the translation is
    /// missing or blank.
    pub(crate) fn new(pl: &str, en: Option<&str>) -> Self {
        let pl = pl.trim().to_owned();
        let en = match en.map(str::trim) {
            Some(en) if !en.is_empty() => en.to_owned(),
            _ => pl.clone(),
        };
        Self { pl, en }
    }

    pub(crate) fn empty() -> Self {
        Self {
            pl: String::new(),
            en: String::new(),
        }
    }
}

/// The life situations of the services catalogue: a resident looks for "I have a dog", not for
/// the name of a tax.
pub const LIFE_SITUATIONS: [&str; 10] = [
    "family",
    "housing",
    "vehicles",
    "taxes",
    "environment",
    "business",
    "roads",
    "animals",
    "information",
    "other",
];

/// One e-service: what the catalogue shows, how a submission is handled, and its form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDefinition {
    pub slug: String,
    pub name: Text,
    pub summary: Text,
    pub life_situations: Vec<String>,
    pub keywords: Vec<String>,
    pub who: Text,
    pub documents: Vec<Text>,
    pub fees: Text,
    pub fee_grosze: Option<i64>,
    /// Empty when not given.
    pub payment: Text,
    pub deadline: Text,
    pub legal_basis: Vec<String>,
    pub unit: String,
    pub jrwa: String,
    pub procedure: ProcedureKind,
    pub open_case: bool,
    pub complicated: bool,
    /// Empty when not given.
    pub receipt_note: Text,
    pub sections: Vec<Section>,
}

/// A group of fields with a heading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub help: Text,
    pub fields: Vec<Field>,
}

/// The type of a form field, which decides how it is shown and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    Number,
    Date,
    Choice,
    Checkbox,
    Address,
    Pesel,
    Nip,
    Iban,
    Email,
    Phone,
    File,
}

impl FieldKind {
    pub(crate) const ALL: [FieldKind; 13] = [
        Self::Text,
        Self::Textarea,
        Self::Number,
        Self::Date,
        Self::Choice,
        Self::Checkbox,
        Self::Address,
        Self::Pesel,
        Self::Nip,
        Self::Iban,
        Self::Email,
        Self::Phone,
        Self::File,
    ];

    /// The name used in definitions: "text", "textarea", …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Textarea => "textarea",
            Self::Number => "number",
            Self::Date => "date",
            Self::Choice => "choice",
            Self::Checkbox => "checkbox",
            Self::Address => "address",
            Self::Pesel => "pesel",
            Self::Nip => "nip",
            Self::Iban => "iban",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::File => "file",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// A field is shown only when another, earlier field has the value `equals` ("true" for a
/// ticked checkbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub field: String,
    pub equals: String,
}

/// One possible answer of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: Text,
}

/// The file types an office accepts: documents it can read, keep and archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Jpg,
    Png,
    Tiff,
    Odt,
    Docx,
    Xml,
    Txt,
}

/// One field of a form, with the definition's defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub id: String,
    pub kind: FieldKind,
    pub label: Text,
    pub help: Text,
    pub required: bool,
    pub when: Option<Condition>,
    /// The effective limit for text and textarea (defaults applied), None for other kinds.
    pub max_length: Option<usize>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub not_future: bool,
    pub not_past: bool,
    pub options: Vec<ChoiceOption>,
    /// Defaults applied for file fields; empty for others.
    pub accept: Vec<FileType>,
    /// Defaults applied (10) for file fields; 0 for others.
    pub max_size_mb: u32,
    pub multiple: bool,
}

/// A problem in a definition, where it is: 1-based line and column in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinitionError {
    pub line: usize,
    pub column: usize,
    pub message_pl: String,
    pub message_en: String,
}

/// What a form submits: field id → value; an address submits `<id>.street`,
/// `<id>.postal_code` and `<id>.city`.
pub type Answers = std::collections::BTreeMap<String, String>;

/// A problem with one answer. `field` is the input's key: the field id, or `<id>.street` /
/// `<id>.postal_code` / `<id>.city` for an address part. Messages say what is wrong and how to
/// fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: &'static str,
    pub message_pl: String,
    pub message_en: String,
}

impl ServiceDefinition {
    /// Every field, in order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections
            .iter()
            .flat_map(|section| section.fields.iter())
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields().find(|field| field.id == id)
    }

    /// Whether a field is shown (and checked) given the answers: its `when` holds, and the
    /// field its `when` points at is itself shown (conditions chain).
    ///
    /// A parsed definition only points at earlier fields, so the chain ends; the step limit
    /// keeps a hand-built definition with a cycle from looping (such a field is not shown).
    pub fn is_active(&self, field: &Field, answers: &Answers) -> bool {
        let mut current = field;
        for _ in 0..=self.fields().count() {
            let Some(condition) = &current.when else {
                return true;
            };
            let Some(target) = self.field(&condition.field) else {
                return false;
            };
            if condition_value(target, answers).as_deref() != Some(condition.equals.as_str()) {
                return false;
            }
            current = target;
        }
        false
    }
}

/// The value a condition compares: the trimmed answer, and "true" for a ticked checkbox
/// (browsers send "on").
fn condition_value(field: &Field, answers: &Answers) -> Option<String> {
    let value = answers.get(&field.id)?.trim();
    match field.kind {
        FieldKind::Checkbox if answers::is_ticked(value) => Some("true".to_owned()),
        FieldKind::Checkbox => None,
        _ => Some(value.to_owned()),
    }
}

/// The demo services: (file name, TOML source). They show the format on real municipal matters
/// and seed a new installation.
pub const DEMO_SERVICES: [(&str, &str); 8] = [
    (
        "zaswiadczenie-o-zameldowaniu.toml",
        include_str!("demo/zaswiadczenie-o-zameldowaniu.toml"),
    ),
    (
        "wycinka-drzew.toml",
        include_str!("demo/wycinka-drzew.toml"),
    ),
    (
        "rejestracja-psa.toml",
        include_str!("demo/rejestracja-psa.toml"),
    ),
    (
        "deklaracja-odpady.toml",
        include_str!("demo/deklaracja-odpady.toml"),
    ),
    (
        "zmiana-deklaracji-odpady.toml",
        include_str!("demo/zmiana-deklaracji-odpady.toml"),
    ),
    (
        "zajecie-pasa-drogowego.toml",
        include_str!("demo/zajecie-pasa-drogowego.toml"),
    ),
    (
        "zaswiadczenie-o-niezaleganiu.toml",
        include_str!("demo/zaswiadczenie-o-niezaleganiu.toml"),
    ),
    (
        "informacja-publiczna.toml",
        include_str!("demo/informacja-publiczna.toml"),
    ),
];
