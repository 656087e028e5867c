//! An official letter (pismo): letterhead, place and date, case sign, addressee, title,
//! body, signature and a footer.

use super::canvas::{A4, Align, Page, mm, number_pages, write_pdf};
use super::fonts::{Fonts, Style};
use super::wrap::{hard_lines, wrap_line, wrap_text};
use crate::DocumentError;

/// The content of a letter. All text is plain; layout is the renderer's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LetterPdf {
    /// Letterhead, top left: the office's name (set in bold), then its address.
    pub office_lines: Vec<String>,
    /// Top right, e.g. "Przykładowo, 23 listopada 2026 r.".
    pub place_and_date: String,
    /// Under the letterhead on the left, e.g. "Znak sprawy: GK.6730.1.2026".
    pub sign: String,
    /// The addressee's block on the right: name (set in bold), then address.
    pub addressee_lines: Vec<String>,
    /// Bold, centred above the body, e.g. "Zawiadomienie o wszczęciu postępowania".
    pub title: String,
    /// Paragraphs separated by blank lines; a single line break is kept as a break.
    pub body: String,
    /// The signature block after the body, on the right, e.g. "z up. Wójta", name, post.
    pub signature_lines: Vec<String>,
    /// Small print at the bottom of the last page, e.g. "Sporządził: …".
    pub footer_lines: Vec<String>,
    /// The PDF's document title (shown by viewers in the title bar).
    pub metadata_title: String,
}

const MARGIN: f32 = mm(25.0);
const BODY_SIZE: f32 = 11.0;
const BODY_LEADING: f32 = BODY_SIZE * 1.35;
const TITLE_SIZE: f32 = 12.0;
const HEAD_SIZE: f32 = 10.0;
const FOOTER_SIZE: f32 = 8.0;
const FOOTER_LEADING: f32 = FOOTER_SIZE * 1.25;
/// The right-hand column (date, addressee, signature) starts this far into the text width.
const RIGHT_COLUMN: f32 = 0.55;

/// Renders a letter on A4 with 25 mm margins; see the [module docs](super) for the layout.
pub fn render_letter(fonts: &Fonts, letter: &LetterPdf) -> Result<Vec<u8>, DocumentError> {
    let (page_width, page_height) = A4;
    let width = page_width - 2.0 * MARGIN;
    let right_x = MARGIN + width * RIGHT_COLUMN;
    let right_width = width * (1.0 - RIGHT_COLUMN);
    let left_width = width * (RIGHT_COLUMN - 0.05);
    let mut flow = Flow::new(fonts, page_height);

    // Letterhead on the left, place and date on the right, from the top margin.
    let mut letterhead = Vec::new();
    for (index, line) in letter.office_lines.iter().enumerate() {
        let (style, size) = if index == 0 {
            (Style::Bold, 11.0)
        } else {
            (Style::Regular, HEAD_SIZE)
        };
        letterhead.extend(block(
            fonts,
            style,
            size,
            line,
            MARGIN,
            left_width,
            Align::Left,
        ));
    }
    let date = block(
        fonts,
        Style::Regular,
        BODY_SIZE,
        &letter.place_and_date,
        right_x,
        right_width,
        Align::Right,
    );
    flow.columns(letterhead, date);

    // Case sign on the left, addressee on the right.
    flow.gap(mm(10.0));
    let sign = block(
        fonts,
        Style::Regular,
        BODY_SIZE,
        &letter.sign,
        MARGIN,
        left_width,
        Align::Left,
    );
    let mut addressee = Vec::new();
    for (index, line) in letter.addressee_lines.iter().enumerate() {
        let style = if index == 0 {
            Style::Bold
        } else {
            Style::Regular
        };
        addressee.extend(block(
            fonts,
            style,
            BODY_SIZE,
            line,
            right_x,
            right_width,
            Align::Left,
        ));
    }
    flow.columns(sign, addressee);

    if !letter.title.trim().is_empty() {
        flow.gap(mm(12.0));
        for line in block(
            fonts,
            Style::Bold,
            TITLE_SIZE,
            &letter.title,
            MARGIN,
            width,
            Align::Center,
        ) {
            flow.line(&line);
        }
    }

    flow.gap(mm(6.0));
    for paragraph in paragraphs(&letter.body) {
        let lines: Vec<Placed> = paragraph
            .iter()
            .flat_map(|line| {
                let clean = fonts.regular.clean(line);
                wrap_line(&fonts.regular, BODY_SIZE, &clean, width)
            })
            .map(|text| {
                Placed::new(
                    Style::Regular,
                    BODY_SIZE,
                    BODY_LEADING,
                    text,
                    MARGIN,
                    width,
                    Align::Left,
                )
            })
            .collect();
        // Keep a paragraph's first two lines together (no orphan at the page bottom).
        flow.keep_together(&lines[..lines.len().min(2)]);
        for line in &lines {
            flow.line(line);
        }
        flow.gap(BODY_LEADING * 0.5);
    }

    // Signature: room to sign by hand, then the block kept on one page.
    let mut signature = Vec::new();
    for line in &letter.signature_lines {
        signature.extend(block(
            fonts,
            Style::Regular,
            BODY_SIZE,
            line,
            right_x,
            right_width,
            Align::Center,
        ));
    }
    if !signature.is_empty() {
        flow.gap(mm(12.0));
        flow.keep_together(&signature);
        for line in &signature {
            flow.line(line);
        }
    }

    // Footer at the bottom of the last page; a page of its own if the text reaches it.
    let footer: Vec<Placed> = letter
        .footer_lines
        .iter()
        .flat_map(|line| wrap_text(&fonts.regular, FOOTER_SIZE, line, width))
        .map(|text| {
            Placed::new(
                Style::Regular,
                FOOTER_SIZE,
                FOOTER_LEADING,
                text,
                MARGIN,
                width,
                Align::Left,
            )
        })
        .collect();
    if footer.iter().any(|line| !line.text.trim().is_empty()) {
        // A footer taller than the page starts at the top margin and flows on.
        let footer_top = (page_height - MARGIN - footer.len() as f32 * FOOTER_LEADING).max(MARGIN);
        if flow.y > footer_top - mm(4.0) && flow.y > MARGIN {
            flow.new_page()?;
        }
        flow.y = footer_top;
        for line in &footer {
            flow.line(line);
        }
    }

    let mut pages = flow.finish()?;
    if pages.len() > 1 {
        number_pages(fonts, &mut pages, MARGIN, width, page_height - mm(12.0));
    }
    write_pdf(fonts, &pages, A4, &letter.metadata_title)
}

