"""An interrupted run resumed from its checkpoint ends with the same weights and metrics as an
uninterrupted one (dropout on, length-grouped shuffled batches, accumulation, mid-epoch checkpoint)."""

from __future__ import annotations

import copy

import pytest
import torch
from finetune_helpers import TINY_VOCAB, make_dataset, tiny_config

from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import DataFileNotFoundError
from nlptransfer.finetune.batching import build_dataloaders, tokenize_for_classification
from nlptransfer.finetune.loop import LoopArguments, LoopCallback, find_checkpoint, run_training_loop


class LastEpochWeights(LoopCallback):
    """The weights at the end of the last epoch (before the best checkpoint is restored)."""

    def on_epoch_end(self, state, model):
        self.weights = copy.deepcopy(model.state_dict())


class Interrupt(Exception):
    pass


class InterruptAt(LoopCallback):
    def __init__(self, step):
        self.step = step

    def on_step_end(self, state, model):
        if state.global_step == self.step:
            raise Interrupt(f"simulated crash after step {self.step}")


@pytest.fixture(scope="module")
def data():
    from transformers import BertTokenizer

    tok = BertTokenizer(vocab={w: i for i, w in enumerate(TINY_VOCAB)})
    train, val = make_dataset(96, seed=3), make_dataset(37, seed=4)
    schema = LabelSchema.from_labels(train["label"])
    return (tokenize_for_classification(train, tok, schema, max_length=32)[0],
            tokenize_for_classification(val, tok, schema, max_length=32)[0])


@pytest.fixture(scope="module")
def base_model():
    from transformers import BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification(tiny_config(num_labels=2))  # dropout 0.1 stays on


def train(data, model, output_dir, *, resume=None, callbacks=None, group_by_length=True):
    loaders = build_dataloaders(*data, pad_token_id=0, batch_size=8, eval_batch_size=16, seed=7,
                                group_by_length=group_by_length)
    args = LoopArguments(num_epochs=3, batch_size=8, gradient_accumulation_steps=2, learning_rate=3e-3,
                         output_dir=str(output_dir), save_every_steps=4, resume_from_checkpoint=resume,
                         metric_for_best_model="accuracy", seed=7)
    return run_training_loop(model, *loaders, args, callbacks=callbacks)


@pytest.mark.parametrize("group_by_length", [True, False], ids=["length-grouped", "random-sampler"])
def test_resumed_run_matches_uninterrupted(data, base_model, tmp_path, group_by_length):
    full_model, full_last = copy.deepcopy(base_model), LastEpochWeights()
    full = train(data, full_model, tmp_path / "full", group_by_length=group_by_length, callbacks=[full_last])
    assert full.global_step == 18  # 12 micro-batches / 2 per step x 3 epochs

    model = copy.deepcopy(base_model)
    with pytest.raises(Interrupt):
        train(data, model, tmp_path / "cut", callbacks=[InterruptAt(10)], group_by_length=group_by_length)
    ckpt = find_checkpoint(tmp_path / "cut")
    assert ckpt.name == "checkpoint-8"  # mid-epoch 1: resuming must skip 4 micro-batches of that epoch
    resumed_model, resumed_last = copy.deepcopy(base_model), LastEpochWeights()  # weights come from the checkpoint
    resumed = train(data, resumed_model, tmp_path / "cut", resume="latest", group_by_length=group_by_length,
                    callbacks=[resumed_last])

    assert resumed.global_step == full.global_step
    for name, a in full_last.weights.items():  # the trained weights, not only the restored best ones
        torch.testing.assert_close(a, resumed_last.weights[name], rtol=0, atol=1e-6, msg=name)
    assert any(not torch.equal(a, base_model.state_dict()[n]) for n, a in full_last.weights.items())
    for (name, a), b in zip(full_model.state_dict().items(), resumed_model.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6, msg=name)
    assert resumed.metrics == pytest.approx(full.metrics, abs=1e-6)
    assert (resumed.best_epoch, resumed.best_step) == (full.best_epoch, full.best_step)
    evals = [{k: v for k, v in h.items() if k.startswith("eval_")} for h in full.history if "eval_loss" in h]
    evals_resumed = [{k: v for k, v in h.items() if k.startswith("eval_")} for h in resumed.history if "eval_loss" in h]
    assert len(evals_resumed) == len(evals) == 3
    for a, b in zip(evals, evals_resumed):
        assert a == pytest.approx(b, abs=1e-6)
    # save_total_limit=2 keeps the two newest checkpoints only
    assert sorted(p.name for p in (tmp_path / "full").glob("checkpoint-*")) == ["checkpoint-12", "checkpoint-16"]


def test_resume_latest_without_checkpoint_starts_fresh(data, base_model, tmp_path, caplog):
    result = train(data, copy.deepcopy(base_model), tmp_path / "empty", resume="latest")
    assert result.global_step == 18
    assert "starting fresh" in caplog.text


def test_resume_from_missing_folder_is_an_error(data, base_model, tmp_path):
    with pytest.raises(DataFileNotFoundError, match="No checkpoint"):
        train(data, copy.deepcopy(base_model), tmp_path, resume=str(tmp_path / "checkpoint-99"))
