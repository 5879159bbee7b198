"""Read ``datasets`` objects — Hub ids, local dataset folders, in-memory ``Dataset``/``DatasetDict`` — as raw tables.

``ClassLabel`` ids become label names here, so the rest of the loader sees names from every source.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import DataError, DataFileNotFoundError, UsageError
from .formats import RawTable

logger = logging.getLogger(__name__)


def read_hub(source: str, config, folder: bool = False) -> tuple[dict[str, RawTable], dict]:
    """``datasets.load_dataset(source)`` (or ``load_from_disk`` for a ``save_to_disk`` folder)."""
    import datasets

    path = Path(source)
    folder = folder or path.is_dir()
    if path.is_file():
        raise UsageError(f"format='hub' reads a Hub dataset id or a dataset folder; {source!r} is a file. Leave "
                         "format unset (or name the file's format) to read it directly.")
    try:
        if folder and ((path / "dataset_dict.json").exists() or (path / "state.json").exists()):
            loaded = datasets.load_from_disk(str(path))
            fmt = "saved-dataset"
        else:
            loaded = datasets.load_dataset(source, config.hub_config)
            fmt = "local-dataset" if folder else "hub"
    except (FileNotFoundError, ConnectionError) as err:
        what = "folder" if folder else "file or folder"
        raise DataFileNotFoundError(
            f"{source!r} is not a labelled-data {what} nlptransfer can read, and datasets.load_dataset could "
            f"not load it either ({type(err).__name__}: {_first_line(err)}). Check the path; a folder needs "
            "train.csv/.tsv/.jsonl/.parquet; a Hub id needs network access or a local cache."
        ) from None
    except ValueError as err:  # e.g. a missing or unknown configuration name
        raise DataError(f"datasets.load_dataset({source!r}) failed: {_first_line(err)} "
                        "Pass hub_config=... (--hub-config) if the dataset has several configurations.") from None
    tables, info = read_dataset_object(loaded, config, source_name=source)
    info["format"] = fmt
    return tables, info


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _role(split: str, config) -> str | None:
    from .loading import _split_role  # loading imports this module; import late to avoid a cycle

    return _split_role(split, config)


def read_dataset_object(obj, config, source_name: str | None = None) -> tuple[dict[str, RawTable], dict]:
    """Raw tables for the train/validation/test splits of a ``Dataset`` (train) or ``DatasetDict``."""
    import datasets

    name = source_name or type(obj).__name__
    if isinstance(obj, datasets.Dataset):
        splits = {"train": obj}
    elif isinstance(obj, (datasets.DatasetDict, dict)):
        splits = dict(obj)
    else:
        raise UsageError(f"Cannot load labelled data from a {type(obj).__name__}; pass a path, a Hub dataset id, "
                         "or a datasets.Dataset/DatasetDict.")
    tables: dict[str, RawTable] = {}
    names: dict[str, str] = {}
    ignored = []
    order = {"train": 0, "validation": 1, "test": 2}
    for split, dataset in sorted(splits.items(), key=lambda item: order.get(_role(item[0], config), 3)):
        role = _role(split, config)
        if role is None:
            ignored.append(split)
            continue
        if role in tables:
            raise DataError(f"{name} has two {role} splits ({names[role]!r} and {split!r}); pass "
                            f"{role}_split=... to choose one.")
        tables[role] = _dataset_table(dataset, config, f"{name} [{split}]")
        names[role] = split
    if ignored:
        logger.info("Ignoring splits %s of %s (not train/validation/test).", ignored, name)
    info = {"format": "dataset", "files": {role: f"{name} [{split}]" for role, split in names.items()}}
    if ignored:
        info["ignored_splits"] = ignored
    return tables, info


def _dataset_table(dataset, config, source: str) -> RawTable:
    from .loading import check_columns

    check_columns(source, dataset.column_names, config)
    wanted = [config.text_column, config.label_column, *config.keep_columns]
    columns = {c: list(dataset[c]) for c in wanted}
    feature = dataset.features.get(config.label_column)
    columns[config.label_column] = _names_for_ids(columns[config.label_column], feature)
    return RawTable(source, columns, None)


def _names_for_ids(values: list, feature) -> list:
    import datasets

    inner = getattr(feature, "feature", None)
    if isinstance(feature, datasets.ClassLabel):
        return [_id_to_name(v, feature) for v in values]
    if isinstance(inner, datasets.ClassLabel):
        return [[_id_to_name(v, inner) for v in row] if row is not None else None for row in values]
    return values


def _id_to_name(value, feature):
    # -1 marks an unlabelled example (e.g. GLUE test sets); keep it missing so the loader reports it.
    if value is None or value < 0:
        return None
    return feature.int2str(int(value))
