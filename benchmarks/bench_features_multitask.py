"""Benchmark: multi-task CNN (one shared encoder, three heads) vs the same CNN trained per task, TweetEval.

    flock /tmp/nlptransfer-bench.lock timeout 3000 python benchmarks/bench_features_multitask.py --data ../shared/data

Runs ``recipes/multitask_tweeteval.py`` with ``--compare-single`` on emotion, irony and offensive (tweet
tokenizer, GloVe 6B 50d non-static, Kim CNN, proportional task sampling, validation splits for early
stopping) and records each task's official TweetEval test metric (emotion and offensive macro-F1, irony
F1 of the ``irony`` class) for the joint model and the single-task models, beside the TweetEval paper's
fastText baseline.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import markdown_table, write_section  # noqa: E402

FASTTEXT_PAPER = {"emotion": 65.2, "irony": 63.1, "offensive": 73.4}  # TweetEval paper, test set


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--sampling", default="proportional")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: the 2 cores are shared).")
    parser.add_argument("--max-train-samples", type=int, default=None, help="Smoke runs only.")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    import torch

    torch.set_num_threads(args.threads)
    recipe_path = Path(__file__).resolve().parents[1] / "recipes" / "multitask_tweeteval.py"
    spec = importlib.util.spec_from_file_location("multitask_tweeteval", recipe_path)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    with tempfile.TemporaryDirectory() as out:
        results = recipe.main(["--data", str(Path(args.data) / "tweeteval"), "--epochs", str(args.epochs),
                               "--patience", str(args.patience), "--sampling", args.sampling,
                               "--compare-single", "--output-dir", out]
                              + (["--max-train-samples", str(args.max_train_samples)] if args.max_train_samples else []))
    rows = []
    for task in results["tasks"]:
        joint, single = results["multitask"][task], results["single_task"][task]
        rows.append([task, joint["metric"], f"{100 * joint['score']:.1f}", f"{100 * single['score']:.1f}",
                     f"{100 * (joint['score'] - single['score']):+.1f}", f"{FASTTEXT_PAPER[task]:.1f}"])
    body = (
        f"Kim CNN (3/4/5 x 100 maps) on GloVe 6B 50d, non-static, tweet tokenizer, at most {args.epochs} epochs "
        f"(patience {args.patience}), {args.sampling} task sampling, equal task weights; joint fit took "
        f"{results['fit_seconds']:.0f} s (best epoch {results['best_epoch']}). torch threads {args.threads}.\n\n"
        + markdown_table(["task", "metric", "multi-task (shared encoder)", "single-task", "Δ", "fastText (paper)"],
                         rows)
    )
    print(body)
    if not args.no_write:
        write_section("features-multitask", "Multi-task CNN on TweetEval (emotion, irony, offensive)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
