"""The label schema: a sorted, stable ``label2id`` built from training labels and stored with every artefact.

Label-mapping bugs are a recurring failure in fine-tuning scripts (transformers #10401, #13334,
#28589): ids assigned in order of first appearance differ between runs and files. Here ids are the
sorted label names, the schema is saved next to every model, and prediction reuses the saved schema.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LabelError, did_you_mean

SCHEMA_FILENAME = "label_schema.json"


def _is_missing(label) -> bool:
    if label is None:
        return True
    if isinstance(label, float) and math.isnan(label):
        return True
    return isinstance(label, str) and not label.strip()


@dataclass(frozen=True)
class LabelSchema:
    """Ordered label names; ``id`` of a label is its index. ``multi_label`` marks multi-label tasks."""

    names: tuple[str, ...]
    multi_label: bool = False
    counts: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if len(set(self.names)) != len(self.names):
            raise LabelError(f"Label names must be unique, got {list(self.names)}.")

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def from_labels(
        cls, labels: Iterable, *, source: str = "training data", multi_label: bool = False, min_classes: int = 2
    ) -> LabelSchema:
        """Build the schema from training labels; raises on empty/NaN labels or fewer than ``min_classes``."""
        counts: Counter[str] = Counter()
        for row, label in enumerate(labels):
            values = label if multi_label and isinstance(label, (list, tuple)) else [label]
            if multi_label and isinstance(label, (list, tuple)) and not label:
                continue  # an example with no positive label is valid in multi-label data
            for value in values:
                if _is_missing(value):
                    raise LabelError(
                        f"Empty or missing label in {source}, row {row} (0-based, header excluded). "
                        "Fill it in or drop the row before training."
                    )
                counts[str(value)] += 1
        if len(counts) < min_classes:
            found = ", ".join(repr(k) for k in counts) or "none"
            raise LabelError(
                f"{source} has {len(counts)} class(es) ({found}); a classifier needs at least {min_classes}. "
                "Check the label column, or that the file is not filtered to one class."
            )
        return cls(tuple(sorted(counts)), multi_label=multi_label, counts=dict(sorted(counts.items())))

    # ---- mapping --------------------------------------------------------------------------------
    @property
    def label2id(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.names))

    @property
    def num_labels(self) -> int:
        return len(self.names)

    def encode(self, label, *, source: str = "data", row: int | None = None) -> int:
        key = str(label)
        try:
            return self.label2id[key]
        except KeyError:
            where = f"{source}" + (f", row {row}" if row is not None else "")
            raise LabelError(
                f"Label {key!r} in {where} was never seen in training (known labels: {list(self.names)})."
                f"{did_you_mean(key, self.names)} Fix the label or add examples of it to the training split."
            ) from None

    def encode_many(self, labels: Sequence, *, source: str = "data") -> list:
        if self.multi_label:
            out = []
            for row, values in enumerate(labels):
                vec = [0.0] * self.num_labels
                for v in values:
                    vec[self.encode(v, source=source, row=row)] = 1.0
                out.append(vec)
            return out
        return [self.encode(label, source=source, row=row) for row, label in enumerate(labels)]

    def decode(self, index: int) -> str:
        return self.names[int(index)]

    def decode_many(self, indices: Iterable[int]) -> list[str]:
        return [self.names[int(i)] for i in indices]

    # ---- persistence ----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"names": list(self.names), "multi_label": self.multi_label, "counts": self.counts}

    @classmethod
    def from_dict(cls, data: dict) -> LabelSchema:
        return cls(tuple(data["names"]), multi_label=bool(data.get("multi_label", False)),
                   counts=dict(data.get("counts", {})))

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / SCHEMA_FILENAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: str | Path) -> LabelSchema:
        path = Path(directory)
        if path.is_dir():
            path = path / SCHEMA_FILENAME
        if not path.exists():
            raise LabelError(f"No label schema at {path}; was this folder saved by nlptransfer?")
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
