"""One fine-tuning run from files: load -> fit -> evaluate -> save -> ``all_results.json``.

Shared by ``nlptransfer finetune`` and ``recipes/finetune_classifier.py``; both also build their
command-line options from :class:`FinetuneArguments` with :func:`add_finetune_arguments`, so a YAML
``--config`` file and the flags use the same names. Under ``torchrun`` every process loads the data and
trains (DDP inside the loop); only the main process evaluates on test and writes files.
"""

from __future__ import annotations

import argparse
import json
import logging
import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path

from ..errors import ConfigError
from .args import FinetuneArguments, load_config_file

logger = logging.getLogger(__name__)

RESULTS_FILE = "all_results.json"
# Short spellings of the most used options (the long --field-name form always works too).
ALIASES = {
    "model_name_or_path": ["--model"], "output_dir": ["--output", "-o"], "num_epochs": ["--epochs"],
    "learning_rate": ["--lr"], "resume_from_checkpoint": ["--resume"], "gradient_accumulation_steps": ["--grad-accum"],
}


@dataclass
class DataOptions:
    """How the labelled data is read (see :class:`nlptransfer.data.loading.LoadConfig`)."""

    data: str = field(default="", metadata={"help": "CSV/TSV/JSONL/parquet file, folder of split files, or Hub id."})
    text_column: str = field(default="text", metadata={"help": "Column holding the text."})
    label_column: str = field(default="label", metadata={"help": "Column holding the label name(s)."})
    validation_size: float = field(
        default=0.1, metadata={"help": "Fraction of train held out when there is no validation split."})

    def __post_init__(self) -> None:
        if not self.data:
            raise ConfigError("No data given: pass --data PATH (or 'data: PATH' in the --config file).")


def _base_type(annotation):
    """``int | None`` -> int; ``list[str] | None`` -> str (comma-separated); bools stay bool."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        if bool in args:
            return bool
        simple = [a for a in args if a in (int, float)]
        return simple[0] if len(args) == 1 and simple else str
    return annotation if annotation in (int, float, bool) else str


def add_dataclass_arguments(parser: argparse.ArgumentParser, cls, *, group_title: str | None = None) -> None:
    """One ``--field-name`` option per dataclass field, help from ``metadata['help']``.

    Defaults are suppressed, so only options given on the command line override the --config file.
    """
    target = parser.add_argument_group(group_title) if group_title else parser
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        kind = _base_type(hints[f.name])
        flags = [f"--{f.name.replace('_', '-')}", *ALIASES.get(f.name, [])]
        default = f.default if f.default is not MISSING else None
        help_text = f.metadata.get("help", "") + (f" (default: {default})" if default not in (None, "") else "")
        if kind is bool:
            target.add_argument(*flags, dest=f.name, action=argparse.BooleanOptionalAction,
                                default=argparse.SUPPRESS, help=help_text)
        else:
            target.add_argument(*flags, dest=f.name, type=kind, default=argparse.SUPPRESS, help=help_text,
                                metavar=f.name.upper() if kind is str else None)


def add_finetune_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default=None, help="YAML file of options (the flags below win over it).")
    add_dataclass_arguments(parser, DataOptions, group_title="data")
    add_dataclass_arguments(parser, FinetuneArguments, group_title="fine-tuning")


def arguments_from_namespace(ns: argparse.Namespace) -> tuple[DataOptions, FinetuneArguments]:
    """Merge the --config file (if any) with the explicit flags into the two option objects."""
    values = load_config_file(ns.config) if getattr(ns, "config", None) else {}
    values.update({k: v for k, v in vars(ns).items() if k not in ("config", "func", "command", "debug", "quiet")})
    data_names = {f.name for f in fields(DataOptions)}
    data = DataOptions(**{k: v for k, v in values.items() if k in data_names})
    args = FinetuneArguments.from_dict({k: v for k, v in values.items() if k not in data_names})
    return data, args


def run_finetune(data_options: DataOptions, args: FinetuneArguments) -> dict:
    """Fine-tune on ``data_options.data`` and return the results (also written to ``all_results.json``)."""
    from accelerate import PartialState

    from ..data.loading import load_labelled
    from .model import TransformerClassifier

    if not args.output_dir:
        raise ConfigError("No output folder: pass --output DIR (or 'output_dir: DIR' in the --config file).")
    # 1. Data: train / validation (held out from train if absent) / test, labels as names.
    data = load_labelled(data_options.data, text_column=data_options.text_column,
                         label_column=data_options.label_column, validation_size=data_options.validation_size,
                         seed=args.seed, multi_label=args.multi_label)
    # 2. Fine-tune (the strategy, batching, loop and checkpoints all follow ``args``).
    classifier = TransformerClassifier(args).fit(data.train, data.validation, schema=data.schema)
    results = {"validation": classifier.metrics.get("validation", {}), "train": classifier.metrics.get("train", {}),
               "trainable_parameters": classifier.metrics.get("trainable_parameters", {}),
               "data": {split: len(ds) for split, ds in data.splits.items()}}
    state = PartialState()
    if state.is_main_process:
        # 3. Test metrics of the best model, computed the same way as every other method.
        if data.test is not None:
            results["test"] = classifier.evaluate(data.test)
            logger.info("test: %s", {k: round(v, 4) for k, v in results["test"].items() if isinstance(v, float)})
        # 4. Save the model folder and the results next to it.
        classifier.save(args.output_dir)
        results["model_dir"] = str(Path(args.output_dir).resolve())
        (Path(args.output_dir) / RESULTS_FILE).write_text(json.dumps(results, indent=2, default=float),
                                                           encoding="utf-8")
    state.wait_for_everyone()
    from .loop import shutdown_distributed

    shutdown_distributed()
    return results
