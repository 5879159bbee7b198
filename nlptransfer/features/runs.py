"""End-to-end runs shared by the ``nlptransfer features`` CLI and the recipes: load data, fit, evaluate
every split, save the model and ``all_results.json``; plus the YAML-then-flags option parsing."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from ..errors import ConfigError, did_you_mean

logger = logging.getLogger(__name__)

RESULTS_FILENAME = "all_results.json"


def read_yaml_options(path, parser: argparse.ArgumentParser) -> dict:
    import yaml

    path = Path(path)
    if not path.exists():
        from ..errors import DataFileNotFoundError

        raise DataFileNotFoundError(f"Config file {path} does not exist.")
    values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(values, dict):
        raise ConfigError(f"{path} must hold a mapping of option: value.")
    dests = {a.dest for a in parser._actions} - {"help", "config"}
    values = {str(k).replace("-", "_"): v for k, v in values.items()}
    for key in values:
        if key not in dests:
            raise ConfigError(f"Unknown option {key!r} in {path}.{did_you_mean(key, sorted(dests))}")
    return values


def parse_with_yaml(parser: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
    """Parse ``argv``; a ``--config`` YAML file supplies defaults that command-line flags override."""
    known, _ = parser.parse_known_args(argv)
    if getattr(known, "config", None):
        parser.set_defaults(**read_yaml_options(known.config, parser))
    return parser.parse_args(argv)


def parse_layers(value) -> int | str | list[int]:
    """``"-1"`` -> -1; ``"-1,-2,-3"`` or a list -> [-1, -2, -3]; ``"last4"`` stays as it is."""
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    if isinstance(value, int):
        return value
    if str(value).strip().startswith("last"):
        return str(value).strip()
    try:
        parts = [int(v) for v in str(value).split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"layers must be lastK, an int or comma-separated ints such as -1,-2; got {value!r}.") from None
    if not parts:
        raise ConfigError("layers is empty; use e.g. -1 or -1,-2,-3,-4.")
    return parts[0] if len(parts) == 1 else parts


def load_data(path, *, validation_size=0.1, seed: int = 42, text_column: str = "text", label_column: str = "label",
              max_train_samples: int | None = None):
    """``load_labelled`` plus an optional cap on the training size (a stratified subset)."""
    from ..data.loading import load_labelled

    data = load_labelled(path, validation_size=validation_size, seed=seed, text_column=text_column,
                         label_column=label_column)
    splits = dict(data.splits)
    if max_train_samples and max_train_samples < len(splits["train"]):
        from ..data.sampling import stratified_split

        rest, splits["train"] = stratified_split(splits["train"], max_train_samples, seed)
        del rest
    return splits


def evaluate_splits(classifier, splits: dict, names=("validation", "test")) -> dict:
    return {name: classifier.evaluate(splits[name]) for name in names if name in splits}


def write_results(output_dir, results: dict) -> Path:
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RESULTS_FILENAME
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def run_featurizer_classifier(splits: dict, *, featurizer: str, featurizer_params: dict, head: str,
                              head_params: dict, output_dir=None) -> dict:
    from .classifier import FeaturizerClassifier

    start = time.perf_counter()
    clf = FeaturizerClassifier(featurizer, head, featurizer_params=featurizer_params, head_params=head_params)
    clf.fit(splits["train"])
    fit_seconds = time.perf_counter() - start
    metrics = evaluate_splits(clf, splits)
    from .heads import chosen_params

    best_c = chosen_params(clf.head_) or None
    results = {"method": "featurizer+head", **clf.config(), "best_head_params": best_c,
               "train_samples": len(splits["train"]), "fit_seconds": fit_seconds, "metrics": metrics}
    results.pop("validation_metrics", None)
    if output_dir:
        clf.save(Path(output_dir) / "model")
        results["model_dir"] = str(Path(output_dir) / "model")
        write_results(output_dir, results)
    return results


def run_embedding_classifier(splits: dict, config, output_dir=None) -> dict:
    from dataclasses import asdict

    from .neural import EmbeddingClassifier

    start = time.perf_counter()
    clf = EmbeddingClassifier(config).fit(splits["train"], splits.get("validation"))
    fit_seconds = time.perf_counter() - start
    metrics = evaluate_splits(clf, splits)
    summary = clf.training_summary or {}
    results = {"method": f"{config.architecture}-{config.init_mode}", "config": asdict(config),
               "embedding": clf.layout_["embedding_info"], "best_epoch": summary.get("best_epoch"),
               "stopped_early": summary.get("stopped_early"), "train_samples": len(splits["train"]),
               "fit_seconds": fit_seconds, "metrics": metrics}
    if output_dir:
        clf.save(Path(output_dir) / "model")
        results["model_dir"] = str(Path(output_dir) / "model")
        write_results(output_dir, results)
    return results
