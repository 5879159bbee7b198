"""``nlptransfer vectors``: inspect, convert and measure the coverage of pretrained vectors.

    nlptransfer vectors inspect glove-6b-50d
    nlptransfer vectors inspect wiki.en.vec --limit 50000 --json
    nlptransfer vectors convert wiki.en.bin                       # into the cache (memory-mappable)
    nlptransfer vectors convert glove-6b-50d --out glove50 --limit 100000 --dtype float16
    nlptransfer vectors convert glove-6b-50d --out glove.w2v.bin --to word2vec-bin
    nlptransfer vectors coverage --vectors glove-6b-50d --data ../shared/data/tweeteval/irony \\
        --tokenizer-mode tweet --json cov.json --markdown cov.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import UsageError

CONVERT_TARGETS = ("folder", "word2vec-text", "word2vec-bin", "glove", "fasttext-vec")


def _add_source_options(parser: argparse.ArgumentParser, positional: bool = True) -> None:
    if positional:
        parser.add_argument("source", help="Registered name (e.g. glove-6b-50d), vector file, or vectors folder.")
    parser.add_argument("--limit", type=int, default=None, help="Keep only the N most frequent (first) words.")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float16"), help="Matrix dtype.")
    parser.add_argument("--format", default=None, help="Force the input format (default: detected from the content).")
    parser.add_argument("--encoding", default="utf-8", help="Encoding of the words in the file (default: utf-8).")
    parser.add_argument("--cache-dir", default=None, help="Vectors cache folder (default: $NLPTRANSFER_CACHE/vectors).")


def _load(args, source: str):
    from ..vectors import load_vectors

    return load_vectors(source, limit=args.limit, dtype=args.dtype, cache_dir=args.cache_dir, format=args.format,
                        encoding=args.encoding)


def register(subparsers) -> None:
    parser = subparsers.add_parser("vectors", help="Inspect, convert and measure coverage of pretrained vectors.",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="vectors_command", metavar="ACTION")

    inspect = actions.add_parser("inspect", help="Format, size, dimension, sample words and norms.")
    _add_source_options(inspect)
    inspect.add_argument("--sample", type=int, default=10, help="How many sample words to show (default: 10).")
    inspect.add_argument("--json", action="store_true", help="Print JSON instead of text.")
    inspect.set_defaults(func=run_inspect)

    convert = actions.add_parser("convert", help="Convert to the memory-mapped cache, a folder, or another format.")
    _add_source_options(convert)
    convert.add_argument("--out", default=None, help="Output folder or file (default: only fill the cache).")
    convert.add_argument("--to", default="folder", choices=CONVERT_TARGETS,
                         help="Output format for --out (default: folder = .npy + vocab + gensim vectors.kv).")
    convert.set_defaults(func=run_convert)

    coverage = actions.add_parser("coverage", help="Token/type coverage of a corpus, per class, per recovery step.")
    coverage.add_argument("--vectors", default="glove-6b-50d", help="Vectors source (default: glove-6b-50d).")
    _add_source_options(coverage, positional=False)
    coverage.add_argument("--data", nargs="+", required=True,
                          help="Labelled file/folder (CSV/TSV/JSONL, split files) or text corpus (.txt, one per line).")
    coverage.add_argument("--splits", default=None,
                          help="Comma-separated splits of labelled data to count (default: all), e.g. train,test.")
    coverage.add_argument("--text-column", default="text", help="Text column of labelled data (default: text).")
    coverage.add_argument("--label-column", default="label", help="Label column of labelled data (default: label).")
    coverage.add_argument("--tokenizer-mode", default="standard", choices=("standard", "tweet", "whitespace"),
                          help="Word tokenizer mode (default: standard; tweet keeps #tags, @users, emoji).")
    coverage.add_argument("--no-lowercase", action="store_true", help="Keep case (for cased vectors).")
    coverage.add_argument("--oov-policy", default="normalize>subword",
                          help="Recovery steps to measure (default: normalize>subword).")
    coverage.add_argument("--top", type=int, default=20, help="How many OOV tokens to list (default: 20).")
    coverage.add_argument("--threshold", type=float, default=0.5,
                          help="Warn when exact token coverage is below this fraction (default: 0.5).")
    coverage.add_argument("--json", dest="json_out", default=None, help="Write the report as JSON to this file.")
    coverage.add_argument("--markdown", default=None, help="Write the report as Markdown to this file.")
    coverage.set_defaults(func=run_coverage)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def run_inspect(args) -> int:
    from ..vectors._formats import float_summary

    vectors = _load(args, args.source)
    n = max(0, args.sample)
    info = {
        "source": vectors.source,
        "format": vectors.metadata.get("source_format", "nlptransfer folder"),
        "words": len(vectors),
        "dim": vectors.dim,
        "dtype": str(vectors.dtype),
        "subwords": vectors.subwords.to_dict() if vectors.subwords is not None else None,
        "sample_words": vectors.words[:n],
        "norms": float_summary(vectors.matrix),
        "cache_entry": vectors.metadata.get("folder"),
        "content_hash": vectors.metadata.get("content_hash"),
    }
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    norms = info["norms"]
    print(f"source:   {info['source']}")
    print(f"format:   {info['format']}")
    print(f"size:     {info['words']} words x {info['dim']} ({info['dtype']})")
    if info["subwords"]:
        sw = info["subwords"]
        print(f"subwords: {sw['bucket']} n-gram buckets, n = {sw['min_n']}..{sw['max_n']}")
    print(f"sample:   {' '.join(info['sample_words'])}")
    print(f"norms:    min {norms['norm_min']:.4f}  mean {norms['norm_mean']:.4f}  max {norms['norm_max']:.4f}"
          f"  ({norms['zero_rows']} zero rows in the first {norms['rows_sampled']})")
    if info["cache_entry"]:
        print(f"cache:    {info['cache_entry']}")
    return 0


def run_convert(args) -> int:
    from ..vectors._formats import write_text, write_word2vec_binary

    vectors = _load(args, args.source)
    if args.out is None:
        if args.to != "folder":
            raise UsageError("--to needs --out (the file to write); without --out the vectors only go to the cache.")
        print(f"{len(vectors)} x {vectors.dim} vectors cached at {vectors.metadata.get('folder', '(not cached)')}")
        return 0
    out = Path(args.out)
    if args.to == "folder":
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise UsageError(f"--out {out} exists and is not an empty folder; choose a new folder.")
        vectors.save(out)
    else:
        if out.is_dir():
            raise UsageError(f"--out {out} is a folder; --to {args.to} writes a single file.")
        out.parent.mkdir(parents=True, exist_ok=True)
        if args.to == "word2vec-bin":
            write_word2vec_binary(out, vectors.words, vectors.matrix)
        else:
            write_text(out, vectors.words, vectors.matrix, header=args.to != "glove",
                       trailing_space=args.to == "fasttext-vec")
    print(f"wrote {len(vectors)} x {vectors.dim} vectors to {out} ({args.to})")
    return 0


def _read_coverage_data(args) -> tuple[list[str], list | None]:
    from ..data.corpus import TextCorpus
    from ..data.loading import load_labelled

    texts: list[str] = []
    labels: list | None = []
    wanted = [s.strip() for s in args.splits.split(",")] if args.splits else None
    for item in args.data:
        path = Path(item)
        is_text = path.is_file() and path.suffix.lower() in (".txt", ".gz") and not path.name.endswith((".csv.gz",
                                                                                                    ".tsv.gz"))
        is_text = is_text or (path.is_dir() and not any(p.suffix in (".csv", ".tsv", ".jsonl", ".json", ".parquet")
                                                        for p in path.iterdir()))
        if is_text:
            texts += list(TextCorpus(path))
            labels = None
            continue
        data = load_labelled(item, text_column=args.text_column, label_column=args.label_column, validation_size=0)
        splits = wanted or list(data.splits)
        missing = [s for s in splits if s not in data.splits]
        if missing:
            raise UsageError(f"--splits {','.join(missing)} not in {item} (has {', '.join(data.splits)}).")
        for s in splits:
            texts += list(data.splits[s]["text"])
            if labels is not None:
                labels += [str(x) for x in data.splits[s]["label"]]
    return texts, labels


def run_coverage(args) -> int:
    from ..data.tokenize import TokenizerConfig, WordTokenizer
    from ..vectors.coverage import compute_coverage

    vectors = _load(args, args.vectors)
    texts, labels = _read_coverage_data(args)
    tokenizer = WordTokenizer(TokenizerConfig(mode=args.tokenizer_mode, lowercase=not args.no_lowercase))
    report = compute_coverage(vectors, texts, labels=labels, tokenizer=tokenizer, oov_policy=args.oov_policy,
                              top_n=args.top, threshold=args.threshold)
    if args.json_out:
        report.to_json(args.json_out)
    if args.markdown:
        report.to_markdown(args.markdown)
    if not args.json_out and not args.markdown:
        print(report.to_markdown())
    else:
        print(f"{report.n_tokens} tokens: exact token coverage {report.token_coverage:.2%}, "
              f"with {report.oov_policy} {report.token_coverage_recovered:.2%}; "
              f"type coverage {report.type_coverage:.2%} / {report.type_coverage_recovered:.2%}")
    return 0
