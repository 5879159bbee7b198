"""The ``nlptransfer`` command line.

Each subcommand lives in its own module under ``nlptransfer.cli`` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable taking the parsed
arguments and returning an exit code. A subcommand is listed in :data:`SUBCOMMAND_MODULES` only once
it works.

User mistakes print one line and exit 2 (usage) or 1 (bad data); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from .. import __version__
from ..errors import NLPTransferError

# Order is the order shown in --help. A module that does not exist yet is simply not offered.
SUBCOMMAND_MODULES: list[str] = [
    "nlptransfer.cli.demo_cmd",
    "nlptransfer.cli.data_cmd",
    "nlptransfer.cli.vectors_cmd",
    "nlptransfer.cli.adapt_cmd",
    "nlptransfer.cli.features_cmd",
    "nlptransfer.cli.finetune_cmd",
    "nlptransfer.cli.predict_cmd",
    "nlptransfer.cli.study_cmd",
    "nlptransfer.cli.hub_cmd",
]


class _ArgumentParser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its message to one line plus the usage."""


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="nlptransfer",
        description="Transfer learning for NLP classification: vectors, adaptation, featurizers, fine-tuning.",
    )
    parser.add_argument("--version", action="version", version=f"nlptransfer {__version__}")
    parser.add_argument("--debug", action="store_true", help="Show full tracebacks for errors.")
    parser.add_argument("-q", "--quiet", action="store_true", help="Only print warnings and errors.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name == module_name:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.debug:
        # transformers 5 prints a load report and a progress bar for every from_pretrained; keep CLI output
        # to what nlptransfer measured (set before transformers is imported, which reads them once).
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except NLPTransferError as err:
        if args.debug:
            raise
        print(f"nlptransfer {args.command}: error: {err}", file=sys.stderr)
        return err.exit_code
    except (FileNotFoundError, UnicodeDecodeError) as err:
        if args.debug:
            raise
        print(f"nlptransfer {args.command}: error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into e.g. `head` that closed early: not an error of ours; silence the flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entrypoint() -> None:  # pragma: no cover - thin wrapper for python -m
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entrypoint()
