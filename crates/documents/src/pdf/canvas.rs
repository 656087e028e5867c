//! Pages of positioned text and rules, and their conversion into a PDF file by printpdf.
//!
//! Layout code works top-down in points (y grows towards the bottom of the page, as a
//! reader sees it); the flip to PDF's bottom-up coordinates happens only here.

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rect, TextItem, TextMatrix, WindingOrder,
};

use super::fonts::{Fonts, Style};
use crate::DocumentError;

/// Millimetres to points.
pub(crate) const fn mm(value: f32) -> f32 {
    value * 72.0 / 25.4
}

/// A4 in points, portrait.
pub(crate) const A4: (f32, f32) = (mm(210.0), mm(297.0));

/// Runaway input (a body of millions of lines) stops here instead of eating memory.
pub(crate) const MAX_PAGES: usize = 10_000;

/// Horizontal placement of a line of text within a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// Something drawn on a page. Coordinates are points from the top-left corner.
#[derive(Debug)]
enum Item {
    /// Text whose baseline starts at (`x`, `baseline`).
    Text {
        x: f32,
        baseline: f32,
        style: Style,
        size: f32,
        text: String,
    },
    /// A straight rule.
    Rule {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A grey filled rectangle under text (table header).
    Shade {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        grey: f32,
    },
}

/// One page being laid out.
#[derive(Debug, Default)]
pub(crate) struct Page {
    items: Vec<Item>,
}

impl Page {
    /// Places already-cleaned text in the box `x .. x + width`, with its baseline at
    /// `baseline`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &mut self,
        fonts: &Fonts,
        style: Style,
        size: f32,
        text: &str,
        x: f32,
        width: f32,
        baseline: f32,
        align: Align,
    ) {
        if text.trim().is_empty() {
            return;
        }
        let left = match align {
            Align::Left => x,
            Align::Center => x + (width - fonts.face(style).width(text, size)) / 2.0,
            Align::Right => x + width - fonts.face(style).width(text, size),
        };
        self.items.push(Item::Text {
            x: left,
            baseline,
            style,
            size,
            text: text.to_owned(),
        });
    }

    pub(crate) fn rule(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.items.push(Item::Rule { from, to, width });
    }

    pub(crate) fn shade(&mut self, x: f32, y: f32, width: f32, height: f32, grey: f32) {
        self.items.push(Item::Shade {
            x,
            y,
            width,
            height,
            grey,
        });
    }
}

/// Writes the pages as a PDF of `size` (width, height) points, embedding only the glyphs
/// used.
pub(crate) fn write_pdf(
    fonts: &Fonts,
    pages: &[Page],
    size: (f32, f32),
    title: &str,
) -> Result<Vec<u8>, DocumentError> {
    if pages.len() > MAX_PAGES {
        return Err(DocumentError::TooManyPages { max: MAX_PAGES });
    }
    let mut used: BTreeMap<Style, BTreeSet<char>> = BTreeMap::new();
    for item in pages.iter().flat_map(|page| &page.items) {
        if let Item::Text { style, text, .. } = item {
            used.entry(*style).or_default().extend(text.chars());
        }
    }

    let mut doc = PdfDocument::new(&fonts.face(Style::Regular).clean(title));
    let mut font_ids = BTreeMap::new();
    for (index, (style, chars)) in used.iter().enumerate() {
        let font = fonts.face(*style).for_embedding(chars)?;
        // Fixed resource names (F1, F2) instead of printpdf's random ones keep the
        // content streams reproducible.
        let id = printpdf::FontId(format!("F{}", index + 1));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(font));
        font_ids.insert(*style, id);
    }

    let (width, height) = size;
    let pdf_pages = pages
        .iter()
        .map(|page| {
            PdfPage::new(
                pt_to_mm(width),
                pt_to_mm(height),
                page_ops(page, height, &font_ids),
            )
        })
        .collect();
    doc.with_pages(pdf_pages);
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    tidy_metadata(&mut pdf)?;
    pdf.compress();
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|e| DocumentError::Pdf(format!("{e}; warnings: {warnings:?}")))?;
    Ok(bytes)
}

