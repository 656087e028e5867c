//! Each kind of definition error is found, on the right line, with messages in both languages.

use super::super::*;
use super::BASE;

fn errors(source: &str) -> Vec<DefinitionError> {
    match parse_definition(source) {
        Ok(def) => panic!("definition should be refused, got {def:#?}"),
        Err(errors) => errors,
    }
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(source: &str, needle: &str) -> usize {
    let offset = source
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in source"));
    source[..offset].matches('\n').count() + 1
}

/// `BASE` with `extra` (more keys or fields) appended.
fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

/// Asserts that the definition is refused with an error on `line` whose Polish message contains
/// `pl` and English message contains `en`, and returns all errors.
#[track_caller]
fn assert_error(source: &str, line: usize, pl: &str, en: &str) -> Vec<DefinitionError> {
    let errors = errors(source);
    let found = errors
        .iter()
        .any(|e| e.line == line && e.message_pl.contains(pl) && e.message_en.contains(en));
    assert!(
        found,
        "no error on line {line} with {pl:?} / {en:?} in {errors:#?}"
    );
    errors
}

/// Replaces the first `from` in BASE.
fn base_with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?} not in BASE");
    BASE.replacen(from, to, 1)
}

#[test]
fn base_is_valid() {
    let def = super::parse(BASE);
    assert_eq!(def.slug, "test-usluga");
    assert_eq!(line_of(BASE, "label_pl = \"Imię\""), 24);
}

#[test]
fn syntax_error_has_its_line() {
    let source = base_with("slug = \"test-usluga\"", "slug = test-usluga");
    let errors = assert_error(&source, 4, "cudzysłowie", "quotes");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].column, 8);

    let source = with("\n[[section.field]\n");
    assert_error(&source, 26, "Błąd składni TOML", "TOML syntax error");
}

#[test]
fn unknown_key_names_the_key_and_the_allowed_ones() {
    let source = with("requierd = true\n");
    assert_error(
        &source,
        25,
        "Nieznany klucz „requierd”",
        "Unknown key `requierd`",
    );
    let errors = errors(&source);
    assert!(errors[0].message_pl.contains("required"), "{errors:?}");
    assert_eq!(errors[0].column, 1);

    let source = base_with("unit = \"OR\"", "unit = \"OR\"\nunits = \"OR\"");
    assert_error(&source, 14, "„units”", "`units`");
}

#[test]
fn missing_key_points_at_its_table() {
    let source = with("\n[[section.field]]\nid = \"second\"\ntype = \"text\"\n");
    assert_error(
        &source,
        26,
        "Brakuje wymaganego klucza „label_pl”",
        "`label_pl` is missing",
    );

    let source = base_with("jrwa = \"0140\"\n", "");
    assert_error(&source, 3, "„jrwa”", "`jrwa`");
}

#[test]
fn wrong_kind_of_value_names_the_key() {
    let source = base_with("format = 1", "format = \"1\"");
    assert_error(&source, 1, "klucza „format”", "of `format`");
    let source = with("required = \"tak\"\n");
    assert_error(&source, 25, "true albo false", "true or false");
}

#[test]
fn format_must_be_one() {
    let source = base_with("format = 1", "format = 2");
    let errors = assert_error(&source, 1, "format = 1", "format = 1");
    assert_eq!(errors.len(), 1);
}

#[test]
fn slug_must_be_a_url_word() {
    for bad in [
        "ab",
        "Wycinka",
        "-wycinka",
        "wycinka-",
        "wycinka_drzew",
        "wyćinka",
    ] {
        let source = base_with("\"test-usluga\"", &format!("\"{bad}\""));
        assert_error(&source, 4, "„slug”", "`slug`");
    }
    let long = "a".repeat(61);
    let source = base_with("\"test-usluga\"", &format!("\"{long}\""));
    assert_error(&source, 4, "od 3 do 60 znaków", "3 to 60");
    let ok = "a".repeat(60);
    assert!(parse_definition(&base_with("\"test-usluga\"", &format!("\"{ok}\""))).is_ok());
}

