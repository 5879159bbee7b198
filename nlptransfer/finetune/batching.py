"""Tokenisation for classification, length-grouped batches and dynamic padding.

Padding is the largest avoidable cost of fine-tuning on CPU: SST-2 sentences are 5 to 60 tokens long,
so a random batch padded to its longest member is about half padding. :class:`LengthGroupedSampler`
puts texts of similar length in the same batch (the "mega-batch" scheme of transformers'
``LengthGroupedSampler``) and :class:`DynamicPaddingCollator` pads each batch only to its own longest
text; :class:`PaddingStats` measures the padded share so runs can log it.

:class:`LengthGroupedSampler` is a plain *index* sampler (not a batch sampler): ``DataLoader(...,
sampler=s, batch_size=b)`` cuts its output into the intended batches, and ``accelerator.prepare``
shards those whole batches across processes (``BatchSamplerShard``). Its order depends only on
``seed`` and the epoch, so every process sees the same permutation and an interrupted run resumes on
the same order. Accelerate's ``DataLoaderShard`` calls ``set_epoch`` before each epoch; with a plain
``DataLoader`` call ``sampler.set_epoch(epoch)`` yourself.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader, Sampler

from ..data.labels import LabelSchema
from ..errors import ConfigError, DataError, check_choice
from .long_text import TRUNCATION_STRATEGIES, special_token_layout, truncate_ids, window_ids

TOKENIZE_TRUNCATIONS = (*TRUNCATION_STRATEGIES, "window")


@dataclass
class TruncationStats:
    """How much text the window cut off, so a too-small ``max_length`` is visible in the logs."""

    num_texts: int
    num_truncated: int
    max_length: int
    strategy: str
    mean_length: float  # tokens incl. special tokens, before truncation
    p95_length: int
    longest: int
    tokens_dropped: int
    num_windows: int | None = None  # only for strategy "window"

    @property
    def truncated_share(self) -> float:
        return self.num_truncated / self.num_texts if self.num_texts else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "truncated_share": self.truncated_share}

    def __str__(self) -> str:
        text = (f"{self.num_truncated}/{self.num_texts} texts ({self.truncated_share:.1%}) longer than "
                f"max_length={self.max_length} ({self.strategy}); length mean {self.mean_length:.1f}, "
                f"p95 {self.p95_length}, max {self.longest}; {self.tokens_dropped} tokens dropped")
        if self.num_windows is not None:
            text += f"; {self.num_windows} windows"
        return text


def _encode_labels(labels: Sequence, schema: LabelSchema, multi_label: bool, source: str) -> list:
    if multi_label and not schema.multi_label:
        raise ConfigError("multi_label=True needs a LabelSchema built with multi_label=True.")
    encoded = schema.encode_many(list(labels), source=source)
    if multi_label:
        return [[float(v) for v in row] for row in encoded]
    return encoded


def tokenize_for_classification(
    dataset,
    tokenizer,
    schema: LabelSchema | None,
    *,
    max_length: int,
    truncation: str = "head",
    multi_label: bool = False,
    window_stride: int = 64,
    text_column: str = "text",
    label_column: str = "label",
    source: str = "training data",
):
    """Tokenise ``dataset`` for a sequence classifier; return ``(datasets.Dataset, TruncationStats)``.

    The result has ``input_ids``, ``attention_mask``, ``length`` and, when ``schema`` is given and the
    dataset has labels, ``labels`` (class ids, or multi-hot float rows when ``multi_label``). Texts
    are tokenised whole and cut by ``truncation`` (``head``/``tail``/``head+tail``) with the special
    tokens kept; ``window`` instead emits one row per window of ``max_length`` tokens, starting every
    ``window_stride`` text tokens, plus a ``doc_index`` column pointing at the source row. Padding is left
    to :class:`DynamicPaddingCollator`.
    """
    import datasets

    check_choice("truncation", truncation, TOKENIZE_TRUNCATIONS)
    if max_length < 2:
        raise ConfigError(f"max_length must be at least 2, got {max_length}.")
    model_max = getattr(tokenizer, "model_max_length", None)
    if model_max is not None and model_max < 1_000_000 and max_length > model_max:
        raise ConfigError(f"max_length={max_length} exceeds the model's limit of {model_max} tokens; "
                          f"use max_length <= {model_max} (and truncation='window' for longer texts).")
    columns = dataset.column_names if hasattr(dataset, "column_names") else list(dataset.keys())
    if text_column not in columns:
        raise DataError(f"{source} has no text column {text_column!r} (columns: {list(columns)}).")
    texts = list(dataset[text_column])
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise DataError(f"{source}, row {bad}: text is {texts[bad]!r}, not a string. Drop or fill empty rows.")

    prefix, suffix = special_token_layout(tokenizer)
    full = tokenizer(texts, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    lengths = np.fromiter((len(ids) for ids in full), dtype=np.int64, count=len(full))
    layout = {"num_prefix": len(prefix), "num_suffix": len(suffix)}

    doc_index = None
    if truncation == "window":
        ids, doc_index = window_ids(full, max_length, window_stride, **layout)
        dropped = 0  # windows cover every token
    else:
        ids = [truncate_ids(x, max_length, truncation, **layout) for x in full]
        dropped = int(np.maximum(lengths - max_length, 0).sum())
    stats = TruncationStats(
        num_texts=len(full), num_truncated=int((lengths > max_length).sum()), max_length=max_length,
        strategy=truncation, mean_length=float(lengths.mean()) if len(lengths) else 0.0,
        p95_length=int(np.percentile(lengths, 95)) if len(lengths) else 0,
        longest=int(lengths.max()) if len(lengths) else 0, tokens_dropped=dropped,
        num_windows=len(ids) if truncation == "window" else None,
    )
    columns_out: dict[str, list] = {
        "input_ids": ids,
        "attention_mask": [[1] * len(x) for x in ids],
        "length": [len(x) for x in ids],
    }
    if schema is not None and label_column in columns:
        labels = _encode_labels(dataset[label_column], schema, multi_label, source)
        columns_out["labels"] = labels if doc_index is None else [labels[i] for i in doc_index]
    if doc_index is not None:
        columns_out["doc_index"] = doc_index.tolist()
    return datasets.Dataset.from_dict(columns_out), stats


class LengthGroupedSampler(Sampler[int]):
    """Indices in batches of similar length, shuffled per epoch, deterministic in (seed, epoch).

    Each epoch: a seeded permutation is cut into mega-batches of ``mega_batch_mult * batch_size``
    indices, each mega-batch is sorted by length (longest first) and cut into batches, and the order
    of the full batches is shuffled (the one short batch, if any, comes last so that ``DataLoader``'s
    batch boundaries line up with these batches). With ``shuffle=False`` the indices are simply
    sorted by length, which suits evaluation.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, *, seed: int = 0, shuffle: bool = True,
                 mega_batch_mult: int = 50):
        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {batch_size}.")
        if mega_batch_mult < 1:
            raise ConfigError(f"mega_batch_mult must be >= 1, got {mega_batch_mult}.")
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.mega_batch_mult = mega_batch_mult
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.lengths)

    def batches(self) -> list[np.ndarray]:
        """This epoch's batches of indices, in order."""
        n, bs = len(self.lengths), self.batch_size
        if not self.shuffle:
            order = np.argsort(-self.lengths, kind="stable")
            return [order[i:i + bs] for i in range(0, n, bs)]
        rng = np.random.default_rng([self.seed, self.epoch])
        perm = rng.permutation(n)
        mega = self.mega_batch_mult * bs
        full, short = [], []
        for start in range(0, n, mega):
            chunk = perm[start:start + mega]
            chunk = chunk[np.argsort(-self.lengths[chunk], kind="stable")]
            for i in range(0, len(chunk), bs):
                (full if len(chunk[i:i + bs]) == bs else short).append(chunk[i:i + bs])
        order = rng.permutation(len(full))
        batches = [full[i] for i in order]
        if short:  # only the last mega-batch can be short; keep its remainder as the final batch
            batches.append(np.concatenate(short))
        return batches

    def __iter__(self) -> Iterator[int]:
        for batch in self.batches():
            yield from batch.tolist()


