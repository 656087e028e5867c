//! The two font faces every document uses, their metrics, and per-document subsetting.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use printpdf::ParsedFont;
use unicode_normalization::UnicodeNormalization;

use crate::DocumentError;

/// The Debian package that ships DejaVu Sans.
const DEJAVU_PACKAGE: &str = "fonts-dejavu-core";
const REGULAR_FILE: &str = "DejaVuSans.ttf";
const BOLD_FILE: &str = "DejaVuSans-Bold.ttf";
/// Where distributions put DejaVu; Debian's comes first and is the one named in errors.
const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/local/share/fonts/dejavu",
];
/// Drawn in place of a character the font has no glyph for.
pub(crate) const REPLACEMENT: char = '?';

/// The regular and bold faces documents are set in, loaded once and shared.
///
/// Cheap to clone (the font data is reference-counted); load it at start-up and keep it.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) regular: Arc<Face>,
    pub(crate) bold: Arc<Face>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("regular", &self.regular.path)
            .field("bold", &self.bold.path)
            .finish()
    }
}

impl Fonts {
    /// DejaVu Sans and DejaVu Sans Bold from the system font directory
    /// (on Debian: the package `fonts-dejavu-core`).
    pub fn system() -> Result<Self, DocumentError> {
        for dir in SYSTEM_DIRS {
            let dir = Path::new(dir);
            let (regular, bold) = (dir.join(REGULAR_FILE), dir.join(BOLD_FILE));
            if regular.is_file() && bold.is_file() {
                return Self::from_paths(regular, bold);
            }
        }
        let debian = Path::new(SYSTEM_DIRS[0]);
        let missing = if debian.join(REGULAR_FILE).is_file() {
            debian.join(BOLD_FILE)
        } else {
            debian.join(REGULAR_FILE)
        };
        Err(DocumentError::FontMissing {
            path: missing,
            package: DEJAVU_PACKAGE,
        })
    }

    /// The regular and bold faces from the given TrueType files.
    pub fn from_paths(
        regular: impl AsRef<Path>,
        bold: impl AsRef<Path>,
    ) -> Result<Self, DocumentError> {
        Ok(Self {
            regular: Arc::new(Face::load(regular.as_ref())?),
            bold: Arc::new(Face::load(bold.as_ref())?),
        })
    }

    pub(crate) fn face(&self, style: Style) -> &Face {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }
}

/// Which of the two faces a piece of text is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Style {
    Regular,
    Bold,
}

/// One loaded font: its bytes (embedded, after subsetting) and what layout needs to know.
pub(crate) struct Face {
    path: PathBuf,
    bytes: Vec<u8>,
    units_per_em: f32,
    ascent: f32,
    /// Character → (glyph id, advance in font units), for every character the font maps.
    glyphs: HashMap<char, (u16, u16)>,
}

impl Face {
    fn load(path: &Path) -> Result<Self, DocumentError> {
        let bytes = std::fs::read(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                DocumentError::FontMissing {
                    path: path.to_path_buf(),
                    package: DEJAVU_PACKAGE,
                }
            } else {
                DocumentError::FontRead {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        let invalid = |reason: &str| DocumentError::FontInvalid {
            path: path.to_path_buf(),
            reason: reason.to_owned(),
        };
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| invalid("the font tables cannot be parsed"))?;
        if !matches!(parsed.font_type, printpdf::FontType::TrueType) {
            return Err(invalid("only TrueType (glyf) outlines are supported"));
        }
        if parsed.units_per_em == 0 {
            return Err(invalid("unitsPerEm is zero"));
        }
        let glyphs: HashMap<char, (u16, u16)> = parsed
            .codepoint_to_glyph
            .iter()
            .filter_map(|(&cp, &gid)| {
                let c = char::from_u32(cp)?;
                Some((c, (gid, parsed.get_glyph_width(gid).unwrap_or(0))))
            })
            .collect();
        if !glyphs.contains_key(&REPLACEMENT) || !glyphs.contains_key(&' ') {
            return Err(invalid("the font has no glyph for '?' or the space"));
        }
        Ok(Self {
            path: path.to_path_buf(),
            units_per_em: f32::from(parsed.units_per_em),
            ascent: f32::from(parsed.font_metrics.ascent.max(0).unsigned_abs()),
            bytes,
            glyphs,
        })
    }

    /// Distance from the top of a line to its baseline, for text of `size` points.
    pub(crate) fn ascent(&self, size: f32) -> f32 {
        self.ascent * size / self.units_per_em
    }

    /// Width in points of already-cleaned text (see [`Face::clean`]) set at `size`.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.advance(c))).sum();
        units as f32 * size / self.units_per_em
    }

    /// Width in points of one character.
    pub(crate) fn char_width(&self, c: char, size: f32) -> f32 {
        f32::from(self.advance(c)) * size / self.units_per_em
    }

    fn advance(&self, c: char) -> u16 {
        self.glyphs
            .get(&c)
            .or_else(|| self.glyphs.get(&REPLACEMENT))
            .map_or(0, |&(_, advance)| advance)
    }

