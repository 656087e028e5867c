//! `ratusz intake eval`: trains the routing model ([`ratusz_core::intake::classify`]) on
//! labelled texts and measures it on held-out ones, so a municipality (or we) can see how well
//! its history routes before trusting it. Reads a CSV with a text and a label column, or
//! `<label> <text>` lines (the 8TAGS format, and what `--dump-split` writes); a label map turns
//! themes into units. Figures are printed, never asserted: speed and accuracy are not tests.

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand, ValueEnum};
use ratusz_core::intake::classify::{Example, Metrics, Model, TrainParams, evaluate, split};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Subcommand, Debug)]
pub enum IntakeCmd {
    /// Train the routing model on labelled texts and measure it on held-out ones.
    Eval(Box<EvalArgs>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `.csv` files are CSV, anything else `<label> <text>` lines.
    Auto,
    Csv,
    /// One example a line: the label, a space or tab, the text.
    TsvLabelFirst,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MultiLabel {
    /// The first label (after the map) of a row with several.
    First,
    /// Leave out rows whose labels (after the map) disagree.
    Skip,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// One file to split into training and test examples.
    #[arg(long, required_unless_present = "train", conflicts_with_all = ["train", "test"])]
    csv: Option<PathBuf>,
    /// Training examples (repeatable), with --test instead of a split.
    #[arg(long, requires = "test")]
    train: Vec<PathBuf>,
    /// Test examples, with --train.
    #[arg(long, requires = "train")]
    test: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    format: Format,
    /// CSV column holding the text.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// CSV column holding the label (several comma-separated are allowed).
    #[arg(long, default_value = "label")]
    label_col: String,
    /// TOML file with a `[labels]` table mapping labels (themes) to the labels to learn
    /// (units); labels it does not name are dropped.
    #[arg(long)]
    label_map: Option<PathBuf>,
    /// Share of each label's examples held out for the test (with --csv).
    #[arg(long, default_value_t = 0.2)]
    test_share: f64,
    /// Seed of the split and of training.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = MultiLabel::First)]
    multi_label: MultiLabel,
    /// Write the examples used as DIR/train.tsv and DIR/test.tsv (`label<TAB>text`), for the
    /// baseline script.
    #[arg(long)]
    dump_split: Option<PathBuf>,
    /// Also time training on this many examples (the training set repeated as needed).
    #[arg(long)]
    time_train: Option<usize>,
    /// Save the trained model to this file.
    #[arg(long)]
    save: Option<PathBuf>,
    #[command(flatten)]
    params: ParamArgs,
}

/// Training parameters (defaults: [`TrainParams::default`]).
#[derive(Args, Debug)]
struct ParamArgs {
    #[arg(long)]
    epochs: Option<u32>,
    #[arg(long)]
    hash_bits: Option<u8>,
    /// Character n-gram lengths as MIN-MAX, or 0 for none.
    #[arg(long)]
    char_ngrams: Option<String>,
    #[arg(long)]
    no_bigrams: bool,
    #[arg(long)]
    no_fold: bool,
    #[arg(long)]
    min_df: Option<u32>,
    #[arg(long)]
    learning_rate: Option<f32>,
    #[arg(long)]
    l2: Option<f32>,
    #[arg(long)]
    balanced: bool,
}

impl ParamArgs {
    fn to_params(&self, seed: u64) -> anyhow::Result<TrainParams> {
        let mut p = TrainParams {
            seed,
            ..TrainParams::default()
        };
        if let Some(v) = self.epochs {
            p.epochs = v;
        }
        if let Some(v) = self.hash_bits {
            p.hash_bits = v;
        }
        if let Some(s) = &self.char_ngrams {
            p.char_ngrams = match s.split_once('-') {
                Some((a, b)) => (a.trim().parse()?, b.trim().parse()?),
                None if s.trim() == "0" => (0, 0),
                None => bail!("--char-ngrams: MIN-MAX or 0, got {s:?}"),
            };
        }
        p.word_bigrams = !self.no_bigrams;
        p.folded = !self.no_fold;
        if let Some(v) = self.min_df {
            p.min_df = v;
        }
        if let Some(v) = self.learning_rate {
            p.learning_rate = v;
        }
        if let Some(v) = self.l2 {
            p.l2 = v;
        }
        p.balanced = self.balanced;
        Ok(p)
    }
}

pub fn run(cmd: IntakeCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        IntakeCmd::Eval(args) => eval(&args),
    }
}

/// Rows read from one file: (text, labels as written).
struct Rows {
    rows: Vec<(String, Vec<String>)>,
}

fn read_rows(path: &Path, args: &EvalArgs) -> anyhow::Result<Rows> {
    let csv = match args.format {
        Format::Csv => true,
        Format::TsvLabelFirst => false,
        Format::Auto => path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
    };
    let mut rows = Vec::new();
    if csv {
        let mut r =
            csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
        let headers = r.headers()?.clone();
        let col = |name: &str| {
            headers.iter().position(|h| h == name).ok_or_else(|| {
                anyhow!(
                    "{}: no column {name:?} (has: {})",
                    path.display(),
                    headers.iter().collect::<Vec<_>>().join(", ")
                )
            })
        };
        let (t, l) = (col(&args.text_col)?, col(&args.label_col)?);
        for rec in r.records() {
            let rec = rec?;
            let text = rec.get(t).unwrap_or_default().to_owned();
            let labels = rec
                .get(l)
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            rows.push((text, labels));
        }
    } else {
        let content =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        for line in content.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let (label, text) = line
                .split_once(['\t', ' '])
                .ok_or_else(|| anyhow!("{}: a line without text: {line:?}", path.display()))?;
            rows.push((text.trim().to_owned(), vec![label.trim().to_owned()]));
        }
    }
    Ok(Rows { rows })
}

