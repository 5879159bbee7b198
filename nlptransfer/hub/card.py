"""Model cards: a dataclass of facts plus a template, rendered to the Hub's README.md.

The card reports the metrics of the *best* checkpoint (the one that was restored and saved), not the
last evaluation (transformers #15547, #12741), states the task from the saved label schema rather than
guessing it (setfit #118), and includes the transfer-versus-scratch evidence when a study was run.
Facts are read from what ``save`` wrote (``label_schema.json``, ``metrics.json``,
``training_args.json``, ``featurizer_classifier.json``, ``embedding_classifier.json``, ``study.json``); anything missing is said to be
missing rather than invented.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..data.labels import LabelSchema
from ..errors import DataFileNotFoundError

CARD_FILENAME = "README.md"
STUDY_FILENAME = "study.json"
_FRAMEWORK_PACKAGES = ("torch", "transformers", "accelerate", "peft", "gensim", "scikit-learn", "datasets")


@dataclass
class ModelCardData:
    """Everything a card says. Built by :meth:`from_model_dir`; every field can be overridden."""

    model_id: str = field(default="nlptransfer-model", metadata={"help": "Hub repo id or local name."})
    schema: LabelSchema | None = None
    base_model: str | None = field(default=None, metadata={"help": "Pretrained encoder or vectors used."})
    method: str = field(default="unknown", metadata={"help": "Transfer method, e.g. finetune/top-k."})
    language: str = "en"
    license: str = "apache-2.0"
    dataset_name: str | None = None
    validation_metrics: dict[str, float] = field(default_factory=dict)
    test_metrics: dict[str, float] = field(default_factory=dict)
    hyperparameters: dict = field(default_factory=dict)
    training_details: dict = field(default_factory=dict)
    study_markdown: str | None = None
    negative_transfer: list[str] = field(default_factory=list)
    limitations: str = (
        "Trained on a small labelled set; expect lower accuracy on text unlike the training domain. "
        "Check the coverage and transfer reports before relying on it, and evaluate on your own data."
    )
    framework_versions: dict[str, str] = field(default_factory=dict)

    @property
    def pipeline_tag(self) -> str:
        return "text-classification"

    @property
    def task(self) -> str:
        if self.schema is None:
            return "text classification"
        kind = "multi-label" if self.schema.multi_label else ("binary" if self.schema.num_labels == 2 else "multi-class")
        return f"{kind} text classification"

    @classmethod
    def from_model_dir(cls, path: str | Path, **overrides) -> ModelCardData:
        path = Path(path)
        if not path.is_dir():
            raise DataFileNotFoundError(f"Model folder {path} does not exist; pass the folder written by save().")
        data = cls(schema=LabelSchema.load(path))
        metrics = _read_json(path / "metrics.json")
        data.validation_metrics = _flat_numbers(metrics.get("validation", {}))
        data.test_metrics = _flat_numbers(metrics.get("test", {}))
        data.training_details = {k: v for k, v in metrics.get("train", {}).items() if v is not None}
        args = _read_json(path / "training_args.json")
        if args:
            data.method = f"finetune/{args.get('strategy', 'full')}"
            data.base_model = args.get("model_name_or_path")
            data.hyperparameters = {k: v for k, v in args.items() if k not in {"output_dir", "resume_from_checkpoint"}}
        featurizer = _read_json(path / "featurizer_classifier.json")
        if featurizer and not args:
            data.method = f"featurizer/{featurizer.get('featurizer', '?')}+{featurizer.get('head', '?')}"
            data.hyperparameters = {"featurizer_params": featurizer.get("featurizer_params"),
                                    "head_params": featurizer.get("head_params")}
            data.validation_metrics = _flat_numbers(featurizer.get("validation_metrics") or {})
        network = _read_json(path / "embedding_classifier.json")
        if network and not args:
            cfg = network.get("config", {})
            data.method = f"embeddings/{cfg.get('architecture', '?')}-{cfg.get('init_mode', '?')}"
            data.base_model = network.get("vectors_source")
            data.hyperparameters = cfg
            data.training_details = {k: v for k, v in (network.get("training") or {}).items()
                                     if not isinstance(v, (list, dict))}
        study = _read_json(path / STUDY_FILENAME)
        if study:
            from ..evaluation.study import MethodSummary, StudyConfig, StudyResult

            result = StudyResult(StudyConfig(**study["config"]), [],
                                 [MethodSummary(**s) for s in study["summaries"]])
            data.study_markdown = result.to_markdown()
            data.negative_transfer = result.negative_transfer
        data.framework_versions = _versions()
        for key, value in overrides.items():
            if not hasattr(data, key):
                raise TypeError(f"ModelCardData has no field {key!r}")
            if value is not None:
                setattr(data, key, value)
        return data


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _flat_numbers(d: dict) -> dict[str, float]:
    return {k: float(v) for k, v in d.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"nlptransfer": __version__}
    for name in _FRAMEWORK_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def _metrics_table(metrics: dict[str, float]) -> str:
    if not metrics:
        return "_Not recorded._"
    rows = "\n".join(f"| {k} | {v:.4f} |" for k, v in sorted(metrics.items()))
    return "| metric | value |\n|---|---|\n" + rows


def _yaml_front_matter(card: ModelCardData) -> str:
    import yaml

    meta = {
        "library_name": "nlptransfer",
        "language": [card.language],
        "license": card.license,
        "pipeline_tag": card.pipeline_tag,
        "tags": ["nlptransfer", "transfer-learning", "text-classification", card.method.split("/")[0]],
    }
    if card.base_model:
        meta["base_model"] = card.base_model
    if card.dataset_name:
        meta["datasets"] = [card.dataset_name]
    results = [
        {"task": {"type": "text-classification", "name": card.task},
         **({"dataset": {"name": card.dataset_name, "type": card.dataset_name, "split": split}}
            if card.dataset_name else {}),
         "metrics": [{"type": k, "value": round(v, 4), "name": f"{split} {k}"} for k, v in sorted(m.items())
                     if k != "n"]}
        for split, m in (("validation", card.validation_metrics), ("test", card.test_metrics)) if m
    ]
    if results:
        meta["model-index"] = [{"name": card.model_id, "results": results}]
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def render_model_card(card: ModelCardData) -> str:
    labels = ", ".join(f"`{n}`" for n in card.schema.names) if card.schema else "_unknown_"
    hp = "\n".join(f"- `{k}`: `{v}`" for k, v in sorted(card.hyperparameters.items())) or "_Not recorded._"
    details = "\n".join(f"- {k}: {v}" for k, v in card.training_details.items()) or "_Not recorded._"
    versions = "\n".join(f"- {k} {v}" for k, v in card.framework_versions.items())
    if card.study_markdown:
        flag = (f"\n\n**Negative transfer was flagged for: {', '.join(card.negative_transfer)}.**"
                if card.negative_transfer else "\n\nNo negative transfer was flagged.")
        transfer = card.study_markdown + flag
    else:
        transfer = "_No transfer-versus-scratch study was saved with this model (`study.json`)._"
    return f"""{_yaml_front_matter(card)}
