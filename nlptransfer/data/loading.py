"""Load labelled data from a file, a folder of split files, or a Hub dataset into one uniform shape.

Whatever the source, :func:`load_labelled` returns a :class:`LabelledData` whose splits have exactly
the columns ``text`` (str) and ``label`` (the label *name*; a list of names for multi-label data), a
:class:`LabelSchema` built from the training split, and an ``info`` dict saying what was read and
what was derived (for example a validation split made from train). Every problem in the data is
raised with the file, row and line to fix; no row is dropped without being counted and logged.
"""

from __future__ import annotations

import codecs
import dataclasses
import logging
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, DataError, LabelError, UsageError, did_you_mean
from .formats import EXTENSION_FORMATS, FILE_FORMATS, RawTable, detect_format, missing_path_error, read_table
from .labels import LabelSchema
from .sampling import few_shot, held_out_count, stratified_split_indices

logger = logging.getLogger(__name__)

FORMATS = (*FILE_FORMATS, "hub")
SPLIT_ALIASES = {
    "train": ("train", "training"),
    "validation": ("validation", "dev", "valid", "val"),
    "test": ("test",),
}


@dataclass
class LoadConfig:
    """How to read a labelled data set and which splits to make."""

    text_column: str = field(default="text", metadata={"help": "Column holding the input text."})
    label_column: str = field(default="label", metadata={"help": "Column holding the label name(s)."})
    validation_size: float = field(
        default=0.1,
        metadata={"help": "When the source has no validation split, hold out this fraction (or int count) of "
                          "train, stratified and seeded. 0 makes none."},
    )
    test_size: float = field(
        default=0.0,
        metadata={"help": "When the source has no test split, hold out this fraction (or int count) of train. "
                          "0 (default) makes none."},
    )
    seed: int = field(default=42, metadata={"help": "Seed for the splits made from train."})
    encoding: str = field(default="utf-8", metadata={"help": "Text encoding of CSV/TSV/JSON files, e.g. latin-1."})
    format: str | None = field(
        default=None, metadata={"help": f"Force the format: one of {FORMATS}. Default: from the extension."}
    )
    validation_split: str | None = field(
        default=None,
        metadata={"help": "Name of the validation split (file stem or Hub split). Default: validation/dev/valid/val."},
    )
    test_split: str | None = field(
        default=None, metadata={"help": "Name of the test split (file stem or Hub split). Default: test."}
    )
    hub_config: str | None = field(
        default=None, metadata={"help": "Configuration name of a Hub dataset (load_dataset's name=)."}
    )
    multi_label: bool = field(default=False, metadata={"help": "Each example may carry several labels."})
    label_separator: str = field(
        default=",", metadata={"help": "Separates labels in one CSV/TSV cell when multi_label is set."}
    )
    keep_columns: tuple[str, ...] = field(
        default=(), metadata={"help": "Extra columns to keep next to text and label (e.g. fine_label)."}
    )
    drop_empty_text: bool = field(
        default=False,
        metadata={"help": "Drop rows whose text is empty (the count is logged) instead of raising an error."},
    )

    def __post_init__(self) -> None:
        for name in ("text_column", "label_column", "encoding", "label_separator"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{name} must be a non-empty string, got {value!r}.")
        if self.text_column == self.label_column:
            raise ConfigError(f"text_column and label_column are both {self.text_column!r}; they must differ.")
        if self.format is not None:
            if self.format.lower() in ("jsonlines", "ndjson"):
                self.format = "jsonl"
            if self.format.lower() == "tab":
                self.format = "tsv"
            self.format = self.format.lower()
            if self.format not in FORMATS:
                raise ConfigError(f"Unknown format {self.format!r}.{did_you_mean(self.format, FORMATS)}")
        for name in ("validation_size", "test_size"):
            value = getattr(self, name)
            held_out_count(value, 10**9, name)  # type and range check only
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ConfigError(f"seed must be an integer, got {self.seed!r}.")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ConfigError(f"Unknown encoding {self.encoding!r}; use e.g. 'utf-8' or 'latin-1'.") from None
        if isinstance(self.keep_columns, str):
            self.keep_columns = (self.keep_columns,)
        self.keep_columns = tuple(self.keep_columns)
        for name in self.keep_columns:
            if name in (self.text_column, self.label_column, "text", "label"):
                raise ConfigError(f"keep_columns must not repeat the text or label column ({name!r}).")
        for name in ("multi_label", "drop_empty_text"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false, got {getattr(self, name)!r}.")


def make_config(config: LoadConfig | None = None, **overrides) -> LoadConfig:
    """``config`` with ``overrides`` applied; unknown option names get a suggestion."""
    names = [f.name for f in dataclasses.fields(LoadConfig)]
    for key in overrides:
        if key not in names:
            raise ConfigError(f"Unknown load option {key!r}.{did_you_mean(key, names)}")
    if config is None:
        return LoadConfig(**overrides)
    return dataclasses.replace(config, **overrides) if overrides else config


@dataclass
class LabelledData:
    """Splits with ``text``/``label`` columns, the label schema from train, and how they were made."""

    splits: object  # datasets.DatasetDict
    schema: LabelSchema
    info: dict = field(default_factory=dict)

    def __getitem__(self, split: str):
        if split not in self.splits:
            raise UsageError(f"No split {split!r}; this data has {list(self.splits)}.{did_you_mean(split, self.splits)}")
        return self.splits[split]

    def __contains__(self, split: str) -> bool:
        return split in self.splits

    @property
    def split_names(self) -> list[str]:
        return list(self.splits)

    @property
    def train(self):
        return self["train"]

    @property
    def validation(self):
        return self.splits["validation"] if "validation" in self.splits else None

    @property
    def test(self):
        return self.splits["test"] if "test" in self.splits else None

    def summary(self) -> dict:
        """Sizes and class counts per split, the labels, and how each split was obtained."""
        splits = {}
        for name, ds in self.splits.items():
            counts: Counter[str] = Counter()
            for label in ds["label"]:
                counts.update(label if isinstance(label, list) else [label])
            splits[name] = {
                "rows": len(ds),
                "classes": {n: counts.get(n, 0) for n in self.schema.names},
                "from": self.info.get("files", {}).get(name) or self.info.get("created", {}).get(name, {}).get("from"),
            }
        return {
            "source": self.info.get("source"),
            "format": self.info.get("format"),
            "labels": list(self.schema.names),
            "multi_label": self.schema.multi_label,
            "splits": splits,
            "created": self.info.get("created", {}),
            "dropped_empty_text": self.info.get("dropped_empty_text", {}),
            "warnings": self.info.get("warnings", []),
        }

    def format_summary(self) -> str:
        """A small plain-text table of :meth:`summary` for the CLI and logs."""
        summary = self.summary()
        names = summary["labels"]
        lines = [f"source: {summary['source']} ({summary['format']})",
                 f"labels ({len(names)}): {', '.join(names)}" + (" [multi-label]" if summary["multi_label"] else "")]
        width = max([5, *map(len, self.splits)])
        widths = [max(len(n), 6) for n in names]
        header = f"{'split':<{width}}  {'rows':>7}  " + "  ".join(f"{n:>{w}}" for n, w in zip(names, widths))
        lines.append(header)
        for split, stats in summary["splits"].items():
            cells = "  ".join(f"{stats['classes'][n]:>{w}}" for n, w in zip(names, widths))
            lines.append(f"{split:<{width}}  {stats['rows']:>7}  {cells}")
        for split, made in summary["created"].items():
            how = "stratified" if made.get("stratified") else "not stratified"
            lines.append(f"{split}: {made['size']} rows held out from {made['from']} ({how}, seed {made['seed']})")
        for split, count in summary["dropped_empty_text"].items():
            if count:
                lines.append(f"{split}: dropped {count} rows with empty text")
        lines.extend(f"warning: {w}" for w in summary["warnings"])
        return "\n".join(lines)


# ---- source resolution ---------------------------------------------------------------------------
def _split_role(stem: str, config: LoadConfig) -> str | None:
    stem = stem.lower()
    if config.validation_split and stem == config.validation_split.lower():
        return "validation"
    if config.test_split and stem == config.test_split.lower():
        return "test"
    for role, aliases in SPLIT_ALIASES.items():
        explicit = config.validation_split if role == "validation" else config.test_split if role == "test" else None
        if explicit is None and stem in aliases:
            return role
    return None


def find_split_files(folder: Path, config: LoadConfig) -> dict[str, Path]:
    """Map split role -> file for ``train.*``, ``validation.*``/``dev.*``/``valid.*``, ``test.*`` in ``folder``."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            fmt = detect_format(path)
        except UsageError:
            continue
        if config.format not in (None, "hub") and fmt != config.format:
            continue
        role = _split_role(path.name.split(".")[0], config)
        if role:
            found.setdefault(role, []).append(path)
    for role, paths in found.items():
        if len(paths) > 1:
            raise DataError(f"{folder} has several {role} files: {[p.name for p in paths]}. Keep one, or pass "
                            "format=... (--format) to choose by extension.")
    return {role: paths[0] for role, paths in found.items()}


def _looks_like_path(source: str) -> bool:
    path = Path(source)
    if path.suffix.lower() in (*EXTENSION_FORMATS, ".txt", ".gz"):
        return True
    if source.startswith((".", "/", "~", "\\")) or len(path.parts) > 2:
        return True
    return len(path.parts) == 2 and path.parent.exists()


def _read_sources(source, config: LoadConfig) -> tuple[dict[str, RawTable], dict]:
    """Read every split the source has into raw tables; returns them and the ``info`` so far."""
    from .hub import read_dataset_object, read_hub

    if not isinstance(source, (str, os.PathLike)):
        return read_dataset_object(source, config)
    text = os.fspath(source)
    path = Path(text).expanduser()
    if config.format == "hub":
        return read_hub(text, config)
    if path.is_file():
        fmt = detect_format(path, config.format)
        return {"train": read_table(path, fmt, config.encoding)}, {"format": fmt, "files": {"train": str(path)}}
    if path.is_dir():
        files = find_split_files(path, config)
        if "train" in files:
            tables, formats = {}, set()
            files = {role: files[role] for role in SPLIT_ALIASES if role in files}  # check train first
            for role, file in files.items():
                fmt = detect_format(file, config.format if config.format != "hub" else None)
                formats.add(fmt)
                tables[role] = read_table(file, fmt, config.encoding)
            fmt = "folder:" + "+".join(sorted(formats))
            return tables, {"format": fmt, "files": {role: str(p) for role, p in files.items()}}
        if files:
            raise DataError(f"{path} has {sorted(files)} files but no train file. Add train.csv (or .tsv/.jsonl/"
                            ".parquet), or point to the training file itself.")
        return read_hub(str(path), config, folder=True)
    if _looks_like_path(text):
        raise missing_path_error(path)
    return read_hub(text, config)


# ---- cleaning ----------------------------------------------------------------------------------------
def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _label_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # parquet/pandas store int labels as floats once a NaN is present
    return str(value).strip()


def _clean_labels(table: RawTable, config: LoadConfig, split: str, rows: list[int]) -> list:
    labels = []
    values = table.columns[config.label_column]
    for row in rows:
        value = values[row]
        if config.multi_label:
            if _is_missing(value):
                raise LabelError(f"Missing label in {table.where(row)}. Fill it in (an empty cell means no labels).")
            parts = value if isinstance(value, (list, tuple)) else str(value).split(config.label_separator)
            labels.append([_label_text(p) for p in parts if not _is_missing(p) and _label_text(p)])
            continue
        if isinstance(value, (list, tuple)):
            raise LabelError(f"The label in {table.where(row)} is a list ({value!r}); pass multi_label=True "
                             "(--multi-label) for multi-label data.")
        if _is_missing(value) or not _label_text(value) or _label_text(value).lower() == "nan":
            raise LabelError(f"Empty or missing label in {table.where(row)} ({split} split). Fill it in or "
                             "remove the row.")
        labels.append(_label_text(value))
    return labels


def _clean_texts(table: RawTable, config: LoadConfig, split: str) -> tuple[list[str], list[int]]:
    """Texts as str, and the rows to keep; empty text raises unless ``drop_empty_text``."""
    texts, keep = [], []
    for row, value in enumerate(table.columns[config.text_column]):
        text = "" if _is_missing(value) else value if isinstance(value, str) else str(value)
        if not text.strip():
            if not config.drop_empty_text:
                raise DataError(f"Empty text in {table.where(row)} ({split} split). Fill it in, remove the row, "
                                "or pass drop_empty_text=True (--drop-empty-text) to drop such rows.")
            continue
        texts.append(text)
        keep.append(row)
    return texts, keep


def check_columns(source: str, present: list[str], config: LoadConfig) -> None:
    """Raise a :class:`DataError` naming the first configured column ``present`` lacks, with a suggestion."""
    wanted = [("text_column", config.text_column, "--text-column"), ("label_column", config.label_column,
                                                                      "--label-column")]
    wanted += [("keep_columns", name, "--keep-column") for name in config.keep_columns]
    for option, name, flag in wanted:
        if name not in present:
            hint = did_you_mean(name, present)
            hint = "" if hint.startswith(" Valid options") else hint  # the columns are listed already
            raise DataError(
                f"Column {name!r} not found in {source} (columns: {', '.join(map(repr, present))})."
                f"{hint} Set {option}=... ({flag}) to the right column name."
            )


def _clean_split(table: RawTable, config: LoadConfig, split: str) -> tuple[dict[str, list], list[int]]:
    """The split's ``text``/``label`` (and kept) columns, and which source rows they came from."""
    check_columns(table.source, table.column_names, config)
    texts, keep = _clean_texts(table, config, split)
    columns = {"text": texts, "label": _clean_labels(table, config, split, keep)}
    for name in config.keep_columns:
        values = table.columns[name]
        columns[name] = [values[i] for i in keep]
    dropped = len(table) - len(keep)
    if dropped:
        logger.warning("Dropped %d rows with empty text from %s (drop_empty_text=True).", dropped, table.source)
    return columns, keep


def _check_known_labels(columns: dict[str, list], table: RawTable, keep_rows: list[int],
                        schema: LabelSchema, split: str) -> None:
    known = set(schema.names)
    for position, label in enumerate(columns["label"]):
        for value in (label if isinstance(label, list) else [label]):
            if value not in known:
                where = table.where(keep_rows[position])
                raise LabelError(
                    f"Label {value!r} in {where} ({split} split) does not occur in the training data "
                    f"(known labels: {list(schema.names)}).{did_you_mean(value, schema.names)} Fix the label, "
                    "or add training examples of it."
                )


def _take(columns: dict[str, list], rows: list[int]) -> dict[str, list]:
    return {name: [values[i] for i in rows] for name, values in columns.items()}


def _to_dataset(columns: dict[str, list], multi_label: bool):
    import datasets

    label_feature = datasets.List(datasets.Value("string")) if multi_label else datasets.Value("string")
    features = {"text": datasets.Value("string"), "label": label_feature}
    extra = {name: values for name, values in columns.items() if name not in features}
    if extra:  # kept columns keep the type arrow infers for them
        import pyarrow as pa

        features.update(datasets.Features.from_arrow_schema(pa.table(extra).schema))
    return datasets.Dataset.from_dict(columns, features=datasets.Features(features))


def _hold_out(columns, config: LoadConfig, role: str, size, n_original: int, info: dict):
    n = held_out_count(size, n_original, f"{role}_size")
    if n == 0:
        return columns, None
    if n >= len(columns["label"]):
        raise ConfigError(f"{role}_size={size!r} leaves no training rows; use a smaller value.")
    kept, held, split_info = stratified_split_indices(columns["label"], n, config.seed)
    info.setdefault("created", {})[role] = {"from": "train", "size": len(held), "requested": size,
                                           "stratified": split_info["stratified"], "seed": config.seed}
    info.setdefault("warnings", []).extend(split_info["warnings"])
    return _take(columns, kept), _take(columns, held)


# ---- entry point ---------------------------------------------------------------------------------
def load_labelled(source, config: LoadConfig | None = None, **overrides) -> LabelledData:
    """Load a labelled data set; see :class:`LoadConfig` for the options (also accepted as keywords).

    ``source``: a CSV/TSV/JSONL/JSON/parquet file, a folder of split files (``train.*``,
    ``validation.*``/``dev.*``/``valid.*``, ``test.*``), a local dataset folder or Hub dataset id
    read with ``datasets.load_dataset``, or an in-memory ``Dataset``/``DatasetDict``.
    """
    import datasets

    config = make_config(config, **overrides)
    tables, info = _read_sources(source, config)
    info = {"source": os.fspath(source) if isinstance(source, (str, os.PathLike)) else type(source).__name__,
            "encoding": config.encoding, "columns": {"text": config.text_column, "label": config.label_column},
            **info}
    info.setdefault("warnings", [])
    if "train" not in tables:
        raise DataError(f"{info['source']} has no train split (found {sorted(tables)}).")

    cleaned, dropped, kept_rows = {}, {}, {}
    for split, table in tables.items():
        cleaned[split], kept_rows[split] = _clean_split(table, config, split)
        dropped[split] = len(table) - len(kept_rows[split])
    info["dropped_empty_text"] = dropped

    train_source = f"the training data ({tables['train'].source})"
    schema = LabelSchema.from_labels(cleaned["train"]["label"], source=train_source, multi_label=config.multi_label)
    for split in ("validation", "test"):
        if split in cleaned:
            _check_known_labels(cleaned[split], tables[split], kept_rows[split], schema, split)

    n_original = len(cleaned["train"]["label"])
    train = cleaned["train"]
    for role, size in (("test", config.test_size), ("validation", config.validation_size)):
        if role not in cleaned:
            train, held = _hold_out(train, config, role, size, n_original, info)
            if held is not None:
                cleaned[role] = held
    cleaned["train"] = train

    counts: Counter[str] = Counter()
    for label in train["label"]:
        counts.update(label if isinstance(label, list) else [label])
    schema = LabelSchema(schema.names, multi_label=config.multi_label,
                         counts={n: counts.get(n, 0) for n in schema.names})
    order = [s for s in ("train", "validation", "test") if s in cleaned]
    splits = datasets.DatasetDict({s: _to_dataset(cleaned[s], config.multi_label) for s in order})
    info["sizes"] = {s: len(splits[s]) for s in order}
    _log_sizes(info)
    return LabelledData(splits, schema, info)


def _log_sizes(info: dict) -> None:
    parts = []
    for split, size in info["sizes"].items():
        made = info.get("created", {}).get(split)
        how = ""
        if made:
            how = (f" (held out from train, {'stratified' if made['stratified'] else 'not stratified'}, "
                   f"seed {made['seed']})")
        parts.append(f"{split}={size}{how}")
    logger.info("Loaded %s: %s", info["source"], ", ".join(parts))


# few_shot is re-exported: callers were told "loading offers load_labelled and few_shot".
__all__ = ["LoadConfig", "LabelledData", "load_labelled", "make_config", "find_split_files", "FORMATS", "few_shot"]
