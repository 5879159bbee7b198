"""Continue a real fastText .bin (gensim's lee_fasttext.bin): new words added, n-gram buckets kept."""

from __future__ import annotations

import numpy as np
import pytest

from nlptransfer.adapt import adapt_vectors


@pytest.fixture(scope="module")
def lee_bin(gensim_test_data):
    return gensim_test_data / "lee_fasttext.bin"


@pytest.fixture(scope="module")
def small_corpus(gensim_test_data) -> list[str]:
    lines = (gensim_test_data / "lee.cor").read_text(encoding="latin-1").splitlines()
    # lee.cor plus domain words the .bin has never seen
    return lines + ["the zorblax protocol reached quuxville today"] * 20


@pytest.fixture(scope="module")
def original(lee_bin):
    from gensim.models.fasttext import load_facebook_model

    return load_facebook_model(str(lee_bin))


def _config(make_config, mode):
    from nlptransfer.data.tokenize import TokenizerConfig

    # lee_fasttext.bin is cased and whitespace-tokenised
    return make_config(mode=mode, model="fasttext", min_count=1, min_count_new=5, epochs=2,
                       tokenizer=TokenizerConfig(mode="whitespace", lowercase=False))


def test_continue_from_bin_adds_words_and_updates_buckets(lee_bin, small_corpus, original, make_config):
    result = adapt_vectors(lee_bin, small_corpus, _config(make_config, "continue"))
    model, vectors = result.model, result.vectors
    assert {"zorblax", "quuxville"} <= set(result.vectors.words[len(original.wv):])
    assert vectors.words[: len(original.wv)] == list(original.wv.index_to_key)
    # buckets kept (same hashing space) and trained on the new corpus
    assert model.wv.vectors_ngrams.shape == original.wv.vectors_ngrams.shape == (1000, 10)
    moved = np.abs(model.wv.vectors_ngrams - original.wv.vectors_ngrams).sum(axis=1) > 0
    assert moved.mean() > 0.5
    assert vectors.subwords is not None and vectors.subwords.bucket == 1000
    assert np.array_equal(vectors.subwords.ngrams, model.wv.vectors_ngrams)
    # the exported subwords compose OOV words exactly as the gensim model does
    np.testing.assert_allclose(vectors.subwords.vector("zorblaxes"), model.wv.get_vector("zorblaxes"), atol=1e-6)
    assert any("fastText .bin" in note for note in result.report.notes)


def test_lock_from_bin_keeps_original_rows(lee_bin, small_corpus, original, make_config):
    result = adapt_vectors(lee_bin, small_corpus, _config(make_config, "lock"))
    n = len(original.wv)
    assert result.vectors.matrix[:n].tobytes() == np.asarray(original.wv.vectors, dtype=np.float32).tobytes()
    assert "zorblax" in result.vectors


def test_model_object_is_not_modified(original, small_corpus, make_config):
    before = original.wv.vectors_ngrams.copy()
    adapt_vectors(original, small_corpus, _config(make_config, "continue"), report=False)
    assert np.array_equal(original.wv.vectors_ngrams, before)
    assert "zorblax" not in original.wv.key_to_index
