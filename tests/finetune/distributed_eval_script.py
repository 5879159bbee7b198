"""Run by test_finetune_distributed.py, once under ``torchrun --nproc_per_node 2`` and once in-process.

Evaluates the same tiny classifier on the odd-sized (37) toy validation set through Accelerate, then
trains it for one epoch with the loop; rank 0 writes the metrics and a weight checksum per rank.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def run(model_dir: str, out_path: str | None = None) -> dict:
    import torch
    from finetune_helpers import make_dataset
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, set_seed

    from nlptransfer.data.labels import LabelSchema
    from nlptransfer.finetune.batching import build_dataloaders, tokenize_for_classification
    from nlptransfer.finetune.loop import (
        LoopArguments,
        evaluate_model,
        make_accelerator,
        run_training_loop,
        shutdown_distributed,
    )

    tok = AutoTokenizer.from_pretrained(model_dir)
    train, val = make_dataset(96, seed=1), make_dataset(37, seed=2)
    schema = LabelSchema.from_labels(train["label"])
    train_tok = tokenize_for_classification(train, tok, schema, max_length=32)[0]
    val_tok = tokenize_for_classification(val, tok, schema, max_length=32)[0]

    def fresh_model():
        set_seed(0)
        return AutoModelForSequenceClassification.from_pretrained(
            model_dir, num_labels=2, id2label=schema.id2label, label2id=schema.label2id)

    args = LoopArguments(num_epochs=1, batch_size=8, eval_batch_size=8, learning_rate=1e-3, logging_steps=2)
    accelerator = make_accelerator(args)
    _, eval_loader = build_dataloaders(train_tok, val_tok, pad_token_id=tok.pad_token_id, batch_size=8,
                                       eval_batch_size=8)
    model, eval_loader = accelerator.prepare(fresh_model(), eval_loader)
    eval_metrics = evaluate_model(model, eval_loader, accelerator)

    train_loader, eval_loader = build_dataloaders(train_tok, val_tok, pad_token_id=tok.pad_token_id,
                                                  batch_size=8, eval_batch_size=8)
    trained = fresh_model()
    result = run_training_loop(trained, train_loader, eval_loader, args)
    checksum = torch.tensor([sum(float(p.detach().double().sum()) for p in trained.parameters())])
    checksums = accelerator.gather(checksum).tolist()
    report = {"num_processes": accelerator.num_processes, "distributed_type": str(accelerator.distributed_type),
              "eval": eval_metrics, "train_eval": result.metrics, "global_step": result.global_step,
              "checksums": checksums}
    if out_path and accelerator.is_main_process:
        Path(out_path).write_text(json.dumps(report, indent=1))
    shutdown_distributed()
    return report


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2])
