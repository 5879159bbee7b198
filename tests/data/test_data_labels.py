"""LabelSchema: stable sorted ids, clear errors, persistence."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlptransfer.data.labels import SCHEMA_FILENAME, LabelSchema
from nlptransfer.errors import LabelError


def test_ids_are_sorted_names_regardless_of_order_of_appearance():
    a = LabelSchema.from_labels(["pos", "neg", "neu", "pos"])
    b = LabelSchema.from_labels(["neu", "pos", "neg"])
    assert a.names == b.names == ("neg", "neu", "pos")
    assert a.label2id == {"neg": 0, "neu": 1, "pos": 2}
    assert a.id2label == {0: "neg", 1: "neu", 2: "pos"}
    assert a.counts == {"neg": 1, "neu": 1, "pos": 2}
    assert a.num_labels == 3


@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=2).filter(lambda x: len(set(x)) >= 2),
       st.randoms())
def test_schema_does_not_depend_on_row_order(labels, rnd):
    shuffled = list(labels)
    rnd.shuffle(shuffled)
    assert LabelSchema.from_labels(labels) == LabelSchema.from_labels(shuffled)


def test_encode_decode_round_trip():
    schema = LabelSchema.from_labels(["b", "a", "c"])
    ids = schema.encode_many(["c", "a", "b"])
    assert ids == [2, 0, 1]
    assert schema.decode_many(ids) == ["c", "a", "b"]
    assert schema.decode(1) == "b"


def test_unseen_label_names_label_row_and_suggests():
    schema = LabelSchema.from_labels(["positive", "negative"])
    with pytest.raises(LabelError, match=r"Label 'postive' in test.csv, row 3 was never seen.*Did you mean 'positive'"):
        schema.encode("postive", source="test.csv", row=3)
    with pytest.raises(LabelError, match=r"row 1"):
        schema.encode_many(["positive", "neutral"], source="x")


@pytest.mark.parametrize("bad", ["", "   ", None, float("nan")])
def test_missing_labels_name_the_row(bad):
    with pytest.raises(LabelError, match=r"Empty or missing label in train.csv, row 2"):
        LabelSchema.from_labels(["a", "b", bad], source="train.csv")


def test_single_class_is_rejected_with_the_class_named():
    with pytest.raises(LabelError, match=r"train.csv has 1 class\(es\) \('spam'\); a classifier needs at least 2"):
        LabelSchema.from_labels(["spam"] * 5, source="train.csv")


def test_duplicate_names_are_rejected():
    with pytest.raises(LabelError, match="unique"):
        LabelSchema(("a", "a"))


def test_multi_label_encoding_and_empty_label_sets():
    schema = LabelSchema.from_labels([["x", "y"], [], ["y"]], multi_label=True)
    assert schema.names == ("x", "y") and schema.multi_label
    assert schema.encode_many([["y"], [], ["x", "y"]]) == [[0.0, 1.0], [0.0, 0.0], [1.0, 1.0]]


def test_save_and_load_round_trip(tmp_path):
    schema = LabelSchema.from_labels(["b", "a", "a"], multi_label=False)
    path = schema.save(tmp_path / "model")
    assert path.name == SCHEMA_FILENAME
    assert json.loads(path.read_text())["names"] == ["a", "b"]
    loaded = LabelSchema.load(tmp_path / "model")
    assert loaded == schema and loaded.counts == {"a": 2, "b": 1}
    assert LabelSchema.load(path) == schema


def test_loading_from_a_folder_without_schema_says_what_is_missing(tmp_path):
    with pytest.raises(LabelError, match="No label schema at .*label_schema.json"):
        LabelSchema.load(tmp_path)
