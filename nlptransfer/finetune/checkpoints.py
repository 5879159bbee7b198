"""Resumable checkpoints of the training loop: ``output_dir/checkpoint-N``.

Each checkpoint is ``accelerator.save_state`` (model, optimizer, scheduler, sampler and RNG states)
plus ``trainer_state.json`` (epoch, step, micro-batches done in the epoch, history, best metric,
early-stopping counter) and, once there is one, ``best_model.safetensors`` (the best weights so far,
which early stopping restores at the end). Only the main process writes the extra files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..errors import DataFileNotFoundError

TRAINER_STATE_FILE = "trainer_state.json"
BEST_WEIGHTS_FILE = "best_model.safetensors"
CHECKPOINT_PREFIX = "checkpoint-"


def list_checkpoints(output_dir: str | Path) -> list[Path]:
    """Complete checkpoint folders in ``output_dir``, oldest first (by step number)."""
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        return []
    found = [p for p in output_dir.glob(f"{CHECKPOINT_PREFIX}*")
             if p.name[len(CHECKPOINT_PREFIX):].isdigit() and (p / TRAINER_STATE_FILE).exists()]
    return sorted(found, key=lambda p: int(p.name[len(CHECKPOINT_PREFIX):]))


def find_checkpoint(output_dir: str | Path, which: str = "latest") -> Path | None:
    """Resolve ``which`` ('latest' or a folder) to a checkpoint folder; None when 'latest' finds none."""
    if which != "latest":
        path = Path(which)
        if not (path / TRAINER_STATE_FILE).exists():
            raise DataFileNotFoundError(
                f"No checkpoint at {path} (missing {TRAINER_STATE_FILE}); pass 'latest' or a "
                f"{CHECKPOINT_PREFIX}N folder written by save_every_steps.")
        return path
    found = list_checkpoints(output_dir)
    return found[-1] if found else None


def save_checkpoint(accelerator, output_dir: str | Path, step: int, trainer_state: dict, best_state: dict | None,
                    *, keep: int | None = None) -> Path:
    """Write ``checkpoint-{step}`` (call on every process) and keep only the newest ``keep`` of them."""
    from safetensors.torch import save_file

    out = Path(output_dir) / f"{CHECKPOINT_PREFIX}{step}"
    accelerator.save_state(str(out))
    if accelerator.is_main_process:
        (out / TRAINER_STATE_FILE).write_text(json.dumps(trainer_state, indent=1), encoding="utf-8")
        if best_state is not None:
            save_file(best_state, str(out / BEST_WEIGHTS_FILE))
        if keep:
            for old in list_checkpoints(output_dir)[:-keep]:
                shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()
    return out


def load_checkpoint(accelerator, path: str | Path) -> tuple[dict, dict | None]:
    """Restore the Accelerate state from ``path``; return (trainer state dict, best weights or None)."""
    from safetensors.torch import load_file

    path = Path(path)
    accelerator.load_state(str(path))
    trainer_state = json.loads((path / TRAINER_STATE_FILE).read_text(encoding="utf-8"))
    best = load_file(str(path / BEST_WEIGHTS_FILE)) if (path / BEST_WEIGHTS_FILE).exists() else None
    return trainer_state, best
