"""Error types raised for user mistakes, and a helper that guesses the likely mistake.

Every error a user can cause derives from :class:`NLPTransferError`. The CLI turns these into a
one-line message with an exit code (2 for usage errors, 1 for bad data) and shows a traceback only
with ``--debug``. Messages name the offending value and say how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class NLPTransferError(Exception):
    """Base class for errors caused by user input. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class UsageError(NLPTransferError, ValueError):
    """A wrong option, argument or configuration value (CLI exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration dataclass or YAML file holds an invalid value."""


class DataError(NLPTransferError, ValueError):
    """Input data is missing, malformed or inconsistent (CLI exit code 1)."""


class DataFileNotFoundError(DataError, FileNotFoundError):
    """A data, corpus or vectors path does not exist."""


class VectorFormatError(DataError):
    """A pretrained vector file is corrupt or not in the format it claims to be."""


class LabelError(DataError):
    """Labels are missing, empty, single-class, or unseen at training time."""


class DimensionMismatchError(DataError):
    """Two things that must share a dimension do not."""


class OOVError(DataError, KeyError):
    """A word has no vector and the OOV policy is ``error``."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


def did_you_mean(value: str, options: Iterable[str], n: int = 3) -> str:
    """Return `` Did you mean 'x'?`` for the closest options, or a list of valid options."""
    options = [str(o) for o in options]
    close = difflib.get_close_matches(str(value), options, n=n, cutoff=0.5)
    if not close:
        lowered = {o.lower(): o for o in options}
        if str(value).lower() in lowered:
            close = [lowered[str(value).lower()]]
    if close:
        return " Did you mean " + " or ".join(repr(c) for c in close) + "?"
    shown = ", ".join(repr(o) for o in options[:12])
    more = f" (and {len(options) - 12} more)" if len(options) > 12 else ""
    return f" Valid options: {shown}{more}." if options else ""


def check_choice(name: str, value: str, options: Iterable[str]) -> str:
    """Validate that ``value`` is one of ``options`` or raise a :class:`UsageError` with a suggestion."""
    options = list(options)
    if value not in options:
        raise UsageError(f"Unknown {name} {value!r}.{did_you_mean(value, options)}")
    return value


def check_known_options(what: str, data: Iterable[str], config_class) -> None:
    """Raise a :class:`ConfigError` naming the first key of ``data`` that is not a field of the dataclass
    ``config_class`` (a typo in a YAML file or an options dict), with the closest field names."""
    from dataclasses import fields

    known = sorted(f.name for f in fields(config_class))
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ConfigError(f"Unknown {what} option {unknown[0]!r}.{did_you_mean(unknown[0], known)}")
