"""Readers and writers for labelled-data files (CSV, TSV, JSON Lines, JSON, parquet), returning plain data.

Readers return a :class:`RawTable`: column name -> list of values plus, for each row, where it came
from (file and line), so every later error can name the file and the line a user must fix. Text
formats are decoded line by line so a bad byte is reported with its exact line number.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, DataFileNotFoundError, UsageError, did_you_mean

# Extension -> format name. ``.txt`` is not here on purpose: a plain text file is a corpus, not labels.
EXTENSION_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
FILE_FORMATS = ("csv", "tsv", "jsonl", "json", "parquet")
_QUOTED_FIELD = re.compile(r'^"(?:[^"]|"")*"$', re.DOTALL)


@dataclass
class RawTable:
    """One split as read from its file: columns of raw values and a printable location per row."""

    source: str
    columns: dict[str, list] = field(default_factory=dict)
    line_numbers: list[int] | None = None  # 1-based line in the file where each row starts

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def where(self, row: int) -> str:
        """``'train.csv, row 3 (line 4)'``: rows are 1-based and exclude the header."""
        text = f"{self.source}, row {row + 1}"
        if self.line_numbers is not None:
            text += f" (line {self.line_numbers[row]})"
        return text


def detect_format(path: Path, override: str | None = None) -> str:
    """Format name from the extension (``override`` wins); raises a :class:`UsageError` if unknown."""
    if override:
        return override
    suffix = path.suffix.lower()
    if suffix == ".gz":
        suffix = Path(path.stem).suffix.lower()
    if suffix in EXTENSION_FORMATS:
        return EXTENSION_FORMATS[suffix]
    raise UsageError(
        f"Cannot tell the format of {str(path)!r} from its extension {path.suffix or '(none)'!r}. "
        f"Rename it to one of {sorted(EXTENSION_FORMATS)} or pass format=... (--format) with one of {FILE_FORMATS}."
    )


def missing_path_error(path: Path, what: str = "Data file") -> DataFileNotFoundError:
    """A not-found error that lists the closest names in the parent folder (the likely typo)."""
    parent = path.parent
    hint = ""
    if parent.is_dir():
        names = sorted(p.name for p in parent.iterdir() if not p.name.startswith("."))
        if names:
            hint = did_you_mean(path.name, names)
            if hint.startswith(" Valid options"):
                hint = f" {str(parent)!r} contains: " + hint[len(" Valid options: "):]
    elif str(parent) not in ("", "."):
        hint = f" The folder {str(parent)!r} does not exist either."
    return DataFileNotFoundError(f"{what} {str(path)!r} not found.{hint}")


def _open_binary(path: Path):
    if path.suffix.lower() == ".gz":
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


def _line_oriented(encoding: str) -> bool:
    """True when ``\\n`` is one byte in ``encoding`` so a file can be split into lines before decoding."""
    name = codecs.lookup(encoding).name
    return not name.startswith(("utf-16", "utf-32"))


def iter_decoded_lines(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` with the newline kept, decoding each line on its own.

    Decoding line by line (rather than the whole file) is what lets a decode error name its line, and
    keeps memory flat for large corpora. A UTF-8 byte-order mark (Excel's CSV export) is dropped.
    """
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"Unknown text encoding {encoding!r}; use e.g. 'utf-8' or 'latin-1'.") from None
    if codec.name == "utf-8":
        encoding = "utf-8-sig"
    if not _line_oriented(encoding):  # multi-byte newlines: decode as a stream, line numbers still counted
        with _open_binary(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
            try:
                yield from enumerate(fh, start=1)
            except UnicodeDecodeError as err:
                raise DataError(f"{path} is not valid {encoding}: {err.reason}. Pass the right encoding=.") from None
        return
    with _open_binary(path) as fh:
        for number, raw_line in enumerate(fh, start=1):
            try:
                yield number, raw_line.decode(encoding if number == 1 else codec.name)
            except UnicodeDecodeError as err:
                raise _decode_error(path, codec.name, number, raw_line, err) from None


def _decode_error(path: Path, encoding: str, line: int, raw: bytes, err: UnicodeDecodeError) -> DataError:
    bad = raw[err.start:err.end]
    column = len(raw[:err.start].decode(encoding, errors="replace")) + 1
    suggestion = "encoding='latin-1' (--encoding latin-1)" if encoding == "utf-8" else "encoding='utf-8'"
    return DataError(
        f"{path} is not valid {encoding}: byte {bad.hex(' ')} at line {line}, column {column}. "
        f"Pass {suggestion} if that is how the file was saved, or re-save it as UTF-8."
    )


def _check_not_empty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes). Point to the file that holds the data.")


