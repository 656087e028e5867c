//! Tests of e-service definitions: a full definition read back, the demo services, and (in the
//! submodules) definition errors with their lines, answers, files and the summary.

mod answers;
mod definition_errors;
mod files_summary;

use super::*;
use crate::cases::ProcedureKind;

/// A definition using every key of the format.
pub(super) const FULL: &str = r#"format = 1

[service]
slug = "wycinka-drzew"
name_pl = "Zezwolenie na usunięcie drzew"
name_en = "Permit to remove trees"
summary_pl = "Zezwolenie na wycinkę."
summary_en = "Permit to cut trees."
life_situations = ["environment", "housing"]
keywords = ["wycinka", " drzewo "]
who_pl = "Właściciel nieruchomości."
who_en = "The owner of the property."
documents_pl = ["Zgoda właściciela", "Rysunek"]
documents_en = ["Owner's consent", "Drawing"]
fees_pl = "Opłata skarbowa."
fees_en = "Stamp duty."
fee_grosze = 1700
payment_pl = "Przelew na rachunek urzędu."
payment_en = "Transfer to the office's account."
deadline_pl = "Miesiąc (art. 35 § 3 KPA)."
deadline_en = "One month (KPA art. 35 § 3)."
legal_basis = ["Ustawa o ochronie przyrody, art. 83"]
unit = "OŚ"
jrwa = "6131"
procedure = "administrative"
open_case = false
complicated = true

[receipt]
note_pl = "Urząd rozpatrzy wniosek."
note_en = "The office will consider the application."

[[section]]
id = "applicant"
title_pl = "Wnioskodawca"
title_en = "Applicant"
help_pl = "Dane osoby składającej wniosek."

[[section.field]]
id = "full_name"
type = "text"
label_pl = "Imię i nazwisko"
label_en = "Full name"
required = true
max_length = 100

[[section.field]]
id = "owner"
type = "choice"
label_pl = "Czy jest Pan/Pani właścicielem?"
options = [
  { value = "yes", label_pl = "Tak", label_en = "Yes" },
  { value = "no", label_pl = "Nie" },
]

[[section.field]]
id = "consent"
type = "file"
label_pl = "Zgoda właściciela"
when = { field = "owner", equals = "no" }
accept = ["pdf", "PNG"]
max_size_mb = 5
multiple = true

[[section]]
id = "trees"
title_pl = "Drzewa"

[[section.field]]
id = "count"
type = "number"
label_pl = "Liczba drzew"
min = 1
max = 50

[[section.field]]
id = "planned"
type = "date"
label_pl = "Planowany termin"
not_past = true

[[section.field]]
id = "notes"
type = "textarea"
label_pl = "Uwagi"
help_pl = "Opcjonalnie."
help_en = "Optional."
"#;

/// The smallest valid definition; its only field `name` is on line 24, so tests append
/// fields from line 25 on.
pub(super) const BASE: &str = r#"format = 1

[service]
slug = "test-usluga"
name_pl = "Usługa testowa"
summary_pl = "Do testów."
life_situations = ["other"]
who_pl = "Każdy."
documents_pl = []
fees_pl = "Bez opłat."
deadline_pl = "Bez zbędnej zwłoki."
legal_basis = ["Ustawa testowa, art. 1"]
unit = "OR"
jrwa = "0140"
procedure = "other"

[[section]]
id = "main"
title_pl = "Dane"

[[section.field]]
id = "name"
type = "text"
label_pl = "Imię"
"#;

pub(super) fn parse(source: &str) -> ServiceDefinition {
    match parse_definition(source) {
        Ok(definition) => definition,
        Err(errors) => panic!("definition should be valid, got {errors:#?}"),
    }
}

pub(super) fn t(pl: &str, en: &str) -> Text {
    Text {
        pl: pl.to_owned(),
        en: en.to_owned(),
    }
}

/// A field with every setting at its "not given" value.
pub(super) fn plain_field(id: &str, kind: FieldKind, label: Text) -> Field {
    Field {
        id: id.to_owned(),
        kind,
        label,
        help: Text::empty(),
        required: false,
        when: None,
        max_length: None,
        min: None,
        max: None,
        not_future: false,
        not_past: false,
        options: Vec::new(),
        accept: Vec::new(),
        max_size_mb: 0,
        multiple: false,
    }
}

