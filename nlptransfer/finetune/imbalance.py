"""Class weights for imbalanced training data and the weighted losses that use them.

``auto`` weights are inverse class frequency normalised so that the weighted number of examples
equals the real number (scikit-learn's ``class_weight="balanced"``: ``n / (k * n_c)``), which keeps
the loss on the same scale as unweighted training, so the learning rate need not change. For
multi-label data each label gets a ``pos_weight`` for ``BCEWithLogitsLoss``: negatives over positives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ..data.labels import LabelSchema
from ..errors import ConfigError, LabelError, did_you_mean


def _label_matrix(labels: Sequence, schema: LabelSchema) -> np.ndarray:
    """Multi-hot matrix (rows: examples) from label-name lists or multi-hot rows."""
    labels = list(labels)
    if labels and isinstance(labels[0], (list, tuple, np.ndarray)) and len(labels[0]) == schema.num_labels \
            and all(isinstance(v, (int, float, np.number)) for v in labels[0]):
        return np.asarray(labels, dtype=np.float64)
    return np.asarray(schema.encode_many(labels, source="training labels"), dtype=np.float64)


def _class_counts(labels: Sequence, schema: LabelSchema) -> np.ndarray:
    labels = list(labels)
    if labels and isinstance(labels[0], (int, np.integer)) and not isinstance(labels[0], bool):
        ids = np.asarray(labels, dtype=np.int64)
        if ids.min() < 0 or ids.max() >= schema.num_labels:
            raise LabelError(f"Label id {int(ids.max())} is outside 0..{schema.num_labels - 1}.")
    else:
        ids = np.asarray(schema.encode_many(labels, source="training labels"), dtype=np.int64)
    return np.bincount(ids, minlength=schema.num_labels)


def class_weights(labels: Sequence, schema: LabelSchema, mode: str | Sequence[float] | Mapping = "auto"
                  ) -> torch.Tensor:
    """Per-class loss weights (single-label) or per-label ``pos_weight`` (multi-label schema).

    ``labels`` are label names (lists of names for multi-label), class ids or multi-hot rows.
    ``mode`` is ``"auto"``, a list with one positive weight per class in ``schema.names`` order, or a
    mapping ``{label name: weight}`` (missing labels get 1).
    """
    k = schema.num_labels
    if isinstance(mode, str):
        if mode != "auto":
            raise ConfigError(f"class_weights must be 'auto', a list of {k} numbers or a mapping "
                              f"label -> weight, got {mode!r}.{did_you_mean(mode, ['auto'])}")
        if schema.multi_label:
            matrix = _label_matrix(labels, schema)
            positives = matrix.sum(axis=0)
            negatives = len(matrix) - positives
            empty = [schema.names[i] for i in np.flatnonzero((positives == 0) | (negatives == 0))]
            if empty:
                raise LabelError(f"Labels {empty} are never (or always) positive in the training data, so "
                                 "'auto' weights are undefined; pass explicit class_weights.")
            return torch.tensor(negatives / positives, dtype=torch.float32)
        counts = _class_counts(labels, schema)
        missing = [schema.names[i] for i in np.flatnonzero(counts == 0)]
        if missing:
            raise LabelError(f"Classes {missing} have no training examples, so 'auto' weights are undefined; "
                             "add examples or pass explicit class_weights.")
        return torch.tensor(counts.sum() / (k * counts), dtype=torch.float32)
    if isinstance(mode, Mapping):
        unknown = [name for name in mode if name not in schema.names]
        if unknown:
            raise ConfigError(f"class_weights names unknown label {unknown[0]!r}."
                              f"{did_you_mean(unknown[0], schema.names)}")
        values = [float(mode.get(name, 1.0)) for name in schema.names]
    else:
        values = [float(v) for v in mode]
        if len(values) != k:
            raise ConfigError(f"class_weights has {len(values)} values but there are {k} classes "
                              f"{list(schema.names)}; give one weight per class in that order.")
    if any(not math.isfinite(v) or v <= 0 for v in values):
        raise ConfigError(f"class_weights must be finite and positive, got {values}.")
    return torch.tensor(values, dtype=torch.float32)


def weighted_loss_fn(weights: torch.Tensor | None, multi_label: bool = False
                     ) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """``loss(logits, labels)``: weighted cross-entropy, or BCE-with-logits with ``pos_weight``.

    The weight tensor follows the logits' device and dtype at call time, so the function works after
    ``accelerator.prepare`` moves the model.
    """

    def loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        w = None if weights is None else weights.to(device=logits.device, dtype=torch.float32)
        if multi_label:
            return F.binary_cross_entropy_with_logits(logits.float(), labels.float(), pos_weight=w)
        return F.cross_entropy(logits.float(), labels.long(), weight=w)

    return loss
