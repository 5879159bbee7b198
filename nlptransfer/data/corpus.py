"""Streamed unlabelled corpora for embedding training and domain statistics.

:class:`TextCorpus` yields documents and :class:`TokenizedCorpus` yields token lists. Both are
*re-iterable* objects, not generators: gensim's ``Word2Vec(sentences=...)`` iterates its corpus once
to build the vocabulary and again for every epoch, and a generator would be empty after the first
pass (gensim's LineSentence / PathLineSentences follow the same design). Files are read one line at a
time and never loaded whole.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import ConfigError, DataError, UsageError, did_you_mean
from .formats import _raise_field_limit, iter_decoded_lines, missing_path_error
from .tokenize import TokenizerConfig, WordTokenizer

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".txt.gz")
TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".csv.gz": ",", ".tsv.gz": "\t"}
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    return "".join(suffixes) if suffixes[-1:] == [".gz"] else (suffixes[-1] if suffixes else "")


class TextCorpus:
    """Re-iterable stream of documents (``str``).

    ``source`` is one of: a text file with one document per line (``.txt``/``.txt.gz``, or any file
    not recognised as a table); a folder whose ``.txt`` files are read in sorted name order, one
    document per line; a CSV/TSV/JSONL file together with ``column`` (default ``"text"``); a
    ``datasets.Dataset`` with ``column``; or an in-memory list of strings. Documents are stripped;
    those shorter than ``min_length`` characters are skipped (blank lines by default; ``min_length=0``
    keeps them so documents stay aligned with lines). ``limit`` stops
    after that many documents.
    """

    def __init__(self, source, *, encoding: str = "utf-8", column: str | None = None, min_length: int = 1,
                 limit: int | None = None):
        if isinstance(min_length, bool) or not isinstance(min_length, int) or min_length < 0:
            raise ConfigError(f"min_length must be a non-negative integer, got {min_length!r}.")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ConfigError(f"limit must be a positive integer or None, got {limit!r}.")
        self.encoding = encoding
        self.column = column
        self.min_length = min_length
        self.limit = limit
        self._kind, self.source = self._resolve(source)
        self._check_not_empty()

    # ---- source handling --------------------------------------------------------------------------
    def _resolve(self, source):
        if isinstance(source, TextCorpus):
            raise UsageError("source is already a TextCorpus; use it directly.")
        if isinstance(source, (str, Path)):
            path = Path(source).expanduser()
            if not path.exists():
                raise missing_path_error(path, "Corpus")
            if path.is_dir():
                files = sorted(p for p in path.iterdir() if p.is_file() and _suffix(p) in TEXT_SUFFIXES)
                if not files:
                    raise DataError(f"Corpus folder {path} has no .txt files; put one document per line in "
                                    "*.txt files there.")
                self._no_column("a folder of .txt files")
                return "files", files
            suffix = _suffix(path)
            if suffix in TABLE_SUFFIXES or suffix in JSONL_SUFFIXES:
                self.column = self.column or "text"
                return ("jsonl" if suffix in JSONL_SUFFIXES else "table"), path
            self._no_column(f"a plain text file ({path.name})")
            return "files", [path]
        if iter(source) is source:  # generators and iterators are exhausted after one pass
            raise UsageError("TextCorpus needs a re-iterable source (a path, a list, or a datasets.Dataset), not a "
                             "generator or iterator, because training reads the corpus several times.")
        column_names = getattr(source, "column_names", None)
        if column_names is not None:
            self.column = self.column or "text"
            if self.column not in column_names:
                raise DataError(f"Dataset has no column {self.column!r} (columns: {column_names})."
                                f"{did_you_mean(self.column, column_names)} Pass column=... to choose one.")
            return "dataset", source
        self._no_column("a list of strings")
        return "memory", source

    def _no_column(self, what: str) -> None:
        if self.column is not None:
            raise UsageError(f"column={self.column!r} only applies to CSV/TSV/JSONL files and datasets, not {what}.")

    def _raw_documents(self) -> Iterator[str]:
        if self._kind == "files":
            for path in self.source:
                for _, line in iter_decoded_lines(path, self.encoding):
                    yield line
        elif self._kind == "table":
            yield from self._table_documents()
        elif self._kind == "jsonl":
            for number, line in iter_decoded_lines(self.source, self.encoding):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as err:
                        raise DataError(f"{self.source}, line {number}: not valid JSON ({err.msg}).") from None
                    value = record.get(self.column) if isinstance(record, dict) else None
                    yield "" if value is None else str(value)
        elif self._kind == "dataset":
            for batch in self.source.iter(batch_size=1000):
                for value in batch[self.column]:
                    yield "" if value is None else str(value)
        else:
            for i, value in enumerate(self.source):
                if not isinstance(value, str):
                    raise DataError(f"Corpus item {i} is a {type(value).__name__}, not a str: {value!r:.60}")
                yield value

    def _table_documents(self) -> Iterator[str]:
        _raise_field_limit()
        delimiter = TABLE_SUFFIXES[_suffix(self.source)]
        reader = csv.reader((line for _, line in iter_decoded_lines(self.source, self.encoding)),
                            delimiter=delimiter)
        header = next(reader, None)
        if not header:
            raise DataError(f"{self.source} is empty; it needs a header line naming a {self.column!r} column.")
        header = [h.strip() for h in header]
        if self.column not in header:
            raise DataError(f"Column {self.column!r} not found in {self.source} (columns: {header})."
                            f"{did_you_mean(self.column, header)} Pass column=... to choose one.")
        index = header.index(self.column)
        for row in reader:
            if len(row) > index:
                yield row[index]

    # ---- iteration --------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[str]:
        count = 0
        for raw in self._raw_documents():
            document = raw.strip()
            if len(document) < self.min_length:
                continue
            yield document
            count += 1
            if self.limit is not None and count >= self.limit:
                return

    def _check_not_empty(self) -> None:
        if self._kind == "files":
            for path in self.source:
                if path.stat().st_size == 0 and len(self.source) == 1:
                    raise DataError(f"Corpus file {path} is empty (0 bytes).")
        for document in self:
            if document:
                return
        raise DataError(f"Corpus {self.describe()} has no documents of at least {max(self.min_length, 1)} "
                        "characters. Check the path, the encoding, column= or min_length=.")

    def count_documents(self) -> int:
        return sum(1 for _ in self)

    def describe(self) -> str:
        if self._kind == "files":
            return str(self.source[0]) if len(self.source) == 1 else f"{self.source[0].parent} ({len(self.source)} files)"
        if self._kind in ("table", "jsonl"):
            return f"{self.source} [{self.column}]"
        if self._kind == "dataset":
            return f"Dataset[{self.column}] ({len(self.source)} rows)"
        return f"list of {len(self.source)} strings"

    def __repr__(self) -> str:
        return f"TextCorpus({self.describe()})"


def _as_tokenizer(tokenizer) -> Callable[[str], list[str]]:
    if tokenizer is None:
        return WordTokenizer()
    if isinstance(tokenizer, TokenizerConfig):
        return WordTokenizer(tokenizer)
    if isinstance(tokenizer, dict):
        return WordTokenizer.from_dict(tokenizer)
    if isinstance(tokenizer, str):
        return WordTokenizer(mode=tokenizer)
    if callable(tokenizer):
        return tokenizer
    raise UsageError(f"tokenizer must be a WordTokenizer, TokenizerConfig, dict, mode name or callable; "
                     f"got {type(tokenizer).__name__}.")


class TokenizedCorpus:
    """Re-iterable stream of token lists, one per document — pass it to gensim as ``sentences=``.

    ``source`` is a :class:`TextCorpus` or anything :class:`TextCorpus` accepts. ``tokenizer`` is a
    :class:`WordTokenizer` (default: standard mode), its config, a mode name, or any callable.
    """

    def __init__(self, source, tokenizer=None, **corpus_options):
        if corpus_options and isinstance(source, TextCorpus):
            raise UsageError(f"Options {sorted(corpus_options)} apply when source is a path; this TextCorpus "
                             "is already configured.")
        self.texts = source if isinstance(source, TextCorpus) else TextCorpus(source, **corpus_options)
        self.tokenizer = _as_tokenizer(tokenizer)
        for tokens in self:
            if tokens:
                return
        raise DataError(f"Corpus {self.texts.describe()} yields no tokens with {self.tokenizer!r}. Check the "
                        "tokenizer settings (keep_punctuation, mode) and the text.")

    def __iter__(self) -> Iterator[list[str]]:
        tokenize = self.tokenizer
        for document in self.texts:
            yield tokenize(document)

    def count_tokens(self) -> int:
        return sum(len(tokens) for tokens in self)

    def __repr__(self) -> str:
        return f"TokenizedCorpus({self.texts.describe()}, {self.tokenizer!r})"


def count_tokens(corpus: Iterable, tokenizer=None) -> int:
    """Total tokens in ``corpus``: a :class:`TokenizedCorpus`, a :class:`TextCorpus`, or a corpus source."""
    if isinstance(corpus, TokenizedCorpus):
        return corpus.count_tokens()
    return TokenizedCorpus(corpus, tokenizer).count_tokens()
