"""Helpers for the data-layer tests: the tiny real-format files under corpora/tiny and writers for the
broken inputs (written per test into tmp_path so the repository holds only well-formed files)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from testutils import CORPORA, datapath

TINY = CORPORA / "tiny"


def tiny(*parts: str) -> Path:
    """A fixture under corpora/tiny (regenerate them with ``python corpora/make_tiny.py``)."""
    return datapath("tiny", *parts)


def write_csv(path: Path, rows, header=("text", "label"), delimiter=",", encoding="utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, records) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def balanced_rows(n_per_class: dict[str, int]) -> list[tuple[str, str]]:
    """Distinct texts, ``n`` per label, interleaved the way real files mix classes."""
    rows = []
    longest = max(n_per_class.values())
    for i in range(longest):
        for label, n in n_per_class.items():
            if i < n:
                rows.append((f"{label} example number {i}", label))
    return rows
