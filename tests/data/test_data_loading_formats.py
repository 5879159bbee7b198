"""Every source format yields the same DatasetDict for the same rows."""

from __future__ import annotations

import json

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatest_helpers import tiny, write_csv, write_jsonl

from nlptransfer.data import LabelledData, LoadConfig, load_labelled
from nlptransfer.errors import DataError, UsageError


def as_rows(dd) -> dict[str, list[tuple]]:
    return {split: list(zip(ds["text"], ds["label"])) for split, ds in dd.items()}


@pytest.fixture(scope="module")
def from_csv():
    return load_labelled(tiny("labelled.csv"), validation_size=0.25)


@pytest.mark.parametrize("name", ["labelled.tsv", "labelled.jsonl", "labelled.parquet"])
def test_single_file_formats_equal_csv(from_csv, name):
    data = load_labelled(tiny(name), validation_size=0.25)
    assert as_rows(data.splits) == as_rows(from_csv.splits)
    assert data.schema == from_csv.schema
    assert data.splits["train"].features == from_csv.splits["train"].features


def test_csv_is_read_exactly(from_csv, tiny_rows):
    rows = as_rows(from_csv.splits)
    assert sorted(rows["train"] + rows["validation"]) == sorted(tiny_rows)
    texts = list(from_csv.splits["train"]["text"]) + list(from_csv.splits["validation"]["text"])
    assert "Line one of a review.\nLine two says it is superb." in texts  # quoted newline kept
    assert "Works with HomeKit\tand Alexa without fuss" in texts
    assert 'She said "best earbuds I own" and I agree' in texts


def test_output_columns_and_types(from_csv):
    for ds in from_csv.splits.values():
        assert ds.column_names == ["text", "label"]
        assert ds.features["text"] == datasets.Value("string")
        assert ds.features["label"] == datasets.Value("string")
    assert from_csv.schema.names == ("negative", "neutral", "positive")


@pytest.mark.parametrize("ext", ["csv", "tsv", "jsonl", "parquet"])
def test_split_folders_in_every_format_equal_the_committed_folder(tmp_path, ext):
    reference = load_labelled(tiny("splits"))
    for split in ("train", "validation", "test"):
        name = {"validation": "valid"}.get(split, split)  # another accepted alias
        ds = reference.splits[split]
        path = tmp_path / f"{name}.{ext}"
        if ext in ("csv", "tsv"):
            write_csv(path, zip(ds["text"], ds["label"]), delimiter="," if ext == "csv" else "\t")
        elif ext == "jsonl":
            write_jsonl(path, ({"text": t, "label": lab} for t, lab in zip(ds["text"], ds["label"])))
        else:
            pq.write_table(pa.table({"label": ds["label"], "text": ds["text"]}), path)  # column order differs
    data = load_labelled(tmp_path)
    assert as_rows(data.splits) == as_rows(reference.splits)
    assert data.info["format"] == f"folder:{ext}"
    assert "created" not in data.info  # the folder has its own validation split


def test_hub_layout_folder_through_load_dataset_equals_split_folder(isolated_hf_cache):
    reference = load_labelled(tiny("splits"))
    data = load_labelled(tiny("hub_layout"))  # ClassLabel ids in parquet -> names
    assert data.info["format"] == "local-dataset"
    assert as_rows(data.splits) == as_rows(reference.splits)


def test_forced_hub_format_reads_a_split_folder_through_load_dataset(isolated_hf_cache):
    reference = load_labelled(tiny("splits"))
    data = load_labelled(tiny("splits"), format="hub")
    assert data.info["format"] == "local-dataset"
    assert as_rows(data.splits) == as_rows(reference.splits)
    with pytest.raises(UsageError, match="format='hub' reads a Hub dataset id or a dataset folder"):
        load_labelled(tiny("splits", "train.csv"), format="hub")


def test_saved_to_disk_folder_and_in_memory_objects(tmp_path):
    reference = load_labelled(tiny("splits"))
    reference.splits.save_to_disk(str(tmp_path / "saved"))
    from_disk = load_labelled(tmp_path / "saved")
    assert from_disk.info["format"] == "saved-dataset"
    assert as_rows(from_disk.splits) == as_rows(reference.splits)
    in_memory = load_labelled(reference.splits)
    assert as_rows(in_memory.splits) == as_rows(reference.splits)
    single = load_labelled(reference.splits["train"], validation_size=0)
    assert as_rows(single.splits) == {"train": as_rows(reference.splits)["train"]}


def test_class_label_ids_become_names_for_in_memory_datasets():
    ds = datasets.Dataset.from_dict(
        {"sentence": ["good", "bad", "fine", "great"], "label": [1, 0, 1, 1]},
        features=datasets.Features({"sentence": datasets.Value("string"),
                                    "label": datasets.ClassLabel(names=["neg", "pos"])}))
    data = load_labelled(datasets.DatasetDict({"train": ds, "unsupervised": ds}), text_column="sentence",
                         validation_size=0)
    assert data.splits["train"]["label"] == ["pos", "neg", "pos", "pos"]
    assert data.info["ignored_splits"] == ["unsupervised"]


def test_columns_are_renamed_and_extra_columns_kept_on_request(tmp_path):
    path = write_csv(tmp_path / "reviews.csv", [("nice", "pos", "A"), ("meh", "neg", "B"), ("good", "pos", "C")],
                     header=("review", "sentiment", "shop"))
    plain = load_labelled(path, text_column="review", label_column="sentiment", validation_size=0)
    assert plain.splits["train"].column_names == ["text", "label"]
    assert plain.splits["train"]["label"] == ["pos", "neg", "pos"]
    kept = load_labelled(path, text_column="review", label_column="sentiment", keep_columns=["shop"],
                         validation_size=0)
    assert kept.splits["train"]["shop"] == ["A", "B", "C"]


