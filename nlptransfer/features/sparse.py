"""Sparse n-gram features, alone (``tfidf``) or stacked with pooled static vectors (``hybrid``).

The ``hybrid`` featurizer is the default *static* path: TF-IDF word n-grams (what a linear model needs
for phrase-level cues such as "not good") concatenated with standardised pooled GloVe vectors (what
carries similarity to words never seen in training). Its default pooling is ``mean+max``: on SST-2 and
TREC it scored at least as well as SIF, and SIF's down-weighting of frequent words discards exactly the
question words ("what", "who", "how") that decide TREC (see benchmarks/RESULTS.md). Both use the project's
:class:`~nlptransfer.data.tokenize.WordTokenizer`, so tokens match the vectors' vocabulary.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from ..errors import ConfigError
from ._inputs import as_texts
from .registry import FEATURIZERS
from .static import StaticVectorFeaturizer, make_tokenizer


def _ngram_range(value, name: str) -> tuple[int, int]:
    try:
        lo, hi = (int(v) for v in value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be two integers (min_n, max_n), got {value!r}.") from None
    if not 1 <= lo <= hi:
        raise ConfigError(f"{name} must satisfy 1 <= min_n <= max_n, got {value!r}.")
    return lo, hi


@FEATURIZERS.register("tfidf")
class TfidfFeaturizer(TransformerMixin, BaseEstimator):
    """TF-IDF word n-grams (plus optional character n-grams) over the project tokenizer's tokens."""

    def __init__(self, ngram_range=(1, 2), min_df=1, max_features=None, sublinear_tf: bool = True,
                 char_ngram_range=None, tokenizer=None):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.char_ngram_range = char_ngram_range
        self.tokenizer = tokenizer

    def fit(self, X, y=None):
        self._fit_transform(as_texts(X, who="TfidfFeaturizer"))
        return self

    def fit_transform(self, X, y=None, **fit_params):
        return self._fit_transform(as_texts(X, who="TfidfFeaturizer"))

    def _fit_transform(self, texts):
        tokenizer = make_tokenizer(self.tokenizer)
        self.word_vectorizer_ = TfidfVectorizer(
            tokenizer=tokenizer, lowercase=False, token_pattern=None, preprocessor=None,
            ngram_range=_ngram_range(self.ngram_range, "ngram_range"), min_df=self.min_df,
            max_features=self.max_features, sublinear_tf=self.sublinear_tf, dtype=np.float32,
        )
        blocks = [self.word_vectorizer_.fit_transform(texts)]
        self.char_vectorizer_ = None
        if self.char_ngram_range is not None:
            self.char_vectorizer_ = TfidfVectorizer(
                analyzer="char_wb", ngram_range=_ngram_range(self.char_ngram_range, "char_ngram_range"),
                min_df=self.min_df, sublinear_tf=self.sublinear_tf, dtype=np.float32, lowercase=True,
            )
            blocks.append(self.char_vectorizer_.fit_transform(texts))
        self.n_features_out_ = sum(b.shape[1] for b in blocks)
        return sp.hstack(blocks, format="csr") if len(blocks) > 1 else blocks[0]

    def transform(self, X):
        if not hasattr(self, "word_vectorizer_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("TfidfFeaturizer is not fitted yet; call fit() first.")
        texts = as_texts(X, who="TfidfFeaturizer")
        blocks = [self.word_vectorizer_.transform(texts)]
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_vectorizer_.transform(texts))
        return sp.hstack(blocks, format="csr") if len(blocks) > 1 else blocks[0]


@FEATURIZERS.register("hybrid", "tfidf+static")
class HybridFeaturizer(TransformerMixin, BaseEstimator):
    """TF-IDF n-grams concatenated with standardised pooled static vectors (sparse output).

    ``static_weight`` scales the standardised dense block relative to the (unit-norm) TF-IDF rows;
    the dense block is divided by sqrt(dim) first so its row norm is about ``static_weight``.
    """

    def __init__(self, vectors="glove-6b-50d", pooling: str = "mean+max", oov_policy=None, tokenizer=None,
                 ngram_range=(1, 2), min_df=1, sublinear_tf: bool = True, char_ngram_range=None,
                 sif_frequencies: str = "fit", static_weight: float = 1.0):
        self.vectors = vectors
        self.pooling = pooling
        self.oov_policy = oov_policy
        self.tokenizer = tokenizer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.char_ngram_range = char_ngram_range
        self.sif_frequencies = sif_frequencies
        self.static_weight = static_weight

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        if not isinstance(self.static_weight, (int, float)) or self.static_weight < 0:
            raise ConfigError(f"static_weight must be a number >= 0, got {self.static_weight!r}.")
        texts = as_texts(X, who="HybridFeaturizer")
        self.tfidf_ = TfidfFeaturizer(ngram_range=self.ngram_range, min_df=self.min_df,
                                      sublinear_tf=self.sublinear_tf, char_ngram_range=self.char_ngram_range,
                                      tokenizer=self.tokenizer)
        self.static_ = StaticVectorFeaturizer(vectors=self.vectors, pooling=self.pooling,
                                              oov_policy=self.oov_policy, tokenizer=self.tokenizer,
                                              sif_frequencies=self.sif_frequencies)
        sparse = self.tfidf_.fit_transform(texts)
        dense = self.static_.fit(texts).transform(texts)
        self.static_mean_ = dense.mean(axis=0)
        std = dense.std(axis=0)
        self.static_scale_ = np.where(std > 0, std, 1.0) * np.sqrt(dense.shape[1])
        self.n_features_out_ = sparse.shape[1] + dense.shape[1]
        return self._combine(sparse, dense)

    def transform(self, X):
        if not hasattr(self, "tfidf_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("HybridFeaturizer is not fitted yet; call fit() first.")
        texts = as_texts(X, who="HybridFeaturizer")
        return self._combine(self.tfidf_.transform(texts), self.static_.transform(texts))

    def _combine(self, sparse, dense):
        scaled = (dense - self.static_mean_) / self.static_scale_ * float(self.static_weight)
        return sp.hstack([sparse, sp.csr_matrix(scaled.astype(np.float32))], format="csr")