/// The body's paragraphs (split at blank lines), each as its hard lines.
fn paragraphs(body: &str) -> Vec<Vec<&str>> {
    let mut paragraphs = vec![Vec::new()];
    for line in hard_lines(body) {
        if line.trim().is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
        } else if let Some(last) = paragraphs.last_mut() {
            last.push(line);
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs
}

/// One wrapped line with where and how it is set.
#[derive(Clone, Debug)]
struct Placed {
    style: Style,
    size: f32,
    leading: f32,
    text: String,
    x: f32,
    width: f32,
    align: Align,
}

impl Placed {
    fn new(
        style: Style,
        size: f32,
        leading: f32,
        text: String,
        x: f32,
        width: f32,
        align: Align,
    ) -> Self {
        Self {
            style,
            size,
            leading,
            text,
            x,
            width,
            align,
        }
    }
}

/// Wraps one field of the letter into lines for the box `x .. x + width`.
fn block(
    fonts: &Fonts,
    style: Style,
    size: f32,
    text: &str,
    x: f32,
    width: f32,
    align: Align,
) -> Vec<Placed> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    wrap_text(fonts.face(style), size, text, width)
        .into_iter()
        .map(|line| Placed::new(style, size, size * 1.3, line, x, width, align))
        .collect()
}

/// Lines poured down the pages between the margins.
struct Flow<'a> {
    fonts: &'a Fonts,
    pages: Vec<Page>,
    /// Top of the next line, in points from the top of the page.
    y: f32,
    bottom: f32,
    overflow: bool,
}

impl<'a> Flow<'a> {
    fn new(fonts: &'a Fonts, page_height: f32) -> Self {
        Self {
            fonts,
            pages: vec![Page::default()],
            y: MARGIN,
            bottom: page_height - MARGIN,
            overflow: false,
        }
    }

    fn new_page(&mut self) -> Result<(), DocumentError> {
        if self.pages.len() >= super::canvas::MAX_PAGES {
            self.overflow = true;
            return Err(DocumentError::TooManyPages {
                max: super::canvas::MAX_PAGES,
            });
        }
        self.pages.push(Page::default());
        self.y = MARGIN;
        Ok(())
    }

    /// Vertical space; swallowed at the top of a page.
    fn gap(&mut self, height: f32) {
        if self.y > MARGIN {
            self.y += height;
        }
    }

    /// Starts a new page unless `lines` fit on this one (and could fit on any).
    fn keep_together(&mut self, lines: &[Placed]) {
        let height: f32 = lines.iter().map(|l| l.leading).sum();
        if self.y + height > self.bottom && self.y > MARGIN && height <= self.bottom - MARGIN {
            let _ = self.new_page();
        }
    }

    fn line(&mut self, line: &Placed) {
        if self.overflow {
            return;
        }
        if self.y + line.leading > self.bottom && self.y > MARGIN && self.new_page().is_err() {
            return;
        }
        let baseline = self.y + self.fonts.face(line.style).ascent(line.size);
        if let Some(page) = self.pages.last_mut() {
            page.text(
                self.fonts, line.style, line.size, &line.text, line.x, line.width, baseline,
                line.align,
            );
        }
        self.y += line.leading;
    }

    /// Two blocks side by side from the current line; if together they do not fit on
    /// this page, one after the other instead, so nothing is ever set off the page.
    fn columns(&mut self, left: Vec<Placed>, right: Vec<Placed>) {
        let height = |lines: &[Placed]| lines.iter().map(|l| l.leading).sum::<f32>();
        let tallest = height(&left).max(height(&right));
        if self.y + tallest <= self.bottom {
            let top = self.y;
            for line in &left {
                self.line(line);
            }
            let after_left = self.y;
            self.y = top;
            for line in &right {
                self.line(line);
            }
            self.y = self.y.max(after_left);
        } else {
            for line in left.iter().chain(&right) {
                self.line(line);
            }
        }
    }

    fn finish(self) -> Result<Vec<Page>, DocumentError> {
        if self.overflow {
            return Err(DocumentError::TooManyPages {
                max: super::canvas::MAX_PAGES,
            });
        }
        Ok(self.pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines() {
        let body = "\n\nPierwszy\nciąg dalszy\n \n\n\nDrugi\r\n\r\nTrzeci\n";
        assert_eq!(
            paragraphs(body),
            vec![
                vec!["Pierwszy", "ciąg dalszy"],
                vec!["Drugi"],
                vec!["Trzeci"]
            ]
        );
        assert!(paragraphs("").is_empty());
    }
}
