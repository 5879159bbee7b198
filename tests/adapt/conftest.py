"""Tiny fixtures for the adaptation tests: a 16-d pretrained table and a synthetic domain corpus in
which some words are shared with the table and some are new (domain-only)."""

from __future__ import annotations

import pytest
from adapt_helpers import make_corpus, make_pretrained_table  # noqa: E402


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
