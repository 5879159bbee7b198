"""``FeaturizerClassifier``: a featurizer plus a classical head, behind the TransferClassifier contract.

Saved folders hold ``label_schema.json``, ``featurizer_classifier.json`` (featurizer and head names
and parameters, metrics) and the fitted featurizer and head as joblib files. Pickles only ever hold
*sources* of pretrained vectors and models, never their weights (those load from their caches), so a
saved GloVe model is a few MB. Load only folders you trust: joblib files are pickles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import joblib
import numpy as np
from sklearn.base import BaseEstimator, clone

from .. import __version__
from ..base import TransferClassifier
from ..data.labels import LabelSchema
from ..errors import DataError, DataFileNotFoundError
from ._inputs import text_label_columns
from .heads import head_classes
from .registry import FEATURIZERS, HEADS, build_featurizer, build_head

CONFIG_FILENAME = "featurizer_classifier.json"
FORMAT = "nlptransfer.featurizer_classifier/1"


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)  # e.g. a StaticVectors object: recorded for information only


class FeaturizerClassifier(TransferClassifier):
    """Featurize texts, then fit a scikit-learn head (``logreg``, ``linear-svm``, ``mlp``) on the features.

    ``featurizer`` is a registered name (``static``, ``tfidf``, ``hybrid``, ``transformer``) built with
    ``featurizer_params``, or an unfitted scikit-learn transformer instance (cloned on fit).
    """

    def __init__(self, featurizer="hybrid", head: str = "logreg", *, featurizer_params: dict | None = None,
                 head_params: dict | None = None, text_column: str = "text", label_column: str = "label"):
        if isinstance(featurizer, str):
            FEATURIZERS.get(featurizer)  # fail early with a did-you-mean
        elif not (hasattr(featurizer, "fit") and hasattr(featurizer, "transform")):
            raise DataError(f"featurizer must be a registered name or a transformer, got {featurizer!r}.")
        HEADS.get(head)
        self.featurizer = featurizer
        self.head = head
        self.featurizer_params = dict(featurizer_params or {})
        self.head_params = dict(head_params or {})
        self.text_column = text_column
        self.label_column = label_column
        self.schema: LabelSchema | None = None
        self.validation_metrics: dict | None = None

    # ---- training -----------------------------------------------------------------------------
    def _new_featurizer(self) -> BaseEstimator:
        if isinstance(self.featurizer, str):
            return build_featurizer(self.featurizer, **self.featurizer_params)
        return clone(self.featurizer).set_params(**self.featurizer_params)

    def fit(self, train, validation=None) -> FeaturizerClassifier:
        texts, labels = text_label_columns(train, self.text_column, self.label_column, "training")
        self.schema = LabelSchema.from_labels(labels, source="training data")
        y = np.asarray(self.schema.encode_many(labels, source="training data"))
        self.featurizer_ = self._new_featurizer()
        features = self.featurizer_.fit_transform(texts)
        self.head_ = build_head(self.head, **self.head_params).fit(features, y)
        self.validation_metrics = None
        if validation is not None:
            self.validation_metrics = self.evaluate(validation, text_column=self.text_column,
                                                    label_column=self.label_column)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if self.schema is None or not hasattr(self, "head_"):
            raise RuntimeError("FeaturizerClassifier is not fitted yet; call fit() or load() first.")
        probs = self.head_.predict_proba(self.featurizer_.transform(list(texts)))
        out = np.zeros((probs.shape[0], self.schema.num_labels), dtype=np.float64)
        out[:, head_classes(self.head_).astype(int)] = probs
        return out

    # ---- persistence --------------------------------------------------------------------------
    def _featurizer_name(self) -> str:
        if isinstance(self.featurizer, str):
            return FEATURIZERS.get(self.featurizer).registry_name
        return getattr(type(self.featurizer), "registry_name", type(self.featurizer).__name__)

    def config(self) -> dict:
        params = self.featurizer_params
        if not isinstance(self.featurizer, str):
            params = {**self.featurizer.get_params(deep=False), **params}
        return {
            "format": FORMAT, "nlptransfer_version": __version__,
            "featurizer": self._featurizer_name(), "featurizer_params": _jsonable(params),
            "head": HEADS.get(self.head).registry_name, "head_params": _jsonable(self.head_params),
            "text_column": self.text_column, "label_column": self.label_column,
            "validation_metrics": self.validation_metrics,
        }

    def save(self, path: str | Path) -> Path:
        if self.schema is None or not hasattr(self, "head_"):
            raise RuntimeError("Nothing to save: fit the classifier first.")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.schema.save(folder)
        (folder / CONFIG_FILENAME).write_text(json.dumps(self.config(), indent=2), encoding="utf-8")
        joblib.dump(self.featurizer_, folder / "featurizer.joblib")
        joblib.dump(self.head_, folder / "head.joblib")
        return folder

    @classmethod
    def load(cls, path: str | Path) -> FeaturizerClassifier:
        folder = Path(path)
        config_path = folder / CONFIG_FILENAME
        if not config_path.exists():
            raise DataFileNotFoundError(
                f"{folder} is not a saved FeaturizerClassifier (no {CONFIG_FILENAME}); "
                "pass the folder written by FeaturizerClassifier.save or `nlptransfer features train`."
            )
        config = json.loads(config_path.read_text(encoding="utf-8"))
        featurizer = joblib.load(folder / "featurizer.joblib")
        registered = config["featurizer"] in FEATURIZERS
        model = cls(config["featurizer"] if registered else featurizer, config["head"],
                    featurizer_params=config["featurizer_params"] if registered else {},
                    head_params=config.get("head_params"), text_column=config.get("text_column", "text"),
                    label_column=config.get("label_column", "label"))
        model.featurizer_ = featurizer
        model.schema = LabelSchema.load(folder)
        model.head_ = joblib.load(folder / "head.joblib")
        model.validation_metrics = config.get("validation_metrics")
        return model
