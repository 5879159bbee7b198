"""Every broken vector file fails with a VectorFormatError naming the file, the line and the fix."""

from __future__ import annotations

import gzip
import re
import struct
import warnings

import numpy as np
import pytest

from nlptransfer.errors import DimensionMismatchError, VectorFormatError
from nlptransfer.vectors import DuplicateWordsWarning, load_vectors


def w2v_bin(words: list[bytes], rows: list[list[float]], count: int | None = None, dim: int | None = None) -> bytes:
    dim = dim if dim is not None else len(rows[0])
    out = f"{count if count is not None else len(words)} {dim}\n".encode()
    for word, row in zip(words, rows):
        out += word + b" " + np.asarray(row, dtype="<f4").tobytes()
    return out


GOOD_BIN = w2v_bin([b"a", b"b"], [[1, 2, 3], [4, 5, 6]])

# (case id, file name, content, load_vectors kwargs, expected message regex)
CASES = [
    ("header-more-than-rows", "v.txt", b"5 3\na 1 2 3\nb 4 5 6\nc 7 8 9\n", {},
     r"v\.txt: the header \(line 1\) says 5 words but the file has 3 vector lines; fix the header to '3 3'"),
    ("header-fewer-than-rows", "v.txt", b"2 3\na 1 2 3\nb 4 5 6\nc 7 8 9\n", {},
     r"v\.txt: the header \(line 1\) says 2 words but the file has 3 vector lines"),
    ("wrong-dimension-line", "v.txt", b"a 1 2 3\nb 4 5 6\nc 7 8\nd 1 1 1\n", {},
     r"v\.txt: line 3 \(word 'c'\) has 2 values, expected 3 \(from line 1\); fix or remove that line"),
    ("wrong-dimension-vs-header", "v.txt", b"2 3\na 1 2 3 4\nb 4 5 6\n", {},
     r"line 2 \(word 'a'\) has 4 values, expected 3 \(from the header\)"),
    ("truncated-text-mid-line", "v.txt", b"a 1 2 3\nb 4 5 6\nc 7", {},
     r"v\.txt: truncated file: the last line \(3\) has 1 of 3 values and no final newline; .*re-download"),
    ("truncated-text-missing-lines", "v.vec", b"4 2\na 1 2\nb 3 4", {},
     r"v\.vec: truncated file: the header says 4 words but only 2 complete lines follow; re-download"),
    ("truncated-binary", "v.bin", GOOD_BIN[:-5], {},
     r"v\.bin: truncated file: record 2 of 2 \(byte \d+\) is incomplete; .*re-download"),
    ("binary-more-data-than-header", "v.bin", w2v_bin([b"a", b"b", b"c"], [[1, 2], [3, 4], [5, 6]], count=2), {},
     r"v\.bin: the header \(line 1\) says 2 words but more data follows record 2"),
    ("non-utf8-word-text", "v.txt", b"a 1 2\ncaf\xe9 3 4\n", {},
     r"v\.txt: the word on line 2 is not valid utf-8 \(b'caf\\xe9'\); .*encoding='latin-1'"),
    ("non-utf8-word-binary", "v.bin", w2v_bin([b"ok", b"\xff\xfe"], [[1, 2], [3, 4]]), {},
     r"v\.bin: the word on record 2 is not valid utf-8"),
    ("binary-where-text-expected", "v.txt", GOOD_BIN, {"format": "glove"},
     r"v\.txt: format='glove' expects a text file, but this is a binary word2vec-bin file; pass format='word2vec-bin'"),
    ("text-where-binary-expected", "v.bin", b"2 3\na 1 2 3\nb 4 5 6\n", {"format": "word2vec-bin"},
     r"v\.bin: format='word2vec-bin' expects a binary file, but this is a text \(word2vec-text\) file"),
    ("word2vec-bin-passed-as-fasttext-bin", "v.bin", GOOD_BIN, {"format": "fasttext-bin"},
     r"format='fasttext-bin' was requested but the content is word2vec-bin"),
    ("empty-file", "v.txt", b"", {}, r"v\.txt: the file is empty"),
    ("whitespace-only-file", "v.txt", b"\n\n  \n", {}, r"v\.txt: the file is empty"),
    ("header-without-rows", "v.txt", b"10 3\n", {}, r"v\.txt: the file has a header but no vectors"),
    ("non-numeric-value", "v.txt", b"a 1 2 3\nb 4 x5 6\n", {},
     r"v\.txt: line 2 holds a non-numeric value 'x5'"),
    ("nan-value", "v.txt", b"a 1 2 3\nb 4 5 6\nc nan 1 1\n", {},
     r"v\.txt: line 3 holds NaN or infinite values \(1 row\(s\) in total\)"),
    ("inf-value-binary", "v.bin", w2v_bin([b"a", b"b"], [[1, 2], [float("inf"), 0]]), {},
     r"v\.bin: record 2 holds NaN or infinite values"),
    ("requested-dimension-mismatch", "v.txt", b"a 1 2 3\nb 4 5 6\n", {"dim": 50},
     r"v\.txt: vectors have dimension 3, but dimension 50 was requested"),
    ("glove-format-with-header", "v.txt", b"2 3\na 1 2 3\nb 4 5 6\n", {"format": "glove"},
     r"line 1 \('2 3'\) looks like a word2vec 'count dim' header, but format='glove' has none; pass format='word2vec-text'"),
    ("word2vec-text-without-header", "v.txt", b"a 1 2 3\nb 4 5 6\n", {"format": "word2vec-text"},
     r"line 1 is not a word2vec 'count dim' header; .*pass format='glove'"),
    ("gzip-compressed", "v.txt.gz", gzip.compress(b"a 1 2\n"), {}, r"v\.txt\.gz: the file is gzip-compressed; decompress"),
    ("blank-line-inside", "v.txt", b"a 1 2\n\nb 3 4\n", {}, r"v\.txt: line 2 is empty; remove blank lines"),
    ("unknown-binary", "v.dat", b"\x00\x01garbage\x00" * 100, {}, r"v\.dat: binary file of unknown format"),
    ("word-without-values", "v.txt", b"a\nb\n", {}, r"v\.txt: line 1 has a word but no numbers"),
    ("truncated-fasttext-bin", "ft.bin", None, {}, r"ft\.bin: truncated or corrupt fastText \.bin"),
    ("gensim-pickle", "vectors.kv", b"\x80\x04\x95" + b"\x00" * 64, {},
     r"vectors\.kv: this is a Python pickle \(a gensim \.kv/\.model file\), not a vectors file; .*from_gensim"),
]


