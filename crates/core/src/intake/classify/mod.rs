//! Routing model: which unit (or JRWA class, or kind of matter) an incoming letter belongs to,
//! learned from the tenant's own history of assignments a person confirmed. Pure: text in,
//! ranked labels with probabilities and the words that decided out; no I/O.
//!
//! # Design
//! - **Features** ([`features`]): lower-cased words with their diacritics, an accent-folded copy
//!   of words that carry diacritics, pairs of neighbouring words, and character n-grams of
//!   lengths 2–5 inside `<word>` (they stand in for a Polish stemmer: "drzewo", "drzewa",
//!   "drzewami" share most of them). Hashed into `2^20` buckets (FNV-1a + splitmix64), so
//!   counting needs bounded memory whatever the vocabulary; the model keeps only the buckets
//!   seen in training (sorted, looked up by binary search), so its size follows the data, not
//!   `2^20`.
//! - **Weighting**: TF-IDF with sublinear term frequency (`1 + ln tf`) and smoothed IDF
//!   (`ln((1+N)/(1+df)) + 1`), L2-normalised per text, so a long letter and a one-line subject
//!   are on one scale.
//! - **Model**: multinomial logistic regression (softmax) trained by Adagrad (one accumulator
//!   per feature, shared by its labels' weights) with L2 on the weights an example touches, a
//!   fixed number of epochs over a shuffled order from our own splitmix64 generator, the
//!   weights of the later half of the epochs averaged: the same examples and parameters give
//!   the same bytes. Softmax gives
//!   a probability per label, which is what "confidence" means for the rule "below the
//!   configured confidence only suggest" (ARCHITECTURE.md, principle 4). A linear model also
//!   explains itself: a word's push toward a label is its TF-IDF value times its weight for
//!   that label less its mean weight over labels; [`Prediction::evidence`] sums these per word
//!   of the letter (a word's n-grams count for the word, a pair for the phrase).
//! - **Explanation names** come from the text being classified, not from a table in the
//!   model: every feature of the letter knows the word it came from, so the evidence is exact
//!   even when two strings share a bucket, and the model stores no words of other people's
//!   letters.
//! - **Format** ([`Model::to_bytes`]): magic `RZCL`, a version, the feature settings, labels,
//!   delta-coded buckets, `f32` IDF and weights, and an FNV-1a checksum; read back by a
//!   checked reader that refuses (never panics on) truncated or altered bytes.
//!
//! # Figures (release build, loaded 2-core machine; commands in `bench/intake/README.md`)
//! Against the approach paperless-ngx uses (word 1–2-gram counts, `MLPClassifier(tol=0.01)`,
//! with `min_df` lowered to 1 or 2: its own 0.01 keeps under 110 words of short texts), on the
//! same rows:
//!
//! | corpus | ours acc / macro-F1 | baseline acc / macro-F1 |
//! |---|---|---|
//! | Pabulib titles → 5 units, first theme | 0.780 / 0.700 | 0.774 / 0.680 |
//! | Pabulib, rows whose themes agree | 0.862 / 0.765 | 0.836 / 0.740 |
//! | 8TAGS headlines, 8 topics | 0.732 / 0.732 | 0.653 / 0.651 |
//!
//! Training on 50,000 headlines takes 11.9 s (434,823 features, 15 MiB model); a `predict`
//! with ranking and evidence 0.1–0.4 ms. Measured choices: character n-grams add 4 points on
//! 8TAGS (none on Pabulib); 10 epochs gain nothing over 5; one Adagrad accumulator per
//! feature instead of per weight keeps accuracy and cuts training 2.5×; averaging the later
//! epochs adds about a point; `min_df` above 1 and class-balanced weights cost a little.

mod codec;
mod features;
mod metrics;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use thiserror::Error;

use features::{FeatureConfig, Source};
pub use metrics::{Metrics, evaluate, split};

