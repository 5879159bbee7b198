"""Input validation shared by the featurizers: a list of texts, checked where it enters."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..errors import DataError


def as_texts(X: Iterable, *, who: str = "featurizer") -> list[str]:
    """Return ``X`` as a list of str; raise :class:`DataError` naming the first non-text row.

    Accepts lists, tuples, numpy/pandas 1-d arrays and ``datasets`` columns. A single string is
    rejected (it would otherwise be featurized character by character).
    """
    if isinstance(X, (str, bytes)):
        raise DataError(f"{who} expects a list of texts, got a single string {X[:60]!r}; wrap it in a list.")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise DataError(f"{who} expects one column of texts, got an array of shape {X.shape}.")
        X = np.asarray(X)[:, 0]
    texts = list(X)
    for row, text in enumerate(texts):
        if not isinstance(text, str):
            raise DataError(
                f"{who} expects texts (str), but row {row} is {type(text).__name__} {text!r:.60}. "
                "Fill or drop missing texts before featurizing."
            )
    return texts


def text_label_columns(data, text_column: str, label_column: str, role: str):
    """``(texts, labels)`` of a dataset's text and label columns, or a DataError naming the columns it has."""
    try:
        return list(data[text_column]), list(data[label_column])
    except (KeyError, ValueError, TypeError):
        cols = getattr(data, "column_names", None) or list(getattr(data, "columns", []))
        raise DataError(
            f"The {role} data needs columns {text_column!r} and {label_column!r}; it has {cols}. "
            "Rename the columns or pass text_column=/label_column=."
        ) from None
