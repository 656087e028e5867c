//! The form part of a definition: sections, fields, their settings and conditions.

use super::definition::Check;
use super::raw::RawOption;
use super::raw::{RawField, RawSection};
use super::{ChoiceOption, Condition, Field, FieldKind, FileType, Section};
use std::ops::Range;
use toml::Spanned;

/// Defaults and upper limits of `max_length`: a one-line text holds a name or an address
/// line; a textarea a justification of a few pages. The upper limits keep a submission within
/// what a clerk reads and a receipt prints.
const TEXT_LENGTH: (usize, usize) = (200, 2000);
const TEXTAREA_LENGTH: (usize, usize) = (4000, 20000);

/// The upload limits: 10 MB holds a scanned multi-page document; 50 MB is the most an office
/// should accept through a form (larger evidence goes through ePUAP or on a carrier).
const DEFAULT_FILE_MB: u32 = 10;
const MAX_FILE_MB: i64 = 50;
const DEFAULT_ACCEPT: [FileType; 3] = [FileType::Pdf, FileType::Jpg, FileType::Png];

/// Where a field's condition was written, for the checks that need the whole form.
struct WhenSpans {
    field: Range<usize>,
    equals: Range<usize>,
}

pub(super) fn sections(
    check: &mut Check<'_>,
    raw: Vec<Spanned<RawSection>>,
    end_of_file: Range<usize>,
) -> Vec<Section> {
    if raw.is_empty() {
        check.at(
            end_of_file,
            "Formularz nie ma żadnej sekcji. Dopisz co najmniej jedną tabelę [[section]] z id, title_pl i polami [[section.field]].".to_owned(),
            "The form has no section. Add at least one [[section]] table with id, title_pl and [[section.field]] fields.".to_owned(),
        );
    }
    let mut section_ids: Vec<String> = Vec::new();
    let mut field_ids: Vec<String> = Vec::new();
    let mut sections = Vec::new();
    let mut when_spans = Vec::new();
    for spanned in raw {
        let header = spanned.span();
        let raw = spanned.into_inner();
        let id = check_id(check, "section", &raw.id);
        if section_ids.contains(&id) {
            check.at(
                raw.id.span(),
                format!("Sekcja o id „{id}” już jest w formularzu. Nadaj tej sekcji inny id."),
                format!(
                    "A section with id `{id}` is already in the form. Give this section another id."
                ),
            );
        }
        section_ids.push(id.clone());
        if raw.field.is_empty() {
            check.at(
                header,
                format!("Sekcja „{id}” nie ma żadnego pola. Dopisz pod nią co najmniej jedną tabelę [[section.field]] albo usuń sekcję."),
                format!("The section `{id}` has no field. Add at least one [[section.field]] table under it or remove the section."),
            );
        }
        let mut fields = Vec::new();
        for raw_field in raw.field {
            let raw_id = &raw_field.get_ref().id;
            // Unique in the whole form, not only in the section: answers are one flat map.
            if field_ids.contains(raw_id.get_ref()) {
                let id = raw_id.get_ref();
                check.at(
                    raw_id.span(),
                    format!("Pole o id „{id}” już jest w formularzu. Nadaj temu polu inny id."),
                    format!(
                        "A field with id `{id}` is already in the form. Give this field another id."
                    ),
                );
            }
            field_ids.push(raw_id.get_ref().clone());
            let (field, spans) = field(check, raw_field.into_inner());
            fields.push(field);
            when_spans.push(spans);
        }
        sections.push(Section {
            id,
            title: check.text("title_pl", &raw.title_pl, raw.title_en.as_deref()),
            help: check.optional_text("help_pl", raw.help_pl, raw.help_en),
            fields,
        });
    }
    let all: Vec<&Field> = sections.iter().flat_map(|s| s.fields.iter()).collect();
    check_conditions(check, &all, &when_spans);
    sections
}

/// Ids become HTML names and the keys of answers (an address adds `.street` and so on), so
/// they are kept to lower-case ASCII, digits and `_`, starting with a letter.
fn check_id(check: &mut Check<'_>, what: &str, id: &Spanned<String>) -> String {
    let text = id.get_ref();
    let mut bytes = text.bytes();
    let valid = text.len() <= 40
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        let (what_pl, what_en) = if what == "section" {
            ("sekcji", "section")
        } else {
            ("pola", "field")
        };
        check.at(
            id.span(),
            format!("Nieprawidłowy id {what_pl} „{text}”: wpisz do 40 znaków: małą literę a–z, a po niej małe litery, cyfry lub podkreślenia „_”, np. „full_name”."),
            format!("Invalid {what_en} id `{text}`: use up to 40 characters: a lower-case letter a–z followed by lower-case letters, digits or underscores, e.g. `full_name`."),
        );
    }
    text.clone()
}

