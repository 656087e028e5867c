//! DOCX and ODT: ZIP archives of XML, read in-process.
//!
//! Both formats are parsed by crates written in safe Rust (`zip`, `quick-xml`), so unlike
//! PDF they need no subprocess; what they need is a guard against archives that unpack
//! to far more than they weigh. The sizes an archive declares are only a first check:
//! each part is read through [`Read::take`] with what is left of `max_unpacked_bytes`, so
//! a lying header cannot make us read more. An archive over the limit that unpacks at a
//! ratio of at least [`BOMB_RATIO`] is a [`Problem::ZipBomb`]; below that ratio it is
//! merely [`Oversize::Unpacked`]. `quick-xml` expands only the five predefined XML
//! entities and numeric references, so an "entity bomb" in the XML is no danger either.
//!
//! Only the body is read: `word/document.xml` of a DOCX (headers, footers and comments
//! are left out), `content.xml` of an ODT.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

use super::sniff::Kind;
use super::{Extracted, Limits, Method, Oversize, Problem};

/// Unpacked bytes per compressed byte from which an oversized archive counts as a bomb.
/// Real documents compress XML about 5–20×; deflate's ceiling is about 1032×.
const BOMB_RATIO: u64 = 100;

/// Longest run of spaces an ODT `text:s` element may ask for.
const MAX_SPACES: usize = 1000;

pub(crate) fn docx(bytes: &[u8], limits: &Limits) -> Extracted {
    let mut out = Extracted::new(Method::Docx, Kind::Docx.media_type());
    match read_part(bytes, "word/document.xml", limits) {
        Ok(xml) => match docx_text(&xml) {
            Ok(text) => {
                out.text = text;
                out.pages = 1;
            }
            Err(problem) => out.flag(problem),
        },
        Err(problem) => out.flag(problem),
    }
    out
}

pub(crate) fn odt(bytes: &[u8], limits: &Limits) -> Extracted {
    let mut out = Extracted::new(Method::Odt, Kind::Odt.media_type());
    match read_part(bytes, "content.xml", limits) {
        Ok(xml) => match odt_text(&xml) {
            Ok(text) => {
                out.text = text;
                out.pages = 1;
            }
            Err(problem) => out.flag(problem),
        },
        Err(problem) => out.flag(problem),
    }
    out
}

/// One part of the archive, unpacked within `max_unpacked_bytes`.
fn read_part(bytes: &[u8], name: &str, limits: &Limits) -> Result<Vec<u8>, Problem> {
    let corrupt = |e: zip::result::ZipError| Problem::Corrupt {
        detail: format!("{name}: {e}"),
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let entry = archive.by_name(name).map_err(corrupt)?;
    let compressed = entry.compressed_size().max(1);
    let budget = limits.max_unpacked_bytes;
    let over = |unpacked: u64| {
        let ratio = unpacked / compressed;
        if ratio >= BOMB_RATIO {
            Problem::ZipBomb { ratio }
        } else {
            Problem::TooLarge(Oversize::Unpacked { limit: budget })
        }
    };
    if entry.size() > budget {
        return Err(over(entry.size()));
    }
    let mut data = Vec::new();
    entry
        .take(budget.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| Problem::Corrupt {
            detail: format!("{name}: {e}"),
        })?;
    let unpacked = data.len() as u64;
    if unpacked > budget {
        return Err(over(unpacked));
    }
    Ok(data)
}

/// WordprocessingML: text in `w:t`; `w:tab`, `w:br`/`w:cr` and the end of a paragraph
/// `w:p` become a tab and line breaks. Deleted text (`w:delText`) is not in `w:t`, so
/// tracked deletions are left out.
fn docx_text(xml: &[u8]) -> Result<String, Problem> {
    let mut reader = Reader::from_reader(xml);
    let mut text = String::new();
    let mut in_t = false;
    loop {
        let event = reader.read_event().map_err(xml_error)?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_t = true,
                b"tab" => text.push('\t'),
                b"br" | b"cr" => text.push('\n'),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => text.push('\t'),
                b"br" | b"cr" => text.push('\n'),
                b"p" => text.push('\n'),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"p" => text.push('\n'),
                _ => {}
            },
            Event::Text(e) if in_t => text.push_str(&e.xml10_content().map_err(xml_error)?),
            Event::CData(e) if in_t => text.push_str(&String::from_utf8_lossy(&e)),
            Event::GeneralRef(e) if in_t => push_reference(&mut text, &e)?,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(text)
}

/// OpenDocument: text inside `text:p` and `text:h` (spans are transparent); `text:s`
/// is `text:c` spaces, `text:tab` a tab, `text:line-break` a line break.
fn odt_text(xml: &[u8]) -> Result<String, Problem> {
    let mut reader = Reader::from_reader(xml);
    let mut text = String::new();
    // Depth of open paragraphs/headings: notes inside a paragraph nest another one.
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().map_err(xml_error)?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"p" | b"h" => depth += 1,
                b"tab" if depth > 0 => text.push('\t'),
                b"line-break" if depth > 0 => text.push('\n'),
                b"s" if depth > 0 => push_spaces(&mut text, &e),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"p" | b"h" => text.push('\n'),
                b"tab" if depth > 0 => text.push('\t'),
                b"line-break" if depth > 0 => text.push('\n'),
                b"s" if depth > 0 => push_spaces(&mut text, &e),
                _ => {}
            },
            Event::End(e) => {
                if matches!(e.local_name().as_ref(), b"p" | b"h") {
                    depth = depth.saturating_sub(1);
                    text.push('\n');
                }
            }
            Event::Text(e) if depth > 0 => {
                text.push_str(&e.xml10_content().map_err(xml_error)?);
            }
            Event::CData(e) if depth > 0 => text.push_str(&String::from_utf8_lossy(&e)),
            Event::GeneralRef(e) if depth > 0 => push_reference(&mut text, &e)?,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(text)
}

fn push_spaces(text: &mut String, element: &quick_xml::events::BytesStart<'_>) {
    let count = element
        .try_get_attribute("text:c")
        .ok()
        .flatten()
        .and_then(|a| {
            std::str::from_utf8(&a.value)
                .ok()?
                .trim()
                .parse::<usize>()
                .ok()
        })
        .unwrap_or(1)
        .min(MAX_SPACES);
    text.extend(std::iter::repeat_n(' ', count));
}

/// `&amp;`, `&#261;` and the like; any other entity is dropped (we expand none).
fn push_reference(
    text: &mut String,
    reference: &quick_xml::events::BytesRef<'_>,
) -> Result<(), Problem> {
    if let Some(c) = reference.resolve_char_ref().map_err(xml_error)? {
        text.push(c);
    } else if let Ok(name) = reference.decode()
        && let Some(value) = resolve_predefined_entity(&name)
    {
        text.push_str(value);
    }
    Ok(())
}

fn xml_error(e: impl std::fmt::Display) -> Problem {
    Problem::Corrupt {
        detail: format!("XML: {e}"),
    }
}
