"""Model card content (regex, like setfit's card tests) and the push flow against a fake Hub API."""

from __future__ import annotations

import json
import re

import pytest

from nlptransfer.cli.main import main
from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import ConfigError, DataError
from nlptransfer.hub import ModelCardData, PushConfig, push_to_hub, render_model_card


@pytest.fixture()
def model_dir(tmp_path):
    folder = tmp_path / "model"
    LabelSchema.from_labels(["negative", "positive", "positive"]).save(folder)
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "training_args.json").write_text(json.dumps(
        {"strategy": "top-k", "top_k": 2, "learning_rate": 5e-5, "model_name_or_path": "all-MiniLM-L6-v2",
         "output_dir": "/tmp/x"}))
    (folder / "metrics.json").write_text(json.dumps(
        {"validation": {"accuracy": 0.91, "macro_f1": 0.905, "n": 872},
         "train": {"best_epoch": 2, "stopped_early": True, "train_loss": 0.21}}))
    (folder / "study.json").write_text(json.dumps({
        "config": {"seeds": [1, 2], "metric": "accuracy", "baseline": "scratch", "negative_transfer_margin": 0.0,
                   "eval_split": "test"},
        "summaries": [
            {"method": "scratch", "mean": 0.8, "std": 0.01, "runs": 2},
            {"method": "finetune/top-k", "mean": 0.9, "std": 0.01, "runs": 2, "delta_vs_baseline": 0.1,
             "wins_vs_baseline": "2/2", "negative_transfer": False, "degenerate_runs": 0},
            {"method": "glove-cnn", "mean": 0.7, "std": 0.02, "runs": 2, "delta_vs_baseline": -0.1,
             "wins_vs_baseline": "0/2", "negative_transfer": True, "degenerate_runs": 0},
        ]}))
    return folder


def test_card_reports_best_metrics_task_labels_and_transfer(model_dir):
    card = ModelCardData.from_model_dir(model_dir, model_id="me/sst2-minilm", dataset_name="sst2")
    text = render_model_card(card)
    assert text.startswith("---\nlibrary_name: nlptransfer\n")
    assert re.search(r"pipeline_tag: text-classification", text)
    assert re.search(r"base_model: all-MiniLM-L6-v2", text)
    assert re.search(r"^# me/sst2-minilm$", text, re.M)
    assert "binary text classification" in text
    assert re.search(r"2 labels: `negative`, `positive`", text)
    assert re.search(r"\| accuracy \| 0\.9100 \|", text)
    assert re.search(r"- `strategy`: `top-k`", text)
    assert "output_dir" not in text  # machine-local paths stay out of the card
    assert re.search(r"\| finetune/top-k \| 90\.0 ± 1\.0 \| \+10\.0 \| 2/2 \| ok \|", text)
    assert "Negative transfer was flagged for: glove-cnn" in text
    assert re.search(r"- transformers \d+\.\d+", text)
    assert re.search(r"name: validation accuracy", text)


def test_push_dry_run_and_fake_api(model_dir):
    summary = push_to_hub(model_dir, PushConfig(repo_id="me/sst2-minilm"), dry_run=True)
    assert "README.md" in summary["files"] and "model.safetensors" in summary["files"]
    assert summary["url"] is None

    calls = []

    class FakeApi:
        def create_repo(self, repo_id, **kw):
            calls.append(("create", repo_id, kw["private"]))

        def upload_folder(self, **kw):
            calls.append(("upload", kw["repo_id"], sorted(p.name for p in __import__("pathlib").Path(
                kw["folder_path"]).iterdir())))
            return type("Commit", (), {"commit_url": "https://hub/commit/1"})()

    out = push_to_hub(model_dir, PushConfig(repo_id="me/sst2-minilm", private=True), api=FakeApi())
    assert calls[0] == ("create", "me/sst2-minilm", True)
    assert "README.md" in calls[1][2]
    assert out["url"] == "https://hub/commit/1"


def test_push_input_errors(tmp_path, model_dir, capsys):
    with pytest.raises(ConfigError, match="Invalid Hub repo id 'no-namespace'"):
        PushConfig(repo_id="no-namespace")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="has no label_schema.json"):
        push_to_hub(tmp_path / "empty", PushConfig(repo_id="me/x"), dry_run=True)
    assert main(["push", str(model_dir), "--repo-id", "bad id"]) == 2
    assert "Invalid Hub repo id" in capsys.readouterr().err
    assert main(["push", str(model_dir), "--repo-id", "me/x"]) == 1  # HF_HUB_OFFLINE=1 in tests
    assert "HF_HUB_OFFLINE is set" in capsys.readouterr().err
    assert main(["card", str(model_dir)]) == 0
    assert (model_dir / "README.md").read_text().count("## Evaluation") == 1
