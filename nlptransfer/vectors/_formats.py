"""Parsers and writers for pretrained vector files, returning plain data (words + matrix).

Private module, like gensim's ``_fasttext_bin.py``: nothing here knows about caching, OOV policies
or :class:`~nlptransfer.vectors.keyed.StaticVectors`. Every parser validates as it goes and raises
:class:`~nlptransfer.errors.VectorFormatError` naming the file, the line (or record) and the fix.

Formats (``FORMATS``):

- ``word2vec-text``: ``"count dim"`` header line, then ``word v1 ... vd`` per line (fastText ``.vec``
  is this format; ``fasttext-vec`` is an alias).
- ``glove``: the same rows without a header.
- ``word2vec-bin``: ``"count dim\\n"`` header, then per record ``word<space>`` + ``dim`` little-endian
  float32 values (the word2vec C tool adds a newline after each record, gensim does not; both read).
- ``fasttext-bin``: a fastText model with subword n-grams, read through gensim's Facebook loader.

The format is detected from the content (:func:`sniff_format`), never from the extension alone.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DimensionMismatchError, VectorFormatError

FORMATS = ("word2vec-text", "glove", "word2vec-bin", "fasttext-bin")
FORMAT_ALIASES = {"fasttext-vec": "word2vec-text", "vec": "word2vec-text", "txt": "glove",
                  "word2vec": "word2vec-text", "bin": "word2vec-bin"}
TEXT_FORMATS = ("word2vec-text", "glove")
BINARY_FORMATS = ("word2vec-bin", "fasttext-bin")

FASTTEXT_MAGIC = 793712314  # first int32 of every fastText .bin since 2017
_SNIFF_BYTES = 65536
# Bytes that may follow the first word of a *text* vectors row: digits, signs, exponent, nan/inf, spaces.
_TEXT_FLOAT_BYTES = frozenset(b"0123456789.-+eE \t\r\nnaifNAIFty")


class VectorDimensionError(VectorFormatError, DimensionMismatchError):
    """The file's dimension differs from the one the caller asked for."""


class DuplicateWordsWarning(UserWarning):
    """A vector file lists some words more than once; the first occurrence was kept."""


@dataclass
class SubwordData:
    """fastText character n-gram buckets: the plain data behind OOV subword vectors."""

    ngrams: np.ndarray  # (bucket, dim)
    min_n: int
    max_n: int
    bucket: int


@dataclass
class ParsedVectors:
    words: list[str]
    matrix: np.ndarray
    format: str
    subwords: SubwordData | None = None
    notes: list[str] = field(default_factory=list)


