"""Multi-task training: task batch sampling, weighted loss, joint fit, per-task predict/evaluate, save/load."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch
from features_testutils import make_texts

from nlptransfer.base import TransferClassifier
from nlptransfer.errors import ConfigError, UsageError
from nlptransfer.features.multitask import MultiTaskEmbeddingClassifier, TaskBatchSampler, _multitask_loss


def _task_of(index: int, offsets: list[int]) -> int:
    return max(t for t, off in enumerate(offsets) if index >= off)


@pytest.mark.parametrize("sampling", ["proportional", "alternating"])
def test_batches_hold_one_task_and_depend_on_seed_and_epoch(sampling):
    offsets, sizes = [0, 10, 13], [10, 3, 25]
    sampler = TaskBatchSampler(offsets, sizes, 4, sampling=sampling, seed=7)
    epoch0 = list(sampler)
    assert len(epoch0) == len(sampler) == 3 + 1 + 7
    for batch in epoch0:
        assert len({_task_of(i, offsets) for i in batch}) == 1
    assert list(sampler) == epoch0  # same epoch -> same order
    sampler.set_epoch(1)
    assert list(sampler) != epoch0
    if sampling == "proportional":  # every example exactly once per epoch
        assert sorted(i for b in epoch0 for i in b) == list(range(38))
    else:  # round robin: tasks take turns, the small task is repeated
        tasks = [_task_of(b[0], offsets) for b in epoch0]
        assert tasks[:6] == [0, 1, 2, 0, 1, 2]
        assert Counter(tasks) == {0: 4, 1: 4, 2: 3}


def test_task_weights_scale_the_loss():
    logits = torch.tensor([[2.0, 0.0, -1e4], [0.0, 1.0, 3.0]])
    labels = torch.tensor([[0, 1], [1, 2]])
    ce = torch.nn.functional.cross_entropy(logits, labels[:, 1], reduction="none")
    equal = _multitask_loss(torch.tensor([1.0, 1.0]))(logits, labels)
    torch.testing.assert_close(equal, ce.mean())
    only_first = _multitask_loss(torch.tensor([1.0, 0.0]))(logits, labels)
    torch.testing.assert_close(only_first, ce[0])


def _tasks(n_a: int, n_b: int, seed: int):
    from datasets import Dataset

    a_texts, a_labels = make_texts(n_a, seed)
    b_texts, b_labels = make_texts(n_b, seed + 100)
    flipped = ["pos_is_no" if lab == "positive" else "neg_is_yes" for lab in b_labels]
    return {"sentiment": Dataset.from_dict({"text": a_texts, "label": a_labels}),
            "flipped": Dataset.from_dict({"text": b_texts, "label": flipped})}


@pytest.fixture(scope="module")
def multitask(tiny_vectors_path):
    clf = MultiTaskEmbeddingClassifier(vectors=tiny_vectors_path, num_filters=8, num_epochs=4, learning_rate=1e-2,
                                       batch_size=16, sampling="alternating", task_weights={"flipped": 2.0})
    return clf.fit(_tasks(100, 50, 1), _tasks(24, 24, 2))


def test_joint_training_serves_every_task(multitask):
    test = _tasks(30, 30, 3)
    results = multitask.evaluate_all(test)
    assert set(results) == {"sentiment", "flipped"}
    assert results["sentiment"]["accuracy"] >= 0.8 and results["flipped"]["accuracy"] >= 0.7
    assert multitask.predict(["good great fun"], "flipped").labels == ["pos_is_no"]
    assert multitask.predict_proba(["x", "y"], "sentiment").shape == (2, 2)
    history = [h for h in multitask.training_summary["history"] if "eval_sentiment_accuracy" in h]
    assert history and "eval_flipped_macro_f1" in history[-1]
    view = multitask.for_task("flipped")
    assert isinstance(view, TransferClassifier) and view.schema.names == ("neg_is_yes", "pos_is_no")


def test_save_load_roundtrip(multitask, tmp_path):
    texts = _tasks(10, 10, 4)["flipped"]["text"]
    folder = multitask.save(tmp_path / "mt")
    assert (folder / "tasks" / "flipped" / "label_schema.json").exists()
    loaded = MultiTaskEmbeddingClassifier.load(folder)
    assert loaded.task_names == multitask.task_names and loaded.task_weights == {"flipped": 2.0}
    for task in loaded.task_names:
        np.testing.assert_allclose(loaded.predict_proba(texts, task), multitask.predict_proba(texts, task), atol=1e-6)


def test_mistakes_are_named(multitask, tiny_vectors_path):
    with pytest.raises(UsageError, match="Did you mean 'flipped'"):
        multitask.predict(["good"], "flipd")
    with pytest.raises(UsageError, match="Did you mean 'proportional'"):
        MultiTaskEmbeddingClassifier(vectors=tiny_vectors_path, sampling="proportionel")
    with pytest.raises(ConfigError, match="unknown task"):
        MultiTaskEmbeddingClassifier(vectors=tiny_vectors_path, task_weights={"nope": 1.0}).fit(_tasks(20, 20, 5))


def test_accelerate_keeps_the_task_batches():
    from nlptransfer.features.neural import PadCollator
    from nlptransfer.finetune.loop import LoopArguments, make_accelerator

    offsets, sizes = [0, 7], [7, 12]
    items = [{"input_ids": [2, 3], "labels": [t, 0], "task_ids": t} for t, n in enumerate(sizes) for _ in range(n)]
    sampler = TaskBatchSampler(offsets, sizes, 5, seed=3)
    loader = torch.utils.data.DataLoader(items, batch_sampler=sampler, collate_fn=PadCollator())
    prepared = make_accelerator(LoopArguments()).prepare(loader)
    batches = [b["task_ids"].tolist() for b in prepared]
    assert len(batches) == len(sampler) and all(len(set(b)) == 1 for b in batches)
    assert sum(len(b) for b in batches) == 19


def test_task_view_refuses_fit_and_load_with_a_pointer_to_the_parent():
    from nlptransfer.features.multitask import _TaskView

    parent = MultiTaskEmbeddingClassifier.__new__(MultiTaskEmbeddingClassifier)
    parent.schemas = {"a": None}
    view = _TaskView(parent, "a")
    with pytest.raises(UsageError, match="MultiTaskEmbeddingClassifier with all tasks"):
        view.fit([])
    with pytest.raises(UsageError, match=r"for_task\(name\)"):
        _TaskView.load("x")
