"""How much of a corpus pretrained vectors cover, and what normalisation and subwords add.

Texts are split with the project's :class:`~nlptransfer.data.tokenize.WordTokenizer` (the same one
featurizers use, so the figures describe what a model will actually see). Each distinct token is
resolved once through the recovery steps of an OOV cascade (default ``normalize>subword``): exact,
then each normalisation step, then fastText subwords. Steps that always decide (``zero``, ``unk``,
``random``) are not recovery: a word they handle counts as out of vocabulary.

Token coverage counts every occurrence, type coverage each distinct token once. A token coverage
below ``threshold`` is logged at WARNING and flagged in the report: it almost always means a broken
load or a tokenizer that does not match the vectors (e.g. cased text against lowercased GloVe).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..data.tokenize import TokenizerConfig, WordTokenizer
from ..errors import DataError, UsageError
from .keyed import StaticVectors
from .oov import EXACT, OOVCascade, get_oov_policy

logger = logging.getLogger(__name__)

OOV = "oov"


@dataclass
class CoverageReport:
    vectors: str
    vocab_size: int
    tokenizer: dict
    oov_policy: str
    n_texts: int
    n_tokens: int
    n_types: int
    token_coverage: float  # exact matches only
    type_coverage: float
    token_coverage_recovered: float  # exact + normalisation + subwords
    type_coverage_recovered: float
    steps: list[dict] = field(default_factory=list)  # per step: tokens/types it resolved and the gain
    top_oov: list[dict] = field(default_factory=list)
    per_class: dict[str, dict] = field(default_factory=dict)
    threshold: float = 0.5
    low_coverage: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def to_markdown(self, path: str | Path | None = None) -> str:
        lines = [f"# Vector coverage: {self.vectors}", ""]
        for w in self.warnings:
            lines += [f"> **Warning:** {w}", ""]
        lines += [
            f"{self.n_texts} texts, {self.n_tokens} tokens, {self.n_types} distinct; vectors: {self.vocab_size} words; "
            f"tokenizer mode `{self.tokenizer.get('mode')}`; recovery `{self.oov_policy}`.", "",
            "| | tokens | types |", "|---|---|---|",
            f"| exact | {_pct(self.token_coverage)} | {_pct(self.type_coverage)} |",
            f"| with recovery | {_pct(self.token_coverage_recovered)} | {_pct(self.type_coverage_recovered)} |", "",
            "## Gain per step", "", "| step | tokens | types | token gain | type gain |", "|---|---|---|---|---|",
        ]
        lines += [f"| {s['step']} | {s['tokens']} | {s['types']} | {_pct(s['token_gain'])} | {_pct(s['type_gain'])} |"
                  for s in self.steps]
        if self.per_class:
            lines += ["", "## Per class", "", "| class | texts | tokens | token coverage | type coverage | "
                      "token coverage (recovered) |", "|---|---|---|---|---|---|"]
            lines += [f"| {name} | {c['n_texts']} | {c['n_tokens']} | {_pct(c['token_coverage'])} | "
                      f"{_pct(c['type_coverage'])} | {_pct(c['token_coverage_recovered'])} |"
                      for name, c in self.per_class.items()]
        lines += ["", f"## Top {len(self.top_oov)} out-of-vocabulary tokens", "", "| token | count | resolved by |",
                  "|---|---|---|"]
        lines += [f"| `{_md_escape(o['word'])}` | {o['count']} | {o['resolved_by']} |" for o in self.top_oov]
        text = "\n".join(lines) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _md_escape(word: str) -> str:
    return word.replace("|", "\\|").replace("`", "'")


def _texts_and_labels(data, text_column: str, label_column: str, labels) -> tuple[list[str], list | None]:
    """Accept texts, a Dataset/DatasetDict/LabelledData, a DataFrame or a mapping of columns."""
    if hasattr(data, "splits") and hasattr(data, "schema"):  # LabelledData
        data = data.splits
    if hasattr(data, "column_names") and isinstance(data.column_names, dict):  # DatasetDict: all splits
        texts, labs = [], []
        for split in data.values():
            t, lab = _texts_and_labels(split, text_column, label_column, None)
            texts += t
            labs = None if lab is None or labs is None else labs + lab
        return texts, labels if labels is not None else labs
    columns = getattr(data, "column_names", None) or (list(data.columns) if hasattr(data, "columns") else None)
    if columns is None and isinstance(data, dict):
        columns = list(data)
    if columns is not None:
        if text_column not in columns:
            raise DataError(f"coverage data has no {text_column!r} column (columns: {columns}); pass text_column=.")
        texts = list(data[text_column])
        if labels is None and label_column in columns:
            labels = list(data[label_column])
    elif isinstance(data, str):
        raise UsageError("coverage data is a single string; pass a list of texts or a dataset.")
    else:
        texts = list(data)
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(texts):
            raise DataError(f"{len(labels)} labels for {len(texts)} texts; they must align.")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise DataError(f"text {i} is {type(t).__name__} ({t!r:.60}), not a string; fix or drop that row.")
    return texts, labels


def _make_tokenizer(tokenizer) -> WordTokenizer:
    if tokenizer is None:
        return WordTokenizer()
    if isinstance(tokenizer, WordTokenizer):
        return tokenizer
    if isinstance(tokenizer, TokenizerConfig):
        return WordTokenizer(tokenizer)
    if isinstance(tokenizer, dict):
        return WordTokenizer.from_dict(tokenizer)
    if isinstance(tokenizer, str):
        return WordTokenizer(TokenizerConfig(mode=tokenizer))
    raise UsageError(f"tokenizer must be a WordTokenizer, TokenizerConfig, dict or mode name, got {tokenizer!r}.")


def _step_for(vectors: StaticVectors, cascade: OOVCascade, word: str) -> str:
    if vectors.in_vocab(word):
        return EXACT
    for step in cascade.recovery_steps():
        vec, how = step.resolve(vectors, word)
        if vec is not None:
            return how
    return OOV


def compute_coverage(vectors: StaticVectors, data: Iterable, *, tokenizer=None, oov_policy="normalize>subword",
                     labels=None, top_n: int = 20, threshold: float = 0.5, text_column: str = "text",
                     label_column: str = "label") -> CoverageReport:
    """Coverage of ``data`` (texts, or a labelled dataset for per-class figures) by ``vectors``."""
    if not 0 <= threshold <= 1:
        raise UsageError(f"threshold must be a fraction between 0 and 1, got {threshold!r}.")
    tok = _make_tokenizer(tokenizer)
    cascade = get_oov_policy(oov_policy)
    texts, labels = _texts_and_labels(data, text_column, label_column, labels)
    if not texts:
        raise DataError("coverage data holds no texts.")

    counts: Counter[str] = Counter()
    class_counts: dict[str, Counter[str]] = {}
    class_texts: Counter[str] = Counter()
    for i, text in enumerate(texts):
        tokens = tok.tokenize(text)
        counts.update(tokens)
        if labels is not None:
            key = str(labels[i])
            class_counts.setdefault(key, Counter()).update(tokens)
            class_texts[key] += 1
    n_tokens = sum(counts.values())
    n_types = len(counts)
    step_of = {w: _step_for(vectors, cascade, w) for w in counts}

    order = [EXACT] + [s for s in _step_names(cascade) if s != EXACT]
    by_step = {s: [0, 0] for s in order}
    for w, c in counts.items():
        s = step_of[w]
        if s != OOV:
            entry = by_step.setdefault(s, [0, 0])
            entry[0] += c
            entry[1] += 1
    exact_tokens, exact_types = by_step[EXACT]
    rec_tokens = sum(v[0] for v in by_step.values())
    rec_types = sum(v[1] for v in by_step.values())
    steps = [{"step": s, "tokens": v[0], "types": v[1], "token_gain": _div(v[0], n_tokens),
              "type_gain": _div(v[1], n_types)} for s, v in by_step.items()]

    oov_words = sorted((w for w in counts if step_of[w] != EXACT), key=lambda w: (-counts[w], w))
    top = [{"word": w, "count": counts[w], "resolved_by": step_of[w]} for w in oov_words[:top_n]]

    per_class = {}
    for name in sorted(class_counts):
        cc = class_counts[name]
        ct = sum(cc.values())
        per_class[name] = {
            "n_texts": class_texts[name], "n_tokens": ct, "n_types": len(cc),
            "token_coverage": _div(sum(c for w, c in cc.items() if step_of[w] == EXACT), ct),
            "type_coverage": _div(sum(1 for w in cc if step_of[w] == EXACT), len(cc)),
            "token_coverage_recovered": _div(sum(c for w, c in cc.items() if step_of[w] != OOV), ct),
        }

    report = CoverageReport(
        vectors=vectors.source or "vectors", vocab_size=len(vectors), tokenizer=tok.to_dict(), oov_policy=cascade.spec,
        n_texts=len(texts), n_tokens=n_tokens, n_types=n_types,
        token_coverage=_div(exact_tokens, n_tokens), type_coverage=_div(exact_types, n_types),
        token_coverage_recovered=_div(rec_tokens, n_tokens), type_coverage_recovered=_div(rec_types, n_types),
        steps=steps, top_oov=top, per_class=per_class, threshold=threshold,
    )
    if n_tokens == 0:
        report.warnings.append("the tokenizer produced no tokens; check the text column and tokenizer mode.")
    if report.token_coverage < threshold:
        report.low_coverage = True
        report.warnings.append(
            f"token coverage {_pct(report.token_coverage)} is below {_pct(threshold)}: the vectors may be loaded "
            f"wrongly or the tokenizer (mode {tok.config.mode!r}, lowercase={tok.config.lowercase}) may not match them."
        )
    for w in report.warnings:
        logger.warning("coverage of %s: %s", report.vectors, w)
    return report


def _step_names(cascade: OOVCascade) -> list[str]:
    names = []
    for step in cascade.recovery_steps():
        if step.name == "normalize":
            names += ["normalize:lower", "normalize:accents", "normalize:digits"]
        else:
            names.append(step.name)
    return names


def _div(a: float, b: float) -> float:
    return float(a) / b if b else 0.0
