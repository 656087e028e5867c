//! Reading CAP 1.1 and 1.2 alerts from other services, safely.
//!
//! Alerts from a weather service or a neighbouring authority are untrusted input. The
//! reader:
//!
//! * refuses anything over [`ReadLimits::max_bytes`] (1 MiB) before looking at it, and
//!   stops at [`ReadLimits::max_depth`] levels of nesting and
//!   [`ReadLimits::max_elements`] elements;
//! * refuses a `DOCTYPE` outright ([`CapError::Dtd`]) — CAP needs no DTD, and a DTD is how
//!   external entities (XXE) and entity expansion bombs ("billion laughs") get in — and any
//!   entity reference other than XML's five predefined ones and character references
//!   ([`CapError::UndeclaredEntity`]);
//! * never fetches anything: stylesheets, schemas, XInclude are ignored (quick-xml has no
//!   network code at all);
//! * decodes UTF-8, and **transcodes ISO-8859-1 explicitly** when the XML declaration says
//!   so (each byte is the code point of the same number; real feeds do send it — see
//!   `earthquake-iso8859-1.cap`). UTF-16 and every other declared encoding is refused
//!   ([`CapError::UnsupportedEncoding`]); invalid UTF-8 is refused ([`CapError::NotUtf8`]).
//!
//! The XML is read into a small tree (with quick-xml's namespace resolution, so both
//! `<alert xmlns="…">` and `<cap:alert xmlns:cap="…">` work), then mapped to an [`Alert`].
//! The mapping checks what the schema checks — required elements, enumerations, times,
//! numbers, the `lat,lon` syntax of polygons and circles, the `sender,identifier,sent`
//! syntax of references — and reports the first problem as a [`CapError`] with the path of
//! the element (`info[0].urgency`). It is lenient where real feeds differ harmlessly:
//! elements may come in any order, unknown elements and elements of other namespaces (an
//! XML signature) are skipped, empty optional elements count as absent, empty `polygon`
//! and `circle` elements are skipped, CAP 1.0's certainty "Very Likely" reads as `Likely`,
//! and times may use `Z` or fractions of a second. It does *not* apply the composing rules
//! of [`ratusz_core::alerts::validate()`]: another service's long headline is its own
//! business. CAP 1.0 (a different namespace and structure) is refused as unsupported.
//!
//! What catches the negative fixtures of `shared/ref/cap/examples`: `xee.cap` and
//! `xee.atom` — the `DOCTYPE` ([`CapError::Dtd`]); `invalid.cap` — `scope` missing
//! ([`CapError::MissingElement`]); `noaa_errors.cap` — the empty `references`, the empty
//! `urgency`, and a polygon with a stray comma, of which the first, `references`, is
//! reported ([`CapError::InvalidValue`]). `canada_errors.cap` is schema-valid but, as its
//! own comment says, "zero references is invalid": its empty `<references/>` is refused
//! the same way (an empty list cannot be told from a broken feed; every other empty
//! optional element counts as absent). `earthquake_signed.cap` puts an
//! XML signature where CAP 1.1's schema does not allow one; the signature is skipped and
//! the alert read. Atom, RSS and EDXL envelopes and PEM files are not alerts
//! ([`CapError::NotCapAlert`] or [`CapError::Malformed`]).

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};
use ratusz_core::alerts::{
    Alert, Area, Category, Certainty, Circle, Info, MsgType, NamedValue, Polygon, Reference,
    Resource, ResponseType, Scope, Severity, Status, Urgency, parse_cap_time,
};

use super::error::CapError;
use super::writer::CAP_1_2_NAMESPACE;

/// The CAP 1.1 namespace.
pub const CAP_1_1_NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.1";
/// The CAP 1.0 namespace (refused).
pub const CAP_1_0_NAMESPACE: &str = "http://www.incident.com/cap/1.0";

/// The limits a CAP document is read within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Bytes of the document. Real alerts with an embedded audio file reach ~0.5 MB.
    pub max_bytes: usize,
    /// Levels of element nesting (CAP itself needs 5; an XML signature a few more).
    pub max_depth: usize,
    /// Elements in the whole document.
    pub max_elements: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_bytes: 1024 * 1024,
            max_depth: 32,
            max_elements: 20_000,
        }
    }
}

/// Reads a CAP 1.1 or 1.2 alert within [`ReadLimits::default`].
pub fn read_cap(bytes: &[u8]) -> Result<Alert, CapError> {
    read_cap_with(bytes, &ReadLimits::default())
}

