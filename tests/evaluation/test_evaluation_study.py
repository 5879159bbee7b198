"""Transfer-vs-scratch study: seeds pairing, negative-transfer and degenerate-run flags, metrics."""

from __future__ import annotations

import json

import numpy as np
import pytest
from datasets import Dataset, DatasetDict

from nlptransfer.base import TransferClassifier
from nlptransfer.data.labels import LabelSchema
from nlptransfer.errors import LabelError, UsageError
from nlptransfer.evaluation import StudyConfig, classification_metrics, run_study


class KeywordClassifier(TransferClassifier):
    """Predicts 'pos' when a keyword is present; ``noise`` flips a seeded share of predictions."""

    def __init__(self, keyword: str, noise: float = 0.0, seed: int = 0, constant: str | None = None):
        self.keyword, self.noise, self.seed, self.constant = keyword, noise, seed, constant

    def fit(self, train, validation=None):
        self.schema = LabelSchema.from_labels(train["label"])
        return self

    def predict_proba(self, texts):
        rng = np.random.default_rng(self.seed)
        out = np.zeros((len(texts), 2))
        for i, t in enumerate(texts):
            pos = self.keyword in t if self.constant is None else self.constant == "pos"
            if rng.random() < self.noise:
                pos = not pos
            out[i, self.schema.label2id["pos"] if pos else self.schema.label2id["neg"]] = 1.0
        return out

    def save(self, path):
        from pathlib import Path

        Path(path).mkdir(parents=True, exist_ok=True)
        self.schema.save(path)
        (Path(path) / "keyword.json").write_text(json.dumps([self.keyword, self.noise, self.seed, self.constant]))
        return Path(path)

    @classmethod
    def load(cls, path):
        from pathlib import Path

        model = cls(*json.loads((Path(path) / "keyword.json").read_text()))
        model.schema = LabelSchema.load(path)
        return model


@pytest.fixture(scope="module")
def splits():
    texts = [f"{'good' if i % 2 else 'bad'} item {i}" for i in range(40)]
    labels = ["pos" if i % 2 else "neg" for i in range(40)]
    ds = Dataset.from_dict({"text": texts, "label": labels})
    return DatasetDict(train=ds.select(range(20)), validation=ds.select(range(20, 30)), test=ds.select(range(30, 40)))


def test_study_flags_negative_transfer_and_degenerate_runs(splits):
    methods = {
        "scratch": lambda seed: KeywordClassifier("good", noise=0.1, seed=seed),
        "transfer_good": lambda seed: KeywordClassifier("good", noise=0.0, seed=seed),
        "transfer_bad": lambda seed: KeywordClassifier("good", noise=0.6, seed=seed),
        "constant": lambda seed: KeywordClassifier("good", constant="pos"),
    }
    methods["scratch_noisy"] = lambda seed: KeywordClassifier("good", noise=0.6, seed=seed)
    result = run_study(methods, splits, StudyConfig(seeds=[1, 2, 3], metric="accuracy",
                                                    scratch_methods=["scratch_noisy"]))
    good, bad, const = (result.summary(m) for m in ("transfer_good", "transfer_bad", "constant"))
    assert good.mean == 1.0 and good.delta_vs_baseline > 0 and not good.negative_transfer
    assert bad.negative_transfer and bad.delta_vs_baseline < 0
    assert const.degenerate_runs == 3 and good.degenerate_runs == 0
    assert set(result.negative_transfer) == {"transfer_bad", "constant"}
    md = result.to_markdown()
    assert "NEGATIVE TRANSFER" in md and "degenerate" in md
    assert json.loads(result.to_json())["summaries"][0]["method"] == "scratch"
    assert len(result.records) == 15
    noisy_scratch = result.summary("scratch_noisy")  # worse than the baseline, but it transfers nothing
    assert noisy_scratch.delta_vs_baseline < 0 and not noisy_scratch.negative_transfer


def test_contract_predict_save_load_round_trip(splits, tmp_path):
    model = KeywordClassifier("good").fit(splits["train"])
    prediction = model.predict(["good one", "bad one"])
    assert prediction.labels == ["pos", "neg"]
    assert prediction.probabilities.shape == (2, 2)
    assert prediction.to_records()[0]["probabilities"] == {"neg": 0.0, "pos": 1.0}
    again = KeywordClassifier.load(model.save(tmp_path / "m"))
    assert again.evaluate(splits["test"]) == model.evaluate(splits["test"])


def test_study_rejects_missing_baseline_and_empty_seeds(splits):
    with pytest.raises(UsageError, match="baseline method 'scratch'"):
        run_study({"a": lambda s: KeywordClassifier("good")}, splits)
    with pytest.raises(UsageError, match="seeds is empty"):
        StudyConfig(seeds=[])


def test_metrics_macro_f1_and_unseen_label():
    schema = LabelSchema.from_labels(["a", "b", "c"])
    m = classification_metrics(["a", "b", "c", "a"], ["a", "b", "b", "a"], schema)
    assert m["accuracy"] == 0.75
    assert m["f1_c"] == 0.0 and m["f1_a"] == 1.0
    assert m["macro_f1"] == pytest.approx((1 + 2 / 3 + 0) / 3)
    with pytest.raises(LabelError, match="Label 'd' in evaluation data, row 1 was never seen"):
        classification_metrics(["a", "d"], ["a", "a"], schema)


class MemorisingClassifier(KeywordClassifier):
    """From-scratch stand-in: learns only the exact texts it saw, so it improves with more labels."""

    def fit(self, train, validation=None):
        super().fit(train)
        self.memory = dict(zip(train["text"], train["label"]))
        return self

    def predict_proba(self, texts):
        out = np.zeros((len(texts), 2))
        for i, t in enumerate(texts):
            label = self.memory.get(t.replace("test", "train"), "neg")
            out[i, self.schema.label2id[label]] = 1.0
        return out


def test_learning_curve_nested_budgets_break_even_and_plot(tmp_path):
    from nlptransfer.evaluation import LearningCurveConfig, run_learning_curve

    texts = [f"{'good' if i % 2 else 'bad'} train {i % 20}" for i in range(40)]
    labels = ["pos" if i % 2 else "neg" for i in range(40)]
    test_texts = [t.replace("train", "test") for t in texts[:20]]
    data = DatasetDict(train=Dataset.from_dict({"text": texts[:20], "label": labels[:20]}),
                       test=Dataset.from_dict({"text": test_texts, "label": labels[:20]}))
    methods = {"scratch": lambda seed: MemorisingClassifier("good"),
               "transfer": lambda seed: KeywordClassifier("good", noise=0.15, seed=seed)}
    curve = run_learning_curve(methods, data, LearningCurveConfig(seeds=[1, 2], metric="accuracy", sizes=[2, 5, 10]))
    scratch = [p.mean for p in curve.series("scratch")]
    assert scratch == sorted(scratch) and scratch[-1] == 1.0  # memoriser sees every train text at 10/class
    assert curve.series("scratch")[0].runs == 2
    assert curve.break_even("transfer") == 10
    assert "| transfer |" in curve.to_markdown() and "10/class" in curve.to_markdown()
    png = curve.plot(tmp_path / "curve.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert json.loads(curve.to_json())["break_even"] == {"transfer": 10}
