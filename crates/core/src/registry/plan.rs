//! The file plan (JRWA): a tree of decimal classes, validated as a whole.

use super::category::ArchiveCategory;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Bound;

/// The longest JRWA symbol accepted: the regulation's four levels plus two levels of local
/// extension (rozszerzenie wykazu, § 4 ust. 9 of the rozporządzenie z 18 stycznia 2011 r.).
pub const MAX_SYMBOL_DIGITS: usize = 6;
/// The longest heading (hasło klasyfikacyjne) accepted, in characters.
pub const MAX_HEADING_CHARS: usize = 500;

/// One row of a file plan as it is imported (e.g. one CSV line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileClassEntry {
    /// The class symbol (symbol klasyfikacyjny): decimal digits, one per level.
    pub symbol: String,
    /// The heading (hasło klasyfikacyjne).
    pub heading: String,
    /// The archival category; only final classes (klasy końcowe) have one.
    pub category: Option<ArchiveCategory>,
}

/// A validated class of a [`FilePlan`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileClass {
    pub symbol: String,
    /// The heading, with surrounding spaces removed.
    pub heading: String,
    /// `Some` exactly for final classes (klasy końcowe), which have no subclasses.
    pub category: Option<ArchiveCategory>,
}

impl FileClass {
    /// The level in the tree: 1 for the ten first-level classes 0–9, 2 for 00–99, and so on.
    pub fn level(&self) -> usize {
        self.symbol.len()
    }

    /// Whether cases may be registered in this class: only final classes take case signs.
    pub fn is_final(&self) -> bool {
        self.category.is_some()
    }
}

/// The field of a [`FileClassEntry`] that an error concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePlanField {
    Symbol,
    Heading,
    Category,
}

impl FilePlanField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Symbol => "symbol",
            Self::Heading => "heading",
            Self::Category => "category",
        }
    }

    fn name_pl(self) -> &'static str {
        match self {
            Self::Symbol => "symbol klasyfikacyjny",
            Self::Heading => "hasło klasyfikacyjne",
            Self::Category => "kategoria archiwalna",
        }
    }
}

impl fmt::Display for FilePlanField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is wrong with one entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilePlanProblem {
    #[error("the symbol is empty or has characters other than the digits 0–9")]
    SymbolNotDigits,
    #[error("the symbol has {digits} digits; at most {MAX_SYMBOL_DIGITS} are allowed")]
    SymbolTooLong { digits: usize },
    #[error("the symbol repeats the symbol of row {first_row}")]
    DuplicateSymbol { first_row: usize },
    #[error("the parent class {parent} is missing")]
    MissingParent { parent: String },
    #[error("the heading is empty")]
    HeadingEmpty,
    #[error("the heading has {chars} characters; at most {MAX_HEADING_CHARS} are allowed")]
    HeadingTooLong { chars: usize },
    #[error("the class has no subclasses, so it is a final class and needs an archival category")]
    FinalWithoutCategory,
    #[error(
        "the class has subclasses (e.g. {child}), so it must not have an archival category; only final classes have one"
    )]
    ParentWithCategory { child: String },
}

/// One invalid entry of a file plan, with its 1-based position in the list.
///
/// `row` counts entries, not file lines: a CSV reader with a header line reports line `row + 1`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row} ({field}, symbol {symbol:?}): {problem}")]
pub struct FilePlanError {
    pub row: usize,
    pub field: FilePlanField,
    /// The symbol as written in the entry.
    pub symbol: String,
    pub problem: FilePlanProblem,
}

