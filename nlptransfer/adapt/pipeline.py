"""``adapt_vectors``: pretrained vectors + domain corpus -> adapted vectors and an adaptation report."""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.tokenize import WordTokenizer
from ..errors import DimensionMismatchError
from .config import AdaptConfig
from .corpus import DomainCorpus, load_domain_corpus, token_oov
from .drift import drift_by_band
from .intrinsic import intrinsic_scores
from .modes import ADAPT_MODES, SAME_SPACE_MODES, ModeOutput
from .pretrained import PretrainedSource, resolve_pretrained
from .report import AdaptationReport
from .training import log_plan, plan_vocabulary

logger = logging.getLogger(__name__)


@dataclass
class AdaptationResult:
    """The adapted table (a ``StaticVectors``), its report and the trained gensim model."""

    vectors: object  # nlptransfer.vectors.StaticVectors
    report: AdaptationReport | None
    model: object

    def save(self, folder: str | Path, *, save_model: bool = False) -> Path:
        """Write the vectors folder (readable by ``load_vectors`` and gensim ``KeyedVectors.load``), the
        report files next to it and, with ``save_model``, the gensim model (to continue training later)."""
        folder = Path(folder)
        self.vectors.save(folder)
        if self.report is not None:
            self.report.save(folder)
        if save_model:
            self.model.save(str(folder / "gensim_model" / "model"))
        return folder


def _check_dimension(pretrained: PretrainedSource, config: AdaptConfig) -> None:
    if config.vector_size is not None and config.vector_size != pretrained.dim and config.mode in SAME_SPACE_MODES:
        raise DimensionMismatchError(
            f"vector_size={config.vector_size} differs from the pretrained dimension {pretrained.dim} of "
            f"{pretrained.name}; mode {config.mode!r} keeps the pretrained space, so leave vector_size unset "
            f"(or set it to {pretrained.dim}), or use mode 'scratch' for another size.")


def _labelled_token_lists(labelled, tokenizer: WordTokenizer) -> list[list[str]]:
    """Texts of a labelled set (path, Dataset/DatasetDict, LabelledData or list of strings), tokenised."""
    if labelled is None:
        return []
    if isinstance(labelled, (str, Path)):
        from ..data.loading import load_labelled

        labelled = load_labelled(labelled)
    splits = getattr(labelled, "splits", labelled)
    if isinstance(splits, dict):  # DatasetDict (a dict subclass) or a plain dict of splits
        texts = [t for split in splits.values() for t in split["text"]]
    elif hasattr(splits, "column_names"):  # a Dataset
        texts = list(splits["text"])
    else:
        texts = list(splits)
    return [tokenizer(t) for t in texts if isinstance(t, str)]


def _build_output_vectors(output: ModeOutput, pretrained: PretrainedSource, config: AdaptConfig):
    from ..vectors.keyed import StaticVectors

    subwords = None
    if output.ngrams is not None:
        from ..vectors.subwords import SubwordTable

        wv = output.model.wv
        subwords = SubwordTable(output.ngrams, min_n=wv.min_n, max_n=wv.max_n, bucket=wv.bucket)
    metadata = {"adaptation": {"mode": config.mode, "model": config.model, "pretrained": pretrained.name,
                               "tokenizer": dataclasses.asdict(config.tokenizer)}}
    return StaticVectors(output.words, output.matrix, subwords=subwords, metadata=metadata,
                         source=f"adapted:{config.mode}:{pretrained.name}", validate=False)


def adapt_vectors(pretrained, corpus, config: AdaptConfig | None = None, *, labelled=None, callbacks=(),
                  report: bool = True) -> AdaptationResult:
    """Adapt ``pretrained`` vectors to ``corpus`` as ``config.mode`` says.

    ``pretrained``: a vectors name (``glove-6b-50d``), a folder/file, a fastText ``.bin``, a
    ``StaticVectors`` or a gensim ``KeyedVectors``/``FastText``. ``corpus``: a text file (one document
    per line), a folder of ``.txt`` files, strings, or token lists. ``labelled``: an optional labelled set
    whose token OOV rate the report shows before and after. ``callbacks``: extra gensim callbacks (e.g.
    a progress bar). ``report=False`` skips the drift/intrinsic analysis (for timing).
    """
    config = config or AdaptConfig()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    source = resolve_pretrained(pretrained)
    _check_dimension(source, config)
    notes: list[str] = []
    if source.fasttext_model is not None and config.mode in ("continue", "lock") and config.model != "fasttext":
        config = dataclasses.replace(config, model="fasttext")
        notes.append("A fastText .bin continues as fastText with its own subword buckets and objective.")
    timings["load_pretrained"] = time.perf_counter() - start

    start = time.perf_counter()
    tokenizer = WordTokenizer(config.tokenizer)
    domain = corpus if isinstance(corpus, DomainCorpus) else load_domain_corpus(corpus, tokenizer)
    timings["tokenize"] = time.perf_counter() - start

    start = time.perf_counter()
    counts = domain.counts()
    plan = plan_vocabulary(counts, source.key_to_index, config)
    log_plan(plan)
    mode_fn = ADAPT_MODES.get(config.mode)
    output = mode_fn(source, domain, plan, config, list(callbacks))
    vectors = _build_output_vectors(output, source, config)
    timings["adapt"] = time.perf_counter() - start  # counting, vocab build, init copy, training, lock, merge
    if not report:
        return AdaptationResult(vectors=vectors, report=None, model=output.model)

    start = time.perf_counter()
    result_report = _build_report(source, domain, counts, plan, output, config, labelled, tokenizer, notes)
    timings["report"] = time.perf_counter() - start
    result_report.timings = {**timings, **result_report.timings}
    return AdaptationResult(vectors=vectors, report=result_report, model=output.model)


