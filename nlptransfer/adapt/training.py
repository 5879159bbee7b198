"""gensim plumbing shared by the modes: vocabulary plan, model construction, init copy, training loop.

Locking, verified on gensim 4.4 (``word2vec_inner.pyx`` / ``fasttext_inner.pyx`` and the test
``test_adapt_lock.py``):

- Word2Vec scales every input-vector update by ``wv.vectors_lockf[index % len(vectors_lockf)]`` in
  all four kernels (sg/cbow x negative/hs) and in the ``corpus_file`` path, so a FULL-LENGTH lockf
  array with 0.0 on the pretrained rows keeps them bit-identical (tested for cbow/sg, negative/hs).
  What breaks it: since 4.0 the array is a 1-element no-op by default and is never resized --
  ``build_vocab(update=True)`` leaves it at its old length and the modulo silently applies other
  words' factors to the new words; code indexing it per word fails (gensim #3094), and users saw
  "0.0 does not suppress changes" (#3100). So :func:`train` builds it after the last vocabulary
  change, and puts the 1-element no-op back afterwards.
- FastText scales vocab-row updates by ``vectors_vocab_lockf`` but a word's vector is the mean of its
  vocab row and its character n-gram buckets, and buckets are shared with new words. Freezing the
  buckets would stop new words from learning their subwords, so :class:`LockedRowsGuard` instead
  re-solves the locked words' vocab rows after every epoch so their composed vectors equal the
  pretrained ones again; the exported table takes the pretrained rows verbatim (bit-identical).
- Every epoch :class:`LockedRowsGuard` also checks the locked Word2Vec rows bit for bit and restores
  them if anything moved; ``restores_needed`` in the report says whether it ever had to (0 on 4.4).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from gensim.models import FastText, Word2Vec
from gensim.models.callbacks import CallbackAny2Vec

from ..errors import DataError
from .config import AdaptConfig

logger = logging.getLogger(__name__)


@dataclass
class VocabPlan:
    """Which corpus words take part in training, decided before gensim sees them."""

    word_freq: dict[str, int]
    shared: list[str]  # in the pretrained vocabulary and trained
    new: list[str]  # not in the pretrained vocabulary and added
    dropped_new_types: int = 0  # new words under min_count_new
    dropped_new_tokens: int = 0
    dropped_shared_types: int = 0  # pretrained words under min_count (keep their pretrained vector)
    capped_types: int = 0  # removed by max_vocab


def plan_vocabulary(counts: Counter, pretrained_vocab, config: AdaptConfig) -> VocabPlan:
    """Apply ``min_count`` to shared words, ``min_count_new`` to new words and ``max_vocab`` to both."""
    shared, new = {}, {}
    plan = VocabPlan(word_freq={}, shared=[], new=[])
    for word, count in counts.items():
        if word in pretrained_vocab:
            if count >= config.min_count:
                shared[word] = count
            else:
                plan.dropped_shared_types += 1
        elif count >= config.min_count_new:
            new[word] = count
        else:
            plan.dropped_new_types += 1
            plan.dropped_new_tokens += count
    word_freq = {**shared, **new}
    if config.max_vocab is not None and len(word_freq) > config.max_vocab:
        kept = sorted(word_freq, key=lambda w: (-word_freq[w], w))[: config.max_vocab]
        plan.capped_types = len(word_freq) - len(kept)
        word_freq = {w: word_freq[w] for w in kept}
    if not word_freq:
        raise DataError(f"No corpus word reaches min_count={config.min_count} (pretrained words) or "
                        f"min_count_new={config.min_count_new} (new words); the corpus has {len(counts)} "
                        "distinct tokens. Lower --min-count / --min-count-new or use a larger corpus.")
    plan.word_freq = word_freq
    plan.shared = [w for w in word_freq if w in shared]
    plan.new = [w for w in word_freq if w in new]
    return plan


def make_model(config: AdaptConfig, vector_size: int):
    """An empty gensim model; the vocabulary comes from :func:`build_vocab`."""
    common = dict(vector_size=vector_size, window=config.window, min_count=1, sample=config.sample,
                  sg=int(config.sg), hs=int(config.negative == 0), negative=config.negative,
                  alpha=config.alpha, min_alpha=config.min_alpha, seed=config.seed,
                  workers=config.workers, epochs=config.epochs)
    if config.model == "fasttext":
        return FastText(bucket=config.bucket, min_n=config.min_n, max_n=config.max_n, **common)
    return Word2Vec(**common)


def build_vocab(model, plan: VocabPlan, corpus_count: int, update: bool = False) -> None:
    # min_count was applied by plan_vocabulary; gensim must not filter again (new words under its
    # min_count would vanish without a trace, gensim #3352).
    model.min_count = 1
    model.build_vocab_from_freq(dict(plan.word_freq), corpus_count=corpus_count, update=update)


def fasttext_vocab_rows_for(wv, indices: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Vocab rows that make FastText's composed vectors (vocab row + n-gram buckets, averaged) equal
    ``targets`` for the words at ``indices``."""
    rows = np.empty_like(targets)
    for out, (i, target) in enumerate(zip(indices, targets)):
        buckets = wv.buckets_word[i]
        ngram_sum = wv.vectors_ngrams[buckets].sum(axis=0) if len(buckets) else 0.0
        rows[out] = target * (len(buckets) + 1) - ngram_sum
    return rows


