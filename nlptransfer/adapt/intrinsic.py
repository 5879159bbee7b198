"""Intrinsic scores for a vector table: wordsim353, SimLex-999 (Spearman) and word analogies.

The word-pair scores use gensim's ``KeyedVectors.evaluate_word_pairs`` on the files shipped in
gensim's test data. The analogy score reproduces ``KeyedVectors.evaluate_word_analogies`` (3CosAdd,
case-insensitive, questions with a word outside the first ``restrict_vocab`` words skipped, the three
question words excluded from the answer) but scores questions in batches of matrix products: gensim
calls ``most_similar`` once per question, which takes ~40 s for the 19,544 questions on GloVe here,
too slow to run for every adaptation mode. ``tests/adapt`` checks that both give the same score.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

ANALOGY_RESTRICT_VOCAB = 30_000


def gensim_test_data() -> Path:
    import gensim

    return Path(gensim.__file__).parent / "test" / "test_data"


def to_keyed_vectors(words: list[str], matrix: np.ndarray):
    """A gensim ``KeyedVectors`` sharing ``matrix`` (no copy)."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(matrix.shape[1])
    kv.index_to_key = list(words)
    kv.key_to_index = {w: i for i, w in enumerate(kv.index_to_key)}
    kv.vectors = np.ascontiguousarray(matrix, dtype=np.float32)
    return kv


def word_pair_spearman(kv, path: Path) -> dict:
    """Spearman correlation with human similarity judgements, plus the share of pairs skipped as OOV."""
    known = {w.upper() for w in kv.index_to_key}
    pairs = [line.split("\t")[:2] for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    found = sum(1 for a, b in pairs if a.upper() in known and b.upper() in known)
    if found < 3:  # gensim's correlation raises below 2 pairs; a correlation of 2 points means nothing
        return {"spearman": None, "oov_pairs_percent": 100.0 * (len(pairs) - found) / max(len(pairs), 1)}
    with _quiet_gensim():
        _pearson, spearman, oov_percent = kv.evaluate_word_pairs(
            str(path), restrict_vocab=len(kv.index_to_key), case_insensitive=True)
    value = float(spearman.statistic if hasattr(spearman, "statistic") else spearman[0])
    return {"spearman": None if np.isnan(value) else value, "oov_pairs_percent": float(oov_percent)}


def analogy_accuracy(words: list[str], matrix: np.ndarray, path: Path,
                     restrict_vocab: int = ANALOGY_RESTRICT_VOCAB, batch_size: int = 2048) -> dict:
    """3CosAdd analogy accuracy over the first ``restrict_vocab`` words, as gensim computes it."""
    ok_words = list(words[:restrict_vocab])
    ok_vocab: dict[str, int] = {}
    for i in range(len(ok_words) - 1, -1, -1):  # the first occurrence of a case variant wins, as in gensim
        ok_vocab[ok_words[i].upper()] = i
    upper_of = [w.upper() for w in ok_words]
    questions, total = [], 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(": "):
                continue
            parts = [w.upper() for w in line.split()]
            if len(parts) != 4:
                continue
            total += 1
            if all(p in ok_vocab for p in parts):
                questions.append(parts)
    if not questions:
        return {"accuracy": None, "questions": 0, "oov_percent": 100.0 if total else 0.0}
    unit = np.asarray(matrix[: len(ok_words)], dtype=np.float32)
    norms = np.linalg.norm(unit, axis=1, keepdims=True)
    unit = unit / np.where(norms == 0, 1, norms)
    # Rows that are case variants of another row share an upper-case key; the answer must not be one
    # of the question words in any casing.
    variants: dict[str, list[int]] = {}
    for i, u in enumerate(upper_of):
        variants.setdefault(u, []).append(i)
    correct = 0
    idx = np.array([[ok_vocab[p] for p in q] for q in questions])
    for start in range(0, len(questions), batch_size):
        chunk = idx[start:start + batch_size]
        query = unit[chunk[:, 1]] + unit[chunk[:, 2]] - unit[chunk[:, 0]]
        scores = query @ unit.T
        for row, q in enumerate(questions[start:start + batch_size]):
            for word in q[:3]:
                scores[row, variants[word]] = -np.inf
        predicted = scores.argmax(axis=1)
        expected = chunk[:, 3]
        correct += int(sum(upper_of[p] == upper_of[e] for p, e in zip(predicted, expected)))
    return {"accuracy": correct / len(questions), "questions": len(questions),
            "oov_percent": 100.0 * (total - len(questions)) / total}


PAIR_FILES = {"wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}
ANALOGY_FILE = "questions-words.txt"


def _pair_file_words(path: Path) -> set[str]:
    words = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                words.update(w.upper() for w in line.split("\t")[:2])
    return words


def _pair_subtable(words: list[str], matrix: np.ndarray, needed: set[str]):
    """Only the rows whose upper-cased word occurs in the pair files, in table order: gensim's
    case-insensitive lookup (first occurrence wins) gives the same answers, without building an
    upper-cased dict of the whole 400k vocabulary for every call."""
    rows = [i for i, w in enumerate(words) if w.upper() in needed]
    return to_keyed_vectors([words[i] for i in rows], np.asarray(matrix[rows], dtype=np.float32))


def intrinsic_scores(words: list[str], matrix: np.ndarray, data_dir: Path | None = None,
                     reuse: dict | None = None, reference: tuple[list[str], np.ndarray] | None = None) -> dict:
    """wordsim353 and SimLex-999 Spearman, analogy accuracy (first 30k words).

    ``reuse`` + ``reference``: scores already computed for the ``reference`` table; a score is reused
    when every row it can read is bit-identical in both tables (lock/align keep the pretrained rows).
    """
    data_dir = Path(data_dir) if data_dir else gensim_test_data()
    needed = set().union(*(_pair_file_words(data_dir / f) for f in PAIR_FILES.values()))
    same_pairs = same_analogy = False
    if reuse is not None and reference is not None:
        ref_words, ref_matrix = reference
        restrict = ANALOGY_RESTRICT_VOCAB
        same_analogy = (ref_words[:restrict] == list(words[:restrict])
                        and np.asarray(ref_matrix[:restrict]).tobytes() == np.asarray(matrix[:restrict]).tobytes())
        mine = [i for i, w in enumerate(words) if w.upper() in needed]
        theirs = [i for i, w in enumerate(ref_words) if w.upper() in needed]
        same_pairs = ([words[i] for i in mine] == [ref_words[i] for i in theirs]
                      and np.asarray(matrix[mine]).tobytes() == np.asarray(ref_matrix[theirs]).tobytes())
    scores = {}
    if same_pairs:
        scores.update({name: reuse[name] for name in PAIR_FILES})
    else:
        kv = _pair_subtable(list(words), matrix, needed)
        scores.update({name: word_pair_spearman(kv, data_dir / f) for name, f in PAIR_FILES.items()})
    scores["analogy"] = reuse["analogy"] if same_analogy else analogy_accuracy(
        words, matrix, data_dir / ANALOGY_FILE, restrict_vocab=ANALOGY_RESTRICT_VOCAB)
    return scores


class _quiet_gensim:
    """gensim logs every evaluation at INFO; keep the CLI output readable."""

    def __enter__(self):
        self._logger = logging.getLogger("gensim.models.keyedvectors")
        self._level = self._logger.level
        self._logger.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self._logger.setLevel(self._level)
