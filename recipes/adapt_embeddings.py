"""Recipe: adapt pretrained static vectors to a domain corpus and record the outcome.

    python recipes/adapt_embeddings.py --vectors glove-6b-50d --corpus ../shared/data/tweets_unlabeled.txt
        --mode lock --tokenizer-mode tweet --labelled ../shared/data/tweeteval/emotion --output-dir runs/adapt
    python recipes/adapt_embeddings.py --config adapt.yaml      # same keys as the options (dashes or underscores)

Steps: 1. read options (a YAML file first, command-line options override it); 2. build the AdaptConfig;
3. adapt; 4. write the vectors folder and the adaptation report; 5. write all_results.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlptransfer.adapt import AdaptConfig, adapt_vectors
from nlptransfer.data.tokenize import TokenizerConfig
from nlptransfer.errors import ConfigError, did_you_mean


def build_parser() -> argparse.ArgumentParser:
    d = AdaptConfig()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="YAML file with any of the options below.")
    p.add_argument("--vectors", default="glove-6b-50d", help="Pretrained vectors name, path or fastText .bin.")
    p.add_argument("--corpus", help="Domain corpus (one document per line, or a folder of .txt files).")
    p.add_argument("--output-dir", default="runs/adapt_embeddings", help="Where vectors and results go.")
    p.add_argument("--mode", default=d.mode, help="continue, lock, align or scratch.")
    p.add_argument("--model", default=d.model, help="word2vec or fasttext.")
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--min-count", type=int, default=d.min_count)
    p.add_argument("--min-count-new", type=int, default=d.min_count_new)
    p.add_argument("--workers", type=int, default=d.workers)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--tokenizer-mode", default="standard", help="standard, tweet or whitespace.")
    p.add_argument("--labelled", default=None, help="Labelled data whose token OOV rate is reported.")
    p.add_argument("--no-intrinsic", action="store_true", help="Skip wordsim/SimLex/analogy scores.")
    return p


def parse_options(argv=None) -> argparse.Namespace:
    parser = build_parser()
    known, _ = parser.parse_known_args(argv)
    if known.config:
        import yaml

        with open(known.config, encoding="utf-8") as fh:
            values = yaml.safe_load(fh) or {}
        if not isinstance(values, dict):
            raise ConfigError(f"{known.config} must hold a mapping of option: value.")
        dests = {a.dest for a in parser._actions} - {"help", "config"}
        values = {str(k).replace("-", "_"): v for k, v in values.items()}
        for key in values:
            if key not in dests:
                raise ConfigError(f"Unknown option {key!r} in {known.config}.{did_you_mean(key, sorted(dests))}")
        parser.set_defaults(**values)  # the command line still overrides the file
    args = parser.parse_args(argv)
    if not args.corpus:
        raise ConfigError("No corpus given: pass --corpus FILE or set corpus: in the --config file.")
    return args


def main(argv=None) -> dict:
    # 1. options
    args = parse_options(argv)
    # 2. configuration (validated: unknown mode -> did-you-mean)
    config = AdaptConfig(mode=args.mode, model=args.model, epochs=args.epochs, min_count=args.min_count,
                         min_count_new=args.min_count_new, workers=args.workers, seed=args.seed,
                         tokenizer=TokenizerConfig(mode=args.tokenizer_mode), intrinsic=not args.no_intrinsic)
    # 3. adapt
    result = adapt_vectors(args.vectors, args.corpus, config, labelled=args.labelled)
    # 4. vectors folder + adaptation report
    output_dir = Path(args.output_dir)
    vectors_dir = result.save(output_dir / "vectors")
    # 5. the headline figures
    report = result.report
    results = {
        "mode": config.mode, "model": config.model, "vectors": str(vectors_dir),
        "corpus_oov_before": report.oov["corpus"]["before"]["oov_rate"],
        "corpus_oov_after": report.oov["corpus"]["after"]["oov_rate"],
        "labelled_oov_before": report.oov["labelled"]["before"]["oov_rate"] if report.oov["labelled"] else None,
        "labelled_oov_after": report.oov["labelled"]["after"]["oov_rate"] if report.oov["labelled"] else None,
        "new_words": report.vocabulary["new_added"], "new_words_dropped": report.vocabulary["new_dropped_types"],
        "train_seconds": report.training["seconds"], "words_per_second": report.training["words_per_second"],
        "intrinsic_after": report.intrinsic["after"] if report.intrinsic else None,
        "config": config.to_dict(),
    }
    (output_dir / "all_results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    from nlptransfer.errors import NLPTransferError

    try:
        main()
    except NLPTransferError as err:
        print(f"adapt_embeddings: error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
