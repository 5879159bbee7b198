"""Fixtures for the fine-tuning tests: a tiny random BERT (2 layers, hidden 32) with a tiny WordPiece
tokenizer, saved once per session to a folder that ``from_pretrained`` takes, and toy data."""

from __future__ import annotations

import pytest
import torch
from finetune_helpers import TINY_MAX_POSITIONS, TINY_VOCAB, make_dataset, tiny_config


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Tiny models run faster on one thread (the 2 shared cores are usually busy). Set per test module of
    this folder (before its module fixtures) and restored afterwards; a real-model test may raise it inside the test."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory):
    """A saved encoder checkpoint (no classifier weights, like a real pretrained model) + tokenizer."""
    import torch
    from transformers import BertModel, BertTokenizer

    out = tmp_path_factory.mktemp("tiny-bert")
    tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(TINY_VOCAB)})
    tokenizer.model_max_length = TINY_MAX_POSITIONS
    tokenizer.save_pretrained(out)
    torch.manual_seed(0)
    BertModel(tiny_config()).save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def toy_train():
    return make_dataset(96, seed=1)


@pytest.fixture(scope="session")
def toy_validation():
    return make_dataset(37, seed=2)  # odd on purpose: distributed evaluation must not duplicate samples


@pytest.fixture
def tiny_classifier(tiny_bert_dir):
    """A fresh BertForSequenceClassification (2 labels) loaded from the tiny checkpoint."""
    import torch
    from transformers import AutoModelForSequenceClassification

    torch.manual_seed(0)
    return AutoModelForSequenceClassification.from_pretrained(
        tiny_bert_dir, num_labels=2, id2label={0: "neg", 1: "pos"}, label2id={"neg": 0, "pos": 1})
