"""Write one benchmark's figures into its own section of ``benchmarks/RESULTS.md``.

Each benchmark owns a section delimited by ``<!-- BEGIN name -->`` / ``<!-- END name -->`` and
rewrites only that section, so benchmarks can run in any order. The exact command that produced the
figures is recorded with them.
"""

from __future__ import annotations

import datetime as _dt
import platform
import re
import shlex
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
_HEADER = "# Benchmark results\n\nEvery section below was written by the script named in it; figures are from the run shown.\n"


def machine_line() -> str:
    import os

    try:
        import torch

        torch_v = torch.__version__
    except ImportError:  # pragma: no cover
        torch_v = "n/a"
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, torch {torch_v}")


def write_section(name: str, title: str, body_markdown: str, command: str | None = None) -> Path:
    command = command or "python " + " ".join(shlex.quote(a) for a in sys.argv)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- BEGIN {name} -->\n## {title}\n\n"
        f"Command: `{command}`  \nRun: {stamp} on {machine_line()}\n\n{body_markdown.strip()}\n"
        f"<!-- END {name} -->\n"
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else _HEADER
    pattern = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->\n?", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
    return RESULTS


def markdown_table(headers: list[str], rows: list[list]) -> str:
    def fmt(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
