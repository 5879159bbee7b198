"""``load_classifier`` dispatches on the saved folder's marker file; ``nlptransfer predict`` uses it."""

from __future__ import annotations

import json

import pytest
from testutils import datapath

from nlptransfer import load_classifier
from nlptransfer.cli.main import main
from nlptransfer.data import load_labelled
from nlptransfer.errors import DataError, DataFileNotFoundError
from nlptransfer.features import FeaturizerClassifier


def test_featurizer_classifier_round_trip_and_predict_cli(tmp_path, capsys):
    data = load_labelled(datapath("demo"))
    model = FeaturizerClassifier("tfidf", "logreg").fit(data.splits["train"])
    folder = model.save(tmp_path / "tfidf")
    loaded = load_classifier(folder)
    assert type(loaded) is FeaturizerClassifier
    model.save(tmp_path / "run" / "model")  # the layout `nlptransfer features ... --output run` writes
    assert type(load_classifier(tmp_path / "run")) is FeaturizerClassifier
    texts = data.splits["test"]["text"][:5]
    assert loaded.predict(texts).labels == model.predict(texts).labels
    assert main(["predict", "--model", str(folder), "--text", texts[0], "--text", texts[1]]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["label"] for x in lines] == model.predict(texts[:2]).labels
    assert set(lines[0]["probabilities"]) == set(data.schema.names)


def test_load_classifier_errors(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="does not exist"):
        load_classifier(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="is not a saved nlptransfer classifier"):
        load_classifier(tmp_path / "empty")
