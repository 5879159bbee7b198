"""Each bad input raises one clear, one-line error naming the value and the fix."""

from __future__ import annotations

import logging

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatest_helpers import tiny, write_csv, write_jsonl

from nlptransfer.data import LoadConfig, load_labelled
from nlptransfer.errors import (
    ConfigError,
    DataError,
    DataFileNotFoundError,
    LabelError,
    NLPTransferError,
    UsageError,
)

ROWS = [("good", "pos"), ("bad", "neg"), ("fine", "pos"), ("awful", "neg")]


def one_line(excinfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message, message
    return message


def test_missing_file_suggests_the_close_name(tmp_path):
    write_csv(tmp_path / "train.csv", ROWS)
    with pytest.raises(DataFileNotFoundError, match=r"'.*trian.csv' not found\. Did you mean 'train.csv'\?") as e:
        load_labelled(tmp_path / "trian.csv")
    one_line(e)


def test_missing_file_lists_the_folder_when_nothing_is_close(tmp_path):
    write_csv(tmp_path / "reviews.csv", ROWS)
    with pytest.raises(DataFileNotFoundError, match=r"contains: 'reviews.csv'"):
        load_labelled(tmp_path / "zzz.csv")


def test_missing_folder_says_so(tmp_path):
    with pytest.raises(DataFileNotFoundError, match=r"does not exist either"):
        load_labelled(tmp_path / "nowhere" / "train.csv")


def test_unknown_hub_id_offline_is_a_not_found_error(isolated_hf_cache):
    with pytest.raises(DataFileNotFoundError, match=r"'no-such-dataset-xyz' is not a labelled-data file or folder"):
        load_labelled("no-such-dataset-xyz")


@pytest.mark.parametrize(
    "option, value, pattern",
    [
        ("text_column", "reveiw", r"Column 'reveiw' not found in .*d.csv \(columns: 'review', 'label'\)\. Did you mean "
                               r"'review'\? Set text_column=\.\.\. \(--text-column\)"),
        ("label_column", "lable", r"Column 'lable' not found .*Did you mean 'label'\? Set label_column=\.\.\. "
                                  r"\(--label-column\)"),
    ],
)
def test_missing_column_suggests_the_closest(tmp_path, option, value, pattern):
    path = write_csv(tmp_path / "d.csv", ROWS, header=("review", "label"))
    kwargs = {"text_column": "review", option: value}
    with pytest.raises(DataError, match=pattern) as e:
        load_labelled(path, **kwargs)
    one_line(e)


def test_missing_column_without_a_close_name_lists_the_columns_once(tmp_path):
    path = write_csv(tmp_path / "d.csv", ROWS, header=("review", "label"))
    with pytest.raises(DataError, match=r"Column 'text' not found in .*d.csv \(columns: 'review', 'label'\)\. Set "):
        load_labelled(path)


def test_missing_keep_column(tmp_path):
    path = write_csv(tmp_path / "d.csv", ROWS)
    with pytest.raises(DataError, match=r"Column 'fine_lable' not found.*--keep-column"):
        load_labelled(path, keep_columns=["fine_lable"])


def test_empty_file():
    with pytest.raises(DataError, match=r"empty\.csv is empty \(0 bytes\)"):
        load_labelled(tiny("empty.csv"))


def test_header_only_file(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("text,label\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"h\.csv has no data rows \(only a header\)"):
        load_labelled(path)


def test_non_utf8_names_file_line_and_encoding_option():
    with pytest.raises(DataError, match=r"latin1\.csv is not valid utf-8: byte e8 at line 2, column 3\. "
                                        r"Pass encoding='latin-1' \(--encoding latin-1\)") as e:
        load_labelled(tiny("latin1.csv"))
    one_line(e)


def test_explicit_latin1_encoding_reads_the_file():
    data = load_labelled(tiny("latin1.csv"), encoding="latin-1", validation_size=0)
    assert list(data.splits["train"]["text"]) == ["Très bon produit", "Café froid, déçu", "Livré mardi",
                                                  "Son très clair"]


def test_non_utf8_jsonl_line_number(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"text": "ok", "label": "a"}\n{"text": "ok", "label": "b"}\n{"text": "caf\xe9", "label": "a"}\n')
    with pytest.raises(DataError, match=r"d\.jsonl is not valid utf-8: byte e9 at line 3"):
        load_labelled(path)


@pytest.mark.parametrize("bad", ["", "  "])
def test_empty_label_names_file_row_and_line(tmp_path, bad):
    path = write_csv(tmp_path / "train.csv", [("good", "pos"), ("bad", "neg"), ("meh", bad)])
    with pytest.raises(LabelError, match=r"Empty or missing label in .*train\.csv, row 3 \(line 4\) \(train split\)"):
        load_labelled(path)


def test_null_label_in_parquet_and_jsonl(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"text": ["a", "b", "c"], "label": ["x", None, "y"]}), path)
    with pytest.raises(LabelError, match=r"d\.parquet, row 2 \(train split\)"):
        load_labelled(path)
    jsonl = write_jsonl(tmp_path / "d.jsonl", [{"text": "a", "label": "x"}, {"text": "b", "label": float("nan")}])
    with pytest.raises(LabelError, match=r"d\.jsonl, row 2 \(line 2\)"):
        load_labelled(jsonl)


def test_single_class_in_train(tmp_path):
    path = write_csv(tmp_path / "train.csv", [("a", "spam"), ("b", "spam")])
    with pytest.raises(LabelError, match=r"training data \(.*train\.csv\) has 1 class\(es\) \('spam'\)") as e:
        load_labelled(path)
    one_line(e)


@pytest.mark.parametrize("split_file", ["validation.csv", "test.csv", "dev.csv"])
def test_unseen_label_in_validation_or_test_names_label_file_and_row(tmp_path, split_file):
    write_csv(tmp_path / "train.csv", ROWS)
    write_csv(tmp_path / split_file, [("ok", "pos"), ("hmm", "postive")])
    with pytest.raises(LabelError, match=rf"Label 'postive' in .*{split_file}, row 2 \(line 3\) .* does not occur in "
                                         r"the training data .*Did you mean 'pos'\?") as e:
        load_labelled(tmp_path)
    one_line(e)


def test_empty_text_is_an_error_naming_the_row(tmp_path):
    path = write_csv(tmp_path / "train.csv", [("good", "pos"), ("  ", "neg"), ("bad", "neg"), ("fine", "pos")])
    with pytest.raises(DataError, match=r"Empty text in .*train\.csv, row 2 \(line 3\).*drop_empty_text=True"):
        load_labelled(path)


def test_drop_empty_text_drops_counts_and_logs(tmp_path, caplog):
    path = write_csv(tmp_path / "train.csv", [("good", "pos"), ("", ""), ("bad", "neg"), (" ", "neg"), ("ok", "pos")])
    with caplog.at_level(logging.WARNING, logger="nlptransfer.data.loading"):
        data = load_labelled(path, drop_empty_text=True, validation_size=0)
    assert list(data.splits["train"]["text"]) == ["good", "bad", "ok"]
    assert data.info["dropped_empty_text"] == {"train": 2}
    assert "Dropped 2 rows with empty text" in caplog.text


def test_wrong_number_of_fields_names_the_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,label\ngood,pos\nbad, really bad,neg\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv, line 3: 3 fields but the header has 2 \(text, label\)\. Quote"):
        load_labelled(path)


def test_invalid_json_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "label": "x"}\n{"text": "b", "label": }\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.jsonl, line 2: not valid JSON"):
        load_labelled(path)


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "d.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError, match=r"d\.parquet is not a readable parquet file"):
        load_labelled(path)