def set_word_vectors(model, indices: np.ndarray, vectors: np.ndarray) -> None:
    """Make the model's vectors for ``indices`` equal ``vectors`` (for FastText: the composed vectors)."""
    wv = model.wv
    if isinstance(model, FastText):
        wv.vectors_vocab[indices] = fasttext_vocab_rows_for(wv, indices, vectors)
        wv.adjust_vectors()
    else:
        wv.vectors[indices] = vectors


class LockedRowsGuard(CallbackAny2Vec):
    """Keep the locked rows at their pretrained values; counts how often a restore was needed."""

    def __init__(self, indices: np.ndarray, vectors: np.ndarray):
        self.indices = np.asarray(indices, dtype=np.int64)
        self.vectors = np.array(vectors, dtype=np.float32, copy=True)
        self.restores_needed = 0
        self.checks = 0

    def enforce(self, model) -> None:
        self.checks += 1
        if isinstance(model, FastText):
            # Shared n-gram buckets moved; re-solve the vocab rows (not bit-exact inside the model, the
            # exported table takes the pretrained rows verbatim).
            model.wv.vectors_vocab[self.indices] = fasttext_vocab_rows_for(model.wv, self.indices, self.vectors)
            return
        current = model.wv.vectors[self.indices]
        if current.tobytes() != self.vectors.tobytes():
            self.restores_needed += 1
            model.wv.vectors[self.indices] = self.vectors

    def on_epoch_end(self, model) -> None:
        self.enforce(model)


class UnlockAfterWarmup(CallbackAny2Vec):
    """Hold the pretrained rows still for the first ``epochs`` epochs, then let them train.

    The output layer starts at zero; while it is still meaningless, the gradients it sends to the
    pretrained input rows mostly scramble them (large drift of frequent words). Warming it up against
    frozen pretrained rows first keeps ``continue`` close to the pretrained space.
    """

    def __init__(self, indices: np.ndarray, epochs: int):
        self.indices = np.asarray(indices, dtype=np.int64)
        self.epochs = epochs
        self._done = 0

    def lockf_for(self, model) -> np.ndarray:
        lockf = np.ones(len(model.wv), dtype=np.float32)
        lockf[self.indices] = 0.0
        return lockf

    def on_epoch_end(self, model) -> None:
        self._done += 1
        if self._done == self.epochs:
            # in place: the training threads hold a pointer to this array
            target = model.wv.vectors_vocab_lockf if isinstance(model, FastText) else model.wv.vectors_lockf
            target[:] = 1.0


