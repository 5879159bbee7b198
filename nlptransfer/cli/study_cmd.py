"""``nlptransfer study``: run methods side by side on the same splits and seeds, judge transfer vs scratch."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UsageError


def _int_list(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise UsageError(f"Expected comma-separated integers, got {text!r} (e.g. 1,2,3).") from None


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "study", help="Compare transfer methods with from-scratch baselines over seeds (and label budgets).")
    p.add_argument("--data", required=True, help="Labelled data: file, folder of split files or dataset id.")
    p.add_argument("--methods", default="tfidf-lr,vectors-sif-lr,hybrid-lr,cnn-rand,cnn-static",
                   help="Comma-separated method presets (see --list-methods).")
    p.add_argument("--baseline", default=None, help="From-scratch method to compare with (default: first scratch one).")
    p.add_argument("--seeds", default="13,42,87", help="Comma-separated seeds.")
    p.add_argument("--metric", default="macro_f1", help="Metric to compare, e.g. accuracy or macro_f1.")
    p.add_argument("--margin", type=float, default=0.0, help="Negative-transfer margin (metric units, e.g. 0.01).")
    p.add_argument("--curve", default=None, help="Also run a learning curve at these examples-per-class, e.g. 8,16,32.")
    p.add_argument("--vectors", default="glove-6b-50d", help="Vectors for the static-vector methods.")
    p.add_argument("--model", default=None, help="Transformer for frozen/fine-tuning methods (default: MiniLM).")
    p.add_argument("--epochs", type=int, default=None, help="Override training epochs of neural methods.")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--output", default="study", help="Folder for study.json/.md (and curve.json/.md/.png).")
    p.add_argument("--list-methods", action="store_true", help="List method presets and exit.")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..data import load_labelled
    from ..evaluation import LearningCurveConfig, StudyConfig, run_learning_curve, run_study
    from ..evaluation.methods import METHODS

    if args.list_methods:
        for name in METHODS.names():
            preset = METHODS.get(name)
            print(f"{name:24s} {'transfer' if preset.transfer else 'scratch ':8s} {preset.description}")
        return 0
    names = [m.strip() for m in args.methods.split(",") if m.strip()]
    presets = [METHODS.get(n) for n in names]
    baseline = args.baseline or next((p.name for p in presets if not p.transfer), None)
    if baseline is None:
        raise UsageError("No from-scratch method among --methods; add one (e.g. tfidf-lr or cnn-rand) or --baseline.")
    options = {"vectors": args.vectors, "model": args.model, "epochs": args.epochs}
    factories = {p.name: p.factory(**options) for p in presets}
    data = load_labelled(args.data, text_column=args.text_column, label_column=args.label_column)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    eval_split = "test" if "test" in data.splits else "validation"
    config = StudyConfig(seeds=_int_list(args.seeds), metric=args.metric, baseline=baseline,
                         negative_transfer_margin=args.margin, eval_split=eval_split,
                         scratch_methods=[p.name for p in presets if not p.transfer])
    result = run_study(factories, data, config)
    result.to_json(out / "study.json")
    (out / "study.md").write_text(result.to_markdown() + "\n", encoding="utf-8")
    print(result.to_markdown())
    if args.curve:
        curve_config = LearningCurveConfig(seeds=config.seeds, metric=config.metric, baseline=baseline,
                                           eval_split=eval_split, scratch_methods=config.scratch_methods,
                                           sizes=_int_list(args.curve))
        curve = run_learning_curve(factories, data, curve_config)
        curve.to_json(out / "curve.json")
        (out / "curve.md").write_text(curve.to_markdown() + "\n", encoding="utf-8")
        curve.plot(out / "curve.png")
        print()
        print(curve.to_markdown())
    print(json.dumps({"output": str(out), "negative_transfer": result.negative_transfer}))
    return 0
