#!/usr/bin/env python3
"""Baseline for the routing model: the approach paperless-ngx uses for its document classifier
(a bag of word unigrams and bigrams from CountVectorizer, then scikit-learn's MLPClassifier with
one hidden layer and tol=0.01), run on exactly the examples `ratusz intake eval` used.

Input is `label<TAB or space>text` lines: the train.tsv and test.tsv that
`ratusz intake eval --dump-split DIR` writes (so both sides see the same rows), or the 8TAGS
files directly. Prints accuracy, macro-F1 (scikit-learn's definition, as ours) and times.

    python bench/intake/baseline.py --dir /tmp/split
    python bench/intake/baseline.py --train a.txt --train b.txt --test c.txt

paperless-ngx preprocesses by lower-casing, collapsing white space and replacing non-word
characters by spaces; its NLTK stemming and stop words have no Polish, so they do not apply.
It uses min_df=0.01 (a word must be in 1% of documents): `--min-df` changes that, e.g. to 1
or 2 for short texts where 1% keeps almost nothing.
"""

import argparse
import re
import sys
import time

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.neural_network import MLPClassifier


def read(paths):
    texts, labels = [], []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                parts = re.split(r"[\t ]", line, maxsplit=1)
                if len(parts) != 2:
                    sys.exit(f"{path}: a line without text: {line!r}")
                labels.append(parts[0].strip())
                texts.append(parts[1].strip())
    return texts, labels


def preprocess(text):
    text = text.lower().strip()
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"[^\w\s]", " ", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", help="directory with train.tsv and test.tsv")
    ap.add_argument("--train", action="append", default=[])
    ap.add_argument("--test")
    ap.add_argument("--min-df", default="0.01", help="a fraction (0.01, paperless-ngx) or a count (1, 2)")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    if args.dir:
        train_paths, test_path = [f"{args.dir}/train.tsv"], f"{args.dir}/test.tsv"
    elif args.train and args.test:
        train_paths, test_path = args.train, args.test
    else:
        ap.error("give --dir, or --train and --test")
    min_df = float(args.min_df) if "." in args.min_df else int(args.min_df)

    x_train, y_train = read(train_paths)
    x_test, y_test = read([test_path])
    print(f"examples: {len(x_train)} train, {len(x_test)} test; min_df={min_df}")

    started = time.perf_counter()
    vectorizer = CountVectorizer(analyzer="word", ngram_range=(1, 2), min_df=min_df)
    data = vectorizer.fit_transform(preprocess(t) for t in x_train)
    classifier = MLPClassifier(tol=0.01, random_state=args.seed)
    classifier.fit(data, y_train)
    train_secs = time.perf_counter() - started
    print(f"training: {train_secs:.2f} s; {data.shape[1]} features, {classifier.n_iter_} iterations")

    started = time.perf_counter()
    predicted = [classifier.predict(vectorizer.transform([preprocess(t)]))[0] for t in x_test]
    per_item = (time.perf_counter() - started) * 1e6 / max(len(x_test), 1)
    print(f"classification: {per_item:.1f} µs per item (one at a time, as a letter arrives)")

    accuracy = accuracy_score(y_test, predicted)
    macro_f1 = f1_score(y_test, predicted, average="macro", zero_division=0)
    print(f"accuracy: {accuracy:.4f}  macro-F1: {macro_f1:.4f}  ({len(y_test)} test items)")


if __name__ == "__main__":
    main()
