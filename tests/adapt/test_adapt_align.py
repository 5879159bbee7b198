"""align mode: orthogonal Procrustes recovers a known rotation; drifting anchors are excluded."""

from __future__ import annotations

import numpy as np
import pytest

from nlptransfer.adapt import adapt_vectors, fit_alignment, orthogonal_procrustes
from nlptransfer.errors import DataError


def _random_rotation(dim: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return q * np.sign(np.diag(r))


def test_procrustes_recovers_known_rotation():
    rng = np.random.default_rng(0)
    table = rng.normal(size=(300, 24))
    rotation = _random_rotation(24, 1)
    mapping = orthogonal_procrustes(table, table @ rotation)
    np.testing.assert_allclose(mapping.rotation, rotation, atol=1e-10)
    assert mapping.scale == pytest.approx(1.0, abs=1e-10)
    assert np.abs(mapping.apply(table) - table @ rotation).max() < 1e-5  # float32 output


def test_procrustes_recovers_rotation_scale_and_shift():
    rng = np.random.default_rng(2)
    source = rng.normal(size=(200, 16))
    rotation = _random_rotation(16, 3)
    shift = rng.normal(size=16)
    target = 2.5 * source @ rotation + shift
    mapping = orthogonal_procrustes(source, target, scale=True)
    assert mapping.scale == pytest.approx(2.5, rel=1e-10)
    assert np.abs(mapping.apply(source) - target).max() < 1e-4


def test_fit_alignment_excludes_the_drifting_anchors():
    rng = np.random.default_rng(4)
    source = rng.normal(size=(100, 12))
    rotation = _random_rotation(12, 5)
    target = source @ rotation
    drifted = [3, 17, 42, 58, 71, 80, 90, 95, 97, 99]
    target[drifted] = rng.normal(size=(len(drifted), 12)) * 3  # these words mean something else here
    words = [f"w{i}" for i in range(100)]
    mapping, stats = fit_alignment(words, source, target, exclude_fraction=0.1, scale=False)
    assert stats["anchors_used"] == 90 and stats["anchors_excluded"] == 10
    assert set(stats["most_drifting_anchors"][:10]) == {f"w{i}" for i in drifted}
    np.testing.assert_allclose(mapping.rotation, rotation, atol=1e-8)


def test_fit_alignment_needs_anchors():
    with pytest.raises(DataError, match="at least 2 words shared"):
        fit_alignment(["only"], np.ones((1, 4)), np.ones((1, 4)))


def test_align_mode_appends_mapped_new_words(pretrained, domain_texts, make_config):
    original = np.array(pretrained.matrix, copy=True)
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="align", epochs=5))
    n = len(original)
    assert result.vectors.matrix[:n].tobytes() == original.tobytes()
    assert set(result.vectors.words[n:]) >= {"lol", "#gameday", "smh"}
    alignment = result.report.alignment
    assert alignment["anchors_used"] + alignment["anchors_excluded"] == alignment["anchors"] > 2
    # the mapped new words live at the pretrained scale, not at word2vec's tiny initial scale
    new_norm = np.linalg.norm(result.vectors.matrix[n:], axis=1).mean()
    old_norm = np.linalg.norm(original, axis=1).mean()
    assert 0.2 * old_norm < new_norm < 5 * old_norm