#[test]
fn ids_must_be_lower_case_words() {
    let source = base_with("id = \"name\"", "id = \"Name\"");
    assert_error(
        &source,
        22,
        "Nieprawidłowy id pola „Name”",
        "Invalid field id `Name`",
    );
    let source = base_with("id = \"main\"", "id = \"1main\"");
    assert_error(&source, 18, "id sekcji", "section id");
    let long = format!("a{}", "b".repeat(40));
    let source = base_with("id = \"name\"", &format!("id = \"{long}\""));
    assert_error(&source, 22, "do 40 znaków", "up to 40");
}

#[test]
fn duplicate_ids_are_refused_in_the_whole_form() {
    let source = with(
        "\n[[section]]\nid = \"main\"\ntitle_pl = \"Druga\"\n\n[[section.field]]\nid = \"name\"\ntype = \"text\"\nlabel_pl = \"Znowu\"\n",
    );
    let errors = assert_error(
        &source,
        27,
        "Sekcja o id „main” już jest",
        "section with id `main`",
    );
    assert_error(
        &source,
        31,
        "Pole o id „name” już jest",
        "field with id `name`",
    );
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn unknown_field_type_lists_the_types() {
    let source = base_with("type = \"text\"", "type = \"txt\"");
    let errors = assert_error(
        &source,
        23,
        "Nieznany typ pola „txt”; dozwolone: text, textarea,",
        "Unknown field type `txt`",
    );
    assert_eq!(errors[0].column, 8);
    assert_eq!(errors.len(), 1, "no follow-up errors: {errors:#?}");
}

#[test]
fn conditions_must_point_at_an_earlier_field() {
    let unknown = with("when = { field = \"nobody\", equals = \"x\" }\n");
    assert_error(&unknown, 25, "„nobody”, którego nie ma", "not in the form");

    let itself = with("when = { field = \"name\", equals = \"x\" }\n");
    assert_error(&itself, 25, "na to samo pole", "the field itself");

    let later = with(
        "when = { field = \"later\", equals = \"x\" }\n\n[[section.field]]\nid = \"later\"\ntype = \"text\"\nlabel_pl = \"Później\"\n",
    );
    assert_error(&later, 25, "jest dalej w formularzu", "comes later");
}

const CHOICE: &str = "
[[section.field]]
id = \"owner\"
type = \"choice\"
label_pl = \"Właściciel\"
options = [
  { value = \"yes\", label_pl = \"Tak\" },
  { value = \"no\", label_pl = \"Nie\" },
]
";

#[test]
fn condition_values_must_exist() {
    let source = with(&format!(
        "{CHOICE}\n[[section.field]]\nid = \"why\"\ntype = \"text\"\nlabel_pl = \"Dlaczego\"\nwhen = {{ field = \"owner\", equals = \"maybe\" }}\n"
    ));
    assert_error(
        &source,
        39,
        "„maybe” nie jest wartością",
        "`maybe` is not the value",
    );

    let checkbox = with(
        "\n[[section.field]]\nid = \"agree\"\ntype = \"checkbox\"\nlabel_pl = \"Zgoda\"\n\n[[section.field]]\nid = \"why\"\ntype = \"text\"\nlabel_pl = \"Dlaczego\"\nwhen = { field = \"agree\", equals = \"yes\" }\n",
    );
    assert_error(&checkbox, 35, "musi być \"true\"", "must be \"true\"");

    let address = with(
        "\n[[section.field]]\nid = \"home\"\ntype = \"address\"\nlabel_pl = \"Adres\"\n\n[[section.field]]\nid = \"why\"\ntype = \"text\"\nlabel_pl = \"Dlaczego\"\nwhen = { field = \"home\", equals = \"x\" }\n",
    );
    assert_error(&address, 35, "nie ma jednej wartości", "no single value");
}

#[test]
fn choice_needs_two_distinct_options() {
    let one = with(
        "\n[[section.field]]\nid = \"owner\"\ntype = \"choice\"\nlabel_pl = \"W\"\noptions = [{ value = \"yes\", label_pl = \"Tak\" }]\n",
    );
    assert_error(&one, 30, "co najmniej dwie możliwości", "at least two");

    let none = with("\n[[section.field]]\nid = \"owner\"\ntype = \"choice\"\nlabel_pl = \"W\"\n");
    assert_error(&none, 28, "co najmniej dwie możliwości", "at least two");

    let repeated = with(
        "\n[[section.field]]\nid = \"owner\"\ntype = \"choice\"\nlabel_pl = \"W\"\noptions = [\n  { value = \"yes\", label_pl = \"Tak\" },\n  { value = \"yes\", label_pl = \"Tak!\" },\n]\n",
    );
    assert_error(&repeated, 32, "„yes” powtarza się", "`yes` is repeated");
}

#[test]
fn options_only_on_choice_fields() {
    let source = base_with(
        "label_pl = \"Imię\"",
        "label_pl = \"Imię\"\noptions = [{ value = \"a\", label_pl = \"A\" }, { value = \"b\", label_pl = \"B\" }]",
    );
    assert_error(
        &source,
        25,
        "Klucz „options” nie dotyczy pola „name” typu „text”",
        "`options` does not apply",
    );
}

#[test]
fn number_and_date_settings() {
    let source = with(
        "\n[[section.field]]\nid = \"count\"\ntype = \"number\"\nlabel_pl = \"Liczba\"\nmin = 10\nmax = 5\n",
    );
    assert_error(
        &source,
        31,
        "„min” (10) jest większe niż „max” (5)",
        "greater than",
    );

    let source = with(
        "\n[[section.field]]\nid = \"day\"\ntype = \"date\"\nlabel_pl = \"Dzień\"\nnot_future = true\nnot_past = true\n",
    );
    assert_error(
        &source,
        31,
        "jednocześnie „not_future” i „not_past”",
        "both",
    );

    let source = with("min = 1\nnot_past = true\n");
    let errors = assert_error(&source, 25, "„min” nie dotyczy", "`min` does not apply");
    assert_error(
        &source,
        26,
        "„not_past” nie dotyczy",
        "`not_past` does not apply",
    );
    assert_eq!(errors.len(), 2);
}

#[test]
fn text_length_limits() {
    let source = with("max_length = 2001\n");
    assert_error(&source, 25, "od 1 do 2000", "from 1 to 2000");
    let source = with("max_length = 0\n");
    assert_error(&source, 25, "od 1 do 2000", "from 1 to 2000");
    let source = base_with("type = \"text\"", "type = \"textarea\"");
    let def = super::parse(&format!("{source}max_length = 20000\n"));
    assert_eq!(def.field("name").and_then(|f| f.max_length), Some(20000));
    let source = with(
        "\n[[section.field]]\nid = \"n\"\ntype = \"number\"\nlabel_pl = \"N\"\nmax_length = 5\n",
    );
    assert_error(&source, 30, "„max_length” nie dotyczy", "does not apply");
}

#[test]
fn file_settings_only_on_file_fields_and_in_range() {
    let source = with("accept = [\"pdf\"]\nmax_size_mb = 5\nmultiple = true\n");
    let errors = errors(&source);
    assert_eq!(
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        [25, 26, 27]
    );
    assert!(errors[1].message_pl.contains("„max_size_mb” nie dotyczy"));

    let file = "\n[[section.field]]\nid = \"scan\"\ntype = \"file\"\nlabel_pl = \"Skan\"\n";
    let source = with(&format!("{file}accept = [\"pdf\", \"exe\"]\n"));
    assert_error(
        &source,
        30,
        "Nieznany typ pliku „exe”",
        "Unknown file type `exe`",
    );
    let source = with(&format!("{file}accept = []\n"));
    assert_error(&source, 30, "jest pusta", "is empty");
    for size in ["0", "51", "-1"] {
        let source = with(&format!("{file}max_size_mb = {size}\n"));
        assert_error(&source, 30, "od 1 do 50", "from 1 to 50");
    }
    let def = super::parse(&with(&format!("{file}max_size_mb = 50\n")));
    assert_eq!(def.field("scan").map(|f| f.max_size_mb), Some(50));
}

#[test]
fn service_level_checks() {
    let source = base_with("[\"other\"]", "[\"other\", \"pets\"]");
    assert_error(
        &source,
        7,
        "Nieznana sytuacja życiowa „pets”",
        "Unknown life situation `pets`",
    );
    let source = base_with("[\"other\"]", "[]");
    assert_error(&source, 7, "„life_situations” jest pusta", "is empty");

    let source = base_with("procedure = \"other\"", "procedure = \"decision\"");
    assert_error(
        &source,
        15,
        "Nieznany rodzaj postępowania „decision”",
        "administrative, certificate",
    );

    let source = base_with(
        "documents_pl = []",
        "documents_pl = [\"Zgoda\", \"Mapa\"]\ndocuments_en = [\"Consent\"]",
    );
    assert_error(
        &source,
        10,
        "„documents_en” ma 1 pozycję, a „documents_pl” ma 2 pozycje",
        "has 1 entry but `documents_pl` has 2 entries",
    );

    let source = base_with(
        "legal_basis = [\"Ustawa testowa, art. 1\"]",
        "legal_basis = []",
    );
    assert_error(&source, 12, "„legal_basis” jest pusta", "is empty");

    let source = base_with(
        "fees_pl = \"Bez opłat.\"",
        "fees_pl = \"Bez opłat.\"\nfee_grosze = -5",
    );
    assert_error(&source, 11, "nie może być ujemna", "cannot be negative");

    let source = base_with("unit = \"OR\"", "unit = \"OR\"\npayment_en = \"Transfer.\"");
    assert_error(&source, 14, "brakuje „payment_pl”", "without `payment_pl`");

    let source = base_with("name_pl = \"Usługa testowa\"", "name_pl = \"  \"");
    assert_error(&source, 5, "„name_pl” jest pusty", "`name_pl` is empty");
    let long = "x".repeat(202);
    let source = base_with("\"Usługa testowa\"", &format!("\"{long}\""));
    assert_error(&source, 5, "ma 202 znaki", "has 202 characters");
}

#[test]
fn a_form_needs_sections_and_fields() {
    let cut = BASE.find("[[section]]").expect("section");
    let no_sections = &BASE[..cut];
    let last_line = no_sections.matches('\n').count() + 1;
    assert_error(
        no_sections,
        last_line,
        "nie ma żadnej sekcji",
        "has no section",
    );

    let source = with("\n[[section]]\nid = \"empty\"\ntitle_pl = \"Pusta\"\n");
    assert_error(
        &source,
        26,
        "Sekcja „empty” nie ma żadnego pola",
        "no field",
    );
}

#[test]
fn every_problem_is_reported_at_once_in_source_order() {
    let source = base_with("format = 1", "format = 3")
        .replacen("[\"other\"]", "[\"pets\"]", 1)
        .replacen("procedure = \"other\"", "procedure = \"x\"", 1)
        .replacen("type = \"text\"", "type = \"txt\"", 1);
    let errors = errors(&source);
    assert_eq!(
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        [1, 7, 15, 23],
        "{errors:#?}"
    );
    for error in &errors {
        assert!(error.column >= 1);
        assert!(!error.message_pl.is_empty() && !error.message_en.is_empty());
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    // „ż” and „ó” are two bytes each in UTF-8; the column must still be the character's.
    let source = base_with("id = \"name\"", "id = \"name\"\nżółw = 1");
    let errors = errors(&source);
    assert_eq!((errors[0].line, errors[0].column), (23, 1));
    // Byte 10 is the space after „żółw”: the fifth character of line 2.
    assert_eq!(super::super::syntax::position("ab\nżółw x", 10), (2, 5));
    assert_eq!(super::super::syntax::position("ab", 99), (1, 3));
}
