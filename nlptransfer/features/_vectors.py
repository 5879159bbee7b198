"""Per-process cache of loaded static vectors, so featurizer clones never copy or pickle the matrix.

A featurizer stores the vectors' *source* (a registered name such as ``glove-6b-50d`` or a path) as its
parameter; the 400k x d matrix is loaded once per process through :func:`nlptransfer.vectors.load_vectors`
(memory-mapped from its cache) and shared by every featurizer and clone that names the same source.
"""

from __future__ import annotations

import os
from pathlib import Path

_VECTORS: dict[str, object] = {}


def get_vectors(source):
    """Return the :class:`~nlptransfer.vectors.StaticVectors` for ``source`` (a name, a path or the object)."""
    if not isinstance(source, (str, os.PathLike)):
        return source  # already a StaticVectors (or compatible) object
    key = str(Path(source).expanduser().resolve()) if Path(str(source)).expanduser().exists() else str(source)
    if key not in _VECTORS:
        from ..vectors import load_vectors

        _VECTORS[key] = load_vectors(source)
    return _VECTORS[key]


def vectors_source(vectors) -> str:
    """The string a featurizer or saved model records for ``vectors`` (never the matrix itself)."""
    if isinstance(vectors, (str, os.PathLike)):
        return str(vectors)
    source = getattr(vectors, "source", "") or ""
    if not source:
        from ..errors import UsageError

        raise UsageError(
            "These StaticVectors have no source name or path, so a model using them cannot be saved or pickled "
            "without copying the matrix. Save them first (StaticVectors.save(folder)) and pass the folder."
        )
    return str(source)


def clear_vectors_cache() -> None:
    _VECTORS.clear()
