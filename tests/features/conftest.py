"""Tiny real-format fixtures for the features tests: a GloVe-text vector table, a 2-layer BERT with a
WordPiece tokenizer built from a word list, and small labelled datasets a linear model can learn."""

from __future__ import annotations

import numpy as np
import pytest
from features_testutils import NEGATIVE, NEUTRAL, OOV_WORDS, POSITIVE, make_texts  # noqa: F401


def _vector_table(dim: int = 8, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Word vectors where sentiment words share a direction (so pooled features are separable)."""
    rng = np.random.default_rng(seed)
    words = NEUTRAL + POSITIVE + NEGATIVE + ["unk", "extra", "words", "here"]
    matrix = rng.normal(0, 0.3, size=(len(words), dim)).astype(np.float32)
    matrix[:, 1] += 2.0  # a common direction shared by all words, as in real embeddings (SIF removes it)
    for i, w in enumerate(words):
        if w in POSITIVE:
            matrix[i, 0] += 1.5
        elif w in NEGATIVE:
            matrix[i, 0] -= 1.5
    return words, matrix


@pytest.fixture(scope="session")
def tiny_vectors_path(tmp_path_factory):
    """A GloVe-format text file (no header) of 34 words x 8 dims."""
    words, matrix = _vector_table()
    path = tmp_path_factory.mktemp("vectors") / "tiny_glove.txt"
    with open(path, "w", encoding="utf-8") as fh:
        for w, row in zip(words, matrix):
            fh.write(w + " " + " ".join(f"{v:.6f}" for v in row) + "\n")
    return str(path)


@pytest.fixture(scope="session")
def tiny_vectors(tiny_vectors_path):
    from nlptransfer.features._vectors import get_vectors

    return get_vectors(tiny_vectors_path)


@pytest.fixture(scope="session")
def tiny_data():
    """(train, validation, test) datasets.Dataset with text/label columns (label names)."""
    from datasets import Dataset

    out = []
    for n, seed in ((80, 1), (24, 2), (30, 3)):
        texts, labels = make_texts(n, seed)
        out.append(Dataset.from_dict({"text": texts, "label": labels}))
    return tuple(out)


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory):
    """A randomly initialised 2-layer BERT (hidden 32) with a WordPiece tokenizer over the test words."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny_bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
        set(NEUTRAL + POSITIVE + NEGATIVE + ["##s", "##ing", "##ed", "z", "##z", "##x", "##q", "b", "##l", "##o",
                                              "##r", "##p"]))
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    import torch

    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)
