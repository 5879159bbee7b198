"""The adaptation report: what changed, how much, at what cost (JSON + Markdown)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORT_JSON = "adaptation_report.json"
REPORT_MD = "adaptation_report.md"


@dataclass
class AdaptationReport:
    mode: str
    model: str
    pretrained: str
    corpus: dict  # source, documents, tokens, types
    vocabulary: dict  # pretrained / output sizes, shared trained, new added, new dropped under min_count_new
    oov: dict  # {"corpus": {"before": {...}, "after": {...}}, "labelled": ... or None}
    training: dict  # TrainingStats.to_dict()
    timings: dict  # seconds per stage
    config: dict
    drift: dict | None = None
    intrinsic: dict | None = None  # {"before": {...}, "after": {...}}
    alignment: dict | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> AdaptationReport:
        return cls(**data)

    def save(self, folder: str | Path) -> tuple[Path, Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        json_path, md_path = folder / REPORT_JSON, folder / REPORT_MD
        json_path.write_text(json.dumps(self.to_dict(), indent=2, default=_json_default) + "\n", encoding="utf-8")
        md_path.write_text(self.to_markdown(), encoding="utf-8")
        return json_path, md_path

    @classmethod
    def load(cls, folder: str | Path) -> AdaptationReport:
        return cls.from_dict(json.loads((Path(folder) / REPORT_JSON).read_text(encoding="utf-8")))

    # ---- Markdown -------------------------------------------------------------------------------
    def to_markdown(self) -> str:
        lines = [f"# Adaptation report: `{self.mode}` ({self.model})", "",
                 f"Pretrained: `{self.pretrained}`  ", f"Corpus: `{self.corpus['source']}` - "
                 f"{self.corpus['documents']:,} documents, {self.corpus['tokens']:,} tokens, "
                 f"{self.corpus['types']:,} types", ""]
        v = self.vocabulary
        lines += ["## Vocabulary", "",
                  _table(["", "words"], [
                      ["pretrained table", f"{v['pretrained_size']:,}"],
                      ["output table", f"{v['output_size']:,}"],
                      ["shared words trained", f"{v['shared_trained']:,}"],
                      ["new words added", f"{v['new_added']:,}"],
                      [f"new words dropped (count < min_count_new={v['min_count_new']})",
                       f"{v['new_dropped_types']:,} ({v['new_dropped_tokens']:,} tokens)"],
                      [f"pretrained words under min_count={v['min_count']} (kept, not trained)",
                       f"{v['shared_below_min_count']:,}"],
                      ["removed by max_vocab", f"{v['capped']:,}"],
                  ]), ""]
        rows = []
        for name, entry in self.oov.items():
            if entry:
                rows.append([name, _pct(entry["before"]["oov_rate"]), _pct(entry["after"]["oov_rate"]),
                             f"{entry['before']['tokens']:,}"])
        lines += ["## Token OOV rate", "", _table(["data", "before", "after", "tokens"], rows), ""]
        if self.drift:
            headers = ["corpus frequency rank", "shared words", "mean cosine", "median cosine", "neighbour overlap@10"]
            rows = [[band, e["words"], _num(e.get("mean_cosine")), _num(e.get("median_cosine")),
                     _num(e.get("neighbour_overlap@10"))] for band, e in self.drift.items()]
            lines += ["## Drift of shared words", "", _table(headers, rows), ""]
        if self.intrinsic:
            before, after = self.intrinsic["before"], self.intrinsic["after"]
            rows = [["wordsim353 (Spearman)", _num(before["wordsim353"]["spearman"]),
                     _num(after["wordsim353"]["spearman"])],
                    ["SimLex-999 (Spearman)", _num(before["simlex999"]["spearman"]),
                     _num(after["simlex999"]["spearman"])],
                    ["analogy accuracy (first 30k words)", _num(before["analogy"]["accuracy"]),
                     _num(after["analogy"]["accuracy"])]]
            lines += ["## Intrinsic scores", "", _table(["benchmark", "before", "after"], rows), ""]
        if self.alignment:
            a = self.alignment
            lines += ["## Alignment", "",
                      f"{a['anchors_used']:,} anchors used ({a['anchors_excluded']:,} most drifting excluded); "
                      f"mean anchor cosine {a['mean_anchor_cosine']:.3f} (first fit "
                      f"{a['mean_anchor_cosine_first_fit']:.3f}); scale {a['scale']:.3f}.  ",
                      "Most drifting anchors: " + ", ".join(a["most_drifting_anchors"][:10]), ""]
        t = self.training
        lines += ["## Training", "",
                  f"{t['epochs']} epochs in {t['seconds']:.2f} s, {t['words_per_second']:,.0f} words/s "
                  f"({t['raw_words']:,} raw words, {t['effective_words']:,} after down-sampling).", ""]
        if t["loss_per_epoch"]:
            lines += [_table(["epoch", "loss"], [[i + 1, f"{x:,.0f}"] for i, x in enumerate(t["loss_per_epoch"])]),
                      "", f"_{t['loss_note']}_", ""]
        else:
            lines += [f"Loss: {t['loss_note']}.", ""]
        if t.get("restores_needed") is not None:
            lines += [f"Locked rows: checked every epoch; restores needed: {t['restores_needed']}.", ""]
        lines += ["## Timings (s)", "", _table(list(self.timings), [[f"{x:.2f}" for x in self.timings.values()]]),
                  ""]
        if self.notes:
            lines += ["## Notes", ""] + [f"- {n}" for n in self.notes] + [""]
        return "\n".join(lines)


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _table(headers: list, rows: list[list]) -> str:
    out = ["| " + " | ".join(map(str, headers)) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    return "\n".join(out)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def _num(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"
