"""Benchmark: Kim (2014) CNN on GloVe 6B 50d in rand / static / non-static modes, SST-2 and TREC.

    flock /tmp/nlptransfer-bench.lock timeout 3600 python benchmarks/bench_features_cnn.py --data ../shared/data

``EmbeddingClassifier(architecture="cnn")``: filter widths 3, 4, 5 x 100 maps, ReLU, max-over-time pooling,
dropout 0.5, max-norm 3, batch 50 (length-grouped), AdamW lr 1e-3 (Kim used Adadelta), at most ``--epochs``
epochs with early stopping (``--patience``) on validation accuracy and the best epoch restored, all in the
shared Accelerate loop.
Vocabulary: training words; words without a GloVe vector get hash-seeded random vectors (Kim's choice).
SST-2: official train/validation/test (sentences only; Kim also trained on SST phrases). TREC: 10% of train
held out (stratified, seed 42) for early stopping, official test. A fastText-style bag of embeddings
(non-static, hashed bigrams) is run as well for reference.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import markdown_table, write_section  # noqa: E402

KIM = {"sst2": {"rand": 82.7, "static": 86.8, "non-static": 87.2},
       "trec": {"rand": 91.2, "static": 92.8, "non-static": 93.6}}
VARIANTS = (("CNN-rand", {"init_mode": "rand"}), ("CNN-static", {"init_mode": "static"}),
            ("CNN-non-static", {"init_mode": "non-static"}),
            ("BoE non-static + bigrams", {"architecture": "boe", "init_mode": "non-static", "bigram_buckets": 100_000,
                                         "dropout": 0.0}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--datasets", default="sst2,trec")
    parser.add_argument("--epochs", type=int, default=25, help="Maximum epochs (Kim: 25).")
    parser.add_argument("--patience", type=int, default=5, help="Early-stopping patience in epochs.")
    parser.add_argument("--seeds", default="42", help="Comma-separated seeds; accuracy is the mean over them.")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: the 2 cores are shared).")
    parser.add_argument("--variants", default=",".join(v for v, _ in VARIANTS))
    parser.add_argument("--max-train-samples", type=int, default=None, help="Smoke runs only.")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    import torch

    torch.set_num_threads(args.threads)
    from nlptransfer.features.neural import EmbeddingClassifier, EmbeddingClassifierConfig
    from nlptransfer.features.runs import load_data

    seeds = [int(s) for s in args.seeds.split(",")]
    wanted = [v.strip() for v in args.variants.split(",")]
    datasets = [d.strip() for d in args.datasets.split(",")]
    results: dict[tuple[str, str], dict] = {}
    for name in datasets:
        splits = load_data(Path(args.data) / name, validation_size=0.1, seed=42,
                           max_train_samples=args.max_train_samples)
        for variant, overrides in VARIANTS:
            if variant not in wanted:
                continue
            accs, epochs, secs = [], [], []
            for seed in seeds:
                config = EmbeddingClassifierConfig(vectors="glove-6b-50d", num_epochs=args.epochs, seed=seed,
                                                   early_stopping_patience=args.patience, **overrides)
                start = time.perf_counter()
                clf = EmbeddingClassifier(config).fit(splits["train"], splits["validation"])
                secs.append(time.perf_counter() - start)
                accs.append(100 * clf.evaluate(splits["test"])["accuracy"])
                summary = clf.training_summary
                epochs.append(f"{summary['best_epoch'] + 1}/{1 + max(h['epoch'] for h in summary['history'])}")
                info = clf.layout_["embedding_info"]
                print(f"{name} {variant} seed {seed}: test {accs[-1]:.2f} best/run epochs {epochs[-1]} "
                      f"{secs[-1]:.0f}s vocab {info['vocab_size']} oov {info['oov_words']}", flush=True)
            results[(name, variant)] = {"acc": statistics.mean(accs), "accs": accs, "epochs": epochs,
                                        "seconds": statistics.median(secs), "vocab": info["vocab_size"],
                                        "oov": info["oov_words"], "n_train": len(splits["train"]),
                                        "n_val": len(splits["validation"]), "n_test": len(splits["test"])}
    rows = []
    for (name, variant), r in results.items():
        mode = dict(VARIANTS)[variant].get("init_mode") if variant.startswith("CNN") else None
        kim = KIM[name].get(mode) if mode else None
        rows.append([name, variant, f"{r['acc']:.2f}", " / ".join(f"{a:.2f}" for a in r["accs"]),
                     "-" if kim is None else f"{kim:.1f}", "-" if kim is None else f"{r['acc'] - kim:+.1f}",
                     ", ".join(r["epochs"]), f"{r['seconds']:.0f}", f"{r['vocab']:,} ({r['oov']:,} OOV)"])
    sizes = "; ".join(f"{name}: train {r['n_train']}, validation {r['n_val']}, test {r['n_test']}"
                      for (name, v), r in results.items() if v == next(iter(dict(results)))[1])
    body = (
        f"GloVe 6B **50d** vectors (Kim used 300d word2vec), seeds {seeds}, at most {args.epochs} epochs, "
        f"patience {args.patience}, torch threads {args.threads}. Sizes: {sizes}.\n\n"
        + markdown_table(["data", "model", "test acc (mean)", "per seed", "Kim (2014)", "Δ vs Kim",
                          "best/run epochs", "fit s (median)", "vocabulary"], rows)
        + "\n\nKim's figures use 300-d word2vec and, for SST-2, phrase-level training data; 50-d GloVe on "
        "sentences only is expected to land lower, most of all in the static mode where the vectors cannot adapt."
    )
    print(body)
    if not args.no_write:
        write_section("features-cnn", "CNN on word embeddings: rand / static / non-static (Kim 2014)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
