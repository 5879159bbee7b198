"""Run the frozen bottom of an encoder once per example and train only the top from cached states.

For ``head`` and ``top-k`` the embeddings and the lower transformer layers never change, yet a plain
loop recomputes them for every example in every epoch. :class:`FrozenPrefixCache` runs them once (no
grad, eval mode, length-sorted batches), keeps each example's hidden states at the boundary (only its
real tokens, in one flat tensor) and serves batches of cached states; :class:`TrainableSuffix` runs
the trainable top layers, pooler and head on them.

The suffix shares its parameters with the real model: training it trains the model, and the saved
model is the normal full ``*ForSequenceClassification``. It does not re-implement any architecture:
during its forward the model's embeddings are swapped for a pass-through returning the cached states
and its layer list for the top layers, and the model's own ``forward`` runs (attention-mask handling,
pooler, dropout, head). Any encoder :class:`~.layer_groups.LayerGroups` understands works.

With the cache the frozen layers run without dropout (they are a fixed feature extractor), so a cached
step equals an uncached step of the model whose frozen part is in eval mode. For ``head`` on encoders
whose head reads only the first token, only that token's state is kept.

For ``top-k`` on such encoders the top layer's other positions feed nothing: their outputs are
never read by the pooler or head. :class:`FirstTokenLayer` computes that layer for position 0 only
(query, attention output and feed-forward for one token; the keys and values of all tokens folded
into the single query's attention), which leaves logits and gradients unchanged and removes almost
all of the top layer's cost.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

from ..errors import ConfigError, check_choice
from .batching import LengthGroupedSampler, PaddingStats
from .layer_groups import LayerGroups

logger = logging.getLogger(__name__)

# Encoders whose classification head reads only the first token's final state ([CLS] / <s>).
FIRST_TOKEN_HEAD_MODEL_TYPES = frozenset({
    "bert", "roberta", "xlm-roberta", "camembert", "electra", "distilbert", "deberta", "deberta-v2", "mpnet",
})
CACHE_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


class _CachedInput(nn.Module):
    """Stands in for the embeddings module and returns the cached states it was given."""

    def __init__(self):
        super().__init__()
        self.states: torch.Tensor | None = None

    def forward(self, *args, **kwargs) -> torch.Tensor:
        return self.states


def supports_first_token_layer(layer: nn.Module) -> bool:
    """True for BERT-structured encoder layers (BERT, RoBERTa, XLM-R, CamemBERT, ELECTRA)."""
    attention = getattr(layer, "attention", None)
    self_attention = getattr(attention, "self", None)
    config = getattr(self_attention, "config", None)
    # relative-position variants add position terms to the scores that this layer does not compute
    absolute = getattr(config, "position_embedding_type", "absolute") in ("absolute", None)
    return (self_attention is not None and hasattr(attention, "output") and hasattr(layer, "feed_forward_chunk")
            and all(hasattr(self_attention, n) for n in ("query", "key", "value", "attention_head_size", "scaling"))
            and not hasattr(self_attention, "distance_embedding") and absolute
            and not getattr(layer, "is_decoder", False))


class FirstTokenLayer(nn.Module):
    """A BERT-structured layer evaluated for the first position only: ``(B, T, H) -> (B, 1, H)``.

    Exact for heads that read only position 0: that position's output depends on all keys and values
    but on no other position's query or feed-forward. Dropout follows the wrapped layer's mode.

    With plain ``nn.Linear`` key and value projections the single query lets the products be
    re-associated, so keys and values are never formed: per head ``h`` (rows ``W_h`` of a projection),

    - score of token ``j``: ``q_h . (W^k_h x_j + b^k_h) = (q_h W^k_h) . x_j + q_h . b^k_h``;
    - context: ``sum_j p_j (W^v_h x_j + b^v_h) = W^v_h (sum_j p_j x_j) + (sum_j p_j) b^v_h``
      (``p`` after dropout, so its sum is kept).

    That costs ``heads x H`` multiply-adds per token instead of ``2 x H x H`` for the two projections
    (24x fewer for all-MiniLM-L6-v2), in the forward and the backward pass. Results equal the projected
    form up to floating-point rounding.
    """

    def __init__(self, layer: nn.Module):
        super().__init__()
        self.layer = layer
        self_attention = layer.attention.self
        self.reassociate = all(type(getattr(self_attention, n)) is nn.Linear for n in ("key", "value"))

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None, *_args, **_kwargs):
        layer = self.layer
        attention, self_attention = layer.attention, layer.attention.self
        batch, width, _ = hidden_states.shape
        head_size = self_attention.attention_head_size
        first = hidden_states[:, :1]
        query = self_attention.query(first).view(batch, -1, head_size)  # (B, heads, d)
        if attention_mask is not None:
            if attention_mask.dim() == 2:  # (B, T) padding mask, 1 = real token
                attention_mask = attention_mask[:, None, None, :].bool()
            elif attention_mask.shape[-2] > 1:  # (B, 1, T, T): keep the first query row
                attention_mask = attention_mask[..., :1, :]
        dropout = self_attention.dropout.p if layer.training else 0.0
        if self.reassociate:
            context = self._reassociated_attention(query, hidden_states, attention_mask, dropout)
        else:
            key = self_attention.key(hidden_states).view(batch, width, -1, head_size).transpose(1, 2)
            value = self_attention.value(hidden_states).view(batch, width, -1, head_size).transpose(1, 2)
            context = F.scaled_dot_product_attention(query[:, :, None], key, value, attn_mask=attention_mask,
                                                     dropout_p=dropout, scale=self_attention.scaling)
        context = context.reshape(batch, 1, -1)
        return layer.feed_forward_chunk(attention.output(context, first))

    def _reassociated_attention(self, query, hidden_states, attention_mask, dropout: float) -> torch.Tensor:
        self_attention = self.layer.attention.self
        heads, head_size = query.shape[1], query.shape[2]
        key, value = self_attention.key, self_attention.value
        key_w = key.weight.view(heads, head_size, -1)  # (heads, d, H)
        value_w = value.weight.view(heads, head_size, -1)
        # q.b^k is the same for every token (softmax ignores it); kept so the gradients match the projected form
        scores = torch.einsum("bhk,btk->bht", torch.einsum("bhd,hdk->bhk", query, key_w), hidden_states)
        if key.bias is not None:
            scores = scores + (query * key.bias.view(heads, head_size)).sum(-1, keepdim=True)
        scores = scores * self_attention.scaling
        if attention_mask is not None:  # (B, 1, 1, T): boolean keep-mask or additive float mask
            mask = attention_mask[:, :, 0]
            scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask
        probs = F.dropout(torch.softmax(scores.float(), dim=-1), dropout, True)  # p = 0 outside training
        mixed = torch.einsum("bht,btk->bhk", probs, hidden_states)  # (B, heads, H)
        context = torch.einsum("bhk,hdk->bhd", mixed, value_w)
        if value.bias is not None:
            context = context + probs.sum(-1, keepdim=True) * value.bias.view(heads, head_size)
        return context


def _set_path(root: nn.Module, path: str, value: nn.Module) -> nn.Module:
    *parents, last = path.split(".")
    for part in parents:
        root = getattr(root, part)
    old = getattr(root, last)
    setattr(root, last, value)
    return old


class TrainableSuffix(nn.Module):
    """``forward(hidden_states, attention_mask) -> logits``: the model from the cache boundary up.

    Registered submodules are the model's own trainable top layers, pooler and head (shared objects),
    so ``state_dict``, DDP and checkpoints cover exactly the parameters that train.
    """

    def __init__(self, groups: LayerGroups, num_frozen_layers: int, *, first_token_top_layer: bool = False):
        super().__init__()
        self.layers = nn.ModuleList(groups.layers[num_frozen_layers:])
        self.pooler = groups.pooler
        self.head = groups.head
        run_layers = self.layers
        if first_token_top_layer and len(self.layers):
            run_layers = nn.ModuleList([*self.layers[:-1], FirstTokenLayer(self.layers[-1])])
        self.first_token_top_layer = run_layers is not self.layers
        # Kept outside the module tree so they are neither saved nor wrapped: the full model, the layer
        # list actually run (same parameters) and the cached-input stand-in.
        self._internals = (groups, run_layers, _CachedInput())

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None, **_ignored):
        groups, run_layers, cached_input = self._internals
        cached_input.states = hidden_states
        old_embeddings = _set_path(groups.encoder, "embeddings", cached_input)
        old_layers = _set_path(groups.encoder, groups.layers_path, run_layers)
        try:
            output = groups.model(inputs_embeds=hidden_states, attention_mask=attention_mask)
        finally:
            _set_path(groups.encoder, groups.layers_path, old_layers)
            _set_path(groups.encoder, "embeddings", old_embeddings)
            cached_input.states = None
        return output.logits if hasattr(output, "logits") else output[0]


class _CachedStates(Dataset):
    """Per-example cached states (views into one flat tensor) and labels."""

    def __init__(self, flat: torch.Tensor, offsets: np.ndarray, labels: Sequence | None):
        self.flat, self.offsets, self.labels = flat, offsets, labels

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __getitem__(self, i: int) -> dict:
        row = {"hidden_states": self.flat[self.offsets[i]:self.offsets[i + 1]]}
        if self.labels is not None:
            row["labels"] = self.labels[i]
        return row


class CachedStatesCollator:
    """Pad cached states (as float32) to the batch's longest example; build the mask; count padding."""

    def __init__(self):
        self.stats = PaddingStats()

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        lengths = [len(r["hidden_states"]) for r in rows]
        width = max(lengths)
        # one C++ call pads and stacks (a Python row loop costs ~5% of a cached top-2 step)
        states = torch.nn.utils.rnn.pad_sequence([r["hidden_states"] for r in rows], batch_first=True).float()
        mask = (torch.arange(width)[None, :] < torch.as_tensor(lengths)[:, None]).long()
        self.stats.update(lengths, width)
        batch = {"hidden_states": states, "attention_mask": mask}
        if "labels" in rows[0]:
            first = rows[0]["labels"]
            dtype = torch.float32 if isinstance(first, (list, tuple)) else torch.long
            batch["labels"] = torch.as_tensor([r["labels"] for r in rows], dtype=dtype)
        return batch


