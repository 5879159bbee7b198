"""Per-label decision thresholds for multi-label classifiers, tuned on validation data and saved.

A fixed 0.5 threshold is rarely best for rare labels; choosing each label's threshold to maximise its
F1 on the validation split is the usual fix. The thresholds go into ``thresholds.json`` next to the
model (label name -> threshold) and prediction reads them back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..data.labels import LabelSchema
from ..errors import DataError, DimensionMismatchError

THRESHOLDS_FILENAME = "thresholds.json"
DEFAULT_GRID = tuple(np.round(np.arange(0.05, 0.951, 0.05), 2))


def _f1(pred: np.ndarray, true: np.ndarray) -> float:
    tp = float((pred & true).sum())
    denom = float(pred.sum() + true.sum())
    return 2 * tp / denom if denom else 1.0  # no positives predicted or present: perfect agreement


def tune_thresholds(probs: np.ndarray, y_true: np.ndarray, grid: Sequence[float] | None = None) -> np.ndarray:
    """For each label, the grid threshold maximising that label's F1 (ties: the one closest to 0.5).

    ``probs`` and ``y_true`` are (examples, labels); ``y_true`` is multi-hot. A prediction is positive
    when ``prob >= threshold``.
    """
    probs = np.asarray(probs, dtype=np.float64)
    y_true = np.asarray(y_true)
    if probs.shape != y_true.shape or probs.ndim != 2:
        raise DimensionMismatchError(f"probabilities {probs.shape} and labels {y_true.shape} must be the same "
                                     "(examples, labels) shape.")
    if len(probs) == 0:
        raise DataError("Cannot tune thresholds on an empty validation set.")
    grid = np.asarray(DEFAULT_GRID if grid is None else grid, dtype=np.float64)
    if grid.size == 0 or (grid < 0).any() or (grid > 1).any():
        raise DataError(f"Threshold grid must be non-empty values in [0, 1], got {grid.tolist()}.")
    # Visit candidates nearest 0.5 first so a strict '>' keeps the most neutral of tied thresholds.
    grid = grid[np.argsort(np.abs(grid - 0.5), kind="stable")]
    truth = y_true.astype(bool)
    best = np.empty(probs.shape[1])
    for j in range(probs.shape[1]):
        scores = [_f1(probs[:, j] >= t, truth[:, j]) for t in grid]
        best[j] = grid[int(np.argmax(scores))]
    return best


def save_thresholds(thresholds: Sequence[float], schema: LabelSchema, directory: str | Path) -> Path:
    thresholds = [float(t) for t in thresholds]
    if len(thresholds) != schema.num_labels:
        raise DimensionMismatchError(f"{len(thresholds)} thresholds for {schema.num_labels} labels.")
    path = Path(directory) / THRESHOLDS_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(zip(schema.names, thresholds)), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def load_thresholds(directory: str | Path, schema: LabelSchema) -> np.ndarray | None:
    """Thresholds in ``schema.names`` order, or ``None`` when the folder has no ``thresholds.json``."""
    path = Path(directory) / THRESHOLDS_FILENAME
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    missing = [n for n in schema.names if n not in data]
    if missing:
        raise DataError(f"{path} has no threshold for labels {missing}; re-run threshold tuning.")
    return np.asarray([float(data[n]) for n in schema.names])
