use std::path::{Path, PathBuf};

use ratusz_core::alerts::{Category, Certainty, MsgType, Point, Scope, Status, Urgency};

use super::*;
use crate::cap::{CapError, read_cap};

/// Every file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What reading a reference file must give: `Ok` or the code of the refusal.
fn expected(path: &Path) -> Result<(), &'static str> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    match name {
        "xee.cap" | "xee.atom" => Err("cap-dtd"),
        "invalid.cap" => Err("cap-missing-element"),
        // Both hold an empty <references> (and noaa_errors.cap empty enumerations too).
        "noaa_errors.cap" | "canada_errors.cap" => Err("cap-invalid-value"),
        _ if name.starts_with("v1dot0_") => Err("cap-unsupported-version"),
        _ if name.ends_with(".pem") => Err("cap-malformed"),
        _ if name.ends_with(".atom") || name.ends_with(".rss") || name.ends_with(".edxlde") => {
            Err("cap-not-alert")
        }
        _ => Ok(()),
    }
}

#[test]
fn every_reference_file_is_read_or_refused_as_expected() {
    let Some(dir) = reference_dir_or_skip("CAP examples") else {
        return;
    };
    let all = files(&dir.join("examples"));
    assert!(all.len() >= 54, "only {} reference files", all.len());
    let mut read = 0;
    for path in &all {
        let bytes = std::fs::read(path).expect("read file");
        let result = read_cap(&bytes);
        match (expected(path), &result) {
            (Ok(()), Ok(alert)) => {
                assert!(!alert.identifier.is_empty(), "{}", path.display());
                read += 1;
            }
            (Err(code), Err(e)) => {
                assert_eq!(e.code(), code, "{}: {e}", path.display());
                assert!(!e.message_pl().is_empty() && e.message_pl() != e.message_en());
            }
            (want, got) => panic!("{}: expected {want:?}, got {got:?}", path.display()),
        }
    }
    // 8 OASIS 1.1/1.2 examples, 7 real IPAWS/NWS alerts, 12 Google library alerts.
    assert_eq!(read, 27);
}

fn read_example(relative: &str) -> Option<Result<Alert, CapError>> {
    let dir = reference_dir_or_skip(relative)?;
    let bytes = std::fs::read(dir.join("examples").join(relative)).expect("read file");
    Some(read_cap(&bytes))
}

#[test]
fn oasis_thunderstorm_example_is_read_in_full() {
    let Some(result) = read_example("oasis_spec_appendixA/v1dot2_appendix_adot2.xml") else {
        return;
    };
    let alert = result.expect("valid");
    assert_eq!(alert.identifier, "KSTO1055887203");
    assert_eq!(alert.sender, "KSTO@NWS.NOAA.GOV");
    assert_eq!(alert.sent, datetime!(2003-06-17 14:57:00 -07:00));
    assert_eq!(
        (alert.status, alert.msg_type, alert.scope),
        (Status::Actual, MsgType::Alert, Scope::Public)
    );
    let info = &alert.infos[0];
    assert_eq!(info.categories, vec![Category::Met]);
    assert_eq!(info.event, "SEVERE THUNDERSTORM");
    assert_eq!(info.urgency, Urgency::Immediate);
    assert_eq!(info.certainty, Certainty::Observed);
    assert_eq!(info.event_codes[0].value_name, "SAME");
    let area = &info.areas[0];
    assert_eq!(area.polygons[0].points[0], Point::new(38.47, -120.14));
    assert_eq!(
        area.polygons[0].points.first(),
        area.polygons[0].points.last()
    );
    assert_eq!(area.geocodes.len(), 3);
    // The polygon of a real alert matches points with the core's geometry.
    assert!(area.contains(Point::new(38.45, -119.95)));
    assert!(!area.contains(Point::new(38.0, -120.0)));
}

#[test]
fn update_example_has_references() {
    let Some(result) = read_example("oasis_spec_appendixA/v1dot2_appendix_adot3.xml") else {
        return;
    };
    let alert = result.expect("valid");
    assert_eq!(alert.msg_type, MsgType::Update);
    assert_eq!(alert.references[0].identifier, "TRI13970876.1");
    assert_eq!(
        alert.references[0].sent,
        datetime!(2003-06-11 20:30:00 -07:00)
    );
}

#[test]
fn iso_8859_1_is_transcoded() {
    let Some(result) = read_example("google_cap_library_testdata/earthquake-iso8859-1.cap") else {
        return;
    };
    let alert = result.expect("valid");
    let text = format!("{alert:?}");
    assert!(!text.is_ascii(), "no non-ASCII character survived");
    assert!(!text.contains('\u{FFFD}'));
}

#[test]
fn very_likely_reads_as_likely() {
    let info = "<info><category>Met</category><event>e</event><urgency>Past</urgency><severity>Minor</severity><certainty>Very Likely</certainty></info>";
    let alert = read_cap(minimal(info).as_bytes()).expect("valid");
    assert_eq!(alert.infos[0].certainty, Certainty::Likely);
}

#[test]
fn prefixed_namespace_and_signature_are_handled() {
    let Some(result) = read_example("google_cap_library_testdata/australia.cap") else {
        return;
    };
    assert!(!result.expect("cap: prefix").infos.is_empty());
    let Some(result) = read_example("real_ipaws_nws/ipaws-5e6dd9de023f1930ef6548d9.xml") else {
        return;
    };
    let alert = result.expect("signed cancel");
    assert_eq!(alert.msg_type, MsgType::Cancel);
    assert_eq!(alert.references.len(), 1);
}

