"""Seeded sampling of labelled data: few-shot subsets, label-budget learning curves, stratified splits.

Few-shot subsets are *nested*: each class gets one seeded permutation that does not depend on ``n``,
and a subset takes its first ``n`` entries, so the 16-per-class subset contains the 8-per-class one
for the same seed. Learning curves built on them compare budgets on the same examples, not on
different random draws. Selected rows keep their original order.
"""

from __future__ import annotations

import logging
import math
import warnings
import zlib
from collections.abc import Iterable, Sequence

import numpy as np

from ..errors import ConfigError, LabelError, UsageError, did_you_mean

logger = logging.getLogger(__name__)


def _labels_of(dataset, label_column: str) -> list:
    if label_column not in dataset.column_names:
        raise UsageError(f"Dataset has no column {label_column!r} (columns: {dataset.column_names})."
                         f"{did_you_mean(label_column, dataset.column_names)}")
    return list(dataset[label_column])


def _single_label(labels: Sequence, what: str) -> None:
    if labels and isinstance(labels[0], (list, tuple)):
        raise UsageError(f"{what} needs single-label data; this dataset is multi-label.")


def _class_indices(labels: Sequence) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(str(label), []).append(i)
    return dict(sorted(groups.items()))


def _class_permutation(indices: list[int], label: str, seed: int) -> list[int]:
    # Seeded by (seed, label name): a class's order does not depend on other classes or on n.
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(label.encode("utf-8"))])
    return [indices[j] for j in rng.permutation(len(indices))]


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ConfigError(f"seed must be an integer, got {seed!r}.")
    return int(seed)


def few_shot(dataset, n_per_class: int, seed: int = 42, *, label_column: str = "label"):
    """Take ``n_per_class`` seeded examples of every class (all of a class that has fewer, with a warning).

    Nested: for one seed, ``few_shot(ds, 8)`` is a subset of ``few_shot(ds, 16)``.
    """
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ConfigError(f"n_per_class must be a positive integer, got {n_per_class!r}.")
    seed = _check_seed(seed)
    labels = _labels_of(dataset, label_column)
    _single_label(labels, "few_shot")
    chosen: list[int] = []
    short = {}
    for label, indices in _class_indices(labels).items():
        order = _class_permutation(indices, label, seed)
        if len(order) < n_per_class:
            short[label] = len(order)
        chosen.extend(order[:n_per_class])
    if short:
        detail = ", ".join(f"{k!r} has {v}" for k, v in short.items())
        warnings.warn(f"few_shot({n_per_class} per class): {detail}; took all of them.", UserWarning, stacklevel=2)
    return dataset.select(sorted(chosen))


def learning_curve_subsets(dataset, sizes: Iterable[int], seed: int = 42, *, per_class: bool = True,
                           label_column: str = "label") -> dict[int, object]:
    """Nested training subsets for a label-budget learning curve: ``{size: Dataset}`` in increasing size.

    ``per_class=True``: ``size`` examples of each class (as :func:`few_shot`). ``per_class=False``:
    ``size`` examples in total, stratified — classes are interleaved in proportion to their frequency
    in one seeded order, and each budget takes a prefix of it, so budgets stay nested.
    """
    sizes = sorted({int(s) for s in sizes})
    if not sizes or sizes[0] < 1:
        raise ConfigError(f"Learning-curve sizes must be positive integers, got {sizes!r}.")
    if per_class:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = {n: few_shot(dataset, n, seed, label_column=label_column) for n in sizes}
        for w in caught[-1:]:  # one warning for the largest budget says it all
            warnings.warn(str(w.message), UserWarning, stacklevel=2)
        return out
    seed = _check_seed(seed)
    labels = _labels_of(dataset, label_column)
    _single_label(labels, "learning_curve_subsets")
    keyed = []
    for label, indices in _class_indices(labels).items():
        order = _class_permutation(indices, label, seed)
        n = len(order)
        # Systematic stratification: rank r of a class of size n sits at (r + 0.5) / n of the way.
        keyed.extend(((rank + 0.5) / n, label, index) for rank, index in enumerate(order))
    keyed.sort()
    ordering = [index for _, _, index in keyed]
    if sizes[-1] > len(ordering):
        raise ConfigError(f"Learning-curve size {sizes[-1]} exceeds the {len(ordering)} available examples.")
    return {n: dataset.select(sorted(ordering[:n])) for n in sizes}


