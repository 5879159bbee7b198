"""Push a saved nlptransfer model folder to the Hugging Face Hub with a complete model card.

The folder is checked before anything is uploaded (label schema present, model files present), the
card is written into it, and the upload is one ``upload_folder`` commit. ``dry_run`` writes the card
and returns the file list without touching the network, which is also how it is tested offline.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..data.labels import SCHEMA_FILENAME
from ..errors import ConfigError, DataError, DataFileNotFoundError, NLPTransferError
from .card import CARD_FILENAME, ModelCardData, write_model_card

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_MODEL_FILES = ("model.safetensors", "pytorch_model.bin", "head.joblib", "adapter_model.safetensors")


class HubError(NLPTransferError):
    """The Hub could not be reached or refused the upload."""


@dataclass
class PushConfig:
    repo_id: str = field(metadata={"help": "Target repository, 'user/name' or 'org/name'."})
    private: bool = field(default=False, metadata={"help": "Create the repository as private."})
    token: str | None = field(default=None, metadata={"help": "Hub token; defaults to the logged-in token."})
    commit_message: str = field(default="Upload nlptransfer model", metadata={"help": "Commit message."})
    dataset_name: str | None = field(default=None, metadata={"help": "Training data set named in the card."})

    def __post_init__(self) -> None:
        if not _REPO_ID.match(self.repo_id or ""):
            raise ConfigError(
                f"Invalid Hub repo id {self.repo_id!r}: use 'namespace/name' (letters, digits, '-', '_', '.'), "
                "e.g. 'my-user/sst2-minilm'."
            )


def check_model_dir(path: str | Path) -> list[Path]:
    path = Path(path)
    if not path.is_dir():
        raise DataFileNotFoundError(f"Model folder {path} does not exist; save a model there first.")
    if not (path / SCHEMA_FILENAME).exists():
        raise DataError(f"{path} has no {SCHEMA_FILENAME}; push only folders written by an nlptransfer save().")
    if not any((path / name).exists() for name in _MODEL_FILES):
        raise DataError(f"{path} holds no model weights (looked for {', '.join(_MODEL_FILES)}).")
    return sorted(p for p in path.rglob("*") if p.is_file())


def push_to_hub(model_dir: str | Path, config: PushConfig, *, dry_run: bool = False, api=None) -> dict:
    """Write the card into ``model_dir`` and upload the folder. Returns what was (or would be) pushed."""
    model_dir = Path(model_dir)
    check_model_dir(model_dir)
    card = ModelCardData.from_model_dir(model_dir, model_id=config.repo_id, dataset_name=config.dataset_name)
    write_model_card(model_dir, card)
    files = [str(p.relative_to(model_dir)) for p in check_model_dir(model_dir)]
    summary = {"repo_id": config.repo_id, "files": files, "card": str(model_dir / CARD_FILENAME), "url": None}
    if dry_run:
        return summary
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False") and api is None:
        raise HubError("HF_HUB_OFFLINE is set, so nothing can be pushed; unset it or use --dry-run to write the card.")
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi(token=config.token)
    try:
        api.create_repo(config.repo_id, private=config.private, exist_ok=True, repo_type="model")
        commit = api.upload_folder(folder_path=str(model_dir), repo_id=config.repo_id, repo_type="model",
                                   commit_message=config.commit_message)
    except Exception as err:  # network, auth and permission errors all end the same way for the user
        raise HubError(f"Pushing to {config.repo_id!r} failed: {err}. Check `huggingface-cli login` and the "
                       "repo id.") from err
    summary["url"] = str(getattr(commit, "commit_url", commit))
    return summary
