"""Static-vector pooling: each pooling checked against a hand computation on the tiny vector table."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from nlptransfer.errors import DataFileNotFoundError, UsageError
from nlptransfer.features import HybridFeaturizer, StaticVectorFeaturizer, TfidfFeaturizer

FIT = ["good movie", "bad movie", "the plot was good and the acting was good", "a dull boring film ."]


def vec(vectors, word):
    return np.asarray(vectors.vector(word), dtype=np.float64)


def test_mean_pooling_skips_oov_words(tiny_vectors, tiny_vectors_path):
    feat = StaticVectorFeaturizer(vectors=tiny_vectors_path).fit(FIT)
    out = feat.transform(["good good zzxq movie", "zzxq blorp", ""])
    expected = (2 * vec(tiny_vectors, "good") + vec(tiny_vectors, "movie")) / 3
    np.testing.assert_allclose(out[0], expected, atol=1e-5)
    assert not out[1].any() and not out[2].any()  # all-OOV and empty texts -> zero vector


def test_oov_policy_vectors_take_part_in_the_mean(tiny_vectors, tiny_vectors_path):
    zero = StaticVectorFeaturizer(vectors=tiny_vectors_path, oov_policy="zero").fit(FIT)
    np.testing.assert_allclose(zero.transform(["good zzxq"])[0], vec(tiny_vectors, "good") / 2, atol=1e-5)
    rand = StaticVectorFeaturizer(vectors=tiny_vectors_path, oov_policy="random").fit(FIT)
    r = rand.transform(["zzxq"])[0]
    assert np.abs(r).sum() > 0
    np.testing.assert_allclose(rand.transform(["zzxq"])[0], r)  # hash-seeded: stable


def test_max_pooling_and_concatenation(tiny_vectors, tiny_vectors_path):
    feat = StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="mean+max").fit(FIT)
    out = feat.transform(["good bad movie"])
    assert out.shape == (1, 2 * tiny_vectors.dim) and feat.n_features_out_ == 2 * tiny_vectors.dim
    rows = np.stack([vec(tiny_vectors, w) for w in ("good", "bad", "movie")])
    np.testing.assert_allclose(out[0, :tiny_vectors.dim], rows.mean(0), atol=1e-5)
    np.testing.assert_allclose(out[0, tiny_vectors.dim:], rows.max(0), atol=1e-5)


def test_tfidf_weighting_uses_idf_from_fit(tiny_vectors, tiny_vectors_path):
    feat = StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="tfidf").fit(FIT)
    n = len(FIT)
    idf_movie = math.log((1 + n) / (1 + 2)) + 1  # "movie" in 2 of 4 fitting texts
    idf_bad = math.log((1 + n) / (1 + 1)) + 1
    idf_awful = math.log(1 + n) + 1  # never seen in fit: maximal idf
    out = feat.transform(["movie bad awful"])[0]
    expected = (idf_movie * vec(tiny_vectors, "movie") + idf_bad * vec(tiny_vectors, "bad")
                + idf_awful * vec(tiny_vectors, "awful")) / (idf_movie + idf_bad + idf_awful)
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_sif_weights_and_common_component_removal(tiny_vectors, tiny_vectors_path):
    a = 1e-3
    raw = StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="sif", sif_components=0, sif_a=a).fit(FIT)
    total = sum(len(t.split()) for t in FIT)
    p_good = 3 / total  # "good" occurs 3 times in the fitting texts
    w_good, w_new = a / (a + p_good), 1.0  # a word unseen in fit has p = 0
    expected = (w_good * vec(tiny_vectors, "good") + w_new * vec(tiny_vectors, "awful")) / 2
    np.testing.assert_allclose(raw.transform(["good awful"])[0], expected, atol=1e-5)

    sif = StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="sif", sif_a=a).fit(FIT)
    u = sif.sif_components_[0]
    assert sif.sif_components_.shape == (1, tiny_vectors.dim)
    assert abs(np.linalg.norm(u) - 1) < 1e-5
    # u is the top right-singular vector of the fitting texts' weighted averages
    _, _, vt = np.linalg.svd(raw.transform(FIT).astype(np.float64), full_matrices=False)
    assert abs(abs(float(vt[0] @ u)) - 1) < 1e-4
    out = sif.transform(["good awful", "bad movie"])
    np.testing.assert_allclose(out @ u, 0, atol=1e-5)  # the common component is removed
    np.testing.assert_allclose(out[0], expected - (expected @ u) * u, atol=1e-5)


def test_sif_frequencies_from_vectors_rank_and_from_a_corpus(tiny_vectors, tiny_vectors_path, tmp_path):
    by_rank = StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="sif", sif_frequencies="vectors").fit(FIT)
    # the first word of the table ("the") is the most frequent: it gets the smallest weight
    assert by_rank._prob("the") > by_rank._prob("mess") > 0 and by_rank._prob("zzxq") == 0
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("good good good bad\nmovie\n", encoding="utf-8")
    from_corpus = StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="sif",
                                         sif_frequencies=str(corpus)).fit(FIT)
    assert from_corpus.word_prob_ == {"good": 0.6, "bad": 0.2, "movie": 0.2}
    with pytest.raises(DataFileNotFoundError, match="nope.txt"):
        StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="sif", sif_frequencies="nope.txt").fit(FIT)


def test_bad_pooling_and_vectors_are_reported(tiny_vectors_path):
    with pytest.raises(UsageError, match="Did you mean 'mean'"):
        StaticVectorFeaturizer(vectors=tiny_vectors_path, pooling="mena").fit(FIT)
    with pytest.raises(DataFileNotFoundError, match="no_such_vectors"):
        StaticVectorFeaturizer(vectors="no_such_vectors").fit(FIT)


def test_tokenizer_config_is_used(tiny_vectors_path):
    tokens = StaticVectorFeaturizer(vectors=tiny_vectors_path, tokenizer={"mode": "whitespace", "lowercase": False})
    out = tokens.fit(FIT).transform(["GOOD", "good"])
    assert not out[0].any() and out[1].any()  # no lowercasing: "GOOD" is OOV


def test_vectors_object_is_pickled_as_its_source(tiny_vectors, tiny_vectors_path):
    feat = StaticVectorFeaturizer(vectors=tiny_vectors, pooling="sif").fit(FIT)
    again = pickle.loads(pickle.dumps(feat))
    assert again.vectors == tiny_vectors.source
    np.testing.assert_allclose(again.transform(FIT), feat.transform(FIT), atol=1e-6)


def test_hybrid_is_tfidf_plus_scaled_static_block(tiny_vectors_path):
    hybrid = HybridFeaturizer(vectors=tiny_vectors_path, static_weight=2.0).fit(FIT)
    out = hybrid.transform(FIT).toarray()
    tfidf = TfidfFeaturizer().fit(FIT).transform(FIT).toarray()
    np.testing.assert_allclose(out[:, :tfidf.shape[1]], tfidf, atol=1e-6)
    dense = out[:, tfidf.shape[1]:]
    np.testing.assert_allclose(dense.mean(0), 0, atol=1e-5)  # standardised on the fitting texts
    # scaled so a row's norm is about static_weight on average
    assert 1.0 < np.sqrt((dense ** 2).sum(1)).mean() <= 2.0 + 1e-5
