//! Measuring a routing model: a seeded stratified split and the usual figures (accuracy,
//! macro-F1, per-label F1, confusion matrix), defined as scikit-learn defines them so that our
//! figures and a Python baseline's can be set side by side.

use std::collections::BTreeMap;

use super::{Example, Model, SplitMix64};

/// How a model did on held-out examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// The model's labels, then gold labels of the test it does not know (sorted).
    pub labels: Vec<String>,
    pub accuracy: f64,
    /// Mean F1 over labels that occur in the test's gold or predicted labels (scikit-learn's
    /// `f1_score(average="macro")`).
    pub macro_f1: f64,
    /// `confusion[gold][predicted]`, indexed like `labels`.
    pub confusion: Vec<Vec<u32>>,
    /// F1 per label, indexed like `labels` (0 for a label neither in gold nor predicted).
    pub per_label_f1: Vec<f64>,
    pub test_count: usize,
}

/// Scores a model on examples it was not trained on. A text without known features gets the
/// label the model thinks most likely a priori, so every example is counted.
pub fn evaluate(model: &Model, test: &[Example<'_>]) -> Metrics {
    let mut labels: Vec<String> = model.labels().to_vec();
    let unknown: std::collections::BTreeSet<&str> = test
        .iter()
        .map(|e| e.label)
        .filter(|l| {
            model
                .labels()
                .binary_search_by(|m| m.as_str().cmp(l))
                .is_err()
        })
        .collect();
    labels.extend(unknown.into_iter().map(str::to_owned));
    let index: BTreeMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let n = labels.len();
    let mut confusion = vec![vec![0u32; n]; n];
    let mut correct = 0usize;
    for e in test {
        let gold = index.get(e.label).copied().unwrap_or(0);
        let predicted = model.best_index(e.text);
        confusion[gold][predicted] += 1;
        correct += usize::from(gold == predicted);
    }
    let mut per_label_f1 = vec![0.0; n];
    let mut present = 0usize;
    let mut f1_sum = 0.0;
    for c in 0..n {
        let tp = f64::from(confusion[c][c]);
        let gold: f64 = confusion[c].iter().map(|x| f64::from(*x)).sum();
        let predicted: f64 = confusion.iter().map(|row| f64::from(row[c])).sum();
        if gold + predicted == 0.0 {
            continue;
        }
        let f1 = 2.0 * tp / (gold + predicted);
        per_label_f1[c] = f1;
        f1_sum += f1;
        present += 1;
    }
    Metrics {
        labels,
        accuracy: if test.is_empty() {
            0.0
        } else {
            correct as f64 / test.len() as f64
        },
        macro_f1: if present == 0 {
            0.0
        } else {
            f1_sum / present as f64
        },
        confusion,
        per_label_f1,
        test_count: test.len(),
    }
}

/// Splits examples into (train, test), per label: each label's examples are shuffled with the
/// seed and `round(test_share × count)` of them go to the test, but a label with at least two
/// examples keeps one on each side. Both parts keep the input order. The same input, share and
/// seed give the same split.
pub fn split<'a>(
    examples: &[Example<'a>],
    test_share: f64,
    seed: u64,
) -> (Vec<Example<'a>>, Vec<Example<'a>>) {
    let share = if test_share.is_finite() {
        test_share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        by_label.entry(e.label).or_default().push(i);
    }
    let mut rng = SplitMix64(seed);
    let mut in_test = vec![false; examples.len()];
    for idx in by_label.values_mut() {
        rng.shuffle(idx);
        let n = idx.len();
        let mut take = (share * n as f64).round() as usize;
        if n >= 2 && share > 0.0 && share < 1.0 {
            take = take.clamp(1, n - 1);
        }
        for i in idx.iter().take(take.min(n)) {
            in_test[*i] = true;
        }
    }
    let mut train = Vec::new();
    let mut test = Vec::new();
    for (e, t) in examples.iter().zip(in_test) {
        if t {
            test.push(*e);
        } else {
            train.push(*e);
        }
    }
    (train, test)
}
