//! The public alerts page as an Atom feed (RFC 4287), so residents' readers and other
//! services (aggregators of public alerts) can follow it.
//!
//! Each entry is one CAP message: its title is the headline (of the Polish info block if
//! there is one, else the first; the event when there is no headline), its summary the
//! description or else the instruction, `updated` and `published` the time it was sent.
//! It links to the alert's page (`rel="alternate"`, `text/html`) and to its CAP XML
//! (`rel="alternate"`, `application/cap+xml`, as public-alert aggregators expect). The
//! entry's id is the page URL: every CAP message, an update too, has a page of its own.
//! The feed's `updated` is the latest of the time given and the entries' sent times, so the
//! function stays pure (no clock).

use ratusz_core::alerts::{Alert, Info, format_cap_time};
use time::OffsetDateTime;

use super::xml::{push_element, push_escaped};

/// The feed's own data.
#[derive(Debug, Clone, Copy)]
pub struct AtomFeed<'a> {
    /// A permanent IRI for the feed, e.g. its URL.
    pub id: &'a str,
    /// E.g. „Ostrzeżenia – Gmina Kazimierz”.
    pub title: &'a str,
    /// The feed's own URL (`rel="self"`).
    pub self_url: &'a str,
    /// The public alerts page (`rel="alternate"`).
    pub page_url: &'a str,
    /// The author: the office.
    pub author: &'a str,
    /// When the list last changed; used when it is later than every entry.
    pub updated: OffsetDateTime,
}

/// One alert in the feed and where it is published.
#[derive(Debug, Clone, Copy)]
pub struct AtomEntry<'a> {
    pub alert: &'a Alert,
    /// The alert's public page.
    pub page_url: &'a str,
    /// The alert's CAP XML.
    pub cap_url: &'a str,
}

/// The info block residents read: the Polish one, else the first.
fn shown_info(alert: &Alert) -> Option<&Info> {
    alert
        .infos
        .iter()
        .find(|i| {
            i.language
                .as_deref()
                .is_some_and(|l| l.to_ascii_lowercase().starts_with("pl"))
        })
        .or_else(|| alert.infos.first())
}

fn link(out: &mut String, rel: &str, media_type: &str, href: &str) {
    out.push_str("    <link rel=\"");
    out.push_str(rel);
    out.push_str("\" type=\"");
    out.push_str(media_type);
    out.push_str("\" href=\"");
    push_escaped(out, href);
    out.push_str("\"/>\n");
}

/// The feed as Atom XML (UTF-8, with an XML declaration), entries in the order given.
pub fn write_atom(feed: &AtomFeed<'_>, entries: &[AtomEntry<'_>]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.alert.sent)
        .fold(feed.updated, OffsetDateTime::max);
    let mut out = String::with_capacity(1024 + entries.len() * 800);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"pl\">\n");
    push_element(&mut out, 1, "id", feed.id);
    push_element(&mut out, 1, "title", feed.title);
    push_element(&mut out, 1, "updated", &format_cap_time(updated));
    out.push_str("  <author>\n");
    push_element(&mut out, 2, "name", feed.author);
    out.push_str("  </author>\n");
    out.push_str("  <link rel=\"self\" type=\"application/atom+xml\" href=\"");
    push_escaped(&mut out, feed.self_url);
    out.push_str("\"/>\n");
    out.push_str("  <link rel=\"alternate\" type=\"text/html\" href=\"");
    push_escaped(&mut out, feed.page_url);
    out.push_str("\"/>\n");
    for entry in entries {
        let alert = entry.alert;
        let info = shown_info(alert);
        let title = info
            .and_then(|i| i.headline.as_deref().or(Some(i.event.as_str())))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(alert.identifier.as_str());
        let summary = info.and_then(|i| i.description.as_deref().or(i.instruction.as_deref()));
        let sent = format_cap_time(alert.sent);
        out.push_str("  <entry>\n");
        push_element(&mut out, 2, "id", entry.page_url);
        push_element(&mut out, 2, "title", title);
        push_element(&mut out, 2, "updated", &sent);
        push_element(&mut out, 2, "published", &sent);
        if let Some(summary) = summary.filter(|s| !s.trim().is_empty()) {
            push_element(&mut out, 2, "summary", summary);
        }
        for category in info.iter().flat_map(|i| i.categories.iter()) {
            out.push_str("    <category term=\"");
            out.push_str(category.as_str());
            out.push_str("\"/>\n");
        }
        link(&mut out, "alternate", "text/html", entry.page_url);
        link(&mut out, "alternate", "application/cap+xml", entry.cap_url);
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
