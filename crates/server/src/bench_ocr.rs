//! `ratusz bench ocr`: reading a scanned letter (issue: pages per minute and peak memory of
//! our OCR path against bare `tesseract` on the same page images, goals: overhead at most
//! 10 % and peak RSS under 300 MB; character error rate on noisy, slightly skewed pages
//! under 2 %).
//!
//! The scan is made here, reproducibly from `--seed`: a Polish letter of `--pages` pages
//! (sentences with every Polish diacritic) is rendered by `render_letter`, rasterised by
//! `pdftoppm -r 300 -gray`, and each page is turned by up to ±1° and given grain (Gaussian,
//! σ = 10 grey levels) and specks of dust, then the pages are wrapped into an image-only
//! PDF (`render_scan_pdf`). The rotation and noise are a few lines of our own over the
//! grey buffer: the `image`/`imageproc` crates would cost the server's build far more.
//!
//! Two runs follow, each in a child process of its own (this binary again, with the hidden
//! `--phase`), so that each one's peak memory is its own: `getrusage(RUSAGE_CHILDREN)` in
//! the child gives the largest resident set of the programs it ran (an upper bound: Linux
//! starts a child's peak at its parent's, so it includes the phase process holding the
//! PDF in memory, as the server holds an uploaded file). *Bare* runs
//! `tesseract PAGE stdout -l pol --psm 3` on the page images; *ours* runs
//! `ratusz_documents::extract` on the PDF with the default limits (`pdfinfo`, `pdftotext`,
//! then per page `pdftoppm` and `tesseract`, each through `prlimit`). Both use one OpenMP
//! thread (`OMP_THREAD_LIMIT=1`, as ours always does). The character error rate is the
//! Levenshtein distance between the recognised text and the letter's own text layer, per
//! page, over the reference length, with runs of white space made one space. Figures are
//! printed, never asserted.

use anyhow::{Context, anyhow, bail};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratusz_documents::{Fonts, GrayImage, LetterPdf, Limits, render_letter, render_scan_pdf};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use super::registry::verdict;

/// Resolution of the scan, as an office scanner is usually set.
const DPI: u32 = 300;

/// What `bench ocr` does.
pub struct Options {
    /// Pages of the letter.
    pub pages: u32,
    /// Seed of the text, the skew and the noise.
    pub seed: u64,
    /// Set in the child processes: `bare` or `ours`.
    pub phase: Option<String>,
    /// Set in the child processes: the working directory with the scan.
    pub dir: Option<PathBuf>,
}

/// What one phase measured.
struct Phase {
    seconds: f64,
    children_peak_kib: i64,
    /// Size of the scanned PDF the phase read into memory (0 for bare).
    pdf_kib: i64,
}

