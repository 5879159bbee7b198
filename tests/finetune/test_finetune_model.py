"""TransformerClassifier end to end on the tiny BERT: fit, save (a plain save_pretrained folder), load,
predict; multi-label thresholds; windows; LoRA merge; the CLI and the recipe."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from finetune_helpers import make_dataset

from nlptransfer.errors import ConfigError, DataError, DataFileNotFoundError
from nlptransfer.finetune.model import TransformerClassifier

REPO = Path(__file__).resolve().parents[2]


def options(model_dir, **kw):
    base = dict(model_name_or_path=str(model_dir), max_length=32, num_epochs=4, learning_rate=3e-3, batch_size=16,
                eval_batch_size=16, logging_steps=100)
    return {**base, **kw}


@pytest.fixture(scope="module")
def fitted(tiny_bert_dir, toy_train, toy_validation, tmp_path_factory):
    clf = TransformerClassifier(**options(tiny_bert_dir, strategy="full"))
    clf.fit(toy_train, toy_validation)
    out = clf.save(tmp_path_factory.mktemp("saved"))
    return clf, out


def test_full_fine_tuning_learns_the_toy_task(fitted, toy_validation):
    clf, _ = fitted
    assert clf.metrics["validation"]["accuracy"] >= 0.7
    assert clf.metrics["validation"]["eval_samples"] == 37
    assert clf.metrics["trainable_parameters"]["percent"] == 100.0
    assert clf.evaluate(toy_validation)["accuracy"] == pytest.approx(clf.metrics["validation"]["accuracy"])


def test_saved_folder_is_a_plain_pretrained_model(fitted):
    from transformers import AutoModelForSequenceClassification

    _, out = fitted
    for name in ("model.safetensors", "config.json", "tokenizer_config.json", "label_schema.json",
                 "training_args.json", "metrics.json"):
        assert (out / name).exists(), name
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {"0": "neg", "1": "pos"}
    assert config["problem_type"] == "single_label_classification"
    model = AutoModelForSequenceClassification.from_pretrained(out)
    assert model.config.label2id == {"neg": 0, "pos": 1}
    assert json.loads((out / "training_args.json").read_text())["strategy"] == "full"


def test_load_predicts_exactly_like_the_fitted_model(fitted, toy_validation):
    clf, out = fitted
    loaded = TransformerClassifier.load(out)
    texts = list(toy_validation["text"][:9]) + ["", "great"]
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), atol=1e-6)
    prediction = loaded.predict(texts)
    assert prediction.probabilities.shape == (11, 2)
    np.testing.assert_allclose(prediction.probabilities.sum(axis=1), 1.0, atol=1e-6)
    assert set(prediction.labels) <= {"neg", "pos"}
    assert loaded.metrics["validation"]["accuracy"] == clf.metrics["validation"]["accuracy"]


def test_predict_order_is_input_order(fitted):
    clf, _ = fitted
    texts = ["the very long and quite dull boring film was bad .", "good", "a nice fun story", "sad"]
    single = np.stack([clf.predict_proba([t])[0] for t in texts])
    np.testing.assert_allclose(clf.predict_proba(texts), single, atol=1e-5)


def test_window_truncation_aggregates_one_row_per_text(tiny_bert_dir, toy_train):
    clf = TransformerClassifier(**options(tiny_bert_dir, strategy="head", num_epochs=1, max_length=12,
                                          truncation="window", window_stride=6))
    clf.fit(toy_train.select(range(32)))
    long_texts = list(make_dataset(5, seed=9, long=True)["text"])
    probs = clf.predict_proba(long_texts)
    assert probs.shape == (5, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)


def test_multi_label_thresholds_saved_and_used(tiny_bert_dir, tmp_path):
    import datasets

    texts = list(make_dataset(60, seed=5)["text"])
    labels = [["pos", "film"] if i % 3 == 0 else (["neg"] if i % 3 == 1 else ["film"]) for i in range(60)]
    data = datasets.Dataset.from_dict({"text": texts, "label": labels})
    clf = TransformerClassifier(**options(tiny_bert_dir, strategy="full", multi_label=True, num_epochs=2,
                                          class_weights="auto"))
    clf.fit(data.select(range(45)), data.select(range(45, 60)))
    assert clf.args.metric_for_best_model == "macro_f1"
    assert len(clf.thresholds) == 3
    out = clf.save(tmp_path / "ml")
    saved = json.loads((out / "thresholds.json").read_text())
    assert list(saved) == ["film", "neg", "pos"]
    assert json.loads((out / "config.json").read_text())["problem_type"] == "multi_label_classification"
    loaded = TransformerClassifier.load(out)
    assert loaded.thresholds == pytest.approx(clf.thresholds)
    prediction = loaded.predict(texts[:4])
    assert all(isinstance(labels, list) for labels in prediction.labels)
    expected = [[n for n, p, t in zip(loaded.schema.names, row, loaded.thresholds) if p >= t]
                for row in prediction.probabilities]
    assert prediction.labels == expected


def test_lora_saves_a_merged_plain_model(tiny_bert_dir, toy_train, tmp_path):
    clf = TransformerClassifier(**options(tiny_bert_dir, strategy="lora", lora_r=4, num_epochs=1))
    clf.fit(toy_train)
    assert clf.metrics["trainable_parameters"]["trainable"] < clf.metrics["trainable_parameters"]["total"] / 5
    texts = ["good film", "bad plot"]
    before = clf.predict_proba(texts)
    out = clf.save(tmp_path / "lora")
    loaded = TransformerClassifier.load(out)
    np.testing.assert_allclose(loaded.predict_proba(texts), before, atol=1e-5)
    assert not any("lora" in k for k in json.loads((out / "config.json").read_text()))


def test_frozen_cache_head_run_trains_the_real_model(tiny_bert_dir, toy_train, toy_validation):
    clf = TransformerClassifier(**options(tiny_bert_dir, strategy="head", num_epochs=2, learning_rate=1e-2))
    clf.fit(toy_train, toy_validation)
    counts = clf.metrics["trainable_parameters"]
    assert counts["trainable"] == 1056 + 66  # pooler + classifier of the full model, not of the cache suffix
    # the evaluation from the cache equals evaluating the saved full model
    assert clf.evaluate(toy_validation)["accuracy"] == pytest.approx(clf.metrics["validation"]["accuracy"])


def test_user_errors(tiny_bert_dir, toy_train, tmp_path):
    import datasets

    with pytest.raises(DataError, match="column"):
        TransformerClassifier(**options(tiny_bert_dir)).fit(datasets.Dataset.from_dict({"sentence": ["a", "b"]}))
    with pytest.raises(DataFileNotFoundError, match="does not exist"):
        TransformerClassifier(model_name_or_path=str(tmp_path / "missing"), max_length=32).fit(toy_train)
    with pytest.raises(DataFileNotFoundError, match="not a saved"):
        TransformerClassifier.load(tmp_path)
    with pytest.raises(RuntimeError, match="not fitted"):
        TransformerClassifier(**options(tiny_bert_dir)).predict(["x"])
    with pytest.raises(ConfigError, match="window_stride"):
        TransformerClassifier(**options(tiny_bert_dir, truncation="window", window_stride=40))
    with pytest.raises(ConfigError, match="Unknown fine-tuning option 'epochs'"):
        TransformerClassifier(**options(tiny_bert_dir, epochs=3))


# ---- CLI and recipe ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def csv_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    make_dataset(80, seed=1).to_csv(str(folder / "train.csv"), index=False)
    make_dataset(21, seed=2).to_csv(str(folder / "test.csv"), index=False)
    return folder


def test_cli_finetune_then_predict(tiny_bert_dir, csv_data, tmp_path, capsys):
    from nlptransfer.cli.main import main

    config = tmp_path / "run.yaml"
    config.write_text(f"model_name_or_path: {tiny_bert_dir}\nstrategy: top-k\ntop_k: 1\nmax_length: 32\n"
                      "num_epochs: 5\nlearning_rate: 0.01\n")
    out = tmp_path / "model"
    code = main(["finetune", "--config", str(config), "--data", str(csv_data), "--output", str(out), "--epochs", "1"])
    assert code == 0
    results = json.loads((out / "all_results.json").read_text())
    assert results["test"]["n"] == 21 and results["data"] == {"train": 72, "validation": 8, "test": 21}
    assert json.loads((out / "training_args.json").read_text())["num_epochs"] == 1  # flag beat the YAML
    capsys.readouterr()
    assert main(["predict", "--model", str(out), "--text", "good film", "--text", "bad"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in lines] == ["good film", "bad"]
    assert all(set(r["probabilities"]) == {"neg", "pos"} for r in lines)


def test_cli_usage_errors(tmp_path, capsys):
    from nlptransfer.cli.main import main

    assert main(["finetune", "--data", str(tmp_path), "--output", str(tmp_path / "o"), "--strategy", "ful"]) == 2
    assert "Did you mean 'full'" in capsys.readouterr().err
    assert main(["predict", "--model", str(tmp_path)]) == 2
    assert main(["finetune", "--strategy", "full", "--output", str(tmp_path / "o")]) == 2


def test_recipe_end_to_end(tiny_bert_dir, csv_data, tmp_path):
    spec = importlib.util.spec_from_file_location("finetune_recipe", REPO / "recipes" / "finetune_classifier.py")
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    out = tmp_path / "recipe"
    results = recipe.main(["--data", str(csv_data), "--model", str(tiny_bert_dir), "--strategy", "gradual",
                           "--max-length", "32", "--epochs", "2", "--output", str(out), "--save-every-steps", "3"])
    assert (out / "all_results.json").exists() and (out / "model.safetensors").exists()
    assert results["test"]["n"] == 21
    assert results["train"]["global_step"] == 2 * 3  # 72 examples / batch 32 -> 3 steps per epoch
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-3", "checkpoint-6"]
