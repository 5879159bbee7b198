"""Word vocabulary of an embedding-initialised network, built from the training texts.

Ids 0 and 1 are reserved for ``<pad>`` and ``<unk>``; the other words follow in descending count
(ties alphabetical, so the ids are the same on every run). Saved as JSON next to the model, together
with the tokenizer configuration that produced the tokens.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataFileNotFoundError

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1
VOCAB_FILENAME = "vocab.json"


class Vocabulary:
    """Word <-> id mapping with ``<pad>`` = 0 and ``<unk>`` = 1."""

    def __init__(self, words: Sequence[str], counts: dict[str, int] | None = None):
        words = list(words)
        if words[:2] != [PAD, UNK]:
            words = [PAD, UNK] + [w for w in words if w not in (PAD, UNK)]
        self.words = words
        self.counts = dict(counts or {})
        self.index = {w: i for i, w in enumerate(words)}
        if len(self.index) != len(words):
            raise ConfigError("Vocabulary words must be unique.")

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], *, min_count: int = 1, max_size: int | None = None,
              extra_words: Iterable[str] = ()) -> Vocabulary:
        """Words seen at least ``min_count`` times (at most ``max_size`` of them), plus ``extra_words``."""
        if not isinstance(min_count, int) or min_count < 1:
            raise ConfigError(f"min_count must be a positive integer, got {min_count!r}.")
        if max_size is not None and (not isinstance(max_size, int) or max_size < 1):
            raise ConfigError(f"max_size must be a positive integer or None, got {max_size!r}.")
        counts = Counter(w for tokens in token_lists for w in tokens)
        kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        if max_size is not None:
            kept = kept[:max_size]
        seen = set(kept)
        kept += [w for w in extra_words if w not in seen and not seen.add(w)]
        return cls([PAD, UNK, *kept], {w: counts.get(w, 0) for w in kept})

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def encode(self, tokens: Sequence[str]) -> list[int]:
        get = self.index.get
        return [get(t, UNK_ID) for t in tokens]

    def encode_many(self, token_lists: Iterable[Sequence[str]]) -> list[list[int]]:
        return [self.encode(tokens) for tokens in token_lists]

    def unknown_rate(self, token_lists: Iterable[Sequence[str]]) -> float:
        total = unknown = 0
        for tokens in token_lists:
            total += len(tokens)
            unknown += sum(t not in self.index for t in tokens)
        return unknown / total if total else 0.0

    def to_dict(self) -> dict:
        return {"words": self.words, "counts": self.counts}

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / VOCAB_FILENAME
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: str | Path) -> Vocabulary:
        path = Path(directory) / VOCAB_FILENAME
        if not path.exists():
            raise DataFileNotFoundError(f"No vocabulary at {path}; was this folder saved by nlptransfer?")
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["words"], data.get("counts"))


def pad_batch(sequences: Sequence[Sequence[int]], *, min_length: int = 1, max_length: int | None = None) -> np.ndarray:
    """Right-pad id lists with ``PAD_ID`` to the batch's longest (at least ``min_length``, at most ``max_length``)."""
    longest = max((len(s) for s in sequences), default=0)
    if max_length is not None:
        longest = min(longest, max_length)
    width = max(longest, min_length)
    out = np.full((len(sequences), width), PAD_ID, dtype=np.int64)
    for i, seq in enumerate(sequences):
        seq = seq[:width]
        out[i, :len(seq)] = seq
    return out
