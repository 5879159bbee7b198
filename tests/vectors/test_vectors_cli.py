"""``nlptransfer vectors inspect|convert|coverage`` end to end through ``main([...])``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlptransfer.cli.main import main
from nlptransfer.vectors import load_vectors


def test_inspect_text_and_json(five_formats, capsys):
    paths, words, matrix = five_formats
    assert main(["vectors", "inspect", str(paths["fasttext-bin"]), "--sample", "3"]) == 0
    out = capsys.readouterr().out
    assert "format:   fasttext-bin" in out
    assert f"size:     {len(words)} words x 8 (float32)" in out
    assert "subwords: 500 n-gram buckets, n = 3..5" in out
    assert f"sample:   {' '.join(words[:3])}" in out
    assert main(["vectors", "inspect", str(paths["glove"]), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "glove" and info["dim"] == 8 and info["words"] == len(words)
    norms = np.linalg.norm(matrix, axis=1)
    assert info["norms"]["norm_max"] == pytest.approx(float(norms.max()), rel=1e-5)
    assert info["content_hash"].startswith("blake2b-160:")


@pytest.mark.parametrize("target", ["folder", "word2vec-bin", "word2vec-text", "glove", "fasttext-vec"])
def test_convert_round_trips(five_formats, tmp_path, target, capsys):
    paths, words, matrix = five_formats
    out = tmp_path / ("out" if target == "folder" else f"out.{target}")
    assert main(["vectors", "convert", str(paths["word2vec-text"]), "--out", str(out), "--to", target]) == 0
    assert f"wrote {len(words)} x 8 vectors to {out} ({target})" in capsys.readouterr().out
    back = load_vectors(out)
    assert back.words == words
    np.testing.assert_array_equal(np.asarray(back.matrix), matrix)


def test_convert_into_cache_with_limit_and_float16(five_formats, capsys):
    paths, words, _ = five_formats
    assert main(["vectors", "convert", str(paths["glove"]), "--limit", "4", "--dtype", "float16"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 x 8 vectors cached at ") and "limit4" in out


def test_convert_refuses_to_overwrite(five_formats, tmp_path, capsys):
    paths, _, _ = five_formats
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    assert main(["vectors", "convert", str(paths["glove"]), "--out", str(tmp_path / "busy")]) == 2
    assert "exists and is not an empty folder" in capsys.readouterr().err


def test_user_errors_are_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a 1 2\nb 3\n")
    assert main(["vectors", "inspect", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "line 2 (word 'b') has 1 values, expected 2" in err
    assert main(["vectors", "inspect", "glove-6b-5d"]) == 1
    assert "Did you mean 'glove-6b-50d'" in capsys.readouterr().err


def test_coverage_command_writes_json_and_markdown(tmp_path, capsys):
    vec = tmp_path / "v.txt"
    vec.write_text("the 1 0\ncat 0 1\nsat 1 1\n", encoding="utf-8")
    data = tmp_path / "train.csv"
    data.write_text("text,label\nthe cat sat,a\nthe dog,b\nThe Cat,a\n", encoding="utf-8")
    corpus = tmp_path / "tweets.txt"
    corpus.write_text("the cat\n", encoding="utf-8")
    args = ["vectors", "coverage", "--vectors", str(vec), "--data", str(data), "--tokenizer-mode", "tweet",
            "--json", str(tmp_path / "c.json"), "--markdown", str(tmp_path / "c.md")]
    assert main(args) == 0
    report = json.loads((tmp_path / "c.json").read_text())
    assert report["n_tokens"] == 7 and report["token_coverage"] == pytest.approx(6 / 7)
    assert report["per_class"]["b"]["token_coverage"] == pytest.approx(0.5)
    assert report["tokenizer"]["mode"] == "tweet"
    assert "| `dog` | 1 | oov |" in (tmp_path / "c.md").read_text()
    assert "exact token coverage 85.71%" in capsys.readouterr().out
    # A plain text corpus (no labels) alongside: counted, no per-class figures.
    assert main(["vectors", "coverage", "--vectors", str(vec), "--data", str(data), str(corpus),
                 "--json", str(tmp_path / "d.json")]) == 0
    both = json.loads((tmp_path / "d.json").read_text())
    assert both["n_tokens"] == 9 and both["per_class"] == {}
    assert main(["vectors", "coverage", "--vectors", str(vec), "--data", str(data), "--splits", "test"]) == 2


@pytest.mark.slow
@pytest.mark.shared_data
def test_coverage_of_glove_on_tweeteval_irony(shared_data, tmp_path):
    out = tmp_path / "irony.json"
    assert main(["vectors", "coverage", "--data", str(shared_data / "tweeteval" / "irony"), "--splits",
                 "train,test", "--tokenizer-mode", "tweet", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["vectors"] == "glove-6b-50d"
    assert 0.7 < report["token_coverage"] < 1.0  # a broken load would be ~0
    assert report["top_oov"][0]["word"] == "@user"
