"""Recipe: multi-task learning on TweetEval: one shared CNN encoder on GloVe, one head per task.

    python recipes/multitask_tweeteval.py --data ../shared/data/tweeteval --tasks emotion,irony,offensive \
        --output-dir runs/multitask --compare-single
    python recipes/multitask_tweeteval.py --config multitask.yaml     # keys = the options below; flags win

Steps: 1. read options (YAML file first, flags override); 2. load each task's splits (DATA/<task>/);
3. build the shared EmbeddingClassifierConfig; 4. train all tasks jointly (proportional or alternating task
batches, per-task loss weights) in the shared Accelerate loop; 5. evaluate each task on its test split with
the TweetEval metric (emotion/offensive macro-F1, irony F1 of the irony class); 6. optionally train each task
alone with the same settings for comparison; 7. save the model and write all_results.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from nlptransfer.errors import DataFileNotFoundError, UsageError
from nlptransfer.features.multitask import SAMPLING, MultiTaskEmbeddingClassifier
from nlptransfer.features.neural import EmbeddingClassifier, EmbeddingClassifierConfig
from nlptransfer.features.runs import load_data, parse_with_yaml, write_results

# TweetEval's official metric per task (Barbieri et al. 2020)
TWEETEVAL_METRIC = {"emotion": "macro_f1", "irony": "f1_irony", "offensive": "macro_f1", "sentiment": "macro_f1"}


def build_parser() -> argparse.ArgumentParser:
    d = EmbeddingClassifierConfig()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="YAML file with any of the options below.")
    p.add_argument("--data", help="Folder holding one sub-folder of split files per task.")
    p.add_argument("--tasks", default="emotion,irony,offensive", help="Comma-separated task folder names.")
    p.add_argument("--output-dir", default="runs/multitask_tweeteval")
    p.add_argument("--sampling", default="proportional", help=f"One of {SAMPLING}.")
    p.add_argument("--task-weights", default=None, help="e.g. irony=2,emotion=1 (default: all 1).")
    p.add_argument("--architecture", default="cnn")
    p.add_argument("--init-mode", default=d.init_mode)
    p.add_argument("--vectors", default=d.vectors)
    p.add_argument("--oov-policy", default=d.oov_policy)
    p.add_argument("--tokenizer-mode", default="tweet")
    p.add_argument("--num-filters", type=int, default=d.num_filters)
    p.add_argument("--epochs", type=int, default=d.num_epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--learning-rate", type=float, default=d.learning_rate)
    p.add_argument("--patience", type=int, default=d.early_stopping_patience)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--max-train-samples", type=int, default=None, help="Cap each task's training set.")
    p.add_argument("--compare-single", action="store_true", help="Also train each task alone.")
    return p


def parse_weights(spec) -> dict[str, float]:
    if not spec:
        return {}
    if isinstance(spec, dict):
        return {str(k): float(v) for k, v in spec.items()}
    try:
        return {k.strip(): float(v) for k, v in (part.split("=") for part in str(spec).split(","))}
    except ValueError:
        raise UsageError(f"--task-weights must look like irony=2,emotion=1; got {spec!r}.") from None


def task_score(metrics: dict, task: str) -> float:
    return float(metrics.get(TWEETEVAL_METRIC.get(task, "macro_f1"), metrics["macro_f1"]))


def main(argv=None) -> dict:
    # 1. options
    args = parse_with_yaml(build_parser(), argv)
    if not args.data:
        raise UsageError("No data given: pass --data FOLDER or set data: in the --config file.")
    tasks = [t.strip() for t in str(args.tasks).split(",") if t.strip()]
    # 2. data: DATA/<task>/{train,validation,test}.csv
    splits = {}
    for task in tasks:
        folder = Path(args.data) / task
        if not folder.is_dir():
            raise DataFileNotFoundError(f"No folder {folder} for task {task!r}; --data must hold one folder per task.")
        splits[task] = load_data(folder, validation_size=0.1, seed=args.seed, max_train_samples=args.max_train_samples)
    # 3. configuration shared by the encoder (and the single-task runs)
    config = EmbeddingClassifierConfig(
        architecture=args.architecture, init_mode=args.init_mode, vectors=args.vectors, oov_policy=args.oov_policy,
        tokenizer={"mode": args.tokenizer_mode}, num_filters=args.num_filters, num_epochs=args.epochs,
        batch_size=args.batch_size, learning_rate=args.learning_rate, early_stopping_patience=args.patience,
        seed=args.seed)
    # 4. joint training
    start = time.perf_counter()
    model = MultiTaskEmbeddingClassifier(config, sampling=args.sampling, task_weights=parse_weights(args.task_weights))
    model.fit({t: s["train"] for t, s in splits.items()}, {t: s["validation"] for t, s in splits.items()})
    results = {"method": "multitask-" + args.architecture, "tasks": tasks, "sampling": args.sampling,
               "task_weights": model.task_weights, "fit_seconds": time.perf_counter() - start,
               "best_epoch": model.training_summary["best_epoch"], "multitask": {}, "single_task": {}}
    # 5. per-task test metrics
    for task in tasks:
        if "test" in splits[task]:
            metrics = model.evaluate(splits[task]["test"], task)
            results["multitask"][task] = {"score": task_score(metrics, task), "metric": TWEETEVAL_METRIC.get(
                task, "macro_f1"), **metrics}
    # 6. single-task baselines with the same settings
    if args.compare_single:
        for task in tasks:
            single = EmbeddingClassifier(config).fit(splits[task]["train"], splits[task]["validation"])
            if "test" in splits[task]:
                metrics = single.evaluate(splits[task]["test"])
                results["single_task"][task] = {"score": task_score(metrics, task), **metrics}
    # 7. save
    out = Path(args.output_dir)
    model.save(out / "model")
    results["model_dir"] = str(out / "model")
    write_results(out, results)
    return results


if __name__ == "__main__":
    from nlptransfer.errors import NLPTransferError

    try:
        res = main()
        print({t: round(r["score"], 4) for t, r in res["multitask"].items()},
              {t: round(r["score"], 4) for t, r in res["single_task"].items()})
    except NLPTransferError as err:
        print(f"multitask_tweeteval: error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
