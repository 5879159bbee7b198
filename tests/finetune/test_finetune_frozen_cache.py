"""The frozen-prefix cache: cached training steps equal uncached ones (eval mode), for several encoders."""

from __future__ import annotations

import copy

import datasets
import pytest
import torch

from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import ConfigError
from nlptransfer.finetune.batching import DynamicPaddingCollator, tokenize_for_classification
from nlptransfer.finetune.frozen_cache import FrozenPrefixCache
from nlptransfer.finetune.layer_groups import LayerGroups
from nlptransfer.finetune.loop import LoopArguments, run_training_loop


def freeze_prefix(model, num_frozen_layers: int):
    lg = LayerGroups.from_model(model)
    for p in model.parameters():
        p.requires_grad_(True)
    for module in [lg.embeddings, *lg.layers[:num_frozen_layers]]:
        for p in module.parameters():
            p.requires_grad_(False)
    return model


def random_rows(n: int, vocab: int, seed: int, max_len: int = 20):
    g = torch.Generator().manual_seed(seed)
    rows = []
    for i in range(n):
        length = int(torch.randint(3, max_len, (1,), generator=g))
        ids = [2] + torch.randint(5, vocab, (length - 2,), generator=g).tolist() + [3]
        rows.append({"input_ids": ids, "attention_mask": [1] * length, "labels": i % 2, "length": length})
    return datasets.Dataset.from_list(rows)


def grads(model) -> dict[str, torch.Tensor]:
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def check_equivalence(model, num_frozen_layers: int, rows, *, expect_first_token_only: bool | None = None,
                      first_token_top_layer: bool = True, expect_first_token_top_layer: bool | None = None):
    """Cached and uncached paths give the same logits, loss and gradients with dropout off."""
    reference = freeze_prefix(copy.deepcopy(model), num_frozen_layers).eval()
    cached_model = freeze_prefix(copy.deepcopy(model), num_frozen_layers)
    cache = FrozenPrefixCache(cached_model, num_frozen_layers, batch_size=5,
                              first_token_top_layer=first_token_top_layer)
    if expect_first_token_only is not None:
        assert cache.first_token_only is expect_first_token_only
    if expect_first_token_top_layer is not None:
        assert cache.first_token_top_layer is expect_first_token_top_layer
        assert cache.trainable_suffix().first_token_top_layer is expect_first_token_top_layer
    loader, _ = cache.build_dataloaders(rows, None, batch_size=len(rows))
    suffix = cache.trainable_suffix().eval()
    batch = next(iter(loader))
    order = [int(i) for i in loader.sampler]  # the (seeded, deterministic) order of the cached batch
    plain = DynamicPaddingCollator(0)([rows[i] for i in order])
    ref_logits = reference(input_ids=plain["input_ids"], attention_mask=plain["attention_mask"]).logits
    logits = suffix(hidden_states=batch["hidden_states"], attention_mask=batch["attention_mask"])
    torch.testing.assert_close(logits, ref_logits, atol=2e-5, rtol=1e-4)
    assert torch.equal(batch["labels"], plain["labels"])
    torch.nn.functional.cross_entropy(ref_logits, plain["labels"]).backward()
    torch.nn.functional.cross_entropy(logits, batch["labels"]).backward()
    ref_grads, cached_grads = grads(reference), grads(cached_model)
    assert ref_grads.keys() == cached_grads.keys() and ref_grads
    for name in ref_grads:
        torch.testing.assert_close(cached_grads[name], ref_grads[name], atol=2e-5, rtol=1e-4, msg=name)
    # the suffix trains exactly the parameters the freeze plan leaves trainable
    trainable = {id(p) for p in cached_model.parameters() if p.requires_grad}
    assert {id(p) for p in suffix.parameters() if p.requires_grad} == trainable
    return cache


@pytest.mark.parametrize("first_token_top_layer", [True, False])
@pytest.mark.parametrize("num_frozen", [0, 1, 2])
def test_bert_cached_step_equals_uncached_step(tiny_classifier, num_frozen, first_token_top_layer):
    rows = random_rows(11, tiny_classifier.config.vocab_size, seed=num_frozen)
    cache = check_equivalence(tiny_classifier, num_frozen, rows, expect_first_token_only=num_frozen == 2,
                              first_token_top_layer=first_token_top_layer,
                              expect_first_token_top_layer=first_token_top_layer and num_frozen < 2)
    assert cache.build_seconds > 0


