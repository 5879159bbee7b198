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
    parser.add_argument("--sampling", default="proportional,alternating", help="Comma-separated samplings.")
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
    samplings = [x.strip() for x in args.sampling.split(",") if x.strip()]
    runs = {}
    for i, sampling in enumerate(samplings):
        with tempfile.TemporaryDirectory() as out:
            runs[sampling] = recipe.main(
                ["--data", str(Path(args.data) / "tweeteval"), "--epochs", str(args.epochs), "--patience",
                 str(args.patience), "--sampling", sampling, "--output-dir", out]
                + (["--compare-single"] if i == 0 else [])  # the single-task models do not depend on sampling
                + (["--max-train-samples", str(args.max_train_samples)] if args.max_train_samples else []))
    first = runs[samplings[0]]
    rows = []
    for task in first["tasks"]:
        single = first["single_task"][task]["score"]
        row = [task, first["multitask"][task]["metric"], f"{100 * single:.1f}"]
        for sampling in samplings:
            joint = runs[sampling]["multitask"][task]["score"]
            row += [f"{100 * joint:.1f}", f"{100 * (joint - single):+.1f}"]
        rows.append(row + [f"{FASTTEXT_PAPER[task]:.1f}"])
    headers = ["task", "metric", "single-task"]
    for sampling in samplings:
        headers += [f"multi-task, {sampling}", "Δ"]
    fits = ", ".join(f"{s}: {runs[s]['fit_seconds']:.0f} s (best epoch {runs[s]['best_epoch']})" for s in samplings)
    body = (
        f"Kim CNN (3/4/5 x 100 maps) on GloVe 6B 50d, non-static, tweet tokenizer, at most {args.epochs} epochs "
        f"(patience {args.patience}, early stopping on the unweighted mean of the tasks' validation accuracy), "
        f"equal task weights. Joint fits: {fits}. "
        f"torch threads {args.threads}.\n\n"
        + markdown_table(headers + ["fastText (paper)"], rows)
        + "\n\nΔ = multi-task minus single-task (same architecture, vectors and training options)."
    )
    print(body)
    if not args.no_write:
        write_section("features-multitask", "Multi-task CNN on TweetEval (emotion, irony, offensive)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
