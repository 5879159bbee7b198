"""Transfer versus training from scratch, run side by side on the same splits and seeds.

A *method* is a factory ``seed -> TransferClassifier``; every method in a study sees exactly the same
train/validation/test splits and the same seeds, so differences are the methods' own. The study:

- repeats every method over several seeds and reports mean and standard deviation (variance over
  seeds is large at small label budgets, Pecher et al.);
- compares each transfer method with the named from-scratch baseline, paired by seed, and flags
  **negative transfer** when the transfer method is worse than the baseline by more than a margin;
- flags **degenerate runs** that predict a single class for the whole evaluation set (transformers
  #391, #753), which otherwise look like a plausible accuracy on imbalanced data.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..base import TransferClassifier
from ..errors import ConfigError, UsageError, did_you_mean

logger = logging.getLogger(__name__)

MethodFactory = Callable[[int], TransferClassifier]


@dataclass
class StudyConfig:
    """How a transfer-versus-scratch study is run and judged."""

    seeds: list[int] = field(default_factory=lambda: [13, 42, 87], metadata={"help": "Seeds; one run per seed per method."})
    metric: str = field(default="macro_f1", metadata={"help": "Metric to compare (a key of evaluate())."})
    baseline: str = field(default="scratch", metadata={"help": "Name of the from-scratch method to compare against."})
    scratch_methods: list[str] = field(
        default_factory=list,
        metadata={"help": "Other from-scratch methods: compared with the baseline but never flagged as negative transfer."},
    )
    negative_transfer_margin: float = field(
        default=0.0, metadata={"help": "Flag negative transfer when mean(transfer) < mean(baseline) - margin."}
    )
    eval_split: str = field(default="test", metadata={"help": "Split used for the reported figures."})

    def __post_init__(self) -> None:
        if not self.seeds:
            raise ConfigError("StudyConfig.seeds is empty; give at least one seed, e.g. seeds=[42].")
        if len(set(self.seeds)) != len(self.seeds):
            raise ConfigError(f"StudyConfig.seeds has duplicates: {self.seeds}.")
        if self.negative_transfer_margin < 0:
            raise ConfigError(f"negative_transfer_margin must be >= 0, got {self.negative_transfer_margin}.")


@dataclass
class RunRecord:
    method: str
    seed: int
    metrics: dict[str, float]
    fit_seconds: float
    degenerate: bool
    n_train: int


@dataclass
class MethodSummary:
    method: str
    mean: float
    std: float
    runs: int
    delta_vs_baseline: float | None = None
    wins_vs_baseline: str | None = None  # "k/n" seeds where the method beats the baseline
    negative_transfer: bool = False
    degenerate_runs: int = 0


@dataclass
class StudyResult:
    config: StudyConfig
    records: list[RunRecord]
    summaries: list[MethodSummary]

    def summary(self, method: str) -> MethodSummary:
        for s in self.summaries:
            if s.method == method:
                return s
        raise KeyError(method)

    @property
    def negative_transfer(self) -> list[str]:
        return [s.method for s in self.summaries if s.negative_transfer]

    def to_dict(self) -> dict:
        return {
            "config": asdict(self.config),
            "summaries": [asdict(s) for s in self.summaries],
            "records": [asdict(r) for r in self.records],
        }

    def to_json(self, path: str | Path | None = None) -> str:
        return dump_json(self.to_dict(), path)

    def to_markdown(self) -> str:
        m = self.config.metric
        lines = [
            f"| method | {m} (mean ± std over {len(self.config.seeds)} seeds) | Δ vs {self.config.baseline} "
            "| seeds won | flags |",
            "|---|---|---|---|---|",
        ]
        for s in self.summaries:
            delta = "—" if s.delta_vs_baseline is None else f"{s.delta_vs_baseline * 100:+.1f}"
            flags = []
            if s.negative_transfer:
                flags.append("**NEGATIVE TRANSFER**")
            if s.degenerate_runs:
                flags.append(f"{s.degenerate_runs} degenerate run(s)")
            lines.append(
                f"| {s.method} | {s.mean * 100:.1f} ± {s.std * 100:.1f} | {delta} | {s.wins_vs_baseline or '—'} "
                f"| {', '.join(flags) or 'ok'} |"
            )
        return "\n".join(lines)


def dump_json(data: dict, path: str | Path | None = None) -> str:
    """JSON text of ``data``, also written to ``path`` when one is given."""
    text = json.dumps(data, indent=2)
    if path:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _split(data, name: str):
    splits = getattr(data, "splits", data)
    if name not in splits:
        raise UsageError(f"The data has no {name!r} split (splits: {list(splits)}).{did_you_mean(name, list(splits))}")
    return splits[name]


def _is_degenerate(model: TransferClassifier, texts) -> bool:
    if model.schema is None or model.schema.multi_label:
        return False
    labels = model.predict(texts).labels
    return len(set(labels)) <= 1 and model.schema.num_labels > 1


def run_method(name: str, factory: MethodFactory, train, validation, evaluation, seed: int, metric: str) -> RunRecord:
    model = factory(seed)
    start = time.perf_counter()
    model.fit(train, validation)
    fit_seconds = time.perf_counter() - start
    metrics = model.evaluate(evaluation)
    if metric not in metrics:
        raise UsageError(f"Metric {metric!r} is not reported by {name}.{did_you_mean(metric, metrics)}")
    degenerate = _is_degenerate(model, evaluation["text"])
    if degenerate:
        logger.warning("%s (seed %d) predicts a single class for every %s example: degenerate run.", name, seed,
                       "evaluation")
    logger.info("%s seed=%d %s=%.4f (%.1fs)", name, seed, metric, metrics[metric], fit_seconds)
    return RunRecord(name, seed, metrics, fit_seconds, degenerate, len(train))


def summarise(records: list[RunRecord], config: StudyConfig, method_order: list[str]) -> list[MethodSummary]:
    by_method: dict[str, dict[int, float]] = {}
    degenerate: dict[str, int] = {}
    for r in records:
        by_method.setdefault(r.method, {})[r.seed] = r.metrics[config.metric]
        degenerate[r.method] = degenerate.get(r.method, 0) + int(r.degenerate)
    base = by_method.get(config.baseline)
    summaries = []
    for name in method_order:
        scores = by_method[name]
        values = list(scores.values())
        s = MethodSummary(
            method=name, mean=statistics.fmean(values), std=statistics.stdev(values) if len(values) > 1 else 0.0,
            runs=len(values), degenerate_runs=degenerate[name],
        )
        if base is not None and name != config.baseline:
            paired = [(scores[k], base[k]) for k in scores if k in base]
            s.delta_vs_baseline = statistics.fmean(a - b for a, b in paired)
            s.wins_vs_baseline = f"{sum(a > b for a, b in paired)}/{len(paired)}"
            is_transfer = name not in config.scratch_methods
            s.negative_transfer = is_transfer and s.delta_vs_baseline < -config.negative_transfer_margin
            if s.negative_transfer:
                logger.warning(
                    "Negative transfer: %s is %.1f points below the from-scratch baseline %s on %s.",
                    name, -s.delta_vs_baseline * 100, config.baseline, config.metric,
                )
        summaries.append(s)
    return summaries


def run_study(methods: Mapping[str, MethodFactory], data, config: StudyConfig | None = None) -> StudyResult:
    """Fit and evaluate every method on every seed, on the same splits, and judge transfer."""
    config = config or StudyConfig()
    if not methods:
        raise UsageError("run_study needs at least one method.")
    if config.baseline not in methods:
        raise UsageError(
            f"The baseline method {config.baseline!r} is not among the methods {list(methods)}."
            f"{did_you_mean(config.baseline, methods)} Add a from-scratch method or set StudyConfig.baseline."
        )
    train, evaluation = _split(data, "train"), _split(data, config.eval_split)
    splits = getattr(data, "splits", data)
    validation = splits["validation"] if "validation" in splits else None
    records = [
        run_method(name, factory, train, validation, evaluation, seed, config.metric)
        for seed in config.seeds
        for name, factory in methods.items()
    ]
    return StudyResult(config, records, summarise(records, config, list(methods)))