@pytest.mark.parametrize("attn_implementation", ["eager", "sdpa"])
def test_first_token_layer_matches_the_full_layer_at_position_zero(attn_implementation):
    from transformers import BertConfig, BertModel

    from nlptransfer.finetune.frozen_cache import FirstTokenLayer, supports_first_token_layer

    torch.manual_seed(3)
    config = BertConfig(vocab_size=40, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                        intermediate_size=37, attn_implementation=attn_implementation)
    model = BertModel(config, add_pooling_layer=False).eval()
    layer = model.encoder.layer[0]
    assert supports_first_token_layer(layer)
    input_ids = torch.randint(5, 40, (3, 7))
    mask = torch.ones(3, 7, dtype=torch.long)
    mask[1, 4:] = 0  # padded rows must not leak into position 0
    mask[2, 2:] = 0
    full = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
    states = model.embeddings(input_ids=input_ids)
    wrapper = FirstTokenLayer(layer)
    assert wrapper.reassociate  # plain nn.Linear keys and values: never projected for every token
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for layer_mask in (mask, mask[:, None, None, :].bool(),
                       mask[:, None, None, :].expand(3, 1, 7, 7).bool(), additive):
        out = wrapper(states, layer_mask)
        assert out.shape == (3, 1, 32)
        torch.testing.assert_close(out, full[:, :1], atol=1e-5, rtol=1e-4)
    # changing a padded token's embedding leaves the first position unchanged
    states2 = states.clone()
    states2[1, 5] += 1.0
    torch.testing.assert_close(wrapper(states2, mask), wrapper(states, mask))


def _first_token_reference(layer, states, mask):
    """Layer output at position 0 computed the plain way: keys and values projected for every token."""
    sa = layer.attention.self
    batch, width, _ = states.shape
    heads, d = sa.num_attention_heads, sa.attention_head_size
    q = sa.query(states[:, :1]).view(batch, 1, heads, d).transpose(1, 2)
    k = sa.key(states).view(batch, width, heads, d).transpose(1, 2)
    v = sa.value(states).view(batch, width, heads, d).transpose(1, 2)
    scores = (q @ k.transpose(-1, -2)) * sa.scaling
    scores = scores.masked_fill(~mask[:, None, None, :].bool(), float("-inf"))
    probs = torch.nn.functional.dropout(scores.softmax(-1), sa.dropout.p, layer.training)
    context = (probs @ v).transpose(1, 2).reshape(batch, 1, heads * d)
    return layer.feed_forward_chunk(layer.attention.output(context, states[:, :1]))


def test_first_token_layer_in_training_mode_and_its_projected_fallback():
    """Dropout on: same masks (same RNG draws), same output and gradients as the projected form; a key or
    value that is not a plain nn.Linear (an adapter, a quantised layer) takes the projected path."""
    from transformers import BertConfig, BertModel

    from nlptransfer.finetune.frozen_cache import FirstTokenLayer

    torch.manual_seed(4)
    config = BertConfig(vocab_size=40, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                        intermediate_size=37, attention_probs_dropout_prob=0.3, hidden_dropout_prob=0.2)
    layer = BertModel(config, add_pooling_layer=False).encoder.layer[0].train()
    with torch.no_grad():  # non-zero biases: BERT initialises them to 0, which would hide bias terms
        for p in layer.parameters():
            p.normal_(0.0, 0.2)
    states = torch.randn(3, 7, 32)
    mask = torch.ones(3, 7, dtype=torch.long)
    mask[1, 3:] = 0
    wrapper = FirstTokenLayer(layer)
    torch.manual_seed(11)
    out = wrapper(states, mask)
    out.pow(2).sum().backward()
    got = {n: p.grad.clone() for n, p in layer.named_parameters()}
    layer.zero_grad()
    torch.manual_seed(11)
    ref = _first_token_reference(layer, states, mask)
    ref.pow(2).sum().backward()
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-4)
    for name, p in layer.named_parameters():
        torch.testing.assert_close(got[name], p.grad, atol=1e-5, rtol=1e-4, msg=name)

    class LinearSubclass(torch.nn.Linear):
        pass

    fallback_layer = copy.deepcopy(layer).eval()
    old = fallback_layer.attention.self.value
    fallback_layer.attention.self.value = LinearSubclass(old.in_features, old.out_features)
    fallback_layer.attention.self.value.load_state_dict(old.state_dict())
    fallback = FirstTokenLayer(fallback_layer)
    assert not fallback.reassociate
    torch.testing.assert_close(fallback(states, mask), FirstTokenLayer(layer.eval())(states, mask),
                               atol=1e-5, rtol=1e-4)


