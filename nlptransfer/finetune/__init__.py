"""Transformer fine-tuning on an explicit Accelerate loop.

* :mod:`.loop` - ``LoopArguments`` and ``run_training_loop`` (also used for the CNN featurizers).
* :mod:`.args` - ``FinetuneArguments`` (loop options + model, strategy and data handling).
* :mod:`.layer_groups`, :mod:`.strategies` - freeze plans and parameter groups (head, top-k, full,
  gradual, lora; layer-wise LR decay; re-initialising top layers).
* :mod:`.model` - ``TransformerClassifier`` (fit / predict / evaluate / save / load).
* :mod:`.batching`, :mod:`.long_text`, :mod:`.frozen_cache`, :mod:`.imbalance`, :mod:`.multilabel` -
  tokenisation and batching, long texts, the frozen-prefix cache, class weights, thresholds.

Names are imported lazily so ``import nlptransfer.finetune`` stays cheap.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "LoopArguments": ".loop", "LoopCallback": ".loop", "LoopResult": ".loop", "run_training_loop": ".loop",
    "make_accelerator": ".loop", "evaluate_model": ".loop",
    "FinetuneArguments": ".args",
    "LayerGroups": ".layer_groups",
    "STRATEGIES": ".strategies", "FreezePlan": ".strategies", "apply_strategy": ".strategies",
    "build_param_groups": ".strategies", "trainable_parameter_report": ".strategies",
    "TransformerClassifier": ".model", "build_model": ".model",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
