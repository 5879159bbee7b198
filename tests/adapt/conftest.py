"""Tiny fixtures for the adaptation tests: a 16-d pretrained table and a synthetic domain corpus in
which some words are shared with the table and some are new (domain-only)."""

from __future__ import annotations

import random

import numpy as np
import pytest

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


@pytest.fixture(scope="session")
def domain_texts() -> list[str]:
    return make_corpus()


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory, domain_texts):
    path = tmp_path_factory.mktemp("adapt_corpus") / "domain.txt"
    path.write_text("\n".join(domain_texts) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def pretrained():
    """A fresh StaticVectors per test (cheap), so no test can leak changes into another."""
    from nlptransfer.vectors import StaticVectors

    words, matrix = make_pretrained_table()
    return StaticVectors(words, matrix, source="tiny-pretrained")


@pytest.fixture(scope="session")
def pretrained_folder(tmp_path_factory):
    from nlptransfer.vectors import StaticVectors

    words, matrix = make_pretrained_table()
    folder = tmp_path_factory.mktemp("adapt_vectors") / "tiny"
    StaticVectors(words, matrix, source="tiny-pretrained").save(folder)
    return folder


@pytest.fixture(scope="session")
def make_config():
    """``make_config(**overrides)``: a fast AdaptConfig (3 epochs, 1 worker, tweet tokenizer, no intrinsic)."""
    from nlptransfer.adapt import AdaptConfig
    from nlptransfer.data.tokenize import TokenizerConfig

    def make(**overrides):
        options = dict(epochs=3, min_count=2, min_count_new=5, workers=1, intrinsic=False,
                       tokenizer=TokenizerConfig(mode="tweet"), seed=1)
        options.update(overrides)
        return AdaptConfig(**options)

    return make
