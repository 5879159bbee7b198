"""The one surface shared by every trainable method.

Featurizer + head, embedding-initialised networks and each transformer fine-tuning strategy all
implement :class:`TransferClassifier`: ``fit``, ``predict`` (label names and probabilities),
``evaluate``, ``save`` and ``load``. The study command relies on this to run methods side by side on
the same splits and seeds.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data.labels import LabelSchema


@dataclass
class Prediction:
    """Predicted label names plus the full probability matrix (rows: texts, columns: ``schema.names``)."""

    labels: list  # list[str] for single-label, list[list[str]] for multi-label
    probabilities: np.ndarray
    schema: LabelSchema

    def __len__(self) -> int:
        return len(self.labels)

    def to_records(self) -> list[dict]:
        return [
            {"label": lab, "probabilities": dict(zip(self.schema.names, map(float, row)))}
            for lab, row in zip(self.labels, self.probabilities)
        ]


class TransferClassifier(abc.ABC):
    """Contract for every trainable classifier in nlptransfer.

    ``train``/``validation``/``data`` are ``datasets.Dataset`` objects (or anything with ``text`` and
    ``label`` columns accessible as ``ds["text"]``) whose labels are label *names*.
    """

    schema: LabelSchema | None = None

    @abc.abstractmethod
    def fit(self, train, validation=None) -> TransferClassifier: ...

    @abc.abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...

    def predict(self, texts: Sequence[str]) -> Prediction:
        if self.schema is None:
            raise RuntimeError(f"{type(self).__name__} is not fitted yet; call fit() or load() first.")
        probs = np.asarray(self.predict_proba(list(texts)))
        if self.schema.multi_label:
            thresholds = np.asarray(getattr(self, "thresholds", None) or [0.5] * self.schema.num_labels)
            labels = [[n for n, p, t in zip(self.schema.names, row, thresholds) if p >= t] for row in probs]
        else:
            labels = self.schema.decode_many(probs.argmax(axis=1))
        return Prediction(labels=labels, probabilities=probs, schema=self.schema)

    def evaluate(self, data, *, text_column: str = "text", label_column: str = "label") -> dict[str, float]:
        from .evaluation.metrics import classification_metrics

        prediction = self.predict(data[text_column])
        return classification_metrics(data[label_column], prediction.labels, self.schema,
                                      probabilities=prediction.probabilities)

    @abc.abstractmethod
    def save(self, path: str | Path) -> Path: ...

    @classmethod
    @abc.abstractmethod
    def load(cls, path: str | Path) -> TransferClassifier: ...
