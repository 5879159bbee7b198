"""Version shims and workarounds for third-party libraries, in one place (append; don't overwrite)."""

from __future__ import annotations


# ---- accelerate (finetune) ------------------------------------------------------------------------
def reset_accelerate_state_if_changed(mixed_precision: str) -> None:
    """Let one process build Accelerators with different ``mixed_precision`` settings in turn.

    ``AcceleratorState`` is a process-wide singleton that raises when a second ``Accelerator`` asks for
    another precision (e.g. a study running a bf16 method after an fp32 one). Accelerate's own tests
    reset it with ``AcceleratorState._reset_state``; the distributed ``PartialState`` is kept.
    """
    from accelerate.state import AcceleratorState

    state = AcceleratorState._shared_state
    if state and state.get("_mixed_precision", mixed_precision) != mixed_precision:
        AcceleratorState._reset_state(reset_partial_state=False)


def memoize_accelerate_package_checks() -> None:
    """Check once, not per step, whether the optional ``lomo_optim`` and ``deepspeed`` are installed.

    accelerate 1.15 calls ``is_lomo_available()`` twice in every ``AcceleratedOptimizer.step`` and
    ``is_deepspeed_available()`` in every ``clip_grad_norm_``; each runs ``importlib.util.find_spec``
    (~0.3 ms, a few percent of a frozen-cache training step on CPU). Installed packages do not change
    while the loop runs, so the answers are memoised where those modules look them up.
    """
    import functools

    import accelerate.optimizer
    import accelerate.utils.other

    for module, name in ((accelerate.optimizer, "is_lomo_available"),
                         (accelerate.utils.other, "is_deepspeed_available")):
        check = getattr(module, name, None)
        if callable(check) and not hasattr(check, "cache_info"):
            setattr(module, name, functools.cache(check))


# ---- gensim (vectors, adapt) --------------------------------------------------------------------------
class _EndCheckedStream:
    """A binary stream whose ``read(n)`` raises ``EOFError`` once nothing is left (other attributes pass)."""

    def __init__(self, stream):
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if size and size > 0 and not data:
            raise EOFError("the file ends inside the fastText vocabulary")
        return data

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def guard_fasttext_vocab_end_of_file() -> None:
    """Make gensim's Facebook loaders fail, not hang, on a ``.bin`` cut inside its vocabulary.

    gensim 4.4's ``_fasttext_bin._load_vocab`` reads each word byte by byte until a NUL and never
    checks for the end of the file, so ``load_facebook_vectors`` / ``load_facebook_model`` loop forever
    on such a file. Its reads now go through a stream that raises ``EOFError`` at the end, which the
    callers report as a truncated file. Idempotent.
    """
    from gensim.models import _fasttext_bin

    load_vocab = _fasttext_bin._load_vocab
    if getattr(load_vocab, "end_of_file_guarded", False):
        return

    def guarded_load_vocab(fin, *args, **kwargs):
        return load_vocab(_EndCheckedStream(fin), *args, **kwargs)

    guarded_load_vocab.end_of_file_guarded = True
    _fasttext_bin._load_vocab = guarded_load_vocab


# ---- transformers 5 (finetune) ----------------------------------------------------------------------
def clear_hf_initialized_flags(module) -> None:
    """Make ``model._init_weights`` act on weights loaded by ``from_pretrained``.

    transformers 5 marks loaded tensors with ``_is_hf_initialized`` and its ``init.*`` functions skip
    marked tensors, so re-initialising pretrained layers would silently do nothing.
    """
    for tensor in [*module.parameters(), *module.buffers()]:
        if getattr(tensor, "_is_hf_initialized", False):
            tensor._is_hf_initialized = False


# ---- scikit-learn (features) ----------------------------------------------------------------------
def logistic_regression_cv_kwargs() -> dict:
    """Options that silence scikit-learn 1.9's LogisticRegressionCV FutureWarnings (L2 only, new attributes).

    Older releases (the project supports >= 1.3) have neither parameter, so only pass what exists.
    """
    import inspect

    from sklearn.linear_model import LogisticRegressionCV

    params = inspect.signature(LogisticRegressionCV).parameters
    kwargs = {}
    if "l1_ratios" in params:
        kwargs["l1_ratios"] = (0.0,)
    if "use_legacy_attributes" in params:
        kwargs["use_legacy_attributes"] = False
    return kwargs
