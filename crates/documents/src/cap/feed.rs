//! Reading the feeds through which services publish their CAP alerts: an Atom (RFC 4287) or
//! RSS 2.0 index whose entries link to CAP files, or carry the alert in the entry itself.
//!
//! A feed is as untrusted as an alert, so it is read by the same guarded parser as
//! [`read_cap`](super::read_cap) (no DTD, no entities but XML's five, limits on size, depth and
//! elements), only with limits fit for a list of alerts ([`FEED_LIMITS`]). Nothing is fetched
//! here: an entry yields the link as written (the caller resolves it against the feed's address
//! and decides whether to fetch it) or, when the alert is inside the entry, the alert read by
//! the CAP reader (or the reason it was refused).
//!
//! Which link of an Atom entry is the alert: the one typed `application/cap+xml` (USGS's
//! `rel="related"`), else the first `alternate` (or rel-less) link that is not typed as a web
//! page (NWS's index links carry no type). In RSS 2.0: an `enclosure` typed
//! `application/cap+xml`, else the item's `link`. Alert elements outside an entry (see
//! `no_entries.atom` in `shared/ref/cap/examples`) are foreign markup and ignored, as Atom says.
//! A hand-written reader, because no maintained feed crate reads with these guards (feed-rs,
//! for one, resolves the document with its own XML settings and limits).

use ratusz_core::alerts::Alert;

use super::error::CapError;
use super::reader::{Node, ReadLimits, decode, interpret, parse_tree, truncate};

/// The Atom namespace.
pub const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";

/// The MIME type of a CAP document.
pub const CAP_MIME: &str = "application/cap+xml";

/// The limits a feed is read within: larger than one alert's, since a feed may carry many
/// alerts inside its entries (a national index runs to a few hundred entries).
pub const FEED_LIMITS: ReadLimits = ReadLimits {
    max_bytes: 4 * 1024 * 1024,
    max_depth: 40,
    max_elements: 200_000,
};

/// What kind of feed the document was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    Atom,
    Rss,
}

/// A feed's entries, in document order.
#[derive(Debug)]
pub struct CapFeed {
    pub kind: FeedKind,
    pub title: Option<String>,
    pub entries: Vec<FeedEntry>,
}

/// One entry of a feed.
#[derive(Debug)]
pub struct FeedEntry {
    /// Atom `id` or RSS `guid`, if the entry has one.
    pub id: Option<String>,
    pub title: Option<String>,
    pub content: EntryContent,
}

impl FeedEntry {
    /// What tells this entry from the others across readings of the feed: its id, else its
    /// link; `None` when it has neither (it can only be told apart by the alert inside).
    pub fn key(&self) -> Option<&str> {
        self.id.as_deref().or(match &self.content {
            EntryContent::Link(link) => Some(link.as_str()),
            _ => None,
        })
    }
}

/// Where an entry's alert is.
#[derive(Debug)]
pub enum EntryContent {
    /// A link to the CAP file, as written in the feed (maybe relative).
    Link(String),
    /// The alert inside the entry, read (or refused) by the CAP reader.
    Embedded(Box<Result<Alert, CapError>>),
    /// Neither ([`CapError::NoAlertInEntry`]).
    Nothing,
}

/// Reads an Atom or RSS 2.0 feed of CAP alerts within [`FEED_LIMITS`].
pub fn read_feed(bytes: &[u8]) -> Result<CapFeed, CapError> {
    if bytes.len() > FEED_LIMITS.max_bytes {
        return Err(CapError::TooLarge {
            bytes: bytes.len(),
            limit: FEED_LIMITS.max_bytes,
        });
    }
    let text = decode(bytes)?;
    let root = parse_tree(&text, &FEED_LIMITS)?;
    match (root.ns.as_deref(), root.name.as_str()) {
        (Some(ATOM_NAMESPACE), "feed") => Ok(CapFeed {
            kind: FeedKind::Atom,
            title: text_of(&root, "title", Some(ATOM_NAMESPACE)),
            entries: children(&root, "entry", Some(ATOM_NAMESPACE))
                .map(atom_entry)
                .collect(),
        }),
        (None, "rss") => {
            let channel = children(&root, "channel", None).next().ok_or_else(|| {
                CapError::MissingElement {
                    element: "rss.channel".into(),
                }
            })?;
            Ok(CapFeed {
                kind: FeedKind::Rss,
                title: text_of(channel, "title", None),
                entries: children(channel, "item", None).map(rss_item).collect(),
            })
        }
        _ => {
            let mut root = root.name;
            truncate(&mut root, 50);
            Err(CapError::NotFeed { root })
        }
    }
}

fn children<'n>(
    node: &'n Node,
    name: &'n str,
    ns: Option<&'n str>,
) -> impl Iterator<Item = &'n Node> + use<'n> {
    node.children
        .iter()
        .filter(move |c| c.name == name && c.ns.as_deref() == ns)
}

