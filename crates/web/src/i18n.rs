//! Translations through Fluent: Polish first, English second. Templates never hold literal text;
//! they ask [`Tr::t`] for a message by its id.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;
use unic_langid::{LanguageIdentifier, langid};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Pl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "pl" => Some(Lang::Pl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the switcher.
    pub fn other(self) -> Lang {
        match self {
            Lang::Pl => Lang::En,
            Lang::En => Lang::Pl,
        }
    }
}

struct Bundles {
    pl: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: LanguageIdentifier, source: &'static str) -> FluentBundle<FluentResource> {
    let mut b = FluentBundle::new_concurrent(vec![lang]);
    // No Unicode isolation marks: our pages are left-to-right only.
    b.set_use_isolating(false);
    match FluentResource::try_new(source.to_owned()) {
        Ok(res) => {
            if let Err(errors) = b.add_resource(res) {
                tracing::error!(?errors, "duplicate Fluent messages");
            }
        }
        Err((res, errors)) => {
            tracing::error!(?errors, "Fluent syntax errors");
            let _ = b.add_resource(res);
        }
    }
    b
}

static BUNDLES: LazyLock<Bundles> = LazyLock::new(|| Bundles {
    pl: bundle(langid!("pl"), include_str!("../locales/pl/main.ftl")),
    en: bundle(langid!("en"), include_str!("../locales/en/main.ftl")),
});

/// A translator for one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    fn bundle(&self) -> &'static FluentBundle<FluentResource> {
        match self.lang {
            Lang::Pl => &BUNDLES.pl,
            Lang::En => &BUNDLES.en,
        }
    }

    /// The message `id`; the id itself if missing (a test proves none is missing).
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The label of a stored code: the message `{prefix}-{code}` (e.g. `channel-paper`).
    pub fn tk(&self, prefix: &str, code: &str) -> String {
        self.t(&format!("{prefix}-{}", code.replace('.', "-")))
    }

    /// The message `id` with one argument.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_owned()));
        self.format(id, Some(&args))
    }

    /// The message `id` with two arguments.
    pub fn t2(&self, id: &str, n1: &str, v1: &str, n2: &str, v2: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(n1.to_owned(), FluentValue::from(v1.to_owned()));
        args.set(n2.to_owned(), FluentValue::from(v2.to_owned()));
        self.format(id, Some(&args))
    }

    /// "pl" or "en", for texts that come in both languages from data (service definitions).
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle();
        let Some(msg) = bundle.get_message(id) else {
            return id.to_owned();
        };
        let Some(pattern) = msg.value() else {
            return id.to_owned();
        };
        let mut errors = vec![];
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

/// Message ids present in one language but not the other.
pub fn missing_ids() -> Vec<String> {
    fn ids(src: &str) -> Vec<String> {
        src.lines()
            .filter_map(|l| {
                let (id, _) = l.split_once(" =")?;
                (!id.starts_with(' ') && !id.starts_with('#') && !id.is_empty())
                    .then(|| id.to_owned())
            })
            .collect()
    }
    let pl = ids(include_str!("../locales/pl/main.ftl"));
    let en = ids(include_str!("../locales/en/main.ftl"));
    let mut missing: Vec<String> = pl
        .iter()
        .filter(|i| !en.contains(i))
        .map(|i| format!("en: {i}"))
        .collect();
    missing.extend(
        en.iter()
            .filter(|i| !pl.contains(i))
            .map(|i| format!("pl: {i}")),
    );
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_message_is_defined_twice() {
        for (lang, src) in [
            ("pl", include_str!("../locales/pl/main.ftl")),
            ("en", include_str!("../locales/en/main.ftl")),
        ] {
            let mut seen = std::collections::BTreeSet::new();
            let dupes: Vec<&str> = src
                .lines()
                .filter_map(|l| l.split_once(" = ").map(|(id, _)| id))
                .filter(|id| !id.starts_with([' ', '#', '-']) && !seen.insert(*id))
                .collect();
            assert!(dupes.is_empty(), "{lang}: defined twice: {dupes:?}");
        }
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        assert_eq!(missing_ids(), Vec::<String>::new());
    }

    #[test]
    fn messages_resolve_and_take_arguments() {
        let pl = Tr::new(Lang::Pl);
        let en = Tr::new(Lang::En);
        assert_eq!(pl.t("nav-sign-in"), "Zaloguj się");
        assert_eq!(en.t("nav-sign-in"), "Sign in");
        assert!(pl.t1("unit-created", "symbol", "GK").contains("GK"));
        assert_eq!(pl.t("no-such-id"), "no-such-id");
    }
}
