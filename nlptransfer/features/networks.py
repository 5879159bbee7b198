"""Torch modules of the embedding-initialised classifiers: encoders, heads, single- and multi-task nets.

An *encoder* maps padded word ids (``<pad>`` = 0) to one feature vector per text; a *head* maps
features to logits. Keeping them apart is what lets :class:`MultiTaskNetwork` share one encoder
between several task heads.

- :class:`CNNEncoder`: Kim (2014): convolutions of widths 3, 4, 5 with 100 maps each, ReLU,
  max-over-time pooling. Windows that start in the padding are masked, and batches are padded with
  ``max(filter_sizes) - 1`` extra zeros, so a text's features never depend on what it is batched with.
  ``channels=2`` is Kim's multichannel variant (a static and a non-static copy of the embeddings;
  each filter is applied to both and the results added).
- :class:`BagOfEmbeddingsEncoder`: fastText-style mean of word embeddings, plus optional hashed
  bigram embeddings.
- :class:`LinearHead`: dropout then a linear layer whose weight rows are renormalised to L2 norm
  ``max_norm`` during training (Kim's constraint; applied before each training forward, which is
  equivalent to applying it after each optimizer step).
"""

from __future__ import annotations

import torch
from torch import nn

from .embedding_init import PretrainedEmbedding
from .vocab import PAD_ID


class CNNEncoder(nn.Module):
    def __init__(self, embeddings: list[PretrainedEmbedding], *, filter_sizes=(3, 4, 5), num_filters: int = 100):
        super().__init__()
        self.embeddings = nn.ModuleList(embeddings)
        dim = embeddings[0].dim
        self.filter_sizes = tuple(int(k) for k in filter_sizes)
        self.convs = nn.ModuleList(nn.Conv1d(dim, num_filters, k) for k in self.filter_sizes)
        self.output_dim = num_filters * len(self.filter_sizes)

    @property
    def min_padding(self) -> int:
        return max(self.filter_sizes) - 1

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        lengths = (input_ids != PAD_ID).sum(dim=1)
        width = max(input_ids.shape[1], int(lengths.max()) + self.min_padding if len(lengths) else 0)
        if width > input_ids.shape[1]:  # inputs not padded by our collator: add the trailing zeros
            input_ids = nn.functional.pad(input_ids, (0, width - input_ids.shape[1]), value=PAD_ID)
        x = sum(emb(input_ids) for emb in self.embeddings).transpose(1, 2)  # (batch, dim, seq)
        pooled = []
        for conv in self.convs:
            h = torch.relu(conv(x))  # (batch, maps, seq - k + 1)
            starts = torch.arange(h.shape[2], device=h.device)
            valid = starts[None, :] < lengths.clamp(min=1)[:, None]
            pooled.append(h.masked_fill(~valid[:, None, :], float("-inf")).max(dim=2).values)
        return torch.cat(pooled, dim=1)


class BagOfEmbeddingsEncoder(nn.Module):
    def __init__(self, embeddings: list[PretrainedEmbedding], *, bigram_buckets: int = 0):
        super().__init__()
        self.embeddings = nn.ModuleList(embeddings)
        dim = embeddings[0].dim
        self.bigram_buckets = int(bigram_buckets)
        self.bigrams = None
        if self.bigram_buckets:
            self.bigrams = nn.Embedding(self.bigram_buckets + 1, dim, padding_idx=0)
            nn.init.uniform_(self.bigrams.weight, -1.0 / dim, 1.0 / dim)  # fastText's input init
            with torch.no_grad():
                self.bigrams.weight[0].zero_()
        self.output_dim = dim

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        mask = (input_ids != PAD_ID).unsqueeze(-1).float()
        total = (sum(emb(input_ids) for emb in self.embeddings) * mask).sum(1)
        count = mask.sum(1)
        if self.bigrams is not None and input_ids.shape[1] > 1:
            left, right = input_ids[:, :-1], input_ids[:, 1:]
            both = (left != PAD_ID) & (right != PAD_ID)
            ids = torch.where(both, (left * 1_000_003 + right) % self.bigram_buckets + 1, torch.zeros_like(left))
            total = total + self.bigrams(ids).sum(1)
            count = count + both.sum(1, keepdim=True).float()
        return total / count.clamp(min=1.0)


class LinearHead(nn.Module):
    def __init__(self, input_dim: int, num_classes: int, *, dropout: float = 0.5, max_norm: float | None = 3.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(input_dim, num_classes)
        self.max_norm = max_norm

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if self.max_norm and self.training:
            with torch.no_grad():
                self.linear.weight.copy_(torch.renorm(self.linear.weight, 2, 0, self.max_norm))
        return self.linear(self.dropout(features))


class SingleTaskNetwork(nn.Module):
    """Encoder + head; ``forward(input_ids)`` returns logits (the shared loop's model contract)."""

    def __init__(self, encoder: nn.Module, head: LinearHead):
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, input_ids: torch.Tensor, **_: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(input_ids))


class MultiTaskNetwork(nn.Module):
    """One shared encoder, one head per task.

    ``forward(input_ids, task_ids)`` returns logits padded to the largest number of classes with a
    large negative value, so batches of different tasks can be concatenated for evaluation; a padded
    class gets probability ~0 and never wins an argmax.
    """

    PAD_LOGIT = -1e4

    def __init__(self, encoder: nn.Module, heads: dict[str, LinearHead]):
        super().__init__()
        self.encoder = encoder
        self.task_names = list(heads)
        self.heads = nn.ModuleDict(heads)
        self.max_classes = max(h.linear.out_features for h in heads.values())

    def forward(self, input_ids: torch.Tensor, task_ids: torch.Tensor, **_: torch.Tensor) -> torch.Tensor:
        features = self.encoder(input_ids)
        logits = features.new_full((features.shape[0], self.max_classes), self.PAD_LOGIT)
        for t, name in enumerate(self.task_names):
            rows = torch.nonzero(task_ids == t).squeeze(1)
            if len(rows):
                out = self.heads[name](features[rows])
                logits[rows, : out.shape[1]] = out
        return logits

    def task_logits(self, input_ids: torch.Tensor, task: str) -> torch.Tensor:
        return self.heads[task](self.encoder(input_ids))