/// One confirmed assignment: the text of a letter and where a person routed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example<'a> {
    pub text: &'a str,
    pub label: &'a str,
}

/// How to train. The defaults are the measured choice (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// Buckets of the feature hash: `2^hash_bits` (12..=24).
    pub hash_bits: u8,
    /// Lengths of character n-grams inside word edges; `(0, 0)` turns them off.
    pub char_ngrams: (u8, u8),
    /// Pairs of neighbouring words.
    pub word_bigrams: bool,
    /// Accent-folded copies of words with diacritics.
    pub folded: bool,
    /// Only the first this many characters of a text are read.
    pub max_chars: u32,
    /// Keep a feature only when at least this many training texts have it.
    pub min_df: u32,
    /// Passes over the training examples.
    pub epochs: u32,
    /// Adagrad's base step.
    pub learning_rate: f32,
    /// L2 penalty on the weights.
    pub l2: f32,
    /// Weigh examples inversely to their label's frequency (helps rare units, costs some
    /// accuracy on frequent ones).
    pub balanced: bool,
    /// Average the weights of the later half of the epochs.
    pub average: bool,
    /// Seed of the shuffling.
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            hash_bits: 20,
            char_ngrams: (2, 5),
            word_bigrams: true,
            folded: true,
            max_chars: 20_000,
            min_df: 1,
            epochs: 5,
            learning_rate: 0.5,
            l2: 1e-6,
            balanced: false,
            average: true,
            seed: 0x5eed_2026,
        }
    }
}

/// Why a model could not be trained or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClassifyError {
    #[error("no training examples")]
    NoExamples,
    #[error("at least two labels are needed, found {0}")]
    TooFewLabels(usize),
    #[error("an example has an empty label")]
    EmptyLabel,
    #[error("no example has any feature (no words)")]
    NoFeatures,
    #[error("invalid training parameter: {0}")]
    BadParams(&'static str),
    #[error("not a routing model (bad magic)")]
    BadMagic,
    #[error("unsupported routing model format version {0}")]
    UnsupportedVersion(u16),
    #[error("routing model bytes are truncated")]
    Truncated,
    #[error("routing model bytes are damaged: {0}")]
    Corrupt(&'static str),
}

/// A word or phrase of the letter and how much it pushed toward the predicted label (in
/// logit units, relative to its mean push over all labels).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub feature: String,
    pub weight: f64,
}

/// The model's answer for one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub label: String,
    /// The softmax probability of `label`.
    pub confidence: f64,
    /// Every label with its probability, best first.
    pub ranking: Vec<(String, f64)>,
    /// Up to [`EVIDENCE`] words or phrases that pushed most toward `label`.
    pub evidence: Vec<Evidence>,
}

/// How many evidence items a prediction carries.
pub const EVIDENCE: usize = 5;

/// A trained routing model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub(crate) config: FeatureConfig,
    pub(crate) labels: Vec<String>,
    /// Buckets kept in training, strictly increasing; feature `j` is `buckets[j]`.
    pub(crate) buckets: Vec<u32>,
    pub(crate) idf: Vec<f32>,
    /// Row-major: `weights[j * labels.len() + c]`.
    pub(crate) weights: Vec<f32>,
    pub(crate) bias: Vec<f32>,
}

/// splitmix64: a small, good, seedable generator, so shuffles repeat exactly everywhere.
pub(crate) struct SplitMix64(pub u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so there is no bias.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    /// Fisher–Yates.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// A text as sparse TF-IDF values over the model's features, L2-normalised.
type Sparse = Vec<(u32, f32)>;

fn tfidf(counts: impl Iterator<Item = (u32, u32)>, idf: &[f32]) -> Sparse {
    let mut v: Sparse = counts
        .map(|(j, tf)| (j, (1.0 + (tf as f32).ln()) * idf[j as usize]))
        .collect();
    let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, x) in &mut v {
            *x /= norm;
        }
    }
    v
}

