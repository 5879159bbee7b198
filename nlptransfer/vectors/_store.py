"""The on-disk vectors folder: what ``StaticVectors.save`` writes and the loader memory-maps back.

Layout (described again in each folder's ``meta.json`` under ``"files"``):

- ``vectors.kv.vectors.npy``: the matrix, a plain ``.npy`` opened with ``np.load(mmap_mode="r")``.
- ``vocab.txt``: the words, newline-joined UTF-8 in matrix row order (read and split once).
- ``vectors.kv``: gensim's pickle for ``KeyedVectors.load(folder / "vectors.kv", mmap="r")``; gensim
  stores the matrix "separately" under the ``.npy`` name above, so both readers share one matrix file.
- ``word_hashes.npy`` / ``word_rows.npy``: the words' stable 64-bit hashes, sorted, and their rows.
  A first lookup binary-searches these memory-mapped arrays instead of building a 400k-entry dict
  (which costs more than the whole rest of the load); bulk lookups still build the dict once.
- ``subwords.npy``: fastText n-gram buckets (only for fastText ``.bin`` sources). gensim's
  ``vectors.kv`` then holds only the full-word vectors; ``StaticVectors.to_gensim()`` rebuilds a
  ``FastTextKeyedVectors`` with the n-grams.

``meta.json`` is written last, so a folder without it is incomplete (a crashed conversion).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from ..errors import DataFileNotFoundError, VectorFormatError
from .subwords import SubwordTable

FOLDER_FORMAT_VERSION = 1
MATRIX_FILE = "vectors.kv.vectors.npy"
VOCAB_FILE = "vocab.txt"
GENSIM_FILE = "vectors.kv"
SUBWORDS_FILE = "subwords.npy"
HASHES_FILE = "word_hashes.npy"
ROWS_FILE = "word_rows.npy"
META_FILE = "meta.json"


def write_folder(vectors, folder: Path, *, gensim: bool = True, extra_meta: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    vocab_text = "\n".join(vectors.words)
    if vocab_text.count("\n") != len(vectors.words) - 1:
        raise VectorFormatError("a vocabulary word contains a newline; such words cannot be saved.")
    (folder / VOCAB_FILE).write_text(vocab_text, encoding="utf-8", newline="\n")
    if gensim:
        from gensim.models import KeyedVectors

        kv = KeyedVectors(vectors.dim, dtype=vectors.matrix.dtype)
        kv.index_to_key = list(vectors.words)
        kv.key_to_index = dict(vectors.key_to_index)
        kv.vectors = np.ascontiguousarray(vectors.matrix)
        # separately=["vectors"] makes gensim np.save the matrix as vectors.kv.vectors.npy, our MATRIX_FILE.
        gensim_log = logging.getLogger("gensim.utils")
        level = gensim_log.level
        gensim_log.setLevel(max(level, logging.WARNING))  # its per-file INFO lines are noise here
        try:
            kv.save(str(folder / GENSIM_FILE), separately=["vectors"], pickle_protocol=4)
        finally:
            gensim_log.setLevel(level)
    else:
        np.save(folder / MATRIX_FILE, np.ascontiguousarray(vectors.matrix))
    files = {"matrix": MATRIX_FILE, "vocab": VOCAB_FILE, "hashes": HASHES_FILE, "rows": ROWS_FILE}
    hashes = word_hashes(vectors.words)
    order = np.argsort(hashes, kind="stable")
    np.save(folder / HASHES_FILE, hashes[order])
    np.save(folder / ROWS_FILE, order.astype(np.int64))
    if gensim:
        files["gensim"] = GENSIM_FILE
    if vectors.subwords is not None:
        np.save(folder / SUBWORDS_FILE, np.ascontiguousarray(vectors.subwords.ngrams))
        files["subwords"] = SUBWORDS_FILE
    meta = {
        "format": "nlptransfer-vectors",
        "format_version": FOLDER_FORMAT_VERSION,
        "n_words": len(vectors),
        "dim": vectors.dim,
        "dtype": str(vectors.matrix.dtype),
        "source": vectors.source,
        "files": files,
        "readme": (
            "Matrix: numpy .npy (np.load(mmap_mode='r')); vocabulary: UTF-8, one word per line, in row order. "
            + ("gensim: KeyedVectors.load('vectors.kv', mmap='r') reads the same matrix file. " if gensim else "")
            + ("subwords.npy: fastText n-gram buckets (hashing: min_n/max_n/bucket below, gensim's "
               "ft_ngram_hashes); vectors.kv holds full-word vectors only." if vectors.subwords is not None else "")
        ).strip(),
        "subwords": vectors.subwords.to_dict() if vectors.subwords is not None else None,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "metadata": {k: v for k, v in vectors.metadata.items() if k not in ("files", "readme")},
    }
    meta["metadata"].update(extra_meta or {})
    (folder / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def read_meta(folder: Path) -> dict:
    meta_path = folder / META_FILE
    if not meta_path.exists():
        raise VectorFormatError(
            f"{folder}: not a complete nlptransfer vectors folder (no {META_FILE}); pass a vector file, or a "
            "folder written by StaticVectors.save / `nlptransfer vectors convert`."
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise VectorFormatError(f"{meta_path}: corrupt metadata ({err}); delete the folder and convert again.") from None
    if meta.get("format") != "nlptransfer-vectors" or meta.get("format_version") != FOLDER_FORMAT_VERSION:
        raise VectorFormatError(
            f"{meta_path}: unsupported vectors folder format {meta.get('format')!r} version "
            f"{meta.get('format_version')!r}; convert the source file again."
        )
    return meta


def read_folder(folder: Path, *, mmap: bool = True):
    from .keyed import StaticVectors

    if not folder.is_dir():
        raise DataFileNotFoundError(f"vectors folder {folder} does not exist.")
    meta = read_meta(folder)
    files = meta["files"]
    try:
        words = (folder / files["vocab"]).read_text(encoding="utf-8").split("\n")
        matrix = np.load(folder / files["matrix"], mmap_mode="r" if mmap else None)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise VectorFormatError(f"{folder}: unreadable vectors folder ({err}); delete it and convert again.") from None
    n, dim = meta["n_words"], meta["dim"]
    if len(words) != n or matrix.ndim != 2 or matrix.shape != (n, dim):
        raise VectorFormatError(
            f"{folder}: inconsistent vectors folder: meta.json says {n}x{dim}, vocabulary has {len(words)} words, "
            f"matrix is {matrix.shape}; delete it and convert again."
        )
    subwords = None
    if files.get("subwords"):
        sw = meta["subwords"]
        ngrams = np.load(folder / files["subwords"], mmap_mode="r" if mmap else None)
        if ngrams.shape != (sw["bucket"], dim):
            raise VectorFormatError(f"{folder}: subword matrix shape {ngrams.shape} does not match meta.json; "
                                    "delete it and convert again.")
        subwords = SubwordTable(ngrams, min_n=sw["min_n"], max_n=sw["max_n"], bucket=sw["bucket"])
    metadata = dict(meta.get("metadata") or {})
    metadata["folder"] = str(folder)
    vectors = StaticVectors(words, matrix, subwords=subwords, source=meta.get("source") or str(folder),
                            metadata=metadata, validate=False)
    if files.get("hashes"):
        try:
            hashes = np.load(folder / files["hashes"], mmap_mode="r")
            rows = np.load(folder / files["rows"], mmap_mode="r")
        except (OSError, ValueError) as err:
            raise VectorFormatError(f"{folder}: unreadable word index ({err}); delete it and convert again.") from None
        if hashes.shape != (n,) or rows.shape != (n,):
            raise VectorFormatError(f"{folder}: word index does not match the vocabulary; delete it and convert again.")
        vectors._hash_index = (hashes, rows)
    return vectors


def word_hash(word: str) -> int:
    """Stable 64-bit hash of a word (Python's ``hash`` changes between processes)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def word_hashes(words: list[str]) -> np.ndarray:
    return np.fromiter((word_hash(w) for w in words), dtype=np.uint64, count=len(words))
