"""Real pretrained models (slow): packaged all-MiniLM-L6-v2 and GloVe 6B 50d."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow

SENTENCES = ["a gorgeous , witty , seductive movie .", "the plot is a mess", "What is the capital of France ?",
             "Who wrote Hamlet ?", "it 's not bad at all"]


def test_minilm_mean_features_match_sentence_transformers(tmp_path):
    from sentence_transformers import SentenceTransformer

    from nlptransfer.features import TransformerFeaturizer
    from nlptransfer.features.transformer import resolve_model

    ours = TransformerFeaturizer(layers=-1, normalize=True, batch_size=2, cache_dir=str(tmp_path),
                                 cache_min_texts=1).fit(SENTENCES)
    got = ours.transform(SENTENCES)
    expected = SentenceTransformer(resolve_model("all-MiniLM-L6-v2"), device="cpu").encode(SENTENCES)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    again = TransformerFeaturizer(layers=-1, normalize=True, batch_size=2, cache_dir=str(tmp_path),
                                  cache_min_texts=1).fit(SENTENCES)
    np.testing.assert_array_equal(again.transform(SENTENCES), got)
    assert again.cache_hits_ == 1 and again.forward_calls_ == 0


def test_glove_static_and_hybrid_on_real_sst2(shared_data):
    from nlptransfer.features import FeaturizerClassifier, StaticVectorFeaturizer
    from nlptransfer.features.runs import load_data
    from nlptransfer.vectors import load_vectors

    glove = load_vectors("glove-6b-50d")
    feats = StaticVectorFeaturizer().fit(SENTENCES).transform(["good movie"])
    np.testing.assert_allclose(feats[0], (glove.vector("good") + glove.vector("movie")) / 2, atol=1e-6)
    splits = load_data(shared_data / "sst2", validation_size=0, max_train_samples=600)
    clf = FeaturizerClassifier("hybrid", "logreg", head_params={"C": 10.0}).fit(splits["train"])
    assert clf.evaluate(splits["validation"])["accuracy"] > 0.65
