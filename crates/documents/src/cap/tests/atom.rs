use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::*;
use crate::cap::{AtomEntry, AtomFeed, write_atom};

fn feed() -> AtomFeed<'static> {
    AtomFeed {
        id: "https://kazimierz.gmina.pl/alerty/feed.atom",
        title: "Ostrzeżenia – Gmina Kazimierz",
        self_url: "https://kazimierz.gmina.pl/alerty/feed.atom",
        page_url: "https://kazimierz.gmina.pl/alerty",
        author: "Urząd Gminy Kazimierz",
        updated: datetime!(2026-11-01 00:00:00 +01:00),
    }
}

/// (element name, text) of every element, in document order; panics on malformed XML.
fn elements(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<(String, String)> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) | Event::Empty(e) => {
                out.push((
                    String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    String::new(),
                ));
                for attr in e.attributes() {
                    let attr = attr.expect("attribute");
                    out.push((
                        format!("@{}", String::from_utf8_lossy(attr.key.as_ref())),
                        attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("value")
                            .into_owned(),
                    ));
                }
            }
            Event::Text(t) => {
                if let Some(last) = out.iter_mut().rev().find(|(n, _)| !n.starts_with('@')) {
                    last.1.push_str(&t.xml10_content().expect("text"));
                }
            }
            Event::GeneralRef(r) => {
                let name = r.decode().expect("name");
                let value =
                    quick_xml::escape::resolve_predefined_entity(&name).expect("predefined");
                if let Some(last) = out.iter_mut().rev().find(|(n, _)| !n.starts_with('@')) {
                    last.1.push_str(value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Indentation after an element's end tag lands on it; the feed has no mixed content.
    out.into_iter()
        .map(|(name, text)| (name, text.trim().to_owned()))
        .collect()
}

#[test]
fn feed_lists_each_alert_with_page_and_cap_links() {
    let (storm, cancel) = (storm_alert(), cancel_alert());
    let entries = [
        AtomEntry {
            alert: &cancel,
            page_url: "https://kazimierz.gmina.pl/alerty/PL-KAZ-2026-0004",
            cap_url: "https://kazimierz.gmina.pl/alerty/PL-KAZ-2026-0004.xml?format=cap&v=1",
        },
        AtomEntry {
            alert: &storm,
            page_url: "https://kazimierz.gmina.pl/alerty/PL-KAZ-2026-0001",
            cap_url: "https://kazimierz.gmina.pl/alerty/PL-KAZ-2026-0001.xml",
        },
    ];
    let xml = write_atom(&feed(), &entries);
    let els = elements(&xml);
    let count = |name: &str| els.iter().filter(|(n, _)| n == name).count();
    assert_eq!(count("feed"), 1);
    assert_eq!(count("entry"), 2);
    assert_eq!(count("id"), 3);
    assert_eq!(count("author"), 1);
    let text = |name: &str| -> Vec<&str> {
        els.iter()
            .filter(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    assert_eq!(
        text("title"),
        [
            "Ostrzeżenia – Gmina Kazimierz",
            "PL-KAZ-2026-0004",
            storm.infos[0].headline.as_deref().unwrap_or("")
        ]
    );
    // The feed is as new as its newest entry (the cancellation).
    assert_eq!(text("updated")[0], "2026-11-24T18:00:00+01:00");
    assert_eq!(
        text("published"),
        ["2026-11-24T18:00:00+01:00", "2026-11-24T13:05:00+01:00"]
    );
    assert_eq!(
        text("summary").len(),
        1,
        "the cancellation has no info, so no summary"
    );
    assert!(text("summary")[0].contains("„<” i „&”"));
    let hrefs: Vec<&str> = els
        .iter()
        .filter(|(n, _)| n == "@href")
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(
        hrefs.contains(&"https://kazimierz.gmina.pl/alerty/PL-KAZ-2026-0004.xml?format=cap&v=1")
    );
    assert!(hrefs.contains(&"https://kazimierz.gmina.pl/alerty/PL-KAZ-2026-0001"));
    let types: Vec<&str> = els
        .iter()
        .filter(|(n, _)| n == "@type")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == "application/cap+xml")
            .count(),
        2
    );
    assert!(xml.contains("&amp;v=1"));

    if Command::new("xmllint").arg("--version").output().is_ok() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("feed.atom");
        std::fs::write(&path, &xml).expect("write");
        let status = Command::new("xmllint")
            .arg("--noout")
            .arg(&path)
            .status()
            .expect("xmllint");
        assert!(status.success(), "xmllint: the feed is not well-formed");
    }
}

#[test]
fn empty_feed_keeps_the_given_time() {
    let xml = write_atom(&feed(), &[]);
    let els = elements(&xml);
    assert!(els.iter().all(|(n, _)| n != "entry"));
    assert!(els.contains(&("updated".into(), "2026-11-01T00:00:00+01:00".into())));
}
