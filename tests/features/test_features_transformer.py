"""Frozen-transformer featurizer: pooling, layer concatenation, length batching and the feature cache."""

from __future__ import annotations

import numpy as np
import pytest
from features_testutils import make_texts

from nlptransfer.errors import ConfigError, DataError, UsageError
from nlptransfer.features import TransformerFeaturizer
from nlptransfer.features.transformer import load_encoder


@pytest.fixture(scope="module")
def texts():
    return make_texts(23, seed=5)[0] + ["good", "a very very long boring movie , the plot was a mess and dull ."]


def _featurizer(tiny_bert_dir, tmp_path=None, **kw):
    kw.setdefault("cache_dir", None if tmp_path is None else str(tmp_path / "cache"))
    kw.setdefault("cache_min_texts", 1)
    return TransformerFeaturizer(model=tiny_bert_dir, **kw)


def test_shapes_and_layer_concatenation(tiny_bert_dir, texts):
    one = _featurizer(tiny_bert_dir, layers=-1).fit(texts).transform(texts)
    assert one.shape == (len(texts), 32) and one.dtype == np.float32
    three = _featurizer(tiny_bert_dir, layers=[-1, -2, 0]).fit_transform(texts)
    assert three.shape == (len(texts), 96)
    # the -1 block of the concatenation is the last-layer feature
    np.testing.assert_allclose(three[:, :32], one, atol=1e-5)
    assert not np.allclose(three[:, 32:64], one, atol=1e-3)


@pytest.mark.parametrize("pooling", ["mean", "cls", "max"])
def test_length_batching_equals_one_text_at_a_time(tiny_bert_dir, texts, pooling):
    batched = _featurizer(tiny_bert_dir, pooling=pooling, batch_size=7).fit_transform(texts)
    some = [0, 3, len(texts) - 2, len(texts) - 1]  # incl. the shortest and the longest text
    single = _featurizer(tiny_bert_dir, pooling=pooling, batch_size=1).fit_transform([texts[i] for i in some])
    np.testing.assert_allclose(batched[some], single, atol=2e-5)


def test_batches_are_padded_only_to_their_longest_text(tiny_bert_dir, texts):
    tokenizer, encoder = load_encoder(tiny_bert_dir)
    lengths = sorted((len(ids) for ids in tokenizer(texts)["input_ids"]), reverse=True)
    widths = []
    handle = encoder.register_forward_pre_hook(
        lambda mod, args, kwargs: widths.append(tuple(kwargs["input_ids"].shape)), with_kwargs=True)
    try:
        _featurizer(tiny_bert_dir, batch_size=5).fit_transform(texts)
    finally:
        handle.remove()
    expected = [(len(lengths[i:i + 5]), lengths[i]) for i in range(0, len(lengths), 5)]
    assert widths == expected


def test_matches_manual_mean_pooling(tiny_bert_dir):
    import torch

    tokenizer, encoder = load_encoder(tiny_bert_dir)
    text = "the movie was great fun"
    enc = tokenizer([text], return_tensors="pt")
    with torch.inference_mode():
        expected = encoder(**enc).last_hidden_state[0].mean(0).numpy()
    got = _featurizer(tiny_bert_dir, layers=-1).fit_transform([text])[0]
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_second_run_is_served_from_the_cache(tiny_bert_dir, texts, tmp_path):
    first = _featurizer(tiny_bert_dir, tmp_path, batch_size=8).fit(texts)
    a = first.transform(texts)
    assert first.forward_calls_ == 4 and first.cache_hits_ == 0
    second = _featurizer(tiny_bert_dir, tmp_path, batch_size=8).fit(texts)
    b = second.transform(texts)
    assert second.cache_hits_ == 1 and second.forward_calls_ == 0
    np.testing.assert_array_equal(a, b)
    # other settings or other texts are different cache entries
    other = _featurizer(tiny_bert_dir, tmp_path, pooling="cls").fit(texts)
    other.transform(texts)
    assert other.cache_hits_ == 0 and other.forward_calls_ > 0
    second.transform(texts[:-1])
    assert second.forward_calls_ > 0
    assert len(list((tmp_path / "cache").glob("*.npy"))) == 3


def test_small_requests_skip_the_cache(tiny_bert_dir, texts, tmp_path):
    feat = _featurizer(tiny_bert_dir, tmp_path, cache_min_texts=10).fit(texts)
    feat.transform(texts[:3])
    feat.transform(texts[:3])
    assert feat.cache_hits_ == 0 and not (tmp_path / "cache").exists()
    feat.transform(texts)
    feat.transform(texts)
    assert feat.cache_hits_ == 1


def test_corrupt_cache_entry_is_recomputed(tiny_bert_dir, texts, tmp_path):
    feat = _featurizer(tiny_bert_dir, tmp_path).fit(texts)
    good = feat.transform(texts)
    (entry,) = (tmp_path / "cache").glob("*.npy")
    entry.write_bytes(b"not a numpy file")
    again = _featurizer(tiny_bert_dir, tmp_path).fit(texts)
    np.testing.assert_allclose(again.transform(texts), good, atol=1e-6)
    assert again.forward_calls_ > 0


def test_bad_settings_and_inputs_are_named(tiny_bert_dir):
    with pytest.raises(ConfigError, match="layers \\[5\\] out of range"):
        _featurizer(tiny_bert_dir, layers=[-1, 5]).fit(["x"])
    with pytest.raises(UsageError, match="Did you mean .mean."):
        _featurizer(tiny_bert_dir, pooling="maen").fit(["x"])
    with pytest.raises(DataError, match="row 1 is NoneType"):
        _featurizer(tiny_bert_dir).fit_transform(["good", None])
    with pytest.raises(DataError, match="single string"):
        _featurizer(tiny_bert_dir).fit_transform("good movie")


def test_default_layers_are_the_last_four_or_fewer(tiny_bert_dir, texts):
    default = _featurizer(tiny_bert_dir).fit(texts)
    assert default.layers == "last4" and default.layers_ == [-1, -2]  # the tiny model has only 2 layers
    np.testing.assert_allclose(default.transform(texts), _featurizer(tiny_bert_dir, layers=[-1, -2]).fit_transform(texts),
                               atol=1e-6)
    assert _featurizer(tiny_bert_dir, layers="last").fit(texts).layers_ == [-1]
    with pytest.raises(ConfigError, match="'lastK'"):
        _featurizer(tiny_bert_dir, layers="first2").fit(texts)


def test_empty_input_gives_empty_matrix(tiny_bert_dir):
    assert _featurizer(tiny_bert_dir, layers=-1).fit([]).transform([]).shape == (0, 32)
