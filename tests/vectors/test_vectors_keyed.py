"""StaticVectors: exact membership, vectors, vocabulary matrices, similarity, gensim round trips."""

from __future__ import annotations

import numpy as np
import pytest

from nlptransfer.errors import DimensionMismatchError, OOVError, VectorFormatError
from nlptransfer.vectors import StaticVectors, load_vectors


def test_membership_is_exact_even_with_subwords(tiny_fasttext):
    vectors = load_vectors(tiny_fasttext[0])
    assert "cat" in vectors and vectors.in_vocab("cat")
    assert "catz" not in vectors  # unlike gensim FastTextKeyedVectors (gensim #3186)
    assert vectors.has_vector("catz")  # ... but subwords can build one
    assert not vectors.in_vocab(123)  # non-strings are simply not words


def test_vector_raises_oov_error_naming_the_word(small_vectors):
    with pytest.raises(OOVError, match=r"no vector for 'zebra' in small \(these vectors have no subword n-grams\); "
                                       r"choose an OOV policy"):
        small_vectors.vector("zebra")
    with pytest.raises(KeyError):  # OOVError is also a KeyError, like gensim's
        small_vectors["zebra"]
    assert not small_vectors.has_vector("zebra")
    np.testing.assert_array_equal(small_vectors["cat"], small_vectors.matrix[1])


def test_vector_returns_a_copy(small_vectors):
    v = small_vectors.vector("cat")
    v[:] = 0
    assert small_vectors.matrix[1].any()


def test_matrix_for_rows_and_mask(small_vectors):
    matrix, mask = small_vectors.matrix_for(["cat", "zebra", "the", "Cat"], oov_policy="zero")
    np.testing.assert_array_equal(matrix[0], small_vectors.vector("cat"))
    np.testing.assert_array_equal(matrix[1], 0)
    np.testing.assert_array_equal(matrix[2], small_vectors.vector("the"))
    assert mask.tolist() == [False, True, False, True]
    assert matrix.dtype == np.float32


def test_most_similar_excludes_the_query_and_ranks_by_cosine(small_vectors):
    result = small_vectors.most_similar("cat", topn=3)
    assert len(result) == 3 and "cat" not in [w for w, _ in result]
    unit = small_vectors.unit_matrix()
    expected = sorted(((float(unit[i] @ unit[1]), w) for i, w in enumerate(small_vectors.words) if w != "cat"),
                      reverse=True)[:3]
    assert [w for w, _ in result] == [w for _, w in expected]
    assert result[0][1] == pytest.approx(expected[0][0], abs=1e-6)
    by_vector = small_vectors.most_similar(small_vectors.vector("cat"), topn=1)
    assert by_vector[0][0] == "cat" and by_vector[0][1] == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(DimensionMismatchError):
        small_vectors.most_similar(np.ones(3))


def test_constructor_validates():
    with pytest.raises(DimensionMismatchError, match="2 words but the matrix has 3 rows"):
        StaticVectors(["a", "b"], np.zeros((3, 2)))
    with pytest.raises(VectorFormatError, match="duplicate word 'a'"):
        StaticVectors(["a", "b", "a"], np.zeros((3, 2)))
    with pytest.raises(VectorFormatError, match="2-d numpy array"):
        StaticVectors(["a"], np.zeros(2))


def test_hash_index_lookup_agrees_with_dict(five_formats, tmp_path):
    paths, words, matrix = five_formats
    load_vectors(paths["glove"]).save(tmp_path / "f")
    fresh = load_vectors(tmp_path / "f")
    assert fresh._hash_index is not None and fresh._key_to_index is None
    for i, w in enumerate(words):
        assert fresh.index(w) == i
    assert fresh._key_to_index is None  # single lookups did not build the dict
    assert "not-a-word" not in fresh
    assert fresh.key_to_index == {w: i for i, w in enumerate(words)}


def test_gensim_round_trip(tiny_fasttext):
    from gensim.models.fasttext import FastTextKeyedVectors

    vectors = load_vectors(tiny_fasttext[0])
    kv = vectors.to_gensim()
    assert isinstance(kv, FastTextKeyedVectors)
    np.testing.assert_array_equal(kv.get_vector("catz"), vectors.vector("catz"))
    back = StaticVectors.from_gensim(kv)
    assert back.words == vectors.words and back.subwords is not None
    np.testing.assert_array_equal(back.vector("catz"), vectors.vector("catz"))


def test_stats_are_float32_means_and_std(small_vectors):
    np.testing.assert_allclose(small_vectors.mean_vector(), small_vectors.matrix.mean(axis=0), rtol=1e-6)
    assert small_vectors.value_std() == pytest.approx(float(small_vectors.matrix.std()), rel=1e-6)


@pytest.mark.slow
def test_packaged_glove_loads_and_looks_up():
    vectors = load_vectors("glove-6b-50d")
    assert len(vectors) == 400_000 and vectors.dim == 50
    assert vectors.words[:3] == ["the", ",", "."]
    np.testing.assert_allclose(vectors.vector("the")[:3], [0.418, 0.24968, -0.41242], rtol=1e-6)
    assert [w for w, _ in vectors.most_similar("king", topn=3)][:2] == ["prince", "queen"]
    again = load_vectors("glove-6b-50d")
    assert isinstance(again.matrix, np.memmap) and again._hash_index is not None
    assert "unk" in again and again.index("unk") == vectors.index("unk")
