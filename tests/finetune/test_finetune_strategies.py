"""Strategies freeze exactly what they say, and their optimizer groups carry the specified LRs.

Counts are derived by hand for the tiny BERT (hidden 32, intermediate 37, 2 layers, 2 labels):
layer = q/k/v 3*(32*32+32) + attention output 32*32+32+LN 64 + intermediate 32*37+37
+ output 37*32+32+LN 64 = 6789; pooler 32*32+32 = 1056; classifier 32*2+2 = 66.
"""

from __future__ import annotations

import copy

import pytest
import torch
from finetune_helpers import TINY_VOCAB, tiny_config

from nlptransfer.errors import ConfigError
from nlptransfer.finetune.args import FinetuneArguments
from nlptransfer.finetune.layer_groups import LayerGroups
from nlptransfer.finetune.strategies import (
    STRATEGIES,
    GradualUnfreezing,
    apply_strategy,
    build_param_groups,
    group_learning_rate,
    reinit_top_layers,
    trainable_parameter_counts,
    trainable_parameter_report,
)

LAYER, POOLER, HEAD = 6789, 1056, 66
EMBEDDINGS = len(TINY_VOCAB) * 32 + 64 * 32 + 2 * 32 + 64
TOTAL = EMBEDDINGS + 2 * LAYER + POOLER + HEAD


def trainable(model) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def make_args(**kw):
    return FinetuneArguments(model_name_or_path="unused", **kw)


def test_hand_counts_match_the_tiny_model(tiny_classifier):
    assert sum(p.numel() for p in tiny_classifier.parameters()) == TOTAL
    lg = LayerGroups.from_model(tiny_classifier)
    assert lg.group_names() == ["embeddings", "layer.0", "layer.1", "pooler", "head"]
    assert [lg.parameter_count(g) for g in lg.group_names()] == [EMBEDDINGS, LAYER, LAYER, POOLER, HEAD]


@pytest.mark.parametrize(("strategy", "options", "expected"), [
    ("head", {}, POOLER + HEAD),
    ("top-k", {"top_k": 1}, LAYER + POOLER + HEAD),
    ("top-k", {"top_k": 2}, 2 * LAYER + POOLER + HEAD),
    ("full", {}, TOTAL),
    ("gradual", {}, POOLER + HEAD),  # epoch 0; later epochs tested below
    ("lora", {"lora_r": 4}, 2 * 2 * (2 * 32 * 4) + HEAD),  # A+B on query & value of 2 layers + head copy
])
def test_strategy_trainable_counts(tiny_classifier, strategy, options, expected):
    setup = apply_strategy(tiny_classifier, make_args(strategy=strategy, **options))
    assert trainable(setup.model) == expected
    assert setup.plan.trainable_count(setup.model) == expected
    assert trainable_parameter_counts(setup.model)["trainable"] == expected


def test_head_and_top_k_report_the_frozen_prefix(tiny_classifier):
    assert apply_strategy(copy.deepcopy(tiny_classifier), make_args(strategy="head")).plan.frozen_prefix_layers == 2
    assert apply_strategy(copy.deepcopy(tiny_classifier), make_args(strategy="top-k", top_k=1)).plan.frozen_prefix_layers == 1
    assert apply_strategy(tiny_classifier, make_args(strategy="full")).plan.frozen_prefix_layers is None


def test_gradual_unfreezes_one_group_per_epoch_and_keeps_all_params_in_optimizer(tiny_classifier):
    setup = apply_strategy(tiny_classifier, make_args(strategy="gradual"))
    in_groups = sum(p.numel() for g in setup.param_groups for p in g["params"])
    assert in_groups == TOTAL  # no optimizer rebuild needed when layers thaw
    (callback,) = setup.callbacks
    assert isinstance(callback, GradualUnfreezing)
    expected = [POOLER + HEAD, LAYER + POOLER + HEAD, 2 * LAYER + POOLER + HEAD, TOTAL, TOTAL]
    for epoch, count in enumerate(expected):
        callback.on_epoch_start(epoch, setup.model)
        assert trainable(setup.model) == count, epoch
    callback.on_epoch_start(1, setup.model)  # idempotent per epoch: what a resumed run relies on
    assert trainable(setup.model) == expected[1]


