"""Continued embedding training on a domain corpus (gensim 4.4 Word2Vec / FastText).

``adapt_vectors(pretrained, corpus, AdaptConfig(mode=...))`` returns an :class:`AdaptationResult`:
the adapted :class:`~nlptransfer.vectors.StaticVectors`, an :class:`AdaptationReport` (OOV before and
after, drift by frequency band, intrinsic scores, loss per epoch, speed) and the gensim model. Modes
(:data:`ADAPT_MODES`): ``continue``, ``lock``, ``align``, ``scratch``.
"""

from .align import ProcrustesMap, fit_alignment, orthogonal_procrustes
from .config import ADAPT_MODELS, AdaptConfig
from .corpus import DomainCorpus, load_domain_corpus, token_oov
from .modes import ADAPT_MODES
from .pipeline import AdaptationResult, adapt_vectors
from .report import AdaptationReport

__all__ = [
    "ADAPT_MODELS", "ADAPT_MODES", "AdaptConfig", "AdaptationReport", "AdaptationResult", "DomainCorpus",
    "ProcrustesMap", "adapt_vectors", "fit_alignment", "load_domain_corpus", "orthogonal_procrustes", "token_oov",
]
