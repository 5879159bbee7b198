"""Helpers importable from any test module (``from testutils import datapath``).

Kept out of ``conftest.py`` because several test folders have their own ``conftest`` module, so
``from conftest import ...`` would resolve to whichever was imported first.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA = REPO_ROOT / "corpora"


def datapath(*parts: str) -> Path:
    """Path of a tiny fixture file under ``corpora/`` (gensim's ``test.utils.datapath``)."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing test fixture {path}")
    return path
