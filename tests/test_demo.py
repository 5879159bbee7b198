"""``nlptransfer demo`` end to end on the bundled data (one seed, no transformer, to stay quick)."""

from __future__ import annotations

import json

import pytest

from nlptransfer.cli.main import main
from nlptransfer.demo import DemoConfig, run_demo
from nlptransfer.errors import ConfigError


@pytest.mark.slow
def test_demo_runs_every_stage_and_writes_artefacts(tmp_path, capsys):
    out = tmp_path / "demo"
    results = run_demo(DemoConfig(output=str(out), seeds=[13], transformer=False, curve_sizes=[4, 16]))
    assert results["data"] == {"train": 240, "validation": 100, "test": 300}
    assert 0.5 < results["coverage"]["token"] < 1.0
    assert results["adapt"]["oov_after"] < results["adapt"]["oov_before"]
    assert "tfidf-lr (scratch)" in results["study"] and "adapted-hybrid-lr" in results["study"]
    for name in ("coverage.md", "study.json", "curve.png", "demo_results.json", "best-model/README.md",
                 "vectors-adapted/meta.json"):
        assert (out / name).exists(), name
    study = json.loads((out / "best-model" / "study.json").read_text())
    assert study["config"]["scratch_methods"] == ["tfidf-lr (scratch)", "cnn-rand (scratch)"]
    printed = capsys.readouterr().out
    assert "[6/6]" in printed and "Verdict:" in printed


def test_demo_input_errors(tmp_path, capsys):
    with pytest.raises(ConfigError, match="seeds is empty"):
        DemoConfig(seeds=[])
    assert main(["demo", "--data", str(tmp_path / "nope"), "--output", str(tmp_path / "o")]) == 1
    assert "Demo data" in capsys.readouterr().err
