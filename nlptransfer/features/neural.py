"""``EmbeddingClassifier``: a Kim (2014) CNN or a bag-of-embeddings network on pretrained word vectors.

The vocabulary comes from the training texts (project tokenizer, ``min_count``); the embedding layer
is built by :func:`~.embedding_init.build_embedding` in ``static``, ``non-static`` or ``rand`` mode;
training runs in the shared Accelerate loop (:func:`nlptransfer.finetune.loop.run_training_loop`) with
early stopping on the validation split (carved from the training data when none is given) and the
best epoch's weights restored.

Saved folders hold ``embedding_classifier.json`` (config, embedding layout, training summary),
``vocab.json``, ``label_schema.json`` and ``model.safetensors`` (the vocabulary-sized embedding
table, never the full pretrained matrix).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from .. import __version__
from ..base import TransferClassifier
from ..data.labels import LabelSchema
from ..errors import ConfigError, DataError, DataFileNotFoundError, check_choice, check_known_options
from ._inputs import text_label_columns
from ._vectors import get_vectors, vectors_source
from .embedding_init import INIT_MODES, PretrainedEmbedding, build_embedding, learnable_unk_policy
from .networks import BagOfEmbeddingsEncoder, CNNEncoder, LinearHead, SingleTaskNetwork
from .static import make_tokenizer
from .vocab import Vocabulary, pad_batch

logger = logging.getLogger(__name__)

ARCHITECTURES = ("cnn", "boe")
CONFIG_FILENAME = "embedding_classifier.json"
WEIGHTS_FILENAME = "model.safetensors"


@dataclass
class EmbeddingClassifierConfig:
    """Architecture, embedding initialisation and training options of an :class:`EmbeddingClassifier`."""

    architecture: str = field(default="cnn", metadata={"help": f"One of {ARCHITECTURES}: Kim CNN or bag of embeddings."})
    init_mode: str = field(default="non-static", metadata={"help": f"One of {INIT_MODES} (Kim 2014)."})
    vectors: str = field(default="glove-6b-50d", metadata={"help": "Vectors name or path (load_vectors source)."})
    oov_policy: str = field(default="random", metadata={
        "help": "OOV policy spec for words without a vector, e.g. random, unk, normalize>subword>random."})
    learnable_unk: bool = field(default=False, metadata={
        "help": "Fold words the 'unk' step resolves into one <unk> row that is trained even in static mode."})
    train_oov_rows: bool = field(default=False, metadata={"help": "Train OOV rows even in static mode."})
    multichannel: bool = field(default=False, metadata={
        "help": "Kim's multichannel: a static and a non-static copy of the embeddings (init_mode non-static)."})
    tokenizer: dict | None = field(default=None, metadata={"help": "TokenizerConfig options (None: standard)."})
    min_count: int = field(default=1, metadata={"help": "Keep training words seen at least this often."})
    max_vocab_size: int | None = field(default=None, metadata={"help": "Keep at most this many words."})
    max_length: int = field(default=128, metadata={"help": "Truncate texts to this many tokens."})
    filter_sizes: list[int] = field(default_factory=lambda: [3, 4, 5], metadata={"help": "CNN filter widths."})
    num_filters: int = field(default=100, metadata={"help": "Feature maps per filter width."})
    dropout: float = field(default=0.5, metadata={"help": "Dropout before the output layer."})
    max_norm: float | None = field(default=3.0, metadata={"help": "L2 max-norm of output weight rows; None = off."})
    bigram_buckets: int = field(default=0, metadata={"help": "Hashed bigram buckets for 'boe' (0 = unigrams)."})
    num_epochs: int = field(default=10, metadata={"help": "Maximum training epochs."})
    batch_size: int = field(default=50, metadata={"help": "Training batch size (Kim: 50)."})
    group_by_length: bool = field(default=True, metadata={
        "help": "Batch texts of similar length (shuffled per epoch) so little time goes into padding."})
    eval_batch_size: int = field(default=256, metadata={"help": "Evaluation/prediction batch size."})
    learning_rate: float = field(default=1e-3, metadata={"help": "AdamW learning rate."})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay."})
    scheduler: str = field(default="constant", metadata={"help": "transformers.get_scheduler name."})
    early_stopping_patience: int | None = field(default=3, metadata={"help": "Epochs without improvement."})
    metric_for_best_model: str = field(default="accuracy", metadata={"help": "Validation metric to select on."})
    validation_fraction: float = field(default=0.1, metadata={
        "help": "Share of the training data held out for early stopping when fit() gets no validation set."})
    seed: int = field(default=42, metadata={"help": "Seed for initialisation, data order and dropout."})
    output_dir: str | None = field(default=None, metadata={"help": "Folder for loop checkpoints (optional)."})

    def __post_init__(self) -> None:
        check_choice("architecture", self.architecture, ARCHITECTURES)
        check_choice("embedding init mode", self.init_mode, INIT_MODES)
        if not isinstance(self.oov_policy, str):
            raise ConfigError(f"oov_policy must be a policy spec string such as 'random' or 'normalize>unk', "
                              f"got {self.oov_policy!r} (use learnable_unk=True for a trainable UNK row).")
        if self.multichannel and self.init_mode != "non-static":
            raise ConfigError("multichannel uses a static and a non-static copy of the pretrained vectors; "
                              f"set init_mode='non-static' (got {self.init_mode!r}).")
        for name in ("min_count", "max_length", "num_filters", "num_epochs", "batch_size", "eval_batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}.")
        self.filter_sizes = [int(k) for k in self.filter_sizes]
        if not self.filter_sizes or min(self.filter_sizes) < 1:
            raise ConfigError(f"filter_sizes must be positive widths, got {self.filter_sizes!r}.")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout!r}.")
        if self.max_norm is not None and self.max_norm <= 0:
            raise ConfigError(f"max_norm must be > 0 or None, got {self.max_norm!r}.")
        if self.bigram_buckets < 0 or (self.bigram_buckets and self.architecture != "boe"):
            raise ConfigError("bigram_buckets must be >= 0 and is only used by architecture='boe'.")
        if not 0 < self.validation_fraction < 1:
            raise ConfigError(f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}.")
        self.loop_arguments()  # validates the training options early

    def loop_arguments(self):
        from ..finetune.loop import LoopArguments

        return LoopArguments(
            num_epochs=self.num_epochs, learning_rate=self.learning_rate, batch_size=self.batch_size,
            eval_batch_size=self.eval_batch_size, weight_decay=self.weight_decay, warmup_fraction=0.0,
            scheduler=self.scheduler, max_grad_norm=None, seed=self.seed,
            early_stopping_patience=self.early_stopping_patience, metric_for_best_model=self.metric_for_best_model,
            output_dir=self.output_dir, logging_steps=50,
        )

    @classmethod
    def from_dict(cls, data: dict) -> EmbeddingClassifierConfig:
        check_known_options("EmbeddingClassifier", sorted(data), cls)
        return cls(**data)


# ---- shared by the single- and multi-task classifiers -----------------------------------------
class PadCollator:
    """Pads ``input_ids`` to the batch's longest text plus the CNN's trailing zeros; stacks the rest."""

    def __init__(self, extra_padding: int = 0):
        self.extra_padding = extra_padding

    def __call__(self, items: list[dict]) -> dict:
        ids = [it["input_ids"] for it in items]
        longest = max((len(x) for x in ids), default=0)
        batch = {"input_ids": torch.from_numpy(pad_batch(ids, min_length=longest + self.extra_padding))}
        for key in items[0]:
            if key != "input_ids":
                batch[key] = torch.as_tensor([it[key] for it in items])
        return batch


def encode_texts(texts: Sequence[str], tokenizer, vocab: Vocabulary, max_length: int) -> list[list[int]]:
    return [vocab.encode(tokens[:max_length]) for tokens in tokenizer.tokenize_many(texts)]


def build_encoder(config: EmbeddingClassifierConfig, vocab: Vocabulary, vectors=None, *, layout=None):
    """Encoder from pretrained ``vectors`` (training), or an empty one shaped by a saved ``layout`` (loading).

    Returns ``(encoder, vocab, layout)``; ``layout`` lists each embedding channel's size and frozen rows.
    """
    if layout is None:
        torch.manual_seed(config.seed)
        policy = learnable_unk_policy(config.oov_policy) if config.learnable_unk else config.oov_policy
        first, vocab, info = build_embedding(vocab, vectors, "static" if config.multichannel else config.init_mode,
                                             oov_policy=policy, train_oov_rows=config.train_oov_rows,
                                             seed=config.seed)
        channels = [first]
        if config.multichannel:  # second channel: the same table, fine-tuned
            second = PretrainedEmbedding(first.weight.shape[0], first.dim, freeze=False)
            with torch.no_grad():
                second.weight.copy_(first.weight)
            channels.append(second)
        layout = {"channels": [{"num_embeddings": c.weight.shape[0], "dim": c.dim, "frozen": c.frozen,
                                "trainable_rows": 0 if c.row_delta is None else c.row_delta.shape[0]}
                               for c in channels], "embedding_info": info}
    else:
        channels = [PretrainedEmbedding(c["num_embeddings"], c["dim"], freeze=c["frozen"],
                                        trainable_rows=range(2, 2 + c["trainable_rows"]))
                    for c in layout["channels"]]
    if config.architecture == "cnn":
        encoder = CNNEncoder(channels, filter_sizes=config.filter_sizes, num_filters=config.num_filters)
    else:
        encoder = BagOfEmbeddingsEncoder(channels, bigram_buckets=config.bigram_buckets)
    return encoder, vocab, layout


def extra_padding(config: EmbeddingClassifierConfig) -> int:
    return max(config.filter_sizes) - 1 if config.architecture == "cnn" else 0


def batched_logits(network, id_lists: list[list[int]], config: EmbeddingClassifierConfig, **forward_kw) -> np.ndarray:
    """Logits for many texts: length-sorted batches (little padding), original order restored."""
    device = next(network.parameters()).device
    network.eval()
    order = np.argsort([-len(x) for x in id_lists], kind="stable")
    collate = PadCollator(extra_padding(config))
    chunks, rows = [], []
    with torch.inference_mode():
        for start in range(0, len(order), config.eval_batch_size):
            idx = order[start:start + config.eval_batch_size]
            batch = collate([{"input_ids": id_lists[i]} for i in idx])
            chunks.append(network(batch["input_ids"].to(device), **forward_kw).float().cpu().numpy())
            rows.append(idx)
    if not chunks:
        return np.zeros((0, 0), dtype=np.float32)
    out = np.empty((len(id_lists), chunks[0].shape[1]), dtype=np.float32)
    out[np.concatenate(rows)] = np.concatenate(chunks)
    return out


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train_order(cfg: EmbeddingClassifierConfig, lengths: list[int]) -> dict:
    """DataLoader ordering options: length-grouped batches (the fine-tuning engine's sampler) or a shuffle."""
    if cfg.group_by_length:
        from ..finetune.batching import LengthGroupedSampler

        return {"sampler": LengthGroupedSampler(lengths, cfg.batch_size, seed=cfg.seed)}
    return {"shuffle": True, "generator": torch.Generator().manual_seed(cfg.seed)}


def train_vocabulary(texts, tokenizer, config: EmbeddingClassifierConfig) -> Vocabulary:
    tokens = (t[: config.max_length] for t in tokenizer.tokenize_many(texts))
    return Vocabulary.build(tokens, min_count=config.min_count, max_size=config.max_vocab_size)


def result_summary(result) -> dict:
    return {"best_metric": result.best_metric, "best_epoch": result.best_epoch, "global_step": result.global_step,
            "stopped_early": result.stopped_early, "train_runtime": result.train_runtime,
            "validation_metrics": result.metrics, "history": result.history}


class EmbeddingClassifier(TransferClassifier):
    """CNN / bag-of-embeddings text classifier on pretrained word vectors (static, non-static or rand)."""

    def __init__(self, config: EmbeddingClassifierConfig | None = None, **overrides):
        if config is None:
            config = EmbeddingClassifierConfig(**overrides)
        elif overrides:
            config = EmbeddingClassifierConfig(**{**asdict(config), **overrides})
        self.config = config
        self.schema: LabelSchema | None = None
        self.network: SingleTaskNetwork | None = None
        self.training_summary: dict | None = None

    def fit(self, train, validation=None, *, text_column: str = "text", label_column: str = "label"):
        from ..finetune.loop import make_accelerator, run_training_loop

        cfg = self.config
        if validation is None:
            from ..data.sampling import stratified_split

            train, validation = stratified_split(train, cfg.validation_fraction, cfg.seed, label_column=label_column)
            logger.info("no validation set given: holding out %d of the training examples", len(validation))
        texts, labels = text_label_columns(train, text_column, label_column, "training")
        val_texts, val_labels = text_label_columns(validation, text_column, label_column, "validation")
        self.schema = LabelSchema.from_labels(labels, source="training data")
        y = self.schema.encode_many(labels, source="training data")
        y_val = self.schema.encode_many(val_labels, source="validation data")
        self.tokenizer_ = make_tokenizer(cfg.tokenizer)
        vocab = train_vocabulary(texts, self.tokenizer_, cfg)
        vectors = get_vectors(cfg.vectors)
        self.vectors_source_ = vectors_source(cfg.vectors)
        encoder, self.vocab, self.layout_ = build_encoder(cfg, vocab, vectors)
        head = LinearHead(encoder.output_dim, self.schema.num_labels, dropout=cfg.dropout, max_norm=cfg.max_norm)
        self.network = SingleTaskNetwork(encoder, head)
        logger.info("embedding: %s", self.layout_["embedding_info"])

        ids = encode_texts(texts, self.tokenizer_, self.vocab, cfg.max_length)
        val_ids = encode_texts(val_texts, self.tokenizer_, self.vocab, cfg.max_length)
        collate = PadCollator(extra_padding(cfg))
        train_loader = torch.utils.data.DataLoader(
            [{"input_ids": i, "labels": t} for i, t in zip(ids, y)], batch_size=cfg.batch_size,
            collate_fn=collate, **train_order(cfg, [len(i) for i in ids]))
        eval_loader = torch.utils.data.DataLoader(
            [{"input_ids": i, "labels": t} for i, t in zip(val_ids, y_val)], batch_size=cfg.eval_batch_size,
            shuffle=False, collate_fn=collate)
        args = cfg.loop_arguments()
        result = run_training_loop(self.network, train_loader, eval_loader, args, accelerator=make_accelerator(args))
        self.network = self.network.cpu().eval()
        self.training_summary = result_summary(result)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if self.network is None or self.schema is None:
            raise RuntimeError("EmbeddingClassifier is not fitted yet; call fit() or load() first.")
        if isinstance(texts, str):
            raise DataError("predict_proba expects a list of texts, got a single string; wrap it in a list.")
        ids = encode_texts(list(texts), self.tokenizer_, self.vocab, self.config.max_length)
        if not ids:
            return np.zeros((0, self.schema.num_labels))
        return softmax(batched_logits(self.network, ids, self.config).astype(np.float64))

    # ---- persistence --------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        from safetensors.torch import save_file

        if self.network is None or self.schema is None:
            raise RuntimeError("Nothing to save: fit the classifier first.")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.schema.save(folder)
        self.vocab.save(folder)
        meta = {"format": "nlptransfer.embedding_classifier/1", "nlptransfer_version": __version__,
                "config": asdict(self.config), "vectors_source": self.vectors_source_, "layout": self.layout_,
                "training": self.training_summary}
        (folder / CONFIG_FILENAME).write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
        state = {k: v.detach().cpu().contiguous() for k, v in self.network.state_dict().items()}
        save_file(state, str(folder / WEIGHTS_FILENAME))
        return folder

    @classmethod
    def load(cls, path: str | Path) -> EmbeddingClassifier:
        from safetensors.torch import load_file

        folder = Path(path)
        if not (folder / CONFIG_FILENAME).exists():
            raise DataFileNotFoundError(f"{folder} is not a saved EmbeddingClassifier (no {CONFIG_FILENAME}).")
        meta = json.loads((folder / CONFIG_FILENAME).read_text(encoding="utf-8"))
        model = cls(EmbeddingClassifierConfig.from_dict(meta["config"]))
        model.schema = LabelSchema.load(folder)
        model.vocab = Vocabulary.load(folder)
        model.tokenizer_ = make_tokenizer(model.config.tokenizer)
        model.vectors_source_ = meta.get("vectors_source", model.config.vectors)
        model.layout_ = meta["layout"]
        encoder, _, _ = build_encoder(model.config, model.vocab, layout=model.layout_)
        head = LinearHead(encoder.output_dim, model.schema.num_labels, dropout=model.config.dropout,
                          max_norm=model.config.max_norm)
        model.network = SingleTaskNetwork(encoder, head)
        model.network.load_state_dict(load_file(str(folder / WEIGHTS_FILENAME)))
        model.network.eval()
        model.training_summary = meta.get("training")
        return model
