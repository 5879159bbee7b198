"""``TransformerClassifier``: fine-tune an encoder for text classification, save it, predict with it.

``fit`` wires the pieces: seed -> model with the label schema in its config -> strategy (freeze plan,
parameter groups, callbacks) -> tokenisation with truncation statistics -> length-grouped, dynamically
padded batches (or the frozen-prefix cache for ``head``/``top-k``) -> the Accelerate loop -> per-label
thresholds for multi-label tasks. ``save`` writes a normal ``save_pretrained`` folder (safetensors)
that ``AutoModelForSequenceClassification`` loads as is, plus ``label_schema.json``,
``training_args.json``, ``metrics.json`` and ``thresholds.json`` (multi-label).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from ..base import TransferClassifier
from ..data.labels import SCHEMA_FILENAME, LabelSchema
from ..errors import DataError, DataFileNotFoundError
from .args import FinetuneArguments
from .loop import extract_logits, model_inputs, run_training_loop

logger = logging.getLogger(__name__)

TRAINING_ARGS_FILE = "training_args.json"
METRICS_FILE = "metrics.json"


def _check_model_source(path: str) -> None:
    local = Path(path)
    if local.exists():
        if not (local / "config.json").exists():
            raise DataFileNotFoundError(f"{local} has no config.json; pass a folder written by save_pretrained "
                                        "or a Hub model id.")
        return
    looks_local = path.startswith((".", "/", "~")) or path.count("/") > 1 or "\\" in path
    if looks_local:
        raise DataFileNotFoundError(f"Model folder {path} does not exist.")


def build_model(args: FinetuneArguments, schema: LabelSchema):
    """``AutoModelForSequenceClassification`` with ``id2label``/``label2id`` and ``problem_type`` set.

    The seed is set first, so the new classifier head is initialised the same way in every run.
    """
    from transformers import AutoModelForSequenceClassification, set_seed

    path = args.resolved_model_path
    _check_model_source(path)
    set_seed(args.seed)
    with _model_load_errors(path):
        return AutoModelForSequenceClassification.from_pretrained(
            path, num_labels=schema.num_labels, id2label=schema.id2label, label2id=schema.label2id,
            problem_type="multi_label_classification" if schema.multi_label else "single_label_classification",
            ignore_mismatched_sizes=True,  # a checkpoint fine-tuned on another label set gets a new head
        )


def load_tokenizer(path: str):
    from transformers import AutoTokenizer

    _check_model_source(path)
    with _model_load_errors(path):
        return AutoTokenizer.from_pretrained(path)


@contextlib.contextmanager
def _model_load_errors(path: str):
    try:
        yield
    except OSError as err:  # transformers reports a missing/unreachable Hub model as OSError
        raise DataFileNotFoundError(
            f"Cannot load model {path!r}: {str(err).splitlines()[0]} Pass a local model folder, or allow Hub "
            "downloads (unset HF_HUB_OFFLINE) for a Hub id.") from err


def _check_dataset(data, name: str) -> None:
    columns = getattr(data, "column_names", None) or list(data.keys())
    missing = [c for c in ("text", "label") if c not in columns]
    if missing:
        raise DataError(f"The {name} data has no {missing} column(s) (columns: {list(columns)}); load it with "
                        "nlptransfer.data.loading.load_labelled or rename the columns to text/label.")
    if len(data) == 0:
        raise DataError(f"The {name} data is empty.")


def make_compute_metrics(schema: LabelSchema):
    """Loop metrics from logits: :func:`classification_metrics` on decoded label names."""
    from ..evaluation.metrics import classification_metrics

    def compute(logits: np.ndarray, labels: np.ndarray) -> dict:
        if schema.multi_label:
            probs = 1 / (1 + np.exp(-logits))
            pred = [[n for n, p in zip(schema.names, row) if p >= 0.5] for row in probs]
            gold = [[n for n, y in zip(schema.names, row) if y >= 0.5] for row in labels]
        else:
            pred, gold = schema.decode_many(logits.argmax(axis=1)), schema.decode_many(labels)
        metrics = classification_metrics(gold, pred, schema, source="validation data")
        metrics.pop("n", None)
        return metrics

    return compute


class TransformerClassifier(TransferClassifier):
    """Fine-tuned transformer classifier. ``TransformerClassifier(strategy="top-k", top_k=2).fit(train, val)``."""

    def __init__(self, args: FinetuneArguments | None = None, **options):
        if args is None or options:
            args = FinetuneArguments.from_dict({**(args.to_dict() if args is not None else {}), **options})
        self.args = args
        self.model = None
        self.tokenizer = None
        self.schema: LabelSchema | None = None
        self.thresholds: list[float] | None = None
        self.metrics: dict = {}
        self.loop_result = None

    # ---- training -------------------------------------------------------------------------------
    def fit(self, train, validation=None, *, schema: LabelSchema | None = None) -> TransformerClassifier:
        from .batching import build_dataloaders, tokenize_for_classification
        from .strategies import apply_strategy, trainable_parameter_counts

        args = self.args
        _check_dataset(train, "training")
        if validation is not None:
            _check_dataset(validation, "validation")
        if args.max_train_samples and args.max_train_samples < len(train):
            train = train.shuffle(seed=args.seed).select(range(args.max_train_samples))
        self.schema = schema or LabelSchema.from_labels(train["label"], multi_label=args.multi_label)
        if self.schema.multi_label != args.multi_label:
            raise DataError(f"multi_label={args.multi_label} but the label schema says "
                            f"multi_label={self.schema.multi_label}; set both the same way.")
        self.tokenizer = load_tokenizer(args.resolved_model_path)
        model = build_model(args, self.schema)
        setup = apply_strategy(model, args)

        tokenize = dict(max_length=args.max_length, truncation=args.truncation, multi_label=args.multi_label,
                        window_stride=args.window_stride)
        train_tok, train_stats = tokenize_for_classification(train, self.tokenizer, self.schema, **tokenize)
        logger.info("truncation (train): %s", train_stats)
        eval_tok = None
        if validation is not None:
            eval_tok, eval_stats = tokenize_for_classification(validation, self.tokenizer, self.schema,
                                                               source="validation data", **tokenize)
            logger.info("truncation (validation): %s", eval_stats)

        loss_fn = None
        if args.class_weights is not None:
            from .imbalance import class_weights, weighted_loss_fn

            weights = class_weights(train["label"], self.schema, args.class_weights)
            logger.info("class weights: %s", dict(zip(self.schema.names, weights.tolist())))
            loss_fn = weighted_loss_fn(weights, multi_label=args.multi_label)

        pad_id = self.tokenizer.pad_token_id
        train_model, groups = setup.model, setup.param_groups
        cache = None
        if args.use_frozen_cache and setup.plan.frozen_prefix_layers is not None:
            from .frozen_cache import FrozenPrefixCache

            cache = FrozenPrefixCache(setup.model, setup.plan.frozen_prefix_layers, batch_size=args.eval_batch_size,
                                      mixed_precision="bf16" if args.mixed_precision == "bf16" else "no")
            train_model = cache.trainable_suffix()
            train_loader, eval_loader = cache.build_dataloaders(
                train_tok, eval_tok, pad_token_id=pad_id, batch_size=args.batch_size,
                eval_batch_size=args.eval_batch_size, group_by_length=args.group_by_length, seed=args.seed)
            logger.info("frozen-prefix cache: embeddings + %d frozen layers computed once per example",
                        setup.plan.frozen_prefix_layers)
        else:
            train_loader, eval_loader = build_dataloaders(
                train_tok, eval_tok, pad_token_id=pad_id, batch_size=args.batch_size,
                eval_batch_size=args.eval_batch_size, group_by_length=args.group_by_length, seed=args.seed)

        result = run_training_loop(
            train_model, train_loader, eval_loader, args, compute_metrics=make_compute_metrics(self.schema),
            loss_fn=loss_fn, optimizer_grouped_parameters=groups, callbacks=setup.callbacks, report_model=setup.model)
        self.model = setup.model.eval()
        self.loop_result = result
        padding = getattr(getattr(train_loader, "collate_fn", None), "stats", None)
        if padding is not None:
            logger.info("padding (train batches): %s", padding)
        self.metrics = {
            "validation": result.metrics,
            "train": {"train_loss": result.train_loss, "train_runtime": result.train_runtime,
                      "train_samples_per_second": result.train_samples_per_second,
                      "global_step": result.global_step, "best_epoch": result.best_epoch,
                      "best_step": result.best_step, "stopped_early": result.stopped_early,
                      "padded_share": padding.padded_share if padding is not None else None},
            "truncation": {"train": train_stats.to_dict(),
                           **({"validation": eval_stats.to_dict()} if validation is not None else {})},
            "trainable_parameters": trainable_parameter_counts(self.model),
            "history": result.history,
        }
        if args.multi_label and validation is not None:
            self._tune_thresholds(validation)
        return self

    def _tune_thresholds(self, validation) -> None:
        from .multilabel import tune_thresholds

        probs = self.predict_proba(list(validation["text"]))
        y_true = np.asarray(self.schema.encode_many(list(validation["label"]), source="validation data"))
        self.thresholds = [float(t) for t in tune_thresholds(probs, y_true)]
        self.metrics["thresholds"] = dict(zip(self.schema.names, self.thresholds))
        logger.info("multi-label thresholds tuned on validation: %s", self.metrics["thresholds"])

    # ---- prediction -----------------------------------------------------------------------------
    def predict_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Raw logits per text (window logits aggregated for truncation='window')."""
        from .batching import DynamicPaddingCollator, tokenize_for_classification
        from .long_text import aggregate_windows

        if self.model is None:
            raise RuntimeError("TransformerClassifier is not fitted; call fit() or load() first.")
        import datasets

        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros((0, self.schema.num_labels), dtype=np.float32)
        args = self.args
        data = datasets.Dataset.from_dict({"text": texts})
        tok, _ = tokenize_for_classification(data, self.tokenizer, None, max_length=args.max_length,
                                             truncation=args.truncation, window_stride=args.window_stride,
                                             source="prediction input")
        collate = DynamicPaddingCollator(self.tokenizer.pad_token_id)
        order = np.argsort(np.asarray(tok["length"]), kind="stable")  # length-sorted batches pad little
        rows = tok.remove_columns([c for c in ("doc_index",) if c in tok.column_names])
        device = next(self.model.parameters()).device
        out = np.zeros((len(tok), self.schema.num_labels), dtype=np.float32)
        self.model.eval()
        with torch.inference_mode():
            for start in range(0, len(order), args.eval_batch_size):
                idx = order[start:start + args.eval_batch_size]
                batch = collate([rows[int(i)] for i in idx])
                batch = {k: v.to(device) for k, v in model_inputs(batch).items()}
                out[idx] = extract_logits(self.model(**batch)).float().cpu().numpy()
        if "doc_index" in tok.column_names:
            out = aggregate_windows(out, tok["doc_index"], args.window_aggregation, num_docs=len(texts))
        return out.astype(np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        logits = torch.from_numpy(self.predict_logits(texts))
        if self.schema.multi_label:
            return torch.sigmoid(logits).numpy()
        return torch.softmax(logits, dim=-1).numpy()

    # ---- persistence ----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        if self.model is None:
            raise RuntimeError("Nothing to save: call fit() or load() first.")
        from .multilabel import save_thresholds

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if hasattr(self.model, "merge_and_unload"):  # LoRA: save a plain model with the adapters merged in
            self.model = self.model.merge_and_unload()
        self.model.save_pretrained(path, safe_serialization=True)
        self.tokenizer.save_pretrained(path)
        self.schema.save(path)
        self.args.save_json(path / TRAINING_ARGS_FILE)
        (path / METRICS_FILE).write_text(json.dumps(self.metrics, indent=2, default=float), encoding="utf-8")
        if self.thresholds is not None:
            save_thresholds(self.thresholds, self.schema, path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> TransformerClassifier:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from .multilabel import load_thresholds

        path = Path(path)
        if not (path / SCHEMA_FILENAME).exists() or not (path / "config.json").exists():
            raise DataFileNotFoundError(f"{path} is not a saved nlptransfer fine-tuned model (needs config.json "
                                        f"and {SCHEMA_FILENAME}); train one with `nlptransfer finetune`.")
        options = {}
        if (path / TRAINING_ARGS_FILE).exists():
            options = json.loads((path / TRAINING_ARGS_FILE).read_text(encoding="utf-8"))
        for key in ("resume_from_checkpoint", "save_every_steps"):
            options[key] = None  # a loaded model does not resume or write checkpoints
        self = cls(FinetuneArguments.from_dict(options))
        self.schema = LabelSchema.load(path)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForSequenceClassification.from_pretrained(path).eval()
        thresholds = load_thresholds(path, self.schema)
        self.thresholds = None if thresholds is None else [float(t) for t in thresholds]
        if (path / METRICS_FILE).exists():
            self.metrics = json.loads((path / METRICS_FILE).read_text(encoding="utf-8"))
        return self
