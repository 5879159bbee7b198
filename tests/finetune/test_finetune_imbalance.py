"""Class weights (inverse frequency, explicit) and the weighted losses."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import ConfigError, LabelError
from nlptransfer.finetune.imbalance import class_weights, weighted_loss_fn

LABELS = ["a"] * 6 + ["b"] * 3 + ["c"]


def test_auto_is_balanced_inverse_frequency():
    schema = LabelSchema.from_labels(LABELS)
    w = class_weights(LABELS, schema)
    torch.testing.assert_close(w, torch.tensor([10 / 18, 10 / 9, 10 / 3]))
    counts = torch.tensor([6.0, 3.0, 1.0])
    assert float((w * counts).sum()) == pytest.approx(len(LABELS))  # loss keeps its scale
    ids = schema.encode_many(LABELS)
    torch.testing.assert_close(class_weights(ids, schema), w)


def test_explicit_weights_as_list_or_mapping():
    schema = LabelSchema.from_labels(LABELS)
    torch.testing.assert_close(class_weights(LABELS, schema, [1, 2, 3]), torch.tensor([1.0, 2.0, 3.0]))
    torch.testing.assert_close(class_weights(LABELS, schema, {"c": 4}), torch.tensor([1.0, 1.0, 4.0]))


def test_bad_weights_say_what_is_wrong():
    schema = LabelSchema.from_labels(LABELS)
    with pytest.raises(ConfigError, match="3 classes"):
        class_weights(LABELS, schema, [1, 2])
    with pytest.raises(ConfigError, match="positive"):
        class_weights(LABELS, schema, [1, 0, 2])
    with pytest.raises(ConfigError, match="Did you mean 'auto'"):
        class_weights(LABELS, schema, "atuo")
    with pytest.raises(ConfigError, match="unknown label 'C'. Did you mean 'c'"):
        class_weights(LABELS, schema, {"C": 2})
    with pytest.raises(LabelError, match=r"\['c'\]"):
        class_weights(["a", "b"], schema)


def test_multi_label_pos_weight_is_negatives_over_positives():
    labels = [["x"], ["x", "y"], ["x"], []]
    schema = LabelSchema.from_labels(labels, multi_label=True)
    torch.testing.assert_close(class_weights(labels, schema), torch.tensor([1 / 3, 3.0]))
    rows = [[1.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
    torch.testing.assert_close(class_weights(rows, schema), torch.tensor([1 / 3, 3.0]))
    with pytest.raises(LabelError, match="always"):
        class_weights([["x"], ["x", "y"]], schema)


def test_weighted_losses_match_torch():
    logits = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 2, 2, 0])
    w = torch.tensor([0.5, 1.0, 2.0])
    torch.testing.assert_close(weighted_loss_fn(w)(logits, labels), F.cross_entropy(logits, labels, weight=w))
    torch.testing.assert_close(weighted_loss_fn(None)(logits, labels), F.cross_entropy(logits, labels))
    targets = (torch.rand(5, 3, generator=torch.Generator().manual_seed(1)) > 0.5).float()
    expected = F.binary_cross_entropy_with_logits(logits, targets, pos_weight=w)
    torch.testing.assert_close(weighted_loss_fn(w, multi_label=True)(logits, targets), expected)
    # a mistake on the up-weighted class counts for more of the batch loss
    logits = torch.tensor([[5.0, 0.0, 0.0], [5.0, 0.0, 0.0]])  # wrong on a 'c' row, right on an 'a' row
    labels = torch.tensor([2, 0])
    assert weighted_loss_fn(w)(logits, labels) > weighted_loss_fn(None)(logits, labels) + 1.0
