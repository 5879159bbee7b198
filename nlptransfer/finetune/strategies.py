"""Fine-tuning strategies: a freeze plan plus optimizer parameter groups (fastai ``freeze_to`` style).

A strategy is not a Trainer subclass. It decides which parameters train (:class:`FreezePlan`), may
wrap the model (``lora`` through peft) and may add loop callbacks (``gradual`` unfreezing); the
optimizer groups come from :func:`build_param_groups`, which also applies layer-wise learning-rate decay.

* ``head``    - the classifier head (every module outside the encoder) **and the pooler** when the
  encoder has one (BERT's classifier reads the pooler output, so a frozen random-task pooler would
  cap accuracy). Everything else is frozen.
* ``top-k``   - the last ``top_k`` transformer layers + pooler + head.
* ``full``    - everything.
* ``gradual`` - ULMFiT: epoch 0 trains like ``head``; each later epoch unfreezes one more layer from the
  top, and after all layers the embeddings. All parameters are in the optimizer from the start
  (frozen ones have ``requires_grad=False``, which AdamW skips), so the optimizer is never rebuilt.
  Single-process only: DDP cannot change ``requires_grad`` after wrapping.
* ``lora``    - peft LoRA (``task_type=SEQ_CLS``) on ``lora_target_modules`` (default query/value),
  with the head modules trained in full via ``modules_to_save``.

``layerwise_lr_decay=g`` gives transformer layer i (of L, 0 = bottom) ``lr * g**(L-1-i)`` and the
embeddings ``lr * g**L``; head and pooler use ``head_learning_rate`` (or ``learning_rate``). Biases,
LayerNorm weights and other 1-d parameters get no weight decay.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from torch import nn

from ..errors import ConfigError
from ..registry import Registry
from .layer_groups import EMBEDDINGS_GROUP, HEAD_GROUP, POOLER_GROUP, LayerGroups, unwrap_peft
from .loop import LoopCallback, is_no_decay_parameter

STRATEGIES: Registry[type[FineTuningStrategy]] = Registry("fine-tuning strategy")


@dataclass(frozen=True)
class FreezePlan:
    """Which parameters (by name in the model given to the optimizer) train, now and at any point."""

    trainable: frozenset[str]
    ever_trainable: frozenset[str]
    description: str
    # Bottom transformer layers that stay frozen for the whole run (with the embeddings), or None when
    # the frozen part changes or is empty. The frozen-prefix cache may skip them after epoch 0.
    frozen_prefix_layers: int | None = None

    def apply(self, model: nn.Module) -> None:
        for name, param in model.named_parameters():
            param.requires_grad_(name in self.trainable)

    def trainable_count(self, model: nn.Module) -> int:
        return sum(p.numel() for n, p in model.named_parameters() if n in self.trainable)


def _names(groups: dict[str, list], wanted) -> frozenset[str]:
    return frozenset(name for g in wanted for name, _ in groups.get(g, []))


def _top_groups(lg: LayerGroups, k: int) -> list[str]:
    top = [f"layer.{i}" for i in range(lg.num_layers - k, lg.num_layers)]
    return top + ([POOLER_GROUP] if lg.pooler is not None else []) + [HEAD_GROUP]


class FineTuningStrategy(ABC):
    """Base: override :meth:`freeze_plan`; optionally :meth:`prepare_model` and :meth:`callbacks`."""

    registry_name: str = ""

    def prepare_model(self, model: nn.Module, args) -> nn.Module:
        return model

    @abstractmethod
    def freeze_plan(self, model: nn.Module, args) -> FreezePlan:
        """Which parameters train at the start and at any point of the run."""

    def callbacks(self, model: nn.Module, args) -> list:
        return []


@STRATEGIES.register("head")
class HeadStrategy(FineTuningStrategy):
    def freeze_plan(self, model, args) -> FreezePlan:
        lg = LayerGroups.from_model(model)
        names = _names(lg.group_parameters(model), _top_groups(lg, 0))
        return FreezePlan(names, names, "classifier head" + (" + pooler" if lg.pooler is not None else ""),
                          frozen_prefix_layers=lg.num_layers)


@STRATEGIES.register("top-k", "top_k", "topk")
class TopKStrategy(FineTuningStrategy):
    def freeze_plan(self, model, args) -> FreezePlan:
        lg = LayerGroups.from_model(model)
        k = args.top_k
        if k > lg.num_layers:
            raise ConfigError(f"top_k={k} but the model has only {lg.num_layers} transformer layers; use "
                              f"top_k <= {lg.num_layers} or strategy 'full'.")
        names = _names(lg.group_parameters(model), _top_groups(lg, k))
        return FreezePlan(names, names, f"top {k} of {lg.num_layers} layers + head",
                          frozen_prefix_layers=lg.num_layers - k)


@STRATEGIES.register("full")
class FullStrategy(FineTuningStrategy):
    def freeze_plan(self, model, args) -> FreezePlan:
        names = frozenset(n for n, _ in model.named_parameters())
        return FreezePlan(names, names, "all parameters")


class GradualUnfreezing(LoopCallback):
    """Before epoch e, unfreeze the head, pooler and the top e layers (embeddings after all layers)."""

    def __init__(self, model: nn.Module):
        self.model = model
        self.lg = LayerGroups.from_model(model)

    def groups_for_epoch(self, epoch: int) -> list[str]:
        k = min(epoch, self.lg.num_layers)
        groups = _top_groups(self.lg, k)
        return groups + [EMBEDDINGS_GROUP] if epoch > self.lg.num_layers else groups

    def on_train_begin(self, state, model) -> None:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            raise ConfigError("strategy 'gradual' changes which parameters train between epochs, which DDP "
                              "cannot follow; run it in one process or use top-k / layerwise_lr_decay.")

    def on_epoch_start(self, epoch: int, model) -> None:
        # A function of the epoch only, so calling it again after a resume gives the same state.
        groups = self.groups_for_epoch(epoch)
        trainable = _names(self.lg.group_parameters(self.model), groups)
        for name, param in self.model.named_parameters():
            param.requires_grad_(name in trainable)


@STRATEGIES.register("gradual", "gradual-unfreezing")
class GradualStrategy(FineTuningStrategy):
    def freeze_plan(self, model, args) -> FreezePlan:
        lg = LayerGroups.from_model(model)
        start = _names(lg.group_parameters(model), _top_groups(lg, 0))
        every = frozenset(n for n, _ in model.named_parameters())
        return FreezePlan(start, every, f"gradual: head first, then one of {lg.num_layers} layers per epoch")

    def callbacks(self, model, args) -> list:
        return [GradualUnfreezing(model)]


@STRATEGIES.register("lora")
class LoraStrategy(FineTuningStrategy):
    def prepare_model(self, model, args) -> nn.Module:
        from peft import LoraConfig, TaskType, get_peft_model

        lg = LayerGroups.from_model(model)
        head = [name for name, module in lg.head.items() if any(True for _ in module.parameters())]
        targets = list(args.lora_target_modules or ("query", "value"))
        module_names = {n.rsplit(".", 1)[-1] for n, _ in model.named_modules()}
        missing = [t for t in targets if t not in module_names]
        if missing:
            from ..errors import did_you_mean

            raise ConfigError(f"lora_target_modules {missing} are not modules of {type(model).__name__}."
                              f"{did_you_mean(missing[0], sorted(module_names))}")
        config = LoraConfig(task_type=TaskType.SEQ_CLS, r=args.lora_r, lora_alpha=args.lora_alpha,
                            lora_dropout=args.lora_dropout, target_modules=targets, modules_to_save=head)
        return get_peft_model(model, config)

    def freeze_plan(self, model, args) -> FreezePlan:
        names = frozenset(n for n, p in model.named_parameters() if p.requires_grad)
        return FreezePlan(names, names, f"LoRA r={args.lora_r} + head")


# ---- parameter groups ------------------------------------------------------------------------------
def group_learning_rate(group: str, num_layers: int, args) -> float:
    """Learning rate of a layer group under ``args`` (discriminative LRs when layerwise_lr_decay is set)."""
    if group in (HEAD_GROUP, POOLER_GROUP):
        return args.head_learning_rate or args.learning_rate
    decay = args.layerwise_lr_decay or 1.0
    if group == EMBEDDINGS_GROUP:
        return args.learning_rate * decay**num_layers
    index = int(group.split(".", 1)[1])
    return args.learning_rate * decay ** (num_layers - 1 - index)


def build_param_groups(model: nn.Module, args, plan: FreezePlan | None = None) -> list[dict]:
    """AdamW groups: one or two per layer group (with/without weight decay), each with its own ``lr``.

    Only parameters in ``plan.ever_trainable`` are included (default: those requiring grad now).
    Each group carries ``group`` (layer group name) and ``param_names`` for inspection.
    """
    ever = plan.ever_trainable if plan is not None else frozenset(
        n for n, p in model.named_parameters() if p.requires_grad)
    lg = LayerGroups.from_model(model)
    out = []
    for group, named in lg.group_parameters(model).items():
        lr = group_learning_rate(group, lg.num_layers, args)
        for no_decay in (False, True):
            chosen = [(n, p) for n, p in named if n in ever and is_no_decay_parameter(n, p) == no_decay]
            if chosen:
                out.append({"params": [p for _, p in chosen], "param_names": [n for n, _ in chosen], "lr": lr,
                            "weight_decay": 0.0 if no_decay else args.weight_decay, "group": group})
    return out


def reinit_top_layers(model: nn.Module, k: int) -> None:
    """Re-initialise the top ``k`` transformer layers with the model's own ``_init_weights``."""
    from .._compat import clear_hf_initialized_flags

    base = unwrap_peft(model)
    lg = LayerGroups.from_model(base)
    init: Callable | None = getattr(base, "_init_weights", None)
    if init is None:
        raise ConfigError(f"{type(base).__name__} has no _init_weights; reinit_top_k needs a transformers model.")
    if k > lg.num_layers:
        raise ConfigError(f"reinit_top_k={k} but the model has only {lg.num_layers} layers.")
    for layer in lg.layers[lg.num_layers - k:]:
        clear_hf_initialized_flags(layer)
        layer.apply(init)


