"""The conversion cache: convert once, memory-map afterwards, one entry per variant, rebuild when broken."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from nlptransfer.vectors import load_vectors
from nlptransfer.vectors._formats import write_text
from nlptransfer.vectors.cache import cache_root


def _entries(root):
    return sorted(p for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []


@pytest.fixture
def glove_file(tmp_path):
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(40)]
    path = tmp_path / "vecs.txt"
    write_text(path, words, rng.standard_normal((40, 5)).astype(np.float32), header=False)
    return path, words


def test_first_load_converts_then_memory_maps(glove_file, tmp_path):
    path, words = glove_file
    cache = tmp_path / "cache"
    first = load_vectors(path, cache_dir=cache)
    (entry,) = _entries(cache)
    meta = json.loads((entry / "meta.json").read_text())
    assert meta["metadata"]["content_hash"].startswith("blake2b-160:")
    assert meta["metadata"]["source_format"] == "glove"
    assert meta["metadata"]["cache"]["identity"][0]["size"] == path.stat().st_size
    assert isinstance(first.matrix, np.memmap)
    assert first.metadata["folder"] == str(entry)

    # A second load reads the entry: the vocabulary file is not rewritten and the source is not parsed.
    before = (entry / "vocab.txt").stat().st_mtime_ns
    path_bytes = path.read_bytes()
    second = load_vectors(path, cache_dir=cache)
    assert (entry / "vocab.txt").stat().st_mtime_ns == before
    assert second.words == words
    np.testing.assert_array_equal(np.asarray(second.matrix), np.asarray(first.matrix))
    assert path.read_bytes() == path_bytes


def test_limit_and_float16_get_their_own_entries(glove_file, tmp_path):
    path, words = glove_file
    cache = tmp_path / "cache"
    load_vectors(path, cache_dir=cache)
    small = load_vectors(path, cache_dir=cache, limit=10)
    half = load_vectors(path, cache_dir=cache, dtype="float16")
    assert len(_entries(cache)) == 3
    assert small.words == words[:10]
    assert half.matrix.dtype == np.float16
    assert any("limit10" in p.name for p in _entries(cache))


def test_edited_source_is_converted_again(glove_file, tmp_path):
    path, words = glove_file
    cache = tmp_path / "cache"
    load_vectors(path, cache_dir=cache)
    path.write_text("alpha 1 2 3 4 5\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert load_vectors(path, cache_dir=cache).words == ["alpha"]


@pytest.mark.parametrize("damage", ["no-meta", "short-vocab", "truncated-matrix", "bad-json", "wrong-identity"])
def test_corrupt_entry_is_detected_and_rebuilt(glove_file, tmp_path, damage):
    path, words = glove_file
    cache = tmp_path / "cache"
    load_vectors(path, cache_dir=cache)
    (entry,) = _entries(cache)
    if damage == "no-meta":
        (entry / "meta.json").unlink()
    elif damage == "short-vocab":
        (entry / "vocab.txt").write_text("w0\nw1", encoding="utf-8")
    elif damage == "truncated-matrix":
        npy = entry / "vectors.kv.vectors.npy"
        npy.write_bytes(npy.read_bytes()[:200])
    elif damage == "bad-json":
        (entry / "meta.json").write_text("{not json", encoding="utf-8")
    else:
        meta = json.loads((entry / "meta.json").read_text())
        meta["metadata"]["cache"]["identity"][0]["size"] = 1
        (entry / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    again = load_vectors(path, cache_dir=cache)
    assert again.words == words
    assert again.matrix.shape == (40, 5)
    assert json.loads((entry / "meta.json").read_text())["n_words"] == 40


def test_env_variable_and_default_locations(monkeypatch, tmp_path):
    monkeypatch.setenv("NLPTRANSFER_CACHE", str(tmp_path / "env"))
    assert cache_root() == tmp_path / "env" / "vectors"
    assert cache_root(tmp_path / "explicit") == tmp_path / "explicit"
    monkeypatch.delenv("NLPTRANSFER_CACHE")
    assert str(cache_root()).endswith(os.path.join(".cache", "nlptransfer", "vectors"))


def test_use_cache_false_writes_nothing(glove_file, tmp_path):
    path, words = glove_file
    vectors = load_vectors(path, cache_dir=tmp_path / "cache", use_cache=False)
    assert vectors.words == words
    assert not (tmp_path / "cache").exists()


def test_saved_folder_is_readable_by_gensim(glove_file, tmp_path):
    from gensim.models import KeyedVectors

    path, words = glove_file
    vectors = load_vectors(path, cache_dir=tmp_path / "cache")
    vectors.save(tmp_path / "out")
    meta = json.loads((tmp_path / "out" / "meta.json").read_text())
    assert meta["files"]["gensim"] == "vectors.kv"
    kv = KeyedVectors.load(str(tmp_path / "out" / meta["files"]["gensim"]), mmap="r")
    assert list(kv.index_to_key) == words
    np.testing.assert_array_equal(kv["w7"], vectors.vector("w7"))
    # gensim and nlptransfer share one matrix file rather than storing it twice.
    assert sorted(p.name for p in (tmp_path / "out").glob("*.npy")) == [
        "vectors.kv.vectors.npy", "word_hashes.npy", "word_rows.npy"]
