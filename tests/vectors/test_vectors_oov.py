"""OOV policies: a shared contract run over every registered policy, plus each policy's own promises."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nlptransfer.errors import OOVError, UsageError
from nlptransfer.vectors import StaticVectors, load_vectors
from nlptransfer.vectors.oov import (
    OOV_POLICIES,
    NormalizePolicy,
    OOVCascade,
    RandomPolicy,
    UnkPolicy,
    get_oov_policy,
)

WEIRD_WORDS = ["", "ünïcödé", "x" * 5000, "12345", "?!...", "😂🔥", "\u200d", "tab\there", "Ω≈ç√", "\ud800"]

# Every registered policy name (aliases included) and a few composed cascades.
POLICY_SPECS = OOV_POLICIES.names() + ["normalize>subword>random", "normalize>unk", "subword>zero"]


@pytest.fixture(scope="module")
def ft_vectors(tiny_fasttext):
    return load_vectors(tiny_fasttext[0], use_cache=False)


@pytest.fixture(params=["plain", "fasttext"])
def any_vectors(request, small_vectors, ft_vectors):
    return small_vectors if request.param == "plain" else ft_vectors


class TestOOVPolicyContract:
    """What every policy guarantees (flair's BaseEmbeddingsTest pattern)."""

    @pytest.mark.parametrize("spec", POLICY_SPECS)
    @pytest.mark.parametrize("word", WEIRD_WORDS, ids=[f"w{i}" for i in range(len(WEIRD_WORDS))])
    def test_weird_words_get_a_finite_vector_or_a_clear_error(self, any_vectors, spec, word):
        policy = get_oov_policy(spec)
        if word in any_vectors:
            pytest.skip("not OOV for these vectors")
        if policy.steps()[0].name == "error":
            with pytest.raises(OOVError, match="no vector for"):
                any_vectors.resolve([word], policy)
            return
        res = any_vectors.resolve([word], policy)
        assert res.matrix.shape == (1, any_vectors.dim) and res.matrix.dtype == np.float32
        assert np.isfinite(res.matrix).all()
        assert res.oov_mask.tolist() == [True]
        assert isinstance(res.steps[0], str) and res.steps[0] != "exact"

    @pytest.mark.parametrize("spec", POLICY_SPECS)
    def test_in_vocabulary_words_are_exact_and_deterministic(self, any_vectors, spec):
        words = any_vectors.words[:3] + ["zzqx-unknown", "zzqx-unknown"]
        try:
            first = any_vectors.resolve(words, spec)
        except OOVError:
            assert spec in ("error", "raise")
            return
        second = any_vectors.resolve(words, spec)
        np.testing.assert_array_equal(first.matrix, second.matrix)
        np.testing.assert_array_equal(first.matrix[:3], np.asarray(any_vectors.matrix[:3], dtype=np.float32))
        assert first.steps[:3] == ["exact"] * 3
        np.testing.assert_array_equal(first.matrix[3], first.matrix[4])

    @pytest.mark.parametrize("name", OOV_POLICIES.names())
    def test_registered_policy_has_a_spec_that_parses_back(self, name):
        cascade = get_oov_policy(name)
        assert get_oov_policy(cascade.spec).spec == cascade.spec
        assert cascade.steps()[-1].terminal


def test_unknown_policy_name_suggests():
    with pytest.raises(UsageError, match="Unknown OOV policy 'rando'. Did you mean 'random'"):
        get_oov_policy("normalize>rando")


@pytest.mark.parametrize("spec,message", [
    ("", "invalid OOV policy spec"), ("normalize>>zero", "invalid OOV policy spec"),
    ("zero>subword", "'zero' always decides, so the steps after it \\(subword\\) would never run"),
    (3, "OOV policy must be a name"),
])
def test_bad_specs(spec, message):
    with pytest.raises(UsageError, match=message):
        get_oov_policy(spec)


def test_cascade_without_a_deciding_step_ends_with_zero():
    assert get_oov_policy("normalize>subword").spec == "normalize>subword>zero"
    assert get_oov_policy(["normalize", RandomPolicy(seed=3)]).spec == "normalize>random"


def test_unk_is_the_mean_not_glove_literal_unk(small_vectors):
    res = small_vectors.resolve(["unk", "zebra"], "unk")
    assert res.steps == ["exact", "unk"]
    assert res.oov_mask.tolist() == [False, True]
    np.testing.assert_array_equal(res.matrix[0], small_vectors.vector("unk"))  # the word itself
    np.testing.assert_allclose(res.matrix[1], small_vectors.matrix.mean(axis=0), rtol=1e-6)
    assert not np.allclose(res.matrix[1], small_vectors.vector("unk"))
    assert not res.learnable_unk
    learnable = small_vectors.resolve(["zebra"], UnkPolicy(learnable=True))
    assert learnable.learnable_unk and learnable.unk_mask.tolist() == [True]


def test_random_is_seeded_by_word_and_scaled_to_std(small_vectors):
    res = small_vectors.resolve(["zebra", "yak", "zebra"], "random")
    np.testing.assert_array_equal(res.matrix[0], res.matrix[2])
    assert not np.array_equal(res.matrix[0], res.matrix[1])
    other_seed = small_vectors.resolve(["zebra"], RandomPolicy(seed=1)).matrix[0]
    assert not np.array_equal(other_seed, res.matrix[0])
    many = small_vectors.resolve([f"w{i}" for i in range(400)], "random").matrix
    assert many.std() == pytest.approx(small_vectors.value_std(), rel=0.1)


def test_random_vectors_are_identical_across_processes(small_vectors):
    code = (
        "import numpy as np, sys\n"
        "from nlptransfer.vectors import StaticVectors\n"
        "m = np.arange(66, dtype=np.float32).reshape(11, 6) / 7\n"
        "v = StaticVectors([f'k{i}' for i in range(11)], m)\n"
        "r = v.resolve(['zebra', 'ünï', '😂'], 'random').matrix\n"
        "sys.stdout.write(r.tobytes().hex())\n"
    )
    outs = []
    for hash_seed in ("1", "2"):  # different str hashing per process must not matter
        env = {"PYTHONHASHSEED": hash_seed, "PATH": ""}
        outs.append(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                   check=True).stdout)
    m = np.arange(66, dtype=np.float32).reshape(11, 6) / 7
    here = StaticVectors([f"k{i}" for i in range(11)], m).resolve(["zebra", "ünï", "😂"], "random").matrix
    assert outs[0] == outs[1] == here.tobytes().hex()