/// printpdf writes an information dictionary for print production: a PDF/X version
/// claim the file does not meet, 1970 dates (it has no clock, and neither do we: time is
/// injected), empty fields, and a random file identifier. Keep the title, say who made
/// the file, declare the language for screen readers, and drop the identifier (optional
/// for unencrypted files), so the same input always gives the same bytes.
fn tidy_metadata(pdf: &mut lopdf::Document) -> Result<(), DocumentError> {
    use lopdf::{Object, StringFormat};

    let engine = |e: lopdf::Error| DocumentError::Pdf(e.to_string());
    pdf.trailer.remove(b"ID");
    if let Ok(info) = pdf.trailer.get(b"Info").and_then(Object::as_reference) {
        let info = pdf.get_dictionary_mut(info).map_err(engine)?;
        let title = info.get(b"Title").ok().cloned();
        *info = lopdf::Dictionary::new();
        if let Some(title) = title {
            info.set("Title", title);
        }
        info.set(
            "Producer",
            Object::String(b"Ratusz".to_vec(), StringFormat::Literal),
        );
    }
    let catalog = pdf.catalog_mut().map_err(engine)?;
    catalog.set(
        "Lang",
        Object::String(b"pl-PL".to_vec(), StringFormat::Literal),
    );
    catalog.set(
        "ViewerPreferences",
        lopdf::Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    Ok(())
}

fn pt_to_mm(value: f32) -> printpdf::Mm {
    printpdf::Mm(value * 25.4 / 72.0)
}

fn page_ops(page: &Page, height: f32, font_ids: &BTreeMap<Style, printpdf::FontId>) -> Vec<Op> {
    let black = Color::Greyscale(printpdf::Greyscale::new(0.0, None));
    let point = |x: f32, y: f32| Point {
        x: Pt(x),
        y: Pt(height - y),
    };
    let mut ops = Vec::new();

    // Shading first, then rules, then text on top.
    for item in &page.items {
        if let Item::Shade {
            x,
            y,
            width,
            height: h,
            grey,
        } = item
        {
            ops.push(Op::SetFillColor {
                col: Color::Greyscale(printpdf::Greyscale::new(*grey, None)),
            });
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(*x),
                    y: Pt(height - y - h),
                    width: Pt(*width),
                    height: Pt(*h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            });
        }
    }
    let mut rule_width = None;
    for item in &page.items {
        if let Item::Rule { from, to, width } = item {
            if rule_width != Some(*width) {
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                rule_width = Some(*width);
            }
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(from.0, from.1),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(to.0, to.1),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            });
        }
    }

    ops.push(Op::SetFillColor { col: black });
    ops.push(Op::StartTextSection);
    let mut current_font = None;
    for item in &page.items {
        let Item::Text {
            x,
            baseline,
            style,
            size,
            text,
        } = item
        else {
            continue;
        };
        let Some(font_id) = font_ids.get(style) else {
            continue;
        };
        if current_font != Some((*style, size.to_bits())) {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(font_id.clone()),
                size: Pt(*size),
            });
            current_font = Some((*style, size.to_bits()));
        }
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(*x), Pt(height - baseline)),
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(text.clone())],
        });
    }
    ops.push(Op::EndTextSection);
    ops
}

/// Stamps "Strona i z n" centred at `baseline` on every page.
pub(crate) fn number_pages(fonts: &Fonts, pages: &mut [Page], x: f32, width: f32, baseline: f32) {
    let total = pages.len();
    for (index, page) in pages.iter_mut().enumerate() {
        let label = format!("Strona {} z {total}", index + 1);
        page.text(
            fonts,
            Style::Regular,
            8.0,
            &label,
            x,
            width,
            baseline,
            Align::Center,
        );
    }
}