fn read_map(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    #[derive(serde::Deserialize)]
    struct MapFile {
        labels: BTreeMap<String, String>,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let m: MapFile =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(m.labels)
}

/// The (text, label) pairs to learn from, and how many rows were left out.
fn resolve(
    rows: Rows,
    map: Option<&BTreeMap<String, String>>,
    multi: MultiLabel,
) -> (Vec<(String, String)>, usize) {
    let mut out = Vec::with_capacity(rows.rows.len());
    let mut skipped = 0;
    for (text, labels) in rows.rows {
        let mapped: Vec<&str> = labels
            .iter()
            .filter_map(|l| match map {
                Some(m) => m.get(l).map(String::as_str),
                None => Some(l.as_str()),
            })
            .collect();
        let chosen = match (mapped.first(), multi) {
            (None, _) => None,
            (Some(first), MultiLabel::First) => Some(*first),
            (Some(first), MultiLabel::Skip) => mapped.iter().all(|l| l == first).then_some(*first),
        };
        match chosen {
            Some(label) if !text.trim().is_empty() => out.push((text, label.to_owned())),
            _ => skipped += 1,
        }
    }
    (out, skipped)
}

fn examples(pairs: &[(String, String)]) -> Vec<Example<'_>> {
    pairs
        .iter()
        .map(|(text, label)| Example { text, label })
        .collect()
}

fn dump(dir: &Path, name: &str, items: &[Example<'_>]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?,
    );
    for e in items {
        let text: String = e
            .text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        writeln!(f, "{}\t{}", e.label, text)?;
    }
    f.flush()?;
    Ok(())
}

