"""Classifier heads on top of featurizers: logistic regression, calibrated linear SVM, small MLP.

Each head is registered as a factory returning an unfitted scikit-learn estimator with
``predict_proba``. Dense features are standardised first (pooled vectors have very different scales
per dimension); sparse TF-IDF features are passed through unchanged. ``C="auto"`` picks C by a small
stratified cross-validation on the training data.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from .._compat import logistic_regression_cv_kwargs
from ..errors import ConfigError
from .registry import HEADS

C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


class DenseScaler(TransformerMixin, BaseEstimator):
    """Standardise dense inputs; pass sparse ones through (centring would densify them)."""

    def fit(self, X, y=None):
        self.scaler_ = None if sp.issparse(X) else StandardScaler().fit(X)
        return self

    def transform(self, X):
        return X if self.scaler_ is None or sp.issparse(X) else self.scaler_.transform(X)


def _check_c(C):
    if C == "auto":
        return C
    if not isinstance(C, (int, float)) or C <= 0:
        raise ConfigError(f"C must be a positive number or 'auto', got {C!r}.")
    return float(C)


def _with_c_search(pipeline: Pipeline, param: str, C, cv: int, seed: int):
    if C != "auto":
        return pipeline
    return GridSearchCV(pipeline, {param: list(C_GRID)}, cv=StratifiedKFold(cv, shuffle=True, random_state=seed),
                        scoring="accuracy", n_jobs=1, refit=True)


@HEADS.register("logreg", "logistic-regression", "lr")
def logistic_regression_head(C=1.0, max_iter: int = 2000, class_weight=None, cv: int = 3, seed: int = 42):
    """Multinomial logistic regression; ``C="auto"`` tunes C by ``cv``-fold CV on the training data.

    The search uses ``LogisticRegressionCV``, which warm-starts along the C grid (several times faster
    than a grid search of independent fits on dense transformer features).
    """
    C = _check_c(C)
    if C == "auto":
        clf = LogisticRegressionCV(Cs=list(C_GRID), cv=StratifiedKFold(cv, shuffle=True, random_state=seed),
                                   scoring="accuracy", max_iter=max_iter, class_weight=class_weight,
                                   **logistic_regression_cv_kwargs())
    else:
        clf = LogisticRegression(C=C, max_iter=max_iter, class_weight=class_weight)
    return Pipeline([("scale", DenseScaler()), ("clf", clf)])


@HEADS.register("linear-svm", "svm")
def linear_svm_head(C=1.0, class_weight=None, calibration: str = "sigmoid", calibration_cv: int = 3,
                    cv: int = 3, seed: int = 42):
    """Linear SVM with probabilities from ``CalibratedClassifierCV`` (Platt/sigmoid or isotonic)."""
    C = _check_c(C)
    if calibration not in ("sigmoid", "isotonic"):
        raise ConfigError(f"calibration must be 'sigmoid' or 'isotonic', got {calibration!r}.")
    svm = LinearSVC(C=1.0 if C == "auto" else C, class_weight=class_weight, max_iter=5000)
    model = Pipeline([
        ("scale", DenseScaler()),
        ("clf", CalibratedClassifierCV(svm, method=calibration, cv=calibration_cv)),
    ])
    return _with_c_search(model, "clf__estimator__C", C, cv, seed)


@HEADS.register("mlp")
def mlp_head(hidden_size: int = 256, alpha: float = 1e-3, max_iter: int = 200, early_stopping: bool = True,
             seed: int = 42):
    """One hidden layer (ReLU, Adam), early stopping on a 10% split of the training features."""
    if not isinstance(hidden_size, int) or hidden_size < 1:
        raise ConfigError(f"hidden_size must be a positive integer, got {hidden_size!r}.")
    return Pipeline([
        ("scale", DenseScaler()),
        ("clf", MLPClassifier(hidden_layer_sizes=(hidden_size,), alpha=alpha, max_iter=max_iter,
                              early_stopping=early_stopping, random_state=seed)),
    ])


def chosen_params(head) -> dict:
    """The hyper-parameters a fitted head picked by CV (empty when nothing was tuned)."""
    if hasattr(head, "best_params_"):
        return dict(head.best_params_)
    clf = getattr(head, "named_steps", {}).get("clf")
    if isinstance(clf, LogisticRegressionCV):
        return {"C": float(np.ravel(clf.C_)[0])}
    return {}


def head_classes(head) -> np.ndarray:
    """``classes_`` of a fitted head (through GridSearchCV/Pipeline wrappers)."""
    return np.asarray(head.classes_)