fn softmax(logits: &mut [f32]) {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for z in logits.iter_mut() {
        *z = (*z - max).exp();
        sum += *z;
    }
    for z in logits.iter_mut() {
        *z /= sum;
    }
}

impl Model {
    /// Learns a model from confirmed assignments.
    pub fn train(examples: &[Example<'_>], params: &TrainParams) -> Result<Model, ClassifyError> {
        let config = check(params)?;
        if examples.is_empty() {
            return Err(ClassifyError::NoExamples);
        }
        if examples.iter().any(|e| e.label.is_empty()) {
            return Err(ClassifyError::EmptyLabel);
        }
        let mut label_ids: BTreeMap<&str, usize> = examples.iter().map(|e| (e.label, 0)).collect();
        if label_ids.len() < 2 {
            return Err(ClassifyError::TooFewLabels(label_ids.len()));
        }
        for (i, id) in label_ids.values_mut().enumerate() {
            *id = i;
        }
        let labels: Vec<String> = label_ids.keys().map(|l| (*l).to_owned()).collect();
        let k = labels.len();

        // Count once: per text its bucket counts, per bucket its document frequency.
        let mut scratch = Vec::new();
        let counted: Vec<Vec<(u32, u32)>> = examples
            .iter()
            .map(|e| features::counts(&config, e.text, &mut scratch))
            .collect();
        // Per bucket its document frequency, then (reusing the table) its feature index + 1.
        let mut table = vec![0u32; 1usize << config.hash_bits];
        for doc in &counted {
            for (b, _) in doc {
                table[*b as usize] += 1;
            }
        }
        let n_docs = examples.len() as f32;
        let mut buckets = Vec::new();
        let mut idf = Vec::new();
        for (b, n) in table.iter_mut().enumerate() {
            if *n >= params.min_df.max(1) {
                idf.push(((1.0 + n_docs) / (1.0 + *n as f32)).ln() + 1.0);
                buckets.push(b as u32);
                *n = buckets.len() as u32;
            } else {
                *n = 0;
            }
        }
        if buckets.is_empty() {
            return Err(ClassifyError::NoFeatures);
        }
        let index = |b: u32| table[b as usize].checked_sub(1);
        let docs: Vec<(Sparse, usize)> = counted
            .into_iter()
            .zip(examples)
            .map(|(doc, e)| {
                let v = tfidf(
                    doc.into_iter()
                        .filter_map(|(b, n)| index(b).map(|j| (j, n))),
                    &idf,
                );
                (v, label_ids.get(e.label).copied().unwrap_or(0))
            })
            .collect();

        let mut class_weight = vec![1.0f32; k];
        if params.balanced {
            let mut per = vec![0usize; k];
            for (_, y) in &docs {
                per[*y] += 1;
            }
            for (w, n) in class_weight.iter_mut().zip(&per) {
                *w = docs.len() as f32 / (k as f32 * (*n).max(1) as f32);
            }
        }

        let nf = buckets.len();
        let mut weights = vec![0f32; nf * k];
        let mut acc = vec![0f32; nf];
        let mut bias = vec![0f32; k];
        let mut bias_acc = vec![0f32; k];
        let (lr, l2) = (params.learning_rate, params.l2);
        const ACC0: f32 = 0.1;
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut rng = SplitMix64(params.seed);
        let mut grad = vec![0f32; k];
        let mut step = vec![0f32; k];
        // The weights of the later epochs are averaged (Polyak averaging at epoch ends): the
        // last SGD steps jitter around the optimum, their mean sits closer to it.
        let mut sum_w = vec![0f32; nf * k];
        let mut sum_b = vec![0f32; k];
        let mut averaged = 0u32;
        for epoch in 0..params.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let (x, y) = &docs[i];
                grad.copy_from_slice(&bias);
                for (j, v) in x {
                    let row = &weights[*j as usize * k..][..k];
                    for (g, w) in grad.iter_mut().zip(row) {
                        *g += v * w;
                    }
                }
                softmax(&mut grad);
                grad[*y] -= 1.0;
                let cw = class_weight[*y];
                for ((g, b), a) in grad.iter_mut().zip(&mut bias).zip(&mut bias_acc) {
                    *g *= cw;
                    *a += *g * *g;
                    *b -= lr * *g / (ACC0 + *a).sqrt();
                }
                for (j, v) in x {
                    let at = *j as usize * k;
                    let row = &mut weights[at..at + k];
                    let mut sq = 0.0;
                    for ((d, g), w) in step.iter_mut().zip(&grad).zip(row.iter()) {
                        *d = g * v + l2 * w;
                        sq += *d * *d;
                    }
                    let a = &mut acc[*j as usize];
                    *a += sq / k as f32;
                    let rate = lr / (ACC0 + *a).sqrt();
                    for (w, d) in row.iter_mut().zip(&step) {
                        *w -= rate * d;
                    }
                }
            }
            if params.average && 2 * (epoch + 1) > params.epochs {
                for (s, w) in sum_w
                    .iter_mut()
                    .zip(&weights)
                    .chain(sum_b.iter_mut().zip(&bias))
                {
                    *s += w;
                }
                averaged += 1;
            }
        }
        if averaged > 0 {
            let n = averaged as f32;
            for (w, s) in weights
                .iter_mut()
                .zip(&sum_w)
                .chain(bias.iter_mut().zip(&sum_b))
            {
                *w = s / n;
            }
        }
        Ok(Model {
            config,
            labels,
            buckets,
            idf,
            weights,
            bias,
        })
    }

    /// The labels the model knows, in its fixed (sorted) order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// How many features (kept hash buckets) the model holds.
    pub fn feature_count(&self) -> usize {
        self.buckets.len()
    }

    /// The text's known features: sparse vector, its words, and each occurrence's feature.
    fn read(&self, text: &str) -> (Sparse, Vec<String>, Vec<(u32, Source)>) {
        let words = features::tokens(text, self.config.max_chars);
        let mut occ = Vec::new();
        features::extract(&self.config, &words, &mut occ);
        let known: Vec<(u32, Source)> = occ
            .into_iter()
            .filter_map(|(b, s)| self.buckets.binary_search(&b).ok().map(|j| (j as u32, s)))
            .collect();
        let mut ids: Vec<u32> = known.iter().map(|(j, _)| *j).collect();
        ids.sort_unstable();
        let mut counts: Vec<(u32, u32)> = Vec::with_capacity(ids.len());
        for j in ids {
            match counts.last_mut() {
                Some((last, n)) if *last == j => *n += 1,
                _ => counts.push((j, 1)),
            }
        }
        (tfidf(counts.into_iter(), &self.idf), words, known)
    }

    /// Probabilities per label for a sparse vector (the prior alone when it is empty).
    fn probabilities(&self, x: &Sparse) -> Vec<f32> {
        let k = self.labels.len();
        let mut p = self.bias.clone();
        for (j, v) in x {
            let row = &self.weights[*j as usize * k..][..k];
            for (z, w) in p.iter_mut().zip(row) {
                *z += v * w;
            }
        }
        softmax(&mut p);
        p
    }

    /// The label index a text gets, falling back to the prior for a text without known
    /// features (used by [`evaluate`], which must count every test item).
    pub(crate) fn best_index(&self, text: &str) -> usize {
        let (x, _, _) = self.read(text);
        argmax(&self.probabilities(&x))
    }

    /// Routes a text; `None` when it has no feature the model knows.
    pub fn predict(&self, text: &str) -> Option<Prediction> {
        let (x, words, occ) = self.read(text);
        if x.is_empty() {
            return None;
        }
        let p = self.probabilities(&x);
        let best = argmax(&p);
        let mut ranking: Vec<(String, f64)> = self
            .labels
            .iter()
            .zip(&p)
            .map(|(l, q)| (l.clone(), f64::from(*q)))
            .collect();
        ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Some(Prediction {
            label: self.labels[best].clone(),
            confidence: f64::from(p[best]),
            ranking,
            evidence: self.evidence(best, &x, &words, &occ),
        })
    }

    /// Sums each feature's push toward `label` (relative to its mean over labels) into the
    /// word or phrase it came from; a feature seen several times splits its push evenly.
    fn evidence(
        &self,
        label: usize,
        x: &Sparse,
        words: &[String],
        occ: &[(u32, Source)],
    ) -> Vec<Evidence> {
        let k = self.labels.len();
        // `x` is sorted by feature: occurrences find their entry by binary search, and every
        // sum is kept per word (or pair) position, so no string is made per occurrence.
        let at = |j: u32| x.binary_search_by_key(&j, |(f, _)| *f).ok();
        let mut seen = vec![0u32; x.len()];
        for (j, _) in occ {
            if let Some(i) = at(*j) {
                seen[i] += 1;
            }
        }
        let share: Vec<f64> = x
            .iter()
            .zip(&seen)
            .map(|((j, v), times)| {
                let row = &self.weights[*j as usize * k..][..k];
                let mean = row.iter().sum::<f32>() / k as f32;
                f64::from(v * (row[label] - mean)) / f64::from((*times).max(1))
            })
            .collect();
        let mut by_word = vec![0.0f64; words.len()];
        let mut by_pair = vec![0.0f64; words.len()];
        for (j, src) in occ {
            let Some(i) = at(*j) else { continue };
            match *src {
                Source::Word(w) => by_word[w as usize] += share[i],
                Source::Pair(w) => by_pair[w as usize] += share[i],
            }
        }
        let mut push: BTreeMap<String, f64> = BTreeMap::new();
        for (i, w) in words.iter().enumerate() {
            if by_word[i] != 0.0 {
                *push.entry(w.clone()).or_insert(0.0) += by_word[i];
            }
            if by_pair[i] != 0.0
                && let Some(next) = words.get(i + 1)
            {
                *push.entry(format!("{w} {next}")).or_insert(0.0) += by_pair[i];
            }
        }
        let mut out: Vec<Evidence> = push
            .into_iter()
            .filter(|(_, w)| *w > 0.0)
            .map(|(feature, weight)| Evidence { feature, weight })
            .collect();
        out.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.feature.cmp(&b.feature))
        });
        out.truncate(EVIDENCE);
        out
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        codec::write(self)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ClassifyError> {
        codec::read(bytes)
    }
}

