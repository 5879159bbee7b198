"""Load any saved nlptransfer classifier from its folder (or a Hub repo id), whatever method made it.

Each method's ``save`` writes a marker file that names its format; :func:`load_classifier` dispatches
on it so prediction code, the CLI and model cards need not know which method trained a model.
"""

from __future__ import annotations

from pathlib import Path

from .base import TransferClassifier
from .errors import DataError, DataFileNotFoundError

# marker file -> (module, class); checked in order
_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("featurizer_classifier.json", "nlptransfer.features.classifier", "FeaturizerClassifier"),
    ("embedding_classifier.json", "nlptransfer.features.neural", "EmbeddingClassifier"),
    ("training_args.json", "nlptransfer.finetune.model", "TransformerClassifier"),
)


def classifier_kind(path: str | Path) -> str:
    """The class name that saved ``path``; raises if the folder is not a saved classifier."""
    path = Path(path)
    for marker, _, cls_name in _FORMATS:
        if (path / marker).exists():
            return cls_name
    raise DataError(
        f"{path} is not a saved nlptransfer classifier: none of {', '.join(m for m, _, _ in _FORMATS)} is there. "
        "Pass the folder given to save() or --output when training."
    )


def load_classifier(path_or_repo_id: str | Path) -> TransferClassifier:
    """Load a classifier saved by any nlptransfer method, from a folder or a Hub repo id."""
    import importlib

    path = Path(path_or_repo_id)
    if not path.exists():
        if "/" in str(path_or_repo_id) and not str(path_or_repo_id).startswith((".", "/")):
            from huggingface_hub import snapshot_download

            try:
                path = Path(snapshot_download(str(path_or_repo_id)))
            except Exception as err:
                raise DataFileNotFoundError(
                    f"{path_or_repo_id!r} is neither a local folder nor a downloadable Hub repo ({err})."
                ) from err
        else:
            raise DataFileNotFoundError(f"Model folder {path} does not exist.")
    if not any((path / marker).exists() for marker, _, _ in _FORMATS) and (path / "model").is_dir():
        path = path / "model"  # run folders of `nlptransfer features ...` keep the model in model/
    kind = classifier_kind(path)
    module, cls_name = next((m, c) for _, m, c in _FORMATS if c == kind)
    return getattr(importlib.import_module(module), cls_name).load(path)
