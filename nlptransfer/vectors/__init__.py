"""Pretrained static word vectors: loading, caching, OOV policies and vocabulary coverage.

>>> from nlptransfer.vectors import load_vectors
>>> vectors = load_vectors("glove-6b-50d")            # converted once, then memory-mapped
>>> matrix, oov_mask = vectors.matrix_for(["the", "cat", "qwzx"], oov_policy="normalize>unk")

``source`` is a registered name (``glove-6b-50d``, the default), a vector file in any supported
format (word2vec text/binary, GloVe text, fastText ``.vec``/``.bin``; detected from the content),
or a folder written by :meth:`StaticVectors.save`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import DataFileNotFoundError, UsageError, check_choice, did_you_mean
from ._formats import (
    FORMAT_ALIASES,
    FORMATS,
    DuplicateWordsWarning,
    VectorDimensionError,
    canonical_format,
    parse_file,
)
from .keyed import StaticVectors
from .sources import VECTOR_SOURCES

DTYPES = ("float32", "float16")

__all__ = [
    "load_vectors", "StaticVectors", "FORMATS", "DTYPES", "VECTOR_SOURCES", "DuplicateWordsWarning",
    "VectorDimensionError",
]


def load_vectors(source: str | os.PathLike = "glove-6b-50d", *, limit: int | None = None, dtype: str = "float32",
                 cache_dir: str | os.PathLike | None = None, format: str | None = None, dim: int | None = None,
                 encoding: str = "utf-8", use_cache: bool = True) -> StaticVectors:
    """Load pretrained vectors from a named source, a vector file or a saved vectors folder.

    Args:
        source: a registered name (see ``VECTOR_SOURCES.names()``), a vector file or a vectors folder.
        limit: keep only the first ``limit`` words (file order: most frequent first).
        dtype: ``float32`` or ``float16`` (halves memory; computed matrices are float32 again).
        cache_dir: the conversion cache (default ``$NLPTRANSFER_CACHE/vectors`` or ``~/.cache/nlptransfer/vectors``).
        format: force a format (checked against the content); normally detected from the content.
        dim: the expected dimension; a file with another dimension is rejected.
        encoding: encoding of the words in the file.
        use_cache: False parses the file directly without writing a cache entry.
    """
    try:
        dtype = str(np.dtype(dtype))
    except TypeError:
        dtype = str(dtype)
    check_choice("vectors dtype", dtype, DTYPES)
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0):
        raise UsageError(f"limit must be a positive integer (number of most frequent words), got {limit!r}.")
    if format is not None:
        check_choice("vectors format", format, (*FORMATS, *FORMAT_ALIASES))
    fmt = canonical_format(format)
    from .cache import cached_vectors

    src = str(source)
    if src in VECTOR_SOURCES:
        named = VECTOR_SOURCES.get(src)
        files = named.files()
        variant = {"limit": limit, "dtype": dtype, "format": "named"}

        def build():
            parsed = named.read(files)
            if limit:
                parsed.words, parsed.matrix = parsed.words[:limit], parsed.matrix[:limit]
            return parsed

        if use_cache:
            vectors = cached_vectors(named.name, files, variant, build, source=named.name, cache_dir=cache_dir)
        else:
            vectors = _from_parsed(build(), named.name, dtype)
        return _check_expected_dim(vectors, dim, src)

    path = Path(source).expanduser()
    if not path.exists():
        names = VECTOR_SOURCES.names()
        raise DataFileNotFoundError(
            f"vectors source {src!r} is neither a registered name nor an existing file or folder."
            f"{did_you_mean(src, names) if os.sep not in src else ''} Registered names: {', '.join(names)}."
        )
    if path.is_dir():
        from ._store import read_folder

        vectors = read_folder(path)
        if limit:
            vectors = StaticVectors(vectors.words[:limit], vectors.matrix[:limit], subwords=vectors.subwords,
                                    source=vectors.source, metadata=vectors.metadata, validate=False)
        if vectors.dtype != np.dtype(dtype):
            vectors = StaticVectors(vectors.words, np.asarray(vectors.matrix, dtype=dtype), subwords=vectors.subwords,
                                    source=vectors.source, metadata=vectors.metadata, validate=False)
        return _check_expected_dim(vectors, dim, src)

    def build_file():
        return parse_file(path, fmt=fmt, limit=limit, encoding=encoding, expected_dim=dim)

    if not use_cache:
        return _from_parsed(build_file(), str(path), dtype)
    variant = {"limit": limit, "dtype": dtype, "format": fmt, "encoding": None if encoding == "utf-8" else encoding}
    vectors = cached_vectors(path.name, [path], variant, build_file, source=str(path.resolve()), cache_dir=cache_dir)
    return _check_expected_dim(vectors, dim, src)


def _from_parsed(parsed, source: str, dtype: str) -> StaticVectors:
    matrix = parsed.matrix if parsed.matrix.dtype == np.dtype(dtype) else parsed.matrix.astype(dtype)
    return StaticVectors(parsed.words, matrix, subwords=parsed.subwords, source=source,
                         metadata={"source_format": parsed.format}, validate=False)


def _check_expected_dim(vectors: StaticVectors, dim: int | None, source: str) -> StaticVectors:
    if dim is not None and vectors.dim != dim:
        raise VectorDimensionError(
            f"{source}: vectors have dimension {vectors.dim}, but dimension {dim} was requested; "
            f"use a {dim}-d source or request dim={vectors.dim}."
        )
    return vectors
