"""lock mode: pretrained rows stay bit-identical; only new words learn."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import Word2Vec

from nlptransfer.adapt import adapt_vectors


@pytest.mark.parametrize("sg,negative", [(False, 5), (True, 5), (False, 0)], ids=["cbow-neg", "sg-neg", "cbow-hs"])
def test_lock_keeps_pretrained_rows_bit_identical(pretrained, domain_texts, make_config, sg, negative):
    original = np.array(pretrained.matrix, copy=True)
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="lock", sg=sg, negative=negative))
    out = result.vectors
    n = len(original)
    assert out.words[:n] == pretrained.words
    assert out.matrix[:n].tobytes() == original.tobytes()
    # and inside the gensim model, the locked rows never moved: lockf held, no restore was needed
    model = result.model
    rows = [model.wv.key_to_index[w] for w in pretrained.words if w in model.wv.key_to_index]
    assert rows, "some pretrained words must have been trained"
    expected = original[[pretrained.key_to_index[model.wv.index_to_key[i]] for i in rows]]
    assert model.wv.vectors[rows].tobytes() == expected.tobytes()
    assert result.report.training["restores_needed"] == 0


def test_lock_new_words_learn(pretrained, domain_texts, make_config):
    config = make_config(mode="lock", epochs=1, alpha=1e-9, min_alpha=1e-9)  # effectively no learning
    untrained = adapt_vectors(pretrained, domain_texts, config, report=False).vectors
    trained = adapt_vectors(pretrained, domain_texts, make_config(mode="lock", epochs=5), report=False).vectors
    for word in ["lol", "#gameday"]:
        before, after = untrained.vector(word), trained.vector(word)
        assert np.linalg.norm(after - before) > 10 * np.linalg.norm(before)


def test_lock_guard_restores_rows_that_moved(pretrained, domain_texts, make_config):
    """If something moved a locked row between epochs, the guard restores it and counts it."""
    from nlptransfer.adapt.training import LockedRowsGuard

    model = Word2Vec(vector_size=4, min_count=1)
    model.build_vocab([["a", "b", "c"]])
    target = np.ones((2, 4), dtype=np.float32)
    guard = LockedRowsGuard(np.array([0, 2]), target)
    model.wv.vectors[[0, 2]] = target
    guard.on_epoch_end(model)
    assert guard.restores_needed == 0
    model.wv.vectors[2, 1] += 1e-7
    guard.on_epoch_end(model)
    assert guard.restores_needed == 1
    assert model.wv.vectors[[0, 2]].tobytes() == target.tobytes()


def test_gensim_lockf_is_not_resized_on_vocab_update():
    """Why the lock array is set after the final vocabulary build: gensim leaves it short (#3094/#3100)."""
    model = Word2Vec(vector_size=4, min_count=1)
    model.build_vocab([["a", "b", "c"]])
    model.wv.vectors_lockf = np.zeros(len(model.wv), dtype=np.float32)
    model.build_vocab([["d", "e"]], update=True)
    assert len(model.wv.vectors_lockf) == 3 < len(model.wv) == 5


def test_lock_fasttext_exports_pretrained_rows_verbatim(pretrained, domain_texts, make_config):
    original = np.array(pretrained.matrix, copy=True)
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="lock", model="fasttext", bucket=2000))
    n = len(original)
    assert result.vectors.matrix[:n].tobytes() == original.tobytes()
    assert "lol" in result.vectors
    # inside the model, locked words' composed vectors were re-solved to the pretrained ones
    wv = result.model.wv
    np.testing.assert_allclose(wv.vectors[wv.key_to_index["game"]], original[pretrained.key_to_index["game"]],
                               atol=1e-4)
    assert result.vectors.subwords is not None and result.vectors.subwords.bucket == 2000
    assert result.report.training["loss_per_epoch"] is None
    assert "#3228" in result.report.training["loss_note"]
