"""Learning curves over label budgets, with the break-even point between transfer and scratch.

Transfer usually wins at small label budgets and the gap closes as labels grow (Pecher et al. put the
break-even at about 100-1,000 labels). A curve trains every method on nested few-shot subsets of the
training split (the 16-per-class subset contains the 8-per-class one, per seed), evaluates on the same
held-out split, and reports where the from-scratch baseline catches up with each transfer method.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import ConfigError, UsageError
from .study import MethodFactory, RunRecord, StudyConfig, _split, dump_json, run_method


@dataclass
class LearningCurveConfig(StudyConfig):
    """A study repeated at several label budgets (examples per class)."""

    sizes: list[int] = field(default_factory=lambda: [8, 16, 32, 64], metadata={"help": "Examples per class."})

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.sizes or any(int(n) < 1 for n in self.sizes):
            raise ConfigError(f"LearningCurveConfig.sizes must be positive integers, got {self.sizes}.")
        self.sizes = sorted(set(int(n) for n in self.sizes))


@dataclass
class CurvePoint:
    method: str
    size: int
    mean: float
    std: float
    runs: int


@dataclass
class LearningCurve:
    config: LearningCurveConfig
    records: list[tuple[int, RunRecord]]
    points: list[CurvePoint]

    def series(self, method: str) -> list[CurvePoint]:
        return [p for p in self.points if p.method == method]

    def break_even(self, method: str) -> int | None:
        """Smallest budget at which the baseline matches or beats ``method``; None if it never does."""
        base = {p.size: p.mean for p in self.series(self.config.baseline)}
        for p in self.series(method):
            if p.size in base and base[p.size] >= p.mean:
                return p.size
        return None

    def to_dict(self) -> dict:
        methods = sorted({p.method for p in self.points})
        return {
            "config": asdict(self.config),
            "points": [asdict(p) for p in self.points],
            "break_even": {m: self.break_even(m) for m in methods if m != self.config.baseline},
        }

    def to_json(self, path: str | Path | None = None) -> str:
        return dump_json(self.to_dict(), path)

    def to_markdown(self) -> str:
        methods = list(dict.fromkeys(p.method for p in self.points))
        sizes = self.config.sizes
        lines = ["| method | " + " | ".join(f"{n}/class" for n in sizes) + " | break-even |",
                 "|---|" + "---|" * (len(sizes) + 1)]
        for m in methods:
            cells = {p.size: f"{p.mean * 100:.1f} ± {p.std * 100:.1f}" for p in self.series(m)}
            be = "baseline" if m == self.config.baseline else (
                f"{self.break_even(m)}/class" if self.break_even(m) else f"> {sizes[-1]}/class")
            lines.append(f"| {m} | " + " | ".join(cells.get(n, "—") for n in sizes) + f" | {be} |")
        return "\n".join(lines)

    def plot(self, path: str | Path) -> Path:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        for m in dict.fromkeys(p.method for p in self.points):
            pts = self.series(m)
            xs = [p.size for p in pts]
            ys = [p.mean * 100 for p in pts]
            sd = [p.std * 100 for p in pts]
            style = "--" if m == self.config.baseline else "-"
            ax.plot(xs, ys, style, marker="o", label=m)
            ax.fill_between(xs, [y - s for y, s in zip(ys, sd)], [y + s for y, s in zip(ys, sd)], alpha=0.15)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("labelled examples per class")
        ax.set_ylabel(f"{self.config.metric} (%)")
        ax.set_title("Learning curve: transfer vs scratch")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


def run_learning_curve(
    methods: Mapping[str, MethodFactory], data, config: LearningCurveConfig | None = None
) -> LearningCurve:
    from ..data.sampling import few_shot

    config = config or LearningCurveConfig()
    if config.baseline not in methods:
        raise UsageError(f"The baseline method {config.baseline!r} is not among the methods {list(methods)}.")
    train, evaluation = _split(data, "train"), _split(data, config.eval_split)
    splits = getattr(data, "splits", data)
    validation = splits["validation"] if "validation" in splits else None
    records: list[tuple[int, RunRecord]] = []
    for size in config.sizes:
        for seed in config.seeds:
            subset = few_shot(train, size, seed=seed)
            for name, factory in methods.items():
                records.append((size, run_method(name, factory, subset, validation, evaluation, seed, config.metric)))
    points = []
    for name in methods:
        for size in config.sizes:
            vals = [r.metrics[config.metric] for n, r in records if n == size and r.method == name]
            points.append(CurvePoint(name, size, statistics.fmean(vals),
                                     statistics.stdev(vals) if len(vals) > 1 else 0.0, len(vals)))
    return LearningCurve(config, records, points)
