"""Recipe: a Kim (2014) CNN (or bag of embeddings) on pretrained word vectors, static / non-static / rand.

    python recipes/cnn_embeddings.py --data ../shared/data/sst2 --init-mode non-static --output-dir runs/cnn
    python recipes/cnn_embeddings.py --data ../shared/data/trec --architecture boe --bigram-buckets 200000
    python recipes/cnn_embeddings.py --config cnn.yaml        # keys = the options below; flags win

Steps: 1. read options (YAML file first, flags override); 2. load the data (validation carved from train when
the data has none); 3. build the EmbeddingClassifierConfig (validated); 4. train in the shared Accelerate loop
with early stopping; 5. evaluate validation/test; 6. save the model and write all_results.json.
"""

from __future__ import annotations

import argparse
import sys

from nlptransfer.features.neural import EmbeddingClassifierConfig
from nlptransfer.features.runs import load_data, parse_with_yaml, run_embedding_classifier


def build_parser() -> argparse.ArgumentParser:
    d = EmbeddingClassifierConfig()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="YAML file with any of the options below.")
    p.add_argument("--data", help="Labelled data: a folder of train/validation/test files or one file.")
    p.add_argument("--output-dir", default="runs/cnn_embeddings")
    p.add_argument("--architecture", default=d.architecture, help="cnn or boe.")
    p.add_argument("--init-mode", default=d.init_mode, help="static, non-static or rand.")
    p.add_argument("--multichannel", action="store_true", help="Kim's static + non-static channels.")
    p.add_argument("--vectors", default=d.vectors)
    p.add_argument("--oov-policy", default=d.oov_policy)
    p.add_argument("--tokenizer-mode", default="standard")
    p.add_argument("--min-count", type=int, default=d.min_count)
    p.add_argument("--num-filters", type=int, default=d.num_filters)
    p.add_argument("--dropout", type=float, default=d.dropout)
    p.add_argument("--bigram-buckets", type=int, default=d.bigram_buckets)
    p.add_argument("--epochs", type=int, default=d.num_epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--learning-rate", type=float, default=d.learning_rate)
    p.add_argument("--patience", type=int, default=d.early_stopping_patience)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--max-train-samples", type=int, default=None)
    return p


def main(argv=None) -> dict:
    # 1. options
    args = parse_with_yaml(build_parser(), argv)
    if not args.data:
        from nlptransfer.errors import UsageError

        raise UsageError("No data given: pass --data PATH or set data: in the --config file.")
    # 2. data
    splits = load_data(args.data, validation_size=0.1, seed=args.seed, max_train_samples=args.max_train_samples)
    # 3. configuration
    config = EmbeddingClassifierConfig(
        architecture=args.architecture, init_mode=args.init_mode, multichannel=args.multichannel,
        vectors=args.vectors, oov_policy=args.oov_policy, tokenizer={"mode": args.tokenizer_mode},
        min_count=args.min_count, num_filters=args.num_filters, dropout=args.dropout,
        bigram_buckets=args.bigram_buckets, num_epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.learning_rate, early_stopping_patience=args.patience, seed=args.seed)
    # 4-6. train, evaluate, save (model + all_results.json)
    return run_embedding_classifier(splits, config, output_dir=args.output_dir)


if __name__ == "__main__":
    from nlptransfer.errors import NLPTransferError

    try:
        results = main()
        print({split: round(m["accuracy"], 4) for split, m in results["metrics"].items()})
    except NLPTransferError as err:
        print(f"cnn_embeddings: error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
