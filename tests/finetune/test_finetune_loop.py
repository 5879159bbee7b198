"""The Accelerate loop: accumulation equals a big batch, the scheduler steps per optimizer step,
early stopping restores the best weights, evaluation counts each example once."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch
from finetune_helpers import TINY_VOCAB, make_dataset, tiny_config
from torch.utils.data import DataLoader

from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import ConfigError
from nlptransfer.finetune.batching import DynamicPaddingCollator, tokenize_for_classification
from nlptransfer.finetune.loop import LoopArguments, LoopCallback, run_training_loop


@pytest.fixture(scope="module")
def tokenized():
    from transformers import BertTokenizer

    tok = BertTokenizer(vocab={w: i for i, w in enumerate(TINY_VOCAB)})
    train, val = make_dataset(92, seed=1), make_dataset(37, seed=2)  # 92 = 11 batches of 8 + one of 4
    schema = LabelSchema.from_labels(train["label"])
    return (tokenize_for_classification(train, tok, schema, max_length=32)[0],
            tokenize_for_classification(val, tok, schema, max_length=32)[0])


@pytest.fixture(scope="module")
def no_dropout_model():
    from transformers import BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification(
        tiny_config(num_labels=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0))


def loaders(tokenized, batch_size, eval_batch_size=16):
    train, val = tokenized
    return (DataLoader(train, batch_size=batch_size, shuffle=False, collate_fn=DynamicPaddingCollator(0)),
            DataLoader(val, batch_size=eval_batch_size, collate_fn=DynamicPaddingCollator(0)))


def max_diff(a, b) -> float:
    return max((p - q).abs().max().item() for p, q in zip(a.parameters(), b.parameters()))


def test_batch_8_times_accumulation_4_equals_batch_32(tokenized, no_dropout_model):
    results = {}
    for batch, accum in ((32, 1), (8, 4)):
        model = copy.deepcopy(no_dropout_model)
        args = LoopArguments(num_epochs=2, batch_size=batch, gradient_accumulation_steps=accum, learning_rate=5e-3,
                             warmup_fraction=0.2, max_grad_norm=0.5, logging_steps=1)
        train_loader, _ = loaders(tokenized, batch)
        result = run_training_loop(model, train_loader, None, args)  # no eval: final weights = last step's
        results[(batch, accum)] = (model, result)
    (big, r_big), (small, r_small) = results[(32, 1)], results[(8, 4)]
    assert r_big.global_step == r_small.global_step == 2 * math.ceil(92 / 32)
    # The last window holds micro-batches of 8, 8, 8 and 4: they must be weighted 8:8:8:4, as in batch 32.
    assert max_diff(no_dropout_model, big) > 1e-3  # training did move the weights
    assert max_diff(big, small) < 1e-5
    losses_big = [h["loss"] for h in r_big.history if "loss" in h]
    losses_small = [h["loss"] for h in r_small.history if "loss" in h]
    np.testing.assert_allclose(losses_big, losses_small, rtol=1e-5)


def test_scheduler_warmup_and_linear_decay_per_optimizer_step(tokenized, no_dropout_model):
    args = LoopArguments(num_epochs=2, batch_size=8, gradient_accumulation_steps=3, learning_rate=1e-3,
                         warmup_fraction=0.25, logging_steps=1)
    result = run_training_loop(copy.deepcopy(no_dropout_model), *loaders(tokenized, 8), args)
    total = 2 * math.ceil(12 / 3)  # 12 micro-batches per epoch, 4 optimizer steps
    warmup = int(0.25 * total)
    assert result.global_step == total
    lrs = [h["learning_rate"] for h in result.history if "learning_rate" in h]
    expected = [1e-3 * (s / warmup if s < warmup else (total - s) / (total - warmup)) for s in range(1, total + 1)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-6, atol=1e-12)


class ScriptedMetric:
    """compute_metrics returning a fixed sequence of scores, one per evaluation."""

    def __init__(self, scores):
        self.scores = list(scores)
        self.calls = 0

    def __call__(self, logits, labels):
        score = self.scores[min(self.calls, len(self.scores) - 1)]
        self.calls += 1
        return {"score": score}


class Snapshots(LoopCallback):
    def __init__(self):
        self.model, self.states, self.epochs_started = None, [], []

    def on_train_begin(self, state, model):
        self.model = model

    def on_epoch_start(self, epoch, model):
        self.epochs_started.append(epoch)

    def on_evaluate(self, state, metrics):
        self.states.append(copy.deepcopy(self.model.state_dict()))


def test_early_stopping_restores_best_weights(tokenized, no_dropout_model):
    metric = ScriptedMetric([0.1, 0.5, 0.4, 0.3, 0.9])
    snaps = Snapshots()
    model = copy.deepcopy(no_dropout_model)
    args = LoopArguments(num_epochs=10, batch_size=16, learning_rate=1e-3, metric_for_best_model="score",
                         early_stopping_patience=2)
    result = run_training_loop(model, *loaders(tokenized, 16), args, compute_metrics=metric, callbacks=[snaps])
    assert metric.calls == 4 and result.stopped_early
    assert snaps.epochs_started == [0, 1, 2, 3]
    assert (result.best_epoch, result.best_metric) == (1, 0.5)
    assert result.metrics["score"] == 0.5
    for key, value in model.state_dict().items():
        assert torch.equal(value, snaps.states[1][key]), key
    assert not torch.equal(snaps.states[1]["classifier.weight"], snaps.states[3]["classifier.weight"])


def test_lower_is_better_for_losses_and_step_evaluation(tokenized, no_dropout_model):
    args = LoopArguments(num_epochs=2, batch_size=16, learning_rate=1e-3, eval_every=2)
    assert args.greater_is_better is False  # metric_for_best_model defaults to the loss
    result = run_training_loop(copy.deepcopy(no_dropout_model), *loaders(tokenized, 16), args)
    evals = [h for h in result.history if "eval_loss" in h]
    assert [h["step"] for h in evals] == [2, 4, 6, 8, 10, 12]
    assert result.best_metric == min(h["eval_loss"] for h in evals)


def test_evaluation_counts_each_example_once(tokenized, no_dropout_model):
    args = LoopArguments(num_epochs=1, batch_size=16, eval_batch_size=10)
    result = run_training_loop(copy.deepcopy(no_dropout_model), *loaders(tokenized, 16, eval_batch_size=10), args)
    assert result.metrics["eval_samples"] == 37
    assert 0.0 <= result.metrics["accuracy"] <= 1.0


def test_bf16_mixed_precision_runs_on_cpu(tokenized, no_dropout_model):
    args = LoopArguments(num_epochs=1, batch_size=32, mixed_precision="bf16", learning_rate=1e-3)
    result = run_training_loop(copy.deepcopy(no_dropout_model), *loaders(tokenized, 32), args)
    assert np.isfinite(result.metrics["loss"])


def test_works_for_a_plain_module_returning_logits():
    """The featurizers engineer trains CNNs with the same loop: no transformers model needed."""

    class BagOfIds(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.EmbeddingBag(10, 4)
            self.out = torch.nn.Linear(4, 2)

        def forward(self, input_ids):
            return self.out(self.emb(input_ids))

    torch.manual_seed(0)
    ids = torch.randint(0, 10, (40, 5))
    labels = (ids[:, 0] > 4).long()
    rows = [{"input_ids": i, "labels": y} for i, y in zip(ids, labels)]

    def collate(batch):
        return {"input_ids": torch.stack([r["input_ids"] for r in batch]),
                "labels": torch.stack([r["labels"] for r in batch])}

    train = DataLoader(rows, batch_size=8, shuffle=True, collate_fn=collate)
    val = DataLoader(rows[:15], batch_size=4, collate_fn=collate)
    args = LoopArguments(num_epochs=3, batch_size=8, learning_rate=0.05, metric_for_best_model="accuracy")
    result = run_training_loop(BagOfIds(), train, val, args)
    assert result.metrics["eval_samples"] == 15 and result.best_epoch is not None


@pytest.mark.parametrize(("options", "match"), [
    ({"warmup_fraction": 1.5}, "warmup_fraction"),
    ({"scheduler": "linaer"}, "Did you mean 'linear'"),
    ({"mixed_precision": "fp32"}, "mixed_precision"),
    ({"eval_every": "epochs"}, "eval_every"),
    ({"gradient_accumulation_steps": 0}, "gradient_accumulation_steps"),
    ({"save_every_steps": 10}, "output_dir"),
    ({"early_stopping_patience": 0}, "early_stopping_patience"),
])
def test_loop_arguments_validation(options, match):
    with pytest.raises(ConfigError, match=match):
        LoopArguments(**options)


def test_unknown_metric_for_best_model_suggests(tokenized, no_dropout_model):
    args = LoopArguments(num_epochs=1, batch_size=32, metric_for_best_model="acuracy")
    with pytest.raises(ConfigError, match="Did you mean 'accuracy'"):
        run_training_loop(copy.deepcopy(no_dropout_model), *loaders(tokenized, 32), args)


def test_fp16_on_cpu_is_refused():
    from nlptransfer.finetune.loop import make_accelerator

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ConfigError, match="bf16"):
        make_accelerator(LoopArguments(mixed_precision="fp16"))


def test_accelerate_package_checks_are_memoised_with_the_same_answers():
    import accelerate.optimizer
    import accelerate.utils.imports
    import accelerate.utils.other

    from nlptransfer._compat import memoize_accelerate_package_checks
    from nlptransfer.finetune.loop import make_accelerator

    make_accelerator(LoopArguments())
    memoize_accelerate_package_checks()  # idempotent: no cache wrapped around a cache
    for module, name in ((accelerate.optimizer, "is_lomo_available"),
                         (accelerate.utils.other, "is_deepspeed_available")):
        check = getattr(module, name)
        assert hasattr(check, "cache_info") and not hasattr(check.__wrapped__, "cache_info")
        assert check() == getattr(accelerate.utils.imports, name)()