@pytest.mark.parametrize("case,name,content,kwargs,message", CASES, ids=[c[0] for c in CASES])
def test_bad_vector_file(tmp_path, tiny_fasttext, _vectors_cache, case, name, content, kwargs, message):
    if content is None:  # a real fastText .bin cut in the middle of its n-gram matrix
        content = tiny_fasttext[0].read_bytes()[:-1000]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(VectorFormatError) as info:
        load_vectors(path, **kwargs)
    assert re.search(message, str(info.value)), str(info.value)
    assert not list(_vectors_cache.glob(".tmp-*")), "a failed conversion left a temp folder"


def test_at_least_twelve_bad_file_cases():
    assert len(CASES) >= 12


def test_dimension_error_is_also_a_dimension_mismatch(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"a 1 2 3\n")
    with pytest.raises(DimensionMismatchError):
        load_vectors(path, dim=4)


def test_supervised_fasttext_model_is_rejected(gensim_test_data):
    with pytest.raises(VectorFormatError, match="Supervised fastText models are not supported; only unsupervised"):
        load_vectors(gensim_test_data / "pang_lee_polarity_fasttext.bin")


@pytest.mark.parametrize("binary", [False, True])
def test_duplicate_words_keep_the_first_with_one_counted_warning(tmp_path, binary):
    words = [b"a", b"b", b"a", b"c", b"b", b"a"]
    rows = [[i, i] for i in range(6)]
    if binary:
        path, where = tmp_path / "dups.bin", "record 3"
        path.write_bytes(w2v_bin(words, rows))
    else:
        path, where = tmp_path / "dups.txt", "line 3"
        path.write_bytes(b"".join(w + b" %d %d\n" % (i, i) for i, w in enumerate(words)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vectors = load_vectors(path, use_cache=False)
    dup_warnings = [w for w in caught if issubclass(w.category, DuplicateWordsWarning)]
    assert len(dup_warnings) == 1
    assert f"3 duplicate words ignored (the first occurrence is kept), first: 'a' at {where}" in str(
        dup_warnings[0].message)
    assert vectors.words == ["a", "b", "c"]
    np.testing.assert_array_equal(np.asarray(vectors.matrix), [[0, 0], [1, 1], [3, 3]])


def test_old_fasttext_bin_without_magic_is_detected(gensim_test_data):
    from nlptransfer.vectors._formats import sniff_format

    path = gensim_test_data / "lee_fasttext.bin"
    assert struct.unpack("<i", path.read_bytes()[:4])[0] != 793712314
    assert sniff_format(path) == "fasttext-bin"


def _raised_within(seconds: float, call) -> BaseException | None:
    """Run ``call`` in a daemon thread; the exception it raised, or a failure if it is still running."""
    import threading

    outcome = {}

    def target():
        try:
            call()
        except BaseException as err:  # noqa: BLE001 - handed back to the test
            outcome["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still loading after {seconds}s (gensim loops at the end of the file)"
    return outcome.get("error")


def test_fasttext_bin_cut_inside_its_vocabulary_fails_instead_of_hanging(tmp_path, tiny_fasttext, _vectors_cache):
    from nlptransfer.adapt.pretrained import resolve_pretrained

    path = tmp_path / "ft.bin"
    path.write_bytes(tiny_fasttext[0].read_bytes()[:200])  # header, then a few words of the vocabulary
    err = _raised_within(60, lambda: load_vectors(path))
    assert isinstance(err, VectorFormatError) and "ft.bin: truncated or corrupt fastText .bin" in str(err), err
    err = _raised_within(60, lambda: resolve_pretrained(path))
    assert isinstance(err, VectorFormatError) and "not a readable fastText .bin" in str(err), err
