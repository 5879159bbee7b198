"""``nlptransfer predict``: label texts with any saved nlptransfer classifier (fine-tuned, featurizer, CNN).

    nlptransfer predict --model runs/sst2 --text "a gorgeous, witty film" --text "a mess"
    nlptransfer predict --model runs/sst2 --input reviews.txt --output predictions.jsonl
    nlptransfer predict --model runs/sst2 --input test.csv --text-column sentence

Input files: .txt (one text per line), .csv/.tsv (column --text-column) or .jsonl (key --text-column).
Output: one JSON object per text with the label(s) and the probability of every label.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import DataError, DataFileNotFoundError, UsageError


def register(subparsers) -> None:
    parser = subparsers.add_parser("predict", help="Predict labels with any saved nlptransfer classifier.",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="Folder written by a save() or --output (any nlptransfer classifier).")
    parser.add_argument("--text", action="append", default=[], help="A text to classify (repeatable).")
    parser.add_argument("--input", default=None, help="File of texts: .txt, .csv, .tsv or .jsonl.")
    parser.add_argument("--text-column", default="text", help="Text column of a CSV/TSV/JSONL input (default: text).")
    parser.add_argument("--output", default=None, help="Write JSON lines here instead of standard output.")
    parser.add_argument("--batch-size", type=int, default=None, help="Texts per forward pass (default: as trained).")
    parser.set_defaults(func=run)


def read_texts(path: str | Path, text_column: str = "text") -> list[str]:
    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"Input file {path} does not exist.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        import pandas as pd

        frame = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False)
        if text_column not in frame.columns:
            raise DataError(f"{path} has no column {text_column!r} (columns: {list(frame.columns)}); "
                            "pass --text-column.")
        return frame[text_column].tolist()
    if suffix in (".jsonl", ".ndjson"):
        texts = []
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                record = json.loads(line)
                if text_column not in record:
                    raise DataError(f"{path}, line {line_no}: no key {text_column!r}; pass --text-column.")
                texts.append(str(record[text_column]))
        return texts
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(args) -> int:
    from ..classifiers import load_classifier

    texts = list(args.text)
    if args.input:
        texts += read_texts(args.input, args.text_column)
    if not texts:
        raise UsageError("Nothing to predict: pass --text \"...\" (repeatable) or --input FILE.")
    classifier = load_classifier(args.model)
    if args.batch_size:
        if args.batch_size < 1:
            raise UsageError(f"--batch-size must be >= 1, got {args.batch_size}.")
        if hasattr(classifier, "args"):  # transformer models batch prediction by their eval batch size
            classifier.args.eval_batch_size = args.batch_size
    prediction = classifier.predict(texts)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for text, record in zip(texts, prediction.to_records()):
            out.write(json.dumps({"text": text, **record}, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0
