"""fastText character n-gram vectors for out-of-vocabulary words.

An OOV word's vector is the mean of its n-gram bucket vectors, computed exactly as gensim's
``FastTextKeyedVectors.get_vector`` does (same hashing, same float32 summation order), so a word gets
the same vector here and in gensim. A word with no n-grams (e.g. the empty string when ``min_n`` is
larger than ``len("<>")``) has no subword vector: :meth:`SubwordTable.vector` returns ``None`` and
the OOV cascade falls through to its next step instead of returning the origin (gensim #2415).
"""

from __future__ import annotations

import numpy as np


class SubwordTable:
    """n-gram bucket matrix plus the hashing parameters it was trained with."""

    def __init__(self, ngrams: np.ndarray, *, min_n: int, max_n: int, bucket: int):
        if ngrams.ndim != 2 or ngrams.shape[0] != bucket:
            raise ValueError(f"n-gram matrix shape {ngrams.shape} does not match bucket={bucket}")
        self.ngrams = ngrams
        self.min_n = int(min_n)
        self.max_n = int(max_n)
        self.bucket = int(bucket)

    @property
    def dim(self) -> int:
        return int(self.ngrams.shape[1])

    def hashes(self, word: str) -> list[int]:
        # gensim's hashing imports gensim (slow); only fastText-backed vectors ever get here.
        from gensim.models.fasttext import ft_ngram_hashes

        try:
            return list(ft_ngram_hashes(word, self.min_n, self.max_n, self.bucket))
        except UnicodeEncodeError:  # a lone surrogate cannot be hashed as UTF-8
            return []

    def vector(self, word: str) -> np.ndarray | None:
        hashes = self.hashes(word)
        if not hashes:
            return None
        # Row-by-row float32 reduction along axis 0, the same order as gensim's ``+=`` loop.
        rows = np.asarray(self.ngrams[hashes], dtype=np.float32)
        return rows.sum(axis=0, dtype=np.float32) / np.float32(len(hashes))

    def to_dict(self) -> dict:
        return {"min_n": self.min_n, "max_n": self.max_n, "bucket": self.bucket}

    def __repr__(self) -> str:
        return f"SubwordTable(bucket={self.bucket}, dim={self.dim}, min_n={self.min_n}, max_n={self.max_n})"
