"""Write the tiny fixture files under corpora/tiny/ used by the data-layer tests.

    python corpora/make_tiny.py

The same 24 rows are written as CSV, TSV, JSON Lines and parquet with the standard library, pyarrow
and ``datasets`` (not with nlptransfer's own writer), so the tests compare nlptransfer's readers
against files produced by other tools. Rows include the awkward cases real files have: commas,
quotes, a tab and a newline inside a text, non-ASCII letters and emoji.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent / "tiny"

ROWS = [
    ("The Aerobud Pro sounds great, and the case is tiny.", "positive"),
    ('She said "best earbuds I own" and I agree', "positive"),
    ("Battery lasts all week; setup took two minutes", "positive"),
    ("Café owner here: the Lumiqo bulbs look lovely ☕", "positive"),
    ("Zero dropouts so far 👍", "positive"),
    ("Works with HomeKit\tand Alexa without fuss", "positive"),
    ("Line one of a review.\nLine two says it is superb.", "positive"),
    ("naïve me expected less; it's excellent", "positive"),
    ("It desyncs every morning, returning it", "negative"),
    ("The app crashes, the hub reboots, avoid", "negative"),
    ("Not worth the money.", "negative"),
    ("Support never answered my ticket 😡", "negative"),
    ("Bootloops after the 3.1 update", "negative"),
    ("the strap broke after a week", "negative"),
    ('"Waterproof" they said. It died in the rain.', "negative"),
    ("Terrible range, I can't recommend it", "negative"),
    ("Does it work with Android?", "neutral"),
    ("Arrived on Tuesday in a small box", "neutral"),
    ("Is QuikSync on by default?", "neutral"),
    ("Firmware 2.4 rolled out today", "neutral"),
    ("Comes in black, white and teal", "neutral"),
    ("Bought two, one for my dad", "neutral"),
    ("Setting it up this weekend", "neutral"),
    ("How long is the warranty, 1 or 2 years?", "neutral"),
]
# Split of ROWS into the split folder: every class in every split.
SPLITS = {"train": list(range(0, 6)) + list(range(8, 14)) + list(range(16, 20)),
          "dev": [6, 14, 20, 21], "test": [7, 15, 22, 23]}

MULTI_LABEL = [
    ("Great sound but the app is buggy", ["sound", "software"]),
    ("Battery died in a day", ["battery"]),
    ("The app and the battery both disappoint", ["battery", "software"]),
    ("Crisp highs, deep bass", ["sound"]),
    ("Firmware update fixed the drain", ["battery", "software"]),
    ("Nothing to report yet", []),
]

CORPUS_LINES = [
    "the aerobud pro keeps desyncing after the 2.4 update",
    "",
    "hubzy routines finally work with homekit",
    "   ",
    "anyone else getting bootloops on the zentrix node?",
    "snapcharge gets it to full in twenty minutes",
    "voltastic sound, zero dropouts",
]


def write_delimited(path: Path, rows, delimiter: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(["text", "label"])
        writer.writerows(rows)


def main() -> None:
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    HERE.mkdir(parents=True, exist_ok=True)
    write_delimited(HERE / "labelled.csv", ROWS, ",")
    write_delimited(HERE / "labelled.tsv", ROWS, "\t")
    with open(HERE / "labelled.jsonl", "w", encoding="utf-8") as fh:
        for text, label in ROWS:
            fh.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
    pq.write_table(pa.table({"text": [r[0] for r in ROWS], "label": [r[1] for r in ROWS]}),
                   HERE / "labelled.parquet")

    folder = HERE / "splits"
    folder.mkdir(exist_ok=True)
    for split, rows in SPLITS.items():
        write_delimited(folder / f"{split}.csv", [ROWS[i] for i in rows], ",")

    # A folder in the Hub's parquet layout with ClassLabel ids, read through datasets.load_dataset.
    names = sorted({label for _, label in ROWS})
    features = datasets.Features({"text": datasets.Value("string"), "label": datasets.ClassLabel(names=names)})
    hub = HERE / "hub_layout" / "data"
    hub.mkdir(parents=True, exist_ok=True)
    for split, hub_split in (("train", "train"), ("dev", "validation"), ("test", "test")):
        rows = [ROWS[i] for i in SPLITS[split]]
        ds = datasets.Dataset.from_dict({"text": [r[0] for r in rows], "label": [r[1] for r in rows]})
        ds.cast(features).to_parquet(str(hub / f"{hub_split}-00000-of-00001.parquet"))

    with open(HERE / "latin1.csv", "w", encoding="latin-1", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows([("Très bon produit", "positive"), ("Café froid, déçu", "negative"),
                          ("Livré mardi", "neutral"), ("Son très clair", "positive")])
    (HERE / "empty.csv").write_bytes(b"")

    with open(HERE / "multilabel.jsonl", "w", encoding="utf-8") as fh:
        for text, labels in MULTI_LABEL:
            fh.write(json.dumps({"text": text, "label": labels}) + "\n")
    write_delimited(HERE / "multilabel.csv", [(t, "|".join(labels)) for t, labels in MULTI_LABEL], ",")

    (HERE / "corpus.txt").write_text("\n".join(CORPUS_LINES) + "\n", encoding="utf-8")
    corpus_dir = HERE / "corpus_folder"
    corpus_dir.mkdir(exist_ok=True)
    (corpus_dir / "b.txt").write_text("second file line one\nsecond file line two\n", encoding="utf-8")
    (corpus_dir / "a.txt").write_text("first file only line\n", encoding="utf-8")
    (corpus_dir / "notes.md").write_text("not part of the corpus\n", encoding="utf-8")
    print(f"wrote fixtures under {HERE}")


if __name__ == "__main__":
    main()
