"""Embedding layers initialised from pretrained vectors: ``static``, ``non-static`` and ``rand``.

The three modes of Kim (2014):

- ``static``: rows are the pretrained vectors and stay frozen;
- ``non-static``: same start, fine-tuned with the rest of the network;
- ``rand``: same vocabulary, rows drawn from U[-a, a] with a chosen so the variance matches the
  pretrained vectors (Kim's choice), all trained.

Words without a pretrained vector get theirs from the OOV policy (:meth:`StaticVectors.resolve`,
e.g. Kim's ``random``). An ``unk`` policy flagged learnable (``UnkPolicy(learnable=True)``) maps
every word it resolves onto the single ``<unk>`` row, which is then a trainable parameter even in
``static`` mode; ``train_oov_rows=True`` makes every OOV row trainable instead.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ..errors import check_choice
from .vocab import PAD_ID, UNK, UNK_ID, Vocabulary

INIT_MODES = ("static", "non-static", "rand")


class PretrainedEmbedding(nn.Module):
    """An embedding table that is frozen or trainable, plus optionally a few trainable rows.

    Trainable rows of a frozen table are kept as a separate ``row_delta`` parameter added to the
    frozen rows, so the optimizer only ever sees the rows that may change.
    """

    def __init__(self, num_embeddings: int, dim: int, *, freeze: bool, trainable_rows=()):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(num_embeddings, dim), requires_grad=not freeze)
        rows = torch.as_tensor(sorted(set(int(r) for r in trainable_rows)), dtype=torch.long)
        slot = torch.zeros(num_embeddings, dtype=torch.long)
        if freeze and len(rows):
            slot[rows] = torch.arange(1, len(rows) + 1)
            self.row_delta = nn.Parameter(torch.zeros(len(rows), dim))
        else:
            self.row_delta = None
        self.register_buffer("row_slot", slot, persistent=True)

    @property
    def dim(self) -> int:
        return self.weight.shape[1]

    @property
    def frozen(self) -> bool:
        return not self.weight.requires_grad

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        out = nn.functional.embedding(input_ids, self.weight, padding_idx=PAD_ID)
        if self.row_delta is not None:
            delta = torch.cat([self.row_delta.new_zeros(1, self.dim), self.row_delta])
            out = out + nn.functional.embedding(self.row_slot[input_ids], delta, padding_idx=0)
        return out

    def effective_weight(self) -> torch.Tensor:
        """The table as it is used (frozen rows plus trained deltas)."""
        w = self.weight.detach().clone()
        if self.row_delta is not None:
            rows = torch.nonzero(self.row_slot).squeeze(1)
            w[rows] += self.row_delta.detach()[self.row_slot[rows] - 1]
        return w


def learnable_unk_policy(spec):
    """The OOV cascade ``spec`` with its ``unk`` step made learnable (for configs stored as JSON strings)."""
    from ..errors import ConfigError
    from ..vectors.oov import UnkPolicy, get_oov_policy

    cascade = get_oov_policy(spec)
    steps = [UnkPolicy(learnable=True) if isinstance(step, UnkPolicy) else step for step in cascade.steps()]
    if not any(isinstance(step, UnkPolicy) for step in steps):
        raise ConfigError(f"learnable_unk needs an 'unk' step in the OOV policy, got {cascade.spec!r}; "
                          "use e.g. oov_policy='unk' or 'normalize>unk'.")
    return get_oov_policy(steps)


def build_embedding(vocab: Vocabulary, vectors, mode: str, *, oov_policy="random", train_oov_rows: bool = False,
                    seed: int = 0) -> tuple[PretrainedEmbedding, Vocabulary, dict]:
    """Build the embedding for ``vocab`` in ``mode``; returns ``(embedding, vocab, info)``.

    The returned vocabulary differs from the input only when a learnable ``unk`` policy folds OOV
    words into ``<unk>``. ``info`` reports the number of OOV words and how each was resolved.
    """
    check_choice("embedding init mode", mode, INIT_MODES)
    words = vocab.words[2:]
    resolution = vectors.resolve([UNK, *words], oov_policy)
    matrix = np.asarray(resolution.matrix, dtype=np.float32)
    oov = np.asarray(resolution.oov_mask, dtype=bool)
    if resolution.learnable_unk:
        folded = {w for w, step in zip(resolution.words[1:], resolution.steps[1:]) if step == "unk"}
        if folded:  # every unk-resolved word shares the one trainable <unk> row
            keep = [0] + [i + 1 for i, w in enumerate(words) if w not in folded]
            vocab = Vocabulary([vocab.words[0], UNK, *(words[i - 1] for i in keep[1:])],
                               {w: c for w, c in vocab.counts.items() if w not in folded})
            matrix, oov = matrix[keep], oov[keep]
        matrix[0] = np.asarray(vectors.mean_vector(), dtype=np.float32)
    table = np.vstack([np.zeros((1, matrix.shape[1]), dtype=np.float32), matrix])  # row 0 = <pad>
    if mode == "rand":
        std = float(vectors.value_std())
        bound = math.sqrt(3.0) * std  # U[-a, a] has std a / sqrt(3)
        rng = np.random.default_rng(seed)
        table = rng.uniform(-bound, bound, size=table.shape).astype(np.float32)
        table[PAD_ID] = 0.0
    if resolution.learnable_unk:
        trainable = [UNK_ID]
    elif train_oov_rows:
        trainable = [i + 1 for i in np.flatnonzero(oov)]
    else:
        trainable = []
    embedding = PretrainedEmbedding(len(table), table.shape[1], freeze=(mode == "static"), trainable_rows=trainable)
    with torch.no_grad():
        embedding.weight.copy_(torch.from_numpy(table))
    steps = resolution.step_counts()
    info = {"mode": mode, "vocab_size": len(vocab), "dim": int(table.shape[1]), "oov_words": int(oov[1:].sum()),
            "oov_policy": resolution.policy, "resolution_steps": steps, "trainable_rows": len(trainable)}
    return embedding, vocab, info
