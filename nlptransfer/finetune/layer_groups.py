"""Find the layer groups of an encoder classifier: embeddings, transformer layers, pooler, head.

Freeze plans, discriminative learning rates, gradual unfreezing and the frozen-prefix cache all need
the same map of a model, bottom to top. It is found generically: the encoder is ``model.base_model``
(transformers' ``base_model_prefix``), its transformer layers are the first ``nn.ModuleList`` at one of
the known attribute paths (``encoder.layer`` for BERT/RoBERTa/ELECTRA/DeBERTa/MPNet,
``transformer.layer`` for DistilBERT, ...), and the *head* is every top-level module of the classifier
outside the encoder (``dropout`` + ``classifier`` for BERT, ``pre_classifier`` + ``classifier`` for
DistilBERT, DeBERTa's ``pooler`` + ``classifier``).

Encoder parameters outside embeddings, layers and pooler (DeBERTa's relative position embeddings,
ELECTRA's ``embeddings_project``) are treated as part of the bottom ``embeddings`` group: they feed
every layer, so they are frozen and decayed with the embeddings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from torch import nn

from ..errors import ConfigError

# Attribute paths (relative to the encoder) where encoders keep their list of transformer layers.
LAYER_PATHS = ("encoder.layer", "encoder.layers", "transformer.layer", "transformer.layers", "layers", "layer",
               "encoder.block", "block")
EMBEDDINGS_GROUP = "embeddings"
POOLER_GROUP = "pooler"
HEAD_GROUP = "head"


def _get_path(module: nn.Module, path: str):
    for part in path.split("."):
        module = getattr(module, part, None)
        if module is None:
            return None
    return module


def unwrap_peft(model: nn.Module) -> nn.Module:
    """The transformers model inside a peft ``PeftModel`` (or the model itself)."""
    get_base = getattr(model, "get_base_model", None)
    return get_base() if callable(get_base) else model


@dataclass
class LayerGroups:
    """The groups of one classifier, bottom to top. Modules are the model's own (shared, not copies)."""

    model: nn.Module
    encoder: nn.Module
    embeddings: nn.Module
    layers: list[nn.Module]
    pooler: nn.Module | None
    head: nn.ModuleDict  # top-level modules of the classifier outside the encoder, in definition order
    layers_path: str
    extra: dict[str, nn.Parameter] = field(default_factory=dict)  # other encoder params (join "embeddings")

    @classmethod
    def from_model(cls, model: nn.Module) -> LayerGroups:
        model = unwrap_peft(model)
        encoder = getattr(model, "base_model", None)
        if encoder is None or encoder is model:
            raise ConfigError(
                f"{type(model).__name__} has no separate encoder (base_model); layer-wise strategies need a "
                "transformers *ForSequenceClassification model. Use strategy 'full'.")
        embeddings = getattr(encoder, "embeddings", None)
        layers_path, layers = None, None
        for path in LAYER_PATHS:
            found = _get_path(encoder, path)
            if isinstance(found, nn.ModuleList) and len(found):
                layers_path, layers = path, list(found)
                break
        if embeddings is None or layers is None:
            raise ConfigError(
                f"Cannot find the embeddings and transformer layers of {type(encoder).__name__} "
                f"(looked for .embeddings and {', '.join(LAYER_PATHS)}). Layer-wise strategies support "
                "BERT-style encoders; use strategy 'full' or 'lora' for this model.")
        pooler = getattr(encoder, "pooler", None)
        head = nn.ModuleDict()
        for name, child in model.named_children():
            if child is not encoder:
                head[name] = child
        known = {id(p) for m in [embeddings, *layers, *( [pooler] if pooler is not None else [])]
                 for p in m.parameters()}
        extra = {n: p for n, p in encoder.named_parameters() if id(p) not in known}
        return cls(model=model, encoder=encoder, embeddings=embeddings, layers=layers, pooler=pooler,
                   head=head, layers_path=layers_path, extra=extra)

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def classifier(self) -> nn.Module | None:
        """The final classification module (``classifier`` or ``score``), if the model names it so."""
        for name in ("classifier", "score", "out_proj"):
            if name in self.head:
                return self.head[name]
        return None

    def group_names(self) -> list[str]:
        """Bottom to top: ``embeddings``, ``layer.0`` .. ``layer.{L-1}``, ``pooler`` (if any), ``head``."""
        names = [EMBEDDINGS_GROUP] + [f"layer.{i}" for i in range(self.num_layers)]
        if self.pooler is not None:
            names.append(POOLER_GROUP)
        return names + [HEAD_GROUP]

    def group_modules(self) -> dict[str, list[nn.Module]]:
        groups: dict[str, list[nn.Module]] = {EMBEDDINGS_GROUP: [self.embeddings]}
        for i, layer in enumerate(self.layers):
            groups[f"layer.{i}"] = [layer]
        if self.pooler is not None:
            groups[POOLER_GROUP] = [self.pooler]
        groups[HEAD_GROUP] = list(self.head.values())
        return groups

    def group_parameters(self, model: nn.Module | None = None) -> dict[str, list[tuple[str, nn.Parameter]]]:
        """``{group: [(name, param), ...]}`` covering every parameter of ``model`` exactly once.

        ``model`` defaults to the classifier; pass a peft wrapper to get its (prefixed) names. A
        parameter that sits in none of the groups (e.g. added by an adapter outside them) goes to ``head``.
        """
        model = model if model is not None else self.model
        owner: dict[int, str] = {id(p): EMBEDDINGS_GROUP for p in self.extra.values()}
        for group, modules in self.group_modules().items():
            for module in modules:
                for p in module.parameters():
                    owner.setdefault(id(p), group)
        out: dict[str, list[tuple[str, nn.Parameter]]] = {g: [] for g in self.group_names()}
        for name, p in model.named_parameters():
            out[owner.get(id(p), HEAD_GROUP)].append((name, p))
        return out

    def parameter_count(self, group: str) -> int:
        return sum(p.numel() for _, p in self.group_parameters()[group])

    def describe(self) -> str:
        counts = {g: sum(p.numel() for _, p in ps) for g, ps in self.group_parameters().items()}
        return ", ".join(f"{g}={c:,}" for g, c in counts.items())
