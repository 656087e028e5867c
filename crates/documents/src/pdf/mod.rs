//! Rendering letters and tables to PDF.
//!
//! # Engine
//!
//! The file is written by [printpdf](https://docs.rs/printpdf) 0.12 built **without its
//! default features**: that leaves out its HTML/CSS layout engine (azul), a large build
//! we do not need, and keeps the low-level part: pages of PDF operators, embedded
//! TrueType fonts as `Identity-H` CID fonts with a `/ToUnicode` map, and compressed
//! streams. The layout (line breaking, pagination, tables) is ours, in this module, so
//! it is small, predictable and testable. Fonts are parsed and subset with `allsorts`,
//! the font library printpdf itself uses, so it costs no extra build time. We did not use
//! a typesetting system (typst) because of its build cost on a 2-core machine, nor an
//! external program, because a letter must render in-process in milliseconds.
//!
//! # Fonts and text
//!
//! DejaVu Sans and DejaVu Sans Bold (Debian `fonts-dejavu-core`) are loaded at run
//! time ([`Fonts::system`], or [`Fonts::from_paths`]) and embedded in every document,
//! subset to the glyphs it uses (a one-page letter is a few tens of kilobytes). The
//! `/ToUnicode` map makes the Polish letters (ą ć ę ł ń ó ś ź ż) extractable and
//! searchable, which `pdftotext` checks in the tests. Glyphs are set one after another
//! by their advance widths (no kerning or ligatures), and lines are broken by measuring
//! those same advances, so what is measured is what is printed.
//!
//! All text is treated as hostile: it is composed to NFC, control characters (NUL
//! among them), zero-width and bidirectional-override characters are dropped, exotic
//! spaces become plain spaces, characters the font cannot draw become `?`, and a word
//! wider than its line or cell is broken between characters. A document is limited to
//! 10 000 pages.
//!
//! The output is reproducible: the same input gives the same bytes. The file carries
//! no dates and no random identifier (time is injected in Ratusz, and the registry
//! records when a document was made); its information dictionary holds the title, the
//! producer and the language (`pl-PL`).
//!
//! # Layout
//!
//! *Letter* ([`render_letter`]): A4 portrait, 25 mm margins. The letterhead is at the
//! top left (the office's name in bold, the address at 10 pt), the place and date on
//! the right of the same line. Below, the case sign on the left and the addressee's
//! block in the right-hand column (from 55 % of the text width — it suits a window
//! envelope), the addressee's first line in bold. Then the title, bold 12 pt, centred;
//! then the body at 11 pt with 1.35 line spacing, left-aligned (ragged right reads
//! better than justified text without hyphenation), paragraphs separated by half a
//! line. A single line break in the body is kept, so enumerations survive. A
//! one-letter word (w, z, i, o, a, u) is never left at the end of a line, as Polish
//! typesetting requires, and a paragraph's first two lines stay together. The
//! signature block is set in the right-hand column, each line centred in it, after
//! room for a handwritten signature, and is never split across pages. Footer lines
//! (8 pt) sit at the bottom margin of the last page, which is added if the text
//! reaches them. When the letter has more than one page, each page is numbered
//! "Strona 1 z 2" in the bottom margin.
//!
//! *Table* ([`render_table`]): A4 portrait or landscape, 15 mm margins, because lists
//! such as the case index need the width. The title (bold 13 pt) and subtitle lines
//! are on the first page only; the shaded header row repeats at the top of every page.
//! Cells are set at 9 pt and wrap within their column, whose width is its share of the
//! relative weights. A row that does not fit at the bottom of a page moves whole to the
//! next; only a row taller than a whole page is split, at line boundaries. Thin (0.4 pt)
//! rules draw the grid. Footer lines follow the table. Every page is numbered.

mod canvas;
mod fonts;
mod letter;
mod scan;
mod table;
mod wrap;

pub use crate::DocumentError;
pub use fonts::Fonts;
pub use letter::{LetterPdf, render_letter};
pub use scan::{GrayImage, render_scan_pdf};
pub use table::{TableColumn, TablePdf, render_table};

#[cfg(test)]
mod tests;