impl FilePlanError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self.problem {
            FilePlanProblem::SymbolNotDigits => "file-plan-symbol-not-digits",
            FilePlanProblem::SymbolTooLong { .. } => "file-plan-symbol-too-long",
            FilePlanProblem::DuplicateSymbol { .. } => "file-plan-duplicate-symbol",
            FilePlanProblem::MissingParent { .. } => "file-plan-missing-parent",
            FilePlanProblem::HeadingEmpty => "file-plan-heading-empty",
            FilePlanProblem::HeadingTooLong { .. } => "file-plan-heading-too-long",
            FilePlanProblem::FinalWithoutCategory => "file-plan-final-without-category",
            FilePlanProblem::ParentWithCategory { .. } => "file-plan-parent-with-category",
        }
    }

    /// The error in plain Polish: the row, the field and the fix.
    pub fn message_pl(&self) -> String {
        let what = match &self.problem {
            FilePlanProblem::SymbolNotDigits => format!(
                "symbol „{}” musi składać się wyłącznie z cyfr 0–9, bez spacji i kropek (np. 1431)",
                self.symbol
            ),
            FilePlanProblem::SymbolTooLong { digits } => format!(
                "symbol „{}” ma {digits} cyfr; dopuszczalne jest najwyżej {MAX_SYMBOL_DIGITS}",
                self.symbol
            ),
            FilePlanProblem::DuplicateSymbol { first_row } => format!(
                "symbol „{}” występuje już w wierszu {first_row}; każda klasa może wystąpić tylko raz",
                self.symbol
            ),
            FilePlanProblem::MissingParent { parent } => format!(
                "brak klasy nadrzędnej „{parent}” dla klasy „{}”; dodaj ją albo popraw symbol",
                self.symbol
            ),
            FilePlanProblem::HeadingEmpty => {
                "hasło klasyfikacyjne jest puste; wpisz nazwę klasy".to_owned()
            }
            FilePlanProblem::HeadingTooLong { chars } => {
                format!("hasło klasyfikacyjne ma {chars} znaków; skróć je do {MAX_HEADING_CHARS}")
            }
            FilePlanProblem::FinalWithoutCategory => format!(
                "klasa „{}” nie ma podklas, jest więc klasą końcową i musi mieć kategorię archiwalną (np. A, B5, BE10, Bc)",
                self.symbol
            ),
            FilePlanProblem::ParentWithCategory { child } => format!(
                "klasa „{}” ma podklasy (np. „{child}”), więc nie może mieć kategorii archiwalnej; usuń ją – kategorię mają tylko klasy końcowe",
                self.symbol
            ),
        };
        format!("Wiersz {}, {}: {what}.", self.row, self.field.name_pl())
    }

    /// The error in plain English: the row, the field and the fix.
    pub fn message_en(&self) -> String {
        let what = match &self.problem {
            FilePlanProblem::SymbolNotDigits => format!(
                "the symbol “{}” must consist of the digits 0–9 only, without spaces or dots (e.g. 1431)",
                self.symbol
            ),
            FilePlanProblem::SymbolTooLong { digits } => format!(
                "the symbol “{}” has {digits} digits; at most {MAX_SYMBOL_DIGITS} are allowed",
                self.symbol
            ),
            FilePlanProblem::DuplicateSymbol { first_row } => format!(
                "the symbol “{}” already appears in row {first_row}; each class may appear only once",
                self.symbol
            ),
            FilePlanProblem::MissingParent { parent } => format!(
                "the parent class “{parent}” of “{}” is missing; add it or correct the symbol",
                self.symbol
            ),
            FilePlanProblem::HeadingEmpty => {
                "the heading is empty; enter the name of the class".to_owned()
            }
            FilePlanProblem::HeadingTooLong { chars } => {
                format!("the heading has {chars} characters; shorten it to {MAX_HEADING_CHARS}")
            }
            FilePlanProblem::FinalWithoutCategory => format!(
                "the class “{}” has no subclasses, so it is a final class and needs an archival category (e.g. A, B5, BE10, Bc)",
                self.symbol
            ),
            FilePlanProblem::ParentWithCategory { child } => format!(
                "the class “{}” has subclasses (e.g. “{child}”), so it must not have an archival category; remove it – only final classes have one",
                self.symbol
            ),
        };
        format!("Row {}, {}: {what}.", self.row, self.field)
    }
}

/// Why a symbol cannot take cases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassLookupError {
    #[error("there is no class {0:?} in the file plan")]
    Unknown(String),
    #[error(
        "class {symbol:?} has subclasses; register the case in a final class such as {child:?}"
    )]
    NotFinal { symbol: String, child: String },
}

