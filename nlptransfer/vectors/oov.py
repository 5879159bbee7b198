"""What to do with words that have no pretrained vector: OOV policies, composable into cascades.

Policies are registered in :data:`OOV_POLICIES` (``Registry("OOV policy")``):

- ``error``: raise :class:`~nlptransfer.errors.OOVError` naming the word.
- ``zero``: the zero vector.
- ``unk``: one shared UNK vector, the mean of all vectors. ``UnkPolicy(learnable=True)`` sets
  ``Resolution.learnable_unk`` so a neural model can make that row a trainable parameter. A literal
  ``unk`` word in the vocabulary (GloVe has one) is an ordinary word and never used as the UNK vector.
- ``random``: a vector seeded by a stable hash of the word (blake2b of UTF-8 + seed), scaled to the
  vectors' standard deviation: the same word gets the same vector in every process and run.
- ``subword``: fastText n-gram vectors (same as gensim's ``FastTextKeyedVectors``); a word with no
  n-grams, or vectors without n-grams, falls through to the next step.
- ``normalize``: try ``lower`` -> accents stripped -> digits replaced by ``#``, each looked up exactly.

``subword`` and ``normalize`` may fall through; the others always decide. A spec such as
``"normalize>subword>random"`` (or a list) is parsed into an :class:`OOVCascade`; a cascade whose
last step can fall through gets ``zero`` appended, so every word ends with a vector. Each word's
deciding step (``exact``, ``normalize:lower``, ``subword``, ``zero``...) is reported for coverage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..errors import OOVError, UsageError
from ..registry import Registry

if TYPE_CHECKING:  # pragma: no cover
    from .keyed import StaticVectors

EXACT = "exact"
RECOVERY_PREFIXES = ("normalize", "subword")


class OOVPolicy(ABC):
    """One step of OOV handling: ``resolve`` returns ``(vector, step)`` or ``(None, None)`` to fall through."""

    name: ClassVar[str] = ""
    terminal: ClassVar[bool] = True  # False: may fall through to the next step
    learnable: bool = False

    @abstractmethod
    def resolve(self, vectors: StaticVectors, word: str) -> tuple[np.ndarray | None, str | None]:
        """The vector for ``word`` and the step that produced it, or ``(None, None)``."""

    @property
    def spec(self) -> str:
        return self.name

    def steps(self) -> list[OOVPolicy]:
        return [self]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


OOV_POLICIES: Registry[type[OOVPolicy]] = Registry("OOV policy")


@OOV_POLICIES.register("error", "raise")
class ErrorPolicy(OOVPolicy):
    name = "error"

    def resolve(self, vectors, word):
        raise OOVError(
            f"no vector for {word!r}{' in ' + vectors.source if vectors.source else ''} and oov_policy='error'; "
            "use another policy (e.g. 'normalize>subword>unk', 'zero', 'random') or fix the tokenizer."
        )


@OOV_POLICIES.register("zero", "zeros")
class ZeroPolicy(OOVPolicy):
    name = "zero"

    def resolve(self, vectors, word):
        return np.zeros(vectors.dim, dtype=np.float32), "zero"


@OOV_POLICIES.register("unk", "mean")
@dataclass
class UnkPolicy(OOVPolicy):
    learnable: bool = field(default=False, metadata={"help": "Downstream networks train the UNK row."})
    name: ClassVar[str] = "unk"

    def resolve(self, vectors, word):
        # The mean vector, never vectors["unk"]: GloVe's "unk" is a real (rare) word.
        return np.asarray(vectors.mean_vector(), dtype=np.float32).copy(), "unk"


@OOV_POLICIES.register("random", "hash")
@dataclass
class RandomPolicy(OOVPolicy):
    seed: int = field(default=0, metadata={"help": "Mixed into the word hash; same seed -> same vectors."})
    scale: float | None = field(default=None, metadata={"help": "Std of the vectors; default: the vectors' std."})
    name: ClassVar[str] = "random"

    def resolve(self, vectors, word):
        return hashed_vector(word, vectors.dim, self.seed, self.scale or vectors.value_std()), "random"


@OOV_POLICIES.register("subword", "ngrams", "fasttext")
class SubwordPolicy(OOVPolicy):
    name = "subword"
    terminal = False

    def resolve(self, vectors, word):
        if vectors.subwords is None:
            return None, None
        vec = vectors.subwords.vector(word)
        return (vec, "subword") if vec is not None else (None, None)


@OOV_POLICIES.register("normalize", "normalise")
class NormalizePolicy(OOVPolicy):
    name = "normalize"
    terminal = False

    def resolve(self, vectors, word):
        index = vectors.key_to_index
        for step, variant in normalized_variants(word):
            i = index.get(variant)
            if i is not None:
                return np.asarray(vectors.matrix[i], dtype=np.float32), step
        return None, None


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_DIGIT = re.compile(r"\d")


def normalized_variants(word: str) -> list[tuple[str, str]]:
    """``(step, variant)`` in cascade order; the exact form comes first."""
    lower = word.lower()
    plain = strip_accents(lower)
    out = [(EXACT, word), ("normalize:lower", lower), ("normalize:accents", strip_accents(word)),
           ("normalize:accents", plain)]
    for base in (word, lower, plain):
        out.append(("normalize:digits", _DIGIT.sub("#", base)))
    seen, unique = set(), []
    for step, variant in out:
        if variant not in seen:
            seen.add(variant)
            unique.append((step, variant))
    return unique


def hashed_vector(word: str, dim: int, seed: int, scale: float) -> np.ndarray:
    """A normal(0, scale) vector seeded by blake2b(UTF-8 word, seed): identical across processes."""
    digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=16,
                             salt=int(seed).to_bytes(8, "little", signed=True)).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "little"))
    return (rng.standard_normal(dim) * scale).astype(np.float32)


class OOVCascade(OOVPolicy):
    """Steps tried in order; the first that returns a vector decides."""

    def __init__(self, steps: Sequence[OOVPolicy]):
        steps = list(steps)
        if not steps:
            raise UsageError("an OOV cascade needs at least one policy, e.g. 'normalize>subword>zero'.")
        for s in steps[:-1]:
            if s.terminal:
                later = ">".join(x.spec for x in steps[steps.index(s) + 1:])
                raise UsageError(
                    f"OOV policy {s.spec!r} always decides, so the steps after it ({later}) would never run; "
                    f"put {s.spec!r} last, e.g. 'normalize>subword>{s.spec}'."
                )
        if not steps[-1].terminal:
            steps.append(ZeroPolicy())
        self._steps = steps
        self.learnable = any(s.learnable for s in steps)

    name = "cascade"

    @property
    def spec(self) -> str:
        return ">".join(s.spec for s in self._steps)

    def steps(self) -> list[OOVPolicy]:
        return list(self._steps)

    def recovery_steps(self) -> list[OOVPolicy]:
        return [s for s in self._steps if not s.terminal]

    def resolve(self, vectors, word):
        for step in self._steps:
            vec, how = step.resolve(vectors, word)
            if vec is not None:
                return vec, how
        raise AssertionError("unreachable: the last cascade step is terminal")  # pragma: no cover

    def __repr__(self) -> str:
        return f"OOVCascade({self.spec!r})"


def get_oov_policy(spec: str | OOVPolicy | Sequence[str | OOVPolicy]) -> OOVCascade:
    """Parse ``"normalize>subword>random"``, a list of names/policies, or a policy into a cascade."""
    if isinstance(spec, OOVCascade):
        return spec
    if isinstance(spec, OOVPolicy):
        return OOVCascade([spec])
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.split(">")]
        if not spec.strip() or any(not p for p in parts):
            raise UsageError(f"invalid OOV policy spec {spec!r}; use names joined by '>', e.g. 'normalize>subword>unk'.")
    elif isinstance(spec, Iterable):
        parts = list(spec)
    else:
        raise UsageError(f"OOV policy must be a name, a '>'-joined spec or a list, got {type(spec).__name__}.")
    steps: list[OOVPolicy] = []
    for part in parts:
        if isinstance(part, OOVPolicy):
            steps.extend(part.steps())
        else:
            steps.append(OOV_POLICIES.get(str(part))())
    return OOVCascade(steps)


@dataclass
class Resolution:
    """Vectors for a vocabulary plus how each word got its vector."""

    words: list[str]
    matrix: np.ndarray
    oov_mask: np.ndarray  # True where the word was not in the vocabulary exactly
    steps: list[str]  # "exact", "normalize:lower", "subword", "zero", "unk", "random"
    policy: str
    learnable_unk: bool = False

    def step_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.steps:
            counts[s] = counts.get(s, 0) + 1
        return counts

    @property
    def unk_mask(self) -> np.ndarray:
        return np.array([s == "unk" for s in self.steps], dtype=bool)


def resolve_words(vectors: StaticVectors, words: Iterable[str], policy="zero", dtype=np.float32) -> Resolution:
    cascade = get_oov_policy(policy)
    words = list(words)
    index = vectors.key_to_index
    rows = np.fromiter((index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
    hit = rows >= 0
    matrix = np.zeros((len(words), vectors.dim), dtype=dtype)
    if hit.any():
        matrix[hit] = vectors.matrix[rows[hit]]
    steps = [EXACT] * len(words)
    for i in np.flatnonzero(~hit):
        vec, how = cascade.resolve(vectors, words[i])
        matrix[i] = vec
        steps[i] = how
    return Resolution(words, matrix, ~hit, steps, cascade.spec, learnable_unk=cascade.learnable)
