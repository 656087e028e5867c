//! Grey page images, and a PDF made of them with no text layer — what a scanner without
//! OCR produces.
//!
//! The tests and `ratusz bench ocr` use it to make scanned letters from rendered ones
//! (render, rasterise with `pdftoppm`, wrap back); in the office it can wrap pages
//! scanned at the front desk into one file. The file is written with `lopdf` directly:
//! one page per image, sized so that the image has the given resolution, the image a
//! Flate-compressed 8-bit `DeviceGray` XObject. printpdf's image support would pull in
//! the `image` crate's decoders, which this needs none of.

use lopdf::{Document, Object, Stream, dictionary};

use crate::DocumentError;

/// A grey image: one byte per pixel, rows top to bottom, 0 black to 255 white.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height` bytes.
    pub pixels: Vec<u8>,
}

impl GrayImage {
    /// A white image.
    pub fn white(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            pixels: vec![255; width as usize * height as usize],
        }
    }

    /// Reads a binary PGM (`P5`, 8 bits), as `pdftoppm -gray` writes it.
    pub fn from_pgm(bytes: &[u8]) -> Result<Self, DocumentError> {
        let bad = |why: &str| DocumentError::Pdf(format!("not an 8-bit binary PGM: {why}"));
        // Header: "P5", width, height, maxval, separated by whitespace (comments allowed),
        // then exactly one whitespace byte before the pixels.
        let mut fields = Vec::with_capacity(4);
        let mut at = 0usize;
        while fields.len() < 4 {
            while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'#') {
                if bytes[at] == b'#' {
                    while at < bytes.len() && bytes[at] != b'\n' {
                        at += 1;
                    }
                } else {
                    at += 1;
                }
            }
            let start = at;
            while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            if start == at {
                return Err(bad("short header"));
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        }
        if fields[0] != "P5" || fields[3] != "255" {
            return Err(bad("not P5 with maxval 255"));
        }
        let number = |s: &str| s.parse::<u32>().map_err(|_| bad("bad dimension"));
        let (width, height) = (number(&fields[1])?, number(&fields[2])?);
        let size = width as usize * height as usize;
        let pixels = bytes
            .get(at + 1..at + 1 + size)
            .ok_or_else(|| bad("truncated pixels"))?;
        Ok(Self {
            width,
            height,
            pixels: pixels.to_vec(),
        })
    }

    /// The image as a binary PGM.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }
}

/// A PDF with one page per image, each image filling its page at `dpi` dots per inch,
/// and no text layer.
pub fn render_scan_pdf(pages: &[GrayImage], dpi: f32) -> Result<Vec<u8>, DocumentError> {
    let pdf_error = |e: lopdf::Error| DocumentError::Pdf(e.to_string());
    if pages.is_empty() || !(dpi.is_finite() && dpi > 0.0) {
        return Err(DocumentError::Pdf(
            "a scan needs at least one page and a positive resolution".into(),
        ));
    }
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::with_capacity(pages.len());
    for image in pages {
        if image.pixels.len() != image.width as usize * image.height as usize {
            return Err(DocumentError::Pdf(
                "image size does not match its pixels".into(),
            ));
        }
        let mut xobject = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(image.width),
                "Height" => i64::from(image.height),
                "ColorSpace" => "DeviceGray",
                "BitsPerComponent" => 8,
            },
            image.pixels.clone(),
        );
        xobject.compress().map_err(pdf_error)?;
        let image_id = doc.add_object(xobject);
        let width = image.width as f32 * 72.0 / dpi;
        let height = image.height as f32 * 72.0 / dpi;
        let content = format!("q {width:.3} 0 0 {height:.3} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(width), Object::Real(height)],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| DocumentError::Pdf(e.to_string()))?;
    Ok(out)
}