# ---- readers -------------------------------------------------------------------------------------
def read_table(path: Path, fmt: str, encoding: str = "utf-8") -> RawTable:
    """Read one labelled-data file into a :class:`RawTable` (all values as found, no validation yet)."""
    if not path.exists():
        raise missing_path_error(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; read_table expects one file.")
    _check_not_empty(path)
    if fmt in ("csv", "tsv"):
        table = _read_delimited(path, "," if fmt == "csv" else "\t", encoding)
    elif fmt == "jsonl":
        table = _read_jsonl(path, encoding)
    elif fmt == "json":
        table = _read_json(path, encoding)
    elif fmt == "parquet":
        table = _read_parquet(path)
    else:
        raise UsageError(f"Unknown file format {fmt!r}.{did_you_mean(fmt, FILE_FORMATS)}")
    if not table.columns or len(table) == 0:
        raise DataError(f"{path} has no data rows{' (only a header)' if table.columns else ''}. "
                        "Point to the file that holds the examples.")
    return table


def _raise_field_limit() -> None:
    # The csv module refuses fields over 128 KiB by default; long documents are legitimate.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _read_delimited(path: Path, delimiter: str, encoding: str) -> RawTable:
    _raise_field_limit()
    lines = [line for _, line in iter_decoded_lines(path, encoding)]
    quoting = csv.QUOTE_MINIMAL
    if delimiter == "\t" and _tsv_is_unquoted(lines):
        quoting = csv.QUOTE_NONE
    reader = csv.reader(lines, delimiter=delimiter, quoting=quoting, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    header = [h.strip() for h in header]
    if not any(header):
        raise DataError(f"{path} has no header line. The first line must name the columns, e.g. 'text,label'.")
    _check_duplicate_columns(path, header)
    rows: list[list[str]] = []
    starts: list[int] = []
    previous_end = reader.line_num
    for values in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip() and len(header) > 1):
            continue  # a blank line carries no row; csv writers emit none, editors sometimes do
        if len(values) != len(header):
            sep = "comma" if delimiter == "," else "tab"
            raise DataError(
                f"{path}, line {start}: {len(values)} fields but the header has {len(header)} "
                f"({', '.join(header)}). Quote texts that contain a {sep} or a newline, e.g. \"a, b\"."
            )
        rows.append(values)
        starts.append(start)
    columns = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    return RawTable(str(path), columns, starts)


def _tsv_is_unquoted(lines: list[str]) -> bool:
    """GLUE-style TSVs contain stray ``"`` that are not CSV quoting; detect them so texts are kept verbatim.

    The file is read without quote handling when every line has the header's number of tabs and some
    field starts with a quote but is not a well-formed quoted field.
    """
    tabs = lines[0].count("\t") if lines else 0
    stray = False
    for line in lines:
        stripped = line.rstrip("\r\n")
        if not stripped:
            continue
        if stripped.count("\t") != tabs:
            return False
        for value in stripped.split("\t"):
            if value.startswith('"') and not _QUOTED_FIELD.match(value):
                stray = True
    return stray


def _check_duplicate_columns(path: Path, header: list[str]) -> None:
    seen = set()
    for name in header:
        if name in seen:
            raise DataError(f"{path} has the column {name!r} twice in its header; rename one of them.")
        seen.add(name)


def _records_to_table(path: Path, records: list[dict], lines: list[int]) -> RawTable:
    names: list[str] = []
    for record in records:
        for key in record:
            if key not in names:
                names.append(key)
    columns = {name: [record.get(name) for record in records] for name in names}
    return RawTable(str(path), columns, lines)


def _read_jsonl(path: Path, encoding: str) -> RawTable:
    records, lines = [], []
    for number, line in iter_decoded_lines(path, encoding):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}, line {number}: not valid JSON ({err.msg}). "
                            "JSON Lines files hold one JSON object per line.") from None
        if not isinstance(record, dict):
            raise DataError(f"{path}, line {number}: expected a JSON object like "
                            f'{{"text": ..., "label": ...}}, got {type(record).__name__}.')
        records.append(record)
        lines.append(number)
    return _records_to_table(path, records, lines)


