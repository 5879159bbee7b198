"""Evaluation: metrics computed the same way for every method, transfer-vs-scratch studies, learning curves."""

from .curves import LearningCurve, LearningCurveConfig, run_learning_curve
from .metrics import classification_metrics
from .study import StudyConfig, StudyResult, run_study

__all__ = [
    "classification_metrics", "StudyConfig", "StudyResult", "run_study",
    "LearningCurve", "LearningCurveConfig", "run_learning_curve",
]
