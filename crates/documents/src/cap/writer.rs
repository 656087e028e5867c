//! An [`Alert`] as CAP 1.2 XML.
//!
//! Elements are written in the schema's order, indented, in the CAP 1.2 namespace as the
//! default namespace. Optional text that is absent *or empty* is left out (an empty
//! `language` would not even be schema-valid), and so are non-finite altitudes. The writer
//! writes what it is given: check a composed alert with
//! [`ratusz_core::alerts::validate()`] first, since e.g. an info without a category is
//! not valid CAP.

use ratusz_core::alerts::{Alert, Area, Info, NamedValue, Resource, format_cap_time};

use super::xml::{push_element, push_tag};

/// The CAP 1.2 namespace.
pub const CAP_1_2_NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// The alert as a CAP 1.2 XML document (UTF-8, with an XML declaration).
pub fn write_cap(alert: &Alert) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<alert xmlns=\"");
    out.push_str(CAP_1_2_NAMESPACE);
    out.push_str("\">\n");
    push_element(&mut out, 1, "identifier", &alert.identifier);
    push_element(&mut out, 1, "sender", &alert.sender);
    push_element(&mut out, 1, "sent", &format_cap_time(alert.sent));
    push_element(&mut out, 1, "status", alert.status.as_str());
    push_element(&mut out, 1, "msgType", alert.msg_type.as_str());
    optional(&mut out, 1, "source", &alert.source);
    push_element(&mut out, 1, "scope", alert.scope.as_str());
    optional(&mut out, 1, "restriction", &alert.restriction);
    optional(&mut out, 1, "addresses", &alert.addresses);
    for code in &alert.codes {
        push_element(&mut out, 1, "code", code);
    }
    optional(&mut out, 1, "note", &alert.note);
    if !alert.references.is_empty() {
        let list: Vec<String> = alert.references.iter().map(|r| r.to_cap()).collect();
        push_element(&mut out, 1, "references", &list.join(" "));
    }
    optional(&mut out, 1, "incidents", &alert.incidents);
    for info in &alert.infos {
        write_info(&mut out, info);
    }
    out.push_str("</alert>\n");
    out
}

fn optional(out: &mut String, indent: usize, name: &str, value: &Option<String>) {
    if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
        push_element(out, indent, name, value);
    }
}

fn named_values(out: &mut String, indent: usize, name: &str, values: &[NamedValue]) {
    for pair in values {
        push_tag(out, indent, name, false);
        push_element(out, indent + 1, "valueName", &pair.value_name);
        push_element(out, indent + 1, "value", &pair.value);
        push_tag(out, indent, name, true);
    }
}

fn write_info(out: &mut String, info: &Info) {
    push_tag(out, 1, "info", false);
    optional(out, 2, "language", &info.language);
    for category in &info.categories {
        push_element(out, 2, "category", category.as_str());
    }
    push_element(out, 2, "event", &info.event);
    for response in &info.response_types {
        push_element(out, 2, "responseType", response.as_str());
    }
    push_element(out, 2, "urgency", info.urgency.as_str());
    push_element(out, 2, "severity", info.severity.as_str());
    push_element(out, 2, "certainty", info.certainty.as_str());
    optional(out, 2, "audience", &info.audience);
    named_values(out, 2, "eventCode", &info.event_codes);
    for (name, time) in [
        ("effective", info.effective),
        ("onset", info.onset),
        ("expires", info.expires),
    ] {
        if let Some(time) = time {
            push_element(out, 2, name, &format_cap_time(time));
        }
    }
    optional(out, 2, "senderName", &info.sender_name);
    optional(out, 2, "headline", &info.headline);
    optional(out, 2, "description", &info.description);
    optional(out, 2, "instruction", &info.instruction);
    optional(out, 2, "web", &info.web);
    optional(out, 2, "contact", &info.contact);
    named_values(out, 2, "parameter", &info.parameters);
    for resource in &info.resources {
        write_resource(out, resource);
    }
    for area in &info.areas {
        write_area(out, area);
    }
    push_tag(out, 1, "info", true);
}

fn write_resource(out: &mut String, resource: &Resource) {
    push_tag(out, 2, "resource", false);
    push_element(out, 3, "resourceDesc", &resource.resource_desc);
    push_element(out, 3, "mimeType", &resource.mime_type);
    if let Some(size) = resource.size {
        push_element(out, 3, "size", &size.to_string());
    }
    optional(out, 3, "uri", &resource.uri);
    optional(out, 3, "derefUri", &resource.deref_uri);
    optional(out, 3, "digest", &resource.digest);
    push_tag(out, 2, "resource", true);
}

fn write_area(out: &mut String, area: &Area) {
    push_tag(out, 2, "area", false);
    push_element(out, 3, "areaDesc", &area.area_desc);
    for polygon in &area.polygons {
        push_element(out, 3, "polygon", &polygon.to_cap());
    }
    for circle in &area.circles {
        push_element(out, 3, "circle", &circle.to_cap());
    }
    named_values(out, 3, "geocode", &area.geocodes);
    for (name, value) in [("altitude", area.altitude), ("ceiling", area.ceiling)] {
        if let Some(value) = value.filter(|v| v.is_finite()) {
            push_element(out, 3, name, &value.to_string());
        }
    }
    push_tag(out, 2, "area", true);
}
