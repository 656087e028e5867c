//! PDF: the text layer where there is one, OCR of the pages where there is none.
//!
//! Parsing PDF is the riskiest thing we do with hostile input, so it is never done in
//! the server's process: poppler's `pdfinfo`, `pdftotext` and `pdftoppm` run under the
//! limits of [`super::run`]. A page counts as scanned when its text layer has fewer than
//! [`SCANNED_BELOW`] letters; it is rendered at 300 dpi in grey (what tesseract reads
//! best; colour adds nothing for letters) and read by [`super::ocr`]. OCR replaces a
//! page's text layer only when it finds more letters than the layer has.

use std::time::Instant;

use super::ocr::{self, Recognised};
use super::run::{self, Finished, PDFINFO, PDFTOPPM, PDFTOTEXT, Runner, Stopped};
use super::{Extracted, Limits, Method, Oversize, Problem};
use crate::DocumentError;

const MEDIA_TYPE: &str = "application/pdf";

/// A page with fewer letters in its text layer than this is treated as a scan (a page
/// number or a stamp on a scanned page is not its text).
const SCANNED_BELOW: usize = 32;

/// Resolution for OCR; lowered for a page that would exceed `max_pixels`, but never below
/// [`MIN_DPI`], under which tesseract reads letters poorly.
const DPI: f64 = 300.0;
const MIN_DPI: f64 = 100.0;

/// What `pdfinfo` says about the pages we will read.
#[derive(Debug, Default)]
struct Info {
    pages: u32,
    /// Width and height in points (1/72 inch) of the pages read, in order.
    sizes: Vec<(f64, f64)>,
}

pub(crate) fn extract(
    bytes: &[u8],
    limits: &Limits,
    deadline: Instant,
) -> Result<Extracted, DocumentError> {
    let (_dir, mut runner) = run::workspace(limits, deadline)?;
    let input = runner.dir().join("input.pdf");
    std::fs::write(&input, bytes).map_err(|source| DocumentError::TempFile { source })?;
    let mut out = Extracted::new(Method::PdfText, MEDIA_TYPE);
    let last = limits.max_pages.max(1).to_string();
    let input = input.as_os_str();

    let args = [
        "-f".as_ref(),
        "1".as_ref(),
        "-l".as_ref(),
        last.as_ref(),
        input,
    ];
    let info = match failure(runner.run(PDFINFO, &args, limits.max_text_bytes)?, limits) {
        Ok(finished) => parse_info(&String::from_utf8_lossy(&finished.stdout)),
        Err(problem) => return Ok(with(out, problem)),
    };
    if info.pages == 0 {
        let problem = Problem::Corrupt {
            detail: "no pages".into(),
        };
        return Ok(with(out, problem));
    }
    let read = info.pages.min(limits.max_pages.max(1));
    if info.pages > read {
        out.flag(Problem::TooLarge(Oversize::Pages {
            total: info.pages,
            read,
        }));
    }

    let read_arg = read.to_string();
    let args = [
        "-layout".as_ref(),
        "-enc".as_ref(),
        "UTF-8".as_ref(),
        "-f".as_ref(),
        "1".as_ref(),
        "-l".as_ref(),
        read_arg.as_ref(),
        input,
        "-".as_ref(),
    ];
    let text = match failure(runner.run(PDFTOTEXT, &args, limits.max_text_bytes)?, limits) {
        Ok(finished) => String::from_utf8_lossy(&finished.stdout).into_owned(),
        Err(problem) => return Ok(with(out, problem)),
    };
    // pdftotext ends every page with a form feed.
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    pages.truncate(read as usize);
    pages.resize(read as usize, String::new());

    // Pages to read by OCR: (index, letters in the text layer, size in points).
    let to_read: Vec<(usize, usize, (f64, f64))> = pages
        .iter()
        .enumerate()
        .map(|(index, page)| (index, letters(page)))
        .filter(|(_, layer)| *layer < SCANNED_BELOW)
        .map(|(index, layer)| {
            let size = info.sizes.get(index).copied().unwrap_or((595.0, 842.0));
            (index, layer, size)
        })
        .collect();
    let mut all_ocr = Recognised::default();
    let scanned = to_read.len() as u32;
    // The next page is rendered while tesseract reads this one (each program is single-
    // threaded), so rendering costs no wall time on a machine with a second core. At most one
    // rendered page waits: a grey page at 300 dpi is about 9 MB on disk.
    let mut renderer = runner.fork("render");
    let rendered: Result<(), DocumentError> = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(0);
        let wanted = &to_read;
        scope.spawn(move || {
            for &(index, _, size) in wanted {
                if renderer.out_of_time() {
                    break;
                }
                let page = render_page(&mut renderer, input, index as u32 + 1, size, limits);
                if send.send((index, page)).is_err() {
                    break;
                }
            }
        });
        for &(index, layer_letters, _) in &to_read {
            if runner.out_of_time() {
                out.flag(Problem::Timeout);
                break;
            }
            let Ok((got, page)) = receive.recv() else {
                out.flag(Problem::Timeout);
                break;
            };
            debug_assert_eq!(got, index);
            let image = match page? {
                Ok(image) => image,
                Err(problem) => {
                    out.flag(problem);
                    continue;
                }
            };
            let recognised = ocr::recognise(&mut runner, &image, limits);
            let _ = std::fs::remove_file(&image);
            match recognised? {
                Ok(recognised) => {
                    all_ocr.add(&recognised);
                    if letters(&recognised.text) > layer_letters {
                        pages[index] = recognised.text;
                    }
                }
                Err(problem) => out.flag(problem),
            }
        }
        // Dropping the receiver stops the renderer at its next page.
        drop(receive);
        Ok(())
    });
    rendered?;

    out.pages = read;
    out.text = pages.join("\u{c}");
    if scanned > 0 {
        out.method = Method::Ocr;
        out.ocr_confidence = all_ocr.confidence();
        if scanned == read {
            ocr::judge(&mut out);
        }
    }
    Ok(out)
}