def held_out_count(fraction, n_rows: int, name: str = "fraction") -> int:
    """Rows to hold out: a float ``fraction`` in [0, 1) of ``n_rows`` (rounded up, like sklearn) or an int count."""
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.integer, np.floating)):
        raise ConfigError(f"{name} must be a fraction in (0, 1) or a row count, got {fraction!r}.")
    if isinstance(fraction, (float, np.floating)):
        if not 0.0 <= fraction < 1.0:
            raise ConfigError(f"{name} must be a fraction in [0, 1) or an integer row count, got {fraction!r}.")
        count = math.ceil(round(fraction * n_rows, 6))  # 0.07 * 200 is 14.000000000000002
    else:
        count = int(fraction)
    if count < 0:
        raise ConfigError(f"{name} must not be negative, got {fraction!r}.")
    if count >= n_rows:
        raise ConfigError(f"{name}={fraction!r} would hold out {count} of {n_rows} rows and leave none to train on; "
                          "use a smaller value.")
    return count


def stratified_split_indices(labels: Sequence, n_held_out: int, seed: int) -> tuple[list[int], list[int], dict]:
    """Seeded stratified split of row indices into ``(kept, held_out, info)``.

    Uses sklearn's ``train_test_split(stratify=...)``. Classes with fewer than 2 rows cannot be split
    and stay whole in ``kept`` (with a warning); when the held-out part is too small to hold every
    class, the split falls back to an unstratified one (with a warning). Every class keeps at least
    one row in ``kept``. Multi-label rows are split without stratification.
    """
    from sklearn.model_selection import train_test_split

    info: dict = {"stratified": True, "warnings": []}
    all_indices = list(range(len(labels)))
    if n_held_out == 0:
        return all_indices, [], info
    multi = bool(labels) and isinstance(labels[0], (list, tuple))
    keys = ["|".join(map(str, v)) if multi else str(v) for v in labels]
    if multi:
        info["stratified"] = False
        kept, held = train_test_split(all_indices, test_size=n_held_out, random_state=seed, shuffle=True)
        return sorted(kept), sorted(held), info
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    rare = sorted(k for k, c in counts.items() if c < 2)
    splittable = [i for i in all_indices if counts[keys[i]] >= 2]
    pinned = [i for i in all_indices if counts[keys[i]] < 2]
    if rare:
        msg = (f"Classes with fewer than 2 examples stay in the training split only: {rare}; "
               "the validation split will not contain them.")
        info["warnings"].append(msg)
        warnings.warn(msg, UserWarning, stacklevel=3)
    n_held_out = min(n_held_out, max(len(splittable) - 1, 0))
    if n_held_out == 0:
        raise LabelError("Too few examples to hold any out for validation/test; give a validation file "
                         "or add examples.")
    strat = [keys[i] for i in splittable]
    n_classes = len(set(strat))
    if n_held_out < n_classes or len(splittable) - n_held_out < n_classes:
        msg = (f"A held-out split of {n_held_out} rows cannot contain each of the {n_classes} classes; "
               "splitting without stratification.")
        info["stratified"] = False
        info["warnings"].append(msg)
        warnings.warn(msg, UserWarning, stacklevel=3)
        kept, held = train_test_split(splittable, test_size=n_held_out, random_state=seed, shuffle=True)
        kept, held = _keep_every_class(list(kept), list(held), keys)
    else:
        kept, held = train_test_split(splittable, test_size=n_held_out, random_state=seed, shuffle=True,
                                      stratify=strat)
    return sorted(list(kept) + pinned), sorted(held), info


def _keep_every_class(kept: list[int], held: list[int], keys: list[str]) -> tuple[list[int], list[int]]:
    present = {keys[i] for i in kept}
    for i in list(held):
        if keys[i] not in present:
            held.remove(i)
            kept.append(i)
            present.add(keys[i])
    return kept, held


def stratified_split(dataset, fraction=0.1, seed: int = 42, *, label_column: str = "label"):
    """Split a ``datasets.Dataset`` into ``(kept, held_out)``; ``fraction`` is in (0, 1) or a row count."""
    seed = _check_seed(seed)
    labels = _labels_of(dataset, label_column)
    n = held_out_count(fraction, len(labels))
    kept, held, _ = stratified_split_indices(labels, n, seed)
    return dataset.select(kept), dataset.select(held)
