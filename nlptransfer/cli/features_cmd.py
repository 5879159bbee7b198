"""``nlptransfer features``: featurizer + head classifiers, CNN/BoE on word vectors, and raw features.

    nlptransfer features train --data ../shared/data/sst2 --featurizer hybrid --head logreg --C auto --output runs/f
    nlptransfer features train --data DIR --featurizer static --pooling sif --head logreg --output runs/sif
    nlptransfer features train --data DIR --featurizer transformer --layers last4 --output runs/minilm
    nlptransfer features cnn --data DIR --init-mode non-static --vectors glove-6b-50d --output runs/cnn
    nlptransfer features embed --texts texts.txt --featurizer transformer --output feats.npy
    nlptransfer features list

Every command accepts ``--config file.yaml`` (keys = option names); flags override the file.
``train`` and ``cnn`` save the model to OUTPUT/model and the metrics to OUTPUT/all_results.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import UsageError


def _common_featurizer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--featurizer", default="hybrid", help="static, tfidf, hybrid (default) or transformer.")
    p.add_argument("--pooling", default=None,
                   help="static: mean|max|tfidf|sif (join with +); transformer: mean|cls|max.")
    p.add_argument("--vectors", default="glove-6b-50d", help="Static vectors name or path.")
    p.add_argument("--oov-policy", default=None, help="OOV policy for static pooling (default: skip OOV words).")
    p.add_argument("--tokenizer-mode", default="standard", help="standard, tweet or whitespace.")
    p.add_argument("--sif-frequencies", default=None, help="fit (default), vectors, or a corpus file.")
    p.add_argument("--model", default=None, help="Transformer folder or Hub id (default: all-MiniLM-L6-v2).")
    p.add_argument("--layers", default=None,
                   help="Transformer layers to pool: last4 (default), lastK, --layers=-1 or --layers=-1,-2.")
    p.add_argument("--max-length", type=int, default=None, help="Transformer max tokens per text.")
    p.add_argument("--batch-size", type=int, default=None, help="Transformer batch size.")
    p.add_argument("--no-cache", action="store_true", help="Do not use the on-disk feature cache.")


def register(subparsers) -> None:
    parser = subparsers.add_parser("features", help="Featurizers + classical heads, CNNs on word vectors.",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="features_command", metavar="ACTION")

    train = sub.add_parser("train", help="Fit a featurizer + head classifier and evaluate it.")
    train.add_argument("--config", help="YAML file with any of these options.")
    train.add_argument("--data", required=False, help="Labelled data: a CSV/JSONL file or a folder of splits.")
    _common_featurizer_options(train)
    train.add_argument("--head", default="logreg", help="logreg, linear-svm or mlp.")
    train.add_argument("--C", dest="C", default="auto", help="Inverse regularisation (number) or auto (CV on train).")
    train.add_argument("--validation-size", type=float, default=0.0,
                       help="Hold out this share of train when the data has no validation split (default 0).")
    train.add_argument("--max-train-samples", type=int, default=None)
    train.add_argument("--output", default=None, help="Folder for the model and all_results.json.")
    train.set_defaults(func=run_train)
    _track_defaults(train)

    cnn = sub.add_parser("cnn", help="Train a Kim CNN / bag-of-embeddings network on word vectors.")
    cnn.add_argument("--config", help="YAML file with any of these options.")
    cnn.add_argument("--data", required=False, help="Labelled data: a CSV/JSONL file or a folder of splits.")
    cnn.add_argument("--architecture", default="cnn", help="cnn or boe.")
    cnn.add_argument("--init-mode", default="non-static", help="static, non-static or rand.")
    cnn.add_argument("--vectors", default="glove-6b-50d")
    cnn.add_argument("--oov-policy", default="random")
    cnn.add_argument("--tokenizer-mode", default="standard")
    cnn.add_argument("--epochs", type=int, default=10)
    cnn.add_argument("--batch-size", type=int, default=50)
    cnn.add_argument("--learning-rate", type=float, default=1e-3)
    cnn.add_argument("--patience", type=int, default=3, help="Early-stopping patience in epochs.")
    cnn.add_argument("--seed", type=int, default=42)
    cnn.add_argument("--max-train-samples", type=int, default=None)
    cnn.add_argument("--output", default=None, help="Folder for the model and all_results.json.")
    cnn.set_defaults(func=run_cnn)
    _track_defaults(cnn)

    embed = sub.add_parser("embed", help="Write a feature matrix (.npy) for a file of texts (one per line).")
    embed.add_argument("--config", help="YAML file with any of these options.")
    embed.add_argument("--texts", required=False, help="Text file, one text per line.")
    _common_featurizer_options(embed)
    embed.add_argument("--output", required=False, help="Where to write the .npy matrix.")
    embed.set_defaults(func=run_embed)
    _track_defaults(embed)

    listing = sub.add_parser("list", help="List registered featurizers and heads.")
    listing.set_defaults(func=run_list)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


class _Unset:
    """Default of every option until the YAML file and the real defaults are applied (flags always win)."""

    def __repr__(self) -> str:
        return "<unset>"


UNSET = _Unset()


def _track_defaults(parser: argparse.ArgumentParser) -> None:
    defaults = {a.dest: a.default for a in parser._actions if a.dest not in ("help", "config")}
    for action in parser._actions:
        if action.dest in defaults:
            action.default = UNSET
    parser.set_defaults(_defaults=defaults, _parser=parser)


def _reparse(args) -> argparse.Namespace:
    """Options given on the command line win, then the ``--config`` YAML file, then the defaults."""
    from ..features.runs import read_yaml_options

    values = read_yaml_options(args.config, args._parser) if getattr(args, "config", None) else {}
    merged = dict(vars(args))
    for dest, default in args._defaults.items():
        if merged.get(dest) is UNSET:
            merged[dest] = values.get(dest, default)
    return argparse.Namespace(**merged)


def featurizer_params(args) -> dict:
    from ..features.runs import parse_layers

    name = args.featurizer
    if name in ("transformer", "frozen-transformer"):
        params = {"pooling": args.pooling or "mean"}
        for key in ("model", "max_length", "batch_size"):
            if getattr(args, key) is not None:
                params[key] = getattr(args, key)
        if args.layers is not None:
            params["layers"] = parse_layers(args.layers)
        if args.no_cache:
            params["cache_dir"] = None
        return params
    params = {"tokenizer": {"mode": args.tokenizer_mode}}
    if name != "tfidf":
        params["vectors"] = args.vectors
        if args.oov_policy:
            params["oov_policy"] = args.oov_policy
        if args.pooling:
            params["pooling"] = args.pooling
        if args.sif_frequencies:
            params["sif_frequencies"] = args.sif_frequencies
    return params


def _require(args, *names: str) -> None:
    for name in names:
        if not getattr(args, name, None):
            raise UsageError(f"--{name.replace('_', '-')} is required (on the command line or in --config).")


def run_train(args) -> int:
    from ..features.runs import load_data, run_featurizer_classifier

    args = _reparse(args)
    _require(args, "data")
    C = args.C if str(args.C) == "auto" else _number(args.C, "--C")
    splits = load_data(args.data, validation_size=args.validation_size, max_train_samples=args.max_train_samples)
    head_params = {"C": C} if args.head in ("logreg", "logistic-regression", "lr", "linear-svm", "svm") else {}
    results = run_featurizer_classifier(splits, featurizer=args.featurizer, featurizer_params=featurizer_params(args),
                                        head=args.head, head_params=head_params, output_dir=args.output)
    _print_metrics(results)
    return 0


def run_cnn(args) -> int:
    from ..features.neural import EmbeddingClassifierConfig
    from ..features.runs import load_data, run_embedding_classifier

    args = _reparse(args)
    _require(args, "data")
    config = EmbeddingClassifierConfig(
        architecture=args.architecture, init_mode=args.init_mode, vectors=args.vectors, oov_policy=args.oov_policy,
        tokenizer={"mode": args.tokenizer_mode}, num_epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.learning_rate, early_stopping_patience=args.patience, seed=args.seed)
    splits = load_data(args.data, validation_size=0.1, seed=args.seed, max_train_samples=args.max_train_samples)
    results = run_embedding_classifier(splits, config, output_dir=args.output)
    _print_metrics(results)
    return 0


def run_embed(args) -> int:
    import numpy as np

    from ..features import build_featurizer
    from .predict_cmd import read_texts

    args = _reparse(args)
    _require(args, "texts", "output")
    texts = read_texts(args.texts)
    if not texts:
        raise UsageError(f"{args.texts} holds no texts.")
    featurizer = build_featurizer(args.featurizer, **featurizer_params(args))
    features = featurizer.fit(texts).transform(texts)
    if hasattr(features, "toarray"):
        features = features.toarray()
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, np.asarray(features, dtype=np.float32))
    print(f"wrote {out}: {features.shape[0]} texts x {features.shape[1]} features")
    return 0


def run_list(args) -> int:
    from ..features import FEATURIZERS, HEADS

    for title, registry in (("featurizers", FEATURIZERS), ("heads", HEADS)):
        primary = sorted({registry.get(n).registry_name for n in registry.names()})
        print(f"{title}: {', '.join(primary)}")
    return 0


def _number(value, flag: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{flag} must be a number or 'auto', got {value!r}.") from None


def _print_metrics(results: dict) -> None:
    for split, metrics in results["metrics"].items():
        shown = ", ".join(f"{k}={v:.4f}" for k, v in metrics.items() if k in ("accuracy", "macro_f1"))
        print(f"{split}: {shown}")
    if results.get("model_dir"):
        print(f"model saved to {results['model_dir']}")
    print(json.dumps({k: results[k] for k in ("method", "train_samples", "fit_seconds") if k in results}))