    /// One line of user text made safe to set: composed (NFC), control and invisible
    /// formatting characters dropped, exotic spaces made plain, and characters the font
    /// cannot draw replaced with `?`. The caller has already split it at line breaks.
    pub(crate) fn clean(&self, text: &str) -> String {
        text.nfc()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if c.is_control() || is_invisible_format(c) => None,
                // No-break spaces stay: they bind what they join (see wrap).
                '\u{a0}' | '\u{2007}' | '\u{202f}' => Some(c),
                c if c.is_whitespace() => Some(' '),
                c if self.glyphs.contains_key(&c) => Some(c),
                _ => Some(REPLACEMENT),
            })
            .collect()
    }

    /// Bytes of a font holding only the glyphs of `chars`, with their original metrics
    /// and a Unicode cmap, parsed for printpdf. `None` if subsetting fails or the subset
    /// loses a character; the caller then embeds the whole font.
    fn subset(&self, chars: &BTreeSet<char>) -> Option<ParsedFont> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{CmapTarget, SubsetProfile, subset};

        // .notdef must come first; allsorts renumbers glyphs in the order given.
        let used: BTreeSet<u16> = chars
            .iter()
            .filter_map(|c| self.glyphs.get(c).map(|&(gid, _)| gid))
            .filter(|&gid| gid != 0)
            .collect();
        let ids: Vec<u16> = std::iter::once(0).chain(used).collect();
        let font_file = ReadScope::new(&self.bytes).read::<FontData<'_>>().ok()?;
        let provider = font_file.table_provider(0).ok()?;
        let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()?;
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())?;
        let complete = chars.iter().all(|&c| {
            let original = self.glyphs.get(&c).map(|&(_, advance)| advance);
            let kept = parsed
                .lookup_glyph_index(u32::from(c))
                .and_then(|gid| parsed.get_glyph_width(gid));
            original.is_some() && kept == original
        });
        complete.then_some(parsed)
    }

    /// The font to embed in a document that uses exactly `chars` of this face, named as
    /// PDF requires: a subset's name carries a six-letter tag ("ABCDEF+DejaVuSans").
    pub(crate) fn for_embedding(
        &self,
        chars: &BTreeSet<char>,
    ) -> Result<ParsedFont, DocumentError> {
        if let Some(mut subset) = self.subset(chars) {
            subset.font_name = Some(format!("{}+{}", subset_tag(chars), self.name()));
            return Ok(subset);
        }
        let mut full =
            ParsedFont::from_bytes(&self.bytes, 0, &mut Vec::new()).ok_or_else(|| {
                DocumentError::Pdf(format!("cannot embed font {}", self.path.display()))
            })?;
        full.font_name = Some(self.name());
        Ok(full)
    }

    /// The font's name for the PDF: its file name without extension, as a PDF name.
    fn name(&self) -> String {
        let stem = self
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let name: String = stem
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if name.is_empty() {
            "Font".to_owned()
        } else {
            name
        }
    }
}

/// Six capital letters derived from the subset's characters (FNV-1a), so the same
/// subset gets the same tag and different subsets almost surely differ.
fn subset_tag(chars: &BTreeSet<char>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in chars {
        hash ^= u64::from(u32::from(c));
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

/// Zero-width and direction-changing characters: invisible in print, and the bidi
/// overrides could make a printed sign or name read differently from the stored one.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{ad}'                        // soft hyphen
        | '\u{200b}'..='\u{200f}'       // zero-width spaces/joiners, LRM/RLM
        | '\u{202a}'..='\u{202e}'       // bidi embeddings and overrides
        | '\u{2060}'..='\u{206f}'       // word joiner, invisible operators, bidi isolates
        | '\u{feff}'                    // byte-order mark
        | '\u{fff9}'..='\u{fffb}'       // interlinear annotation
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_controls_and_replaces_missing_glyphs() {
        let fonts = Fonts::system().expect("DejaVu fonts (scripts/install-deps.sh)");
        let face = fonts.face(Style::Regular);
        assert_eq!(face.clean("a\0b\u{7}c\td\u{202e}e"), "abc de");
        // U+E000 (private use) and a CJK ideograph are not in DejaVu Sans.
        assert_eq!(face.clean("x\u{e000}y\u{4e2d}"), "x?y?");
        // Decomposed "ą" (a + combining ogonek) is composed.
        assert_eq!(face.clean("a\u{328}"), "ą");
        assert_eq!(face.clean("a\u{2003}b\u{a0}c"), "a b\u{a0}c");
    }

    #[test]
    fn widths_come_from_glyph_advances() {
        let fonts = Fonts::system().expect("DejaVu fonts (scripts/install-deps.sh)");
        let face = fonts.face(Style::Regular);
        assert!(face.width("WWWW", 11.0) > face.width("iiii", 11.0) * 2.0);
        assert!(fonts.face(Style::Bold).width("Urząd", 11.0) > face.width("Urząd", 11.0));
    }

    #[test]
    fn subset_keeps_polish_letters_and_metrics() {
        let fonts = Fonts::system().expect("DejaVu fonts (scripts/install-deps.sh)");
        let face = fonts.face(Style::Regular);
        let chars: BTreeSet<char> = "Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ?".chars().collect();
        let subset = face.subset(&chars).expect("subset");
        assert!(subset.original_bytes.len() < face.bytes.len() / 10);
    }
}
