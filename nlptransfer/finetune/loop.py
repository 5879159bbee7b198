"""An explicit Accelerate training loop shared by transformer fine-tuning and the CNN featurizers.

The loop follows transformers' ``run_glue_no_trainer.py`` with three corrections:

* **Loss normalisation.** The micro-batches of one accumulation window are fetched first, then each
  micro-batch's mean loss is weighted by ``its size / window size``. Batch 8 x accumulation 4 therefore
  gives exactly the gradient of batch 32, and a short final micro-batch is not over-weighted (the
  plain "divide by accumulation steps" rule weights a 3-example batch like an 8-example one).
  ``accelerator.accumulate`` still decides when to sync; ``accelerator.step`` is set per window so the
  sync lands on the window's last micro-batch even for a short final window.
* **Evaluation** gathers ``(logits, labels)`` with ``gather_for_metrics``, so the samples Accelerate
  duplicates to even out the last batch across processes are dropped and an odd-sized evaluation set
  is scored exactly once per example.
* **Resumable determinism.** The sampler's order is a function of (seed, epoch) via ``set_epoch`` and
  the global torch RNG (dropout) is re-seeded from (seed, optimizer step, process) before every window,
  so a run resumed from ``checkpoint-N`` draws the same batches and dropout masks as an uninterrupted
  one and ends with the same weights.

The model's ``forward`` receives the batch minus ``labels`` (and ``length``) and returns logits or an
object with ``.logits``. The scheduler is stepped by the loop itself once per real optimizer step
(``transformers.get_scheduler``; it is not passed through ``accelerator.prepare``, which would step it
once per process).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..errors import ConfigError, did_you_mean
from .checkpoints import find_checkpoint, load_checkpoint, save_checkpoint

__all__ = ["LoopArguments", "LoopCallback", "LoopResult", "LoopState", "evaluate_model", "find_checkpoint",
           "make_accelerator", "run_training_loop"]

logger = logging.getLogger(__name__)

MIXED_PRECISION_CHOICES = ("no", "fp16", "bf16")
# Batch keys that are bookkeeping, not model inputs.
NON_INPUT_KEYS = ("labels", "length")


def _scheduler_names() -> list[str]:
    from transformers import SchedulerType

    return [s.value for s in SchedulerType]


@dataclass
class LoopArguments:
    """Hyper-parameters of the generic training loop (shared by fine-tuning and CNN heads)."""

    num_epochs: int = field(default=3, metadata={"help": "Number of passes over the training data."})
    learning_rate: float = field(default=5e-5, metadata={"help": "Peak learning rate (AdamW)."})
    batch_size: int = field(default=32, metadata={"help": "Training micro-batch size per process."})
    eval_batch_size: int = field(default=64, metadata={"help": "Evaluation batch size per process."})
    gradient_accumulation_steps: int = field(
        default=1, metadata={"help": "Micro-batches per optimizer step; effective batch = batch_size x this."})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay (not on biases/LayerNorm)."})
    warmup_fraction: float = field(
        default=0.1, metadata={"help": "Share of optimizer steps spent warming the LR up from 0 (0 to 1)."})
    scheduler: str = field(default="linear", metadata={"help": "transformers.get_scheduler name, e.g. linear, cosine."})
    max_grad_norm: float | None = field(default=1.0, metadata={"help": "Gradient clipping norm; None or 0 = off."})
    fused_adamw: bool = field(
        default=True, metadata={"help": "Use torch's fused AdamW kernel (one pass over all parameters; the same "
                                        "update rule). Falls back to the per-tensor loop where unsupported."})
    mixed_precision: str = field(default="no", metadata={"help": "'no', 'fp16' (GPU only) or 'bf16'."})
    seed: int = field(default=42, metadata={"help": "Seed for data order, dropout and model initialisation."})
    early_stopping_patience: int | None = field(
        default=None, metadata={"help": "Stop after this many evaluations without improvement; None = never."})
    metric_for_best_model: str = field(
        default="loss", metadata={"help": "Validation metric that picks the best checkpoint (e.g. accuracy)."})
    greater_is_better: bool | None = field(
        default=None, metadata={"help": "Whether a larger metric is better; None = False for losses, else True."})
    eval_every: str | int = field(
        default="epoch", metadata={"help": "'epoch' or a number of optimizer steps between evaluations."})
    save_every_steps: int | None = field(
        default=None, metadata={"help": "Save a resumable checkpoint every N optimizer steps (needs output_dir)."})
    save_total_limit: int | None = field(
        default=2, metadata={"help": "Keep only the newest N checkpoints; None = keep all."})
    resume_from_checkpoint: str | None = field(
        default=None, metadata={"help": "'latest' (newest checkpoint in output_dir) or a checkpoint folder."})
    output_dir: str | None = field(default=None, metadata={"help": "Folder for checkpoints and results."})
    logging_steps: int = field(default=50, metadata={"help": "Log the training loss every N optimizer steps."})

    def __post_init__(self) -> None:
        for name in ("num_epochs", "batch_size", "eval_batch_size", "gradient_accumulation_steps", "logging_steps"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}.")
        if not self.learning_rate > 0:
            raise ConfigError(f"learning_rate must be > 0, got {self.learning_rate!r}.")
        if self.weight_decay < 0:
            raise ConfigError(f"weight_decay must be >= 0, got {self.weight_decay!r}.")
        if not 0 <= self.warmup_fraction < 1:
            raise ConfigError(
                f"warmup_fraction must be in [0, 1), got {self.warmup_fraction!r} "
                "(it is a share of the optimizer steps, e.g. 0.1 for 10%).")
        if self.scheduler not in _scheduler_names():
            raise ConfigError(f"Unknown scheduler {self.scheduler!r}.{did_you_mean(self.scheduler, _scheduler_names())}")
        if self.max_grad_norm is not None and self.max_grad_norm < 0:
            raise ConfigError(f"max_grad_norm must be >= 0 or None, got {self.max_grad_norm!r}.")
        if self.mixed_precision not in MIXED_PRECISION_CHOICES:
            raise ConfigError(f"Unknown mixed_precision {self.mixed_precision!r}."
                              f"{did_you_mean(str(self.mixed_precision), MIXED_PRECISION_CHOICES)}")
        if self.early_stopping_patience is not None and self.early_stopping_patience < 1:
            raise ConfigError(f"early_stopping_patience must be >= 1 or None, got {self.early_stopping_patience!r}.")
        if isinstance(self.eval_every, str) and self.eval_every.isdigit():
            self.eval_every = int(self.eval_every)
        if self.eval_every != "epoch" and not (isinstance(self.eval_every, int) and self.eval_every >= 1):
            raise ConfigError(f"eval_every must be 'epoch' or a positive number of steps, got {self.eval_every!r}.")
        if self.save_every_steps is not None and self.save_every_steps < 1:
            raise ConfigError(f"save_every_steps must be >= 1 or None, got {self.save_every_steps!r}.")
        if self.save_total_limit is not None and self.save_total_limit < 1:
            raise ConfigError(f"save_total_limit must be >= 1 or None, got {self.save_total_limit!r}.")
        if (self.save_every_steps or self.resume_from_checkpoint) and not self.output_dir:
            raise ConfigError("save_every_steps / resume_from_checkpoint need output_dir (where checkpoints live).")
        if self.greater_is_better is None:
            self.greater_is_better = "loss" not in self.metric_for_best_model

    def loop_arguments(self) -> LoopArguments:
        """The generic subset as a plain :class:`LoopArguments` (subclasses add model options)."""
        names = {f.name for f in fields(LoopArguments)}
        return LoopArguments(**{k: v for k, v in asdict(self).items() if k in names})


@dataclass
class LoopState:
    """Progress of a run; saved as ``trainer_state.json`` in every checkpoint."""

    epoch: int = 0
    global_step: int = 0
    batches_done_in_epoch: int = 0  # micro-batches of ``epoch`` already trained on
    best_metric: float | None = None
    best_epoch: int | None = None
    best_step: int | None = None
    patience_counter: int = 0
    history: list[dict] = field(default_factory=list)
    total_optimizer_steps: int = 0
    should_stop: bool = False  # callbacks may set this to end training after the current step

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("should_stop")
        return data


@dataclass
class LoopResult:
    best_metric: float | None
    best_epoch: int | None
    best_step: int | None
    history: list[dict]
    metrics: dict[str, float]  # validation metrics of the restored best model (or the last evaluation)
    global_step: int = 0
    train_loss: float | None = None
    train_runtime: float = 0.0
    train_samples_per_second: float = 0.0
    stopped_early: bool = False


class LoopCallback:
    """No-op base; subclass and override what you need. ``model`` is the unwrapped model."""

    def on_train_begin(self, state: LoopState, model) -> None: ...
    def on_epoch_start(self, epoch: int, model) -> None: ...
    def on_step_end(self, state: LoopState, model) -> None: ...
    def on_evaluate(self, state: LoopState, metrics: dict) -> None: ...
    def on_epoch_end(self, state: LoopState, model) -> None: ...
    def on_train_end(self, state: LoopState, model) -> None: ...


def _has_accelerator_device() -> bool:
    if torch.cuda.is_available():
        return True
    mps = getattr(torch.backends, "mps", None)
    xpu = getattr(torch, "xpu", None)
    return bool((mps and mps.is_available()) or (xpu and xpu.is_available()))


def make_accelerator(args: LoopArguments):
    """An ``Accelerator`` configured for :func:`run_training_loop` (accumulation, precision, seedable sampler)."""
    from accelerate import Accelerator
    from accelerate.utils import DataLoaderConfiguration, GradientAccumulationPlugin

    if args.mixed_precision == "fp16" and not torch.cuda.is_available():
        raise ConfigError("mixed_precision='fp16' needs a CUDA GPU; use 'bf16' on CPU or 'no'.")
    from .._compat import memoize_accelerate_package_checks, reset_accelerate_state_if_changed

    reset_accelerate_state_if_changed(args.mixed_precision)
    memoize_accelerate_package_checks()
    # sync_with_dataloader=False: we prefetch whole windows, so "end of dataloader" is known too early
    # for Accelerate's own rule; the per-window ``accelerator.step`` handles the short last window.
    plugin = GradientAccumulationPlugin(num_steps=args.gradient_accumulation_steps, sync_with_dataloader=False)
    return Accelerator(
        # Accelerate only turns torchrun's WORLD_SIZE into MULTI_CPU (gloo) when told cpu=True.
        cpu=not _has_accelerator_device(),
        mixed_precision=args.mixed_precision,
        gradient_accumulation_plugin=plugin,
        # Shuffled loaders get a (data_seed + epoch)-seeded sampler: same order on every process and after resume.
        dataloader_config=DataLoaderConfiguration(use_seedable_sampler=True, data_seed=args.seed),
    )


def default_optimizer_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """Two groups of trainable parameters: decayed weights, and biases/LayerNorm weights without decay."""
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        (no_decay if is_no_decay_parameter(name, param) else decay).append(param)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return [g for g in groups if g["params"]]


def is_no_decay_parameter(name: str, param: torch.Tensor) -> bool:
    lowered = name.lower()
    return param.ndim < 2 or "layernorm" in lowered or "layer_norm" in lowered or lowered.endswith(".bias")


def default_loss_fn(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy for class ids; BCE-with-logits for float multi-hot labels."""
    if labels.is_floating_point() and labels.shape == logits.shape:
        return torch.nn.functional.binary_cross_entropy_with_logits(logits.float(), labels.float())
    return torch.nn.functional.cross_entropy(logits.float(), labels.long())


