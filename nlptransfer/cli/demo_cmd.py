"""``nlptransfer demo``: the whole transfer workflow on the bundled demo data and the embedded defaults."""

from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help="Run the whole transfer workflow on the bundled demo data.")
    p.add_argument("--data", default=None, help="Labelled data folder (default: corpora/demo).")
    p.add_argument("--corpus", default=None, help="Unlabelled domain corpus (default: the demo's).")
    p.add_argument("--output", default="nlptransfer-demo", help="Folder for every artefact.")
    p.add_argument("--seeds", default="13,42", help="Comma-separated seeds of the study.")
    p.add_argument("--no-transformer", action="store_true", help="Skip the frozen-MiniLM method (faster).")
    p.add_argument("--finetune", action="store_true", help="Also fine-tune MiniLM (adds a few minutes on CPU).")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..demo import DemoConfig, run_demo
    from .study_cmd import _int_list

    run_demo(DemoConfig(data=args.data, corpus=args.corpus, output=args.output, seeds=_int_list(args.seeds),
                        transformer=not args.no_transformer, finetune=args.finetune))
    return 0