#[test]
fn full_definition_reads_back_every_key() {
    let mut full_name = plain_field(
        "full_name",
        FieldKind::Text,
        t("Imię i nazwisko", "Full name"),
    );
    full_name.required = true;
    full_name.max_length = Some(100);
    let mut owner = plain_field(
        "owner",
        FieldKind::Choice,
        t(
            "Czy jest Pan/Pani właścicielem?",
            "Czy jest Pan/Pani właścicielem?",
        ),
    );
    owner.options = vec![
        ChoiceOption {
            value: "yes".into(),
            label: t("Tak", "Yes"),
        },
        ChoiceOption {
            value: "no".into(),
            label: t("Nie", "Nie"),
        },
    ];
    let mut consent = plain_field(
        "consent",
        FieldKind::File,
        t("Zgoda właściciela", "Zgoda właściciela"),
    );
    consent.when = Some(Condition {
        field: "owner".into(),
        equals: "no".into(),
    });
    consent.accept = vec![FileType::Pdf, FileType::Png];
    consent.max_size_mb = 5;
    consent.multiple = true;
    let mut count = plain_field(
        "count",
        FieldKind::Number,
        t("Liczba drzew", "Liczba drzew"),
    );
    count.min = Some(1);
    count.max = Some(50);
    let mut planned = plain_field(
        "planned",
        FieldKind::Date,
        t("Planowany termin", "Planowany termin"),
    );
    planned.not_past = true;
    let mut notes = plain_field("notes", FieldKind::Textarea, t("Uwagi", "Uwagi"));
    notes.help = t("Opcjonalnie.", "Optional.");
    notes.max_length = Some(4000);

    let expected = ServiceDefinition {
        slug: "wycinka-drzew".into(),
        name: t("Zezwolenie na usunięcie drzew", "Permit to remove trees"),
        summary: t("Zezwolenie na wycinkę.", "Permit to cut trees."),
        life_situations: vec!["environment".into(), "housing".into()],
        keywords: vec!["wycinka".into(), "drzewo".into()],
        who: t("Właściciel nieruchomości.", "The owner of the property."),
        documents: vec![
            t("Zgoda właściciela", "Owner's consent"),
            t("Rysunek", "Drawing"),
        ],
        fees: t("Opłata skarbowa.", "Stamp duty."),
        fee_grosze: Some(1700),
        payment: t(
            "Przelew na rachunek urzędu.",
            "Transfer to the office's account.",
        ),
        deadline: t("Miesiąc (art. 35 § 3 KPA).", "One month (KPA art. 35 § 3)."),
        legal_basis: vec!["Ustawa o ochronie przyrody, art. 83".into()],
        unit: "OŚ".into(),
        jrwa: "6131".into(),
        procedure: ProcedureKind::Administrative,
        open_case: false,
        complicated: true,
        receipt_note: t(
            "Urząd rozpatrzy wniosek.",
            "The office will consider the application.",
        ),
        sections: vec![
            Section {
                id: "applicant".into(),
                title: t("Wnioskodawca", "Applicant"),
                help: t(
                    "Dane osoby składającej wniosek.",
                    "Dane osoby składającej wniosek.",
                ),
                fields: vec![full_name, owner, consent],
            },
            Section {
                id: "trees".into(),
                title: t("Drzewa", "Drzewa"),
                help: Text::empty(),
                fields: vec![count, planned, notes],
            },
        ],
    };
    let parsed = parse(FULL);
    assert_eq!(parsed, expected);
    // Reading is deterministic: the same source gives the same definition again.
    assert_eq!(parse(FULL), parsed);
}

#[test]
fn defaults_apply_when_keys_are_left_out() {
    let source =
        format!("{BASE}\n[[section.field]]\nid = \"scan\"\ntype = \"file\"\nlabel_pl = \"Skan\"\n");
    let def = parse(&source);
    assert!(def.open_case, "open_case defaults to true");
    assert!(!def.complicated);
    assert!(def.payment.is_empty());
    assert!(def.receipt_note.is_empty());
    assert_eq!(def.fee_grosze, None);
    assert!(def.keywords.is_empty());
    assert!(def.documents.is_empty());
    let name = def.field("name").expect("name field");
    assert_eq!(name.max_length, Some(200));
    assert_eq!(name.max_size_mb, 0);
    assert!(name.accept.is_empty());
    let scan = def.field("scan").expect("scan field");
    assert_eq!(
        scan.accept,
        vec![FileType::Pdf, FileType::Jpg, FileType::Png]
    );
    assert_eq!(scan.max_size_mb, 10);
    assert!(!scan.multiple);
    assert_eq!(scan.max_length, None);
    assert_eq!(
        def.fields().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["name", "scan"]
    );
    assert!(def.field("missing").is_none());
}

#[test]
fn text_falls_back_to_polish() {
    let text = Text::new(" Wniosek ", Some("  "));
    assert_eq!(text, t("Wniosek", "Wniosek"));
    let text = Text::new("Wniosek", Some("Application"));
    assert_eq!(text.get("pl"), "Wniosek");
    assert_eq!(text.get("en"), "Application");
    assert_eq!(text.get("de"), "Wniosek");
    assert!(!text.is_empty());
    assert!(Text::empty().is_empty());
}

#[test]
fn field_kinds_have_their_names() {
    for kind in FieldKind::ALL {
        assert_eq!(FieldKind::from_name(kind.as_str()), Some(kind));
    }
    assert_eq!(FieldKind::Textarea.as_str(), "textarea");
    assert_eq!(FieldKind::from_name("txt"), None);
}

#[test]
fn every_demo_service_parses_and_is_named_by_its_slug() {
    for (file, source) in DEMO_SERVICES {
        let def = match parse_definition(source) {
            Ok(def) => def,
            Err(errors) => panic!("demo {file} has errors: {errors:#?}"),
        };
        assert_eq!(
            Some(def.slug.as_str()),
            file.strip_suffix(".toml"),
            "{file}"
        );
    }
    let mut slugs: Vec<&str> = DEMO_SERVICES.iter().map(|(file, _)| *file).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), DEMO_SERVICES.len(), "demo file names repeat");
}
