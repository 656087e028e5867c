//! Letter templates: plain text with `{{name}}` placeholders that the case fills in.
//!
//! A template is plain text. A placeholder is a name from [`Placeholder`] between double braces,
//! spaces inside the braces allowed: `{{znak_sprawy}}`, `{{ data }}`. A lone `}}` is ordinary
//! text; an opening `{{` must always be closed. Values are inserted verbatim in one pass, so a
//! value that itself contains `{{…}}` is not expanded again. The elements of an official letter
//! follow the instrukcja kancelaryjna (rozporządzenie Prezesa Rady Ministrów z dnia 18 stycznia
//! 2011 r., Dz.U. 2011 nr 14 poz. 67, załącznik nr 1): the case sign, the place and date, the
//! addressee, the subject, the handler's name and position.

use std::collections::BTreeMap;
use std::fmt;

/// The placeholder names, in the order of [`Placeholder::ALL`], for template editors.
pub const PLACEHOLDERS: [&str; 18] = [
    "znak_sprawy",
    "data",
    "miejscowosc",
    "urzad",
    "adresat",
    "adres_adresata",
    "tytul_sprawy",
    "data_wplywu",
    "termin",
    "prowadzacy",
    "stanowisko",
    "komorka",
    "braki",
    "organ_wlasciwy",
    "adres_organu",
    "nowy_termin",
    "przyczyna_zwloki",
    "wnoszacy",
];

/// What a placeholder is filled with when the case knows no value for it (the deficiencies
/// of a letter nobody listed, the authority a letter is forwarded to, …): a visible mark the
/// handler must replace, which a draft cannot be approved with.
pub const TO_FILL: &str = "[do uzupełnienia]";

/// Whether a letter still holds a [`TO_FILL`] mark.
pub fn has_unfilled(text: &str) -> bool {
    text.contains(TO_FILL)
}

/// The longest template accepted, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 100_000;

/// The names a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    /// The case sign, e.g. OR.1431.5.2024.
    ZnakSprawy,
    /// The date of the letter.
    Data,
    /// The place of the letter (miejscowość).
    Miejscowosc,
    /// The office's name.
    Urzad,
    /// The addressee's name.
    Adresat,
    /// The addressee's address.
    AdresAdresata,
    /// The subject of the case.
    TytulSprawy,
    /// The day the request reached the office.
    DataWplywu,
    /// A term (e.g. for remedying deficiencies).
    Termin,
    /// The handler's name.
    Prowadzacy,
    /// The handler's position.
    Stanowisko,
    /// The handler's unit.
    Komorka,
    /// The deficiencies to remedy (KPA art. 64 § 2), one per line.
    Braki,
    /// The authority a letter is forwarded to (KPA art. 65 § 1).
    OrganWlasciwy,
    /// That authority's address.
    AdresOrganu,
    /// The new deadline of a delayed case (KPA art. 36 § 1).
    NowyTermin,
    /// The reason for the delay.
    PrzyczynaZwloki,
    /// Who filed the application (the case's first party), whoever the letter goes to.
    Wnoszacy,
}

impl Placeholder {
    pub const ALL: [Placeholder; 18] = [
        Self::ZnakSprawy,
        Self::Data,
        Self::Miejscowosc,
        Self::Urzad,
        Self::Adresat,
        Self::AdresAdresata,
        Self::TytulSprawy,
        Self::DataWplywu,
        Self::Termin,
        Self::Prowadzacy,
        Self::Stanowisko,
        Self::Komorka,
        Self::Braki,
        Self::OrganWlasciwy,
        Self::AdresOrganu,
        Self::NowyTermin,
        Self::PrzyczynaZwloki,
        Self::Wnoszacy,
    ];

