"""Convert a vector source once into a memory-mappable folder, then reuse it.

The cache folder defaults to ``~/.cache/nlptransfer/vectors``; ``$NLPTRANSFER_CACHE/vectors`` or an
explicit ``cache_dir=`` override it. An entry is keyed by the source files' identity (resolved path,
size, modification time) plus the variant (``limit``, ``dtype``, ``format``), so each variant has its
own entry and an edited source is converted again. A content hash is computed once, at conversion,
and stored in the entry's ``meta.json`` (never recomputed on load, which must stay fast).

Entries are written into a temporary folder and renamed into place, so readers never see a partial
entry; an entry that is nevertheless incomplete or inconsistent is detected, removed and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..errors import VectorFormatError
from ._formats import ParsedVectors
from ._store import META_FILE, read_folder, write_folder

logger = logging.getLogger(__name__)

CACHE_VERSION = 1


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get("NLPTRANSFER_CACHE")
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "nlptransfer"
    return base / "vectors"


def source_identity(files: Sequence[Path]) -> list[dict]:
    out = []
    for f in files:
        st = os.stat(f)
        out.append({"path": str(Path(f).resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return out


def content_hash(files: Sequence[Path]) -> str:
    h = hashlib.blake2b(digest_size=20)
    for f in files:
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                h.update(block)
    return "blake2b-160:" + h.hexdigest()


def entry_path(root: Path, name_hint: str, identity: list[dict], variant: dict) -> Path:
    key = json.dumps({"v": CACHE_VERSION, "files": identity, "variant": variant}, sort_keys=True)
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name_hint)[:60] or "vectors"
    suffix = "".join(f"-{k}{v}" for k, v in sorted(variant.items()) if v is not None and k != "format")
    return root / f"{stem}{suffix}-{digest}"


def _entry_ok(entry: Path, identity: list[dict], variant: dict):
    """Return the loaded entry, or None when it is missing, partial or stale."""
    if not (entry / META_FILE).exists():
        return None
    try:
        vectors = read_folder(entry)
    except VectorFormatError as err:
        logger.warning("vectors cache entry %s is corrupt (%s); rebuilding it", entry, err)
        return None
    cached = vectors.metadata.get("cache", {})
    if cached.get("identity") != identity or cached.get("variant") != variant:
        logger.warning("vectors cache entry %s does not match its source; rebuilding it", entry)
        return None
    return vectors


def cached_vectors(name_hint: str, files: Sequence[Path], variant: dict, build: Callable[[], ParsedVectors], *,
                   source: str, cache_dir=None):
    """Load the cache entry for ``files`` + ``variant``, converting with ``build()`` when needed."""
    from .keyed import StaticVectors

    root = cache_root(cache_dir)
    identity = source_identity(files)
    entry = entry_path(root, name_hint, identity, variant)
    vectors = _entry_ok(entry, identity, variant)
    if vectors is not None:
        return vectors
    if entry.exists():
        shutil.rmtree(entry, ignore_errors=True)

    parsed = build()
    matrix = parsed.matrix
    if variant.get("dtype") and matrix.dtype != np.dtype(variant["dtype"]):
        matrix = matrix.astype(variant["dtype"])
    fresh = StaticVectors(parsed.words, matrix, subwords=parsed.subwords, source=source, validate=False)
    fresh.metadata.update({
        "source_format": parsed.format,
        "content_hash": content_hash(files),
        "cache": {"identity": identity, "variant": variant},
    })
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{entry.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        write_folder(fresh, tmp)
        try:
            os.rename(tmp, entry)
        except OSError:
            # Another process renamed the same entry into place first: keep theirs if it is sound.
            if _entry_ok(entry, identity, variant) is None:
                shutil.rmtree(entry, ignore_errors=True)
                os.rename(tmp, entry)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    logger.info("converted %s (%d x %d) into the vectors cache at %s", source, len(fresh), fresh.dim, entry)
    return read_folder(entry)


def clear_entry(entry: Path) -> None:
    shutil.rmtree(entry, ignore_errors=True)
