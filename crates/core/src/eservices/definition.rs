//! Reading a definition: syntax and structure by the toml crate, meaning by the checks here.
//!
//! Every problem of meaning is collected, not only the first, so that the author fixes a file in
//! one round instead of one error per import attempt.

use super::raw::{RawDefinition, RawService};
use super::words::{chars_en, chars_pl, plural_pl};
use super::{DefinitionError, LIFE_SITUATIONS, ServiceDefinition, Text, form, syntax};
use crate::cases::ProcedureKind;
use std::ops::Range;
use toml::Spanned;

/// The longest service name: it is a heading and a catalogue entry, and must fit on the receipt.
const MAX_NAME: usize = 200;

/// Parses and checks a definition. All problems found are returned (not only the first), each
/// with the line of the offending key or value, e.g. the line of `type = "txt"`:
/// „Nieznany typ pola „txt”; dozwolone: text, textarea, …”.
///
/// A syntax error, an unknown key, a missing required key or a value of the wrong kind stops
/// the reading (the toml crate reports one such error, at its own position); the checks of
/// meaning then all run: slug and ids, duplicate ids, conditions (`when` pointing at an unknown
/// or later field or at the field itself, an `equals` that is not an option), options and file
/// settings on the wrong kind of field, choices with fewer than two or repeated options,
/// `min` > `max`, `not_future` with `not_past`, unknown file types, `max_size_mb` outside
/// 1..=50, unknown life situations and procedures, `documents_en` of another length than
/// `documents_pl`, and `format` other than 1.
pub fn parse_definition(source: &str) -> Result<ServiceDefinition, Vec<DefinitionError>> {
    let raw: RawDefinition =
        toml::from_str(source).map_err(|error| vec![syntax::from_toml(source, &error)])?;
    let mut check = Check {
        source,
        errors: Vec::new(),
    };
    if *raw.format.get_ref() != 1 {
        check.at(
            raw.format.span(),
            format!(
                "Nieobsługiwana wersja formatu „{}”. Wpisz format = 1.",
                raw.format.get_ref()
            ),
            format!(
                "Unsupported format version `{}`. Write format = 1.",
                raw.format.get_ref()
            ),
        );
    }
    let service = raw.service.into_inner();
    let (receipt_pl, receipt_en) = match raw.receipt {
        Some(receipt) => (receipt.note_pl, receipt.note_en),
        None => (None, None),
    };
    let receipt_note = check.optional_text("note_pl", receipt_pl, receipt_en);
    let end_of_file = source.len()..source.len();
    let sections = form::sections(&mut check, raw.section, end_of_file);
    let definition = service_definition(&mut check, service, receipt_note, sections);
    if check.errors.is_empty() {
        Ok(definition)
    } else {
        let mut errors = check.errors;
        errors.sort_by_key(|error| (error.line, error.column));
        Err(errors)
    }
}