fn field(check: &mut Check<'_>, raw: RawField) -> (Field, Option<WhenSpans>) {
    let id = check_id(check, "field", &raw.id);
    let kind_name = raw.kind.get_ref().trim();
    let kind = FieldKind::from_name(kind_name);
    if kind.is_none() {
        let allowed = FieldKind::ALL.map(FieldKind::as_str).join(", ");
        check.at(
            raw.kind.span(),
            format!("Nieznany typ pola „{kind_name}”; dozwolone: {allowed}. Popraw „type” pola „{id}”."),
            format!("Unknown field type `{kind_name}`; allowed: {allowed}. Correct the `type` of field `{id}`."),
        );
    }
    // A setting of another kind of field is refused: ignored silently, it would make the author
    // believe it applies. An unknown type already has its error, so nothing more is said.
    let mut fits = |key: &str, span: Option<Range<usize>>, kinds: &[FieldKind]| -> bool {
        let (Some(span), Some(kind)) = (span, kind) else {
            return false;
        };
        if kinds.contains(&kind) {
            return true;
        }
        let names = kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        check.at(
            span,
            format!("Klucz „{key}” nie dotyczy pola „{id}” typu „{}” (tylko typów: {names}). Usuń go albo zmień typ pola.", kind.as_str()),
            format!("The key `{key}` does not apply to field `{id}` of type `{}` (only to: {names}). Remove it or change the field's type.", kind.as_str()),
        );
        false
    };
    let text_kinds = [FieldKind::Text, FieldKind::Textarea];
    let length_given = fits(
        "max_length",
        raw.max_length.as_ref().map(Spanned::span),
        &text_kinds,
    );
    let min_given = fits(
        "min",
        raw.min.as_ref().map(Spanned::span),
        &[FieldKind::Number],
    );
    let max_given = fits(
        "max",
        raw.max.as_ref().map(Spanned::span),
        &[FieldKind::Number],
    );
    let date = [FieldKind::Date];
    let future_given = fits(
        "not_future",
        raw.not_future.as_ref().map(Spanned::span),
        &date,
    );
    let past_given = fits("not_past", raw.not_past.as_ref().map(Spanned::span), &date);
    let options_given = fits(
        "options",
        raw.options.as_ref().map(Spanned::span),
        &[FieldKind::Choice],
    );
    let file = [FieldKind::File];
    let accept_given = fits("accept", raw.accept.as_ref().map(Spanned::span), &file);
    let size_given = fits(
        "max_size_mb",
        raw.max_size_mb.as_ref().map(Spanned::span),
        &file,
    );
    let multiple_given = fits("multiple", raw.multiple.as_ref().map(Spanned::span), &file);

    let max_length = match kind {
        Some(FieldKind::Text) => Some(length(
            check,
            &id,
            raw.max_length.as_ref().filter(|_| length_given),
            TEXT_LENGTH,
        )),
        Some(FieldKind::Textarea) => Some(length(
            check,
            &id,
            raw.max_length.as_ref().filter(|_| length_given),
            TEXTAREA_LENGTH,
        )),
        _ => None,
    };
    let min = raw.min.filter(|_| min_given);
    let max = raw.max.filter(|_| max_given);
    if let (Some(low), Some(high)) = (&min, &max)
        && low.get_ref() > high.get_ref()
    {
        check.at(
            high.span(),
            format!("W polu „{id}” „min” ({}) jest większe niż „max” ({}). Zamień je miejscami albo popraw.", low.get_ref(), high.get_ref()),
            format!("In field `{id}`, `min` ({}) is greater than `max` ({}). Swap or correct them.", low.get_ref(), high.get_ref()),
        );
    }
    let not_future = future_given && raw.not_future.as_ref().is_some_and(|v| *v.get_ref());
    let not_past = past_given && raw.not_past.as_ref().is_some_and(|v| *v.get_ref());
    if let (true, true, Some(past)) = (not_future, not_past, &raw.not_past) {
        check.at(
            past.span(),
            format!("Pole „{id}” ma jednocześnie „not_future” i „not_past”, więc pasowałaby tylko dzisiejsza data. Zostaw jeden z tych kluczy."),
            format!("Field `{id}` has both `not_future` and `not_past`, so only today's date would fit. Keep one of them."),
        );
    }
    let options = if kind == Some(FieldKind::Choice) {
        options(
            check,
            &id,
            raw.options.as_ref().filter(|_| options_given),
            raw.kind.span(),
        )
    } else {
        Vec::new()
    };
    let is_file = kind == Some(FieldKind::File);
    let accept = if is_file {
        accept(check, &id, raw.accept.as_ref().filter(|_| accept_given))
    } else {
        Vec::new()
    };
    let max_size_mb = if is_file {
        file_size(check, &id, raw.max_size_mb.as_ref().filter(|_| size_given))
    } else {
        0
    };
    let spans = raw.when.as_ref().map(|when| WhenSpans {
        field: when.get_ref().field.span(),
        equals: when.get_ref().equals.span(),
    });
    let field = Field {
        label: check.text("label_pl", &raw.label_pl, raw.label_en.as_deref()),
        help: check.optional_text("help_pl", raw.help_pl, raw.help_en),
        id,
        kind: kind.unwrap_or(FieldKind::Text),
        required: raw.required.unwrap_or(false),
        when: raw.when.map(|when| {
            let when = when.into_inner();
            Condition {
                field: when.field.into_inner().trim().to_owned(),
                equals: when.equals.into_inner().trim().to_owned(),
            }
        }),
        max_length,
        min: min.map(Spanned::into_inner),
        max: max.map(Spanned::into_inner),
        not_future,
        not_past,
        options,
        accept,
        max_size_mb,
        multiple: is_file && multiple_given && raw.multiple.is_some_and(Spanned::into_inner),
    };
    (field, spans)
}