#[test]
fn negative_fixtures_name_the_problem() {
    let Some(result) = read_example("google_cap_library_testdata/invalid.cap") else {
        return;
    };
    assert_eq!(
        result,
        Err(CapError::MissingElement {
            element: "scope".into()
        })
    );
    let Some(result) = read_example("google_cap_library_testdata/noaa_errors.cap") else {
        return;
    };
    assert_eq!(
        result,
        Err(CapError::InvalidValue {
            element: "references".into(),
            value: String::new()
        })
    );
    let Some(result) = read_example("google_cap_library_testdata/xee.cap") else {
        return;
    };
    let err = result.expect_err("XXE");
    assert_eq!(err, CapError::Dtd);
    assert!(err.message_pl().contains("DOCTYPE"));
    let Some(result) = read_example("oasis_spec_appendixA/v1dot0_appendix_adot1.xml") else {
        return;
    };
    assert!(
        result
            .expect_err("1.0")
            .message_en()
            .contains("1.1 and 1.2")
    );
}

const MINIMAL: &str = r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a</identifier><sender>s</sender><sent>2026-01-01T00:00:00+01:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>BODY</alert>"#;

fn minimal(body: &str) -> String {
    MINIMAL.replace("BODY", body)
}

#[test]
fn entity_tricks_and_limits_are_refused() {
    assert!(read_cap(minimal("").as_bytes()).is_ok());
    let bomb = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>{}",
        minimal("<note>&b;</note>")
    );
    assert_eq!(read_cap(bomb.as_bytes()), Err(CapError::Dtd));
    assert_eq!(
        read_cap(minimal("<note>&xxe;</note>").as_bytes()),
        Err(CapError::UndeclaredEntity { name: "xxe".into() })
    );
    let note = read_cap(minimal("<note>&lt;a&amp;b&gt; &#261;&#x142;</note>").as_bytes())
        .expect("predefined and character references")
        .note;
    assert_eq!(note.as_deref(), Some("<a&b> ął"));
    let deep = format!("{}{}", "<x>".repeat(40), "</x>".repeat(40));
    assert_eq!(
        read_cap(minimal(&deep).as_bytes()),
        Err(CapError::TooDeep { limit: 32 })
    );
    let many = "<code>c</code>".repeat(20_001);
    assert_eq!(
        read_cap(minimal(&many).as_bytes()),
        Err(CapError::TooManyElements { limit: 20_000 })
    );
    let big = vec![b' '; 1024 * 1024 + 1];
    assert_eq!(
        read_cap(&big),
        Err(CapError::TooLarge {
            bytes: 1024 * 1024 + 1,
            limit: 1024 * 1024
        })
    );
    assert_eq!(read_cap(b"  \n"), Err(CapError::Empty));
}

#[test]
fn encodings_other_than_utf8_and_latin1_are_refused() {
    let utf16 = [0xFF, 0xFE, b'<', 0];
    assert_eq!(
        read_cap(&utf16).map_err(|e| e.code()),
        Err("cap-unsupported-encoding")
    );
    let cp1250 = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1250\"?>{}",
        minimal("")
    );
    assert_eq!(
        read_cap(cp1250.as_bytes()),
        Err(CapError::UnsupportedEncoding {
            encoding: "windows-1250".into()
        })
    );
    let mut bad = minimal("<note>X</note>").into_bytes();
    let at = bad.iter().position(|&b| b == b'X').expect("X");
    bad[at] = 0xB1; // "ą" in ISO-8859-2, not UTF-8
    assert_eq!(read_cap(&bad), Err(CapError::NotUtf8 { offset: at }));
    let mut latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?>".to_vec();
    latin1.extend_from_slice(&bad);
    assert_eq!(
        read_cap(&latin1).expect("latin-1").note.as_deref(),
        Some("±")
    );
}

#[test]
fn structural_errors_name_the_element() {
    let missing = MINIMAL.replace("<sender>s</sender>", "");
    assert_eq!(
        read_cap(missing.as_bytes()),
        Err(CapError::MissingElement {
            element: "sender".into()
        })
    );
    let info = "<info><category>Met</category><event>e</event><urgency>Soon</urgency><severity>Minor</severity><certainty>Likely</certainty></info>";
    assert_eq!(
        read_cap(minimal(info).as_bytes()),
        Err(CapError::InvalidValue {
            element: "info[0].urgency".into(),
            value: "Soon".into()
        })
    );
    let area = "<info><category>Met</category><event>e</event><urgency>Past</urgency><severity>Minor</severity><certainty>Likely</certainty><area><areaDesc>x</areaDesc><circle>50,20 x</circle></area></info>";
    assert_eq!(
        read_cap(minimal(area).as_bytes()).map_err(|e| e.code()),
        Err("cap-invalid-value")
    );
    assert_eq!(
        read_cap(b"<feed xmlns='http://www.w3.org/2005/Atom'/>"),
        Err(CapError::NotCapAlert {
            root: "feed".into()
        })
    );
    assert_eq!(
        read_cap(b"<alert><a></b></alert>").map_err(|e| e.code()),
        Err("cap-malformed")
    );
    assert_eq!(
        read_cap(b"<alert>").map_err(|e| e.code()),
        Err("cap-malformed")
    );
    assert_eq!(
        read_cap(b"<a/><b/>").map_err(|e| e.code()),
        Err("cap-malformed")
    );
}