_INTRINSIC_CACHE: dict[tuple, dict] = {}


def _pretrained_intrinsic(source: PretrainedSource) -> dict:
    """Intrinsic scores of the pretrained table, computed once per process per distinct table."""
    import hashlib

    digest = hashlib.sha1(np.ascontiguousarray(source.matrix).data)
    digest.update("\n".join(source.words).encode("utf-8", "surrogatepass"))
    key = (source.matrix.shape, digest.hexdigest())
    if key not in _INTRINSIC_CACHE:
        _INTRINSIC_CACHE[key] = intrinsic_scores(source.words, source.matrix)
    return _INTRINSIC_CACHE[key]


def _build_report(source: PretrainedSource, domain: DomainCorpus, counts, plan, output: ModeOutput,
                  config: AdaptConfig, labelled, tokenizer, notes: list[str]) -> AdaptationReport:
    after_index = {w: i for i, w in enumerate(output.words)}
    oov = {"corpus": {"before": token_oov(domain.sentences, source.key_to_index),
                      "after": token_oov(domain.sentences, after_index)}}
    labelled_tokens = _labelled_token_lists(labelled, tokenizer)
    oov["labelled"] = ({"before": token_oov(labelled_tokens, source.key_to_index),
                        "after": token_oov(labelled_tokens, after_index)} if labelled_tokens else None)
    ranked = [w for w, _ in counts.most_common()]
    trained_shared = set(plan.shared)
    drift = drift_by_band(ranked, (source.key_to_index, source.matrix), (after_index, output.matrix),
                          pretrained_order=source.words, only=trained_shared,
                          same_space=config.mode != "scratch", seed=config.seed)
    intrinsic = None
    if config.intrinsic:
        if source._intrinsic is None:
            source._intrinsic = _pretrained_intrinsic(source)
        after = intrinsic_scores(output.words, output.matrix, reuse=source._intrinsic,
                                 reference=(source.words, source.matrix))
        intrinsic = {"before": source._intrinsic, "after": after}
    if config.mode == "scratch":
        notes.append("scratch vectors live in their own space: cosines to the pretrained vectors are not "
                     "meaningful, so drift shows neighbour overlap only.")
    if config.mode in ("lock", "align"):
        notes.append(f"{config.mode}: the pretrained rows are copied unchanged into the output table, so shared "
                     "words show no drift by construction.")
    if plan.dropped_new_types:
        notes.append(f"{plan.dropped_new_types:,} new domain words ({plan.dropped_new_tokens:,} tokens) occur fewer "
                     f"than min_count_new={config.min_count_new} times and were not added.")
    vocabulary = {"pretrained_size": len(source), "output_size": len(output.words),
                  "shared_trained": len(plan.shared), "new_added": len(output.new_words),
                  "new_dropped_types": plan.dropped_new_types, "new_dropped_tokens": plan.dropped_new_tokens,
                  "shared_below_min_count": plan.dropped_shared_types, "capped": plan.capped_types,
                  "min_count": config.min_count, "min_count_new": config.min_count_new}
    return AdaptationReport(
        mode=config.mode, model=config.model, pretrained=source.name,
        corpus={"source": domain.source, "documents": domain.documents, "tokens": domain.tokens,
                "types": len(counts)},
        vocabulary=vocabulary, oov=oov, training=output.stats.to_dict(), timings={},
        config=config.to_dict(), drift=drift, intrinsic=intrinsic,
        alignment=output.extra.get("alignment"), notes=notes + ([f"objective: {output.extra['objective']}"]
                                                                 if "objective" in output.extra else []))
