"""Benchmark: test figures of fine-tuned all-MiniLM-L6-v2 against the issue-6 goals.

    flock /tmp/nlptransfer-bench.lock timeout 3000 python benchmarks/bench_finetune_goals.py --data ../shared/data

One ``TransformerClassifier`` per data set, configured before looking at any test figure and never
changed after (no tuning on test): full fine-tuning, batch 32, linear schedule with 10% warmup, max
length 128, bf16 autocast, seed 42, evaluation on the validation split after every epoch, early
stopping (patience 1) on the data set's own metric, best epoch restored, then ONE evaluation on test.
TREC has no validation split, so 10% of train is held out (stratified, seed 42) by ``load_labelled``.
Imbalanced tasks scored by macro-F1 (emotion, offensive) use ``class_weights="auto"``.

Goals (issue 6): SST-2 accuracy >= 89; TREC accuracy >= 96; TweetEval emotion macro-F1 >= 76.1;
irony F1 of the ``irony`` class >= 70; offensive macro-F1 >= 79.5. The run must fit in about 25 minutes
on 2 CPU cores, which bounds the epochs and, for offensive, the training-set size (``--offensive-train``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import markdown_table, write_section  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass
class Task:
    name: str
    folder: str
    metric: str  # key of classification_metrics, also the early-stopping metric
    goal: float  # in percent
    options: dict = field(default_factory=dict)

    @property
    def metric_label(self) -> str:
        return {"accuracy": "accuracy", "macro_f1": "macro-F1"}.get(self.metric, self.metric.replace("f1_", "F1 "))


TASKS = [
    Task("sst2", "sst2", "accuracy", 89.0, {"num_epochs": 3}),
    Task("trec", "trec", "accuracy", 96.0, {"num_epochs": 4}),
    Task("emotion", "tweeteval/emotion", "macro_f1", 76.1, {"num_epochs": 4, "class_weights": "auto"}),
    Task("irony", "tweeteval/irony", "f1_irony", 70.0, {"num_epochs": 4}),
    Task("offensive", "tweeteval/offensive", "macro_f1", 79.5, {"num_epochs": 2, "class_weights": "auto"}),
]


def run_task(task: Task, data: Path, *, model_path: str, learning_rate: float, precision: str, seed: int,
             max_train: int | None) -> dict:
    from nlptransfer.data.loading import load_labelled
    from nlptransfer.finetune.args import FinetuneArguments
    from nlptransfer.finetune.model import TransformerClassifier

    start = time.perf_counter()
    loaded = load_labelled(data / task.folder, seed=seed)
    train, validation, test = loaded.splits["train"], loaded.splits["validation"], loaded.splits["test"]
    full_size = len(train)
    if max_train and max_train < len(train):
        train = train.shuffle(seed=seed).select(range(max_train))
    options = dict(strategy="full", batch_size=32, eval_batch_size=128, learning_rate=learning_rate,
                   warmup_fraction=0.1, weight_decay=0.01, max_length=128, mixed_precision=precision, seed=seed,
                   metric_for_best_model=task.metric, early_stopping_patience=1, logging_steps=10_000)
    options.update(task.options)
    args = FinetuneArguments(model_name_or_path=model_path, **options)
    clf = TransformerClassifier(args).fit(train, validation, schema=loaded.schema)
    test_metrics = clf.evaluate(test)
    result = clf.loop_result
    return {
        "task": task.name, "train": len(train), "train_available": full_size, "validation": len(validation),
        "test": len(test), "epochs_run": len({h["epoch"] for h in result.history if "eval_loss" in h}),
        "best_epoch": result.best_epoch, "validation_metric": 100 * float(result.best_metric),
        "test_metric": 100 * float(test_metrics[task.metric]), "test_accuracy": 100 * test_metrics["accuracy"],
        "test_macro_f1": 100 * test_metrics["macro_f1"], "seconds": time.perf_counter() - start,
        "options": {k: v for k, v in options.items() if k in ("num_epochs", "class_weights", "learning_rate")},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data", help="Benchmark data folder.")
    parser.add_argument("--model", default=None, help="Model folder; default: the packaged all-MiniLM-L6-v2.")
    parser.add_argument("--tasks", default=",".join(t.name for t in TASKS), help="Comma list of tasks.")
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--precision", default="bf16", choices=["no", "bf16"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--offensive-train", type=int, default=6000,
                        help="Train on this many offensive examples (of 11,916) to fit the CPU budget; 0 = all.")
    parser.add_argument("--max-train", type=int, default=None, help="Cap every train split (smoke tests only).")
    parser.add_argument("--json", default=None, help="Also write the per-task results to this JSON file.")
    parser.add_argument("--no-write", action="store_true", help="Print only; do not update RESULTS.md.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("nlptransfer.finetune.loop").setLevel(logging.INFO)

    import torch

    from nlptransfer.errors import UsageError, did_you_mean
    from nlptransfer.finetune.args import default_model_path

    torch.set_num_threads(min(2, os.cpu_count() or 2))
    model_path = args.model or default_model_path()
    by_name = {t.name: t for t in TASKS}
    wanted = [n.strip() for n in args.tasks.split(",") if n.strip()]
    for name in wanted:
        if name not in by_name:
            raise UsageError(f"Unknown task {name!r}.{did_you_mean(name, by_name)}")
    results = []
    total_start = time.perf_counter()
    for name in wanted:
        task = by_name[name]
        cap = args.max_train or (args.offensive_train if name == "offensive" and args.offensive_train else None)
        results.append(run_task(task, Path(args.data), model_path=model_path, learning_rate=args.learning_rate,
                                precision=args.precision, seed=args.seed, max_train=cap))
        print(json.dumps(results[-1]), flush=True)
    total = time.perf_counter() - total_start

    rows = []
    for r in results:
        task = by_name[r["task"]]
        gap = r["test_metric"] - task.goal
        train = f"{r['train']}" + (f" of {r['train_available']}" if r["train"] < r["train_available"] else "")
        rows.append([r["task"], task.metric_label, f"{r['test_metric']:.2f}", f"{task.goal:.1f}",
                     ("met" if gap >= 0 else f"missed by {-gap:.1f}"), f"{r['validation_metric']:.2f}",
                     f"{r['best_epoch'] + 1}/{r['epochs_run']} (max {r['options']['num_epochs']})", train,
                     r["options"].get("class_weights") or "-", f"{r['seconds']:.0f}"])
    body = (
        f"all-MiniLM-L6-v2 (22M parameters), strategy `full`, lr {args.learning_rate:g}, batch 32, 10% warmup, "
        f"max_length 128, precision {args.precision}, seed {args.seed}; early stopping (patience 1) on the "
        "validation metric, best epoch restored, one test evaluation. Total wall time "
        f"{total / 60:.1f} min.\n\n"
        + markdown_table(["task", "metric", "test", "goal", "vs goal", "validation", "best epoch / run",
                          "train examples", "class weights", "seconds"], rows)
        + "\n\nThe goals come from issue 6. For scale: the TweetEval paper's RoBERTa-base (125M parameters) "
        "scored 76.1 / 59.7 / 79.5 on emotion / irony / offensive (``../shared/data/README.md``), while "
        "all-MiniLM-L6-v2 has 22M parameters and was trained for sentence similarity with mean pooling (the "
        "classifier here reads the [CLS] pooler). Misses are recorded with their gap, not tuned away on test."
    )
    print(body)
    if args.json:
        Path(args.json).write_text(json.dumps({"argv": sys.argv, "total_seconds": total, "results": results},
                                              indent=2))
    if not args.no_write:
        write_section("finetune_goals", "Fine-tuning test figures vs goals (issue 6)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
