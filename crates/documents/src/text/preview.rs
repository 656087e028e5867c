//! A small picture of a document's first page, shown to the clerk beside the text read from
//! it: `pdftoppm` renders a PDF's first page to PNG at low resolution, under the same time,
//! memory and output limits as the reading itself. PNG and JPEG scans are shown as they are.

use std::time::Instant;

use super::Limits;
use super::run::{self, PDFTOPPM};
use super::sniff::{self, ImageFormat, Kind};
use crate::DocumentError;

/// The largest preview accepted from `pdftoppm`.
const MAX_PREVIEW_BYTES: u64 = 8 * 1024 * 1024;

/// The preview's longest side in pixels.
const PREVIEW_PIXELS: &str = "900";

/// A preview of the first page: (media type, bytes); `None` when there is none to show (not
/// a PDF or a browser-viewable image, or the PDF cannot be rendered).
pub fn preview(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
) -> Result<Option<(&'static str, Vec<u8>)>, DocumentError> {
    match sniff::sniff(bytes, file_name, None) {
        Kind::Image(ImageFormat::Png) => Ok(Some(("image/png", bytes.to_vec()))),
        Kind::Image(ImageFormat::Jpeg) => Ok(Some(("image/jpeg", bytes.to_vec()))),
        Kind::Pdf => {
            let deadline = Instant::now() + limits.timeout;
            let (_dir, mut runner) = run::workspace(limits, deadline)?;
            let input = runner.dir().join("input.pdf");
            std::fs::write(&input, bytes).map_err(|source| DocumentError::TempFile { source })?;
            let args = [
                "-png".as_ref(),
                "-f".as_ref(),
                "1".as_ref(),
                "-l".as_ref(),
                "1".as_ref(),
                "-scale-to".as_ref(),
                PREVIEW_PIXELS.as_ref(),
                "-singlefile".as_ref(),
                input.as_os_str(),
                "preview".as_ref(),
            ];
            match runner.run(PDFTOPPM, &args, MAX_PREVIEW_BYTES)? {
                Ok(f) if f.success() => {
                    let png = runner.dir().join("preview.png");
                    let bytes = run::read_capped(&png, MAX_PREVIEW_BYTES)
                        .map_err(|source| DocumentError::TempFile { source })?;
                    Ok((!bytes.is_empty()).then_some(("image/png", bytes)))
                }
                _ => Ok(None),
            }
        }
        _ => Ok(None),
    }
}
