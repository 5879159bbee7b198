"""Recipe: fine-tune a transformer classifier and write ``all_results.json``.

    python recipes/finetune_classifier.py --data ../shared/data/sst2 --strategy full --output runs/sst2
    python recipes/finetune_classifier.py --config my_run.yaml
    torchrun --nproc_per_node 2 recipes/finetune_classifier.py --data ... --output ...   # 2 CPU processes
    accelerate launch --multi_gpu recipes/finetune_classifier.py --data ... --output ... # GPUs

Steps: (1) options from --config YAML and flags (every FinetuneArguments field is a --flag),
(2) load train/validation/test, (3) fine-tune with the chosen strategy, (4) test metrics, (5) save the
model folder and all_results.json.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


def main(argv: list[str] | None = None) -> dict:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from nlptransfer.finetune.workflow import add_finetune_arguments, arguments_from_namespace, run_finetune

    # 1. Options: YAML file first, then the flags given on the command line.
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_finetune_arguments(parser)
    data_options, args = arguments_from_namespace(parser.parse_args(argv))
    # 2-5. Load, fine-tune, evaluate on test, save (see nlptransfer.finetune.workflow.run_finetune).
    return run_finetune(data_options, args)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    main(sys.argv[1:])