class FrozenPrefixCache:
    """Cache the output of the embeddings and the bottom ``num_frozen_layers`` layers of ``model``.

    ``model`` is the classifier whose freeze plan keeps those layers (and the embeddings) frozen for
    the whole run (``FreezePlan.frozen_prefix_layers``). Typical use::

        cache = FrozenPrefixCache(model, plan.frozen_prefix_layers)
        train_loader, eval_loader = cache.build_dataloaders(train_tok, eval_tok, pad_token_id=0, batch_size=32)
        run_training_loop(cache.trainable_suffix(), train_loader, eval_loader, args, ...)

    ``build_seconds`` holds the time spent computing the cache (it is not part of any epoch).
    """

    def __init__(self, model: nn.Module, num_frozen_layers: int, *, batch_size: int = 64,
                 mixed_precision: str = "no", cache_dtype: str = "float32", first_token_top_layer: bool = True):
        self.groups = LayerGroups.from_model(model)
        if not 0 <= num_frozen_layers <= self.groups.num_layers:
            raise ConfigError(f"num_frozen_layers={num_frozen_layers} must be between 0 and the model's "
                              f"{self.groups.num_layers} layers.")
        check_choice("cache mixed_precision", mixed_precision, ("no", "bf16"))
        check_choice("cache_dtype", cache_dtype, tuple(CACHE_DTYPES))
        trainable = [n for m in [self.groups.embeddings, *self.groups.layers[:num_frozen_layers]]
                     for n, p in m.named_parameters() if p.requires_grad]
        trainable += [n for n, p in self.groups.extra.items() if p.requires_grad]
        if trainable:
            raise ConfigError(f"The frozen-prefix cache needs the embeddings and the bottom {num_frozen_layers} "
                              f"layers frozen, but {trainable[0]!r} trains; set use_frozen_cache=False or "
                              "freeze them (strategy 'head' or 'top-k').")
        self.model = self.groups.model
        self.num_frozen_layers = num_frozen_layers
        self.batch_size = batch_size
        self.mixed_precision = mixed_precision
        self.dtype = CACHE_DTYPES[cache_dtype]
        model_type = getattr(getattr(self.model, "config", None), "model_type", None)
        first_token_head = model_type in FIRST_TOKEN_HEAD_MODEL_TYPES
        # With no trainable layer left, a first-token head only ever reads position 0.
        self.first_token_only = num_frozen_layers == self.groups.num_layers and first_token_head
        self.first_token_top_layer = (first_token_top_layer and first_token_head and not self.first_token_only
                                      and supports_first_token_layer(self.groups.layers[-1]))
        self.build_seconds = 0.0
        self._suffix: TrainableSuffix | None = None

    def trainable_suffix(self) -> TrainableSuffix:
        if self._suffix is None:
            self._suffix = TrainableSuffix(self.groups, self.num_frozen_layers,
                                           first_token_top_layer=self.first_token_top_layer)
        return self._suffix

    @contextlib.contextmanager
    def _prefix_only(self):
        prefix = nn.ModuleList(self.groups.layers[:self.num_frozen_layers])
        old = _set_path(self.groups.encoder, self.groups.layers_path, prefix)
        try:
            yield
        finally:
            _set_path(self.groups.encoder, self.groups.layers_path, old)

    def encode(self, tokenized, *, label_column: str = "labels") -> _CachedStates:
        """Run the frozen prefix over a tokenised dataset (``input_ids``) and keep its boundary states."""
        from .batching import DynamicPaddingCollator

        start = time.perf_counter()
        lengths = np.asarray([len(x) for x in tokenized["input_ids"]], dtype=np.int64)
        kept = np.ones_like(lengths) if self.first_token_only else lengths
        offsets = np.concatenate([[0], np.cumsum(kept)])
        hidden = self.model.config.hidden_size
        flat = torch.empty((int(offsets[-1]), hidden), dtype=self.dtype)
        collate = DynamicPaddingCollator(pad_token_id=0)
        order = np.argsort(-lengths, kind="stable")
        encoder = self.groups.encoder
        device = next(encoder.parameters()).device
        was_training = encoder.training
        encoder.eval()
        autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=self.mixed_precision == "bf16")
        columns = [c for c in ("input_ids", "token_type_ids") if c in tokenized.column_names]
        rows = tokenized.select_columns(columns)
        try:
            with torch.no_grad(), autocast, self._prefix_only():
                for s in range(0, len(order), self.batch_size):
                    idx = order[s:s + self.batch_size]
                    batch = collate([rows[int(i)] for i in idx])
                    batch = {k: v.to(device) for k, v in batch.items()}
                    states = encoder(**batch).last_hidden_state.float().cpu()
                    for j, i in enumerate(idx):
                        n = int(kept[i])
                        flat[offsets[i]:offsets[i] + n] = states[j, :n]
        finally:
            encoder.train(was_training)
        # a plain list: indexing a datasets Column reads Arrow per item (~0.1 ms, 5% of a cached top-2 step)
        labels = list(tokenized[label_column]) if label_column in tokenized.column_names else None
        self.build_seconds += time.perf_counter() - start
        return _CachedStates(flat, offsets, labels)

    def build_dataloaders(self, train_dataset, eval_dataset=None, *, pad_token_id: int | None = None,
                          batch_size: int, eval_batch_size: int | None = None, group_by_length: bool = True,
                          seed: int = 0, mega_batch_mult: int = 50) -> tuple[DataLoader, DataLoader | None]:
        """Encode the tokenised datasets once and return loaders of cached states (same batching rules as
        :func:`~.batching.build_dataloaders`; ``pad_token_id`` is accepted for symmetry and unused)."""
        del pad_token_id  # cached states are padded with zeros under a zero attention mask
        train_states = self.encode(train_dataset)
        eval_batch_size = eval_batch_size or batch_size
        if group_by_length:
            sampler = LengthGroupedSampler(train_states.lengths, batch_size, seed=seed, mega_batch_mult=mega_batch_mult)
            train = DataLoader(train_states, batch_size=batch_size, sampler=sampler,
                               collate_fn=CachedStatesCollator())
        else:
            train = DataLoader(train_states, batch_size=batch_size, shuffle=True,
                               generator=torch.Generator().manual_seed(seed), collate_fn=CachedStatesCollator())
        evaluation = None
        if eval_dataset is not None:
            eval_states = self.encode(eval_dataset)
            evaluation = DataLoader(eval_states, batch_size=eval_batch_size,
                                    sampler=LengthGroupedSampler(eval_states.lengths, eval_batch_size, shuffle=False),
                                    collate_fn=CachedStatesCollator())
        logger.info("frozen-prefix cache built in %.1fs (%d train%s examples, %s)", self.build_seconds,
                    len(train_states), f" + {len(evaluation.dataset)} eval" if evaluation is not None else "",
                    "first token only" if self.first_token_only else "all tokens")
        return train, evaluation
