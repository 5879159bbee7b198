"""Per-label thresholds tuned on validation, saved and loaded by label name."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import DataError, DimensionMismatchError
from nlptransfer.finetune.multilabel import (
    THRESHOLDS_FILENAME,
    load_thresholds,
    save_thresholds,
    tune_thresholds,
)


def test_each_label_gets_the_threshold_that_separates_it():
    probs = np.array([[0.9, 0.30], [0.8, 0.25], [0.6, 0.10], [0.2, 0.05]])
    y = np.array([[1, 1], [1, 1], [0, 0], [0, 0]])
    t = tune_thresholds(probs, y, grid=[0.2, 0.5, 0.7])
    assert t.tolist() == [0.7, 0.2]
    pred = probs >= t
    assert (pred == y.astype(bool)).all()


def test_ties_prefer_the_threshold_nearest_one_half():
    probs = np.array([[0.95], [0.05]])
    y = np.array([[1], [0]])
    assert tune_thresholds(probs, y).tolist() == [0.5]


def test_tuning_improves_f1_for_a_rare_label():
    rng = np.random.default_rng(0)
    y = (rng.random((400, 1)) < 0.1).astype(int)
    probs = np.clip(0.15 + 0.25 * y + rng.normal(0, 0.08, y.shape), 0, 1)  # positives score ~0.4, never 0.5
    t = tune_thresholds(probs, y)

    def f1(pred):
        tp = (pred & (y == 1)).sum()
        return 2 * tp / (pred.sum() + y.sum())

    assert f1(probs >= t) > 0.8 > f1(probs >= 0.5)


def test_shape_and_grid_errors():
    with pytest.raises(DimensionMismatchError):
        tune_thresholds(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(DataError, match="empty"):
        tune_thresholds(np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(DataError, match="grid"):
        tune_thresholds(np.zeros((2, 1)), np.zeros((2, 1)), grid=[1.5])


def test_save_and_load_round_trip_by_name(tmp_path):
    schema = LabelSchema(("joy", "sadness"), multi_label=True)
    path = save_thresholds([0.3, 0.65], schema, tmp_path)
    assert json.loads(path.read_text()) == {"joy": 0.3, "sadness": 0.65}
    assert load_thresholds(tmp_path, schema).tolist() == [0.3, 0.65]
    assert load_thresholds(tmp_path / "elsewhere", schema) is None
    with pytest.raises(DimensionMismatchError):
        save_thresholds([0.5], schema, tmp_path)
    (tmp_path / THRESHOLDS_FILENAME).write_text('{"joy": 0.3}')
    with pytest.raises(DataError, match="sadness"):
        load_thresholds(tmp_path, schema)
