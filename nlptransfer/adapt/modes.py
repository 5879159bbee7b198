"""The adaptation modes, registered by name in :data:`ADAPT_MODES`.

Each mode takes the pretrained source, the tokenised corpus and the vocabulary plan and returns the
merged vector table (:class:`ModeOutput`):

- ``continue``: a gensim model whose shared words start from their pretrained rows; everything trains.
- ``lock``: the same, but the pretrained rows never change (see :mod:`.training` for how this is
  enforced and verified); only new words learn.
- ``align``: train on the corpus alone, then map new words into the pretrained space by orthogonal
  Procrustes over frequent shared anchor words.
- ``scratch``: train on the corpus alone; the table is the corpus vocabulary (a baseline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..registry import Registry
from . import training
from .align import fit_alignment
from .config import AdaptConfig
from .corpus import DomainCorpus
from .pretrained import PretrainedSource


@dataclass
class ModeOutput:
    words: list[str]
    matrix: np.ndarray
    model: object  # the trained gensim model
    stats: training.TrainingStats
    new_words: list[str]
    extra: dict = field(default_factory=dict)
    ngrams: np.ndarray | None = None  # fastText n-gram buckets in the output table's space

    def __post_init__(self) -> None:
        if self.ngrams is None and getattr(self.model.wv, "bucket", 0) and self.extra.get("alignment") is None:
            self.ngrams = np.array(self.model.wv.vectors_ngrams, dtype=np.float32)


ModeFn = Callable[[PretrainedSource, DomainCorpus, training.VocabPlan, AdaptConfig, list], ModeOutput]
ADAPT_MODES: Registry[ModeFn] = Registry("adaptation mode")

#: Modes whose output lives in the pretrained space, so the vector size must equal the pretrained one.
SAME_SPACE_MODES = ("continue", "lock", "align")


def _new_words_in_model_order(model, plan: training.VocabPlan) -> list[str]:
    new = set(plan.new)
    return [w for w in model.wv.index_to_key if w in new]


def _init_from_pretrained(pretrained: PretrainedSource, corpus: DomainCorpus, plan, config: AdaptConfig):
    """A fresh gensim model on the planned vocabulary, shared words set to their pretrained vectors."""
    model = training.new_model_for(config, corpus.sentences, plan, pretrained.dim)
    model_idx = np.array([model.wv.key_to_index[w] for w in plan.shared], dtype=np.int64)
    pre_idx = np.array([pretrained.key_to_index[w] for w in plan.shared], dtype=np.int64)
    if len(model_idx):
        training.set_word_vectors(model, model_idx, pretrained.matrix[pre_idx])
    return model, model_idx, pre_idx


def _train_from_pretrained(pretrained, corpus, plan, config, callbacks, *, lock: bool) -> ModeOutput:
    if pretrained.fasttext_model is not None:
        return _train_from_fasttext_bin(pretrained, corpus, plan, config, callbacks, lock=lock)
    model, model_idx, pre_idx = _init_from_pretrained(pretrained, corpus, plan, config)
    guard = training.LockedRowsGuard(model_idx, pretrained.matrix[pre_idx]) if lock else None
    # at least one epoch trains the pretrained rows, else continue would silently equal lock
    warmup = None if lock else training.UnlockAfterWarmup(model_idx, min(config.warmup_epochs, config.epochs - 1))
    stats = training.train(model, corpus.sentences, config, locked=guard, warmup=warmup, callbacks=callbacks)
    new_words = _new_words_in_model_order(model, plan)
    new_rows = model.wv.vectors[[model.wv.key_to_index[w] for w in new_words]]
    matrix = np.vstack([pretrained.matrix, new_rows]).astype(np.float32, copy=False)
    if not lock and len(model_idx):
        matrix[pre_idx] = model.wv.vectors[model_idx]
    return ModeOutput(words=list(pretrained.words) + new_words, matrix=matrix, model=model, stats=stats,
                      new_words=new_words)


def _train_from_fasttext_bin(pretrained, corpus, plan, config, callbacks, *, lock: bool) -> ModeOutput:
    """Continue a fastText ``.bin``: its vocabulary, n-gram buckets and output layer carry over."""
    model = pretrained.fasttext_model
    n_original = len(model.wv)
    # The .bin's own objective (sg/cbow, negative/hs) and buckets are kept; the schedule is ours.
    model.alpha, model.min_alpha, model.window = config.alpha, config.min_alpha, config.window
    model.sample, model.workers, model.epochs = config.sample, config.workers, config.epochs
    training.build_vocab(model, plan, corpus_count=len(corpus.sentences), update=True)
    guard = training.LockedRowsGuard(np.arange(n_original), pretrained.matrix) if lock else None
    # a .bin brings its trained output layer, so continue needs no warm-up
    stats = training.train(model, corpus.sentences, config, locked=guard, callbacks=callbacks)
    matrix = np.array(model.wv.vectors, dtype=np.float32)
    if lock:
        matrix[:n_original] = pretrained.matrix
    words = list(model.wv.index_to_key)
    return ModeOutput(words=words, matrix=matrix, model=model, stats=stats, new_words=words[n_original:],
                      extra={"objective": {"sg": model.sg, "negative": model.negative, "hs": model.hs,
                                           "bucket": model.wv.bucket, "kept_from": "fastText .bin"}})


@ADAPT_MODES.register("continue")
def continue_training(pretrained, corpus, plan, config, callbacks) -> ModeOutput:
    return _train_from_pretrained(pretrained, corpus, plan, config, callbacks, lock=False)


@ADAPT_MODES.register("lock")
def locked_training(pretrained, corpus, plan, config, callbacks) -> ModeOutput:
    return _train_from_pretrained(pretrained, corpus, plan, config, callbacks, lock=True)


def _train_domain_only(corpus, plan, config, callbacks, vector_size: int):
    model = training.new_model_for(config, corpus.sentences, plan, vector_size)
    stats = training.train(model, corpus.sentences, config, callbacks=callbacks)
    return model, stats


@ADAPT_MODES.register("align")
def aligned_training(pretrained, corpus, plan, config, callbacks) -> ModeOutput:
    model, stats = _train_domain_only(corpus, plan, config, callbacks, pretrained.dim)
    # Anchors: shared words, most frequent in the corpus first (their domain vectors are the most reliable).
    anchors = sorted(plan.shared, key=lambda w: -plan.word_freq[w])[: config.align_max_anchors]
    source = model.wv.vectors[[model.wv.key_to_index[w] for w in anchors]] if anchors else np.empty((0, 0))
    target = pretrained.matrix[[pretrained.key_to_index[w] for w in anchors]] if anchors else np.empty((0, 0))
    mapping, stats_align = fit_alignment(anchors, source, target, exclude_fraction=config.align_exclude_fraction,
                                         scale=config.align_scale)
    new_words = _new_words_in_model_order(model, plan)
    new_rows = mapping.apply(model.wv.vectors[[model.wv.key_to_index[w] for w in new_words]]) if new_words \
        else np.empty((0, pretrained.dim), dtype=np.float32)
    matrix = np.vstack([pretrained.matrix, new_rows]).astype(np.float32, copy=False)
    # An affine map commutes with averaging, so mapping the n-gram buckets keeps OOV composition consistent.
    ngrams = mapping.apply(model.wv.vectors_ngrams) if getattr(model.wv, "bucket", 0) else None
    return ModeOutput(words=list(pretrained.words) + new_words, matrix=matrix, model=model, stats=stats,
                      new_words=new_words, extra={"alignment": stats_align}, ngrams=ngrams)


@ADAPT_MODES.register("scratch")
def scratch_training(pretrained, corpus, plan, config, callbacks) -> ModeOutput:
    model, stats = _train_domain_only(corpus, plan, config, callbacks, config.vector_size or pretrained.dim)
    words = list(model.wv.index_to_key)
    return ModeOutput(words=words, matrix=np.array(model.wv.vectors, dtype=np.float32), model=model,
                      stats=stats, new_words=_new_words_in_model_order(model, plan))
