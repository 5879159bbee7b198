"""Benchmark: frozen all-MiniLM-L6-v2 featurization speed, ours vs a naive fixed-padding loop (SST-2 train).

    flock /tmp/nlptransfer-bench.lock timeout 3000 python benchmarks/bench_features_speed.py --data ../shared/data

Naive loop: texts in file order, batches of ``--batch-size`` tokenized with ``padding="max_length"``
(128 tokens), ``torch.no_grad()``, masked mean pooling. Ours: ``TransformerFeaturizer.encode`` (tokenize
once, sort by length, pad each batch to its own longest text, ``torch.inference_mode()``, rows restored to
input order) with the same batch size, model, pooling and max length, feature cache off. Both include
tokenization. Runs are interleaved; figures are medians of ``--repeats`` runs. The two feature matrices
are compared (max absolute difference) so the speed-up is not bought with different numbers. A third row
shows a repeated call served from the on-disk feature cache.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import markdown_table, write_section  # noqa: E402


def naive_features(texts, tokenizer, model, batch_size: int, max_length: int) -> tuple[np.ndarray, int]:
    import torch

    out, padded = [], 0
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(texts[start:start + batch_size], padding="max_length", truncation=True,
                            max_length=max_length, return_tensors="pt")
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            out.append(((hidden * mask).sum(1) / mask.sum(1)).numpy())
            padded += int(enc["input_ids"].numel())
    return np.concatenate(out), padded


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: the 2 cores are shared).")
    parser.add_argument("--limit", type=int, default=None, help="Use only the first N texts (smoke runs).")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    import torch

    torch.set_num_threads(args.threads)
    from nlptransfer.features import TransformerFeaturizer
    from nlptransfer.features.runs import load_data
    from nlptransfer.features.transformer import load_encoder

    texts = list(load_data(Path(args.data) / "sst2", validation_size=0)["train"]["text"])[: args.limit]
    tokenizer, model = load_encoder("all-MiniLM-L6-v2")
    ours = TransformerFeaturizer(layers=-1, batch_size=args.batch_size, max_length=args.max_length, cache_dir=None)
    ours.fit()
    lengths = np.array([len(x) for x in tokenizer(texts, truncation=True, max_length=args.max_length)["input_ids"]])
    order = np.sort(lengths)[::-1]
    ours_tokens = sum(int(order[i]) * len(order[i:i + args.batch_size])
                      for i in range(0, len(order), args.batch_size))
    naive_features(texts[:64], tokenizer, model, args.batch_size, args.max_length)  # warm-up, unmeasured
    ours.encode(texts[:64])
    naive_s, ours_s = [], []
    for run in range(args.repeats):
        start = time.perf_counter()
        naive, naive_tokens = naive_features(texts, tokenizer, model, args.batch_size, args.max_length)
        naive_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        fast = ours.encode(texts)
        ours_s.append(time.perf_counter() - start)
        print(f"run {run + 1}: naive {naive_s[-1]:.1f}s, ours {ours_s[-1]:.1f}s", flush=True)
    max_diff = float(np.abs(naive - fast).max())
    with tempfile.TemporaryDirectory() as cache_dir:
        cached = TransformerFeaturizer(layers=-1, batch_size=args.batch_size, max_length=args.max_length,
                                       cache_dir=cache_dir)
        cached.fit().transform(texts)
        start = time.perf_counter()
        again = cached.transform(texts)
        cache_s = time.perf_counter() - start
        assert cached.cache_hits_ == 1 and np.array_equal(again, fast)

    n = len(texts)
    naive_rate, ours_rate = n / statistics.median(naive_s), n / statistics.median(ours_s)
    rows = [
        ["naive: fixed 128-token padding, file order, no_grad", f"{statistics.median(naive_s):.1f}",
         f"{naive_rate:.0f}", f"{naive_tokens:,}", "1.0x"],
        ["ours: length-sorted batches, per-batch padding, inference_mode", f"{statistics.median(ours_s):.1f}",
         f"{ours_rate:.0f}", f"{ours_tokens:,}", f"{ours_rate / naive_rate:.2f}x"],
        ["ours, repeated call served from the feature cache", f"{cache_s:.3f}", f"{n / cache_s:.0f}", "0",
         f"{(n / cache_s) / naive_rate:.0f}x"],
    ]
    ratio = ours_rate / naive_rate
    body = (
        f"{n:,} SST-2 training sentences, all-MiniLM-L6-v2 (packaged), mean pooling of the last layer, batch "
        f"{args.batch_size}, max_length {args.max_length}, torch threads {args.threads}; median of {args.repeats} "
        f"interleaved runs (per run, naive / ours seconds: "
        + ", ".join(f"{a:.1f} / {b:.1f}" for a, b in zip(naive_s, ours_s))
        + f"). Mean real tokens per text: {lengths.mean():.1f}.\n\n"
        + markdown_table(["method", "seconds", "sentences/s", "token positions computed", "speed-up"], rows)
        + f"\n\nMax absolute difference between the two feature matrices: {max_diff:.2e}. "
        f"Target ≥ 2× → **{ratio:.2f}×, {'met' if ratio >= 2 else 'NOT met'}**."
    )
    print(body)
    if not args.no_write:
        write_section("features-speed", "Frozen-transformer featurization speed (MiniLM, SST-2 train)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