/// Reads a CAP 1.1 or 1.2 alert within the given limits.
pub fn read_cap_with(bytes: &[u8], limits: &ReadLimits) -> Result<Alert, CapError> {
    if bytes.len() > limits.max_bytes {
        return Err(CapError::TooLarge {
            bytes: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let text = decode(bytes)?;
    let root = parse_tree(&text, limits)?;
    interpret(&root)
}

/// The document as text: UTF-8 as it is, ISO-8859-1 transcoded, anything else refused.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, CapError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE") {
        return Err(CapError::UnsupportedEncoding {
            encoding: "UTF-16".into(),
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CapError::Empty);
    }
    let declared = declared_encoding(bytes).map(|e| e.to_ascii_lowercase());
    match declared.as_deref() {
        None | Some("utf-8" | "utf8" | "us-ascii" | "ascii") => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| CapError::NotUtf8 {
                offset: e.valid_up_to(),
            }),
        Some("iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1") => {
            Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
        }
        Some(_) => Err(CapError::UnsupportedEncoding {
            encoding: declared_encoding(bytes).unwrap_or_default(),
        }),
    }
}

/// The `encoding` of the XML declaration, if the document starts with one that has it.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(256))?;
    let head = head.strip_prefix(b"<?xml")?;
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = &head[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = decl[at + 8..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let close = value.iter().position(|&b| b == quote)?;
    Some(String::from_utf8_lossy(&value[..close]).into_owned())
}

/// One element: its namespace, local name, attributes (local name and value; namespace
/// declarations left out), text and child elements.
#[derive(Debug, Default)]
pub(super) struct Node {
    pub(super) ns: Option<String>,
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) text: String,
    pub(super) children: Vec<Node>,
}

impl Node {
    fn new(ns: &ResolveResult<'_>, local_name: &[u8]) -> Self {
        let ns = match ns {
            ResolveResult::Bound(namespace) => {
                Some(String::from_utf8_lossy(namespace.0).into_owned())
            }
            _ => None,
        };
        Self {
            ns,
            name: String::from_utf8_lossy(local_name).into_owned(),
            ..Self::default()
        }
    }
}

impl Node {
    /// The value of the attribute with this local name.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(super) fn malformed(e: impl std::fmt::Display) -> CapError {
    let mut detail = e.to_string();
    truncate(&mut detail, 200);
    CapError::Malformed { detail }
}

pub(super) fn truncate(text: &mut String, max_chars: usize) {
    if let Some((at, _)) = text.char_indices().nth(max_chars) {
        text.truncate(at);
        text.push('…');
    }
}

/// The element tree, within the limits; DTDs and undeclared entities refused.
pub(super) fn parse_tree(text: &str, limits: &ReadLimits) -> Result<Node, CapError> {
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut elements = 0usize;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(malformed)?;
        match event {
            Event::DocType(_) => return Err(CapError::Dtd),
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_some() {
                    return Err(malformed("a second root element"));
                }
                elements += 1;
                if elements > limits.max_elements {
                    return Err(CapError::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
                if stack.len() >= limits.max_depth {
                    return Err(CapError::TooDeep {
                        limit: limits.max_depth,
                    });
                }
                let mut node = Node::new(&ns, e.local_name().as_ref());
                for a in e.attributes() {
                    let a = a.map_err(malformed)?;
                    if a.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    // Only XML's five entities and character references: anything else is
                    // an error here too, never a lookup.
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(malformed)?;
                    let name = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                    node.attrs.push((name, value.into_owned()));
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(node);
                } else {
                    attach(&mut stack, &mut root, node);
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| malformed("an unexpected end tag"))?;
                attach(&mut stack, &mut root, node);
            }
            Event::Text(e) => {
                let content = e.xml10_content().map_err(malformed)?;
                push_text(&mut stack, &content)?;
            }
            Event::CData(e) => {
                let content = e.xml10_content().map_err(malformed)?;
                push_text(&mut stack, &content)?;
            }
            Event::GeneralRef(e) => {
                if let Some(c) = e.resolve_char_ref().map_err(malformed)? {
                    push_text(&mut stack, c.encode_utf8(&mut [0u8; 4]))?;
                } else {
                    let name = e.decode().map_err(malformed)?;
                    match resolve_predefined_entity(&name) {
                        Some(value) => push_text(&mut stack, value)?,
                        None => {
                            let mut name = name.into_owned();
                            truncate(&mut name, 50);
                            return Err(CapError::UndeclaredEntity { name });
                        }
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed("the document ends inside an element"));
    }
    root.ok_or_else(|| malformed("no root element"))
}

fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}

fn push_text(stack: &mut [Node], text: &str) -> Result<(), CapError> {
    match stack.last_mut() {
        Some(top) => {
            top.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(malformed("text outside the root element")),
    }
}

/// Reading the CAP elements of one namespace out of the tree.
struct Cap<'a> {
    ns: &'a str,
}

impl<'a> Cap<'a> {
    fn all<'n>(
        &self,
        node: &'n Node,
        name: &'a str,
    ) -> impl Iterator<Item = &'n Node> + use<'n, 'a> {
        let ns = self.ns;
        node.children
            .iter()
            .filter(move |c| c.name == name && c.ns.as_deref() == Some(ns))
    }

    fn first<'n>(&self, node: &'n Node, name: &'a str) -> Option<&'n Node> {
        self.all(node, name).next()
    }

    /// A required element's trimmed text (may be empty).
    fn required<'n>(&self, node: &'n Node, name: &'a str, path: &str) -> Result<&'n str, CapError> {
        self.first(node, name)
            .map(|n| n.text.trim())
            .ok_or_else(|| CapError::MissingElement {
                element: join(path, name),
            })
    }

    /// A required element whose text may not be empty.
    fn required_nonempty(
        &self,
        node: &Node,
        name: &'a str,
        path: &str,
    ) -> Result<String, CapError> {
        let text = self.required(node, name, path)?;
        if text.is_empty() {
            return Err(CapError::MissingElement {
                element: join(path, name),
            });
        }
        Ok(text.to_owned())
    }

    /// An optional element's trimmed text; empty counts as absent.
    fn optional(&self, node: &Node, name: &'a str) -> Option<String> {
        self.first(node, name)
            .map(|n| n.text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    fn enumerated<T>(
        &self,
        node: &Node,
        name: &'a str,
        path: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, CapError> {
        let text = self.required(node, name, path)?;
        parse(text).ok_or_else(|| invalid(&join(path, name), text))
    }

    fn time(
        &self,
        node: &Node,
        name: &'a str,
        path: &str,
    ) -> Result<Option<time::OffsetDateTime>, CapError> {
        match self.optional(node, name) {
            None => Ok(None),
            Some(text) => parse_cap_time(&text)
                .map(Some)
                .ok_or_else(|| invalid(&join(path, name), &text)),
        }
    }

    fn number<T: std::str::FromStr>(
        &self,
        node: &Node,
        name: &'a str,
        path: &str,
    ) -> Result<Option<T>, CapError> {
        match self.optional(node, name) {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| invalid(&join(path, name), &text)),
        }
    }

    fn named_values(
        &self,
        node: &Node,
        name: &'a str,
        path: &str,
    ) -> Result<Vec<NamedValue>, CapError> {
        self.all(node, name)
            .enumerate()
            .map(|(i, pair)| {
                let at = format!("{}[{i}]", join(path, name));
                Ok(NamedValue::new(
                    self.required(pair, "valueName", &at)?,
                    self.required(pair, "value", &at)?,
                ))
            })
            .collect()
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn invalid(element: &str, value: &str) -> CapError {
    let mut value = value.to_owned();
    truncate(&mut value, 80);
    CapError::InvalidValue {
        element: element.to_owned(),
        value,
    }
}

pub(super) fn interpret(root: &Node) -> Result<Alert, CapError> {
    if root.name != "alert" {
        return Err(CapError::NotCapAlert {
            root: root.name.clone(),
        });
    }
    let ns = match root.ns.as_deref() {
        Some(ns @ (CAP_1_2_NAMESPACE | CAP_1_1_NAMESPACE)) => ns,
        Some(other) => {
            let mut namespace = other.to_owned();
            truncate(&mut namespace, 100);
            return Err(CapError::UnsupportedVersion { namespace });
        }
        None => {
            return Err(CapError::UnsupportedVersion {
                namespace: String::new(),
            });
        }
    };
    let cap = Cap { ns };
    let sent_text = cap.required(root, "sent", "")?;
    let sent = parse_cap_time(sent_text).ok_or_else(|| invalid("sent", sent_text))?;
    let references = match cap.first(root, "references") {
        None => Vec::new(),
        Some(node) => Reference::parse_list(&node.text)
            .filter(|list| !list.is_empty())
            .ok_or_else(|| invalid("references", node.text.trim()))?,
    };
    let mut alert = Alert {
        identifier: token(cap.required_nonempty(root, "identifier", "")?, "identifier")?,
        sender: token(cap.required_nonempty(root, "sender", "")?, "sender")?,
        sent,
        status: cap.enumerated(root, "status", "", Status::parse)?,
        msg_type: cap.enumerated(root, "msgType", "", MsgType::parse)?,
        source: cap.optional(root, "source"),
        scope: cap.enumerated(root, "scope", "", Scope::parse)?,
        restriction: cap.optional(root, "restriction"),
        addresses: cap.optional(root, "addresses"),
        codes: cap
            .all(root, "code")
            .map(|n| n.text.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        note: cap.optional(root, "note"),
        references,
        incidents: cap.optional(root, "incidents"),
        infos: Vec::new(),
    };
    for (i, node) in cap.all(root, "info").enumerate() {
        alert
            .infos
            .push(read_info(&cap, node, &format!("info[{i}]"))?);
    }
    Ok(alert)
}

/// `identifier` and `sender` may hold no spaces, commas or `<` and `&` (CAP 1.2, 3.2.1):
/// references list them separated by commas and spaces, so such a value could not be
/// referred to.
fn token(value: String, element: &str) -> Result<String, CapError> {
    if value
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ',' | '<' | '&'))
    {
        return Err(invalid(element, &value));
    }
    Ok(value)
}

fn certainty(text: &str) -> Option<Certainty> {
    // CAP 1.0's "Very Likely"; CAP 1.1 and 1.2 say to read it as "Likely".
    if text.trim() == "Very Likely" {
        Some(Certainty::Likely)
    } else {
        Certainty::parse(text)
    }
}

fn read_info(cap: &Cap<'_>, node: &Node, path: &str) -> Result<Info, CapError> {
    let categories = cap
        .all(node, "category")
        .map(|c| {
            Category::parse(&c.text).ok_or_else(|| invalid(&join(path, "category"), c.text.trim()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if categories.is_empty() {
        return Err(CapError::MissingElement {
            element: join(path, "category"),
        });
    }
    let response_types = cap
        .all(node, "responseType")
        .map(|c| {
            ResponseType::parse(&c.text)
                .ok_or_else(|| invalid(&join(path, "responseType"), c.text.trim()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut info = Info {
        language: cap.optional(node, "language"),
        categories,
        event: cap.required(node, "event", path)?.to_owned(),
        response_types,
        urgency: cap.enumerated(node, "urgency", path, Urgency::parse)?,
        severity: cap.enumerated(node, "severity", path, Severity::parse)?,
        certainty: cap.enumerated(node, "certainty", path, certainty)?,
        audience: cap.optional(node, "audience"),
        event_codes: cap.named_values(node, "eventCode", path)?,
        effective: cap.time(node, "effective", path)?,
        onset: cap.time(node, "onset", path)?,
        expires: cap.time(node, "expires", path)?,
        sender_name: cap.optional(node, "senderName"),
        headline: cap.optional(node, "headline"),
        description: cap.optional(node, "description"),
        instruction: cap.optional(node, "instruction"),
        web: cap.optional(node, "web"),
        contact: cap.optional(node, "contact"),
        parameters: cap.named_values(node, "parameter", path)?,
        resources: Vec::new(),
        areas: Vec::new(),
    };
    for (r, resource) in cap.all(node, "resource").enumerate() {
        let at = format!("{path}.resource[{r}]");
        info.resources.push(Resource {
            resource_desc: cap.required(resource, "resourceDesc", &at)?.to_owned(),
            // Optional in CAP 1.1, required from 1.2 on: empty when a 1.1 alert has none.
            mime_type: cap.optional(resource, "mimeType").unwrap_or_default(),
            size: cap.number(resource, "size", &at)?,
            uri: cap.optional(resource, "uri"),
            deref_uri: cap.optional(resource, "derefUri"),
            digest: cap.optional(resource, "digest"),
        });
    }
    for (a, area) in cap.all(node, "area").enumerate() {
        info.areas
            .push(read_area(cap, area, &format!("{path}.area[{a}]"))?);
    }
    Ok(info)
}

fn read_area(cap: &Cap<'_>, node: &Node, path: &str) -> Result<Area, CapError> {
    let mut area = Area::new(cap.required(node, "areaDesc", path)?);
    for (p, polygon) in cap.all(node, "polygon").enumerate() {
        let text = polygon.text.trim();
        if text.is_empty() {
            continue;
        }
        let parsed =
            Polygon::parse(text).ok_or_else(|| invalid(&format!("{path}.polygon[{p}]"), text))?;
        area.polygons.push(parsed);
    }
    for (c, circle) in cap.all(node, "circle").enumerate() {
        let text = circle.text.trim();
        if text.is_empty() {
            continue;
        }
        let parsed =
            Circle::parse(text).ok_or_else(|| invalid(&format!("{path}.circle[{c}]"), text))?;
        area.circles.push(parsed);
    }
    area.geocodes = cap.named_values(node, "geocode", path)?;
    area.altitude = cap.number(node, "altitude", path)?;
    area.ceiling = cap.number(node, "ceiling", path)?;
    // f64's parser takes "NaN" and "inf"; CAP's xs:decimal does not.
    for (name, value) in [("altitude", area.altitude), ("ceiling", area.ceiling)] {
        if let Some(value) = value.filter(|v| !v.is_finite()) {
            return Err(invalid(&join(path, name), &value.to_string()));
        }
    }
    Ok(area)
}