fn argmax(p: &[f32]) -> usize {
    let mut best = 0;
    for (i, q) in p.iter().enumerate() {
        if *q > p[best] {
            best = i;
        }
    }
    best
}

fn check(p: &TrainParams) -> Result<FeatureConfig, ClassifyError> {
    if !(12..=24).contains(&p.hash_bits) {
        return Err(ClassifyError::BadParams("hash_bits must be 12..=24"));
    }
    let (lo, hi) = p.char_ngrams;
    if hi > 12 || (hi > 0 && (lo == 0 || lo > hi)) {
        return Err(ClassifyError::BadParams(
            "char_ngrams must be (0, 0) or 1 <= min <= max <= 12",
        ));
    }
    if p.max_chars == 0 {
        return Err(ClassifyError::BadParams("max_chars must be positive"));
    }
    if !(p.learning_rate.is_finite() && p.learning_rate > 0.0) {
        return Err(ClassifyError::BadParams("learning_rate must be positive"));
    }
    if !(p.l2.is_finite() && p.l2 >= 0.0) {
        return Err(ClassifyError::BadParams("l2 must be non-negative"));
    }
    Ok(FeatureConfig {
        hash_bits: p.hash_bits,
        char_min: if hi == 0 { 0 } else { lo },
        char_max: hi,
        word_bigrams: p.word_bigrams,
        folded: p.folded,
        max_chars: p.max_chars,
    })
}
