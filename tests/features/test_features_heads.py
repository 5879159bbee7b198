"""Heads (contract over every registered head) and FeaturizerClassifier fit/predict/save/load."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp
from features_testutils import make_texts
from sklearn.base import clone

from nlptransfer.base import TransferClassifier
from nlptransfer.errors import ConfigError, DataError, DataFileNotFoundError, LabelError, UsageError
from nlptransfer.features import HEADS, FeaturizerClassifier, StaticVectorFeaturizer, build_head
from nlptransfer.features.heads import C_GRID, chosen_params


def _head_names() -> list[str]:
    return sorted({HEADS.get(n).registry_name for n in HEADS.names()})


@pytest.fixture(scope="module")
def xy():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    X = rng.normal(size=(90, 6)) + np.eye(6)[y] * 3.0
    return X, y


@pytest.mark.parametrize("name", _head_names())
@pytest.mark.parametrize("sparse", [False, True])
def test_every_head_gives_calibrated_probabilities(name, sparse, xy):
    X, y = xy
    X = sp.csr_matrix(X) if sparse else X
    head = build_head(name)
    assert clone(head).get_params().keys() == head.get_params().keys()
    head.fit(X, y)
    probs = head.predict_proba(X)
    assert probs.shape == (90, 3)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-6)
    assert (probs.argmax(1) == y).mean() > 0.8


def test_auto_c_picks_from_the_grid_by_cv(xy):
    X, y = xy
    head = build_head("logreg", C="auto").fit(X, y)
    assert chosen_params(head)["C"] in C_GRID
    assert chosen_params(build_head("logreg", C=2.0).fit(X, y)) == {}
    assert build_head("linear-svm", C="auto").fit(X, y).best_params_["clf__estimator__C"] > 0


def test_bad_head_options_are_reported():
    with pytest.raises(UsageError, match="Did you mean 'logreg'"):
        build_head("logrg")
    with pytest.raises(ConfigError, match="C must be a positive number or 'auto'"):
        build_head("logreg", C=-1)
    with pytest.raises(ConfigError, match="Bad parameters for head 'mlp'"):
        build_head("mlp", hidden=3)


@pytest.fixture(scope="module")
def fitted(tiny_data, tiny_vectors_path):
    train, validation, _ = tiny_data
    return FeaturizerClassifier("static", "logreg", featurizer_params={"vectors": tiny_vectors_path, "pooling": "sif"},
                                head_params={"C": 1.0}).fit(train, validation)


def test_featurizer_classifier_is_a_transfer_classifier(fitted, tiny_data):
    _, _, test = tiny_data
    assert isinstance(fitted, TransferClassifier)
    pred = fitted.predict(test["text"])
    assert set(pred.labels) <= {"negative", "positive"} and pred.probabilities.shape == (len(test), 2)
    np.testing.assert_allclose(pred.probabilities.sum(1), 1, atol=1e-9)
    metrics = fitted.evaluate(test)
    assert metrics["accuracy"] >= 0.85 and metrics["n"] == len(test)
    assert fitted.validation_metrics["accuracy"] >= 0.8


def test_save_load_roundtrip(fitted, tiny_data, tmp_path):
    _, _, test = tiny_data
    folder = fitted.save(tmp_path / "model")
    config = json.loads((folder / "featurizer_classifier.json").read_text())
    assert config["featurizer"] == "static" and config["head"] == "logreg"
    assert config["featurizer_params"]["pooling"] == "sif"
    assert (folder / "label_schema.json").exists()
    loaded = FeaturizerClassifier.load(folder)
    np.testing.assert_allclose(loaded.predict_proba(test["text"]), fitted.predict_proba(test["text"]), atol=1e-9)
    assert loaded.schema == fitted.schema
    with pytest.raises(DataFileNotFoundError, match="not a saved FeaturizerClassifier"):
        FeaturizerClassifier.load(tmp_path)


def test_featurizer_instance_and_hybrid_default(tiny_data, tiny_vectors_path, tmp_path):
    train, _, test = tiny_data
    template = StaticVectorFeaturizer(vectors=tiny_vectors_path)
    clf = FeaturizerClassifier(template, "linear-svm").fit(train)
    assert clf.featurizer_ is not template and not hasattr(template, "n_features_out_")  # cloned, untouched
    assert clf.evaluate(test)["accuracy"] >= 0.85
    clf.save(tmp_path / "m")
    assert FeaturizerClassifier.load(tmp_path / "m").config()["featurizer"] == "static"
    hybrid = FeaturizerClassifier(featurizer_params={"vectors": tiny_vectors_path}).fit(train)
    assert hybrid.config()["featurizer"] == "hybrid" and hybrid.evaluate(test)["accuracy"] >= 0.85


def test_input_mistakes_are_named(tiny_data, tiny_vectors_path):
    from datasets import Dataset

    train, _, _ = tiny_data
    with pytest.raises(UsageError, match="Did you mean 'static'"):
        FeaturizerClassifier("statik")
    with pytest.raises(DataError, match="needs columns 'text' and 'label'"):
        FeaturizerClassifier("tfidf").fit(Dataset.from_dict({"sentence": ["a", "b"], "label": ["x", "y"]}))
    one_class = Dataset.from_dict({"text": ["good", "fun"], "label": ["pos", "pos"]})
    with pytest.raises(LabelError, match="1 class"):
        FeaturizerClassifier("tfidf").fit(one_class)
    clf = FeaturizerClassifier("tfidf").fit(train)
    unseen = Dataset.from_dict({"text": ["good"], "label": ["neutral"]})
    with pytest.raises(LabelError, match="'neutral'.*never seen in training"):
        clf.evaluate(unseen)
    texts, _ = make_texts(3, seed=9)
    assert clf.predict(texts).probabilities.shape == (3, 2)
