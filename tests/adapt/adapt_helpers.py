"""Constants and builders for the adaptation tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import random

import numpy as np

DIM = 16
SHARED = ["the", "a", "game", "team", "win", "lost", "match", "player", "goal", "score", "fans", "coach",
          "happy", "sad", "great", "bad", "today", "tonight", "season", "league"]
PRETRAINED_ONLY = ["parliament", "minister", "treaty", "senate", "budget"]
NEW_WORDS = ["#gameday", "@user", "lol", "smh", "goooal", "ref", "var"]
RARE_NEW = "#rareword"  # appears exactly 3 times


def make_corpus(n_docs: int = 400, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        words = [rng.choice(SHARED) for _ in range(rng.randint(5, 12))]
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(NEW_WORDS))
        docs.append(" ".join(words))
    docs[:3] = [d + " " + RARE_NEW for d in docs[:3]]
    return docs


def make_pretrained_table(seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    words = SHARED + PRETRAINED_ONLY
    return words, rng.normal(0, 1, size=(len(words), DIM)).astype(np.float32)
