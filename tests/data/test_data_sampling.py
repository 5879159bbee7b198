"""Few-shot subsets are seeded and nested; learning-curve budgets too; stratified_split is exact."""

from __future__ import annotations

import warnings
from collections import Counter

import datasets
import pytest
from datatest_helpers import balanced_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from nlptransfer.data import few_shot, learning_curve_subsets, stratified_split
from nlptransfer.errors import ConfigError, UsageError

COUNTS = {"neg": 40, "neu": 25, "pos": 60}


@pytest.fixture(scope="module")
def dataset():
    rows = balanced_rows(COUNTS)
    return datasets.Dataset.from_dict({"text": [r[0] for r in rows], "label": [r[1] for r in rows]})


def texts(ds) -> list[str]:
    return list(ds["text"])


def test_exact_counts_per_class(dataset):
    subset = few_shot(dataset, 8, seed=1)
    assert Counter(subset["label"]) == {"neg": 8, "neu": 8, "pos": 8}


def test_deterministic_for_a_seed_and_different_across_seeds(dataset):
    assert texts(few_shot(dataset, 8, seed=3)) == texts(few_shot(dataset, 8, seed=3))
    assert texts(few_shot(dataset, 8, seed=3)) != texts(few_shot(dataset, 8, seed=4))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), small=st.integers(1, 30), extra=st.integers(0, 40))
def test_smaller_subset_is_contained_in_larger_one(dataset, seed, small, extra):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # budgets above the "neu" class size warn by design
        a = set(texts(few_shot(dataset, small, seed=seed)))
        b = set(texts(few_shot(dataset, small + extra, seed=seed)))
    assert a <= b


def test_a_class_selection_does_not_depend_on_other_classes(dataset):
    subset = few_shot(dataset, 5, seed=9)
    from_all = [t for t, lab in zip(subset["text"], subset["label"]) if lab == "pos"]
    only_pos = dataset.filter(lambda r: r["label"] == "pos").add_item({"text": "x", "label": "other"})
    with pytest.warns(UserWarning, match="'other' has 1"):
        alone = few_shot(only_pos, 5, seed=9)
    assert [t for t, lab in zip(alone["text"], alone["label"]) if lab == "pos"] == from_all


def test_rows_keep_their_original_order(dataset):
    subset = few_shot(dataset, 10, seed=0)
    position = {t: i for i, t in enumerate(dataset["text"])}
    assert [position[t] for t in subset["text"]] == sorted(position[t] for t in subset["text"])


def test_short_class_is_taken_whole_with_a_warning(dataset):
    with pytest.warns(UserWarning, match=r"few_shot\(30 per class\): 'neu' has 25; took all of them"):
        subset = few_shot(dataset, 30, seed=0)
    assert Counter(subset["label"]) == {"neg": 30, "neu": 25, "pos": 30}


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "8"])
def test_invalid_n_per_class(dataset, bad):
    with pytest.raises(ConfigError, match="n_per_class must be a positive integer"):
        few_shot(dataset, bad)


def test_multi_label_and_missing_column_are_usage_errors(dataset):
    multi = datasets.Dataset.from_dict({"text": ["a", "b"], "label": [["x"], ["y", "x"]]})
    with pytest.raises(UsageError, match="single-label"):
        few_shot(multi, 1)
    with pytest.raises(UsageError, match=r"no column 'lable'.*Did you mean 'label'"):
        few_shot(dataset, 1, label_column="lable")


def test_learning_curve_per_class_is_nested(dataset):
    curve = learning_curve_subsets(dataset, [16, 4, 8], seed=2)
    assert list(curve) == [4, 8, 16]
    assert set(texts(curve[4])) <= set(texts(curve[8])) <= set(texts(curve[16]))
    assert texts(curve[8]) == texts(few_shot(dataset, 8, seed=2))


def test_learning_curve_total_budgets_are_nested_exact_and_stratified(dataset):
    curve = learning_curve_subsets(dataset, [10, 50, 100], seed=2, per_class=False)
    assert [len(curve[n]) for n in (10, 50, 100)] == [10, 50, 100]
    assert set(texts(curve[10])) <= set(texts(curve[50])) <= set(texts(curve[100]))
    counts = Counter(curve[50]["label"])
    for label, n in COUNTS.items():  # within one example of the class share
        assert abs(counts[label] - 50 * n / sum(COUNTS.values())) <= 1


def test_learning_curve_budget_larger_than_data(dataset):
    with pytest.raises(ConfigError, match=r"size 1000 exceeds the 125 available"):
        learning_curve_subsets(dataset, [10, 1000], per_class=False)
    with pytest.raises(ConfigError, match="positive integers"):
        learning_curve_subsets(dataset, [0, 5])


def test_stratified_split_is_disjoint_complete_and_proportional(dataset):
    kept, held = stratified_split(dataset, 0.2, seed=5)
    assert len(held) == 25 and len(kept) == 100
    assert sorted(texts(kept) + texts(held)) == sorted(texts(dataset))
    assert Counter(held["label"]) == {"neg": 8, "neu": 5, "pos": 12}
    kept_again, held_again = stratified_split(dataset, 0.2, seed=5)
    assert texts(held_again) == texts(held)
    _, by_count = stratified_split(dataset, 10, seed=5)
    assert len(by_count) == 10
