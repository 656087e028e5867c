//! What the resident answered, in words, for the receipt (UPO) and the case file.

use super::answers::is_ticked;
use super::{Answers, Field, FieldKind, ServiceDefinition};

/// What the resident answered, for the receipt and the case file: (section title, [(field
/// label, value as shown)]) for active answered fields, in form order; choice values shown by
/// their label, a ticked checkbox as "tak"/"yes", an address as "street, postal_code city". File
/// fields are omitted (the receipt lists files separately), and so are sections with nothing
/// answered.
pub fn summary(
    def: &ServiceDefinition,
    answers: &Answers,
    lang: &str,
) -> Vec<(String, Vec<(String, String)>)> {
    def.sections
        .iter()
        .filter_map(|section| {
            let rows: Vec<(String, String)> = section
                .fields
                .iter()
                .filter(|field| def.is_active(field, answers))
                .filter_map(|field| {
                    let shown = shown_value(field, answers, lang)?;
                    Some((field.label.get(lang).to_owned(), shown))
                })
                .collect();
            (!rows.is_empty()).then(|| (section.title.get(lang).to_owned(), rows))
        })
        .collect()
}

fn shown_value(field: &Field, answers: &Answers, lang: &str) -> Option<String> {
    let answer = |key: &str| {
        answers
            .get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    };
    match field.kind {
        FieldKind::File => None,
        FieldKind::Address => {
            let part = |name: &str| answer(&format!("{}.{name}", field.id));
            let town = [part("postal_code"), part("city")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let lines: Vec<&str> = [part("street"), Some(town.as_str())]
                .into_iter()
                .flatten()
                .filter(|line| !line.is_empty())
                .collect();
            (!lines.is_empty()).then(|| lines.join(", "))
        }
        FieldKind::Checkbox => answer(&field.id)
            .filter(|value| is_ticked(value))
            .map(|_| if lang == "en" { "yes" } else { "tak" }.to_owned()),
        FieldKind::Choice => {
            let value = answer(&field.id)?;
            let option = field.options.iter().find(|option| option.value == value);
            Some(
                option
                    .map_or(value, |option| option.label.get(lang))
                    .to_owned(),
            )
        }
        _ => answer(&field.id).map(str::to_owned),
    }
}