def test_layerwise_lr_decay_groups_match_spec(tiny_classifier):
    args = make_args(strategy="full", learning_rate=1e-3, head_learning_rate=1e-2, layerwise_lr_decay=0.5,
                     weight_decay=0.05)
    groups = apply_strategy(tiny_classifier, args).param_groups
    lrs = {g["group"]: g["lr"] for g in groups}
    assert lrs == pytest.approx({"embeddings": 1e-3 * 0.25, "layer.0": 1e-3 * 0.5, "layer.1": 1e-3,
                                 "pooler": 1e-2, "head": 1e-2})
    # every parameter exactly once; no weight decay on biases and LayerNorm weights
    names = [n for g in groups for n in g["param_names"]]
    assert sorted(names) == sorted(n for n, _ in tiny_classifier.named_parameters())
    for g in groups:
        for name, p in zip(g["param_names"], g["params"]):
            no_decay = name.endswith(".bias") or "LayerNorm" in name
            assert g["weight_decay"] == (0.0 if no_decay else 0.05), name
            assert no_decay == (p.ndim == 1), name


def test_top_k_groups_hold_only_trainable_parameters(tiny_classifier):
    args = make_args(strategy="top-k", top_k=1, layerwise_lr_decay=0.8, learning_rate=2e-3)
    groups = apply_strategy(tiny_classifier, args).param_groups
    assert {g["group"] for g in groups} == {"layer.1", "pooler", "head"}
    assert all(p.requires_grad for g in groups for p in g["params"])
    assert group_learning_rate("layer.1", 2, args) == pytest.approx(2e-3)
    assert group_learning_rate("embeddings", 2, args) == pytest.approx(2e-3 * 0.8**2)


def test_scheduler_keeps_discriminative_ratios(tiny_classifier):
    from transformers import get_scheduler

    args = make_args(strategy="full", learning_rate=1e-3, layerwise_lr_decay=0.5)
    groups = build_param_groups(tiny_classifier, args)
    opt = torch.optim.AdamW(groups, lr=args.learning_rate)
    sched = get_scheduler("linear", opt, num_warmup_steps=2, num_training_steps=10)
    for _ in range(3):
        opt.step()
        sched.step()
    by_name = {g["group"]: g["lr"] for g in opt.param_groups}
    assert by_name["layer.0"] / by_name["layer.1"] == pytest.approx(0.5)
    assert by_name["embeddings"] / by_name["layer.1"] == pytest.approx(0.25)


def test_reinit_top_k_changes_only_the_top_layers(tiny_bert_dir):
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    before = copy.deepcopy(model.state_dict())
    torch.manual_seed(123)
    reinit_top_layers(model, 1)
    after = model.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed, "reinit_top_k left the pretrained weights untouched"
    assert all(k.startswith("bert.encoder.layer.1.") for k in changed)
    assert any("attention.self.query.weight" in k for k in changed)


def test_strategy_errors_name_the_fix(tiny_classifier):
    with pytest.raises(ConfigError, match="Did you mean 'full'"):
        make_args(strategy="ful")
    with pytest.raises(ConfigError, match="only 2 transformer layers"):
        apply_strategy(tiny_classifier, make_args(strategy="top-k", top_k=5))
    with pytest.raises(ConfigError, match="reinit_top_k"):
        make_args(strategy="head", reinit_top_k=1)
    with pytest.raises(ConfigError, match="not modules"):
        apply_strategy(tiny_classifier, make_args(strategy="lora", lora_target_modules=["qkv"]))
    with pytest.raises(ConfigError, match="layerwise_lr_decay"):
        make_args(layerwise_lr_decay=1.5)