def test_multi_label_csv_and_jsonl_agree():
    csv_data = load_labelled(tiny("multilabel.csv"), multi_label=True, label_separator="|", validation_size=0)
    jsonl_data = load_labelled(tiny("multilabel.jsonl"), multi_label=True, validation_size=0)
    assert as_rows(csv_data.splits) == as_rows(jsonl_data.splits)
    assert csv_data.schema.names == ("battery", "software", "sound") and csv_data.schema.multi_label
    assert csv_data.splits["train"]["label"][-1] == []  # "no labels" is kept, not dropped
    assert csv_data.splits["train"].features["label"] == datasets.List(datasets.Value("string"))


def test_multi_label_validation_split_is_made_without_stratification():
    data = load_labelled(tiny("multilabel.jsonl"), multi_label=True, validation_size=2)
    assert len(data.splits["validation"]) == 2 and len(data.splits["train"]) == 4
    assert data.info["created"]["validation"]["stratified"] is False


def test_glue_style_tsv_with_stray_quotes_is_read_verbatim(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text('sentence\tlabel\n" the movie \' s ending\tpositive\nit " works "\tnegative\nok\tnegative\n',
                    encoding="utf-8")
    data = load_labelled(path, text_column="sentence", validation_size=0)
    assert data.splits["train"]["text"] == ['" the movie \' s ending', 'it " works "', "ok"]


def test_json_array_bom_csv_and_numeric_labels(tmp_path):
    array = tmp_path / "data.json"
    array.write_text(json.dumps([{"text": "a", "label": 1}, {"text": "b", "label": 0}, {"text": "c", "label": 1}]))
    data = load_labelled(array, validation_size=0)
    assert data.splits["train"]["label"] == ["1", "0", "1"]  # label names are strings
    bom = tmp_path / "excel.csv"
    bom.write_bytes("\ufefftext,label\nx,a\ny,b\n".encode())
    assert load_labelled(bom, validation_size=0).splits["train"]["text"] == ["x", "y"]


def test_format_override_reads_a_file_with_an_unusual_extension(tmp_path):
    path = tmp_path / "export.data"
    path.write_text("text,label\nx,a\ny,b\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"Cannot tell the format of .*export.data.*format="):
        load_labelled(path)
    assert load_labelled(path, format="csv", validation_size=0).splits["train"]["label"] == ["a", "b"]


def test_named_validation_and_test_splits_in_a_folder(tmp_path):
    write_csv(tmp_path / "train.csv", [("a", "x"), ("b", "y"), ("c", "x")])
    write_csv(tmp_path / "heldout.csv", [("d", "x"), ("e", "y")])
    write_csv(tmp_path / "final.csv", [("f", "y")])
    data = load_labelled(tmp_path, validation_split="heldout", test_split="final")
    assert {k: len(v) for k, v in data.splits.items()} == {"train": 3, "validation": 2, "test": 1}
    assert data.info["files"]["validation"].endswith("heldout.csv")


def test_config_object_and_keyword_overrides_combine(tmp_path):
    path = write_csv(tmp_path / "d.csv", [("a", "x"), ("b", "y"), ("c", "x"), ("d", "y")])
    config = LoadConfig(validation_size=0, seed=3)
    data = load_labelled(path, config, test_size=2)
    assert len(data.splits["test"]) == 2 and "validation" not in data.splits
    assert config.test_size == 0.0  # the caller's config is not modified


def test_labelled_data_access_and_summary(from_csv):
    assert isinstance(from_csv, LabelledData)
    assert from_csv["train"] is from_csv.splits["train"] and from_csv.train is from_csv.splits["train"]
    assert from_csv.test is None and "validation" in from_csv
    with pytest.raises(UsageError, match=r"No split 'tset'.*Did you mean 'test'|No split 'tset'"):
        from_csv["tset"]
    summary = from_csv.summary()
    assert summary["splits"]["train"]["rows"] == 18 and summary["splits"]["validation"]["rows"] == 6
    assert sum(s["classes"]["positive"] for s in summary["splits"].values()) == 8
    assert summary["created"]["validation"]["stratified"] is True
    text = from_csv.format_summary()
    assert "train" in text and "18" in text and "held out from train" in text


def test_dataset_folder_with_named_configurations(tmp_path, isolated_hf_cache):
    for config, rows in (("emotion", [("yay", "joy"), ("grr", "anger")]), ("irony", [("sure", "irony"),
                                                                                      ("ok", "non_irony")])):
        write_csv(tmp_path / config / "train.csv", rows)
    (tmp_path / "README.md").write_text(
        "---\nconfigs:\n- config_name: emotion\n  data_files:\n  - split: train\n    path: emotion/train.csv\n"
        "- config_name: irony\n  data_files:\n  - split: train\n    path: irony/train.csv\n---\n", encoding="utf-8")
    data = load_labelled(tmp_path, hub_config="irony", validation_size=0)
    assert data.schema.names == ("irony", "non_irony")
    with pytest.raises(DataError, match=r"load_dataset\(.*\) failed: .*Pass hub_config=\.\.\. \(--hub-config\)"):
        load_labelled(tmp_path, validation_size=0)


def test_windows_line_endings(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(b'text,label\r\n"two\r\nlines",a\r\nplain,b\r\n')
    assert list(load_labelled(path, validation_size=0).splits["train"]["text"]) == ["two\r\nlines", "plain"]