class EpochLossRecorder(CallbackAny2Vec):
    """gensim's loss is a running total over the whole ``train()`` call; keep per-epoch deltas."""

    def __init__(self):
        self.previous = 0.0
        self.per_epoch: list[float] = []
        self.seconds: list[float] = []
        self._start = None

    def on_epoch_begin(self, model) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, model) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        total = float(model.get_latest_training_loss())
        self.per_epoch.append(total - self.previous)
        self.previous = total


@dataclass
class TrainingStats:
    epochs: int
    seconds: float
    raw_words: int
    effective_words: int
    loss_per_epoch: list[float] | None
    loss_note: str
    epoch_seconds: list[float] = field(default_factory=list)
    restores_needed: int | None = None

    @property
    def words_per_second(self) -> float:
        return self.raw_words / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict:
        return {"epochs": self.epochs, "seconds": self.seconds, "raw_words": self.raw_words,
                "effective_words": self.effective_words, "words_per_second": self.words_per_second,
                "loss_per_epoch": self.loss_per_epoch, "loss_note": self.loss_note,
                "epoch_seconds": self.epoch_seconds, "restores_needed": self.restores_needed}


def train(model, sentences: list[list[str]], config: AdaptConfig, *, locked: LockedRowsGuard | None = None,
          warmup: UnlockAfterWarmup | None = None, callbacks=()) -> TrainingStats:
    """Run gensim's training on ``sentences`` with per-epoch loss, lock enforcement and user callbacks."""
    if warmup is not None and warmup.epochs > 0:
        if isinstance(model, FastText):
            model.wv.vectors_vocab_lockf = warmup.lockf_for(model)
        else:
            model.wv.vectors_lockf = warmup.lockf_for(model)
        callbacks = [warmup, *callbacks]
    if locked is not None:  # full length, after the final vocabulary build (see module docstring)
        lockf = np.ones(len(model.wv), dtype=np.float32)
        lockf[locked.indices] = 0.0
        if isinstance(model, FastText):
            model.wv.vectors_vocab_lockf = lockf
        else:
            model.wv.vectors_lockf = lockf
    recorder = EpochLossRecorder()
    all_callbacks = [recorder, *([locked] if locked is not None else []), *callbacks]
    compute_loss = config.compute_loss and not isinstance(model, FastText)
    start = time.perf_counter()
    effective, raw = model.train(sentences, total_examples=len(sentences), epochs=config.epochs,
                                 compute_loss=compute_loss, callbacks=all_callbacks)
    seconds = time.perf_counter() - start
    if locked is not None:
        locked.enforce(model)  # final restore, and for FastText the final composed vectors
        if isinstance(model, FastText):
            model.wv.adjust_vectors()
    # back to gensim's compact no-op arrays, so a later build_vocab(update=True) cannot misindex them
    if isinstance(model, FastText):
        model.wv.vectors_vocab_lockf = np.ones(1, dtype=np.float32)
    else:
        model.wv.vectors_lockf = np.ones(1, dtype=np.float32)
    if isinstance(model, FastText):
        loss, note = None, ("not available: gensim's FastText does not compute a training loss (it always "
                            "reports 0, gensim #3228)")
    elif not compute_loss:
        loss, note = None, "not tracked (compute_loss=False)"
    else:
        loss, note = recorder.per_epoch, ("Word2Vec loss per epoch (deltas of gensim's cumulative float32 "
                                          "counter, so only roughly comparable across runs)")
    return TrainingStats(epochs=config.epochs, seconds=seconds, raw_words=int(raw), effective_words=int(effective),
                         loss_per_epoch=loss, loss_note=note, epoch_seconds=recorder.seconds,
                         restores_needed=None if locked is None else locked.restores_needed)


def new_model_for(config: AdaptConfig, sentences: list[list[str]], plan: VocabPlan, vector_size: int):
    model = make_model(config, vector_size)
    build_vocab(model, plan, corpus_count=len(sentences))
    return model


def log_plan(plan: VocabPlan) -> None:
    logger.info("training vocabulary: %d shared words, %d new words; %d new words under min_count_new dropped "
                "(%d tokens)", len(plan.shared), len(plan.new), plan.dropped_new_types, plan.dropped_new_tokens)
