"""Texts longer than the model's window: truncation that keeps the special tokens, and sliding windows.

Every function works on token-id lists that already carry the tokenizer's special tokens (``[CLS] ...
[SEP]`` for BERT, ``<s> ... </s>`` for RoBERTa). ``num_prefix``/``num_suffix`` say how many of them sit
at each end; :func:`special_token_layout` finds them for any tokenizer, since transformers 5 tokenizers
no longer expose ``build_inputs_with_special_tokens``.

- ``head`` keeps the first tokens, ``tail`` the last ones, and ``head+tail`` keeps a quarter from the
  start and the rest from the end (Sun et al. 2019, "How to Fine-Tune BERT for Text Classification?",
  found 128 head + 382 tail tokens best for long reviews).
- ``window`` splits a text into overlapping windows; each window is classified and the per-window
  logits are pooled back to one row per text with :func:`aggregate_windows`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ConfigError, check_choice

TRUNCATION_STRATEGIES = ("head", "tail", "head+tail")
WINDOW_AGGREGATIONS = ("mean", "max")
HEAD_SHARE = 0.25  # share of the kept content taken from the start under ``head+tail``


def special_token_layout(tokenizer) -> tuple[list[int], list[int]]:
    """Return the special-token ids the tokenizer puts before and after a single sequence."""
    probe = "x"
    with_special = list(tokenizer(probe, add_special_tokens=True)["input_ids"])
    content = list(tokenizer(probe, add_special_tokens=False)["input_ids"])
    for start in range(len(with_special) - len(content) + 1):
        if with_special[start:start + len(content)] == content:
            return with_special[:start], with_special[start + len(content):]
    raise ConfigError(  # pragma: no cover - only for exotic tokenizers that rewrite the content
        f"Cannot locate the text inside the special tokens of {type(tokenizer).__name__}; "
        "use truncation='head' with the tokenizer's own truncation instead."
    )


def _check_room(max_len: int, num_prefix: int, num_suffix: int) -> int:
    room = max_len - num_prefix - num_suffix
    if room < 1:
        raise ConfigError(
            f"max_length={max_len} leaves no room for text next to {num_prefix + num_suffix} special "
            f"tokens; use max_length >= {num_prefix + num_suffix + 1}."
        )
    return room


def truncate_ids(
    ids: Sequence[int], max_len: int, strategy: str = "head", *, num_prefix: int = 1, num_suffix: int = 1
) -> list[int]:
    """Cut ``ids`` to at most ``max_len`` tokens by ``strategy``, keeping the special tokens at both ends."""
    check_choice("truncation strategy", strategy, TRUNCATION_STRATEGIES)
    ids = list(ids)
    if len(ids) <= max_len:
        return ids
    room = _check_room(max_len, num_prefix, num_suffix)
    prefix, suffix = ids[:num_prefix], ids[len(ids) - num_suffix:]
    content = ids[num_prefix:len(ids) - num_suffix]
    if strategy == "head":
        kept = content[:room]
    elif strategy == "tail":
        kept = content[len(content) - room:]
    else:
        n_head = int(room * HEAD_SHARE)
        kept = content[:n_head] + content[len(content) - (room - n_head):]
    return prefix + kept + suffix


def window_single(
    ids: Sequence[int], max_len: int, stride: int, *, num_prefix: int = 1, num_suffix: int = 1
) -> list[list[int]]:
    """Split one text into windows of at most ``max_len`` tokens, each with the special tokens.

    ``stride`` is the number of text tokens between the starts of consecutive windows (as
    ``FinetuneArguments.window_stride``), so windows overlap by ``max_len - specials - stride`` tokens;
    it must be between 1 and the text tokens per window (windows touch). The last window ends at the
    text's end. A text that fits gives one window, identical to the input.
    """
    ids = list(ids)
    if len(ids) <= max_len:
        return [ids]
    room = _check_room(max_len, num_prefix, num_suffix)
    if not 1 <= stride <= room:
        raise ConfigError(
            f"window stride {stride} (tokens between window starts) must be between 1 and the {room} text "
            f"tokens per window at max_length={max_len}, or windows would skip text; try stride={room // 2}."
        )
    prefix, suffix = ids[:num_prefix], ids[len(ids) - num_suffix:]
    content = ids[num_prefix:len(ids) - num_suffix]
    step = stride
    windows = []
    start = 0
    while True:
        end = min(start + room, len(content))
        windows.append(prefix + content[start:end] + suffix)
        if end >= len(content):
            return windows
        start += step


def window_ids(
    docs: Sequence[Sequence[int]], max_len: int, stride: int, *, num_prefix: int = 1, num_suffix: int = 1
) -> tuple[list[list[int]], np.ndarray]:
    """Window every document; return the windows and, per window, the index of its document."""
    windows: list[list[int]] = []
    doc_index: list[int] = []
    for i, ids in enumerate(docs):
        pieces = window_single(ids, max_len, stride, num_prefix=num_prefix, num_suffix=num_suffix)
        windows.extend(pieces)
        doc_index.extend([i] * len(pieces))
    return windows, np.asarray(doc_index, dtype=np.int64)


def aggregate_windows(
    logits: np.ndarray, doc_index: Sequence[int], how: str = "mean", *, num_docs: int | None = None
) -> np.ndarray:
    """Pool per-window logits (rows) into one row per document, by ``mean`` or element-wise ``max``.

    Rows of the result follow document index order. Every document in ``range(num_docs)`` must own at
    least one window.
    """
    check_choice("window aggregation", how, WINDOW_AGGREGATIONS)
    logits = np.asarray(logits, dtype=np.float64)
    doc_index = np.asarray(doc_index, dtype=np.int64)
    if logits.ndim != 2 or len(logits) != len(doc_index):
        raise ValueError(f"logits {logits.shape} and doc_index ({len(doc_index)},) must have the same rows")
    num_docs = int(doc_index.max()) + 1 if num_docs is None else num_docs
    counts = np.bincount(doc_index, minlength=num_docs)
    if len(counts) > num_docs or (counts == 0).any():
        missing = np.flatnonzero(counts[:num_docs] == 0)[:5].tolist()
        raise ValueError(f"doc_index must cover documents 0..{num_docs - 1} exactly; missing e.g. {missing}")
    if how == "mean":
        sums = np.zeros((num_docs, logits.shape[1]))
        np.add.at(sums, doc_index, logits)
        return sums / counts[:, None]
    out = np.full((num_docs, logits.shape[1]), -np.inf)
    np.maximum.at(out, doc_index, logits)
    return out
