"""Shared test fixtures: tiny data in real formats, the benchmark data when present, offline Hub."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from testutils import CORPORA, REPO_ROOT, datapath  # noqa: E402,F401  (re-exported for fixtures)


def _find_shared_data() -> Path | None:
    env = os.environ.get("NLPTRANSFER_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates += [REPO_ROOT.parent / "shared" / "data", REPO_ROOT / "shared" / "data"]
    for c in candidates:
        if (c / "sst2" / "train.csv").exists():
            return c
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The benchmark data folder (``../shared/data``); tests using it skip when it is absent."""
    path = _find_shared_data()
    if path is None:
        pytest.skip("benchmark data ../shared/data not found (set NLPTRANSFER_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def gensim_test_data() -> Path:
    """gensim's wheel ships real fastText/GloVe/word-similarity files under gensim/test/test_data."""
    import gensim

    return Path(gensim.__file__).parent / "test" / "test_data"
