"""Validation/test splits made from train: seeded, stratified, reported, and never losing a row."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from datatest_helpers import balanced_rows, write_csv

from nlptransfer.data import load_labelled
from nlptransfer.errors import LabelError

IMBALANCED = {"a": 120, "b": 60, "c": 20}


@pytest.fixture(scope="module")
def imbalanced_csv(tmp_path_factory):
    return write_csv(tmp_path_factory.mktemp("splits") / "train.csv", balanced_rows(IMBALANCED))


def rows(ds) -> list[tuple[str, str]]:
    return list(zip(ds["text"], ds["label"]))


def test_validation_is_stratified(imbalanced_csv):
    data = load_labelled(imbalanced_csv, validation_size=0.1)
    validation = Counter(data.splits["validation"]["label"])
    assert len(data.splits["validation"]) == 20
    assert validation == {"a": 12, "b": 6, "c": 2}  # exactly proportional for these counts
    assert data.info["created"]["validation"] == {"from": "train", "size": 20, "requested": 0.1,
                                                 "stratified": True, "seed": 42}


def test_same_seed_same_split_other_seed_other_split(imbalanced_csv):
    first = load_labelled(imbalanced_csv, seed=7)
    again = load_labelled(imbalanced_csv, seed=7)
    other = load_labelled(imbalanced_csv, seed=8)
    assert rows(first.splits["validation"]) == rows(again.splits["validation"])
    assert rows(first.splits["validation"]) != rows(other.splits["validation"])


def test_no_row_is_lost_and_file_order_is_kept(imbalanced_csv):
    data = load_labelled(imbalanced_csv, validation_size=0.25, test_size=0.15)
    all_rows = balanced_rows(IMBALANCED)
    made = rows(data.splits["train"]) + rows(data.splits["validation"]) + rows(data.splits["test"])
    assert sorted(made) == sorted(all_rows)
    position = {r: i for i, r in enumerate(all_rows)}
    for split in data.splits.values():
        indices = [position[r] for r in rows(split)]
        assert indices == sorted(indices)


def test_sizes_are_rounded_up_fractions_or_exact_counts(imbalanced_csv):
    data = load_labelled(imbalanced_csv, validation_size=0.07, test_size=13)
    assert len(data.splits["validation"]) == 14  # not ceil(14.000000000000002) = 15
    assert len(data.splits["test"]) == 13
    assert len(data.splits["train"]) == 200 - 14 - 13
    assert data.schema.counts == dict(Counter(data.splits["train"]["label"]))


def test_sizes_are_logged(imbalanced_csv, caplog):
    with caplog.at_level(logging.INFO, logger="nlptransfer.data.loading"):
        load_labelled(imbalanced_csv)
    assert "train=180, validation=20 (held out from train, stratified, seed 42)" in caplog.text


def test_zero_validation_size_makes_no_split(imbalanced_csv):
    data = load_labelled(imbalanced_csv, validation_size=0)
    assert list(data.splits) == ["train"] and len(data.splits["train"]) == 200


def test_a_given_validation_file_is_used_as_is(tmp_path):
    write_csv(tmp_path / "train.csv", balanced_rows({"x": 10, "y": 10}))
    write_csv(tmp_path / "validation.csv", [("v1", "x"), ("v2", "y")])
    data = load_labelled(tmp_path, validation_size=0.5)
    assert len(data.splits["train"]) == 20 and len(data.splits["validation"]) == 2
    assert "created" not in data.info


def test_classes_with_one_example_stay_in_train_with_a_warning(tmp_path):
    path = write_csv(tmp_path / "train.csv", balanced_rows({"x": 30, "y": 30, "rare": 1}))
    with pytest.warns(UserWarning, match=r"fewer than 2 examples stay in the training split only: \['rare'\]"):
        data = load_labelled(path, validation_size=0.2)
    assert "rare" in data.splits["train"]["label"]
    assert "rare" not in data.splits["validation"]["label"]
    assert data.info["created"]["validation"]["stratified"] is True
    assert any("rare" in w for w in data.info["warnings"])


def test_too_small_held_out_falls_back_to_unstratified_but_keeps_every_class_in_train(tmp_path):
    path = write_csv(tmp_path / "train.csv", balanced_rows({"a": 2, "b": 2, "c": 2, "d": 2, "e": 2}))
    with pytest.warns(UserWarning, match=r"cannot contain each of the 5 classes; splitting without stratification"):
        data = load_labelled(path, validation_size=2)
    assert data.info["created"]["validation"]["stratified"] is False
    assert len(data.splits["validation"]) == 2
    assert set(data.splits["train"]["label"]) == {"a", "b", "c", "d", "e"}


def test_only_singletons_cannot_be_split(tmp_path):
    path = write_csv(tmp_path / "train.csv", [("one", "a"), ("two", "b")])
    with pytest.warns(UserWarning), pytest.raises(LabelError, match=r"Too few examples to hold any out"):
        load_labelled(path)
    assert len(load_labelled(path, validation_size=0).splits["train"]) == 2
