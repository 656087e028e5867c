use std::process::Command;

use ratusz_core::alerts::validate;

use super::*;
use crate::cap::{read_cap, write_cap};

#[test]
fn sample_alerts_pass_the_composing_checks() {
    for (name, alert) in samples() {
        assert_eq!(validate(&alert), Ok(()), "{name}");
    }
}

#[test]
fn written_alerts_read_back_unchanged() {
    for (name, alert) in samples() {
        let xml = write_cap(&alert);
        assert_eq!(read_cap(xml.as_bytes()), Ok(alert), "{name}:\n{xml}");
    }
}

#[test]
fn elements_are_escaped_and_in_schema_order() {
    let xml = write_cap(&update_alert());
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">"));
    assert!(xml.contains("Znaki „&lt;” i „&amp;” muszą być escapowane."));
    assert!(xml.contains("<sent>2026-11-24T15:30:00+01:00</sent>"));
    assert!(xml.contains(
        "<references>alerty@kazimierz.gmina.pl,PL-KAZ-2026-0001,2026-11-24T13:05:00+01:00 \
         ostrzezenia@imgw.pl,2.49.0.0.616.0.PL.241126.1,2026-11-24T11:00:00+00:00</references>"
    ));
    let order = [
        "<identifier>",
        "<sender>",
        "<sent>",
        "<status>",
        "<msgType>",
        "<scope>",
        "<references>",
        "<incidents>",
        "<info>",
        "<language>",
        "<category>",
        "<event>",
        "<responseType>",
        "<urgency>",
        "<severity>",
        "<certainty>",
        "<onset>",
        "<expires>",
        "<senderName>",
        "<headline>",
        "<description>",
        "<instruction>",
        "<web>",
        "<contact>",
        "<parameter>",
        "<area>",
        "<areaDesc>",
        "<polygon>",
        "<geocode>",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|tag| {
            xml.find(tag)
                .unwrap_or_else(|| panic!("{tag} missing:\n{xml}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
}

#[test]
fn written_alerts_validate_against_the_oasis_schema_with_xmllint() {
    let xmllint_present = Command::new("xmllint").arg("--version").output().is_ok();
    if !xmllint_present {
        assert!(
            !in_ci(),
            "xmllint is missing: install the Debian package libxml2-utils (scripts/install-deps.sh does it)"
        );
        eprintln!(
            "CAP schema check: xmllint not installed (libxml2-utils); schema validation skipped"
        );
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (name, alert) in samples() {
        let path = work.path().join(format!("{name}.xml"));
        std::fs::write(&path, write_cap(&alert)).expect("write");
        files.push(path);
    }
    // The OASIS schema kept in the repository (schema/README.md), so this runs on any clone.
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/CAP-v1.2.xsd");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .args(&files)
        .output()
        .expect("run xmllint");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "xmllint refused the output:\n{stderr}"
    );
    for file in &files {
        let shown = format!("{} validates", file.display());
        assert!(stderr.contains(&shown), "{shown} not in:\n{stderr}");
    }

    // The check can fail: an alert without a category, or with an element out of order,
    // does not validate.
    let bad = write_cap(&cancel_alert())
        .replace("<scope>Public</scope>\n", "")
        .replace("<status>", "<scope>Public</scope>\n  <status>");
    let bad_path = work.path().join("bad.xml");
    std::fs::write(&bad_path, bad).expect("write");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&bad_path)
        .output()
        .expect("run xmllint");
    assert!(!output.status.success(), "an out-of-order alert validated");
}
