//! OCR with tesseract: an image file, or a PDF page rendered to one.
//!
//! One run, `tesseract IMAGE out -l pol --psm 3 txt tsv`, writes both the text
//! (`out.txt`, tesseract's own line and paragraph layout) and the word table (`out.tsv`)
//! whose confidences give [`super::Extracted::ocr_confidence`]. Page segmentation mode 3
//! (automatic, without orientation detection) suits letters; mode 1 would add orientation
//! detection, which needs the `osd` data and doubles the time, and scans in an office
//! arrive upright from the scanner's feeder.

use std::path::Path;
use std::time::Instant;

use super::run::{self, Runner, Stopped, TESSERACT};
use super::sniff::ImageFormat;
use super::{Extracted, Limits, Method, Oversize, Problem};
use crate::DocumentError;

/// Tesseract's language: Polish. Its model reads Latin script; English letters in a
/// Polish letter (names, addresses) come out fine.
pub(crate) const LANGUAGE: &str = "pol";

/// Below this mean word confidence (0–1) a scan is marked [`Problem::Illegible`].
const ILLEGIBLE_BELOW: f32 = 0.5;

/// What OCR read from one image.
#[derive(Debug, Default)]
pub(crate) struct Recognised {
    pub text: String,
    /// Sum of word confidences (0–100) times word length in characters.
    pub confidence_sum: f64,
    /// Sum of word lengths in characters.
    pub weight: u64,
}

impl Recognised {
    /// Mean word confidence (0–1), weighted by length; `None` without words.
    pub fn confidence(&self) -> Option<f32> {
        (self.weight > 0).then(|| (self.confidence_sum / self.weight as f64 / 100.0) as f32)
    }

    pub fn add(&mut self, other: &Recognised) {
        self.confidence_sum += other.confidence_sum;
        self.weight += other.weight;
    }
}

/// Reads the image at `image` (inside the runner's directory). `Ok(Err(problem))` when
/// tesseract could not read it.
pub(crate) fn recognise(
    runner: &mut Runner,
    image: &Path,
    limits: &Limits,
) -> Result<Result<Recognised, Problem>, DocumentError> {
    let base = runner.dir().join("ocr");
    let args = [
        image.as_os_str(),
        base.as_os_str(),
        "-l".as_ref(),
        LANGUAGE.as_ref(),
        "--psm".as_ref(),
        "3".as_ref(),
        "txt".as_ref(),
        "tsv".as_ref(),
    ];
    let finished = match runner.run(TESSERACT, &args, limits.max_text_bytes)? {
        Ok(finished) => finished,
        Err(Stopped::Timeout) => return Ok(Err(Problem::Timeout)),
        Err(Stopped::OutputTooLarge) => {
            return Ok(Err(Problem::TooLarge(Oversize::Text {
                limit: limits.max_text_bytes,
            })));
        }
    };
    if !finished.success() {
        if finished.stderr.contains("Failed loading language") {
            return Err(DocumentError::OcrLanguageMissing { language: LANGUAGE });
        }
        if finished.out_of_memory() {
            return Ok(Err(Problem::TooLarge(Oversize::Memory)));
        }
        return Ok(Err(Problem::Corrupt {
            detail: finished.detail(),
        }));
    }
    let txt = base.with_extension("txt");
    let tsv = base.with_extension("tsv");
    let io = |source| DocumentError::TempFile { source };
    let text = run::read_capped(&txt, limits.max_text_bytes).map_err(io)?;
    let table = run::read_capped(&tsv, limits.max_text_bytes).map_err(io)?;
    let _ = std::fs::remove_file(&txt);
    let _ = std::fs::remove_file(&tsv);
    let mut recognised = confidences(&String::from_utf8_lossy(&table));
    recognised.text = String::from_utf8_lossy(&text).into_owned();
    Ok(Ok(recognised))
}

/// OCR of an image file: refused by its header's dimensions before anything decodes it.
pub(crate) fn image(
    bytes: &[u8],
    format: ImageFormat,
    limits: &Limits,
    deadline: Instant,
) -> Result<Extracted, DocumentError> {
    let media_type = format.media_type();
    let size = match imagesize::blob_size(bytes) {
        Ok(size) => size,
        Err(e) => {
            let detail = format!("image header: {e}");
            return Ok(Extracted::with_problem(
                Method::Ocr,
                media_type,
                Problem::Corrupt { detail },
            ));
        }
    };
    let (width, height) = (size.width as u64, size.height as u64);
    if width.saturating_mul(height) > limits.max_pixels {
        let problem = Problem::TooLarge(Oversize::Pixels { width, height });
        return Ok(Extracted::with_problem(Method::Ocr, media_type, problem));
    }
    let (_dir, mut runner) = run::workspace(limits, deadline)?;
    let input = runner.dir().join(format!("input.{}", format.extension()));
    std::fs::write(&input, bytes).map_err(|source| DocumentError::TempFile { source })?;
    let mut out = Extracted::new(Method::Ocr, media_type);
    match recognise(&mut runner, &input, limits)? {
        Ok(recognised) => {
            out.pages = 1;
            out.ocr_confidence = recognised.confidence();
            out.text = recognised.text;
            judge(&mut out);
        }
        Err(problem) => out.flag(problem),
    }
    Ok(out)
}

/// Marks an OCR result that found nothing ([`Problem::EmptyScan`]) or is unsure of what
/// it found ([`Problem::Illegible`]).
pub(crate) fn judge(out: &mut Extracted) {
    if !has_words(&out.text) {
        out.flag(Problem::EmptyScan);
    } else if let Some(confidence) = out.ocr_confidence.filter(|c| *c < ILLEGIBLE_BELOW) {
        out.flag(Problem::Illegible { confidence });
    }
}

/// Whether the text has at least two words of two or more letters: a blank or noisy scan
/// gives a few stray characters (`|`, `—`, `i`), not words.
pub(crate) fn has_words(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|word| word.chars().count() >= 2)
        .nth(1)
        .is_some()
}

/// Word confidences from tesseract's TSV: level 5 rows are words; column 11 is the
/// confidence (0–100, −1 for non-words), column 12 the word.
fn confidences(tsv: &str) -> Recognised {
    let mut out = Recognised::default();
    for line in tsv.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let (Some(&"5"), Some(conf), Some(word)) =
            (columns.first(), columns.get(10), columns.get(11))
        else {
            continue;
        };
        let Ok(conf) = conf.trim().parse::<f64>() else {
            continue;
        };
        let length = word.trim().chars().count() as u64;
        if conf >= 0.0 && length > 0 {
            out.confidence_sum += conf * length as f64;
            out.weight += length;
        }
    }
    out
}