fn length(
    check: &mut Check<'_>,
    id: &str,
    given: Option<&Spanned<i64>>,
    (default, most): (usize, usize),
) -> usize {
    let Some(given) = given else {
        return default;
    };
    match usize::try_from(*given.get_ref()) {
        Ok(length) if (1..=most).contains(&length) => length,
        _ => {
            check.at(
                given.span(),
                format!("„max_length” pola „{id}” musi być od 1 do {most}. Popraw wartość albo usuń klucz (domyślnie {default})."),
                format!("`max_length` of field `{id}` must be from 1 to {most}. Correct it or remove the key (default {default})."),
            );
            default
        }
    }
}

fn options(
    check: &mut Check<'_>,
    id: &str,
    list: Option<&Spanned<Vec<Spanned<RawOption>>>>,
    type_span: Range<usize>,
) -> Vec<ChoiceOption> {
    let count = list.map_or(0, |list| list.get_ref().len());
    if count < 2 {
        let span = list.map_or(type_span, Spanned::span);
        check.at(
            span,
            format!("Pole wyboru „{id}” musi mieć co najmniej dwie możliwości w „options”, np. options = [{{ value = \"tak\", label_pl = \"Tak\" }}, {{ value = \"nie\", label_pl = \"Nie\" }}]."),
            format!("The choice field `{id}` needs at least two entries in `options`, e.g. options = [{{ value = \"yes\", label_pl = \"Tak\" }}, {{ value = \"no\", label_pl = \"Nie\" }}]."),
        );
    }
    let mut result: Vec<ChoiceOption> = Vec::new();
    for option in list.map(|list| list.get_ref().as_slice()).unwrap_or(&[]) {
        let option = option.get_ref();
        let value = option.value.get_ref().trim();
        if value.is_empty() {
            check.at(
                option.value.span(),
                format!("Pusta wartość „value” w możliwościach pola „{id}”. Wpisz krótką wartość, np. \"tak\"."),
                format!("An empty `value` among the options of field `{id}`. Enter a short value, e.g. \"yes\"."),
            );
        } else if result.iter().any(|seen| seen.value == value) {
            check.at(
                option.value.span(),
                format!("Wartość „{value}” powtarza się w możliwościach pola „{id}”. Każda możliwość musi mieć inną wartość."),
                format!("The value `{value}` is repeated among the options of field `{id}`. Each option needs its own value."),
            );
        }
        result.push(ChoiceOption {
            value: value.to_owned(),
            label: check.text("label_pl", &option.label_pl, option.label_en.as_deref()),
        });
    }
    result
}

fn accept(
    check: &mut Check<'_>,
    id: &str,
    given: Option<&Spanned<Vec<Spanned<String>>>>,
) -> Vec<FileType> {
    let Some(given) = given else {
        return DEFAULT_ACCEPT.to_vec();
    };
    let allowed = FileType::ALL.map(FileType::as_str).join(", ");
    if given.get_ref().is_empty() {
        check.at(
            given.span(),
            format!("Lista „accept” pola „{id}” jest pusta. Podaj dozwolone typy plików spośród: {allowed}, albo usuń klucz (domyślnie pdf, jpg, png)."),
            format!("The `accept` list of field `{id}` is empty. Give the allowed file types from: {allowed}, or remove the key (default pdf, jpg, png)."),
        );
    }
    let mut types = Vec::new();
    for name in given.get_ref() {
        let text = name.get_ref().trim().to_ascii_lowercase();
        match FileType::ALL.into_iter().find(|t| t.as_str() == text) {
            Some(file_type) if !types.contains(&file_type) => types.push(file_type),
            Some(_) => {}
            None => check.at(
                name.span(),
                format!(
                    "Nieznany typ pliku „{text}” w „accept” pola „{id}”. Dozwolone: {allowed}."
                ),
                format!(
                    "Unknown file type `{text}` in `accept` of field `{id}`. Allowed: {allowed}."
                ),
            ),
        }
    }
    types
}

