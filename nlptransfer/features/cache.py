"""On-disk cache of feature matrices, keyed by model identity, settings and a hash of the texts.

Frozen-transformer features are expensive (a forward pass per text) and deterministic, so a second
run over the same texts with the same model and settings loads the matrix instead. The key covers
everything the output depends on; the model's identity is its resolved folder plus the size and mtime
of its files (a re-downloaded or edited model gets a new key). Entries are written atomically (temp
file + rename), so an interrupted run never leaves a half-written matrix behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

ENV_VAR = "NLPTRANSFER_FEATURE_CACHE"


def default_cache_dir() -> Path:
    """``$NLPTRANSFER_FEATURE_CACHE``, else ``$NLPTRANSFER_CACHE/features``, else ``~/.cache/nlptransfer/features``."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    if os.environ.get("NLPTRANSFER_CACHE"):
        return Path(os.environ["NLPTRANSFER_CACHE"]).expanduser() / "features"
    return Path.home() / ".cache" / "nlptransfer" / "features"


def hash_texts(texts: Sequence[str]) -> str:
    """A content hash of an ordered list of texts (order matters: rows follow it)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(str(len(texts)).encode())
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))  # length prefix: ["ab","c"] != ["a","bc"]
        digest.update(data)
    return digest.hexdigest()


def model_identity(model: str | Path) -> dict:
    """Identity of a model folder (resolved path, file sizes and mtimes) or of a Hub id (its name)."""
    path = Path(model).expanduser()
    if not path.is_dir():
        return {"model": str(model)}
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in {".json", ".safetensors", ".bin", ".txt"})
    return {
        "model": str(path.resolve()),
        "files": [[p.name, p.stat().st_size, int(p.stat().st_mtime)] for p in files],
    }


class FeatureCache:
    """A folder of ``<key>.npy`` feature matrices with ``<key>.json`` describing what produced them."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(identity: dict, settings: dict, texts: Sequence[str]) -> str:
        payload = json.dumps({"identity": identity, "settings": settings}, sort_keys=True, default=str)
        return hashlib.sha256(f"{payload}\n{hash_texts(texts)}".encode()).hexdigest()[:40]

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.npy"

    def get(self, key: str) -> np.ndarray | None:
        path = self.path(key)
        if path.exists():
            try:
                features = np.load(path, allow_pickle=False)
            except (ValueError, OSError, EOFError) as err:  # corrupt entry: recompute and overwrite
                logger.warning("Ignoring unreadable feature cache entry %s (%s)", path, err)
            else:
                self.hits += 1
                return features
        self.misses += 1
        return None

    def put(self, key: str, features: np.ndarray, description: dict | None = None) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path(key)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".npy.tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, np.ascontiguousarray(features), allow_pickle=False)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if description is not None:
            meta = {**description, "shape": list(features.shape), "dtype": str(features.dtype)}
            target.with_suffix(".json").write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
        return target

    def clear(self) -> int:
        removed = 0
        if self.directory.is_dir():
            for p in self.directory.glob("*.npy"):
                p.unlink()
                p.with_suffix(".json").unlink(missing_ok=True)
                removed += 1
        return removed
