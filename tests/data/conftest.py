"""Fixtures for the data-layer tests (helpers live in datatest_helpers.py)."""

from __future__ import annotations

import csv

import pytest
from datatest_helpers import tiny


@pytest.fixture(scope="session")
def tiny_rows() -> list[tuple[str, str]]:
    with open(tiny("labelled.csv"), encoding="utf-8", newline="") as fh:
        return [tuple(r) for r in list(csv.reader(fh))[1:]]


@pytest.fixture()
def isolated_hf_cache(tmp_path, monkeypatch):
    """datasets.load_dataset writes a cache; keep it out of the user's home during tests."""
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf_cache")
    return tmp_path / "hf_cache"
