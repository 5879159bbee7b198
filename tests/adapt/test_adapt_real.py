"""Real GloVe 6B 50d on real tweets (slow, needs ../shared/data): lock holds on the 400k table."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


def test_lock_on_glove_and_tweets(shared_data):
    from nlptransfer.adapt import AdaptConfig, adapt_vectors
    from nlptransfer.data.tokenize import TokenizerConfig
    from nlptransfer.vectors import load_vectors

    glove = load_vectors("glove-6b-50d")
    with open(shared_data / "tweets_unlabeled.txt", encoding="utf-8") as fh:
        tweets = [next(fh) for _ in range(5000)]
    config = AdaptConfig(mode="lock", epochs=2, tokenizer=TokenizerConfig(mode="tweet"), intrinsic=False)
    result = adapt_vectors(glove, tweets, config, labelled=tweets[:500])
    n = len(glove)
    assert result.vectors.words[:n] == glove.words
    assert np.asarray(result.vectors.matrix[:n]).tobytes() == np.asarray(glove.matrix).tobytes()
    report = result.report
    assert report.vocabulary["new_added"] > 50
    assert report.oov["corpus"]["after"]["oov_rate"] < report.oov["corpus"]["before"]["oov_rate"] - 0.01
    assert report.training["restores_needed"] == 0