def test_report_lists_groups(tiny_classifier):
    apply_strategy(tiny_classifier, make_args(strategy="head"))
    report = trainable_parameter_report(tiny_classifier)
    assert f"trainable parameters: {POOLER + HEAD:,} of {TOTAL:,}" in report
    assert "layer.0" in report and "frozen" in report


@pytest.mark.parametrize("config_cls", ["distilbert", "roberta"])
def test_layer_groups_on_other_encoders(config_cls):
    from transformers import (
        DistilBertConfig,
        DistilBertForSequenceClassification,
        RobertaConfig,
        RobertaForSequenceClassification,
    )

    if config_cls == "distilbert":
        model = DistilBertForSequenceClassification(DistilBertConfig(
            vocab_size=50, dim=32, n_layers=3, n_heads=2, hidden_dim=37, max_position_embeddings=40))
        head_names = ["pre_classifier", "classifier", "dropout"]
    else:
        model = RobertaForSequenceClassification(RobertaConfig(
            vocab_size=50, hidden_size=32, num_hidden_layers=3, num_attention_heads=2, intermediate_size=37,
            max_position_embeddings=40))
        head_names = ["classifier"]
    lg = LayerGroups.from_model(model)
    assert lg.num_layers == 3 and lg.pooler is None
    assert sorted(lg.head) == sorted(head_names)
    per_group = lg.group_parameters()
    assert sum(len(v) for v in per_group.values()) == len(list(model.parameters()))
    setup = apply_strategy(model, make_args(strategy="top-k", top_k=1))
    expected = sum(p.numel() for _, p in per_group["layer.2"] + per_group["head"])
    assert trainable(setup.model) == expected


def test_non_encoder_model_is_rejected_with_a_hint():
    with pytest.raises(ConfigError, match="strategy 'full'"):
        LayerGroups.from_model(torch.nn.Linear(3, 2))


# ---- contract suite: every registered strategy ------------------------------------------------------
def _strategy_names():
    seen, names = set(), []
    for name in STRATEGIES.names():
        cls = STRATEGIES.get(name)
        if cls not in seen:
            seen.add(cls)
            names.append(cls.registry_name)
    return names


class TestStrategyContract:
    """Every strategy: consistent plan, groups cover exactly the trainable parameters, one step moves
    only trainable parameters."""

    @pytest.fixture(params=_strategy_names())
    def setup(self, request, tiny_classifier):
        return apply_strategy(tiny_classifier, make_args(strategy=request.param, lora_r=2))

    def test_groups_cover_trainable_parameters(self, setup):
        grouped = {id(p) for g in setup.param_groups for p in g["params"]}
        assert len(grouped) == sum(len(g["params"]) for g in setup.param_groups)  # no duplicates
        assert {id(p) for p in setup.model.parameters() if p.requires_grad} <= grouped
        assert all(g["lr"] > 0 for g in setup.param_groups)

    def test_one_step_moves_only_trainable_parameters(self, setup):
        model = setup.model
        before = {n: p.detach().clone() for n, p in model.named_parameters()}
        opt = torch.optim.AdamW(setup.param_groups, lr=1e-2)
        ids = torch.randint(5, len(TINY_VOCAB), (4, 7))
        out = model(input_ids=ids, attention_mask=torch.ones_like(ids))
        torch.nn.functional.cross_entropy(out.logits, torch.tensor([0, 1, 0, 1])).backward()
        opt.step()
        for name, p in model.named_parameters():
            moved = not torch.equal(before[name], p.detach())
            if not p.requires_grad:
                assert not moved, name
        assert any(not torch.equal(before[n], p.detach()) for n, p in model.named_parameters() if p.requires_grad)


def test_tiny_config_is_tiny():
    cfg = tiny_config()
    assert cfg.num_hidden_layers == 2 and cfg.hidden_size == 32