impl ClassLookupError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unknown(_) => "file-class-unknown",
            Self::NotFinal { .. } => "file-class-not-final",
        }
    }

    /// The error in plain Polish.
    pub fn message_pl(&self) -> String {
        match self {
            Self::Unknown(symbol) => format!(
                "W wykazie akt nie ma klasy „{symbol}”. Wybierz symbol z wykazu akt urzędu."
            ),
            Self::NotFinal { symbol, child } => format!(
                "Klasa „{symbol}” ma podklasy. Sprawę rejestruje się w klasie końcowej, np. „{child}”."
            ),
        }
    }

    /// The error in plain English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Unknown(symbol) => format!(
                "The file plan has no class “{symbol}”. Choose a symbol from the office's file plan."
            ),
            Self::NotFinal { symbol, child } => format!(
                "Class “{symbol}” has subclasses. Register the case in a final class, e.g. “{child}”."
            ),
        }
    }
}

/// Whether `symbol` is a well-formed class symbol: 1 to [`MAX_SYMBOL_DIGITS`] ASCII digits.
pub fn is_symbol(symbol: &str) -> bool {
    (1..=MAX_SYMBOL_DIGITS).contains(&symbol.len()) && symbol.bytes().all(|b| b.is_ascii_digit())
}

/// A validated file plan (jednolity rzeczowy wykaz akt): a tree of decimal classes.
///
/// Rules (rozporządzenie z 18 stycznia 2011 r., instrukcja kancelaryjna and the JRWA annexes):
/// ten first-level classes with one-digit symbols; each deeper class extends its parent's symbol
/// by one digit; only final classes (without subclasses) carry an archival category, and every
/// final class has one. Iteration is in symbol order, which for digit strings is tree order
/// ("0", "00", "000", "01", …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilePlan {
    classes: BTreeMap<String, FileClass>,
}

impl FilePlan {
    /// Validates the entries and builds the plan, or returns every problem found, by row.
    pub fn from_entries(entries: Vec<FileClassEntry>) -> Result<FilePlan, Vec<FilePlanError>> {
        let mut errors = Vec::new();
        let mut first_row: HashMap<String, usize> = HashMap::new();
        let mut valid: Vec<(usize, FileClass)> = Vec::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let row = index + 1;
            let error = |field, problem| FilePlanError {
                row,
                field,
                symbol: entry.symbol.clone(),
                problem,
            };
            let mut ok = true;
            if entry.symbol.is_empty() || !entry.symbol.bytes().all(|b| b.is_ascii_digit()) {
                errors.push(error(
                    FilePlanField::Symbol,
                    FilePlanProblem::SymbolNotDigits,
                ));
                ok = false;
            } else if entry.symbol.len() > MAX_SYMBOL_DIGITS {
                errors.push(error(
                    FilePlanField::Symbol,
                    FilePlanProblem::SymbolTooLong {
                        digits: entry.symbol.len(),
                    },
                ));
                ok = false;
            } else if let Some(first) = first_row.get(&entry.symbol) {
                errors.push(error(
                    FilePlanField::Symbol,
                    FilePlanProblem::DuplicateSymbol { first_row: *first },
                ));
                ok = false;
            }
            let heading = entry.heading.trim();
            let chars = heading.chars().count();
            if chars == 0 {
                errors.push(error(FilePlanField::Heading, FilePlanProblem::HeadingEmpty));
                ok = false;
            } else if chars > MAX_HEADING_CHARS {
                errors.push(error(
                    FilePlanField::Heading,
                    FilePlanProblem::HeadingTooLong { chars },
                ));
                ok = false;
            }
            if is_symbol(&entry.symbol) {
                first_row.entry(entry.symbol.clone()).or_insert(row);
            }
            if ok {
                valid.push((
                    row,
                    FileClass {
                        symbol: entry.symbol,
                        heading: heading.to_owned(),
                        category: entry.category,
                    },
                ));
            }
        }
        let known: BTreeSet<&str> = first_row.keys().map(String::as_str).collect();
        // Tree rules, checked against every well-formed symbol (even of rows with other errors),
        // so that one typo does not cascade into "missing parent" errors for its subclasses.
        for (row, class) in &valid {
            let error = |field, problem| FilePlanError {
                row: *row,
                field,
                symbol: class.symbol.clone(),
                problem,
            };
            if class.symbol.len() > 1 {
                let parent = &class.symbol[..class.symbol.len() - 1];
                if !known.contains(parent) {
                    errors.push(error(
                        FilePlanField::Symbol,
                        FilePlanProblem::MissingParent {
                            parent: parent.to_owned(),
                        },
                    ));
                }
            }
            let lowest = format!("{}0", class.symbol);
            let highest = format!("{}9", class.symbol);
            let child = known
                .range::<str, _>((
                    Bound::Included(lowest.as_str()),
                    Bound::Included(highest.as_str()),
                ))
                .find(|other| other.len() == lowest.len());
            match (child, class.category) {
                (None, None) => errors.push(error(
                    FilePlanField::Category,
                    FilePlanProblem::FinalWithoutCategory,
                )),
                (Some(child), Some(_)) => errors.push(error(
                    FilePlanField::Category,
                    FilePlanProblem::ParentWithCategory {
                        child: (*child).to_owned(),
                    },
                )),
                _ => {}
            }
        }
        if errors.is_empty() {
            let classes = valid
                .into_iter()
                .map(|(_, class)| (class.symbol.clone(), class))
                .collect();
            Ok(FilePlan { classes })
        } else {
            errors.sort_by_key(|e| (e.row, e.field));
            Err(errors)
        }
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// The class with this symbol.
    pub fn get(&self, symbol: &str) -> Option<&FileClass> {
        self.classes.get(symbol)
    }