# {card.model_id}

A {card.task} model trained with [nlptransfer](https://pypi.org/project/nlptransfer/) by transfer
learning (method: `{card.method}`{f", base model: `{card.base_model}`" if card.base_model else ""}).

## Labels

{card.schema.num_labels if card.schema else "?"} labels: {labels}. The label-to-id mapping is stored in
`label_schema.json` (and in `config.json` for transformer models) and reused at prediction time.

## Intended uses and limitations

{card.limitations}

## How to use

```python
from nlptransfer import load_classifier

model = load_classifier("{card.model_id}")
prediction = model.predict(["an example text"])
print(prediction.labels, prediction.probabilities)
```

## Training data

{card.dataset_name or "_The training data set was not named._"}

## Training procedure

Hyperparameters:

{hp}

Training details:

{details}

## Evaluation

Metrics of the best checkpoint (the one saved here), on the validation split:

{_metrics_table(card.validation_metrics)}

On the test split:

{_metrics_table(card.test_metrics)}

## Transfer versus training from scratch

{transfer}

## Framework versions

{versions}
"""


def write_model_card(path: str | Path, card: ModelCardData | None = None, **overrides) -> Path:
    path = Path(path)
    card = card or ModelCardData.from_model_dir(path, **overrides)
    target = path / CARD_FILENAME
    target.write_text(render_model_card(card), encoding="utf-8")
    return target
