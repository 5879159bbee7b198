"""``nlptransfer adapt``: continue training pretrained vectors on a domain corpus.

    nlptransfer adapt --vectors glove-6b-50d --corpus tweets.txt --mode lock --output adapted/
        --tokenizer-mode tweet --labelled tweeteval/emotion
    nlptransfer adapt --vectors model.bin --corpus domain.txt --mode continue --output ft_adapted/

Writes a vectors folder (``load_vectors(folder)`` and gensim ``KeyedVectors.load(folder/'vectors.kv')``
read it) plus ``adaptation_report.json`` / ``adaptation_report.md``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..errors import UsageError


def register(subparsers) -> None:
    from ..adapt.config import ADAPT_MODELS, AdaptConfig

    d = AdaptConfig()
    parser = subparsers.add_parser("adapt", help="Adapt pretrained static vectors to a domain corpus.",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", default="glove-6b-50d",
                        help="Pretrained vectors: a registered name, a vectors file/folder, or a fastText .bin "
                             "(default: glove-6b-50d).")
    parser.add_argument("--corpus", required=True, help="Domain corpus: text file with one document per line, "
                                                        "or a folder of .txt files.")
    parser.add_argument("--mode", default=d.mode, help="continue, lock, align or scratch (default: lock).")
    parser.add_argument("--output", "-o", required=True, help="Output folder for the vectors and the report.")
    parser.add_argument("--overwrite", action="store_true", help="Allow writing into a non-empty output folder.")
    parser.add_argument("--model", default=d.model, help=f"One of {', '.join(ADAPT_MODELS)} (default: word2vec).")
    parser.add_argument("--epochs", type=int, default=d.epochs, help=f"Passes over the corpus (default: {d.epochs}).")
    parser.add_argument("--alpha", type=float, default=d.alpha, help="Initial learning rate.")
    parser.add_argument("--min-alpha", type=float, default=d.min_alpha, help="Final learning rate.")
    parser.add_argument("--window", type=int, default=d.window, help="Context window.")
    parser.add_argument("--negative", type=int, default=d.negative, help="Negative samples (0: hierarchical softmax).")
    parser.add_argument("--sg", action="store_true", help="Skip-gram instead of CBOW.")
    parser.add_argument("--workers", type=int, default=d.workers, help="Training threads.")
    parser.add_argument("--min-count", type=int, default=d.min_count,
                        help="Minimum count for words the pretrained vectors know.")
    parser.add_argument("--min-count-new", type=int, default=d.min_count_new,
                        help="Minimum count for new domain words (reported: how many were dropped).")
    parser.add_argument("--warmup-epochs", type=int, default=d.warmup_epochs,
                        help="continue: first epochs with the pretrained rows frozen (default: 1).")
    parser.add_argument("--max-vocab", type=int, default=None, help="Cap on the training vocabulary.")
    parser.add_argument("--vector-size", type=int, default=None,
                        help="Vector size (only 'scratch' may differ from the pretrained dimension).")
    parser.add_argument("--seed", type=int, default=d.seed, help="Random seed.")
    parser.add_argument("--tokenizer-mode", default="standard", help="standard, tweet or whitespace.")
    parser.add_argument("--labelled", default=None,
                        help="Optional labelled data (file or split folder) whose OOV rate is reported.")
    parser.add_argument("--no-intrinsic", action="store_true", help="Skip wordsim/SimLex/analogy scores.")
    parser.add_argument("--save-model", action="store_true", help="Also save the gensim model (to continue later).")
    parser.add_argument("--no-progress", action="store_true", help="Hide the per-epoch progress bar.")
    parser.set_defaults(func=run)


def config_from_args(args):
    from ..adapt.config import AdaptConfig
    from ..data.tokenize import TokenizerConfig

    return AdaptConfig(
        mode=args.mode, model=args.model, epochs=args.epochs, alpha=args.alpha, min_alpha=args.min_alpha,
        window=args.window, negative=args.negative, sg=args.sg, workers=args.workers, min_count=args.min_count,
        min_count_new=args.min_count_new, warmup_epochs=args.warmup_epochs, max_vocab=args.max_vocab,
        vector_size=args.vector_size, seed=args.seed,
        tokenizer=TokenizerConfig(mode=args.tokenizer_mode), intrinsic=not args.no_intrinsic,
    )


def check_output_folder(path: Path, overwrite: bool) -> None:
    if path.exists() and not path.is_dir():
        raise UsageError(f"--output {path} is a file; give a folder.")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise UsageError(f"--output {path} exists and is not empty; pass --overwrite or choose another folder.")


def run(args) -> int:
    from ..adapt import adapt_vectors
    from ..adapt.progress import EpochProgressBar

    config = config_from_args(args)  # validates (unknown mode -> did-you-mean) before any loading
    output = Path(args.output)
    check_output_folder(output, args.overwrite)
    progress = EpochProgressBar(config.epochs, description=f"adapt {config.mode}",
                                disable=args.no_progress or args.quiet)
    if not args.debug:  # gensim logs every progress tick at INFO
        logging.getLogger("gensim").setLevel(logging.WARNING)
    result = adapt_vectors(args.vectors, args.corpus, config, labelled=args.labelled, callbacks=[progress])
    result.save(output, save_model=args.save_model)
    report = result.report
    corpus_oov = report.oov["corpus"]
    lines = [f"wrote {output} ({len(result.vectors):,} words, dim {result.vectors.dim})",
             f"new words added: {report.vocabulary['new_added']:,}; dropped under min_count_new="
             f"{config.min_count_new}: {report.vocabulary['new_dropped_types']:,}",
             f"corpus token OOV: {corpus_oov['before']['oov_rate']:.2%} -> {corpus_oov['after']['oov_rate']:.2%}"]
    if report.oov.get("labelled"):
        lab = report.oov["labelled"]
        lines.append(f"labelled token OOV: {lab['before']['oov_rate']:.2%} -> {lab['after']['oov_rate']:.2%}")
    lines.append(f"report: {output / 'adaptation_report.md'}")
    if not args.quiet:
        print("\n".join(lines))
    return 0
