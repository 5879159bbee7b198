"""The demo: the whole transfer workflow on the bundled demo data with the embedded default models.

Steps (each prints what it measured):

1. load the labelled demo set (``corpora/demo``) and its label schema;
2. coverage of the default vectors (GloVe 6B 50d) on the training texts, with the top OOV words;
3. adapt the vectors to the unlabelled domain corpus in ``lock`` mode (pretrained rows kept exactly,
   domain words learnt) and report OOV before and after;
4. a study over seeds: from-scratch baselines against transfer methods (pretrained vectors, adapted
   vectors, frozen MiniLM features, and with ``--finetune`` full MiniLM fine-tuning), on the same
   splits, flagging negative transfer;
5. a learning curve over label budgets with the break-even point;
6. save the best transfer model with a model card that carries the study.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ConfigError, DataFileNotFoundError

logger = logging.getLogger(__name__)

DEMO_DATA = Path(__file__).resolve().parents[1] / "corpora" / "demo"


@dataclass
class DemoConfig:
    data: str | None = field(default=None, metadata={"help": "Labelled data folder (default: corpora/demo)."})
    corpus: str | None = field(default=None, metadata={"help": "Unlabelled domain corpus (default: demo's)."})
    output: str = field(default="nlptransfer-demo", metadata={"help": "Folder for every artefact of the run."})
    vectors: str = field(default="glove-6b-50d", metadata={"help": "Pretrained static vectors."})
    seeds: list[int] = field(default_factory=lambda: [13, 42], metadata={"help": "Seeds of the study."})
    curve_sizes: list[int] = field(default_factory=lambda: [4, 8, 16, 32, 48],
                                   metadata={"help": "Examples per class for the learning curve."})
    transformer: bool = field(default=True, metadata={"help": "Include frozen-MiniLM features."})
    finetune: bool = field(default=False, metadata={
        "help": "Also fine-tune MiniLM (full, 4 epochs per seed; adds a few minutes on a 2-core CPU)."})
    negative_transfer_margin: float = field(default=0.01, metadata={
        "help": "Flag negative transfer only beyond this many macro-F1 units (0.01 = 1 point)."})

    def __post_init__(self) -> None:
        if not self.seeds:
            raise ConfigError("DemoConfig.seeds is empty; give at least one seed.")

    def data_path(self) -> Path:
        path = Path(self.data) if self.data else DEMO_DATA
        if not path.exists():
            raise DataFileNotFoundError(
                f"Demo data {path} not found. Run the demo from a clone of the repository (it ships corpora/demo), "
                "or pass --data FOLDER with train/validation/test files.")
        return path

    def corpus_path(self) -> Path:
        path = Path(self.corpus) if self.corpus else self.data_path() / "unlabelled.txt"
        if not path.exists():
            raise DataFileNotFoundError(f"Unlabelled corpus {path} not found; pass --corpus FILE.")
        return path


def _step(n: int, title: str) -> float:
    print(f"\n[{n}/6] {title}", flush=True)
    return time.perf_counter()


def _done(start: float) -> None:
    print(f"      ({time.perf_counter() - start:.1f}s)", flush=True)


def run_demo(config: DemoConfig) -> dict:
    from .adapt import AdaptConfig, adapt_vectors
    from .classifiers import load_classifier
    from .data import load_labelled
    from .data.tokenize import TokenizerConfig
    from .evaluation import LearningCurveConfig, StudyConfig, run_learning_curve, run_study
    from .evaluation.methods import METHODS
    from .hub import write_model_card
    from .vectors import load_vectors
    from .vectors.coverage import compute_coverage

    out = Path(config.output)
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"config": asdict(config)}
    tokenizer = asdict(TokenizerConfig(mode="tweet"))  # reviews carry emoji, #tags and version numbers

    t = _step(1, "Load the labelled data")
    data = load_labelled(config.data_path())
    print("      " + ", ".join(f"{k}={len(v)}" for k, v in data.splits.items()) + f"; labels: {list(data.schema.names)}")
    results["data"] = {k: len(v) for k, v in data.splits.items()}
    _done(t)

    t = _step(2, f"Coverage of {config.vectors} on the training texts")
    vectors = load_vectors(config.vectors)
    coverage = compute_coverage(vectors, data.splits["train"], tokenizer=tokenizer)
    (out / "coverage.md").write_text(coverage.to_markdown(), encoding="utf-8")
    coverage.to_json(out / "coverage.json")
    top = ", ".join(f"{w['word']} ({w['count']})" for w in coverage.top_oov[:8])
    print(f"      token coverage {coverage.token_coverage:.1%}, type coverage {coverage.type_coverage:.1%}; "
          f"with normalisation/subwords {coverage.token_coverage_recovered:.1%}")
    print(f"      most frequent OOV words: {top}")
    results["coverage"] = {"token": coverage.token_coverage, "type": coverage.type_coverage,
                           "token_recovered": coverage.token_coverage_recovered}
    _done(t)

    t = _step(3, "Adapt the vectors to the domain corpus (mode: lock)")
    adapted = adapt_vectors(vectors, str(config.corpus_path()),
                            AdaptConfig(mode="lock", epochs=10, min_count_new=3, intrinsic=False,
                                        tokenizer=TokenizerConfig(mode="tweet")),
                            labelled=data.splits["train"])
    adapted_dir = adapted.save(out / "vectors-adapted")
    oov = adapted.report.oov["labelled"]
    print(f"      new domain words learnt: {adapted.report.vocabulary.get('new_added')}; token OOV on the training "
          f"texts {oov['before']['oov_rate']:.1%} -> {oov['after']['oov_rate']:.1%}; vectors in {adapted_dir}")
    results["adapt"] = {"oov_before": oov["before"]["oov_rate"], "oov_after": oov["after"]["oov_rate"],
                        "new_words": adapted.report.vocabulary.get("new_added")}
    _done(t)

    t = _step(4, f"Transfer versus scratch over seeds {config.seeds}")
    shared = {"vectors": config.vectors, "tokenizer": tokenizer}
    methods = {
        "tfidf-lr (scratch)": METHODS.get("tfidf-lr").factory(),
        "cnn-rand (scratch)": METHODS.get("cnn-rand").factory(**shared),
        "glove-sif-lr": METHODS.get("vectors-sif-lr").factory(**shared),
        "adapted-sif-lr": METHODS.get("vectors-sif-lr").factory(vectors=str(adapted_dir), tokenizer=tokenizer),
        "adapted-hybrid-lr": METHODS.get("hybrid-lr").factory(vectors=str(adapted_dir), tokenizer=tokenizer),
        "cnn-static (adapted)": METHODS.get("cnn-static").factory(vectors=str(adapted_dir), tokenizer=tokenizer),
    }
    if config.transformer:
        # Mean-pooled frozen layers, not the CLS/pooler output: all-MiniLM-L6-v2 was trained for mean pooling.
        methods["minilm-frozen-lr"] = METHODS.get("frozen-transformer-lr").factory()
    if config.finetune:
        methods["minilm-finetune-full"] = METHODS.get("finetune-full").factory(epochs=4)
    scratch = [name for name in methods if name.endswith("(scratch)")]
    study = run_study(methods, data, StudyConfig(seeds=config.seeds, metric="macro_f1",
                                                 baseline="tfidf-lr (scratch)", scratch_methods=scratch,
                                                 negative_transfer_margin=config.negative_transfer_margin))
    study.to_json(out / "study.json")
    (out / "study.md").write_text(study.to_markdown() + "\n", encoding="utf-8")
    print(study.to_markdown())
    results["study"] = {s.method: {"mean": s.mean, "std": s.std, "delta": s.delta_vs_baseline,
                                   "negative_transfer": s.negative_transfer} for s in study.summaries}
    _done(t)

    t = _step(5, "Learning curve over label budgets")
    curve_methods = {k: methods[k] for k in ("tfidf-lr (scratch)", "adapted-hybrid-lr")}
    if config.transformer:
        curve_methods["minilm-frozen-lr"] = methods["minilm-frozen-lr"]
    curve = run_learning_curve(curve_methods, data, LearningCurveConfig(
        seeds=config.seeds, metric="macro_f1", baseline="tfidf-lr (scratch)", sizes=config.curve_sizes))
    curve.to_json(out / "curve.json")
    (out / "curve.md").write_text(curve.to_markdown() + "\n", encoding="utf-8")
    curve.plot(out / "curve.png")
    print(curve.to_markdown())
    results["curve"] = curve.to_dict()["break_even"]
    _done(t)

    t = _step(6, "Save the best transfer method with its model card")
    transfer = [s for s in study.summaries if s.method not in scratch]
    best = max(transfer, key=lambda s: s.mean)
    model = methods[best.method](config.seeds[0]).fit(data.splits["train"], data.splits["validation"])
    model_dir = model.save(out / "best-model")
    (model_dir / "study.json").write_text(study.to_json(), encoding="utf-8")
    test_metrics = model.evaluate(data.splits["test"])
    card = write_model_card(model_dir, model_id=f"nlptransfer-demo-{best.method.split(' ')[0]}",
                            dataset_name="nlptransfer demo reviews")
    reloaded = load_classifier(model_dir)
    example = data.splits["test"][0]["text"]
    pred = reloaded.predict([example])
    print(f"      best transfer method: {best.method} (macro-F1 {best.mean:.1%}); saved to {model_dir}; card {card}")
    print(f"      test macro-F1 of the saved model {test_metrics['macro_f1']:.1%}; "
          f"reloaded prediction for {example[:50]!r}: {pred.labels[0]}")
    results["best"] = {"method": best.method, "test": test_metrics, "path": str(model_dir)}
    _done(t)

    verdict = ("transfer helped" if best.delta_vs_baseline and best.delta_vs_baseline > 0
               else "transfer did NOT beat the from-scratch baseline")
    print(f"\nVerdict: {verdict} (best {best.method}: {best.delta_vs_baseline * 100:+.1f} macro-F1 points vs "
          f"tfidf-lr). Negative transfer flagged for: {', '.join(study.negative_transfer) or 'none'}.")
    print(f"All artefacts: {out.resolve()}")
    (out / "demo_results.json").write_text(json.dumps(results, indent=2, default=float), encoding="utf-8")
    return results
