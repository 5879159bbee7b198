"""Classification metrics computed from label names, the same way for every method."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from ..data.labels import LabelSchema


def classification_metrics(
    gold: Sequence, predicted: Sequence, schema: LabelSchema, *, probabilities: np.ndarray | None = None,
    source: str = "evaluation data",
) -> dict[str, float]:
    """Accuracy, macro-F1, weighted-F1 and per-class F1 (``f1_<label>``). Unseen gold labels raise."""
    if schema.multi_label:
        y_true = np.asarray(schema.encode_many(list(gold), source=source), dtype=int)
        y_pred = np.asarray(schema.encode_many(list(predicted), source="predictions"), dtype=int)
        out = {
            "subset_accuracy": float((y_true == y_pred).all(axis=1).mean()),
            "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
            "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        }
        per = f1_score(y_true, y_pred, average=None, zero_division=0)
    else:
        y_true = np.asarray(schema.encode_many(list(gold), source=source))
        y_pred = np.asarray(schema.encode_many(list(predicted), source="predictions"))
        labels = list(range(schema.num_labels))
        out = {
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
            "weighted_f1": float(f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)),
        }
        per = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    for name, value in zip(schema.names, per):
        out[f"f1_{name}"] = float(value)
    out["n"] = int(len(y_true))
    return out
