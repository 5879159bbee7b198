"""Named method presets for studies: each builds a fresh :class:`TransferClassifier` for a seed.

A study needs every method to be constructible from a name and a seed, so that the CLI, the demo and
recipes can run them side by side on the same splits. Each preset says whether it *transfers*
something pretrained or learns from scratch (the baselines that transfer must beat).

``options`` are shared across presets (``vectors``, ``model``, ``epochs``, ...); a preset reads the
ones it understands and ignores the rest, so one options dict can drive a whole study.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..base import TransferClassifier
from ..registry import Registry


@dataclass(frozen=True)
class MethodPreset:
    name: str
    transfer: bool
    description: str
    build: Callable[..., TransferClassifier]

    def factory(self, **options) -> Callable[[int], TransferClassifier]:
        return lambda seed: self.build(seed=seed, **options)


METHODS: Registry[MethodPreset] = Registry("study method")


def _register(name: str, transfer: bool, description: str):
    def decorator(fn):
        METHODS.register(name)(MethodPreset(name, transfer, description, fn))
        return fn

    return decorator


def _featurizer_classifier(featurizer: str, params: dict, seed: int, head: str = "logreg"):
    from ..features import FeaturizerClassifier

    return FeaturizerClassifier(featurizer, head, featurizer_params=params, head_params={"seed": seed})


@_register("tfidf-lr", False, "TF-IDF word/char n-grams + logistic regression (no pretraining).")
def _tfidf(seed: int, **_):
    return _featurizer_classifier("tfidf", {}, seed)


@_register("vectors-mean-lr", True, "Mean-pooled pretrained word vectors + logistic regression.")
def _mean(seed: int, vectors: str = "glove-6b-50d", tokenizer: dict | None = None, **_):
    return _featurizer_classifier("static", {"vectors": vectors, "pooling": "mean", "tokenizer": tokenizer}, seed)


@_register("vectors-sif-lr", True, "SIF-weighted pretrained word vectors + logistic regression.")
def _sif(seed: int, vectors: str = "glove-6b-50d", tokenizer: dict | None = None, **_):
    return _featurizer_classifier("static", {"vectors": vectors, "pooling": "sif", "tokenizer": tokenizer}, seed)


@_register("hybrid-lr", True, "TF-IDF n-grams plus mean+max pooled pretrained vectors + logistic regression.")
def _hybrid(seed: int, vectors: str = "glove-6b-50d", tokenizer: dict | None = None, **_):
    return _featurizer_classifier("hybrid", {"vectors": vectors, "tokenizer": tokenizer}, seed)


@_register("frozen-transformer-lr", True, "Frozen transformer (mean-pooled last 4 layers) + logistic regression.")
def _frozen(seed: int, model: str | None = None, **_):
    return _featurizer_classifier("transformer", {"model": model} if model else {}, seed)


def _embedding_classifier(architecture: str, init_mode: str, seed: int, vectors: str, epochs: int | None,
                          tokenizer: dict | None):
    from ..features import EmbeddingClassifier

    extra = {"num_epochs": epochs} if epochs else {}
    return EmbeddingClassifier(architecture=architecture, init_mode=init_mode, vectors=vectors, seed=seed,
                               tokenizer=tokenizer, **extra)


for _arch, _label in (("cnn", "Kim (2014) CNN"), ("boe", "bag-of-embeddings network")):
    for _mode, _transfer in (("rand", False), ("static", True), ("non-static", True)):
        def _build(seed: int, vectors: str = "glove-6b-50d", epochs: int | None = None, tokenizer: dict | None = None,
                   _a=_arch, _m=_mode, **_):
            return _embedding_classifier(_a, _m, seed, vectors, epochs, tokenizer)

        METHODS.register(f"{_arch}-{_mode}")(MethodPreset(
            f"{_arch}-{_mode}", _transfer,
            f"{_label}, embeddings {'from scratch' if _mode == 'rand' else _mode + ' pretrained vectors'}.", _build))


def _transformer(strategy: str, seed: int, model: str | None, epochs: int | None, extra: dict):
    from ..finetune import TransformerClassifier

    options = {"strategy": strategy, "seed": seed, **extra}
    if model:
        options["model_name_or_path"] = model
    if epochs:
        options["num_epochs"] = epochs
    return TransformerClassifier(**options)


for _strategy, _extra in (("head", {"learning_rate": 2e-3}), ("top-k", {}), ("full", {}), ("gradual", {}),
                          ("lora", {"learning_rate": 5e-4})):
    def _build_t(seed: int, model: str | None = None, epochs: int | None = None, _s=_strategy, _e=_extra, **_):
        return _transformer(_s, seed, model, epochs, dict(_e))

    METHODS.register(f"finetune-{_strategy}")(MethodPreset(
        f"finetune-{_strategy}", True, f"Fine-tune a pretrained transformer, strategy '{_strategy}'.", _build_t))


def transfer_methods() -> list[str]:
    return [n for n in METHODS.names() if METHODS.get(n).transfer]


def scratch_methods() -> list[str]:
    return [n for n in METHODS.names() if not METHODS.get(n).transfer]