@dataclass
class PaddingStats:
    """Real versus padded token positions seen by a collator."""

    real_tokens: int = 0
    total_tokens: int = 0
    batches: int = 0

    def update(self, lengths: Sequence[int], padded_length: int) -> None:
        self.real_tokens += int(sum(lengths))
        self.total_tokens += int(padded_length) * len(lengths)
        self.batches += 1

    @property
    def padded_share(self) -> float:
        return 1.0 - self.real_tokens / self.total_tokens if self.total_tokens else 0.0

    def reset(self) -> None:
        self.real_tokens = self.total_tokens = self.batches = 0

    def to_dict(self) -> dict:
        return {**asdict(self), "padded_share": self.padded_share}

    def __str__(self) -> str:
        return (f"{self.padded_share:.1%} of {self.total_tokens} token positions were padding "
                f"({self.batches} batches)")


class DynamicPaddingCollator:
    """Pad a list of tokenised rows to the batch's longest row; only model inputs and ``labels`` pass.

    Columns other than ``input_ids``/``attention_mask``/``token_type_ids``/``labels`` (``length``,
    ``doc_index``) are dropped so the batch can go straight to ``model(**batch)``. Multi-hot label rows
    become a float tensor, class ids a long tensor. Every call adds to :attr:`stats`.
    """

    def __init__(self, pad_token_id: int, *, pad_to_multiple_of: int | None = None):
        if pad_token_id is None:
            raise ConfigError("The tokenizer has no pad token; set tokenizer.pad_token before batching.")
        self.pad_token_id = int(pad_token_id)
        self.pad_to_multiple_of = pad_to_multiple_of
        self.stats = PaddingStats()

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        lengths = [len(r["input_ids"]) for r in rows]
        width = max(lengths)
        if self.pad_to_multiple_of:
            width = math.ceil(width / self.pad_to_multiple_of) * self.pad_to_multiple_of
        input_ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        attention = torch.zeros((len(rows), width), dtype=torch.long)
        token_types = torch.zeros((len(rows), width), dtype=torch.long) if "token_type_ids" in rows[0] else None
        for i, (row, n) in enumerate(zip(rows, lengths)):
            input_ids[i, :n] = torch.as_tensor(row["input_ids"], dtype=torch.long)
            attention[i, :n] = 1
            if token_types is not None:
                token_types[i, :n] = torch.as_tensor(row["token_type_ids"], dtype=torch.long)
        self.stats.update(lengths, width)
        batch = {"input_ids": input_ids, "attention_mask": attention}
        if token_types is not None:
            batch["token_type_ids"] = token_types
        if "labels" in rows[0]:
            first = rows[0]["labels"]
            dtype = torch.float32 if isinstance(first, (list, tuple)) else torch.long
            batch["labels"] = torch.as_tensor([r["labels"] for r in rows], dtype=dtype)
        return batch


