"""``nlptransfer data``: exit codes 0/1/2, one-line errors, no tracebacks."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from datatest_helpers import tiny, write_csv

from nlptransfer.cli.main import main
from nlptransfer.data import WordTokenizer, few_shot, load_labelled


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    lines = [line for line in err.splitlines() if line.startswith("nlptransfer data: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_inspect_prints_sizes_and_class_counts(capsys):
    code, out, _ = run(capsys, "-q", "data", "inspect", str(tiny("splits")))
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "labels (3): negative, neutral, positive"
    table = {line.split()[0]: line.split()[1:] for line in lines[3:6]}
    assert table == {"train": ["16", "6", "4", "6"], "validation": ["4", "1", "2", "1"], "test": ["4", "1", "2", "1"]}


def test_inspect_json(capsys):
    code, out, _ = run(capsys, "-q", "data", "inspect", str(tiny("labelled.jsonl")), "--json", "--validation-size", "6")
    assert code == 0
    summary = json.loads(out)
    assert summary["splits"]["validation"]["rows"] == 6 and summary["splits"]["train"]["rows"] == 18
    assert summary["created"]["validation"]["stratified"] is True
    assert summary["labels"] == ["negative", "neutral", "positive"]


def test_inspect_with_renamed_columns_and_encoding(capsys, tmp_path):
    path = write_csv(tmp_path / "r.csv", [("Très bien", "bon"), ("Nul", "mauvais")], header=("avis", "note"),
                     encoding="latin-1")
    code, out, _ = run(capsys, "-q", "data", "inspect", str(path), "--text-column", "avis", "--label-column", "note",
                       "--encoding", "latin-1", "--validation-size", "0")
    assert code == 0 and "labels (2): bon, mauvais" in out


def test_missing_file_exits_1_with_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "data", "inspect", str(tmp_path / "nope.csv"))
    assert code == 1
    assert_one_line_error(err, "nope.csv' not found")


def test_bad_column_exits_1_and_suggests(capsys):
    code, _, err = run(capsys, "data", "inspect", str(tiny("labelled.csv")), "--label-column", "lable")
    assert code == 1
    assert_one_line_error(err, "Column 'lable' not found", "Did you mean 'label'?")


def test_non_utf8_exits_1_naming_the_line(capsys):
    code, _, err = run(capsys, "data", "inspect", str(tiny("latin1.csv")))
    assert code == 1
    assert_one_line_error(err, "latin1.csv is not valid utf-8", "line 2", "--encoding latin-1")


def test_invalid_option_value_exits_2(capsys):
    code, _, err = run(capsys, "data", "inspect", str(tiny("labelled.csv")), "--validation-size", "1.5")
    assert code == 2
    assert_one_line_error(err, "validation_size must be a fraction")
    code, _, err = run(capsys, "data", "inspect", str(tiny("labelled.csv")), "--format", "xlsx")
    assert code == 2
    assert_one_line_error(err, "Unknown format 'xlsx'")


def test_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["data", "inspect"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["data", "inspect", "x.csv", "--validation-size", "ten"])
    assert e.value.code == 2
    assert "expected a fraction like 0.1" in capsys.readouterr().err
    assert main(["data"]) == 2


def test_sample_writes_a_nested_seeded_few_shot_file(capsys, tmp_path):
    out8, out4 = tmp_path / "few8.csv", tmp_path / "few4.jsonl"
    code, out, _ = run(capsys, "-q", "data", "sample", str(tiny("labelled.csv")), "--n-per-class", "3", "--seed", "1",
                       "--output", str(out8))
    assert code == 0 and "wrote 9 rows" in out
    code, _, _ = run(capsys, "-q", "data", "sample", str(tiny("labelled.csv")), "--n-per-class", "2", "--seed", "1",
                     "--output", str(out4))
    assert code == 0
    big = load_labelled(out8, validation_size=0).splits["train"]
    small = load_labelled(out4, validation_size=0).splits["train"]
    assert Counter(big["label"]) == {"negative": 3, "neutral": 3, "positive": 3}
    assert set(zip(small["text"], small["label"])) <= set(zip(big["text"], big["label"]))
    expected = few_shot(load_labelled(tiny("labelled.csv"), validation_size=0).splits["train"], 3, seed=1)
    assert list(big["text"]) == list(expected["text"])


def test_sample_refuses_to_overwrite_its_input_and_bad_extensions(capsys, tmp_path):
    path = write_csv(tmp_path / "d.csv", [("a", "x"), ("b", "y")])
    code, _, err = run(capsys, "data", "sample", str(path), "--n-per-class", "1", "--output", str(path))
    assert code == 2
    assert_one_line_error(err, "is the input file")
    code, _, err = run(capsys, "data", "sample", str(path), "--n-per-class", "1", "--output", str(tmp_path / "o.xls"))
    assert code == 2
    assert_one_line_error(err, "Cannot tell the format")


def test_corpus_counts(capsys):
    code, out, _ = run(capsys, "-q", "data", "corpus", str(tiny("corpus.txt")), "--json")
    assert code == 0
    counts = json.loads(out)
    documents = [line.strip() for line in tiny("corpus.txt").read_text("utf-8").splitlines() if line.strip()]
    assert counts["documents"] == 5
    assert counts["tokens"] == sum(len(WordTokenizer()(d)) for d in documents)
    assert counts["most_common"][0] == ["the", 3]
    code, _, err = run(capsys, "data", "corpus", str(tiny("empty.csv")))
    assert code == 1
    assert_one_line_error(err, "empty.csv is empty")