def _read_json(path: Path, encoding: str) -> RawTable:
    """A ``.json`` file is either a JSON array of objects or, as often in practice, JSON Lines."""
    head = ""
    for _, line in iter_decoded_lines(path, encoding):
        head = line.strip()
        if head:
            break
    if not head.startswith("["):
        return _read_jsonl(path, encoding)
    text = "".join(line for _, line in iter_decoded_lines(path, encoding))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"{path}, line {err.lineno}: not valid JSON ({err.msg}).") from None
    if not all(isinstance(r, dict) for r in data):
        raise DataError(f"{path}: expected a JSON array of objects like [{{\"text\": ..., \"label\": ...}}].")
    return RawTable(str(path), _records_to_table(path, data, []).columns, None)


def _read_parquet(path: Path) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise DataError(f"{path} is not a readable parquet file ({err}). Check the file or its extension.") from None
    columns = table.to_pydict()
    for name, names in _parquet_class_labels(table.schema).items():
        if name in columns:
            columns[name] = [_class_name(v, names) for v in columns[name]]
    return RawTable(str(path), columns, None)


def _class_name(value, names: list[str]):
    if isinstance(value, list):
        return [_class_name(v, names) for v in value]
    if isinstance(value, int) and 0 <= value < len(names):
        return names[value]
    return value


def _parquet_class_labels(schema) -> dict[str, list[str]]:
    """Label names stored by ``datasets`` (``ClassLabel``) in a parquet file's metadata, so ids become names."""
    meta = (schema.metadata or {}).get(b"huggingface")
    if not meta:
        return {}
    try:
        features = json.loads(meta).get("info", {}).get("features", {})
    except (ValueError, AttributeError):
        return {}
    out = {}
    for name, feature in features.items():
        inner = feature
        if isinstance(feature, dict) and feature.get("_type") in ("Sequence", "List"):
            inner = feature.get("feature", {})
        if isinstance(inner, dict) and inner.get("_type") == "ClassLabel" and inner.get("names"):
            out[name] = list(inner["names"])
    return out


# ---- writers -------------------------------------------------------------------------------------
def write_table(columns: dict[str, list], path: Path, fmt: str | None = None) -> Path:
    """Write columns to ``path`` in the format given by its extension (list values joined for CSV/TSV)."""
    path = Path(path)
    fmt = detect_format(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(columns)
    n_rows = len(columns[names[0]]) if names else 0
    if fmt in ("csv", "tsv"):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="," if fmt == "csv" else "\t")
            writer.writerow(names)
            for i in range(n_rows):
                writer.writerow([_flat(columns[n][i]) for n in names])
    elif fmt in ("jsonl", "json"):
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(n_rows):
                fh.write(json.dumps({n: columns[n][i] for n in names}, ensure_ascii=False) + "\n")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table(columns), path)
    else:
        raise UsageError(f"Cannot write format {fmt!r}.{did_you_mean(fmt, FILE_FORMATS)}")
    return path


def _flat(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else value