    /// The name written in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZnakSprawy => "znak_sprawy",
            Self::Data => "data",
            Self::Miejscowosc => "miejscowosc",
            Self::Urzad => "urzad",
            Self::Adresat => "adresat",
            Self::AdresAdresata => "adres_adresata",
            Self::TytulSprawy => "tytul_sprawy",
            Self::DataWplywu => "data_wplywu",
            Self::Termin => "termin",
            Self::Prowadzacy => "prowadzacy",
            Self::Stanowisko => "stanowisko",
            Self::Komorka => "komorka",
            Self::Braki => "braki",
            Self::OrganWlasciwy => "organ_wlasciwy",
            Self::AdresOrganu => "adres_organu",
            Self::NowyTermin => "nowy_termin",
            Self::PrzyczynaZwloki => "przyczyna_zwloki",
            Self::Wnoszacy => "wnoszacy",
        }
    }

    /// The placeholder with this exact name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// What the placeholder stands for, for the template editor.
    pub fn label_pl(self) -> &'static str {
        match self {
            Self::ZnakSprawy => "znak sprawy",
            Self::Data => "data pisma",
            Self::Miejscowosc => "miejscowość",
            Self::Urzad => "nazwa urzędu",
            Self::Adresat => "adresat",
            Self::AdresAdresata => "adres adresata",
            Self::TytulSprawy => "tytuł sprawy",
            Self::DataWplywu => "data wpływu",
            Self::Termin => "termin",
            Self::Prowadzacy => "imię i nazwisko prowadzącego sprawę",
            Self::Stanowisko => "stanowisko prowadzącego sprawę",
            Self::Komorka => "komórka organizacyjna",
            Self::Braki => "braki do usunięcia (art. 64 § 2 KPA)",
            Self::OrganWlasciwy => "organ właściwy (art. 65 § 1 KPA)",
            Self::AdresOrganu => "adres organu właściwego",
            Self::NowyTermin => "nowy termin załatwienia sprawy (art. 36 § 1 KPA)",
            Self::PrzyczynaZwloki => "przyczyna zwłoki",
            Self::Wnoszacy => "wnoszący podanie (pierwsza strona sprawy)",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::ZnakSprawy => "case sign",
            Self::Data => "date of the letter",
            Self::Miejscowosc => "place",
            Self::Urzad => "name of the office",
            Self::Adresat => "addressee",
            Self::AdresAdresata => "addressee's address",
            Self::TytulSprawy => "subject of the case",
            Self::DataWplywu => "date received",
            Self::Termin => "term",
            Self::Prowadzacy => "name of the handler",
            Self::Stanowisko => "handler's position",
            Self::Komorka => "organisational unit",
            Self::Braki => "deficiencies to remedy (KPA art. 64 § 2)",
            Self::OrganWlasciwy => "competent authority (KPA art. 65 § 1)",
            Self::AdresOrganu => "address of the competent authority",
            Self::NowyTermin => "new deadline of the case (KPA art. 36 § 1)",
            Self::PrzyczynaZwloki => "reason for the delay",
            Self::Wnoszacy => "applicant (the case's first party)",
        }
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn allowed_names() -> String {
    Placeholder::ALL
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What is wrong with a template or its filling. Positions are 1-based lines and columns (in
/// characters) of the opening `{{`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the template has {chars} characters; at most {MAX_TEMPLATE_CHARS} are allowed")]
    TooLong { chars: usize },
    #[error("line {line}, column {column}: {{{{ is never closed with }}}}")]
    Unclosed { line: usize, column: usize },
    #[error("line {line}, column {column}: empty placeholder {{{{}}}}")]
    Empty { line: usize, column: usize },
    #[error(
        "line {line}, column {column}: unknown placeholder {name:?}; allowed: {}",
        allowed_names()
    )]
    Unknown {
        name: String,
        line: usize,
        column: usize,
    },
    #[error("no value for {}", names.join(", "))]
    MissingValues { names: Vec<String> },
}