def build_dataloaders(
    train_dataset,
    eval_dataset=None,
    *,
    pad_token_id: int,
    batch_size: int,
    eval_batch_size: int | None = None,
    group_by_length: bool = True,
    seed: int = 0,
    mega_batch_mult: int = 50,
) -> tuple[DataLoader, DataLoader | None]:
    """Train and eval ``DataLoader``s over tokenised datasets, ready for ``accelerator.prepare``.

    Training batches are length-grouped (or plainly shuffled with a seeded generator when
    ``group_by_length=False``); the eval loader sorts by length, since metrics do not depend on order
    (to restore input order, ``order = np.concatenate(loader.sampler.batches())`` gives the row of
    each output position: ``out[order] = outputs``).
    Each loader's collator keeps its :class:`PaddingStats` at ``loader.collate_fn.stats``.
    """
    eval_batch_size = eval_batch_size or batch_size
    if group_by_length:
        sampler = LengthGroupedSampler(train_dataset["length"], batch_size, seed=seed,
                                       mega_batch_mult=mega_batch_mult)
        train = DataLoader(train_dataset, batch_size=batch_size, sampler=sampler,
                           collate_fn=DynamicPaddingCollator(pad_token_id))
    else:
        generator = torch.Generator().manual_seed(seed)
        train = DataLoader(train_dataset, batch_size=batch_size, shuffle=True, generator=generator,
                           collate_fn=DynamicPaddingCollator(pad_token_id))
    evaluation = None
    if eval_dataset is not None:
        eval_sampler = LengthGroupedSampler(eval_dataset["length"], eval_batch_size, shuffle=False)
        evaluation = DataLoader(eval_dataset, batch_size=eval_batch_size, sampler=eval_sampler,
                                collate_fn=DynamicPaddingCollator(pad_token_id))
    return train, evaluation