def test_roberta_and_distilbert_are_supported():
    from transformers import (
        DistilBertConfig,
        DistilBertForSequenceClassification,
        RobertaConfig,
        RobertaForSequenceClassification,
    )

    torch.manual_seed(0)
    roberta = RobertaForSequenceClassification(RobertaConfig(
        vocab_size=50, hidden_size=32, num_hidden_layers=3, num_attention_heads=2, intermediate_size=37,
        max_position_embeddings=40, pad_token_id=1, num_labels=2))
    check_equivalence(roberta, 2, random_rows(9, 50, seed=5), expect_first_token_top_layer=True)
    check_equivalence(roberta, 3, random_rows(9, 50, seed=6), expect_first_token_only=True)
    distil = DistilBertForSequenceClassification(DistilBertConfig(
        vocab_size=50, dim=32, n_layers=2, n_heads=2, hidden_dim=37, max_position_embeddings=40, num_labels=2))
    # DistilBERT's layers have another structure: the top layer runs in full
    check_equivalence(distil, 1, random_rows(9, 50, seed=7), expect_first_token_top_layer=False)


def test_suffix_state_dict_holds_only_trainable_modules(tiny_classifier):
    model = freeze_prefix(tiny_classifier, 1)
    suffix = FrozenPrefixCache(model, 1).trainable_suffix()
    keys = set(suffix.state_dict())
    assert keys and all(k.startswith(("layers.0.", "pooler.", "head.")) for k in keys)
    assert suffix.layers[0] is LayerGroups.from_model(model).layers[1]


def test_unfrozen_prefix_is_rejected(tiny_classifier):
    model = freeze_prefix(tiny_classifier, 1)
    with pytest.raises(ConfigError, match="use_frozen_cache=False"):
        FrozenPrefixCache(model, 2)
    with pytest.raises(ConfigError, match="between 0 and"):
        FrozenPrefixCache(model, 3)


def test_training_through_the_cache_updates_the_real_model(tiny_bert_dir, tiny_classifier, toy_train, toy_validation):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert_dir)
    schema = LabelSchema.from_labels(toy_train["label"])
    train_tok, _ = tokenize_for_classification(toy_train, tokenizer, schema, max_length=32)
    eval_tok, _ = tokenize_for_classification(toy_validation, tokenizer, schema, max_length=32)
    model = freeze_prefix(tiny_classifier, 1)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    cache = FrozenPrefixCache(model, 1)
    train, evaluation = cache.build_dataloaders(train_tok, eval_tok, batch_size=16, seed=0)
    args = LoopArguments(num_epochs=2, learning_rate=5e-3, batch_size=16, metric_for_best_model="accuracy")
    result = run_training_loop(cache.trainable_suffix(), train, evaluation, args)
    assert result.metrics["eval_samples"] == len(toy_validation)
    assert 0.0 < train.collate_fn.stats.padded_share < 0.3
    changed = {n for n, p in model.named_parameters() if not torch.equal(p, before[n])}
    assert changed and all(n.startswith(("bert.encoder.layer.1.", "bert.pooler.", "classifier.")) for n in changed)
    # the real model (not the suffix) now reproduces the suffix's evaluation accuracy
    model.eval()
    collate = DynamicPaddingCollator(tokenizer.pad_token_id)
    batch = collate([eval_tok[i] for i in range(len(eval_tok))])
    with torch.no_grad():
        pred = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.argmax(-1)
    accuracy = float((pred == batch["labels"]).float().mean())
    assert accuracy == pytest.approx(result.metrics["accuracy"], abs=1e-6)


def test_first_token_layer_is_not_used_for_relative_position_attention():
    from transformers import BertConfig, BertModel

    from nlptransfer.finetune.frozen_cache import supports_first_token_layer

    layer = BertModel(BertConfig(vocab_size=40, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                                 intermediate_size=37)).encoder.layer[0]
    assert supports_first_token_layer(layer)
    layer.attention.self.config.position_embedding_type = "relative_key"
    assert not supports_first_token_layer(layer)
