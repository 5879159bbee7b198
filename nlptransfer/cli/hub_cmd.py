"""``nlptransfer push`` and ``nlptransfer card``: write a model card, push a saved model to the Hub."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    card = subparsers.add_parser("card", help="Write the model card (README.md) into a saved model folder.")
    card.add_argument("model_dir", help="Folder written by an nlptransfer save().")
    card.add_argument("--model-id", default=None, help="Name shown in the card (default: the folder name).")
    card.add_argument("--dataset-name", default=None, help="Training data set named in the card.")
    card.set_defaults(func=run_card)

    push = subparsers.add_parser("push", help="Push a saved model folder to the Hugging Face Hub with its card.")
    push.add_argument("model_dir", help="Folder written by an nlptransfer save().")
    push.add_argument("--repo-id", required=True, help="Target repository, 'namespace/name'.")
    push.add_argument("--private", action="store_true", help="Create the repository as private.")
    push.add_argument("--token", default=None, help="Hub token (default: the logged-in token).")
    push.add_argument("--dataset-name", default=None, help="Training data set named in the card.")
    push.add_argument("--dry-run", action="store_true", help="Write the card and list the files; upload nothing.")
    push.set_defaults(func=run_push)


def run_card(args) -> int:
    from pathlib import Path

    from ..hub import write_model_card

    path = write_model_card(args.model_dir, model_id=args.model_id or Path(args.model_dir).resolve().name,
                            dataset_name=args.dataset_name)
    print(f"wrote {path}")
    return 0


def run_push(args) -> int:
    from ..hub import PushConfig, push_to_hub

    config = PushConfig(repo_id=args.repo_id, private=args.private, token=args.token, dataset_name=args.dataset_name)
    summary = push_to_hub(args.model_dir, config, dry_run=args.dry_run)
    print(json.dumps(summary, indent=2))
    return 0
