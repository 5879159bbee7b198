"""The loader reads every benchmark data set exactly (sizes from ../shared/data/README.md)."""

from __future__ import annotations

import csv

import pytest

from nlptransfer.data import TextCorpus, load_labelled

pytestmark = pytest.mark.shared_data

EXPECTED = {
    "sst2": ({"train": 6920, "validation": 872, "test": 1821}, ("negative", "positive")),
    "trec": ({"train": 5452, "test": 500}, ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")),
    "tweeteval/emotion": ({"train": 3257, "validation": 374, "test": 1421}, ("anger", "joy", "optimism", "sadness")),
    "tweeteval/irony": ({"train": 2862, "validation": 955, "test": 784}, ("irony", "non_irony")),
    "tweeteval/offensive": ({"train": 11916, "validation": 1324, "test": 860}, ("not-offensive", "offensive")),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_folders_load_with_their_sizes_and_labels(shared_data, name):
    sizes, labels = EXPECTED[name]
    data = load_labelled(shared_data / name, validation_size=0)
    assert {k: len(v) for k, v in data.splits.items()} == sizes
    assert data.schema.names == labels
    with open(shared_data / name / "train.csv", encoding="utf-8", newline="") as fh:
        first = next(iter(csv.DictReader(fh)))
    assert data.splits["train"][0] == {"text": first["text"], "label": first["label"]}


def test_trec_keeps_fine_labels_and_gets_a_stratified_validation(shared_data):
    data = load_labelled(shared_data / "trec", keep_columns=["fine_label"])
    assert len(data.splits["validation"]) == 546 and len(data.splits["train"]) == 5452 - 546
    assert data.splits["train"].column_names == ["text", "label", "fine_label"]
    assert data.info["created"]["validation"]["stratified"] is True


def test_unlabelled_tweets_stream(shared_data):
    corpus = TextCorpus(shared_data / "tweets_unlabeled.txt", limit=1000)
    assert corpus.count_documents() == 1000