def test_list_label_without_multi_label(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"text": "a", "label": ["x", "y"]}, {"text": "b", "label": "y"}])
    with pytest.raises(LabelError, match=r"is a list .*pass multi_label=True \(--multi-label\)"):
        load_labelled(path)


def test_folder_without_train_file(tmp_path):
    write_csv(tmp_path / "test.csv", ROWS)
    with pytest.raises(DataError, match=r"has \['test'\] files but no train file"):
        load_labelled(tmp_path)


def test_folder_with_two_train_files(tmp_path):
    write_csv(tmp_path / "train.csv", ROWS)
    write_jsonl(tmp_path / "train.jsonl", [{"text": t, "label": lab} for t, lab in ROWS])
    with pytest.raises(DataError, match=r"several train files: \['train.csv', 'train.jsonl'\]"):
        load_labelled(tmp_path)
    assert len(load_labelled(tmp_path, format="jsonl", validation_size=0).splits["train"]) == 4


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"validaton_size": 0.2}, ConfigError, r"Unknown load option 'validaton_size'\. Did you mean 'validation_size'"),
        ({"validation_size": 1.5}, ConfigError, r"validation_size must be a fraction in \[0, 1\) .* got 1\.5"),
        ({"validation_size": -1}, ConfigError, r"validation_size must not be negative"),
        ({"test_size": "10%"}, ConfigError, r"test_size must be a fraction"),
        ({"format": "xlsx"}, ConfigError, r"Unknown format 'xlsx'"),
        ({"format": "jsonline"}, ConfigError, r"Did you mean 'jsonl'"),
        ({"encoding": "utf-9"}, ConfigError, r"Unknown encoding 'utf-9'"),
        ({"text_column": "label"}, ConfigError, r"both 'label'"),
        ({"seed": 1.5}, ConfigError, r"seed must be an integer"),
        ({"keep_columns": ["label"]}, ConfigError, r"keep_columns must not repeat"),
    ],
)
def test_invalid_options(kwargs, error, pattern):
    with pytest.raises(error, match=pattern) as e:
        load_labelled(tiny("labelled.csv"), **kwargs)
    assert e.value.exit_code == 2  # usage errors map to CLI exit code 2
    one_line(e)


def test_validation_size_that_leaves_nothing_to_train(tmp_path):
    path = write_csv(tmp_path / "d.csv", ROWS)
    with pytest.raises(ConfigError, match=r"validation_size=4 would hold out 4 of 4 rows"):
        load_labelled(path, validation_size=4)


def test_config_aliases_are_normalised():
    assert LoadConfig(format="JSONLines").format == "jsonl"
    assert LoadConfig(keep_columns="fine_label").keep_columns == ("fine_label",)


def test_data_errors_are_exit_code_1_and_all_errors_share_the_base_class(tmp_path):
    with pytest.raises(NLPTransferError) as e:
        load_labelled(tmp_path / "missing.csv")
    assert e.value.exit_code == 1
    assert isinstance(e.value, FileNotFoundError)  # callers catching the builtin still work
    assert issubclass(UsageError, NLPTransferError)