def canonical_format(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    return FORMAT_ALIASES.get(fmt, fmt)


# --------------------------------------------------------------------------------------- sniffing


def _parse_header(line: bytes) -> tuple[int, int] | None:
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


def sniff_format(path: Path) -> str:
    """Detect the vector format of ``path`` from its first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise VectorFormatError(f"{path}: the file is empty; re-download or re-export the vectors.")
    if head[:2] == b"\x1f\x8b":
        raise VectorFormatError(f"{path}: the file is gzip-compressed; decompress it first (gunzip {path.name}).")
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise VectorFormatError(
            f"{path}: this is a Python pickle (a gensim .kv/.model file), not a vectors file; load it with "
            "gensim's KeyedVectors.load and wrap it with StaticVectors.from_gensim(kv), or pass the folder "
            "written by StaticVectors.save."
        )
    if head[:4] == b"PK\x03\x04":
        raise VectorFormatError(f"{path}: the file is a zip archive; extract the vectors file from it first.")
    if head.startswith(b"\xef\xbb\xbf"):  # UTF-8 byte order mark from Windows editors
        head = head[3:]
    if len(head) >= 8:
        first, second = struct.unpack("<ii", head[:8])
        if first == FASTTEXT_MAGIC:
            return "fasttext-bin"
    newline = head.find(b"\n")
    first_line = head[: newline if newline >= 0 else len(head)]
    header = _parse_header(first_line)
    if header is not None and newline >= 0:
        dim = header[1]
        body = head[newline + 1:]
        space = body.find(b" ")
        if space > 0:
            # In text the bytes after the first word are numbers up to the end of the line; in binary
            # they are raw float32s, almost surely containing other bytes.
            chunk = body[space + 1: space + 1 + max(dim, 1) * 4]
            first_row = chunk.split(b"\n", 1)[0]
            if first_row and not set(first_row) <= _TEXT_FLOAT_BYTES:
                return "word2vec-bin"
            if not first_row and (b"\x00" in chunk or not _is_utf8(head[:4096])):
                return "word2vec-bin"
        return "word2vec-text"
    if b"\x00" in head[:4096]:
        # fastText files from before the magic number start with (dim, window size) int32s.
        if len(head) >= 8 and 0 < first <= 100_000 and 0 < second <= 1_000:
            return "fasttext-bin"
        raise VectorFormatError(
            f"{path}: binary file of unknown format (no word2vec 'count dim' header, no fastText magic "
            "number); expected word2vec/GloVe text, word2vec binary or a fastText .bin."
        )
    return "glove"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start >= len(data) - 3  # a character cut at the end of the sniffed chunk
    return True


def check_format_matches(path: Path, requested: str, detected: str) -> None:
    """Reject a text file passed as binary and the reverse, with the fix in the message."""
    if requested in TEXT_FORMATS and detected in BINARY_FORMATS:
        raise VectorFormatError(
            f"{path}: format={requested!r} expects a text file, but this is a binary {detected} file; "
            f"pass format={detected!r} or leave format unset to detect it."
        )
    if requested in BINARY_FORMATS and detected in TEXT_FORMATS:
        raise VectorFormatError(
            f"{path}: format={requested!r} expects a binary file, but this is a text ({detected}) file; "
            f"pass format={detected!r} or leave format unset to detect it."
        )
    if requested in BINARY_FORMATS and requested != detected:
        raise VectorFormatError(
            f"{path}: format={requested!r} was requested but the content is {detected}; "
            f"pass format={detected!r} or leave format unset."
        )


# ----------------------------------------------------------------------------------- text parser


def _line_no(index: int, header: bool) -> int:
    return index + 1 + (1 if header else 0)


def _decode_words(path: Path, words: list[bytes], encoding: str, header: bool, what: str = "line") -> list[str]:
    joined = b"\n".join(words)
    try:
        return joined.decode(encoding).split("\n")
    except UnicodeDecodeError as err:
        index = joined.count(b"\n", 0, err.start)
        bad = words[index]
        pos = _line_no(index, header) if what == "line" else index + 1
        raise VectorFormatError(
            f"{path}: the word on {what} {pos} is not valid {encoding} ({bad[:40]!r}); the file uses "
            f"another encoding: pass encoding='latin-1' (or the right one) or re-export it as UTF-8."
        ) from None


def _first_non_numeric(rests: list[bytes]) -> tuple[int, bytes] | None:
    for i, rest in enumerate(rests):
        for tok in rest.split():
            try:
                float(tok)
            except ValueError:
                return i, tok
    return None


def _check_finite(path: Path, matrix: np.ndarray, header: bool, what: str = "line") -> None:
    finite = np.isfinite(matrix).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        pos = _line_no(row, header) if what == "line" else row + 1
        n_bad = int((~finite).sum())
        raise VectorFormatError(
            f"{path}: {what} {pos} holds NaN or infinite values ({n_bad} row(s) in total); the vectors "
            "were exported from a diverged model: re-export or drop those rows."
        )


def _check_dim(path: Path, dim: int, expected_dim: int | None) -> None:
    if expected_dim is not None and dim != expected_dim:
        raise VectorDimensionError(
            f"{path}: vectors have dimension {dim}, but dimension {expected_dim} was requested; "
            f"use a {expected_dim}-d file or request dim={dim}."
        )


def parse_text(path: Path, *, fmt: str | None = None, limit: int | None = None, encoding: str = "utf-8",
               expected_dim: int | None = None) -> ParsedVectors:
    """Parse word2vec text (with a header) or GloVe text (without): vectorised, validated."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r\n" in data[:_SNIFF_BYTES]:
        data = data.replace(b"\r\n", b"\n")
    if not data.strip():
        raise VectorFormatError(f"{path}: the file is empty; re-download or re-export the vectors.")
    newline = data.find(b"\n")
    header = _parse_header(data[: newline if newline >= 0 else len(data)])
    if fmt == "glove" and header is not None:
        raise VectorFormatError(
            f"{path}: line 1 ({data[:newline].decode(errors='replace')!r}) looks like a word2vec "
            "'count dim' header, but format='glove' has none; pass format='word2vec-text'."
        )
    if fmt == "word2vec-text" and header is None:
        raise VectorFormatError(
            f"{path}: line 1 is not a word2vec 'count dim' header; this looks like GloVe text without "
            "a header: pass format='glove' (or leave format unset)."
        )
    has_header = header is not None
    body = data[newline + 1:] if has_header else data
    truncated_tail = not body.endswith(b"\n")
    lines = body.split(b"\n", limit) if limit else body.split(b"\n")
    if limit and len(lines) > limit:
        lines.pop()  # the unsplit remainder of the file
        truncated_tail = False
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise VectorFormatError(f"{path}: the file has a header but no vectors; re-export it.")

    parts = [line.partition(b" ") for line in lines]
    words = [p[0] for p in parts]
    rests = [p[2].rstrip() for p in parts]  # fastText's .vec ends each row with a space
    if header is not None:
        dim = header[1]
    else:
        dim = rests[0].count(b" ") + 1 if rests[0] else 0
    if dim <= 0:
        raise VectorFormatError(f"{path}: line 1 has a word but no numbers; this is not a vectors file.")
    _check_dim(path, dim, expected_dim)

    want = dim - 1
    bad = [i for i, rest in enumerate(rests) if rest.count(b" ") != want or not rest]
    for i in bad:
        line_no = _line_no(i, has_header)
        fields = rests[i].split()
        if not lines[i].strip():
            raise VectorFormatError(f"{path}: line {line_no} is empty; remove blank lines between vectors.")
        if len(fields) == dim and b"  " in rests[i]:
            rests[i] = b" ".join(fields)  # tolerate doubled spaces between values
            continue
        if len(fields) > dim and _all_numeric(lines[i].rsplit(b" ", dim)[1:]) and not _all_numeric(
            fields[: len(fields) - dim]
        ):
            word, *values = lines[i].rstrip().rsplit(b" ", dim)  # a word containing spaces (GloVe 840B)
            words[i], rests[i] = word, b" ".join(values)
            continue
        if i == len(lines) - 1 and truncated_tail and len(fields) < dim:
            raise VectorFormatError(
                f"{path}: truncated file: the last line ({line_no}) has {len(fields)} of {dim} values and "
                "no final newline; the download was probably interrupted: re-download it."
            )
        raise VectorFormatError(
            f"{path}: line {line_no} (word {words[i][:40].decode(encoding, 'replace')!r}) has {len(fields)} "
            f"values, expected {dim} (from {'the header' if has_header else 'line 1'}); fix or remove that line."
        )

    if header is not None:
        declared = header[0]
        expected_rows = min(declared, limit) if limit else declared
        if len(lines) != expected_rows:
            if len(lines) < expected_rows and truncated_tail:
                raise VectorFormatError(
                    f"{path}: truncated file: the header says {declared} words but only {len(lines)} "
                    "complete lines follow; re-download it."
                )
            raise VectorFormatError(
                f"{path}: the header (line 1) says {declared} words but the file has {len(lines)} vector "
                f"lines; fix the header to '{len(lines)} {dim}' or re-export the file."
            )

    matrix = _parse_floats(path, rests, dim, has_header)
    _check_finite(path, matrix, has_header)
    str_words = _decode_words(path, words, encoding, has_header)
    words_out, matrix = _drop_duplicates(path, str_words, matrix, has_header)
    return ParsedVectors(words_out, matrix, "word2vec-text" if has_header else "glove")


def _all_numeric(tokens: list[bytes]) -> bool:
    try:
        for tok in tokens:
            float(tok)
    except ValueError:
        return False
    return bool(tokens)


def _parse_floats(path: Path, rests: list[bytes], dim: int, header: bool) -> np.ndarray:
    import pandas as pd  # pandas' C float parser is ~5x faster than np.fromstring and exact

    blob = b"\n".join(rests)
    try:
        # na_filter stays on so "nan"/"NaN"/"NA" become NaN, which the finiteness check then reports.
        frame = pd.read_csv(io.BytesIO(blob), sep=" ", header=None, dtype=np.float32, engine="c",
                            quoting=3, skip_blank_lines=False)
        matrix = frame.to_numpy(dtype=np.float32)
    except (ValueError, TypeError, pd.errors.ParserError):
        matrix = None
    if matrix is None or matrix.shape != (len(rests), dim):
        found = _first_non_numeric(rests)
        if found is not None:
            i, tok = found
            raise VectorFormatError(
                f"{path}: line {_line_no(i, header)} holds a non-numeric value {tok[:40].decode(errors='replace')!r}; "
                "a word may contain a space or the file is not a vectors file: fix or remove that line."
            )
        raise VectorFormatError(f"{path}: could not parse the numbers; the file is corrupt.")
    return matrix


def _drop_duplicates(path: Path, words: list[str], matrix: np.ndarray, header: bool,
                     what: str = "line") -> tuple[list[str], np.ndarray]:
    index = dict(zip(reversed(words), range(len(words) - 1, -1, -1)))  # first occurrence wins
    if len(index) == len(words):
        return words, matrix
    keep = np.zeros(len(words), dtype=bool)
    keep[list(index.values())] = True
    first_dup = int(np.flatnonzero(~keep)[0])
    pos = _line_no(first_dup, header) if what == "line" else first_dup + 1
    n_dup = int((~keep).sum())
    warnings.warn(
        f"{path}: {n_dup} duplicate word{'s' if n_dup != 1 else ''} ignored (the first occurrence is kept), "
        f"first: {words[first_dup]!r} at {what} {pos}.", DuplicateWordsWarning, stacklevel=3,
    )
    return [w for w, k in zip(words, keep) if k], matrix[keep]


# --------------------------------------------------------------------------------- binary parser


def parse_word2vec_binary(path: Path, *, limit: int | None = None, encoding: str = "utf-8",
                          expected_dim: int | None = None) -> ParsedVectors:
    data = path.read_bytes()
    newline = data.find(b"\n")
    header = _parse_header(data[:newline]) if newline >= 0 else None
    if header is None:
        raise VectorFormatError(f"{path}: no word2vec 'count dim' header on line 1; this is not a word2vec binary file.")
    declared, dim = header
    if dim <= 0:
        raise VectorFormatError(f"{path}: the header declares dimension {dim}; re-export the file.")
    _check_dim(path, dim, expected_dim)
    n = min(declared, limit) if limit else declared
    size = dim * 4
    pos = newline + 1
    end_of_data = len(data)
    words: list[bytes] = []
    chunks: list[bytes] = []
    for i in range(n):
        while pos < end_of_data and data[pos] in (10, 13):  # newline after the previous record
            pos += 1
        space = data.find(b" ", pos, pos + 1024)
        if space < 0 or space + 1 + size > end_of_data:
            raise VectorFormatError(
                f"{path}: truncated file: record {i + 1} of {declared} (byte {pos}) is incomplete; the header "
                f"says {declared} words but the data ends after {i}; re-download it."
            )
        word = data[pos:space]
        if b"\n" in word:
            raise VectorFormatError(
                f"{path}: record {i + 1} (byte {pos}) is malformed: the header dimension {dim} does not match "
                "the records, or the file is corrupt; re-export it."
            )
        words.append(word)
        chunks.append(data[space + 1: space + 1 + size])
        pos = space + 1 + size
    if not limit or limit >= declared:
        if data[pos:].strip():
            raise VectorFormatError(
                f"{path}: the header (line 1) says {declared} words but more data follows record {declared}; "
                "fix the header or re-export the file."
            )
    if not words:
        raise VectorFormatError(f"{path}: the file has a header but no vectors; re-export it.")
    matrix = np.frombuffer(b"".join(chunks), dtype="<f4").reshape(len(words), dim).astype(np.float32)
    _check_finite(path, matrix, header=False, what="record")
    str_words = _decode_words(path, words, encoding, header=False, what="record")
    str_words, matrix = _drop_duplicates(path, str_words, matrix, header=False, what="record")
    return ParsedVectors(str_words, matrix, "word2vec-bin")


# What gensim's Facebook loaders raise on a file that is not a readable fastText .bin (supervised
# models: NotImplementedError; wrong encoding: UnicodeDecodeError; truncated or corrupt: the rest).
FASTTEXT_BIN_LOAD_ERRORS = (NotImplementedError, UnicodeDecodeError, struct.error, EOFError, ValueError,
                            MemoryError, OverflowError, IndexError, AssertionError)


def parse_fasttext_bin(path: Path, *, limit: int | None = None, encoding: str = "utf-8",
                       expected_dim: int | None = None) -> ParsedVectors:
    """Load a fastText ``.bin`` (full model, with n-gram buckets) through gensim's Facebook loader."""
    from gensim.models.fasttext import load_facebook_vectors

    from .._compat import guard_fasttext_vocab_end_of_file

    guard_fasttext_vocab_end_of_file()
    try:
        kv = load_facebook_vectors(str(path), encoding=encoding)
    except NotImplementedError as err:
        raise VectorFormatError(f"{path}: {err}; only unsupervised fastText models hold word vectors.") from None
    except UnicodeDecodeError:
        raise VectorFormatError(
            f"{path}: a word is not valid {encoding}; pass the file's encoding (e.g. encoding='latin-1')."
        ) from None
    except FASTTEXT_BIN_LOAD_ERRORS as err:
        raise VectorFormatError(
            f"{path}: truncated or corrupt fastText .bin ({type(err).__name__}: {err}); re-download it."
        ) from None
    _check_dim(path, kv.vector_size, expected_dim)
    words = list(kv.index_to_key)
    matrix = np.asarray(kv.vectors, dtype=np.float32)
    if limit:
        words, matrix = words[:limit], matrix[:limit]
    _check_finite(path, matrix, header=False, what="word")
    subwords = None
    if kv.bucket and getattr(kv, "vectors_ngrams", None) is not None and len(kv.vectors_ngrams):
        subwords = SubwordData(np.asarray(kv.vectors_ngrams, dtype=np.float32), int(kv.min_n),
                               int(kv.max_n), int(kv.bucket))
    return ParsedVectors(words, np.ascontiguousarray(matrix), "fasttext-bin", subwords)


def parse_file(path: Path, *, fmt: str | None = None, limit: int | None = None, encoding: str = "utf-8",
               expected_dim: int | None = None) -> ParsedVectors:
    """Detect the format of ``path`` from its content (checking ``fmt`` if given) and parse it."""
    fmt = canonical_format(fmt)
    detected = sniff_format(path)
    if fmt is not None:
        check_format_matches(path, fmt, detected)
    else:
        fmt = detected
    if fmt in TEXT_FORMATS:
        return parse_text(path, fmt=fmt, limit=limit, encoding=encoding, expected_dim=expected_dim)
    if fmt == "word2vec-bin":
        return parse_word2vec_binary(path, limit=limit, encoding=encoding, expected_dim=expected_dim)
    return parse_fasttext_bin(path, limit=limit, encoding=encoding, expected_dim=expected_dim)


# ----------------------------------------------------------------------------------------- writers


def _format_rows(matrix: np.ndarray) -> list[str]:
    # %.9g round-trips float32 exactly; shorter %.6g when the values already round-trip (GloVe's do).
    matrix = np.asarray(matrix, dtype=np.float32)
    short = np.char.mod("%.6g", matrix)
    if np.array_equal(short.astype(np.float32), matrix):
        rows = short
    else:
        rows = np.char.mod("%.9g", matrix)
    return [" ".join(r) for r in rows.tolist()]


def write_text(path: Path, words: list[str], matrix: np.ndarray, *, header: bool = True,
               trailing_space: bool = False) -> None:
    """Write word2vec text (``header=True``; a fastText ``.vec``) or GloVe text (``header=False``)."""
    end = " \n" if trailing_space else "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        if header:
            fh.write(f"{len(words)} {matrix.shape[1]}\n")
        for word, row in zip(words, _format_rows(matrix)):
            fh.write(f"{word} {row}{end}")


def write_word2vec_binary(path: Path, words: list[str], matrix: np.ndarray) -> None:
    matrix = np.ascontiguousarray(matrix, dtype="<f4")
    with open(path, "wb") as fh:
        fh.write(f"{len(words)} {matrix.shape[1]}\n".encode())
        for word, row in zip(words, matrix):
            fh.write(word.encode("utf-8") + b" " + row.tobytes())


def float_summary(matrix: np.ndarray) -> dict:
    """Norm statistics used by ``vectors inspect``."""
    sample = np.asarray(matrix[: min(len(matrix), 100_000)], dtype=np.float32)
    norms = np.linalg.norm(sample, axis=1)
    return {"norm_min": float(norms.min()), "norm_mean": float(norms.mean()), "norm_max": float(norms.max()),
            "zero_rows": int((norms == 0).sum()), "rows_sampled": int(len(sample)),
            "value_std": float(sample.std()) if sample.size else math.nan}
