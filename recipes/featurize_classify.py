"""Recipe: featurize texts (static vectors, TF-IDF, hybrid or a frozen transformer) and fit a classical head.

    python recipes/featurize_classify.py --data ../shared/data/sst2 --featurizer hybrid --head logreg --output-dir runs/fc
    python recipes/featurize_classify.py --data ../shared/data/trec --featurizer transformer --layers last2
    python recipes/featurize_classify.py --config featurize.yaml       # keys = the options below; flags win

Steps: 1. read options (YAML file first, flags override); 2. load the data (a folder of split CSVs or one file);
3. build the featurizer and head parameters; 4. fit on train; 5. evaluate validation/test; 6. save the model
and write all_results.json.
"""

from __future__ import annotations

import argparse
import sys

from nlptransfer.features.runs import (
    load_data,
    parse_layers,
    parse_with_yaml,
    run_featurizer_classifier,
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="YAML file with any of the options below.")
    p.add_argument("--data", help="Labelled data: a folder of train/validation/test files or one file.")
    p.add_argument("--output-dir", default="runs/featurize_classify")
    p.add_argument("--featurizer", default="hybrid", help="static, tfidf, hybrid or transformer.")
    p.add_argument("--pooling", default=None, help="static: mean/max/tfidf/sif (+-joined); transformer: mean/cls/max.")
    p.add_argument("--vectors", default="glove-6b-50d")
    p.add_argument("--tokenizer-mode", default="standard")
    p.add_argument("--model", default=None, help="Transformer folder or Hub id (default all-MiniLM-L6-v2).")
    p.add_argument("--layers", default=None,
                   help="Transformer layers: last4 (default), lastK, --layers=-1 or --layers=-1,-2.")
    p.add_argument("--head", default="logreg", help="logreg, linear-svm or mlp.")
    p.add_argument("--C", dest="C", default="auto", help="A number, or auto (3-fold CV on train).")
    p.add_argument("--validation-size", type=float, default=0.0,
                   help="Share of train held out when the data has no validation split.")
    p.add_argument("--max-train-samples", type=int, default=None)
    p.add_argument("--no-cache", action="store_true", help="Disable the transformer feature cache.")
    return p


def featurizer_params(args) -> dict:
    if args.featurizer == "transformer":
        params = {"pooling": args.pooling or "mean", "cache_dir": None if args.no_cache else "auto"}
        if args.model:
            params["model"] = args.model
        if args.layers is not None:
            params["layers"] = parse_layers(args.layers)
        return params
    params = {"tokenizer": {"mode": args.tokenizer_mode}}
    if args.featurizer != "tfidf":
        params["vectors"] = args.vectors
        if args.pooling:
            params["pooling"] = args.pooling
    return params


def main(argv=None) -> dict:
    # 1. options
    args = parse_with_yaml(build_parser(), argv)
    if not args.data:
        from nlptransfer.errors import UsageError

        raise UsageError("No data given: pass --data PATH or set data: in the --config file.")
    # 2. data
    splits = load_data(args.data, validation_size=args.validation_size, max_train_samples=args.max_train_samples)
    # 3. featurizer and head parameters
    head_params = {"C": args.C if str(args.C) == "auto" else float(args.C)} if args.head != "mlp" else {}
    # 4-6. fit, evaluate, save (model + all_results.json)
    return run_featurizer_classifier(splits, featurizer=args.featurizer, featurizer_params=featurizer_params(args),
                                     head=args.head, head_params=head_params, output_dir=args.output_dir)


if __name__ == "__main__":
    from nlptransfer.errors import NLPTransferError

    try:
        results = main()
        print({split: round(m["accuracy"], 4) for split, m in results["metrics"].items()})
    except NLPTransferError as err:
        print(f"featurize_classify: error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
