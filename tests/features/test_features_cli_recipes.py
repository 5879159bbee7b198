"""`nlptransfer features ...` and the recipes, end to end on tiny CSV data (recipes called via main([...]))."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from features_testutils import make_texts

from nlptransfer.cli.main import main as cli

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def _recipe(name: str):
    spec = importlib.util.spec_from_file_location(f"recipe_{name}", RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_split_folder(folder: Path, sizes=(60, 20, 24), seed=0, flip=False) -> Path:
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    for split, n, offset in zip(("train", "validation", "test"), sizes, (0, 1, 2)):
        texts, labels = make_texts(n, seed * 10 + offset)
        if flip:
            labels = ["irony" if lab == "positive" else "non_irony" for lab in labels]
        pd.DataFrame({"text": texts, "label": labels}).to_csv(folder / f"{split}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return _write_split_folder(tmp_path_factory.mktemp("data") / "tiny")


def test_cli_train_static_sif_saves_and_reports(data_dir, tiny_vectors_path, tmp_path, capsys):
    out = tmp_path / "run"
    code = cli(["features", "train", "--data", str(data_dir), "--featurizer", "static", "--pooling", "sif",
                "--vectors", tiny_vectors_path, "--head", "logreg", "--C", "1", "--output", str(out)])
    assert code == 0
    results = json.loads((out / "all_results.json").read_text())
    assert results["featurizer"] == "static" and results["featurizer_params"]["pooling"] == "sif"
    assert results["metrics"]["test"]["accuracy"] >= 0.85 and "validation" in results["metrics"]
    assert "test: accuracy=" in capsys.readouterr().out
    from nlptransfer.classifiers import load_classifier

    model = load_classifier(out / "model")
    assert model.predict(["good fun", "awful mess"]).labels == ["positive", "negative"]


def test_cli_train_from_yaml_with_flag_override(data_dir, tiny_vectors_path, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text(f"data: {data_dir}\nfeaturizer: hybrid\nvectors: {tiny_vectors_path}\nhead: linear-svm\n"
                      f"C: 0.5\noutput: {tmp_path / 'yaml_run'}\n")
    assert cli(["features", "train", "--config", str(config), "--head", "logreg"]) == 0
    results = json.loads((tmp_path / "yaml_run" / "all_results.json").read_text())
    assert results["featurizer"] == "hybrid" and results["head"] == "logreg" and results["head_params"] == {"C": 0.5}


def test_cli_errors_are_one_line_with_exit_codes(data_dir, tmp_path, capsys):
    assert cli(["features", "train", "--data", str(data_dir), "--featurizer", "statik"]) == 2
    assert "Did you mean 'static'" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("featurize: static\n")
    assert cli(["features", "train", "--config", str(bad)]) == 2
    assert "Did you mean 'featurizer'" in capsys.readouterr().err
    assert cli(["features", "embed", "--texts", str(tmp_path / "missing.txt"), "--output", "x.npy"]) == 1


def test_cli_embed_and_list(tiny_bert_dir, tmp_path, capsys):
    texts = tmp_path / "texts.txt"
    texts.write_text("good movie\nbad plot\nthe acting was fun\n", encoding="utf-8")
    out = tmp_path / "feats.npy"
    assert cli(["features", "embed", "--texts", str(texts), "--featurizer", "transformer", "--model", tiny_bert_dir,
                "--layers=-1,-2", "--no-cache", "--output", str(out)]) == 0
    assert np.load(out).shape == (3, 64)
    assert cli(["features", "list"]) == 0
    listing = capsys.readouterr().out
    assert "hybrid" in listing and "linear-svm" in listing


def test_cli_cnn(data_dir, tiny_vectors_path, tmp_path):
    out = tmp_path / "cnn"
    assert cli(["features", "cnn", "--data", str(data_dir), "--init-mode", "static", "--vectors", tiny_vectors_path,
                "--epochs", "3", "--learning-rate", "0.01", "--batch-size", "16", "--output", str(out)]) == 0
    results = json.loads((out / "all_results.json").read_text())
    assert results["method"] == "cnn-static" and results["metrics"]["test"]["accuracy"] >= 0.7


def test_recipe_featurize_classify(data_dir, tiny_bert_dir, tmp_path):
    recipe = _recipe("featurize_classify")
    results = recipe.main(["--data", str(data_dir), "--featurizer", "transformer", "--model", tiny_bert_dir,
                           "--layers=-1,-2", "--C", "1.0", "--no-cache", "--output-dir", str(tmp_path / "fc")])
    saved = json.loads((tmp_path / "fc" / "all_results.json").read_text())
    assert saved["featurizer_params"]["layers"] == [-1, -2] and saved["metrics"] == results["metrics"]
    assert set(results["metrics"]) == {"validation", "test"}


def test_recipe_cnn_embeddings_with_yaml(data_dir, tiny_vectors_path, tmp_path):
    config = tmp_path / "cnn.yaml"
    config.write_text(f"data: {data_dir}\nvectors: {tiny_vectors_path}\narchitecture: boe\nbigram-buckets: 32\n"
                      "init-mode: non-static\nepochs: 8\nbatch-size: 16\ndropout: 0.0\nlearning-rate: 0.01\n")
    results = _recipe("cnn_embeddings").main(["--config", str(config), "--output-dir", str(tmp_path / "cnn")])
    assert results["method"] == "boe-non-static" and results["config"]["bigram_buckets"] == 32
    assert results["metrics"]["test"]["accuracy"] >= 0.7
    assert (tmp_path / "cnn" / "model" / "model.safetensors").exists()


def test_recipe_multitask_tweeteval(tiny_vectors_path, tmp_path):
    root = tmp_path / "tweeteval"
    _write_split_folder(root / "emotion", sizes=(80, 20, 20), seed=1)
    _write_split_folder(root / "irony", sizes=(40, 20, 20), seed=2, flip=True)
    recipe = _recipe("multitask_tweeteval")
    results = recipe.main(["--data", str(root), "--tasks", "emotion,irony", "--vectors", tiny_vectors_path,
                           "--num-filters", "8", "--epochs", "3", "--learning-rate", "0.01", "--sampling",
                           "alternating", "--task-weights", "irony=2", "--compare-single",
                           "--output-dir", str(tmp_path / "mt")])
    assert set(results["multitask"]) == {"emotion", "irony"} == set(results["single_task"])
    irony = results["multitask"]["irony"]
    assert irony["metric"] == "f1_irony" and irony["score"] == irony["f1_irony"]
    assert results["multitask"]["emotion"]["accuracy"] >= 0.7
    assert results["task_weights"] == {"irony": 2.0}
    saved = json.loads((tmp_path / "mt" / "all_results.json").read_text())
    assert saved["tasks"] == ["emotion", "irony"]
    with pytest.raises(Exception, match="No folder"):
        recipe.main(["--data", str(root), "--tasks", "emotion,nope", "--vectors", tiny_vectors_path])
