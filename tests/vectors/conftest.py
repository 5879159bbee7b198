"""Fixtures for the static-vectors tests: one tiny table written in every format, a tiny fastText .bin."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

LEE_SENTENCES = [
    "the cat sat on the mat with another cat".split(),
    "dogs and cats are friendly pets in the house".split(),
    "the government announced new policies on monday".split(),
    "police said the fire started in the city centre".split(),
    "the cat and the dog played in the garden".split(),
] * 4


@pytest.fixture(scope="session")
def _session_cache_root():
    # Outside pytest's basetemp: concurrent pytest sessions on the shared machine prune old basetemps.
    root = Path(tempfile.mkdtemp(prefix="nlptransfer-vectors-tests-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _vectors_cache(_session_cache_root, monkeypatch):
    """Every test in this folder uses one throwaway cache (never ~/.cache)."""
    monkeypatch.setenv("NLPTRANSFER_CACHE", str(_session_cache_root))
    return _session_cache_root / "vectors"


@pytest.fixture(scope="session")
def tiny_fasttext(tmp_path_factory):
    """A tiny gensim FastText model saved as a Facebook .bin: (path, gensim model)."""
    from gensim.models import FastText
    from gensim.models.fasttext import save_facebook_model

    model = FastText(vector_size=8, window=2, min_count=1, epochs=3, min_n=3, max_n=5, bucket=500, seed=1,
                     workers=1, sg=1)
    model.build_vocab(corpus_iterable=LEE_SENTENCES)
    model.train(corpus_iterable=LEE_SENTENCES, total_examples=len(LEE_SENTENCES), epochs=model.epochs)
    path = tmp_path_factory.mktemp("ft") / "tiny.bin"
    save_facebook_model(model, str(path), encoding="utf-8")
    return path, model


@pytest.fixture(scope="session")
def five_formats(tiny_fasttext, tmp_path_factory):
    """The .bin's full-word vectors written as word2vec bin/text, GloVe text and a fastText .vec."""
    from gensim.models.fasttext import load_facebook_vectors

    from nlptransfer.vectors._formats import write_text, write_word2vec_binary

    bin_path, _ = tiny_fasttext
    kv = load_facebook_vectors(str(bin_path))
    words, matrix = list(kv.index_to_key), np.asarray(kv.vectors, dtype=np.float32)
    folder = tmp_path_factory.mktemp("formats")
    paths = {"fasttext-bin": bin_path}
    paths["word2vec-bin"] = folder / "table.w2v.bin"
    write_word2vec_binary(paths["word2vec-bin"], words, matrix)
    paths["word2vec-text"] = folder / "table.w2v.txt"
    write_text(paths["word2vec-text"], words, matrix, header=True)
    paths["glove"] = folder / "table.glove.txt"
    write_text(paths["glove"], words, matrix, header=False)
    paths["fasttext-vec"] = folder / "table.vec"
    write_text(paths["fasttext-vec"], words, matrix, header=True, trailing_space=True)
    return paths, words, matrix


@pytest.fixture
def small_vectors():
    """A hand-made table: lowercased words like GloVe's, including a literal 'unk' word."""
    from nlptransfer.vectors import StaticVectors

    words = ["the", "cat", "sat", "on", "mat", "unk", "cafe", "####", "dog", ".", "!"]
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((len(words), 6)).astype(np.float32)
    return StaticVectors(words, matrix, source="small")


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
