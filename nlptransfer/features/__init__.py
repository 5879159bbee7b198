"""Featurizers, classical heads and neural classifiers on pretrained embeddings.

- Featurizers (scikit-learn transformers, registry :data:`FEATURIZERS`): ``static`` (pooled static
  vectors: mean, max, TF-IDF-weighted, SIF), ``tfidf`` (n-grams), ``hybrid`` (TF-IDF n-grams plus pooled
  vectors, the default static path) and ``transformer`` (frozen transformer, pooled layers, cached).
- Heads (registry :data:`HEADS`): ``logreg``, ``linear-svm`` (calibrated), ``mlp``.
- :class:`FeaturizerClassifier`: featurizer + head as a :class:`~nlptransfer.base.TransferClassifier`.
- :class:`EmbeddingClassifier` (CNN / bag-of-embeddings with static, non-static or rand embeddings)
  and :class:`MultiTaskEmbeddingClassifier` (one shared encoder, one head per task), trained in the
  shared Accelerate loop of :mod:`nlptransfer.finetune.loop`. These import torch on first use.
"""

from __future__ import annotations

from . import heads as _heads  # noqa: F401  (registers the heads)
from .cache import FeatureCache, default_cache_dir
from .classifier import FeaturizerClassifier
from .registry import FEATURIZERS, HEADS, build_featurizer, build_head
from .sparse import HybridFeaturizer, TfidfFeaturizer
from .static import StaticVectorFeaturizer
from .transformer import TransformerFeaturizer

_LAZY = {
    "EmbeddingClassifier": ".neural",
    "EmbeddingClassifierConfig": ".neural",
    "Vocabulary": ".vocab",
    "build_embedding": ".embedding_init",
    "MultiTaskEmbeddingClassifier": ".multitask",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FEATURIZERS", "HEADS", "build_featurizer", "build_head", "FeatureCache", "default_cache_dir",
    "FeaturizerClassifier", "HybridFeaturizer", "TfidfFeaturizer", "StaticVectorFeaturizer",
    "TransformerFeaturizer", *_LAZY,
]