/// An element's trimmed text; empty counts as absent.
fn text_of(node: &Node, name: &str, ns: Option<&str>) -> Option<String> {
    children(node, name, ns)
        .next()
        .map(|n| n.text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The first CAP `alert` element anywhere inside the entry (normally in its `content`).
fn embedded_alert(node: &Node) -> Option<&Node> {
    node.children.iter().find_map(|c| {
        let cap = c.name == "alert"
            && c.ns
                .as_deref()
                .is_some_and(|ns| ns.starts_with("urn:oasis:names:tc:emergency:cap:"));
        if cap { Some(c) } else { embedded_alert(c) }
    })
}

fn content(entry: &Node, link: Option<String>) -> EntryContent {
    match (embedded_alert(entry), link) {
        (Some(alert), _) => EntryContent::Embedded(Box::new(interpret(alert))),
        (None, Some(link)) => EntryContent::Link(link),
        (None, None) => EntryContent::Nothing,
    }
}

fn is_cap_type(node: &Node) -> bool {
    node.attr("type")
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(CAP_MIME))
}

fn atom_entry(entry: &Node) -> FeedEntry {
    let links: Vec<&Node> = children(entry, "link", Some(ATOM_NAMESPACE))
        .filter(|l| l.attr("href").is_some_and(|h| !h.trim().is_empty()))
        .collect();
    let link = links.iter().find(|l| is_cap_type(l)).or_else(|| {
        links.iter().find(|l| {
            let rel = l.attr("rel").map(str::trim).unwrap_or("alternate");
            let page = l
                .attr("type")
                .is_some_and(|t| t.contains("html") || t.starts_with("image/"));
            rel == "alternate" && !page
        })
    });
    FeedEntry {
        id: text_of(entry, "id", Some(ATOM_NAMESPACE)),
        title: text_of(entry, "title", Some(ATOM_NAMESPACE)),
        content: content(
            entry,
            link.and_then(|l| l.attr("href"))
                .map(|h| h.trim().to_owned()),
        ),
    }
}

fn rss_item(item: &Node) -> FeedEntry {
    let enclosure = children(item, "enclosure", None)
        .find(|e| is_cap_type(e))
        .and_then(|e| e.attr("url"))
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    let link = enclosure.or_else(|| text_of(item, "link", None));
    FeedEntry {
        id: text_of(item, "guid", None),
        title: text_of(item, "title", None),
        content: content(item, link),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/ref/cap/examples/google_cap_library_testdata/"
        );
        std::fs::read(format!("{path}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn link(e: &FeedEntry) -> &str {
        match &e.content {
            EntryContent::Link(l) => l,
            other => panic!("expected a link, got {other:?}"),
        }
    }

    #[test]
    fn an_index_of_links_yields_each_entrys_cap_link() {
        let feed = read_feed(&example("weather_index.atom")).unwrap();
        assert_eq!(feed.kind, FeedKind::Atom);
        assert_eq!(feed.entries.len(), 2);
        assert!(link(&feed.entries[0]).contains("wwacapget.php?x=CT2010"));
        assert!(
            feed.entries[0]
                .key()
                .unwrap()
                .starts_with("http://www.weather.gov")
        );
    }

    #[test]
    fn the_cap_typed_link_wins_over_the_web_page() {
        let feed = read_feed(&example("earthquake_index.atom")).unwrap();
        assert_eq!(
            link(&feed.entries[0]),
            "http://earthquake.usgs.gov/earthquakes/catalogs/cap/us2010apcd"
        );
    }

    #[test]
    fn an_alert_inside_the_entry_is_read_with_the_cap_reader() {
        for name in ["weather.atom", "amber.atom", "canada_signed.atom"] {
            let feed = read_feed(&example(name)).unwrap();
            assert_eq!(feed.entries.len(), 1, "{name}");
            match &feed.entries[0].content {
                EntryContent::Embedded(alert) => {
                    let alert = alert.as_ref().as_ref().unwrap();
                    assert!(!alert.identifier.is_empty(), "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_broken_alert_inside_an_entry_is_refused_with_its_reason() {
        let feed = read_feed(&example("weather_invalid.atom")).unwrap();
        match &feed.entries[0].content {
            // Its identifier is "INVALID, ": CAP forbids spaces and commas in it.
            EntryContent::Embedded(alert) => assert!(
                matches!(**alert, Err(CapError::InvalidValue { ref element, .. }) if element == "identifier"),
                "{alert:?}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rss_items_link_their_alerts() {
        let feed = read_feed(&example("ny_index.rss")).unwrap();
        assert_eq!(feed.kind, FeedKind::Rss);
        assert!(feed.entries.len() >= 2);
        assert!(link(&feed.entries[0]).contains("GetCapAlert.aspx?capID="));
        assert_eq!(
            feed.entries[0].id.as_deref(),
            Some("NYAlert-ALLHAZALERT-3167113")
        );
    }

    #[test]
    fn entries_without_an_alert_say_so_and_foreign_alerts_are_ignored() {
        let feed = read_feed(&example("invalid.rss")).unwrap();
        assert!(matches!(feed.entries[0].content, EntryContent::Nothing));
        for name in [
            "no_link.atom",
            "no_id.atom",
            "no_title.atom",
            "invalid_element.atom",
        ] {
            let feed = read_feed(&example(name)).unwrap();
            assert!(
                matches!(feed.entries[0].content, EntryContent::Nothing),
                "{name}"
            );
        }
        // The alert of no_entries.atom sits outside any entry.
        assert!(
            read_feed(&example("no_entries.atom"))
                .unwrap()
                .entries
                .is_empty()
        );
        assert!(
            read_feed(&example("empty_weather_index.atom"))
                .unwrap()
                .entries
                .is_empty()
        );
    }

    #[test]
    fn hostile_and_foreign_documents_are_refused() {
        assert_eq!(read_feed(&example("xee.atom")).unwrap_err(), CapError::Dtd);
        assert!(matches!(
            read_feed(&example("weather.cap")).unwrap_err(),
            CapError::NotFeed { .. }
        ));
        assert!(matches!(
            read_feed(&example("bushfire_valid.edxlde")).unwrap_err(),
            CapError::NotFeed { .. }
        ));
        let big = vec![b' '; FEED_LIMITS.max_bytes + 1];
        assert!(matches!(
            read_feed(&big).unwrap_err(),
            CapError::TooLarge { .. }
        ));
        let entity = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="&xxe;"/></entry></feed>"#;
        assert!(read_feed(entity).is_err());
    }
}