fn service_definition(
    check: &mut Check<'_>,
    service: RawService,
    receipt_note: Text,
    sections: Vec<super::Section>,
) -> ServiceDefinition {
    check_slug(check, &service.slug);
    let name = check.text("name_pl", &service.name_pl, service.name_en.as_deref());
    let name_length = name.pl.chars().count();
    if name_length > MAX_NAME {
        check.at(
            service.name_pl.span(),
            format!(
                "Nazwa usługi w kluczu „name_pl” ma {}, a może mieć najwyżej {}. Skróć ją; szczegóły opisz w „summary_pl”.",
                chars_pl(name_length),
                chars_pl(MAX_NAME)
            ),
            format!(
                "The service name in `name_pl` has {}, at most {MAX_NAME} are allowed. Shorten it and put the details in `summary_pl`.",
                chars_en(name_length)
            ),
        );
    }
    let documents_pl = service.documents_pl.get_ref();
    let documents_en = service.documents_en.as_ref().map(Spanned::get_ref);
    if let (Some(spanned), Some(en)) = (&service.documents_en, documents_en)
        && en.len() != documents_pl.len()
    {
        check.at(
            spanned.span(),
            format!(
                "Lista „documents_en” ma {}, a „documents_pl” ma {}. Przetłumacz każdy dokument albo usuń „documents_en”.",
                entries_pl(en.len()),
                entries_pl(documents_pl.len())
            ),
            format!(
                "`documents_en` has {} but `documents_pl` has {}. Translate every document or remove `documents_en`.",
                entries_en(en.len()),
                entries_en(documents_pl.len())
            ),
        );
    }
    let documents = documents_pl
        .iter()
        .enumerate()
        .map(|(i, pl)| {
            Text::new(
                pl,
                documents_en.and_then(|en| en.get(i)).map(String::as_str),
            )
        })
        .collect();
    if let Some(fee) = &service.fee_grosze
        && *fee.get_ref() < 0
    {
        check.at(
            fee.span(),
            "Opłata „fee_grosze” nie może być ujemna. Wpisz kwotę w groszach, np. 1700 dla 17 zł, albo usuń klucz, gdy opłaty nie ma.".to_owned(),
            "The fee `fee_grosze` cannot be negative. Enter the amount in grosze, e.g. 1700 for 17 zł, or remove the key when there is no fee.".to_owned(),
        );
    }
    let legal_basis = check_legal_basis(check, &service.legal_basis);
    let procedure = check_procedure(check, &service.procedure);
    ServiceDefinition {
        slug: service.slug.get_ref().trim().to_owned(),
        name,
        summary: check.text(
            "summary_pl",
            &service.summary_pl,
            service.summary_en.as_deref(),
        ),
        life_situations: check_life_situations(check, &service.life_situations),
        keywords: service
            .keywords
            .iter()
            .map(|word| word.trim().to_owned())
            .filter(|word| !word.is_empty())
            .collect(),
        who: check.text("who_pl", &service.who_pl, service.who_en.as_deref()),
        documents,
        fees: check.text("fees_pl", &service.fees_pl, service.fees_en.as_deref()),
        fee_grosze: service.fee_grosze.map(Spanned::into_inner),
        payment: check.optional_text("payment_pl", service.payment_pl, service.payment_en),
        deadline: check.text(
            "deadline_pl",
            &service.deadline_pl,
            service.deadline_en.as_deref(),
        ),
        legal_basis,
        unit: check.word("unit", &service.unit),
        jrwa: check.word("jrwa", &service.jrwa),
        procedure,
        open_case: service.open_case.unwrap_or(true),
        complicated: service.complicated.unwrap_or(false),
        receipt_note,
        sections,
    }
}

/// "1 pozycję", "2 pozycje", "5 pozycji" (the accusative after "ma").
fn entries_pl(n: usize) -> String {
    format!(
        "{n} {}",
        plural_pl(n as u64, "pozycję", "pozycje", "pozycji")
    )
}

/// "1 entry", "2 entries".
fn entries_en(n: usize) -> String {
    if n == 1 {
        "1 entry".to_owned()
    } else {
        format!("{n} entries")
    }
}

/// The slug is the service's address in the portal (`/uslugi/<slug>`), so it is limited to what
/// reads well in a URL and never needs escaping.
fn check_slug(check: &mut Check<'_>, slug: &Spanned<String>) {
    let text = slug.get_ref();
    let valid = (3..=60).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if !valid {
        check.at(
            slug.span(),
            format!(
                "Nieprawidłowy „slug” „{text}”: wpisz od 3 do 60 znaków, tylko małe litery a–z (bez polskich znaków), cyfry i myślniki, bez myślnika na początku i na końcu, np. „wycinka-drzew”."
            ),
            format!(
                "Invalid `slug` `{text}`: use 3 to 60 characters, only lower-case a–z (no Polish letters), digits and dashes, not starting or ending with a dash, e.g. `wycinka-drzew`."
            ),
        );
    }
}

fn check_life_situations(
    check: &mut Check<'_>,
    situations: &Spanned<Vec<Spanned<String>>>,
) -> Vec<String> {
    let allowed = LIFE_SITUATIONS.join(", ");
    if situations.get_ref().is_empty() {
        check.at(
            situations.span(),
            format!(
                "Lista „life_situations” jest pusta. Podaj co najmniej jedną sytuację życiową z: {allowed}."
            ),
            format!("The list `life_situations` is empty. Give at least one of: {allowed}."),
        );
    }
    let mut result: Vec<String> = Vec::new();
    for situation in situations.get_ref() {
        let name = situation.get_ref().trim();
        if !LIFE_SITUATIONS.contains(&name) {
            check.at(
                situation.span(),
                format!(
                    "Nieznana sytuacja życiowa „{name}” w „life_situations”. Dozwolone: {allowed}."
                ),
                format!(
                    "Unknown life situation `{name}` in `life_situations`. Allowed: {allowed}."
                ),
            );
        } else if result.iter().any(|seen| seen == name) {
            check.at(
                situation.span(),
                format!("Sytuacja życiowa „{name}” powtarza się w „life_situations”. Usuń powtórzenie."),
                format!("The life situation `{name}` is repeated in `life_situations`. Remove the repetition."),
            );
        } else {
            result.push(name.to_owned());
        }
    }
    result
}