def test_subword_matches_gensim_and_falls_through_without_ngrams(ft_vectors, tiny_fasttext):
    _, model = tiny_fasttext
    res = ft_vectors.resolve(["catz", "", "a"], "subword>unk")
    np.testing.assert_array_equal(res.matrix[0], model.wv.get_vector("catz"))
    assert res.steps[0] == "subword"
    # '' has no n-grams of length >= 3 ("<>"): falls through to unk instead of a zero vector (gensim #2415).
    assert res.steps[1] == "unk"
    np.testing.assert_allclose(res.matrix[1], ft_vectors.mean_vector())
    assert res.steps[2] == "subword"  # "<a>" has one 3-gram


def test_subword_on_vectors_without_ngrams_falls_through(small_vectors):
    assert small_vectors.resolve(["zebra"], "subword>random").steps == ["random"]


@pytest.mark.parametrize("word,step,target", [
    ("Cat", "normalize:lower", "cat"), ("CAFÉ", "normalize:accents", "cafe"), ("café", "normalize:accents", "cafe"),
    ("Café", "normalize:accents", "cafe"), ("2024", "normalize:digits", "####"), ("THE", "normalize:lower", "the"),
])
def test_normalize_cascade_steps(small_vectors, word, step, target):
    res = small_vectors.resolve([word], "normalize>error")
    assert res.steps == [step]
    np.testing.assert_array_equal(res.matrix[0], small_vectors.vector(target))


def test_normalize_composes_with_subword(ft_vectors):
    cascade = get_oov_policy("normalize>subword>random")
    assert isinstance(cascade, OOVCascade)
    res = ft_vectors.resolve(["CAT", "Catz", "🙂"], cascade)
    assert res.steps[:2] == ["normalize:lower", "subword"]
    assert res.steps[2] in ("subword", "random")
    assert NormalizePolicy().resolve(ft_vectors, "qqqq") == (None, None)


def test_error_policy_message(small_vectors):
    with pytest.raises(OOVError, match=r"no vector for 'zebra' in small and oov_policy='error'; use another policy"):
        small_vectors.matrix_for(["cat", "zebra"], oov_policy="error")
