"""Loading every format: one table in five formats, gensim's real fastText files, limit/dtype/format."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from nlptransfer.errors import UsageError, VectorFormatError
from nlptransfer.vectors import load_vectors
from nlptransfer.vectors._formats import sniff_format


@pytest.mark.parametrize("fmt", ["word2vec-bin", "word2vec-text", "glove", "fasttext-vec", "fasttext-bin"])
def test_one_table_in_five_formats_loads_identically(five_formats, fmt):
    paths, words, matrix = five_formats
    vectors = load_vectors(paths[fmt])
    assert vectors.words == words
    assert vectors.matrix.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(vectors.matrix), matrix)
    assert (vectors.subwords is not None) == (fmt == "fasttext-bin")


@pytest.mark.parametrize("fmt,expected", [("word2vec-bin", "word2vec-bin"), ("word2vec-text", "word2vec-text"),
                                          ("glove", "glove"), ("fasttext-vec", "word2vec-text"),
                                          ("fasttext-bin", "fasttext-bin")])
def test_format_is_sniffed_from_content_not_extension(five_formats, tmp_path, fmt, expected):
    paths, words, matrix = five_formats
    misnamed = tmp_path / "vectors.dat"  # an extension that says nothing
    shutil.copy(paths[fmt], misnamed)
    assert sniff_format(misnamed) == expected
    np.testing.assert_array_equal(np.asarray(load_vectors(misnamed).matrix), matrix)


def test_glove_text_named_bin_still_loads_as_text(five_formats, tmp_path):
    paths, words, _ = five_formats
    lying = tmp_path / "glove.bin"
    shutil.copy(paths["glove"], lying)
    assert load_vectors(lying).words == words


@pytest.mark.parametrize("name", ["lee_fasttext.bin", "crime-and-punishment.bin"])
def test_gensim_fasttext_bins_match_gensim_for_oov_words(gensim_test_data, name):
    from gensim.models.fasttext import load_facebook_vectors

    path = gensim_test_data / name
    ours = load_vectors(path)
    theirs = load_facebook_vectors(str(path))
    assert ours.words == list(theirs.index_to_key)
    np.testing.assert_array_equal(np.asarray(ours.matrix), theirs.vectors)
    oov_words = ["qwertyuiop", "governmentally", "xyz", "достоевскийй", "раскольникова", "Zürich-2024"]
    for word in oov_words:
        assert word not in ours and word not in theirs.key_to_index
        np.testing.assert_array_equal(ours.vector(word), theirs.get_vector(word))
        assert ours.has_vector(word)


def test_cached_fasttext_bin_keeps_subwords(gensim_test_data):
    from gensim.models.fasttext import load_facebook_vectors

    path = gensim_test_data / "lee_fasttext.bin"
    load_vectors(path)
    again = load_vectors(path)  # from the cache: memory-mapped, subwords from subwords.npy
    assert isinstance(again.subwords.ngrams, np.memmap)
    theirs = load_facebook_vectors(str(path))
    np.testing.assert_array_equal(again.vector("unseenword"), theirs.get_vector("unseenword"))


def test_gensim_vec_file_matches_gensim_text_loader(gensim_test_data):
    from gensim.models import KeyedVectors

    path = gensim_test_data / "lee_fasttext.vec"
    ours = load_vectors(path, use_cache=False)
    theirs = KeyedVectors.load_word2vec_format(str(path))
    assert ours.words == list(theirs.index_to_key)
    np.testing.assert_array_equal(np.asarray(ours.matrix), theirs.vectors)


def test_gensim_glove_file_matches_gensim_no_header(gensim_test_data):
    from gensim.models import KeyedVectors

    path = gensim_test_data / "test_glove.txt"
    ours = load_vectors(path)
    theirs = KeyedVectors.load_word2vec_format(str(path), no_header=True)
    np.testing.assert_array_equal(np.asarray(ours.matrix), theirs.vectors)


def test_limit_keeps_the_first_words_in_every_format(five_formats):
    paths, words, matrix = five_formats
    for fmt, path in paths.items():
        vectors = load_vectors(path, limit=5)
        assert vectors.words == words[:5], fmt
        np.testing.assert_array_equal(np.asarray(vectors.matrix), matrix[:5])


def test_float16(five_formats):
    paths, _, matrix = five_formats
    vectors = load_vectors(paths["glove"], dtype="float16")
    assert vectors.matrix.dtype == np.float16
    np.testing.assert_allclose(np.asarray(vectors.matrix, dtype=np.float32), matrix, rtol=1e-3, atol=1e-3)
    # Vocabulary matrices are float32 again for the models that consume them.
    assert vectors.matrix_for(["the"])[0].dtype == np.float32


def test_explicit_format_is_honoured_and_aliases_work(five_formats):
    paths, words, _ = five_formats
    assert load_vectors(paths["fasttext-vec"], format="fasttext-vec").words == words
    assert load_vectors(paths["glove"], format="glove").words == words
    with pytest.raises(UsageError, match="Unknown vectors format 'glov'. Did you mean 'glove'"):
        load_vectors(paths["glove"], format="glov")


def test_bad_options_are_usage_errors(five_formats):
    paths, _, _ = five_formats
    with pytest.raises(UsageError, match="limit must be a positive integer"):
        load_vectors(paths["glove"], limit=0)
    with pytest.raises(UsageError, match="Unknown vectors dtype 'float64'"):
        load_vectors(paths["glove"], dtype="float64")


def test_saved_folder_loads_memory_mapped(five_formats, tmp_path):
    paths, words, matrix = five_formats
    load_vectors(paths["word2vec-bin"]).save(tmp_path / "saved")
    again = load_vectors(tmp_path / "saved")
    assert isinstance(again.matrix, np.memmap)
    assert again.words == words
    np.testing.assert_array_equal(np.asarray(again.matrix), matrix)
    assert load_vectors(tmp_path / "saved", limit=3).words == words[:3]


def test_words_with_spaces_in_glove_text(tmp_path):
    path = tmp_path / "spaced.txt"
    path.write_text("the 0.5 1.5\n. . . 2 3\nnew york 4 5\n", encoding="utf-8")
    vectors = load_vectors(path, use_cache=False)
    assert vectors.words == ["the", ". . .", "new york"]
    np.testing.assert_array_equal(vectors.vector("new york"), [4, 5])


def test_crlf_and_bom_are_tolerated(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf2 2\r\na 1 2\r\nb 3 4\r\n")
    vectors = load_vectors(path, use_cache=False)
    assert vectors.words == ["a", "b"]
    np.testing.assert_array_equal(np.asarray(vectors.matrix), [[1, 2], [3, 4]])


def test_latin1_file_loads_with_encoding(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café 1 2\nthé 3 4\n".encode("latin-1"))
    with pytest.raises(VectorFormatError):
        load_vectors(path, use_cache=False)
    assert load_vectors(path, encoding="latin-1", use_cache=False).words == ["café", "thé"]
