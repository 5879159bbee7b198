"""``nlptransfer data``: inspect a labelled data set, draw a few-shot sample, or count a corpus.

    nlptransfer data inspect corpora/demo
    nlptransfer data inspect tweets.tsv --text-column tweet --label-column emotion --json
    nlptransfer data sample corpora/demo --n-per-class 16 --seed 1 --output few16.csv
    nlptransfer data corpus corpora/demo/unlabelled.txt --tokenizer tweet
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from ..errors import UsageError


def _add_load_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="CSV/TSV/JSONL/parquet file, folder of split files, or Hub dataset id.")
    parser.add_argument("--text-column", default="text", help="Column holding the text (default: text).")
    parser.add_argument("--label-column", default="label", help="Column holding the label (default: label).")
    parser.add_argument("--format", default=None, help="Force the format: csv, tsv, jsonl, json, parquet, hub.")
    parser.add_argument("--encoding", default="utf-8", help="Text encoding of the files (default: utf-8).")
    parser.add_argument("--hub-config", default=None, help="Configuration name of a Hub dataset.")
    parser.add_argument("--multi-label", action="store_true", help="Labels are lists (CSV: separated cells).")
    parser.add_argument("--label-separator", default=",", help="Separator of labels in one cell (default: ,).")
    parser.add_argument("--keep-column", action="append", default=[], dest="keep_columns",
                        help="Extra column to keep (repeatable).")
    parser.add_argument("--drop-empty-text", action="store_true", help="Drop rows with empty text (counted).")
    parser.add_argument("--seed", type=int, default=42, help="Seed for splits made from train (default: 42).")


def _load(args, **overrides):
    from ..data.loading import load_labelled

    options = dict(
        text_column=args.text_column, label_column=args.label_column, format=args.format, encoding=args.encoding,
        hub_config=args.hub_config, multi_label=args.multi_label, label_separator=args.label_separator,
        keep_columns=tuple(args.keep_columns), drop_empty_text=args.drop_empty_text, seed=args.seed,
    )
    options.update(overrides)
    return load_labelled(args.path, **options)


def _fraction_or_count(text: str):
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a fraction like 0.1 or a row count, got {text!r}") from None


def register(subparsers) -> None:
    parser = subparsers.add_parser("data", help="Inspect labelled data, draw few-shot samples, count corpora.",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION")

    inspect = actions.add_parser("inspect", help="Print split sizes and class counts as the loader sees them.")
    _add_load_options(inspect)
    inspect.add_argument("--validation-size", type=_fraction_or_count, default=0.1,
                         help="Fraction or count of train held out when there is no validation split (0: none).")
    inspect.add_argument("--json", action="store_true", help="Print the summary as JSON.")
    inspect.set_defaults(func=run_inspect)

    sample = actions.add_parser("sample", help="Write a seeded, nested few-shot sample of one split.")
    _add_load_options(sample)
    sample.add_argument("--n-per-class", type=int, required=True, help="Examples per class.")
    sample.add_argument("--split", default="train", help="Split to sample from (default: train, whole file).")
    sample.add_argument("--output", "-o", required=True, help="Output file (.csv, .tsv, .jsonl or .parquet).")
    sample.set_defaults(func=run_sample)

    corpus = actions.add_parser("corpus", help="Count documents, tokens and vocabulary of an unlabelled corpus.")
    corpus.add_argument("path", help="Text file (one document per line), folder of .txt files, or CSV/JSONL.")
    corpus.add_argument("--column", default=None, help="Text column of a CSV/TSV/JSONL corpus (default: text).")
    corpus.add_argument("--encoding", default="utf-8", help="Text encoding (default: utf-8).")
    corpus.add_argument("--tokenizer", default="standard", help="Tokenizer mode: standard, tweet or whitespace.")
    corpus.add_argument("--limit", type=int, default=None, help="Read at most this many documents.")
    corpus.add_argument("--json", action="store_true", help="Print the counts as JSON.")
    corpus.set_defaults(func=run_corpus)

    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_inspect(args) -> int:
    data = _load(args, validation_size=args.validation_size)
    if args.json:
        print(json.dumps(data.summary(), indent=2, ensure_ascii=False))
    else:
        print(data.format_summary())
    return 0


def run_sample(args) -> int:
    from ..data.formats import detect_format, write_table
    from ..data.sampling import few_shot

    output = Path(args.output)
    detect_format(output)  # fail on a bad extension before loading anything
    if output.resolve() == Path(args.path).resolve():
        raise UsageError(f"--output {args.output!r} is the input file; choose another name so the data is kept.")
    data = _load(args, validation_size=0)  # sample from the whole training file, not from a held-out rest
    subset = few_shot(data[args.split], args.n_per_class, seed=args.seed)
    write_table(subset.to_dict(), output)
    counts = Counter(subset["label"])
    print(f"wrote {len(subset)} rows to {output} ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))})")
    return 0


def run_corpus(args) -> int:
    from ..data.corpus import TextCorpus, TokenizedCorpus
    from ..data.tokenize import WordTokenizer

    texts = TextCorpus(args.path, encoding=args.encoding, column=args.column, limit=args.limit)
    tokens = TokenizedCorpus(texts, WordTokenizer(mode=args.tokenizer))
    documents = 0
    counts: Counter[str] = Counter()
    for doc_tokens in tokens:
        documents += 1
        counts.update(doc_tokens)
    result = {"corpus": texts.describe(), "documents": documents, "tokens": sum(counts.values()),
              "vocabulary": len(counts), "tokenizer": args.tokenizer,
              "most_common": [[w, c] for w, c in counts.most_common(10)]}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(f"{result['corpus']}: {documents} documents, {result['tokens']} tokens, "
              f"{result['vocabulary']} distinct ({args.tokenizer} tokenizer)")
        print("most common: " + ", ".join(f"{w} ({c})" for w, c in counts.most_common(10)))
    return 0
