//! A titled table over as many pages as it needs: the case index (spis spraw), the
//! handover list (spis zdawczo-odbiorczy) and other registers.

use super::canvas::{A4, Align, MAX_PAGES, Page, mm, number_pages, write_pdf};
use super::fonts::{Fonts, Style};
use super::wrap::wrap_text;
use crate::DocumentError;

/// A table document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TablePdf {
    /// Bold heading on the first page, e.g. "Spis spraw".
    pub title: String,
    /// Lines under the title, e.g. the unit, the JRWA symbol and the year.
    pub subtitle_lines: Vec<String>,
    /// The columns, left to right.
    pub columns: Vec<TableColumn>,
    /// The rows; a row may have fewer cells than there are columns (the rest are empty),
    /// never more.
    pub rows: Vec<Vec<String>>,
    /// Landscape A4 instead of portrait.
    pub landscape: bool,
    /// Lines after the table, e.g. "Spis sporządził: …" or the handover signatures.
    pub footer_lines: Vec<String>,
}

/// One column of a [`TablePdf`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableColumn {
    /// The header cell, repeated at the top of every page.
    pub header: String,
    /// Relative width: the columns share the text width in proportion to these weights.
    pub width: f32,
}

const MARGIN: f32 = mm(15.0);
const TITLE_SIZE: f32 = 13.0;
const SUBTITLE_SIZE: f32 = 10.0;
const CELL_SIZE: f32 = 9.0;
const CELL_LEADING: f32 = CELL_SIZE * 1.25;
const PAD_X: f32 = mm(1.5);
const PAD_Y: f32 = 3.0;
const RULE: f32 = 0.4;
const HEADER_GREY: f32 = 0.88;
/// Rows not yet on the page they started on keep at least this many lines together.
const MIN_SPLIT_LINES: usize = 2;

/// Renders the table; see the [module docs](super) for the layout.
pub fn render_table(fonts: &Fonts, table: &TablePdf) -> Result<Vec<u8>, DocumentError> {
    let size = if table.landscape { (A4.1, A4.0) } else { A4 };
    let columns = column_edges(table, size.0 - 2.0 * MARGIN)?;
    let header: Vec<Vec<String>> = table
        .columns
        .iter()
        .zip(&columns)
        .map(|(column, &(_, width))| {
            wrap_text(&fonts.bold, CELL_SIZE, &column.header, width - 2.0 * PAD_X)
        })
        .collect();

    let mut sheet = Sheet {
        fonts,
        pages: vec![Page::default()],
        y: MARGIN,
        top: MARGIN,
        bottom: size.1 - MARGIN,
        columns: &columns,
        header: &header,
    };

    let text_width = size.0 - 2.0 * MARGIN;
    if !table.title.trim().is_empty() {
        for line in wrap_text(&fonts.bold, TITLE_SIZE, &table.title, text_width) {
            sheet.text_line(Style::Bold, TITLE_SIZE, &line, text_width)?;
        }
    }
    for subtitle in &table.subtitle_lines {
        for line in wrap_text(&fonts.regular, SUBTITLE_SIZE, subtitle, text_width) {
            sheet.text_line(Style::Regular, SUBTITLE_SIZE, &line, text_width)?;
        }
    }
    if sheet.y > MARGIN {
        sheet.y += mm(4.0);
    }

    sheet.header_row()?;
    for (index, row) in table.rows.iter().enumerate() {
        if row.len() > columns.len() {
            return Err(DocumentError::InvalidTable(format!(
                "row {} has {} cells but the table has {} columns",
                index + 1,
                row.len(),
                columns.len()
            )));
        }
        let cells: Vec<Vec<String>> = columns
            .iter()
            .enumerate()
            .map(|(i, &(_, width))| {
                let text = row.get(i).map_or("", String::as_str);
                wrap_text(&fonts.regular, CELL_SIZE, text, width - 2.0 * PAD_X)
            })
            .collect();
        sheet.body_row(&cells)?;
    }

    if table.footer_lines.iter().any(|l| !l.trim().is_empty()) {
        sheet.y += mm(6.0);
        for footer in &table.footer_lines {
            for line in wrap_text(&fonts.regular, SUBTITLE_SIZE, footer, text_width) {
                sheet.text_line(Style::Regular, SUBTITLE_SIZE, &line, text_width)?;
            }
        }
    }

    let mut pages = sheet.pages;
    number_pages(fonts, &mut pages, MARGIN, text_width, size.1 - mm(8.0));
    write_pdf(fonts, &pages, size, &table.title)
}

/// Left edge and width of each column, in points.
fn column_edges(table: &TablePdf, text_width: f32) -> Result<Vec<(f32, f32)>, DocumentError> {
    if table.columns.is_empty() {
        return Err(DocumentError::InvalidTable(
            "the table has no columns".into(),
        ));
    }
    if let Some(bad) = table
        .columns
        .iter()
        .find(|c| !(c.width.is_finite() && c.width > 0.0))
    {
        return Err(DocumentError::InvalidTable(format!(
            "column {:?} has width {}; widths must be positive numbers",
            bad.header, bad.width
        )));
    }
    let total: f32 = table.columns.iter().map(|c| c.width).sum();
    let mut x = MARGIN;
    Ok(table
        .columns
        .iter()
        .map(|column| {
            let width = text_width * column.width / total;
            let edge = (x, width);
            x += width;
            edge
        })
        .collect())
}

