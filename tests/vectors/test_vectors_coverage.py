"""Coverage figures against a hand count, per class, per recovery step, and the low-coverage alarm."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from nlptransfer.data.tokenize import TokenizerConfig, WordTokenizer
from nlptransfer.errors import DataError
from nlptransfer.vectors import StaticVectors
from nlptransfer.vectors.coverage import compute_coverage

TEXTS = ["The cat sat on the mat.", "The dog sat on a café mat!", "Cat 2024 zebra"]
LABELS = ["pos", "neg", "neg"]
CASED = WordTokenizer(TokenizerConfig(lowercase=False))


@pytest.fixture
def cov_vectors():
    words = ["the", "cat", "sat", "on", "mat", ".", "cafe", "####"]
    return StaticVectors(words, np.ones((len(words), 4), dtype=np.float32), source="hand")


def test_tokens_used_by_the_hand_count():
    assert [CASED(t) for t in TEXTS] == [
        ["The", "cat", "sat", "on", "the", "mat", "."],
        ["The", "dog", "sat", "on", "a", "café", "mat", "!"],
        ["Cat", "2024", "zebra"],
    ]


def test_coverage_matches_hand_count(cov_vectors):
    # Hand count over 18 tokens / 14 types:
    #   exact  cat sat on the mat . | sat on mat          -> 9 tokens, 6 types
    #   lower  The x2, Cat                                 -> 3 tokens, 2 types
    #   accents café; digits 2024                          -> 1 + 1
    #   OOV    dog a ! zebra                               -> 4 tokens, 4 types
    r = compute_coverage(cov_vectors, TEXTS, labels=LABELS, tokenizer=CASED)
    assert (r.n_texts, r.n_tokens, r.n_types) == (3, 18, 14)
    assert r.token_coverage == pytest.approx(9 / 18)
    assert r.type_coverage == pytest.approx(6 / 14)
    assert r.token_coverage_recovered == pytest.approx(14 / 18)
    assert r.type_coverage_recovered == pytest.approx(10 / 14)
    steps = {s["step"]: (s["tokens"], s["types"]) for s in r.steps}
    assert steps == {"exact": (9, 6), "normalize:lower": (3, 2), "normalize:accents": (1, 1),
                     "normalize:digits": (1, 1), "subword": (0, 0)}
    assert next(s for s in r.steps if s["step"] == "normalize:lower")["token_gain"] == pytest.approx(3 / 18)
    assert [(o["word"], o["count"], o["resolved_by"]) for o in r.top_oov[:4]] == [
        ("The", 2, "normalize:lower"), ("!", 1, "oov"), ("2024", 1, "normalize:digits"), ("Cat", 1, "normalize:lower")]
    assert len(r.top_oov) == 8  # every non-exact type
    assert r.per_class["pos"] == {"n_texts": 1, "n_tokens": 7, "n_types": 7, "token_coverage": pytest.approx(6 / 7),
                                  "type_coverage": pytest.approx(6 / 7), "token_coverage_recovered": 1.0}
    assert r.per_class["neg"]["n_tokens"] == 11
    assert r.per_class["neg"]["token_coverage"] == pytest.approx(3 / 11)
    assert r.per_class["neg"]["token_coverage_recovered"] == pytest.approx(7 / 11)
    assert not r.low_coverage and r.warnings == []


def test_labelled_dataset_input_gives_the_same_figures(cov_vectors):
    import datasets

    ds = datasets.Dataset.from_dict({"text": TEXTS, "label": LABELS})
    a = compute_coverage(cov_vectors, ds, tokenizer=CASED)
    b = compute_coverage(cov_vectors, TEXTS, labels=LABELS, tokenizer=CASED)
    assert a.to_dict() == b.to_dict()
    dd = datasets.DatasetDict({"train": ds.select([0, 1]), "test": ds.select([2])})
    assert compute_coverage(cov_vectors, dd, tokenizer=CASED).to_dict() == b.to_dict()


def test_low_coverage_is_loud(cov_vectors, caplog):
    with caplog.at_level(logging.WARNING, logger="nlptransfer.vectors.coverage"):
        r = compute_coverage(cov_vectors, ["zebra yak gnu", "okapi the"], threshold=0.5)
    assert r.low_coverage
    assert "token coverage 20.00% is below 50.00%" in r.warnings[0]
    assert any("token coverage 20.00% is below 50.00%" in rec.getMessage() for rec in caplog.records)
    assert "> **Warning:** token coverage 20.00%" in r.to_markdown()


def test_json_and_markdown_outputs(cov_vectors, tmp_path):
    r = compute_coverage(cov_vectors, TEXTS, labels=LABELS, tokenizer=CASED, top_n=3)
    data = json.loads(r.to_json(tmp_path / "c.json"))
    assert data["n_tokens"] == 18 and data["tokenizer"]["lowercase"] is False
    assert json.loads((tmp_path / "c.json").read_text())["per_class"]["pos"]["n_tokens"] == 7
    md = r.to_markdown(tmp_path / "c.md")
    assert "| exact | 50.00% | 42.86% |" in md
    assert "| normalize:lower | 3 | 2 | 16.67% | 14.29% |" in md
    assert "| neg | 2 | 11 | 27.27% |" in md
    assert "| `The` | 2 | normalize:lower |" in md
    assert (tmp_path / "c.md").read_text() == md


def test_bad_inputs(cov_vectors):
    with pytest.raises(DataError, match="2 labels for 3 texts"):
        compute_coverage(cov_vectors, TEXTS, labels=["a", "b"])
    with pytest.raises(DataError, match="text 1 is NoneType"):
        compute_coverage(cov_vectors, ["ok", None])
    with pytest.raises(DataError, match="no 'sentence' column"):
        compute_coverage(cov_vectors, {"text": TEXTS}, text_column="sentence")
    with pytest.raises(DataError, match="holds no texts"):
        compute_coverage(cov_vectors, [])
