"""Vocabulary, embedding initialisation modes, the CNN / bag-of-embeddings networks and EmbeddingClassifier."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from nlptransfer.base import TransferClassifier
from nlptransfer.errors import ConfigError, UsageError
from nlptransfer.features.embedding_init import build_embedding
from nlptransfer.features.networks import BagOfEmbeddingsEncoder, CNNEncoder, LinearHead
from nlptransfer.features.neural import EmbeddingClassifier, EmbeddingClassifierConfig
from nlptransfer.features.vocab import PAD_ID, UNK_ID, Vocabulary, pad_batch

TOKENS = [["good", "movie", "zzxq"], ["bad", "movie"], ["good", "good", "blorp"]]


def test_vocabulary_build_encode_save(tmp_path):
    vocab = Vocabulary.build(TOKENS, min_count=1)
    assert vocab.words[:2] == ["<pad>", "<unk>"] and vocab.index["good"] == 2 and vocab.index["movie"] == 3
    assert vocab.words[4:] == ["bad", "blorp", "zzxq"]  # ties sorted alphabetically: stable ids
    assert vocab.encode(["good", "never"]) == [2, UNK_ID]
    assert Vocabulary.build(TOKENS, min_count=2).words == ["<pad>", "<unk>", "good", "movie"]
    assert Vocabulary.build(TOKENS, max_size=1).words == ["<pad>", "<unk>", "good"]
    vocab.save(tmp_path)
    assert Vocabulary.load(tmp_path).words == vocab.words
    assert vocab.unknown_rate([["good", "x"]]) == 0.5
    with pytest.raises(ConfigError, match="min_count"):
        Vocabulary.build(TOKENS, min_count=0)
    np.testing.assert_array_equal(pad_batch([[5, 6, 7], [8]], min_length=5), [[5, 6, 7, 0, 0], [8, 0, 0, 0, 0]])


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.build(TOKENS)


def test_static_mode_copies_vectors_and_freezes(vocab, tiny_vectors):
    emb, out_vocab, info = build_embedding(vocab, tiny_vectors, "static", oov_policy="random")
    assert out_vocab is vocab and emb.frozen and emb.row_delta is None
    w = emb.weight.detach().numpy()
    assert not w[PAD_ID].any()
    np.testing.assert_allclose(w[vocab.index["good"]], tiny_vectors.vector("good"), atol=1e-6)
    expected_oov = tiny_vectors.matrix_for(["zzxq"], oov_policy="random")[0][0]
    np.testing.assert_allclose(w[vocab.index["zzxq"]], expected_oov, atol=1e-6)
    assert info["oov_words"] == 2 and info["resolution_steps"]["random"] == 3  # zzxq, blorp and <unk>
    assert sum(p.numel() for p in emb.parameters() if p.requires_grad) == 0


def test_non_static_and_rand_modes(vocab, tiny_vectors):
    non_static, _, _ = build_embedding(vocab, tiny_vectors, "non-static")
    static, _, _ = build_embedding(vocab, tiny_vectors, "static")
    assert not non_static.frozen
    torch.testing.assert_close(non_static.weight, static.weight)
    rand, _, _ = build_embedding(vocab, tiny_vectors, "rand", seed=1)
    assert not rand.frozen and rand.weight.shape == static.weight.shape
    assert not rand.weight[PAD_ID].any()
    assert not torch.allclose(rand.weight[2:], static.weight[2:])
    bound = np.sqrt(3) * tiny_vectors.value_std()
    assert rand.weight.abs().max() <= bound + 1e-6  # U[-a, a], variance matched to the vectors
    again, _, _ = build_embedding(vocab, tiny_vectors, "rand", seed=1)
    torch.testing.assert_close(again.weight, rand.weight)
    with pytest.raises(UsageError, match="Did you mean 'static'"):
        build_embedding(vocab, tiny_vectors, "statc")


def test_learnable_unk_folds_oov_words_into_one_trainable_row(vocab, tiny_vectors):
    from nlptransfer.vectors.oov import UnkPolicy

    emb, new_vocab, info = build_embedding(vocab, tiny_vectors, "static", oov_policy=UnkPolicy(learnable=True))
    assert "zzxq" not in new_vocab and "blorp" not in new_vocab and "good" in new_vocab
    assert new_vocab.encode(["zzxq"]) == [UNK_ID] and info["trainable_rows"] == 1
    np.testing.assert_allclose(emb.weight[UNK_ID].numpy(), tiny_vectors.mean_vector(), atol=1e-6)
    ids = torch.tensor([[UNK_ID, new_vocab.index["good"]]])
    emb(ids).sum().backward()
    assert emb.weight.grad is None and emb.row_delta.grad.abs().sum() > 0  # only the UNK row learns
    with torch.no_grad():
        emb.row_delta += 1.0
    out = emb(ids)[0].detach().numpy()
    np.testing.assert_allclose(out[0], tiny_vectors.mean_vector() + 1.0, atol=1e-5)
    np.testing.assert_allclose(out[1], tiny_vectors.vector("good"), atol=1e-6)
    np.testing.assert_allclose(emb.effective_weight()[UNK_ID].numpy(), out[0], atol=1e-6)


def test_train_oov_rows_in_static_mode(vocab, tiny_vectors):
    emb, _, info = build_embedding(vocab, tiny_vectors, "static", train_oov_rows=True)
    assert info["trainable_rows"] == 3 and emb.row_delta.shape == (3, tiny_vectors.dim)  # <unk>, blorp, zzxq


def test_cnn_features_do_not_depend_on_batch_padding(vocab, tiny_vectors):
    torch.manual_seed(0)
    emb, _, _ = build_embedding(vocab, tiny_vectors, "static")
    encoder = CNNEncoder([emb], filter_sizes=(2, 3), num_filters=4).eval()
    short, long = [2, 3], [2, 4, 3, 4, 2, 3, 4]
    alone = encoder(torch.tensor([short]))
    batched = encoder(torch.from_numpy(pad_batch([short, long], min_length=len(long) + 2)))
    torch.testing.assert_close(batched[0], alone[0])
    assert encoder.output_dim == 8 and alone.shape == (1, 8)


def test_max_norm_constraint_and_dropout_only_in_training():
    head = LinearHead(10, 3, dropout=0.5, max_norm=3.0)
    with torch.no_grad():
        head.linear.weight.mul_(100)
    x = torch.randn(4, 10)
    head.eval()
    head(x)
    assert head.linear.weight.norm(dim=1).max() > 3.0  # untouched outside training
    head.train()
    head(x)
    np.testing.assert_allclose(head.linear.weight.norm(dim=1).detach().numpy(), 3.0, rtol=1e-4)


def test_bag_of_embeddings_mean_and_bigrams(vocab, tiny_vectors):
    emb, _, _ = build_embedding(vocab, tiny_vectors, "static")
    ids = torch.tensor([[2, 3, 0, 0]])
    plain = BagOfEmbeddingsEncoder([emb])(ids)
    torch.testing.assert_close(plain[0], emb.weight[[2, 3]].mean(0))
    with_bigrams = BagOfEmbeddingsEncoder([emb], bigram_buckets=50)
    out = with_bigrams(ids)
    bucket = (2 * 1_000_003 + 3) % 50 + 1
    expected = (emb.weight[2] + emb.weight[3] + with_bigrams.bigrams.weight[bucket]) / 3
    torch.testing.assert_close(out[0], expected)


def test_config_validation():
    with pytest.raises(UsageError, match="Did you mean 'cnn'"):
        EmbeddingClassifierConfig(architecture="cn")
    with pytest.raises(ConfigError, match="init_mode='non-static'"):
        EmbeddingClassifierConfig(multichannel=True, init_mode="static")
    with pytest.raises(ConfigError, match="bigram_buckets"):
        EmbeddingClassifierConfig(architecture="cnn", bigram_buckets=10)
    with pytest.raises(ConfigError, match="Did you mean 'num_filters'"):
        EmbeddingClassifierConfig.from_dict({"num_filter": 3})
    with pytest.raises(ConfigError, match="early_stopping_patience"):
        EmbeddingClassifierConfig(early_stopping_patience=0)


def _small(tiny_vectors_path, **kw):
    kw = {"vectors": tiny_vectors_path, "num_filters": 8, "num_epochs": 4, "learning_rate": 1e-2, "batch_size": 16,
          **kw}
    return EmbeddingClassifier(**kw)


@pytest.fixture(scope="module")
def fitted_static(tiny_data, tiny_vectors_path):
    train, validation, _ = tiny_data
    return _small(tiny_vectors_path, init_mode="static").fit(train, validation)


def test_static_cnn_learns_and_keeps_embeddings_frozen(fitted_static, tiny_data, tiny_vectors):
    _, validation, test = tiny_data
    clf = fitted_static
    assert isinstance(clf, TransferClassifier)
    assert clf.evaluate(test)["accuracy"] >= 0.85
    emb = clf.network.encoder.embeddings[0]
    np.testing.assert_allclose(emb.weight[clf.vocab.index["good"]].numpy(), tiny_vectors.vector("good"), atol=1e-6)
    # the restored best checkpoint is the model we have: its validation score is reproduced
    summary = clf.training_summary
    assert summary["best_epoch"] is not None
    assert clf.evaluate(validation)["accuracy"] == pytest.approx(summary["validation_metrics"]["accuracy"])


def test_save_load_roundtrip(fitted_static, tiny_data, tmp_path):
    _, _, test = tiny_data
    folder = fitted_static.save(tmp_path / "cnn")
    meta = json.loads((folder / "embedding_classifier.json").read_text())
    assert meta["config"]["init_mode"] == "static" and meta["layout"]["channels"][0]["frozen"] is True
    loaded = EmbeddingClassifier.load(folder)
    np.testing.assert_allclose(loaded.predict_proba(test["text"]), fitted_static.predict_proba(test["text"]),
                               atol=1e-6)
    assert loaded.predict(["good fun movie"]).labels == fitted_static.predict(["good fun movie"]).labels


@pytest.mark.parametrize("overrides", [
    {"init_mode": "non-static"},
    {"init_mode": "non-static", "multichannel": True},
    {"architecture": "boe", "init_mode": "non-static", "bigram_buckets": 64, "dropout": 0.0},
])
def test_other_variants_train_and_update_embeddings(overrides, tiny_data, tiny_vectors, tiny_vectors_path):
    train, validation, test = tiny_data
    clf = _small(tiny_vectors_path, **overrides).fit(train, validation)
    assert clf.evaluate(test)["accuracy"] >= 0.8
    trainable = clf.network.encoder.embeddings[-1]
    assert not trainable.frozen
    assert not np.allclose(trainable.weight[clf.vocab.index["good"]].detach().numpy(), tiny_vectors.vector("good"))
    if overrides.get("multichannel"):
        static = clf.network.encoder.embeddings[0]
        assert static.frozen
        np.testing.assert_allclose(static.weight[clf.vocab.index["good"]].numpy(), tiny_vectors.vector("good"),
                                   atol=1e-6)


def test_learnable_unk_from_the_config(tiny_data, tiny_vectors_path):
    train, validation, _ = tiny_data
    clf = _small(tiny_vectors_path, init_mode="static", oov_policy="normalize>unk", learnable_unk=True,
                 num_epochs=2).fit(train, validation)
    emb = clf.network.encoder.embeddings[0]
    assert "zzxq" not in clf.vocab and emb.row_delta.shape[0] == 1 and emb.row_delta.abs().sum() > 0
    with pytest.raises(ConfigError, match="needs an 'unk' step"):
        _small(tiny_vectors_path, oov_policy="random", learnable_unk=True).fit(train, validation)


def test_validation_is_carved_from_train_when_missing(tiny_data, tiny_vectors_path):
    train, _, _ = tiny_data
    clf = _small(tiny_vectors_path, init_mode="static", num_epochs=1, validation_fraction=0.25).fit(train)
    assert clf.training_summary["validation_metrics"]["eval_samples"] == 20


def test_length_grouped_training_batches_pad_less(tiny_data, tiny_vectors_path, monkeypatch):
    train, validation, _ = tiny_data
    forward = CNNEncoder.forward
    positions: list[int] = []

    def recording(encoder, input_ids):  # token positions of each training batch (longest x rows)
        if encoder.training:
            positions.append(int((input_ids != PAD_ID).sum(1).max()) * input_ids.shape[0])
        return forward(encoder, input_ids)

    monkeypatch.setattr(CNNEncoder, "forward", recording)
    padded = {}
    for grouped in (True, False):
        positions.clear()
        _small(tiny_vectors_path, init_mode="static", num_epochs=1, batch_size=8,
               group_by_length=grouped).fit(train, validation)
        padded[grouped] = sum(positions)
    real = sum(len(t.split()) for t in train["text"])
    assert real <= padded[True] < padded[False]