/// The pages being filled and the table's geometry.
struct Sheet<'a> {
    fonts: &'a Fonts,
    pages: Vec<Page>,
    /// Top of the next row or line, in points from the top of the page.
    y: f32,
    top: f32,
    bottom: f32,
    columns: &'a [(f32, f32)],
    header: &'a [Vec<String>],
}

impl Sheet<'_> {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) -> Result<(), DocumentError> {
        if self.pages.len() >= MAX_PAGES {
            return Err(DocumentError::TooManyPages { max: MAX_PAGES });
        }
        self.pages.push(Page::default());
        self.y = self.top;
        Ok(())
    }

    /// A line of running text across the full width (title, subtitles, footer).
    fn text_line(
        &mut self,
        style: Style,
        size: f32,
        text: &str,
        width: f32,
    ) -> Result<(), DocumentError> {
        let leading = size * 1.3;
        if self.y + leading > self.bottom {
            self.new_page()?;
        }
        let baseline = self.y + self.fonts.face(style).ascent(size);
        let fonts = self.fonts;
        self.page().text(
            fonts,
            style,
            size,
            text,
            MARGIN,
            width,
            baseline,
            Align::Left,
        );
        self.y += leading;
        Ok(())
    }

    fn row_height(lines: usize) -> f32 {
        lines.max(1) as f32 * CELL_LEADING + 2.0 * PAD_Y
    }

    fn header_height(&self) -> f32 {
        Self::row_height(self.header.iter().map(Vec::len).max().unwrap_or(1))
    }

    /// The header row, shaded, at the current position; on a new page if it (with room
    /// for one body line) does not fit here.
    fn header_row(&mut self) -> Result<(), DocumentError> {
        let height = self.header_height();
        if self.y + height + Self::row_height(1) > self.bottom && self.y > self.top {
            self.new_page()?;
        }
        let (left, right) = self.span();
        let y = self.y;
        self.page()
            .shade(left, y, right - left, height, HEADER_GREY);
        self.page().rule((left, y), (right, y), RULE);
        let header = self.header;
        self.cells(Style::Bold, header, 0, usize::MAX, height);
        Ok(())
    }

    /// A body row: moved whole to the next page when it does not fit, split across
    /// pages only when it is taller than a whole page.
    fn body_row(&mut self, cells: &[Vec<String>]) -> Result<(), DocumentError> {
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let full_page = self.bottom - self.top - self.header_height();
        if self.y + Self::row_height(lines) > self.bottom && Self::row_height(lines) <= full_page {
            self.new_page()?;
            self.header_row()?;
        }
        let mut from = 0;
        let mut fresh_page = false;
        while from < lines {
            let room = ((self.bottom - self.y - 2.0 * PAD_Y) / CELL_LEADING).floor();
            let fit = if room.is_finite() && room > 0.0 {
                room as usize
            } else {
                0
            };
            let needed = if fresh_page {
                1
            } else {
                (lines - from).min(MIN_SPLIT_LINES)
            };
            if fit < needed {
                if fresh_page {
                    return Err(DocumentError::InvalidTable(
                        "the header leaves no room for a row on a page".into(),
                    ));
                }
                self.new_page()?;
                self.header_row()?;
                fresh_page = true;
                continue;
            }
            fresh_page = false;
            let to = (from + fit).min(lines);
            self.cells(Style::Regular, cells, from, to, Self::row_height(to - from));
            from = to;
        }
        Ok(())
    }

    /// Lines `from .. to` of each cell as one row segment of `height`, with its grid.
    fn cells(&mut self, style: Style, cells: &[Vec<String>], from: usize, to: usize, height: f32) {
        let top = self.y;
        let ascent = self.fonts.face(style).ascent(CELL_SIZE);
        let fonts = self.fonts;
        let columns = self.columns;
        let (left, right) = self.span();
        let page = self.page();
        for (lines, &(x, width)) in cells.iter().zip(columns) {
            let shown = lines.iter().skip(from).take(to.saturating_sub(from));
            for (i, line) in shown.enumerate() {
                let baseline = top + PAD_Y + i as f32 * CELL_LEADING + ascent;
                page.text(
                    fonts,
                    style,
                    CELL_SIZE,
                    line,
                    x + PAD_X,
                    width - 2.0 * PAD_X,
                    baseline,
                    Align::Left,
                );
            }
        }
        let bottom = top + height;
        // The top rule is the previous row's (or the header's) bottom rule.
        page.rule((left, bottom), (right, bottom), RULE);
        for &(x, _) in columns {
            page.rule((x, top), (x, bottom), RULE);
        }
        page.rule((right, top), (right, bottom), RULE);
        self.y = bottom;
    }

    fn span(&self) -> (f32, f32) {
        let left = self.columns.first().map_or(MARGIN, |&(x, _)| x);
        let right = self.columns.last().map_or(MARGIN, |&(x, w)| x + w);
        (left, right)
    }
}
