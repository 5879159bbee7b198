"""Contract shared by every registered adaptation mode, plus mode-specific behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from adapt_helpers import NEW_WORDS, PRETRAINED_ONLY, RARE_NEW, SHARED

from nlptransfer.adapt import ADAPT_MODES, adapt_vectors
from nlptransfer.adapt.modes import _init_from_pretrained
from nlptransfer.adapt.training import plan_vocabulary


def test_registered_modes():
    assert ADAPT_MODES.names() == ["align", "continue", "lock", "scratch"]


@pytest.mark.parametrize("mode", ADAPT_MODES.names())
class TestModeContract:
    """Every mode returns a valid table holding the new domain words, with a complete report."""

    @pytest.fixture()
    def result(self, pretrained, domain_texts, make_config, mode):
        return adapt_vectors(pretrained, domain_texts, make_config(mode=mode), labelled=domain_texts[:50])

    def test_table_is_valid(self, result, mode):
        vectors = result.vectors
        assert vectors.matrix.dtype == np.float32 and vectors.dim == 16
        assert len(vectors.words) == len(set(vectors.words)) == vectors.matrix.shape[0]
        assert np.isfinite(vectors.matrix).all()
        assert vectors.metadata["adaptation"]["mode"] == mode

    def test_new_words_added_and_rare_ones_reported(self, result):
        assert set(NEW_WORDS) <= set(result.vectors.words)
        assert RARE_NEW not in result.vectors
        vocab = result.report.vocabulary
        assert vocab["new_added"] == len(NEW_WORDS)
        assert vocab["new_dropped_types"] == 1 and vocab["new_dropped_tokens"] == 3

    def test_report_oov_drops(self, result):
        oov = result.report.oov
        for data in ("corpus", "labelled"):
            assert oov[data]["before"]["oov_rate"] > 0.1
            assert oov[data]["after"]["oov_rate"] < oov[data]["before"]["oov_rate"]
        assert oov["corpus"]["after"]["oov_tokens"] == 3  # only the rare word is still missing

    def test_report_training_figures(self, result):
        training = result.report.training
        assert len(training["loss_per_epoch"]) == training["epochs"] == 3
        assert all(x > 0 for x in training["loss_per_epoch"])
        assert training["words_per_second"] > 0 and training["raw_words"] > 0

    def test_saved_folder_loads_in_nlptransfer_and_gensim(self, result, tmp_path):
        from gensim.models import KeyedVectors

        from nlptransfer.adapt import AdaptationReport
        from nlptransfer.vectors import load_vectors

        folder = result.save(tmp_path / "out")
        loaded = load_vectors(folder)
        assert loaded.words == result.vectors.words
        assert np.array_equal(np.asarray(loaded.matrix), result.vectors.matrix)
        kv = KeyedVectors.load(str(folder / "vectors.kv"))
        assert np.array_equal(kv["lol"], result.vectors.vector("lol"))
        report = AdaptationReport.load(folder)
        assert report.oov == result.report.oov
        assert "Token OOV rate" in (folder / "adaptation_report.md").read_text(encoding="utf-8")


def test_continue_starts_shared_words_from_pretrained_rows(pretrained, domain_texts, make_config):
    from nlptransfer.adapt.corpus import load_domain_corpus
    from nlptransfer.adapt.pretrained import resolve_pretrained
    from nlptransfer.data.tokenize import WordTokenizer

    config = make_config(mode="continue")
    source = resolve_pretrained(pretrained)
    corpus = load_domain_corpus(domain_texts, WordTokenizer(config.tokenizer))
    plan = plan_vocabulary(corpus.counts(), source.key_to_index, config)
    model, model_idx, pre_idx = _init_from_pretrained(source, corpus, plan, config)
    assert sorted(plan.shared) == sorted(SHARED)
    assert model.wv.vectors[model_idx].tobytes() == source.matrix[pre_idx].tobytes()


def test_continue_moves_shared_words_and_keeps_unseen_ones(pretrained, domain_texts, make_config):
    original = np.array(pretrained.matrix, copy=True)
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="continue", epochs=5))
    out = result.vectors
    for word in SHARED[:5]:
        assert not np.array_equal(out.vector(word), original[pretrained.key_to_index[word]])
    for word in PRETRAINED_ONLY:  # not in the corpus: untouched
        assert np.array_equal(out.vector(word), original[pretrained.key_to_index[word]])
    drift = result.report.drift["0-1k"]
    assert drift["words"] == len(SHARED)
    assert 0 < drift["mean_cosine"] < 1


def test_continue_fasttext_init_composes_to_pretrained_rows(pretrained, domain_texts, make_config):
    from nlptransfer.adapt.corpus import load_domain_corpus
    from nlptransfer.adapt.pretrained import resolve_pretrained
    from nlptransfer.data.tokenize import WordTokenizer

    config = make_config(mode="continue", model="fasttext", bucket=1000)
    source = resolve_pretrained(pretrained)
    corpus = load_domain_corpus(domain_texts, WordTokenizer(config.tokenizer))
    plan = plan_vocabulary(corpus.counts(), source.key_to_index, config)
    model, model_idx, pre_idx = _init_from_pretrained(source, corpus, plan, config)
    # a FastText word vector is (vocab row + its n-gram buckets) averaged; the init solves for the row
    np.testing.assert_allclose(model.wv.vectors[model_idx], source.matrix[pre_idx], atol=1e-5)
    np.testing.assert_allclose(model.wv.get_vector("game"), source.matrix[source.key_to_index["game"]], atol=1e-5)


def test_min_count_new_is_separate_from_min_count(pretrained, domain_texts, make_config):
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="lock", min_count=1000, min_count_new=3),
                           report=True)
    assert RARE_NEW in result.vectors
    vocab = result.report.vocabulary
    assert vocab["new_dropped_types"] == 0
    assert vocab["shared_trained"] == 0 and vocab["shared_below_min_count"] == len(SHARED)


def test_max_vocab_caps_training_vocabulary(pretrained, domain_texts, make_config):
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="scratch", max_vocab=10))
    assert len(result.vectors) == 10
    assert result.report.vocabulary["capped"] == len(SHARED) + len(NEW_WORDS) - 10


def test_scratch_table_is_the_corpus_vocabulary(pretrained, domain_texts, make_config):
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="scratch"))
    assert set(result.vectors.words) == set(SHARED) | set(NEW_WORDS)
    drift = result.report.drift["0-1k"]
    assert "mean_cosine" not in drift  # separate space: no cosine to the pretrained vectors
    assert any("own space" in note for note in result.report.notes)


def test_long_documents_are_split_for_gensim(make_config):
    from nlptransfer.adapt.corpus import GENSIM_MAX_SENTENCE, load_domain_corpus
    from nlptransfer.data.tokenize import WordTokenizer

    corpus = load_domain_corpus([" ".join(["w"] * (GENSIM_MAX_SENTENCE + 5))], WordTokenizer())
    assert [len(s) for s in corpus.sentences] == [GENSIM_MAX_SENTENCE, 5]
    assert corpus.documents == 1


def test_continue_warmup_freezes_pretrained_rows_first(pretrained, domain_texts, make_config):
    from gensim.models.callbacks import CallbackAny2Vec

    class Snapshot(CallbackAny2Vec):
        def __init__(self):
            self.rows = []

        def on_epoch_end(self, model):
            self.rows.append(model.wv.vectors[model.wv.key_to_index["game"]].copy())

    original = pretrained.matrix[pretrained.key_to_index["game"]].copy()
    snapshot = Snapshot()
    # warmup_epochs is capped at epochs - 1: continue always trains the pretrained rows for some epochs
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="continue", epochs=3, warmup_epochs=5),
                           callbacks=[snapshot], report=False)
    assert [r.tobytes() == original.tobytes() for r in snapshot.rows] == [True, True, False]
    assert not np.array_equal(result.vectors.vector("game"), original)
    assert len(result.model.wv.vectors_lockf) == 1  # gensim's no-op array is back after training