@dataclass
class StrategySetup:
    """What a strategy produced for one run: the (possibly wrapped) model and what the loop needs."""

    model: nn.Module
    plan: FreezePlan
    param_groups: list[dict]
    callbacks: list = field(default_factory=list)


def apply_strategy(model: nn.Module, args) -> StrategySetup:
    """Re-initialise (``reinit_top_k``), wrap, freeze and group ``model`` according to ``args.strategy``."""
    strategy = STRATEGIES.get(args.strategy)()
    if args.reinit_top_k:
        reinit_top_layers(model, args.reinit_top_k)
    model = strategy.prepare_model(model, args)
    plan = strategy.freeze_plan(model, args)
    plan.apply(model)
    return StrategySetup(model, plan, build_param_groups(model, args, plan), strategy.callbacks(model, args))


# ---- reporting -------------------------------------------------------------------------------------
def trainable_parameter_counts(model: nn.Module) -> dict:
    """Total / trainable parameter counts, overall and per layer group (top-level modules as fallback)."""
    try:
        lg = LayerGroups.from_model(model)
        grouped = lg.group_parameters(model)
    except ConfigError:
        grouped = {}
        for name, p in model.named_parameters():
            grouped.setdefault(name.split(".", 1)[0], []).append((name, p))
    groups = {g: {"trainable": sum(p.numel() for _, p in ps if p.requires_grad),
                  "total": sum(p.numel() for _, p in ps)} for g, ps in grouped.items()}
    total = sum(g["total"] for g in groups.values())
    trainable = sum(g["trainable"] for g in groups.values())
    return {"total": total, "trainable": trainable, "percent": 100.0 * trainable / total if total else 0.0,
            "groups": groups}


def trainable_parameter_report(model: nn.Module) -> str:
    counts = trainable_parameter_counts(model)
    lines = [f"trainable parameters: {counts['trainable']:,} of {counts['total']:,} ({counts['percent']:.2f}%)"]
    for group, c in counts["groups"].items():
        state = "train" if c["trainable"] == c["total"] else ("frozen" if c["trainable"] == 0 else "partial")
        lines.append(f"  {group:<12} {c['trainable']:>12,} / {c['total']:<12,} {state}")
    return "\n".join(lines)