def default_compute_metrics(logits: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Accuracy and macro-F1 (single-label) or micro/macro-F1 at threshold 0.5 (multi-label)."""
    from sklearn.metrics import accuracy_score, f1_score

    if labels.ndim == 2 and labels.shape == logits.shape:
        pred = (logits > 0).astype(int)
        gold = labels.astype(int)
        return {"micro_f1": float(f1_score(gold, pred, average="micro", zero_division=0)),
                "macro_f1": float(f1_score(gold, pred, average="macro", zero_division=0)),
                "subset_accuracy": float((gold == pred).all(axis=1).mean())}
    pred = logits.argmax(axis=-1)
    return {"accuracy": float(accuracy_score(labels, pred)),
            "macro_f1": float(f1_score(labels, pred, average="macro", zero_division=0))}


def extract_logits(output) -> torch.Tensor:
    if isinstance(output, torch.Tensor):
        return output
    if hasattr(output, "logits"):
        return output.logits
    if isinstance(output, (tuple, list)):
        return output[0]
    raise TypeError(f"Model forward returned {type(output).__name__}; expected logits or an object with .logits.")


def model_inputs(batch: dict) -> dict:
    return {k: v for k, v in batch.items() if k not in NON_INPUT_KEYS}


def _set_loader_epoch(loader, epoch: int) -> None:
    """Tell every sampler in the chain (Accelerate shards, skip wrappers) which epoch it is."""
    if hasattr(loader, "set_epoch"):
        loader.set_epoch(epoch)
    seen, todo = set(), [getattr(loader, "batch_sampler", None), getattr(loader, "sampler", None)]
    while todo:
        obj = todo.pop()
        if obj is None or id(obj) in seen:
            continue
        seen.add(id(obj))
        if hasattr(obj, "set_epoch"):
            obj.set_epoch(epoch)
        todo += [getattr(obj, "batch_sampler", None), getattr(obj, "sampler", None)]


def _reseed_for_step(seed: int, step: int, process_index: int) -> None:
    # Dropout masks become a function of (seed, step, process): identical after a resume.
    value = (seed * 1_000_003 + step * 7919 + process_index * 104_729) % (2**63 - 1)
    if _has_accelerator_device():
        torch.manual_seed(value)
    else:  # the only generator on CPU; torch.manual_seed also queues lazy seeds for absent devices (~0.8 ms)
        torch.default_generator.manual_seed(value)


def _batch_len(batch: dict) -> int:
    labels = batch.get("labels")
    if labels is not None:
        return int(labels.shape[0])
    return int(next(iter(batch.values())).shape[0])


def _metric_value(metrics: dict, key: str) -> float:
    for candidate in (key, key.removeprefix("eval_")):
        if candidate in metrics:
            return float(metrics[candidate])
    raise ConfigError(f"metric_for_best_model {key!r} is not among the validation metrics "
                      f"{sorted(metrics)}.{did_you_mean(key, list(metrics))}")


def evaluate_model(model, eval_dataloader, accelerator, *, compute_metrics=None, loss_fn=None) -> dict:
    """Metrics over a (prepared) evaluation loader, each example counted once across processes.

    ``gather_for_metrics`` drops the samples Accelerate repeats to give every process equal batches,
    so the result (including ``eval_samples``) is the same for 1 or N processes.
    """
    compute_metrics = compute_metrics or default_compute_metrics
    loss_fn = loss_fn or default_loss_fn
    was_training = model.training
    model.eval()
    all_logits, all_labels = [], []
    with torch.no_grad():
        for batch in eval_dataloader:
            logits = extract_logits(model(**model_inputs(batch)))
            logits, labels = accelerator.gather_for_metrics((logits.float().contiguous(), batch["labels"]))
            all_logits.append(logits.cpu())
            all_labels.append(labels.cpu())
    model.train(was_training)
    logits, labels = torch.cat(all_logits), torch.cat(all_labels)
    metrics = dict(compute_metrics(logits.numpy(), labels.numpy()))
    metrics["loss"] = float(loss_fn(logits, labels))
    metrics["eval_samples"] = int(labels.shape[0])
    return metrics


class _Run:
    """State and steps of one call to :func:`run_training_loop` (keeps that function short)."""

    def __init__(self, accelerator, model, optimizer, scheduler, args: LoopArguments, loss_fn, compute_metrics,
                 callbacks: Sequence):
        self.acc = accelerator
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.args = args
        self.loss_fn = loss_fn
        self.compute_metrics = compute_metrics
        self.callbacks = list(callbacks)
        self.state = LoopState()
        self.best_state: dict[str, torch.Tensor] | None = None
        self.best_metrics: dict | None = None
        self.last_metrics: dict = {}
        self.stopped_early = False

    @property
    def unwrapped(self):
        return self.acc.unwrap_model(self.model)

    def fire(self, event: str, *payload) -> None:
        for cb in self.callbacks:
            hook = getattr(cb, event, None)
            if hook is not None:
                hook(*payload)

    # ---- evaluation and best model ------------------------------------------------------------
    def evaluate(self, eval_loader) -> dict:
        return evaluate_model(self.model, eval_loader, self.acc, compute_metrics=self.compute_metrics,
                              loss_fn=self.loss_fn)

    def record_evaluation(self, metrics: dict) -> None:
        state, args = self.state, self.args
        self.last_metrics = metrics
        value = _metric_value(metrics, args.metric_for_best_model)
        improved = state.best_metric is None or (
            value > state.best_metric if args.greater_is_better else value < state.best_metric)
        if improved:
            state.best_metric, state.best_epoch, state.best_step = value, state.epoch, state.global_step
            state.patience_counter = 0
            self.best_state = {k: v.detach().to("cpu", copy=True).contiguous()
                               for k, v in self.unwrapped.state_dict().items()}
            self.best_metrics = dict(metrics)
        else:
            state.patience_counter += 1
            if args.early_stopping_patience and state.patience_counter >= args.early_stopping_patience:
                state.should_stop = True
                self.stopped_early = True
        state.history.append({"epoch": state.epoch, "step": state.global_step,
                              **{f"eval_{k}": v for k, v in metrics.items()}})
        if self.acc.is_main_process:
            shown = ", ".join(f"{k}={v:.4f}" for k, v in metrics.items() if isinstance(v, float))
            logger.info("eval epoch %d step %d: %s%s", state.epoch, state.global_step, shown,
                        " (best)" if improved else f" (no improvement {state.patience_counter}x)")
        self.fire("on_evaluate", state, metrics)

    # ---- checkpoints ----------------------------------------------------------------------------
    def save_checkpoint(self) -> Path:
        extra = {"best_metrics": self.best_metrics, "last_metrics": self.last_metrics}
        return save_checkpoint(self.acc, self.args.output_dir, self.state.global_step,
                               {**self.state.to_json(), **extra}, self.best_state, keep=self.args.save_total_limit)

    def load_checkpoint(self, path: Path) -> None:
        data, self.best_state = load_checkpoint(self.acc, path)
        self.best_metrics = data.pop("best_metrics", None)
        self.last_metrics = data.pop("last_metrics", None) or {}
        known = {f.name for f in fields(LoopState)}
        self.state = LoopState(**{k: v for k, v in data.items() if k in known})
        logger.info("resumed from %s: epoch %d, step %d, %d batches of this epoch done", path,
                    self.state.epoch, self.state.global_step, self.state.batches_done_in_epoch)


def make_adamw(groups: list[dict], args: LoopArguments) -> torch.optim.Optimizer:
    """AdamW over ``groups``; the fused kernel when asked for and supported by this torch and device.

    On CPU torch otherwise runs a Python loop over every parameter tensor at each step, which costs
    more than the forward and backward of a small trainable top (the frozen-cache path).
    """
    if args.fused_adamw:
        try:
            return torch.optim.AdamW(groups, lr=args.learning_rate, weight_decay=args.weight_decay, fused=True)
        except (RuntimeError, TypeError, ValueError) as err:
            logger.info("fused AdamW unavailable here (%s); using the default implementation", err)
    return torch.optim.AdamW(groups, lr=args.learning_rate, weight_decay=args.weight_decay)


def run_training_loop(
    model: torch.nn.Module,
    train_dataloader,
    eval_dataloader,
    args: LoopArguments,
    *,
    compute_metrics: Callable[[np.ndarray, np.ndarray], dict] | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    optimizer_grouped_parameters: list[dict] | None = None,
    callbacks: Sequence[Any] | None = None,
    accelerator=None,
    report_model: torch.nn.Module | None = None,
) -> LoopResult:
    """Train ``model`` with AdamW + warmup/decay, evaluate, early-stop, checkpoint and restore the best.

    ``optimizer_grouped_parameters`` are AdamW groups (each may carry its own ``lr``); by default all
    trainable parameters, with no weight decay on biases and LayerNorm weights. Groups may include
    frozen parameters (``requires_grad=False``) that a callback unfreezes later: AdamW skips
    parameters without gradients. Returns a :class:`LoopResult`; the (unwrapped) model is modified in
    place and, when there is an evaluation set, ends with the weights of its best evaluation.
    ``report_model`` is the model whose trainable-parameter report is logged at the start (default
    ``model``; the full classifier when ``model`` is only its trainable top, as with the frozen cache).
    """
    from transformers import get_scheduler

    accelerator = accelerator or make_accelerator(args)
    accum = args.gradient_accumulation_steps
    if accelerator.gradient_accumulation_steps != accum:
        raise ConfigError(f"The accelerator accumulates {accelerator.gradient_accumulation_steps} steps but "
                          f"args.gradient_accumulation_steps={accum}; build it with make_accelerator(args).")
    if accum > 1 and accelerator.gradient_state.plugin_kwargs.get("sync_with_dataloader", True):
        raise ConfigError("Gradient accumulation needs an Accelerator with sync_with_dataloader=False; "
                          "build it with make_accelerator(args).")
    loss_fn = loss_fn or default_loss_fn
    compute_metrics = compute_metrics or default_compute_metrics
    groups = optimizer_grouped_parameters or default_optimizer_groups(model, args.weight_decay)
    if not any(p.requires_grad for g in groups for p in g["params"]):
        raise ConfigError("No trainable parameters: the strategy froze everything (check strategy/top_k).")
    optimizer = make_adamw(groups, args)
    if eval_dataloader is not None:
        model, optimizer, train_dataloader, eval_dataloader = accelerator.prepare(
            model, optimizer, train_dataloader, eval_dataloader)
    else:
        model, optimizer, train_dataloader = accelerator.prepare(model, optimizer, train_dataloader)

    steps_per_epoch = math.ceil(len(train_dataloader) / accum)
    total_steps = steps_per_epoch * args.num_epochs
    scheduler = get_scheduler(args.scheduler, optimizer.optimizer, num_warmup_steps=int(args.warmup_fraction * total_steps),
                              num_training_steps=total_steps)
    accelerator.register_for_checkpointing(scheduler)
    run = _Run(accelerator, model, optimizer, scheduler, args, loss_fn, compute_metrics, callbacks or [])
    if args.resume_from_checkpoint:
        ckpt = find_checkpoint(args.output_dir, args.resume_from_checkpoint)
        if ckpt is None:
            logger.warning("resume_from_checkpoint='latest' but %s holds no checkpoint; starting fresh.",
                           args.output_dir)
        else:
            run.load_checkpoint(ckpt)
    state = run.state
    state.total_optimizer_steps = total_steps

    if accelerator.is_main_process:
        from .strategies import trainable_parameter_report

        logger.info("%s", trainable_parameter_report(report_model if report_model is not None else run.unwrapped))
        logger.info("training: %d epochs x %d optimizer steps (batch %d x accumulation %d x %d processes), "
                    "warmup %d steps", args.num_epochs, steps_per_epoch, args.batch_size, accum,
                    accelerator.num_processes, int(args.warmup_fraction * total_steps))
    run.fire("on_train_begin", state, run.unwrapped)
    start_time, samples_seen = time.perf_counter(), 0
    loss_sum = torch.zeros((), device=accelerator.device)
    loss_count = 0
    all_loss_sum, all_loss_count = 0.0, 0
    params = [p for g in groups for p in g["params"]]
    model.train()

    while state.epoch < args.num_epochs and not state.should_stop:
        epoch = state.epoch
        run.fire("on_epoch_start", epoch, run.unwrapped)
        _set_loader_epoch(train_dataloader, epoch)
        skip = state.batches_done_in_epoch
        loader = accelerator.skip_first_batches(train_dataloader, skip) if skip else train_dataloader
        if skip:
            _set_loader_epoch(loader, epoch)
        epoch_start, epoch_samples = time.perf_counter(), 0
        batches = iter(loader)
        while not state.should_stop:
            window = list(islice(batches, accum))
            if not window:
                break
            window_size = sum(_batch_len(b) for b in window)
            accelerator.step = accum - len(window)  # accumulate() syncs after exactly len(window) micro-batches
            _reseed_for_step(args.seed, state.global_step, accelerator.process_index)
            for batch in window:
                with accelerator.accumulate(model):
                    logits = extract_logits(model(**model_inputs(batch)))
                    loss = loss_fn(logits, batch["labels"])
                    share = _batch_len(batch) / window_size
                    # backward() divides by `accum`; multiply it back so the weights are size shares.
                    accelerator.backward(loss * (share * accum))
                    loss_sum += loss.detach() * share
                    if accelerator.sync_gradients and args.max_grad_norm:
                        accelerator.clip_grad_norm_(params, args.max_grad_norm)
                    optimizer.step()
                    optimizer.zero_grad(set_to_none=True)
            if not accelerator.optimizer_step_was_skipped:
                scheduler.step()
            loss_count += 1
            state.global_step += 1
            state.batches_done_in_epoch += len(window)
            epoch_samples += window_size * accelerator.num_processes
            if state.global_step % args.logging_steps == 0:
                mean_loss = float(accelerator.reduce(loss_sum, "mean")) / loss_count
                all_loss_sum, all_loss_count = all_loss_sum + mean_loss * loss_count, all_loss_count + loss_count
                loss_sum.zero_()
                loss_count = 0
                state.history.append({"epoch": epoch, "step": state.global_step, "loss": mean_loss,
                                      "learning_rate": scheduler.get_last_lr()[0]})
                if accelerator.is_main_process:
                    logger.info("epoch %d step %d/%d: loss %.4f, lr %.3g", epoch, state.global_step, total_steps,
                                mean_loss, scheduler.get_last_lr()[0])
            if eval_dataloader is not None and args.eval_every != "epoch" and state.global_step % args.eval_every == 0:
                run.record_evaluation(run.evaluate(eval_dataloader))
            if args.save_every_steps and state.global_step % args.save_every_steps == 0:
                run.save_checkpoint()
            run.fire("on_step_end", state, run.unwrapped)
        epoch_time = time.perf_counter() - epoch_start
        samples_seen += epoch_samples
        if epoch_samples:
            state.history.append({"epoch": epoch, "step": state.global_step, "epoch_seconds": epoch_time,
                                  "epoch_samples": epoch_samples})
        if accelerator.is_main_process and epoch_samples:
            logger.info("epoch %d: %d samples in %.1fs (%.1f samples/s)", epoch, epoch_samples, epoch_time,
                        epoch_samples / max(epoch_time, 1e-9))
        if not state.should_stop or state.batches_done_in_epoch >= len(train_dataloader):
            if eval_dataloader is not None and args.eval_every == "epoch":
                run.record_evaluation(run.evaluate(eval_dataloader))
            run.fire("on_epoch_end", state, run.unwrapped)
            state.epoch += 1
            state.batches_done_in_epoch = 0

    if loss_count:
        mean_loss = float(accelerator.reduce(loss_sum, "mean")) / loss_count
        all_loss_sum, all_loss_count = all_loss_sum + mean_loss * loss_count, all_loss_count + loss_count
    runtime = time.perf_counter() - start_time
    unwrapped = accelerator.unwrap_model(model, keep_fp32_wrapper=False)
    metrics = run.last_metrics
    if run.best_state is not None:
        unwrapped.load_state_dict(run.best_state)
        metrics = run.best_metrics or metrics
        if accelerator.is_main_process:
            logger.info("restored the best model (%s=%.4f, epoch %s, step %s)", args.metric_for_best_model,
                        state.best_metric, state.best_epoch, state.best_step)
    run.fire("on_train_end", state, unwrapped)
    accelerator.wait_for_everyone()
    return LoopResult(
        best_metric=state.best_metric, best_epoch=state.best_epoch, best_step=state.best_step,
        history=state.history, metrics=dict(metrics or {}), global_step=state.global_step,
        train_loss=all_loss_sum / all_loss_count if all_loss_count else None, train_runtime=runtime,
        train_samples_per_second=samples_seen / runtime if runtime > 0 else 0.0, stopped_early=run.stopped_early,
    )


def shutdown_distributed() -> None:
    """Wait for every process, then tear the process group down before the interpreter exits.

    Leaving a gloo group to interpreter shutdown can abort a rank ("terminate called without an active
    exception", SIGABRT) even though all work finished; destroying it explicitly avoids that.
    """
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
