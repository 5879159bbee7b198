"""``nlptransfer finetune``: fine-tune a transformer classifier on a labelled data set.

    nlptransfer finetune --data ../shared/data/sst2 --strategy full --output runs/sst2
    nlptransfer finetune --data train.csv --strategy top-k --top-k 2 --epochs 3 --output runs/top2
    nlptransfer finetune --config finetune.yaml --lr 3e-5          # flags win over the YAML file
    nlptransfer finetune --data tweets.csv --strategy lora --class-weights auto --output runs/lora
    torchrun --nproc_per_node 2 -m nlptransfer finetune --data ... --output ...   # 2 CPU processes

Every option of FinetuneArguments is a flag (--field-name); the folder written by --output is a
normal save_pretrained model plus label_schema.json, training_args.json, metrics.json and
all_results.json. --resume latest continues from the newest checkpoint-N (see --save-every-steps).
"""

from __future__ import annotations

import argparse
import json


def register(subparsers) -> None:
    from ..finetune.workflow import add_finetune_arguments

    parser = subparsers.add_parser("finetune", help="Fine-tune a transformer classifier (head, top-k, full, ...).",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_finetune_arguments(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from accelerate import PartialState

    from ..finetune.workflow import arguments_from_namespace, run_finetune

    data_options, finetune_args = arguments_from_namespace(args)
    results = run_finetune(data_options, finetune_args)
    if not PartialState().is_main_process:
        return 0  # under torchrun only rank 0 reports
    shown = {split: {k: round(v, 4) for k, v in results.get(split, {}).items() if isinstance(v, float)}
             for split in ("validation", "test") if split in results}
    print(json.dumps({"model_dir": results.get("model_dir"), **shown}, indent=2))
    return 0