impl TemplateError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLong { .. } => "template-too-long",
            Self::Unclosed { .. } => "template-unclosed-placeholder",
            Self::Empty { .. } => "template-empty-placeholder",
            Self::Unknown { .. } => "template-unknown-placeholder",
            Self::MissingValues { .. } => "template-missing-values",
        }
    }

    /// The error in plain Polish, with the fix.
    pub fn message_pl(&self) -> String {
        match self {
            Self::TooLong { chars } => format!(
                "Szablon ma {chars} znaków; dopuszczalne jest najwyżej {MAX_TEMPLATE_CHARS}. Skróć go."
            ),
            Self::Unclosed { line, column } => format!(
                "Wiersz {line}, kolumna {column}: pole „{{{{” nie jest zamknięte. Dopisz „}}}}” po nazwie pola, np. {{{{znak_sprawy}}}}."
            ),
            Self::Empty { line, column } => format!(
                "Wiersz {line}, kolumna {column}: puste pole „{{{{}}}}”. Wpisz nazwę pola albo usuń nawiasy. Dozwolone pola: {}.",
                allowed_names()
            ),
            Self::Unknown { name, line, column } => format!(
                "Wiersz {line}, kolumna {column}: nieznane pole „{name}”. Dozwolone pola: {}.",
                allowed_names()
            ),
            Self::MissingValues { names } => format!(
                "Brak wartości dla pól: {}. Uzupełnij dane sprawy albo usuń te pola z szablonu.",
                names.join(", ")
            ),
        }
    }

    /// The error in plain English, with the fix.
    pub fn message_en(&self) -> String {
        match self {
            Self::TooLong { chars } => format!(
                "The template has {chars} characters; at most {MAX_TEMPLATE_CHARS} are allowed. Shorten it."
            ),
            Self::Unclosed { line, column } => format!(
                "Line {line}, column {column}: “{{{{” is not closed. Add “}}}}” after the field's name, e.g. {{{{znak_sprawy}}}}."
            ),
            Self::Empty { line, column } => format!(
                "Line {line}, column {column}: empty field “{{{{}}}}”. Write a field name or remove the braces. Allowed fields: {}.",
                allowed_names()
            ),
            Self::Unknown { name, line, column } => format!(
                "Line {line}, column {column}: unknown field “{name}”. Allowed fields: {}.",
                allowed_names()
            ),
            Self::MissingValues { names } => format!(
                "No value for the fields: {}. Complete the case's data or remove these fields from the template.",
                names.join(", ")
            ),
        }
    }
}

/// One piece of a parsed template.
enum Piece<'a> {
    Text(&'a str),
    Field(Placeholder),
}

