"""Sentence features pooled from static word vectors: mean, max, TF-IDF-weighted and SIF.

SIF (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline for sentence embeddings"): each word
is weighted ``a / (a + p(w))`` so frequent words count less, the weighted vectors are averaged, and the
projection on the first principal component of the *fitting* sentences' embeddings (the "common
discourse" direction, fitted once in ``fit``) is removed. ``p(w)`` comes from the fitting texts
(``sif_frequencies="fit"``), from a corpus file (one document per line), or from the vectors' own
frequency order (``"vectors"``: GloVe and word2vec files list words most frequent first, so a Zipf law
over the rank estimates ``p(w)`` for every word, including ones the fitting texts never contain).

Pooling is a sparse (texts x words) weight matrix times the (words x dim) vectors of the words that
actually occur, so only those rows of the 400k table are touched. Several poolings can be concatenated
with ``+`` (``pooling="mean+max"``).

OOV words: ``oov_policy=None`` (default) leaves words without a vector out of the pooling; any policy
name or cascade understood by :meth:`StaticVectors.matrix_for` (``"zero"``, ``"random"``,
``"normalize>subword>random"``...) gives them vectors that are pooled like the others.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, is_dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from ..data.tokenize import WordTokenizer
from ..errors import ConfigError, DataFileNotFoundError, check_choice
from ._inputs import as_texts
from ._vectors import get_vectors, vectors_source
from .registry import FEATURIZERS

STATIC_POOLINGS = ("mean", "max", "tfidf", "sif")
_EULER_GAMMA = 0.5772156649


def make_tokenizer(config) -> WordTokenizer:
    """A :class:`WordTokenizer` from a TokenizerConfig dict, a TokenizerConfig, or None (the default)."""
    if config is None:
        return WordTokenizer()
    if isinstance(config, WordTokenizer):
        return config
    if is_dataclass(config):
        config = asdict(config)
    if not isinstance(config, dict):
        raise ConfigError(f"tokenizer must be a dict of TokenizerConfig options, got {config!r}.")
    try:
        return WordTokenizer.from_dict(config)
    except TypeError as err:
        raise ConfigError(f"Bad tokenizer options {config!r}: {err}") from None


def _text_word_counts(token_lists: list[list[str]]) -> tuple[sp.csr_matrix, list[str]]:
    """(texts x unique words) count matrix and the word of each column."""
    vocab: dict[str, int] = {}
    indptr, indices = [0], []
    for tokens in token_lists:
        indices.extend(vocab.setdefault(t, len(vocab)) for t in tokens)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    counts = sp.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
                           shape=(len(token_lists), len(vocab)))
    counts.sum_duplicates()
    return counts, list(vocab)


@FEATURIZERS.register("static", "static-vectors")
class StaticVectorFeaturizer(TransformerMixin, BaseEstimator):
    """Pool static word vectors into one vector per text (scikit-learn transformer).

    Only the source name/path of ``vectors`` is stored: the matrix loads lazily, once per process, and
    is never pickled or copied into clones.
    """

    def __init__(self, vectors="glove-6b-50d", pooling: str = "mean", oov_policy=None, tokenizer=None,
                 sif_a: float = 1e-3, sif_frequencies: str = "fit", sif_components: int = 1,
                 normalize: bool = False):
        self.vectors = vectors
        self.pooling = pooling
        self.oov_policy = oov_policy
        self.tokenizer = tokenizer
        self.sif_a = sif_a
        self.sif_frequencies = sif_frequencies
        self.sif_components = sif_components
        self.normalize = normalize

    # ---- parameters ---------------------------------------------------------------------------
    def _poolings(self) -> list[str]:
        if not isinstance(self.pooling, str) or not self.pooling:
            raise ConfigError(f"pooling must be one of {STATIC_POOLINGS} (or several joined by '+'), "
                              f"got {self.pooling!r}.")
        parts = self.pooling.split("+")
        for p in parts:
            check_choice("static pooling", p, STATIC_POOLINGS)
        return parts

    def _check_params(self) -> None:
        poolings = self._poolings()
        if "sif" in poolings:
            if not (isinstance(self.sif_a, (int, float)) and self.sif_a > 0):
                raise ConfigError(f"sif_a must be a positive number (Arora et al. use 1e-3), got {self.sif_a!r}.")
            if not isinstance(self.sif_components, (int, np.integer)) or self.sif_components < 0:
                raise ConfigError(f"sif_components must be an integer >= 0, got {self.sif_components!r}.")
            src = str(self.sif_frequencies)
            if src not in ("fit", "vectors") and not Path(src).expanduser().exists():
                raise DataFileNotFoundError(
                    f"sif_frequencies={src!r} is neither 'fit', 'vectors' nor an existing corpus file.")

    @property
    def vectors_(self):
        """The loaded vectors (from the per-process cache)."""
        return get_vectors(self.vectors)

    # ---- sklearn API --------------------------------------------------------------------------
    def fit(self, X, y=None):
        self._check_params()
        texts = as_texts(X, who="StaticVectorFeaturizer")
        tokenizer = make_tokenizer(self.tokenizer)
        token_lists = tokenizer.tokenize_many(texts)
        poolings = self._poolings()
        vectors = self.vectors_
        self.vectors_source_ = vectors_source(self.vectors)
        self.dim_ = int(vectors.dim)
        self.n_features_out_ = self.dim_ * len(poolings)
        if "tfidf" in poolings:
            doc_freq = Counter(w for tokens in token_lists for w in set(tokens))
            n = len(token_lists)
            self.idf_ = {w: math.log((1 + n) / (1 + df)) + 1.0 for w, df in doc_freq.items()}
            self.idf_unseen_ = math.log(1 + n) + 1.0  # a word never seen in fit is as rare as it gets
        if "sif" in poolings:
            self.word_prob_ = self._sif_probabilities(token_lists, tokenizer)
            self.sif_components_ = np.zeros((0, self.dim_), dtype=np.float32)
            if self.sif_components:
                embedded = self._pool_weighted(token_lists, "sif")
                self.sif_components_ = self._principal_components(embedded, int(self.sif_components))
        return self

    def transform(self, X):
        if not hasattr(self, "n_features_out_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("StaticVectorFeaturizer is not fitted yet; call fit() first.")
        texts = as_texts(X, who="StaticVectorFeaturizer")
        token_lists = make_tokenizer(self.tokenizer).tokenize_many(texts)
        blocks = []
        for pooling in self._poolings():
            if pooling == "max":
                blocks.append(self._pool_max(token_lists))
                continue
            block = self._pool_weighted(token_lists, pooling)
            if pooling == "sif" and len(self.sif_components_):
                u = self.sif_components_
                block = block - (block @ u.T) @ u
            blocks.append(block)
        out = np.hstack(blocks).astype(np.float32, copy=False)
        if self.normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out = out / np.where(norms == 0, 1.0, norms)
        return out

    def get_feature_names_out(self, input_features=None):
        return np.array([f"{p}{i}" for p in self._poolings() for i in range(self.dim_)], dtype=object)

    # ---- pooling ------------------------------------------------------------------------------
    def _lookup(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Vectors of ``words`` and a mask of the ones that take part in pooling."""
        if not words:
            return np.zeros((0, self.dim_), dtype=np.float32), np.zeros(0, dtype=bool)
        policy = "zero" if self.oov_policy is None else self.oov_policy
        matrix, oov_mask = self.vectors_.matrix_for(words, oov_policy=policy)
        keep = ~np.asarray(oov_mask, dtype=bool) if self.oov_policy is None else np.ones(len(words), dtype=bool)
        return np.asarray(matrix, dtype=np.float32), keep

    def _word_weights(self, words: list[str], pooling: str) -> np.ndarray:
        if pooling == "mean":
            return np.ones(len(words), dtype=np.float32)
        if pooling == "tfidf":
            return np.array([self.idf_.get(w, self.idf_unseen_) for w in words], dtype=np.float32)
        a = float(self.sif_a)
        return np.array([a / (a + self._prob(w)) for w in words], dtype=np.float32)

    def _pool_weighted(self, token_lists, pooling: str) -> np.ndarray:
        counts, words = _text_word_counts(token_lists)
        matrix, keep = self._lookup(words)
        kept_counts = counts @ sp.diags(keep.astype(np.float32))
        weights = kept_counts @ sp.diags(self._word_weights(words, pooling))
        # mean/tfidf: weighted average; SIF: sum of a/(a+p) v over the sentence length (Arora's form)
        denom = np.asarray((kept_counts if pooling == "sif" else weights).sum(axis=1)).ravel()
        pooled = np.asarray(weights @ matrix, dtype=np.float32)
        return pooled / np.where(denom == 0, 1.0, denom)[:, None]

    def _pool_max(self, token_lists) -> np.ndarray:
        counts, words = _text_word_counts(token_lists)
        matrix, keep = self._lookup(words)
        out = np.zeros((len(token_lists), self.dim_), dtype=np.float32)
        for i in range(counts.shape[0]):
            cols = counts.indices[counts.indptr[i]:counts.indptr[i + 1]]
            cols = cols[keep[cols]]
            if len(cols):
                out[i] = matrix[cols].max(axis=0)
        return out

    # ---- SIF ----------------------------------------------------------------------------------
    def _sif_probabilities(self, token_lists, tokenizer) -> dict[str, float]:
        if self.sif_frequencies == "vectors":
            return {}  # computed from the vectors' frequency rank on demand (see _prob)
        if self.sif_frequencies == "fit":
            counts = Counter(w for tokens in token_lists for w in tokens)
        else:
            counts = Counter()
            with open(Path(str(self.sif_frequencies)).expanduser(), encoding="utf-8") as fh:
                for line in fh:
                    counts.update(tokenizer.tokenize(line))
        total = sum(counts.values()) or 1
        return {w: c / total for w, c in counts.items()}

    def _prob(self, word: str) -> float:
        if self.sif_frequencies != "vectors":
            return self.word_prob_.get(word, 0.0)
        index = self.vectors_.key_to_index.get(word)
        if index is None:
            return 0.0
        n = len(self.vectors_.key_to_index)
        return 1.0 / ((index + 1) * (math.log(n) + _EULER_GAMMA))  # Zipf: p(rank r) = 1 / (r * H_n)

    @staticmethod
    def _principal_components(embedded: np.ndarray, k: int) -> np.ndarray:
        """Top-k right singular vectors (uncentred, as in Arora et al.'s code)."""
        if embedded.shape[0] < 2 or not np.any(embedded):
            return np.zeros((0, embedded.shape[1]), dtype=np.float32)
        k = min(k, min(embedded.shape) - 1) or 1
        _, _, vt = np.linalg.svd(embedded.astype(np.float64), full_matrices=False)
        return vt[:k].astype(np.float32)

    # ---- pickling: keep the source, never the matrix -------------------------------------------
    def __getstate__(self):
        state = super().__getstate__() if hasattr(super(), "__getstate__") else self.__dict__.copy()
        state = dict(state)
        if not isinstance(state.get("vectors"), (str, Path)):
            state["vectors"] = vectors_source(state["vectors"])
        return state