    /// Whether `symbol` is a final class (klasa końcowa); `false` for unknown symbols.
    pub fn is_leaf(&self, symbol: &str) -> bool {
        self.get(symbol).is_some() && self.children(symbol).next().is_none()
    }

    /// Every class in symbol (tree) order.
    pub fn iter(&self) -> impl Iterator<Item = &FileClass> {
        self.classes.values()
    }

    /// The first-level classes (0–9) present in the plan.
    pub fn roots(&self) -> impl Iterator<Item = &FileClass> {
        self.iter().filter(|class| class.level() == 1)
    }

    /// The direct subclasses of `symbol`, in order (none for unknown symbols).
    pub fn children<'a>(&'a self, symbol: &'a str) -> impl Iterator<Item = &'a FileClass> + 'a {
        let known = self.classes.contains_key(symbol);
        self.classes
            .range::<str, _>((Bound::Excluded(symbol), Bound::Unbounded))
            .take_while(move |(key, _)| known && key.starts_with(symbol))
            .map(|(_, class)| class)
            .filter(move |class| class.symbol.len() == symbol.len() + 1)
    }

    /// The parent class of `symbol` (none for first-level and unknown symbols).
    pub fn parent(&self, symbol: &str) -> Option<&FileClass> {
        self.get(symbol)?;
        let len = symbol.len().checked_sub(1).filter(|len| *len > 0)?;
        self.get(&symbol[..len])
    }

    /// The path from the first-level class down to `symbol` itself (empty for unknown symbols).
    pub fn path(&self, symbol: &str) -> Vec<&FileClass> {
        if self.get(symbol).is_none() {
            return Vec::new();
        }
        (1..=symbol.len())
            .filter_map(|len| self.get(&symbol[..len]))
            .collect()
    }

    /// The final classes (klasy końcowe), in order.
    pub fn leaves(&self) -> impl Iterator<Item = &FileClass> {
        self.iter().filter(|class| class.is_final())
    }

    /// The final class in which a case may be registered under `symbol`.
    pub fn final_class(&self, symbol: &str) -> Result<&FileClass, ClassLookupError> {
        let class = self
            .get(symbol)
            .ok_or_else(|| ClassLookupError::Unknown(symbol.to_owned()))?;
        match self.leaves_under(symbol).next() {
            Some(leaf) if leaf.symbol != symbol => Err(ClassLookupError::NotFinal {
                symbol: symbol.to_owned(),
                child: leaf.symbol.clone(),
            }),
            _ => Ok(class),
        }
    }

    /// The final classes at or below `symbol`.
    fn leaves_under<'a>(&'a self, symbol: &'a str) -> impl Iterator<Item = &'a FileClass> + 'a {
        self.classes
            .range::<str, _>((Bound::Included(symbol), Bound::Unbounded))
            .take_while(move |(key, _)| key.starts_with(symbol))
            .map(|(_, class)| class)
            .filter(|class| class.is_final())
    }
}
