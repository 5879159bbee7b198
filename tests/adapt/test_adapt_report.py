"""Report pieces: intrinsic scores match gensim, drift bands, JSON/Markdown round trip."""

from __future__ import annotations

import numpy as np
import pytest

from nlptransfer.adapt import AdaptationReport, adapt_vectors
from nlptransfer.adapt.drift import drift_by_band
from nlptransfer.adapt.intrinsic import analogy_accuracy, intrinsic_scores, to_keyed_vectors


def test_drift_identical_and_rotated_tables():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    index = {w: i for i, w in enumerate(words)}
    matrix = rng.normal(size=(200, 8)).astype(np.float32)
    same = drift_by_band(words, (index, matrix), (index, matrix.copy()), pretrained_order=words,
                         bands=((0, 50), (50, None)))
    assert same["0-50"]["mean_cosine"] == pytest.approx(1.0)
    assert same["0-50"]["neighbour_overlap@10"] == 1.0 and same["50+"]["words"] == 150
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    rotated = drift_by_band(words, (index, matrix), (index, (matrix @ q).astype(np.float32)),
                            pretrained_order=words, same_space=False, bands=((0, 50),))
    assert rotated["0-50"]["neighbour_overlap@10"] == 1.0  # rotation-invariant
    noisy = drift_by_band(words, (index, matrix), (index, rng.normal(size=(200, 8)).astype(np.float32)),
                          pretrained_order=words, bands=((0, 50),))
    assert noisy["0-50"]["neighbour_overlap@10"] < 0.3 and noisy["0-50"]["mean_cosine"] < 0.3


def test_intrinsic_on_a_tiny_table_has_no_analogy_questions(gensim_test_data):
    scores = intrinsic_scores(["cat", "dog", "tiger"], np.eye(3, 4, dtype=np.float32))
    assert scores["analogy"]["accuracy"] is None and scores["analogy"]["questions"] == 0
    assert scores["wordsim353"]["oov_pairs_percent"] > 90


@pytest.fixture(scope="module")
def lee_vectors(gensim_test_data):
    from gensim.models import KeyedVectors

    return KeyedVectors.load_word2vec_format(str(gensim_test_data / "lee_fasttext.vec"))


def test_batched_analogies_equal_gensim(lee_vectors, gensim_test_data):
    questions = gensim_test_data / "questions-words.txt"
    words, matrix = lee_vectors.index_to_key, lee_vectors.vectors
    ours = analogy_accuracy(words, matrix, questions, restrict_vocab=1500)
    theirs, sections = to_keyed_vectors(words, matrix).evaluate_word_analogies(str(questions), restrict_vocab=1500)
    assert ours["questions"] == len(sections[-1]["correct"]) + len(sections[-1]["incorrect"]) > 20
    assert ours["accuracy"] == pytest.approx(theirs)


def test_pair_scores_equal_gensim_on_the_full_table(lee_vectors, gensim_test_data):
    words, matrix = lee_vectors.index_to_key, lee_vectors.vectors
    ours = intrinsic_scores(words, matrix)
    full = to_keyed_vectors(words, matrix)
    for name, file in (("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")):
        _, spearman, oov = full.evaluate_word_pairs(str(gensim_test_data / file), restrict_vocab=len(words))
        assert ours[name]["spearman"] == pytest.approx(spearman.statistic)
        assert ours[name]["oov_pairs_percent"] == pytest.approx(oov)


def test_report_round_trip_and_markdown(pretrained, domain_texts, make_config, tmp_path):
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="continue", intrinsic=True))
    report = result.report
    assert set(report.intrinsic) == {"before", "after"}
    json_path, md_path = report.save(tmp_path)
    again = AdaptationReport.load(tmp_path)
    assert again.to_dict() == AdaptationReport.from_dict(report.to_dict()).to_dict()
    md = md_path.read_text(encoding="utf-8")
    for heading in ("## Vocabulary", "## Token OOV rate", "## Drift of shared words", "## Intrinsic scores",
                    "## Training", "| 3 |"):
        assert heading in md
    assert set(report.timings) >= {"tokenize", "adapt", "report"}


def test_lock_reuses_intrinsic_scores_of_unchanged_rows(pretrained, domain_texts, make_config, monkeypatch):
    from nlptransfer.adapt import intrinsic

    # with a 30k window the 25-word table's new words would enter the analogy vocabulary; shrink it
    monkeypatch.setattr(intrinsic, "ANALOGY_RESTRICT_VOCAB", 20)
    calls = []
    real = intrinsic.analogy_accuracy
    monkeypatch.setattr(intrinsic, "analogy_accuracy", lambda *a, **k: calls.append(1) or real(*a, **k))
    report = adapt_vectors(pretrained, domain_texts, make_config(mode="lock", intrinsic=True)).report
    assert report.intrinsic["after"] == report.intrinsic["before"]
    assert len(calls) <= 1  # at most the pretrained table was scored; the locked copy was not re-scored
    continued = adapt_vectors(pretrained, domain_texts, make_config(mode="continue", intrinsic=True)).report
    assert continued.intrinsic["after"]["analogy"] is not continued.intrinsic["before"]["analogy"]