pub fn ocr(options: Options) -> anyhow::Result<ExitCode> {
    if let (Some(phase), Some(dir)) = (&options.phase, &options.dir) {
        return worker(phase, dir);
    }
    let pages = options.pages.max(1);
    let dir = std::env::temp_dir().join(format!("ratusz-bench-ocr-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(pages, options.seed, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(pages: u32, seed: u64, dir: &Path) -> anyhow::Result<ExitCode> {
    println!("bench ocr: {pages} scanned pages at {DPI} dpi, seed {seed}");
    let started = Instant::now();
    let reference = make_scan(pages, seed, dir)?;
    println!(
        "  scan made in {:.1} s ({} pages, {:.1} MB PDF)",
        started.elapsed().as_secs_f64(),
        reference.len(),
        std::fs::metadata(dir.join("scan.pdf"))?.len() as f64 / 1e6
    );

    let bare = run_phase("bare", dir)?;
    let ours = run_phase("ours", dir)?;
    let bare_pages: Vec<String> = (1..=pages)
        .map(|n| std::fs::read_to_string(dir.join(format!("bare-{n:03}.txt"))))
        .collect::<Result<_, _>>()?;
    let ours_text = std::fs::read_to_string(dir.join("ours.txt"))?;
    let ours_pages: Vec<&str> = ours_text.split('\u{c}').collect();

    let per_minute = |p: &Phase| f64::from(pages) * 60.0 / p.seconds;
    let overhead = (ours.seconds - bare.seconds) / bare.seconds * 100.0;
    let cer_ours = cer(&reference, |i| ours_pages.get(i).copied().unwrap_or(""));
    let cer_bare = cer(&reference, |i| bare_pages[i].as_str());
    let mb = |kib: i64| kib as f64 / 1024.0;
    println!(
        "  bare tesseract: {:.1} s, {:.1} pages/min, peak RSS {:.0} MB",
        bare.seconds,
        per_minute(&bare),
        mb(bare.children_peak_kib)
    );
    println!(
        "  ours (extract): {:.1} s, {:.1} pages/min, peak RSS of its programs {:.0} MB \
         (at most; the calling process held the {:.0} MB PDF)",
        ours.seconds,
        per_minute(&ours),
        mb(ours.children_peak_kib),
        mb(ours.pdf_kib)
    );
    println!(
        "  overhead: {overhead:+.1} % (goal <= 10 %: {})",
        verdict(overhead <= 10.0)
    );
    println!(
        "  peak RSS: {:.0} MB (goal < 300 MB: {})",
        mb(ours.children_peak_kib),
        verdict(mb(ours.children_peak_kib) < 300.0)
    );
    println!(
        "  character error rate: ours {:.2} %, bare {:.2} % (goal < 2 %: {})",
        cer_ours * 100.0,
        cer_bare * 100.0,
        verdict(cer_ours < 0.02)
    );
    Ok(ExitCode::SUCCESS)
}

/// Renders the letter, rasterises and degrades its pages, writes `page-NNN.pgm` and
/// `scan.pdf` into `dir`; returns the reference text of each page.
fn make_scan(pages: u32, seed: u64, dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let fonts = Fonts::system()?;
    // About 40 lines fit a page and a paragraph of four sentences takes about five: make
    // half as many again, and use the first `pages` pages.
    let paragraphs: Vec<String> = (0..pages * 12)
        .map(|_| {
            (0..4)
                .map(|_| SENTENCES[rng.gen_range(0..SENTENCES.len())])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let letter = LetterPdf {
        office_lines: vec![
            "Anna Wiśniewska".into(),
            "ul. Źródlana 12, 05-123 Przykładowo".into(),
        ],
        place_and_date: "Przykładowo, 12 marca 2026 r.".into(),
        sign: String::new(),
        addressee_lines: vec![
            "Wójt Gminy Przykładowo".into(),
            "ul. Rynek 1, 05-123 Przykładowo".into(),
        ],
        title: "Wniosek o zezwolenie na usunięcie drzew".into(),
        body: paragraphs.join("\n\n"),
        signature_lines: vec!["Anna Wiśniewska".into()],
        footer_lines: Vec::new(),
        metadata_title: "Wniosek".into(),
    };
    let pdf = render_letter(&fonts, &letter)?;
    let source = dir.join("letter.pdf");
    std::fs::write(&source, &pdf)?;
    let last = pages.to_string();
    let text = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-f", "1", "-l", &last])
        .arg(&source)
        .arg("-")
        .output()
        .context("running pdftotext (Debian package poppler-utils)")?;
    if !text.status.success() {
        bail!(
            "pdftotext failed: {}",
            String::from_utf8_lossy(&text.stderr)
        );
    }
    let reference: Vec<String> = String::from_utf8_lossy(&text.stdout)
        .split('\u{c}')
        .take(pages as usize)
        .map(str::to_owned)
        .collect();
    if reference.len() < pages as usize || reference.iter().any(|p| p.trim().is_empty()) {
        bail!("the generated letter has fewer than {pages} pages");
    }
    let status = Command::new("pdftoppm")
        .args(["-r", &DPI.to_string(), "-gray", "-f", "1", "-l", &last])
        .arg(&source)
        .arg(dir.join("clean"))
        .status()
        .context("running pdftoppm (Debian package poppler-utils)")?;
    if !status.success() {
        bail!("pdftoppm failed");
    }
    let mut clean: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("clean") && n.ends_with(".pgm"))
        })
        .collect();
    clean.sort();
    let mut images = Vec::with_capacity(clean.len());
    for (index, path) in clean.iter().enumerate() {
        let page = GrayImage::from_pgm(&std::fs::read(path)?)?;
        let angle = rng.gen_range(-1.0..=1.0f64);
        let scanned = degrade(&page, angle, &mut rng);
        std::fs::write(
            dir.join(format!("page-{:03}.pgm", index + 1)),
            scanned.to_pgm(),
        )?;
        std::fs::remove_file(path)?;
        images.push(scanned);
    }
    std::fs::write(dir.join("scan.pdf"), render_scan_pdf(&images, DPI as f32)?)?;
    Ok(reference)
}

/// The page turned by `angle_deg` about its centre (bilinear sampling, white outside),
/// with Gaussian grain and a few dark and light specks.
fn degrade(page: &GrayImage, angle_deg: f64, rng: &mut StdRng) -> GrayImage {
    const SIGMA: f64 = 10.0;
    let (w, h) = (page.width as usize, page.height as usize);
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let at = |x: isize, y: isize| -> f64 {
        if x < 0 || y < 0 || x as usize >= w || y as usize >= h {
            255.0
        } else {
            f64::from(page.pixels[y as usize * w + x as usize])
        }
    };
    let mut out = GrayImage::white(page.width, page.height);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f64 - cx, y as f64 - cy);
            let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = (sx - x0, sy - y0);
            let (x0, y0) = (x0 as isize, y0 as isize);
            let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
            let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
            let mut value = top * (1.0 - fy) + bottom * fy;
            // Sum of four uniforms, scaled to unit variance: close enough to Gaussian.
            let grain: f64 = (0..4).map(|_| rng.r#gen::<f64>()).sum::<f64>() - 2.0;
            value += grain * 3f64.sqrt() * SIGMA;
            let speck: f64 = rng.r#gen();
            if speck < 0.0002 {
                value = 40.0;
            } else if speck > 0.9995 {
                value = 255.0;
            }
            out.pixels[y * w + x] = value.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Character error rate over all pages: edit distance over reference length, with white
/// space normalised. `strsim` is already in the tree (through clap).
fn cer<'a>(reference: &[String], recognised: impl Fn(usize) -> &'a str) -> f64 {
    let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (mut errors, mut length) = (0usize, 0usize);
    for (index, page) in reference.iter().enumerate() {
        let truth = norm(page);
        errors += strsim::levenshtein(&truth, &norm(recognised(index)));
        length += truth.chars().count();
    }
    errors as f64 / length.max(1) as f64
}

/// Runs one phase in a child process and reads its figures.
fn run_phase(phase: &str, dir: &Path) -> anyhow::Result<Phase> {
    let exe = std::env::current_exe().context("locating the ratusz binary")?;
    let output = Command::new(exe)
        .args(["bench", "ocr", "--phase", phase, "--dir"])
        .arg(dir)
        .output()
        .with_context(|| format!("running the {phase} phase"))?;
    if !output.status.success() {
        bail!(
            "the {phase} phase failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines().filter(|l| !l.starts_with("phase ")) {
        println!("{line}");
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("phase "))
        .ok_or_else(|| anyhow!("the {phase} phase printed no figures: {stdout}"))?;
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [seconds, children, pdf] = numbers[..] else {
        bail!("the {phase} phase printed unexpected figures: {line}");
    };
    Ok(Phase {
        seconds,
        children_peak_kib: children as i64,
        pdf_kib: pdf as i64,
    })
}

/// A child process: runs one phase and prints `phase SECONDS CHILDREN_PEAK_KIB PDF_KIB`.
///
/// Linux carries a process's peak RSS into the children it starts (their `ru_maxrss`
/// begins at the parent's peak, even across `exec`), so the programs' peak reported by
/// the `ours` phase is an upper bound that includes this process holding the PDF.
fn worker(phase: &str, dir: &Path) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut pdf_kib = 0;
    match phase {
        "bare" => {
            let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("page-"))
                })
                .collect();
            pages.sort();
            for (index, page) in pages.iter().enumerate() {
                let out = Command::new("tesseract")
                    .arg(page)
                    .args(["stdout", "-l", "pol", "--psm", "3"])
                    .env("OMP_THREAD_LIMIT", "1")
                    .output()
                    .context("running tesseract (Debian package tesseract-ocr)")?;
                if !out.status.success() {
                    bail!("tesseract failed: {}", String::from_utf8_lossy(&out.stderr));
                }
                std::fs::write(dir.join(format!("bare-{:03}.txt", index + 1)), &out.stdout)?;
            }
        }
        "ours" => {
            let pdf = std::fs::read(dir.join("scan.pdf"))?;
            pdf_kib = pdf.len() / 1024;
            let out = ratusz_documents::extract(
                &pdf,
                "scan.pdf",
                Some("application/pdf"),
                &Limits::default(),
            )?;
            if let Some(problem) = &out.problem {
                eprintln!("  ours: {}", problem.message_en());
            }
            println!(
                "  ours: method {:?}, {} pages, mean word confidence {:.1} %",
                out.method,
                out.pages,
                out.ocr_confidence.unwrap_or(0.0) * 100.0
            );
            std::fs::write(dir.join("ours.txt"), out.text)?;
        }
        other => bail!("unknown phase {other}"),
    }
    let seconds = started.elapsed().as_secs_f64();
    use nix::sys::resource::{UsageWho, getrusage};
    let children = getrusage(UsageWho::RUSAGE_CHILDREN)?.max_rss();
    println!("phase {seconds:.3} {children} {pdf_kib}");
    Ok(ExitCode::SUCCESS)
}