/// Splits a template into text and placeholders, checking every rule.
fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let chars = template.chars().count();
    if chars > MAX_TEMPLATE_CHARS {
        return Err(TemplateError::TooLong { chars });
    }
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(open) = rest.find("{{") {
        // Positions are computed only for errors: a long template may hold many placeholders.
        let at = offset + open;
        let unclosed = || {
            let (line, column) = position(template, at);
            TemplateError::Unclosed { line, column }
        };
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(unclosed)?;
        let inner = &after[..close];
        if inner.contains("{{") {
            return Err(unclosed());
        }
        let name = inner.trim();
        if name.is_empty() {
            let (line, column) = position(template, at);
            return Err(TemplateError::Empty { line, column });
        }
        let field = Placeholder::from_name(name).ok_or_else(|| {
            let (line, column) = position(template, at);
            TemplateError::Unknown {
                name: name.to_owned(),
                line,
                column,
            }
        })?;
        pieces.push(Piece::Field(field));
        let consumed = open + 2 + close + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

/// The 1-based line and column (in characters) of the byte `index` of `text`.
fn position(text: &str, index: usize) -> (usize, usize) {
    let before = &text[..index];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Checks a template: length, closed braces, known placeholder names.
pub fn validate_template(template: &str) -> Result<(), TemplateError> {
    parse(template).map(|_| ())
}

/// The placeholder names a template uses, each once, in order of first use.
pub fn placeholders(template: &str) -> Result<Vec<String>, TemplateError> {
    let mut names: Vec<String> = Vec::new();
    for piece in parse(template)? {
        if let Piece::Field(field) = piece
            && !names.iter().any(|name| name == field.as_str())
        {
            names.push(field.as_str().to_owned());
        }
    }
    Ok(names)
}

/// Fills a template with `values` (keyed by placeholder name; extra keys are ignored). Every
/// placeholder needs a value; all missing ones are named in one error.
pub fn fill(template: &str, values: &BTreeMap<String, String>) -> Result<String, TemplateError> {
    let pieces = parse(template)?;
    let mut missing: Vec<String> = Vec::new();
    let mut out = String::with_capacity(template.len());
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Field(field) => match values.get(field.as_str()) {
                Some(value) => out.push_str(value),
                None => {
                    if !missing.iter().any(|name| name == field.as_str()) {
                        missing.push(field.as_str().to_owned());
                    }
                }
            },
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(TemplateError::MissingValues { names: missing })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = "{{miejscowosc}}, {{data}}\n{{urzad}}\nZnak sprawy: {{ znak_sprawy }}\n\n{{adresat}}\n{{adres_adresata}}\n\nW odpowiedzi na wniosek z dnia {{data_wplywu}} w sprawie {{tytul_sprawy}} wzywam do usunięcia braków w terminie do {{termin}}.\n\n{{prowadzacy}}\n{{stanowisko}}, {{komorka}}\nZnak: {{znak_sprawy}}";

    fn values() -> BTreeMap<String, String> {
        [
            ("znak_sprawy", "OR.1431.5.2024"),
            ("data", "7 grudnia 2026 r."),
            ("miejscowosc", "Kazimierz"),
            ("urzad", "Urząd Gminy Kazimierz"),
            ("adresat", "Jan Kowalski"),
            ("adres_adresata", "ul. Długa 1, 00-001 Kazimierz"),
            ("tytul_sprawy", "udostępnienia informacji publicznej"),
            ("data_wplywu", "1 grudnia 2026 r."),
            ("termin", "14 grudnia 2026 r."),
            ("prowadzacy", "Anna Nowak"),
            ("stanowisko", "inspektor"),
            ("komorka", "Referat Organizacyjny"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn placeholder_names_round_trip() {
        assert_eq!(PLACEHOLDERS, Placeholder::ALL.map(Placeholder::as_str));
        for p in Placeholder::ALL {
            assert_eq!(Placeholder::from_name(p.as_str()), Some(p));
            assert!(
                p.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
            assert!(!p.label_pl().is_empty() && !p.label_en().is_empty());
        }
        assert_eq!(Placeholder::from_name("Data"), None);
    }

    #[test]
    fn lists_each_placeholder_once_in_order() {
        assert_eq!(
            placeholders(LETTER).expect("valid"),
            [
                "miejscowosc",
                "data",
                "urzad",
                "znak_sprawy",
                "adresat",
                "adres_adresata",
                "data_wplywu",
                "tytul_sprawy",
                "termin",
                "prowadzacy",
                "stanowisko",
                "komorka"
            ]
        );
        assert!(placeholders("Bez pól.").expect("valid").is_empty());
        assert!(placeholders("").expect("valid").is_empty());
    }

    #[test]
    fn fills_every_placeholder() {
        let text = fill(LETTER, &values()).expect("filled");
        assert!(text.starts_with(
            "Kazimierz, 7 grudnia 2026 r.\nUrząd Gminy Kazimierz\nZnak sprawy: OR.1431.5.2024\n"
        ));
        assert!(text.ends_with("inspektor, Referat Organizacyjny\nZnak: OR.1431.5.2024"));
        assert!(!text.contains("{{"));
    }

    #[test]
    fn values_are_not_expanded_again() {
        let mut v = BTreeMap::new();
        v.insert("adresat".to_owned(), "{{data}} }} {{".to_owned());
        assert_eq!(
            fill("Do: {{adresat}}.", &v).expect("filled"),
            "Do: {{data}} }} {{."
        );
        // Extra values are ignored; a lone closing pair is text.
        v.insert("nieznane".to_owned(), "x".to_owned());
        assert_eq!(
            fill("a }} b {{adresat}}", &v).expect("filled"),
            "a }} b {{data}} }} {{"
        );
    }

    #[test]
    fn missing_values_are_all_named() {
        let mut v = values();
        v.remove("termin");
        v.remove("data");
        let error = fill(LETTER, &v).expect_err("missing");
        assert_eq!(
            error,
            TemplateError::MissingValues {
                names: vec!["data".to_owned(), "termin".to_owned()]
            }
        );
        assert_eq!(error.code(), "template-missing-values");
        assert!(error.message_pl().contains("data, termin"));
        assert!(error.message_en().contains("data, termin"));
    }

    #[test]
    fn unknown_placeholder_is_named_with_the_allowed_ones() {
        let error =
            validate_template("Szanowny Panie,\n\n  {{imie}} {{adresat}}").expect_err("unknown");
        assert_eq!(
            error,
            TemplateError::Unknown {
                name: "imie".to_owned(),
                line: 3,
                column: 3
            }
        );
        let pl = error.message_pl();
        assert!(pl.contains("Wiersz 3, kolumna 3"), "{pl}");
        assert!(pl.contains("„imie”"), "{pl}");
        assert!(pl.contains("znak_sprawy") && pl.contains("komorka"), "{pl}");
        assert!(error.message_en().contains("unknown field “imie”"));
        // Names are exact: no capitals, no Polish letters, no dashes.
        for bad in [
            "{{Data}}",
            "{{miejscowość}}",
            "{{znak-sprawy}}",
            "{{data wplywu}}",
        ] {
            assert_eq!(
                validate_template(bad).expect_err(bad).code(),
                "template-unknown-placeholder"
            );
        }
    }

    #[test]
    fn unclosed_and_empty_placeholders_have_positions() {
        assert_eq!(
            validate_template("Data: {{data}}\nZnak: {{znak_sprawy").expect_err("unclosed"),
            TemplateError::Unclosed { line: 2, column: 7 }
        );
        // An opening pair inside another one means the first was never closed.
        assert_eq!(
            validate_template("ąę {{data {{urzad}}").expect_err("nested"),
            TemplateError::Unclosed { line: 1, column: 4 }
        );
        assert_eq!(
            validate_template("x {{ }} y").expect_err("empty"),
            TemplateError::Empty { line: 1, column: 3 }
        );
        let error = validate_template("{{").expect_err("unclosed");
        assert!(error.message_pl().contains("Wiersz 1, kolumna 1"));
        assert!(error.message_en().contains("is not closed"));
    }

    #[test]
    fn length_is_limited() {
        let long = "ż".repeat(MAX_TEMPLATE_CHARS);
        assert!(validate_template(&long).is_ok());
        let too_long = format!("{long}x");
        assert_eq!(
            validate_template(&too_long).expect_err("too long"),
            TemplateError::TooLong {
                chars: MAX_TEMPLATE_CHARS + 1
            }
        );
        assert_eq!(
            fill(&too_long, &BTreeMap::new())
                .expect_err("too long")
                .code(),
            "template-too-long"
        );
    }

    #[test]
    fn spaces_inside_braces_are_allowed() {
        let mut v = BTreeMap::new();
        v.insert("data".to_owned(), "1 maja".to_owned());
        assert_eq!(
            fill("{{data}}|{{ data }}|{{\tdata\t}}", &v).expect("filled"),
            "1 maja|1 maja|1 maja"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}") {
            let _ = validate_template(&text);
            let _ = fill(&text, &values());
        }

        #[test]
        fn fills_what_it_lists(parts in proptest::collection::vec(("[^{}]{0,12}", 0usize..12), 0..20)) {
            let mut template = String::new();
            let mut expected = String::new();
            let all = values();
            for (text, index) in &parts {
                let field = Placeholder::ALL[*index];
                template.push_str(text);
                template.push_str("{{");
                template.push_str(field.as_str());
                template.push_str("}}");
                expected.push_str(text);
                expected.push_str(&all[field.as_str()]);
            }
            let listed = placeholders(&template).expect("valid");
            for name in &listed {
                proptest::prop_assert!(Placeholder::from_name(name).is_some());
            }
            proptest::prop_assert_eq!(fill(&template, &all).expect("filled"), expected);
        }
    }
}
