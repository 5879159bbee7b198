"""``nlptransfer adapt`` end to end, and the recipe."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from nlptransfer.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def _args(pretrained_folder, corpus_file, output, *extra):
    return ["adapt", "--vectors", str(pretrained_folder), "--corpus", str(corpus_file), "--output", str(output),
            "--epochs", "2", "--min-count", "2", "--workers", "1", "--tokenizer-mode", "tweet", "--no-progress",
            "--no-intrinsic", *extra]


def test_cli_lock_writes_loadable_vectors_and_report(pretrained_folder, corpus_file, tmp_path, capsys):
    from gensim.models import KeyedVectors

    from nlptransfer.vectors import load_vectors

    out = tmp_path / "adapted"
    labelled = tmp_path / "labelled.csv"
    texts = corpus_file.read_text(encoding="utf-8").splitlines()[:40]
    labelled.write_text("text,label\n" + "".join(f"{t},{'pos' if i % 2 else 'neg'}\n" for i, t in enumerate(texts)))
    assert main(_args(pretrained_folder, corpus_file, out, "--mode", "lock", "--labelled", str(labelled))) == 0
    printed = capsys.readouterr().out
    assert "new words added: 7" in printed and "corpus token OOV:" in printed
    adapted, original = load_vectors(out), load_vectors(pretrained_folder)
    assert np.asarray(adapted.matrix[: len(original)]).tobytes() == np.asarray(original.matrix).tobytes()
    assert "lol" in adapted and "lol" not in original
    assert "lol" in KeyedVectors.load(str(out / "vectors.kv"))
    report = json.loads((out / "adaptation_report.json").read_text(encoding="utf-8"))
    assert report["mode"] == "lock" and report["oov"]["labelled"]["after"]["oov_rate"] < 0.01


def test_cli_progress_bar_is_per_epoch(pretrained_folder, corpus_file, tmp_path, capsys):
    args = [a for a in _args(pretrained_folder, corpus_file, tmp_path / "p", "--mode", "continue")
            if a != "--no-progress"]
    assert main(args) == 0
    assert "2/2" in capsys.readouterr().err


def test_cli_unknown_mode(pretrained_folder, corpus_file, tmp_path, capsys):
    assert main(_args(pretrained_folder, corpus_file, tmp_path / "x", "--mode", "continu")) == 2
    assert "Unknown adaptation mode 'continu'. Did you mean 'continue'?" in capsys.readouterr().err


def test_cli_refuses_non_empty_output(pretrained_folder, corpus_file, tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert main(_args(pretrained_folder, corpus_file, out)) == 2
    assert "pass --overwrite" in capsys.readouterr().err


def test_cli_empty_corpus(pretrained_folder, tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(_args(pretrained_folder, empty, tmp_path / "o")) == 1
    assert "is empty" in capsys.readouterr().err


@pytest.fixture(scope="module")
def recipe():
    spec = importlib.util.spec_from_file_location("adapt_embeddings_recipe", REPO / "recipes" / "adapt_embeddings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recipe_end_to_end(recipe, pretrained_folder, corpus_file, tmp_path):
    results = recipe.main(["--vectors", str(pretrained_folder), "--corpus", str(corpus_file), "--mode", "align",
                           "--output-dir", str(tmp_path), "--epochs", "2", "--min-count", "2", "--workers", "1",
                           "--tokenizer-mode", "tweet", "--no-intrinsic"])
    saved = json.loads((tmp_path / "all_results.json").read_text(encoding="utf-8"))
    assert saved["mode"] == "align" and saved["new_words"] == 7
    assert saved["corpus_oov_after"] < saved["corpus_oov_before"] == results["corpus_oov_before"]
    assert (tmp_path / "vectors" / "adaptation_report.md").exists()


def test_recipe_reads_yaml_config(recipe, pretrained_folder, corpus_file, tmp_path):
    from nlptransfer.errors import ConfigError

    config = tmp_path / "adapt.yaml"
    config.write_text(f"vectors: {pretrained_folder}\ncorpus: {corpus_file}\nmode: scratch\nepochs: 1\n"
                      f"min-count: 2\ntokenizer_mode: tweet\nno_intrinsic: true\noutput_dir: {tmp_path / 'run'}\n")
    results = recipe.main(["--config", str(config), "--epochs", "2"])
    assert results["mode"] == "scratch" and results["config"]["epochs"] == 2  # command line wins
    bad = tmp_path / "bad.yaml"
    bad.write_text("corpus: x\nmin_cout: 3\n")
    with pytest.raises(ConfigError, match="Unknown option 'min_cout'.*Did you mean 'min_count'"):
        recipe.main(["--config", str(bad)])
