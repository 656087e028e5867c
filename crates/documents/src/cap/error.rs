//! Why a CAP document was refused.

/// A CAP document the reader refuses, with the reason. [`CapError::code`] is stable;
/// [`CapError::message_pl`] is for the clerk who imports a feed, [`CapError::message_en`]
/// its English twin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_en())]
pub enum CapError {
    /// Larger than the size limit.
    TooLarge { bytes: usize, limit: usize },
    /// No bytes, or only white space.
    Empty,
    /// Declared or marked (BOM) in an encoding other than UTF-8 or ISO-8859-1.
    UnsupportedEncoding { encoding: String },
    /// Declared UTF-8 (or nothing) but not valid UTF-8.
    NotUtf8 { offset: usize },
    /// A DOCTYPE: a DTD can declare entities (XXE, "billion laughs"); CAP needs none.
    Dtd,
    /// A reference to an entity other than XML's five (`&xxe;`): only a DTD could declare it.
    UndeclaredEntity { name: String },
    /// Elements nested deeper than the limit.
    TooDeep { limit: usize },
    /// More elements than the limit.
    TooManyElements { limit: usize },
    /// Not well-formed XML.
    Malformed { detail: String },
    /// Well-formed XML, but its root is not a CAP `alert` (an Atom feed, an EDXL envelope).
    NotCapAlert { root: String },
    /// A CAP version this reader does not take (1.0, or an unknown namespace).
    UnsupportedVersion { namespace: String },
    /// A required element is missing (path like `info[0].urgency`).
    MissingElement { element: String },
    /// An element's content is not what CAP allows.
    InvalidValue { element: String, value: String },
    /// Well-formed XML, but not an Atom or RSS 2.0 feed (read as a feed of alerts).
    NotFeed { root: String },
    /// A feed entry with neither a link to a CAP file nor a CAP alert inside.
    NoAlertInEntry,
}

impl CapError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "cap-too-large",
            Self::Empty => "cap-empty",
            Self::UnsupportedEncoding { .. } => "cap-unsupported-encoding",
            Self::NotUtf8 { .. } => "cap-not-utf8",
            Self::Dtd => "cap-dtd",
            Self::UndeclaredEntity { .. } => "cap-undeclared-entity",
            Self::TooDeep { .. } => "cap-too-deep",
            Self::TooManyElements { .. } => "cap-too-many-elements",
            Self::Malformed { .. } => "cap-malformed",
            Self::NotCapAlert { .. } => "cap-not-alert",
            Self::UnsupportedVersion { .. } => "cap-unsupported-version",
            Self::MissingElement { .. } => "cap-missing-element",
            Self::InvalidValue { .. } => "cap-invalid-value",
            Self::NotFeed { .. } => "cap-not-feed",
            Self::NoAlertInEntry => "cap-entry-without-alert",
        }
    }

    /// The reason in plain Polish.
    pub fn message_pl(&self) -> String {
        match self {
            Self::TooLarge { bytes, limit } => format!(
                "Plik ma {bytes} bajtów; ostrzeżenie CAP może mieć najwyżej {limit}. Odrzucono bez czytania."
            ),
            Self::Empty => "Plik jest pusty.".into(),
            Self::UnsupportedEncoding { encoding } => format!(
                "Plik jest zapisany w kodowaniu {encoding}; przyjmujemy tylko UTF-8 i ISO-8859-1."
            ),
            Self::NotUtf8 { offset } => format!(
                "Plik nie jest poprawnym tekstem UTF-8 (błędny bajt na pozycji {offset})."
            ),
            Self::Dtd => "Plik zawiera deklarację DOCTYPE (DTD). Ostrzeżenia CAP jej nie potrzebują, a może ona służyć do ataku (XXE, „billion laughs”), więc plik odrzucono.".into(),
            Self::UndeclaredEntity { name } => format!(
                "Plik odwołuje się do encji „&{name};”, której XML nie zna bez DTD (możliwy atak XXE). Plik odrzucono."
            ),
            Self::TooDeep { limit } => format!(
                "Elementy są zagnieżdżone głębiej niż {limit} poziomów; to nie jest zwykłe ostrzeżenie CAP."
            ),
            Self::TooManyElements { limit } => format!(
                "Plik ma więcej niż {limit} elementów; to nie jest zwykłe ostrzeżenie CAP."
            ),
            Self::Malformed { detail } => {
                format!("Plik nie jest poprawnym dokumentem XML ({detail}).")
            }
            Self::NotCapAlert { root } => format!(
                "To nie jest ostrzeżenie CAP: głównym elementem jest „{root}”, a nie „alert” (kanał Atom lub RSS importuje się jako kanał)."
            ),
            Self::UnsupportedVersion { namespace } => format!(
                "Nieobsługiwana wersja CAP (przestrzeń nazw „{namespace}”). Przyjmujemy CAP 1.1 i 1.2."
            ),
            Self::MissingElement { element } => {
                format!("Brak wymaganego elementu „{element}”.")
            }
            Self::InvalidValue { element, value } => format!(
                "Element „{element}” ma niedozwoloną wartość „{value}”."
            ),
            Self::NotFeed { root } => format!(
                "To nie jest kanał Atom ani RSS 2.0: głównym elementem jest „{root}”."
            ),
            Self::NoAlertInEntry => "Wpis kanału nie ma ani odnośnika do pliku CAP, ani ostrzeżenia CAP w treści.".into(),
        }
    }

    /// The reason in plain English.
    pub fn message_en(&self) -> String {
        match self {
            Self::TooLarge { bytes, limit } => format!(
                "The file has {bytes} bytes; a CAP alert may have at most {limit}. Refused unread."
            ),
            Self::Empty => "The file is empty.".into(),
            Self::UnsupportedEncoding { encoding } => format!(
                "The file is in the {encoding} encoding; only UTF-8 and ISO-8859-1 are accepted."
            ),
            Self::NotUtf8 { offset } => {
                format!("The file is not valid UTF-8 text (bad byte at offset {offset}).")
            }
            Self::Dtd => "The file contains a DOCTYPE (DTD) declaration. CAP alerts need none and it can carry an attack (XXE, billion laughs), so the file was refused.".into(),
            Self::UndeclaredEntity { name } => format!(
                "The file refers to the entity \"&{name};\", which XML does not know without a DTD (a possible XXE attack). The file was refused."
            ),
            Self::TooDeep { limit } => format!(
                "Elements are nested more than {limit} levels deep; this is no ordinary CAP alert."
            ),
            Self::TooManyElements { limit } => format!(
                "The file has more than {limit} elements; this is no ordinary CAP alert."
            ),
            Self::Malformed { detail } => format!("The file is not well-formed XML ({detail})."),
            Self::NotCapAlert { root } => format!(
                "This is not a CAP alert: the root element is \"{root}\", not \"alert\" (an Atom or RSS feed is imported as a feed)."
            ),
            Self::UnsupportedVersion { namespace } => format!(
                "Unsupported CAP version (namespace \"{namespace}\"). CAP 1.1 and 1.2 are accepted."
            ),
            Self::MissingElement { element } => {
                format!("The required element \"{element}\" is missing.")
            }
            Self::InvalidValue { element, value } => {
                format!("The element \"{element}\" has a value CAP does not allow: \"{value}\".")
            }
            Self::NotFeed { root } => format!(
                "This is not an Atom or RSS 2.0 feed: the root element is \"{root}\"."
            ),
            Self::NoAlertInEntry => {
                "The feed entry has neither a link to a CAP file nor a CAP alert inside.".into()
            }
        }
    }
}
