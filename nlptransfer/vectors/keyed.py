"""``StaticVectors``: a read-only word -> vector lookup, kept apart from anything trainable.

This mirrors gensim's split between ``KeyedVectors`` (the lookup: vocabulary, matrix, similarity)
and ``Word2Vec``/``FastText`` (the trainers that own training state). A :class:`StaticVectors` only
looks vectors up; it never trains. The embedding-adaptation stage trains elsewhere and hands back a
new :class:`StaticVectors`; featurizers and embedding-initialised networks only read one. Keeping the
lookup free of training state is what lets the matrix be a read-only memory map shared by processes.

Vocabulary membership is exact: ``word in vectors`` (``in_vocab``) is True only for words listed in
the file, even when fastText subwords could build a vector for any string (unlike gensim's
``FastTextKeyedVectors.__contains__``, gensim #3186). ``has_vector`` answers "can I get a vector".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DimensionMismatchError, OOVError, VectorFormatError
from ._formats import SubwordData
from .subwords import SubwordTable

if TYPE_CHECKING:  # pragma: no cover
    from .oov import Resolution


class StaticVectors:
    """Pretrained word vectors: ``words`` (file order, most frequent first) and a ``matrix``."""

    def __init__(self, words: Sequence[str], matrix: np.ndarray, *, subwords: SubwordTable | SubwordData | None = None,
                 source: str = "", metadata: dict | None = None, validate: bool = True):
        if not isinstance(matrix, np.ndarray) or matrix.ndim != 2:
            raise VectorFormatError(f"vectors matrix must be a 2-d numpy array, got {type(matrix).__name__} "
                                    f"with shape {getattr(matrix, 'shape', None)}.")
        words = words if isinstance(words, list) else list(words)
        if len(words) != matrix.shape[0]:
            raise DimensionMismatchError(
                f"{len(words)} words but the matrix has {matrix.shape[0]} rows{_src(source)}; they must match."
            )
        if isinstance(subwords, SubwordData):
            subwords = SubwordTable(subwords.ngrams, min_n=subwords.min_n, max_n=subwords.max_n, bucket=subwords.bucket)
        if subwords is not None and subwords.dim != matrix.shape[1]:
            raise DimensionMismatchError(
                f"subword n-grams have dimension {subwords.dim} but the word vectors {matrix.shape[1]}{_src(source)}."
            )
        self.words: list[str] = words
        self.matrix = matrix
        self.subwords: SubwordTable | None = subwords
        self.source = str(source)
        self.metadata: dict = dict(metadata or {})
        self._key_to_index: dict[str, int] | None = None
        # (sorted stable word hashes, their rows), set by the folder reader: single lookups before the
        # dict exists binary-search these instead of paying for the full dict build.
        self._hash_index: tuple[np.ndarray, np.ndarray] | None = None
        self._stats: dict[str, np.ndarray | float] = {}
        if validate:
            if any(not isinstance(w, str) for w in words[:1000]):
                raise VectorFormatError(f"vector words must be strings{_src(source)}.")
            if len(self.key_to_index) != len(words):
                seen: set[str] = set()
                dup = next(w for w in words if w in seen or seen.add(w))
                raise VectorFormatError(f"duplicate word {dup!r} in the vocabulary{_src(source)}; "
                                        "words must be unique (loaders keep the first occurrence).")

    # ------------------------------------------------------------------ vocabulary
    @property
    def key_to_index(self) -> dict[str, int]:
        if self._key_to_index is None:  # built on first use; dict(zip()) is the fastest pure-Python build
            self._key_to_index = dict(zip(self.words, range(len(self.words))))
        return self._key_to_index

    def _row(self, word: str) -> int | None:
        if self._key_to_index is not None or self._hash_index is None:
            return self.key_to_index.get(word)
        from ._store import word_hash

        hashes, rows = self._hash_index
        h = np.uint64(word_hash(word))
        pos = int(np.searchsorted(hashes, h))
        while pos < len(hashes) and hashes[pos] == h:
            row = int(rows[pos])
            if self.words[row] == word:
                return row
            pos += 1
        return None

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def dtype(self) -> np.dtype:
        return self.matrix.dtype

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def in_vocab(self, word: str) -> bool:
        """True only when ``word`` is in the vocabulary exactly (never because of subwords)."""
        return isinstance(word, str) and self._row(word) is not None

    __contains__ = in_vocab

    def has_vector(self, word: str) -> bool:
        """True when :meth:`vector` returns a vector: in the vocabulary or recoverable from subwords."""
        if self.in_vocab(word):
            return True
        return self.subwords is not None and bool(self.subwords.hashes(word))

    def index(self, word: str) -> int:
        row = self._row(word)
        if row is None:
            raise OOVError(f"{word!r} is not in the vocabulary of {len(self)} words{_src(self.source)}.")
        return row

    def vector(self, word: str) -> np.ndarray:
        """The word's vector (a subword vector for OOV words when n-grams exist); ``OOVError`` otherwise."""
        i = self._row(word)
        if i is not None:
            return np.array(self.matrix[i])
        if self.subwords is not None:
            vec = self.subwords.vector(word)
            if vec is not None:
                return vec.astype(self.matrix.dtype, copy=False)
        hint = "" if self.subwords is not None else " (these vectors have no subword n-grams)"
        raise OOVError(
            f"no vector for {word!r}{_src(self.source)}{hint}; choose an OOV policy such as "
            "oov_policy='normalize>subword>unk' in matrix_for(), or check the tokenizer's lowercasing."
        )

    __getitem__ = vector

    # ------------------------------------------------------------------ vocabulary matrices
    def resolve(self, vocabulary: Iterable[str], oov_policy="zero", dtype=np.float32) -> Resolution:
        """Vectors for ``vocabulary`` with per-word resolution steps (see :mod:`nlptransfer.vectors.oov`)."""
        from .oov import resolve_words

        return resolve_words(self, vocabulary, oov_policy, dtype=dtype)

    def matrix_for(self, vocabulary: Iterable[str], oov_policy="zero", dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
        """``(matrix, oov_mask)`` for ``vocabulary``; ``oov_mask[i]`` is True where word i was not in the vocabulary."""
        res = self.resolve(vocabulary, oov_policy, dtype=dtype)
        return res.matrix, res.oov_mask

    # ------------------------------------------------------------------ statistics
    def mean_vector(self) -> np.ndarray:
        if "mean" not in self._stats:
            self._stats["mean"] = _chunked_mean(self.matrix)
        return self._stats["mean"]  # type: ignore[return-value]

    def value_std(self) -> float:
        if "std" not in self._stats:
            mean = float(self.mean_vector().mean())
            total, count = 0.0, 0
            for start in range(0, len(self.matrix), 65536):
                block = np.asarray(self.matrix[start:start + 65536], dtype=np.float64)
                total += float(((block - mean) ** 2).sum())
                count += block.size
            self._stats["std"] = float(np.sqrt(total / max(count, 1)))
        return self._stats["std"]  # type: ignore[return-value]

    def unit_matrix(self) -> np.ndarray:
        if "unit" not in self._stats:
            m = np.asarray(self.matrix, dtype=np.float32)
            norms = np.linalg.norm(m, axis=1, keepdims=True)
            self._stats["unit"] = m / np.where(norms == 0, 1, norms)
        return self._stats["unit"]  # type: ignore[return-value]

    def most_similar(self, word_or_vector: str | np.ndarray, topn: int = 10) -> list[tuple[str, float]]:
        """Nearest words by cosine similarity (the query word itself excluded)."""
        exclude = -1
        if isinstance(word_or_vector, str):
            row = self._row(word_or_vector)
            exclude = -1 if row is None else row
            query = np.asarray(self.vector(word_or_vector), dtype=np.float32)
        else:
            query = np.asarray(word_or_vector, dtype=np.float32).reshape(-1)
            if query.shape[0] != self.dim:
                raise DimensionMismatchError(f"query vector has dimension {query.shape[0]}, vectors have {self.dim}.")
        norm = np.linalg.norm(query)
        scores = self.unit_matrix() @ (query / (norm if norm else 1.0))
        if exclude >= 0:
            scores[exclude] = -np.inf
        k = min(topn, len(scores) - (exclude >= 0))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in top]

    # ------------------------------------------------------------------ persistence / gensim
    def save(self, folder: str | Path, *, gensim: bool = True) -> Path:
        """Write a vectors folder: memory-mappable ``.npy`` + ``vocab.txt`` + ``meta.json`` (+ gensim ``vectors.kv``)."""
        from ._store import write_folder

        return write_folder(self, Path(folder), gensim=gensim)

    @classmethod
    def load(cls, folder: str | Path, *, mmap: bool = True) -> StaticVectors:
        from ._store import read_folder

        return read_folder(Path(folder), mmap=mmap)

    def to_gensim(self):
        """A gensim ``KeyedVectors`` (``FastTextKeyedVectors`` when subwords are present) sharing the matrix."""
        from gensim.models import KeyedVectors
        from gensim.models.fasttext import FastTextKeyedVectors

        if self.subwords is not None:
            sw = self.subwords
            kv = FastTextKeyedVectors(self.dim, sw.min_n, sw.max_n, sw.bucket, dtype=self.matrix.dtype)
            kv.vectors_ngrams = sw.ngrams
        else:
            kv = KeyedVectors(self.dim, dtype=self.matrix.dtype)
        kv.index_to_key = list(self.words)
        kv.key_to_index = dict(self.key_to_index)
        kv.vectors = self.matrix
        return kv

    @classmethod
    def from_gensim(cls, kv, *, source: str = "gensim") -> StaticVectors:
        subwords = None
        if getattr(kv, "bucket", 0) and getattr(kv, "vectors_ngrams", None) is not None and len(kv.vectors_ngrams):
            subwords = SubwordTable(np.asarray(kv.vectors_ngrams), min_n=kv.min_n, max_n=kv.max_n, bucket=kv.bucket)
        return cls([str(w) for w in kv.index_to_key], np.asarray(kv.vectors), subwords=subwords, source=source)

    def __repr__(self) -> str:
        sub = f", subwords={self.subwords!r}" if self.subwords is not None else ""
        src = f", source={self.source!r}" if self.source else ""
        return f"StaticVectors({len(self)} words, dim={self.dim}, dtype={self.dtype}{src}{sub})"


def _src(source: str) -> str:
    return f" in {source}" if source else ""


def _chunked_mean(matrix: np.ndarray) -> np.ndarray:
    total = np.zeros(matrix.shape[1], dtype=np.float64)
    for start in range(0, len(matrix), 65536):
        total += np.asarray(matrix[start:start + 65536], dtype=np.float64).sum(axis=0)
    return (total / max(len(matrix), 1)).astype(np.float32)