fn file_size(check: &mut Check<'_>, id: &str, given: Option<&Spanned<i64>>) -> u32 {
    let Some(given) = given else {
        return DEFAULT_FILE_MB;
    };
    match u32::try_from(*given.get_ref()) {
        Ok(mb) if (1..=MAX_FILE_MB).contains(&i64::from(mb)) => mb,
        _ => {
            check.at(
                given.span(),
                format!("„max_size_mb” pola „{id}” musi być od 1 do {MAX_FILE_MB} (MB). Popraw wartość albo usuń klucz (domyślnie {DEFAULT_FILE_MB})."),
                format!("`max_size_mb` of field `{id}` must be from 1 to {MAX_FILE_MB} (MB). Correct it or remove the key (default {DEFAULT_FILE_MB})."),
            );
            DEFAULT_FILE_MB
        }
    }
}

/// A condition may only look back: the resident fills the form top-down, and a field that
/// depends on a later one would appear and disappear behind them.
fn check_conditions(check: &mut Check<'_>, fields: &[&Field], spans: &[Option<WhenSpans>]) {
    for (index, (field, spans)) in fields.iter().zip(spans).enumerate() {
        let (Some(when), Some(spans)) = (&field.when, spans) else {
            continue;
        };
        let target_id = when.field.as_str();
        let id = field.id.as_str();
        let earlier = fields[..index].iter().find(|f| f.id == target_id);
        let Some(target) = earlier else {
            let (pl, en) = if target_id == id {
                (
                    format!(
                        "Warunek „when” pola „{id}” wskazuje na to samo pole. Wskaż inne, wcześniejsze pole."
                    ),
                    format!(
                        "The `when` of field `{id}` points at the field itself. Point at another, earlier field."
                    ),
                )
            } else if fields[index..].iter().any(|f| f.id == target_id) {
                (
                    format!(
                        "Warunek „when” pola „{id}” wskazuje na pole „{target_id}”, które jest dalej w formularzu. Warunek może zależeć tylko od wcześniejszego pola: przenieś „{target_id}” przed „{id}”."
                    ),
                    format!(
                        "The `when` of field `{id}` points at `{target_id}`, which comes later in the form. A condition may depend only on an earlier field: move `{target_id}` before `{id}`."
                    ),
                )
            } else {
                (
                    format!(
                        "Warunek „when” pola „{id}” wskazuje na pole „{target_id}”, którego nie ma w formularzu. Popraw id pola w „when”."
                    ),
                    format!(
                        "The `when` of field `{id}` points at `{target_id}`, which is not in the form. Correct the field id in `when`."
                    ),
                )
            };
            check.at(spans.field.clone(), pl, en);
            continue;
        };
        let equals = when.equals.as_str();
        match target.kind {
            FieldKind::Choice if !target.options.iter().any(|o| o.value == equals) => {
                let values = target.options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>().join(", ");
                check.at(
                    spans.equals.clone(),
                    format!("Warunek „when” pola „{id}”: „{equals}” nie jest wartością żadnej możliwości pola „{target_id}”. Wpisz jedną z: {values}."),
                    format!("The `when` of field `{id}`: `{equals}` is not the value of any option of field `{target_id}`. Use one of: {values}."),
                );
            }
            FieldKind::Checkbox if equals != "true" => check.at(
                spans.equals.clone(),
                format!("Warunek „when” pola „{id}” wskazuje na pole zaznaczenia „{target_id}”, więc „equals” musi być \"true\" (pole widać po zaznaczeniu)."),
                format!("The `when` of field `{id}` points at the checkbox `{target_id}`, so `equals` must be \"true\" (the field shows when it is ticked)."),
            ),
            FieldKind::Address | FieldKind::File => check.at(
                spans.field.clone(),
                format!("Warunek „when” pola „{id}” wskazuje na pole „{target_id}” typu „{}”, które nie ma jednej wartości. Wskaż pole innego typu, np. wyboru albo zaznaczenia.", target.kind.as_str()),
                format!("The `when` of field `{id}` points at `{target_id}` of type `{}`, which has no single value. Point at another kind of field, e.g. a choice or a checkbox.", target.kind.as_str()),
            ),
            _ => {}
        }
    }
}