/// A service without a legal basis cannot be offered: an office acts only on the basis of law
/// (Konstytucja RP art. 7).
fn check_legal_basis(check: &mut Check<'_>, basis: &Spanned<Vec<Spanned<String>>>) -> Vec<String> {
    if basis.get_ref().is_empty() {
        check.at(
            basis.span(),
            "Lista „legal_basis” jest pusta. Podaj co najmniej jeden przepis, na podstawie którego urząd załatwia sprawę, np. „Ustawa … (Dz.U. …), art. 83”.".to_owned(),
            "The list `legal_basis` is empty. Give at least one provision under which the office handles the matter, e.g. `Ustawa … (Dz.U. …), art. 83`.".to_owned(),
        );
    }
    basis
        .get_ref()
        .iter()
        .map(|item| {
            if item.get_ref().trim().is_empty() {
                check.at(
                    item.span(),
                    "Pusta pozycja w „legal_basis”. Wpisz przepis albo usuń pustą pozycję."
                        .to_owned(),
                    "An empty entry in `legal_basis`. Enter the provision or remove the entry."
                        .to_owned(),
                );
            }
            item.get_ref().trim().to_owned()
        })
        .collect()
}

fn check_procedure(check: &mut Check<'_>, procedure: &Spanned<String>) -> ProcedureKind {
    match procedure.get_ref().trim().parse::<ProcedureKind>() {
        Ok(kind) => kind,
        Err(unknown) => {
            let allowed = unknown.allowed.join(", ");
            check.at(
                procedure.span(),
                format!(
                    "Nieznany rodzaj postępowania „{}” w kluczu „procedure”. Dozwolone: {allowed}.",
                    unknown.value
                ),
                format!(
                    "Unknown kind of procedure `{}` in `procedure`. Allowed: {allowed}.",
                    unknown.value
                ),
            );
            ProcedureKind::Other
        }
    }
}

/// Collects the problems of one definition with their positions.
pub(super) struct Check<'s> {
    source: &'s str,
    errors: Vec<DefinitionError>,
}

impl Check<'_> {
    pub(super) fn at(&mut self, span: Range<usize>, message_pl: String, message_en: String) {
        self.errors
            .push(syntax::error_at(self.source, &span, message_pl, message_en));
    }

    /// A required text: the Polish one must not be blank.
    pub(super) fn text(&mut self, key: &str, pl: &Spanned<String>, en: Option<&str>) -> Text {
        if pl.get_ref().trim().is_empty() {
            self.at(
                pl.span(),
                format!("Klucz „{key}” jest pusty. Wpisz tekst po polsku."),
                format!("The key `{key}` is empty. Enter the Polish text."),
            );
        }
        Text::new(pl.get_ref(), en)
    }

    /// An optional text: an English one without the Polish one is a mistake (Polish is the
    /// language of the office, English only its translation).
    pub(super) fn optional_text(
        &mut self,
        key_pl: &str,
        pl: Option<String>,
        en: Option<Spanned<String>>,
    ) -> Text {
        match (pl, en) {
            (Some(pl), en) => Text::new(&pl, en.as_ref().map(|en| en.get_ref().as_str())),
            (None, Some(en)) => {
                let key_en = key_pl.replace("_pl", "_en");
                self.at(
                    en.span(),
                    format!(
                        "Jest „{key_en}”, a brakuje „{key_pl}”. Dopisz tekst po polsku w „{key_pl}”."
                    ),
                    format!(
                        "`{key_en}` is given without `{key_pl}`. Add the Polish text as `{key_pl}`."
                    ),
                );
                Text::empty()
            }
            (None, None) => Text::empty(),
        }
    }

    /// A required symbol such as the unit or the JRWA class: not blank.
    pub(super) fn word(&mut self, key: &str, value: &Spanned<String>) -> String {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.at(
                value.span(),
                format!("Klucz „{key}” jest pusty. Wpisz symbol, np. unit = \"OŚ\", jrwa = \"6131\"."),
                format!("The key `{key}` is empty. Enter the symbol, e.g. unit = \"OŚ\", jrwa = \"6131\"."),
            );
        }
        text.to_owned()
    }
}