/// Renders page `number` in grey to `page-NUMBER.pgm` in the runner's directory, at 300 dpi
/// or less for a page that would exceed `max_pixels`.
fn render_page(
    runner: &mut Runner,
    input: &std::ffi::OsStr,
    number: u32,
    (width_pt, height_pt): (f64, f64),
    limits: &Limits,
) -> Result<Result<std::path::PathBuf, Problem>, DocumentError> {
    let area_in = (width_pt / 72.0) * (height_pt / 72.0);
    let fit = (limits.max_pixels as f64 / area_in.max(f64::MIN_POSITIVE)).sqrt();
    let dpi = DPI.min(fit).floor();
    if dpi < MIN_DPI {
        return Ok(Err(Problem::TooLarge(Oversize::Pixels {
            width: (width_pt / 72.0 * DPI) as u64,
            height: (height_pt / 72.0 * DPI) as u64,
        })));
    }
    let dpi = dpi.to_string();
    let stem = format!("page-{number}");
    let number = number.to_string();
    let args = [
        "-r".as_ref(),
        dpi.as_ref(),
        "-gray".as_ref(),
        "-f".as_ref(),
        number.as_ref(),
        "-l".as_ref(),
        number.as_ref(),
        "-singlefile".as_ref(),
        input,
        stem.as_ref(),
    ];
    // A grey page is one byte a pixel, plus the PGM header.
    let page_bytes = limits.max_pixels.saturating_add(64 * 1024);
    if let Err(problem) = failure(runner.run(PDFTOPPM, &args, page_bytes)?, limits) {
        return Ok(Err(problem));
    }
    Ok(Ok(runner.dir().join(format!("{stem}.pgm"))))
}

/// A poppler run's outcome: the finished run when it succeeded, else the problem it
/// reveals about the document.
fn failure(run: Result<Finished, Stopped>, limits: &Limits) -> Result<Finished, Problem> {
    let finished = match run {
        Ok(finished) => finished,
        Err(Stopped::Timeout) => return Err(Problem::Timeout),
        Err(Stopped::OutputTooLarge) => {
            return Err(Problem::TooLarge(Oversize::Text {
                limit: limits.max_text_bytes,
            }));
        }
    };
    if finished.success() {
        return Ok(finished);
    }
    // Poppler's exit codes: 1 cannot open (a password error among them), 3 permissions.
    if finished.stderr.contains("Incorrect password") || finished.code == Some(3) {
        return Err(Problem::Encrypted);
    }
    if finished.out_of_memory() {
        return Err(Problem::TooLarge(Oversize::Memory));
    }
    Err(Problem::Corrupt {
        detail: finished.detail(),
    })
}

fn with(mut out: Extracted, problem: Problem) -> Extracted {
    out.flag(problem);
    out
}

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

/// `Pages:` and the `Page    N size: W x H pts` lines of `pdfinfo -f 1 -l N`.
fn parse_info(text: &str) -> Info {
    let mut info = Info::default();
    for line in text.lines() {
        if let Some(pages) = line.strip_prefix("Pages:") {
            info.pages = pages.trim().parse().unwrap_or(0);
        } else if line.starts_with("Page ")
            && let Some((_, size)) = line.split_once("size:")
        {
            let mut numbers = size
                .split_whitespace()
                .filter_map(|w| w.parse::<f64>().ok());
            if let (Some(width), Some(height)) = (numbers.next(), numbers.next())
                && width.is_finite()
                && height.is_finite()
                && width > 0.0
                && height > 0.0
            {
                info.sizes.push((width, height));
            }
        }
    }
    info
}