fn eval(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let map = args.label_map.as_deref().map(read_map).transpose()?;
    let params = args.params.to_params(args.seed)?;
    let (train_pairs, test_pairs, skipped);
    if let Some(path) = &args.csv {
        let (pairs, s) = resolve(read_rows(path, args)?, map.as_ref(), args.multi_label);
        skipped = s;
        let all = examples(&pairs);
        let (tr, te) = split(&all, args.test_share, args.seed);
        let own = |v: Vec<Example<'_>>| -> Vec<(String, String)> {
            v.iter()
                .map(|e| (e.text.to_owned(), e.label.to_owned()))
                .collect()
        };
        train_pairs = own(tr);
        test_pairs = own(te);
    } else {
        let mut tr = Vec::new();
        let mut s = 0;
        for path in &args.train {
            let (pairs, k) = resolve(read_rows(path, args)?, map.as_ref(), args.multi_label);
            tr.extend(pairs);
            s += k;
        }
        let test = args
            .test
            .as_deref()
            .ok_or_else(|| anyhow!("--test is required with --train"))?;
        let (te, k) = resolve(read_rows(test, args)?, map.as_ref(), args.multi_label);
        train_pairs = tr;
        test_pairs = te;
        skipped = s + k;
    }
    let train = examples(&train_pairs);
    let test = examples(&test_pairs);
    if let Some(dir) = &args.dump_split {
        dump(dir, "train.tsv", &train)?;
        dump(dir, "test.tsv", &test)?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "examples: {} train, {} test, {} rows left out (no label after the map, or disagreeing labels)",
        train.len(),
        test.len(),
        skipped
    )?;
    writeln!(out, "params: {params:?}")?;

    let started = Instant::now();
    let model = Model::train(&train, &params).map_err(|e| anyhow!("training: {e}"))?;
    let train_secs = started.elapsed().as_secs_f64();
    let bytes = model.to_bytes();
    writeln!(
        out,
        "training: {train_secs:.2} s on {} examples; {} features, {} labels, model {:.1} MiB",
        train.len(),
        model.feature_count(),
        model.labels().len(),
        bytes.len() as f64 / 1_048_576.0
    )?;
    if let Some(path) = &args.save {
        std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    }

    let started = Instant::now();
    let mut confident = Vec::with_capacity(test.len());
    for e in &test {
        let p = model.predict(e.text);
        confident.push(p.map(|p| (p.confidence, p.label == e.label)));
    }
    let per_item = started.elapsed().as_secs_f64() * 1e6 / test.len().max(1) as f64;
    writeln!(
        out,
        "classification: {per_item:.1} µs per item (predict with ranking and evidence, {} items)",
        test.len()
    )?;

    let m = evaluate(&model, &test);
    writeln!(
        out,
        "accuracy: {:.4}  macro-F1: {:.4}  ({} test items)",
        m.accuracy, m.macro_f1, m.test_count
    )?;
    calibration(&mut out, &confident)?;
    per_label(&mut out, &m, &train, &test)?;
    confusion(&mut out, &m)?;

    if let Some(n) = args.time_train {
        let big: Vec<Example<'_>> = train.iter().copied().cycle().take(n).collect();
        let started = Instant::now();
        let big_model = Model::train(&big, &params).map_err(|e| anyhow!("training: {e}"))?;
        writeln!(
            out,
            "training on {n} examples (the training set repeated): {:.2} s, {} features",
            started.elapsed().as_secs_f64(),
            big_model.feature_count()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// How often the model is right when it is at least this sure, and how many items that covers:
/// the figures behind the "suggest only below a confidence" setting.
fn calibration(out: &mut impl Write, items: &[Option<(f64, bool)>]) -> anyhow::Result<()> {
    let n = items.len().max(1) as f64;
    for t in [0.5, 0.7, 0.9] {
        let sure: Vec<bool> = items
            .iter()
            .flatten()
            .filter(|(c, _)| *c >= t)
            .map(|(_, ok)| *ok)
            .collect();
        let right = sure.iter().filter(|ok| **ok).count();
        writeln!(
            out,
            "confidence >= {t}: {:.1}% of items, {:.1}% of them right",
            100.0 * sure.len() as f64 / n,
            100.0 * right as f64 / sure.len().max(1) as f64
        )?;
    }
    Ok(())
}

fn per_label(
    out: &mut impl Write,
    m: &Metrics,
    train: &[Example<'_>],
    test: &[Example<'_>],
) -> anyhow::Result<()> {
    let w = m
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "\n{:<w$}  {:>7}  {:>6}  {:>6}",
        "label", "train", "test", "F1"
    )?;
    for (l, f1) in m.labels.iter().zip(&m.per_label_f1) {
        let tr = train.iter().filter(|e| e.label == l).count();
        let te = test.iter().filter(|e| e.label == l).count();
        writeln!(out, "{l:<w$}  {tr:>7}  {te:>6}  {f1:>6.3}")?;
    }
    Ok(())
}

fn confusion(out: &mut impl Write, m: &Metrics) -> anyhow::Result<()> {
    let w = m
        .labels
        .iter()
        .map(|l| l.chars().count())
        .chain(m.confusion.iter().flatten().map(|n| n.to_string().len()))
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(out, "\nconfusion (rows: gold, columns: predicted)")?;
    write!(out, "{:<w$}", "")?;
    for l in &m.labels {
        write!(out, " {l:>w$}")?;
    }
    writeln!(out)?;
    for (l, row) in m.labels.iter().zip(&m.confusion) {
        write!(out, "{l:<w$}")?;
        for n in row {
            write!(out, " {n:>w$}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