/// Sentences of a resident's letter, with every Polish diacritic among them.
const SENTENCES: &[&str] = &[
    "Zwracam się z uprzejmą prośbą o wydanie zezwolenia na wycinkę dwóch drzew.",
    "Drzewa rosną na działce nr 123/4 przy ulicy Źródlanej w Przykładowie.",
    "Oba drzewa są chore, a ich gałęzie zwisają nad dachem budynku mieszkalnego.",
    "Podczas ostatniej wichury złamał się konar, który uszkodził ogrodzenie sąsiada.",
    "Zagrażają one bezpieczeństwu ludzi przechodzących chodnikiem wzdłuż posesji.",
    "Łączna liczba drzew przeznaczonych do usunięcia wynosi dwa: klon i jesion.",
    "Obwód pnia klonu mierzony na wysokości 130 cm wynosi 145 cm.",
    "W miejsce usuniętych drzew zobowiązuję się posadzić trzy młode lipy.",
    "W załączeniu przesyłam zdjęcia, mapkę oraz zgodę współwłaściciela nieruchomości.",
    "Proszę o wyznaczenie terminu oględzin w dogodnym dla urzędu dniu.",
    "Jestem osiągalna pod numerem telefonu 600 700 800 od poniedziałku do piątku.",
    "Opłatę skarbową uiściłam przelewem na rachunek gminy w dniu złożenia wniosku.",
    "Ze względu na okres lęgowy ptaków wycinka nastąpi po zakończeniu sezonu.",
    "Gałęzie będą pocięte i wywiezione na koszt wnioskodawczyni.",
    "Żadne z drzew nie jest pomnikiem przyrody ani nie rośnie w pasie drogowym.",
    "Pień jesionu jest częściowo spróchniały, co potwierdza opinia dendrologa.",
    "Uprzejmie proszę o przesłanie decyzji na adres do doręczeń elektronicznych.",
    "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu załatwienia sprawy.",
    "Źródło zagrożenia zostało zgłoszone również zarządcy sąsiedniej drogi gminnej.",
    "Dziękuję za szybkie rozpatrzenie niniejszego wniosku.",
];
