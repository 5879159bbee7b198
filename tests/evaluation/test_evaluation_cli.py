"""``nlptransfer study`` end to end on the bundled demo data (fast classical methods only)."""

from __future__ import annotations

import json

from testutils import datapath

from nlptransfer.cli.main import main


def test_study_cli_writes_results_and_flags(tmp_path, capsys):
    out = tmp_path / "study"
    code = main(["-q", "study", "--data", str(datapath("demo")), "--methods", "tfidf-lr,vectors-mean-lr",
                 "--seeds", "1,2", "--metric", "accuracy", "--output", str(out), "--curve", "4,8"])
    assert code == 0
    result = json.loads((out / "study.json").read_text())
    assert result["config"]["baseline"] == "tfidf-lr" and result["config"]["scratch_methods"] == ["tfidf-lr"]
    assert [s["method"] for s in result["summaries"]] == ["tfidf-lr", "vectors-mean-lr"]
    assert len(result["records"]) == 4 and all(r["n_train"] > 100 for r in result["records"])
    curve = json.loads((out / "curve.json").read_text())
    assert {p["size"] for p in curve["points"]} == {4, 8}
    assert (out / "curve.png").exists() and "| vectors-mean-lr |" in (out / "study.md").read_text()
    printed = capsys.readouterr().out
    assert "negative_transfer" in printed


def test_study_cli_usage_errors(capsys):
    assert main(["study", "--data", str(datapath("demo")), "--methods", "tfidf-lr,cnn-statik"]) == 2
    assert "Unknown study method 'cnn-statik'. Did you mean 'cnn-static'" in capsys.readouterr().err
    assert main(["study", "--data", str(datapath("demo")), "--methods", "vectors-mean-lr"]) == 2
    assert "No from-scratch method" in capsys.readouterr().err
    assert main(["study", "--data", str(datapath("demo")), "--seeds", "1,x"]) == 2
    assert main(["study", "--list-methods", "--data", "x"]) == 0
    assert "cnn-non-static" in capsys.readouterr().out
