"""Multi-task learning: one shared embedding encoder (CNN or bag of embeddings), one head per task.

Tasks are trained jointly in the shared Accelerate loop. Every batch holds examples of a single task
(so each head sees full batches); :class:`TaskBatchSampler` decides the order:

- ``proportional``: all tasks' batches shuffled together, so each task is sampled in proportion to
  its size and an epoch sees every training example once;
- ``alternating``: round-robin over tasks (equal share per task); smaller tasks are re-shuffled and
  repeated until the epoch has as many batches as the proportional one.

Per-task loss weights scale each task's cross-entropy. Labels travel through the loop as
``(task id, class id)`` pairs; the network pads logits to the largest task's class count, so the
loop's evaluation can concatenate batches of different tasks and the metrics are split per task.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from .. import __version__
from ..base import TransferClassifier
from ..data.labels import LabelSchema
from ..errors import ConfigError, DataError, DataFileNotFoundError, UsageError, check_choice
from ._inputs import text_label_columns
from ._vectors import get_vectors, vectors_source
from .networks import LinearHead, MultiTaskNetwork
from .neural import (
    WEIGHTS_FILENAME,
    EmbeddingClassifierConfig,
    PadCollator,
    batched_logits,
    build_encoder,
    encode_texts,
    extra_padding,
    result_summary,
    softmax,
    train_vocabulary,
)
from .static import make_tokenizer
from .vocab import Vocabulary

logger = logging.getLogger(__name__)

SAMPLING = ("proportional", "alternating")
CONFIG_FILENAME = "multitask_classifier.json"


class TaskBatchSampler(torch.utils.data.Sampler):
    """Batches of global indices, each from one task; order a function of (seed, epoch)."""

    def __init__(self, task_offsets: Sequence[int], task_sizes: Sequence[int], batch_size: int, *,
                 sampling: str = "proportional", seed: int = 0):
        self.offsets, self.sizes = list(task_offsets), list(task_sizes)
        self.batch_size, self.sampling, self.seed = batch_size, sampling, seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def _task_batches(self, t: int, rng: np.random.Generator) -> list[list[int]]:
        perm = rng.permutation(self.sizes[t]) + self.offsets[t]
        return [perm[i:i + self.batch_size].tolist() for i in range(0, len(perm), self.batch_size)]

    def __len__(self) -> int:
        return sum(-(-n // self.batch_size) for n in self.sizes)

    def __iter__(self):
        rng = np.random.default_rng([self.seed, self.epoch])
        if self.sampling == "proportional":
            batches = [b for t in range(len(self.sizes)) for b in self._task_batches(t, rng)]
            yield from (batches[i] for i in rng.permutation(len(batches)))
            return
        queues = [self._task_batches(t, rng) for t in range(len(self.sizes))]
        produced, t = 0, 0
        while produced < len(self):
            if not queues[t]:
                queues[t] = self._task_batches(t, rng)
            yield queues[t].pop()
            produced += 1
            t = (t + 1) % len(self.sizes)


def _multitask_loss(weights: torch.Tensor):
    def loss_fn(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        per_example = torch.nn.functional.cross_entropy(logits.float(), labels[:, 1].long(), reduction="none")
        w = weights.to(logits.device)[labels[:, 0].long()]
        return (per_example * w).sum() / w.sum().clamp(min=1e-12)

    return loss_fn


def _multitask_metrics(task_names: list[str], num_classes: list[int]):
    from sklearn.metrics import accuracy_score, f1_score

    def compute(logits: np.ndarray, labels: np.ndarray) -> dict[str, float]:
        out: dict[str, float] = {}
        for t, (name, k) in enumerate(zip(task_names, num_classes)):
            rows = labels[:, 0] == t
            if not rows.any():
                continue
            pred, gold = logits[rows, :k].argmax(1), labels[rows, 1]
            out[f"{name}_accuracy"] = float(accuracy_score(gold, pred))
            out[f"{name}_macro_f1"] = float(f1_score(gold, pred, labels=list(range(k)), average="macro",
                                                     zero_division=0))
        for metric in ("accuracy", "macro_f1"):
            values = [v for k, v in out.items() if k.endswith("_" + metric)]
            out[metric] = float(np.mean(values)) if values else 0.0  # unweighted mean over tasks
        return out

    return compute


class _TaskView(TransferClassifier):
    """One task of a fitted multi-task model, usable wherever a TransferClassifier is expected."""

    def __init__(self, parent: MultiTaskEmbeddingClassifier, task: str):
        self.parent, self.task = parent, task
        self.schema = parent.schemas[task]

    def fit(self, train, validation=None):
        raise UsageError("A task view cannot be fitted alone; fit the MultiTaskEmbeddingClassifier with all tasks.")

    def predict_proba(self, texts):
        return self.parent.predict_proba(texts, self.task)

    def save(self, path):
        return self.parent.save(path)

    @classmethod
    def load(cls, path):
        raise UsageError("Load with MultiTaskEmbeddingClassifier.load(path).for_task(name).")


class MultiTaskEmbeddingClassifier:
    """A shared CNN/BoE encoder on pretrained embeddings with one classification head per task."""

    def __init__(self, config: EmbeddingClassifierConfig | None = None, *, sampling: str = "proportional",
                 task_weights: Mapping[str, float] | None = None, **overrides):
        if config is None:
            config = EmbeddingClassifierConfig(**overrides)
        elif overrides:
            config = EmbeddingClassifierConfig(**{**asdict(config), **overrides})
        check_choice("multi-task sampling", sampling, SAMPLING)
        self.config, self.sampling = config, sampling
        self.task_weights = dict(task_weights or {})
        self.schemas: dict[str, LabelSchema] = {}
        self.network: MultiTaskNetwork | None = None
        self.training_summary: dict | None = None

    @property
    def task_names(self) -> list[str]:
        return list(self.schemas)

    def fit(self, train: Mapping[str, object], validation: Mapping[str, object] | None = None, *,
            text_column: str = "text", label_column: str = "label") -> MultiTaskEmbeddingClassifier:
        """``train``/``validation``: dicts task name -> dataset (validation carved from train when missing)."""
        from ..data.sampling import stratified_split
        from ..finetune.loop import make_accelerator, run_training_loop

        cfg = self.config
        if not isinstance(train, Mapping) or len(train) < 1:
            raise DataError("MultiTaskEmbeddingClassifier.fit expects a dict {task name: training dataset}.")
        unknown = sorted(set(self.task_weights) - set(train))
        if unknown:
            raise ConfigError(f"task_weights names unknown task(s) {unknown}; tasks are {sorted(train)}.")
        validation = dict(validation or {})
        texts, labels, val_texts, val_labels = {}, {}, {}, {}
        for task, data in train.items():
            if task not in validation:
                data, validation[task] = stratified_split(data, cfg.validation_fraction, cfg.seed,
                                                          label_column=label_column)
            texts[task], labels[task] = text_label_columns(data, text_column, label_column, f"{task} training")
            val_texts[task], val_labels[task] = text_label_columns(validation[task], text_column, label_column,
                                                         f"{task} validation")
            self.schemas[task] = LabelSchema.from_labels(labels[task], source=f"{task} training data")
        self.tokenizer_ = make_tokenizer(cfg.tokenizer)
        vocab = train_vocabulary([t for task in texts for t in texts[task]], self.tokenizer_, cfg)
        vectors = get_vectors(cfg.vectors)
        self.vectors_source_ = vectors_source(cfg.vectors)
        encoder, self.vocab, self.layout_ = build_encoder(cfg, vocab, vectors)
        self.network = self._network(encoder)

        def items(task_texts, task_labels):
            out, offsets, sizes = [], [], []
            for t, task in enumerate(self.task_names):
                ids = encode_texts(task_texts[task], self.tokenizer_, self.vocab, cfg.max_length)
                y = self.schemas[task].encode_many(task_labels[task], source=f"{task} data")
                offsets.append(len(out))
                sizes.append(len(ids))
                out += [{"input_ids": i, "labels": [t, c], "task_ids": t} for i, c in zip(ids, y)]
            return out, offsets, sizes

        train_items, offsets, sizes = items(texts, labels)
        val_items, _, _ = items(val_texts, val_labels)
        collate = PadCollator(extra_padding(cfg))
        sampler = TaskBatchSampler(offsets, sizes, cfg.batch_size, sampling=self.sampling, seed=cfg.seed)
        train_loader = torch.utils.data.DataLoader(train_items, batch_sampler=sampler, collate_fn=collate)
        eval_loader = torch.utils.data.DataLoader(val_items, batch_size=cfg.eval_batch_size, collate_fn=collate)
        weights = torch.tensor([float(self.task_weights.get(t, 1.0)) for t in self.task_names])
        args = cfg.loop_arguments()
        result = run_training_loop(
            self.network, train_loader, eval_loader, args, accelerator=make_accelerator(args),
            loss_fn=_multitask_loss(weights),
            compute_metrics=_multitask_metrics(self.task_names, [s.num_labels for s in self.schemas.values()]))
        self.network = self.network.cpu().eval()
        self.training_summary = result_summary(result)
        return self

    def _network(self, encoder) -> MultiTaskNetwork:
        cfg = self.config
        heads = {task: LinearHead(encoder.output_dim, schema.num_labels, dropout=cfg.dropout, max_norm=cfg.max_norm)
                 for task, schema in self.schemas.items()}
        return MultiTaskNetwork(encoder, heads)

    # ---- per-task prediction ------------------------------------------------------------------
    def _check_task(self, task: str) -> None:
        if self.network is None:
            raise RuntimeError("MultiTaskEmbeddingClassifier is not fitted yet; call fit() or load() first.")
        check_choice("task", task, self.task_names)

    def predict_proba(self, texts: Sequence[str], task: str) -> np.ndarray:
        self._check_task(task)
        if isinstance(texts, str):
            raise DataError("predict_proba expects a list of texts, got a single string; wrap it in a list.")
        ids = encode_texts(list(texts), self.tokenizer_, self.vocab, self.config.max_length)
        if not ids:
            return np.zeros((0, self.schemas[task].num_labels))
        view = _TaskForward(self.network, task)
        return softmax(batched_logits(view, ids, self.config).astype(np.float64))

    def for_task(self, task: str) -> _TaskView:
        self._check_task(task)
        return _TaskView(self, task)

    def predict(self, texts: Sequence[str], task: str):
        return self.for_task(task).predict(texts)

    def evaluate(self, data, task: str, **kw) -> dict[str, float]:
        return self.for_task(task).evaluate(data, **kw)

    def evaluate_all(self, datasets: Mapping[str, object], **kw) -> dict[str, dict[str, float]]:
        return {task: self.evaluate(data, task, **kw) for task, data in datasets.items()}

    # ---- persistence --------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        from safetensors.torch import save_file

        if self.network is None:
            raise RuntimeError("Nothing to save: fit the classifier first.")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.vocab.save(folder)
        for task, schema in self.schemas.items():
            schema.save(folder / "tasks" / task)
        meta = {"format": "nlptransfer.multitask_embedding_classifier/1", "nlptransfer_version": __version__,
                "config": asdict(self.config), "sampling": self.sampling, "task_weights": self.task_weights,
                "tasks": self.task_names, "vectors_source": self.vectors_source_, "layout": self.layout_,
                "training": self.training_summary}
        (folder / CONFIG_FILENAME).write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
        save_file({k: v.detach().cpu().contiguous() for k, v in self.network.state_dict().items()},
                  str(folder / WEIGHTS_FILENAME))
        return folder

    @classmethod
    def load(cls, path: str | Path) -> MultiTaskEmbeddingClassifier:
        from safetensors.torch import load_file

        folder = Path(path)
        if not (folder / CONFIG_FILENAME).exists():
            raise DataFileNotFoundError(f"{folder} is not a saved MultiTaskEmbeddingClassifier (no {CONFIG_FILENAME}).")
        meta = json.loads((folder / CONFIG_FILENAME).read_text(encoding="utf-8"))
        model = cls(EmbeddingClassifierConfig.from_dict(meta["config"]), sampling=meta["sampling"],
                    task_weights=meta.get("task_weights"))
        model.schemas = {task: LabelSchema.load(folder / "tasks" / task) for task in meta["tasks"]}
        model.vocab = Vocabulary.load(folder)
        model.tokenizer_ = make_tokenizer(model.config.tokenizer)
        model.vectors_source_ = meta.get("vectors_source")
        model.layout_ = meta["layout"]
        encoder, _, _ = build_encoder(model.config, model.vocab, layout=model.layout_)
        model.network = model._network(encoder)
        model.network.load_state_dict(load_file(str(folder / WEIGHTS_FILENAME)))
        model.network.eval()
        model.training_summary = meta.get("training")
        return model


class _TaskForward(torch.nn.Module):
    """``forward(input_ids)`` -> one task's logits (adapts the multi-task net to ``batched_logits``)."""

    def __init__(self, network: MultiTaskNetwork, task: str):
        super().__init__()
        self.network, self.task = network, task

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.network.task_logits(input_ids, self.task)
