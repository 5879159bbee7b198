"""Helpers shared by the featurizer tests (a uniquely named module: several folders have a conftest)."""

from __future__ import annotations

import random

POSITIVE = ["good", "great", "fun", "love", "wonderful", "best", "funny", "moving"]
NEGATIVE = ["bad", "awful", "boring", "hate", "worst", "dull", "terrible", "mess"]
NEUTRAL = ["the", "a", "movie", "film", "is", "was", "this", "plot", "acting", "and", "it", "very", ",", "."]
# words that appear in texts but have no vector (OOV in the tiny table)
OOV_WORDS = ["zzxq", "blorp"]


def make_texts(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = "positive" if i % 2 == 0 else "negative"
        cue = POSITIVE if label == "positive" else NEGATIVE
        words = [rng.choice(NEUTRAL) for _ in range(rng.randint(3, 8))]
        for _ in range(rng.randint(1, 2)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(cue))
        if rng.random() < 0.2:
            words.append(rng.choice(OOV_WORDS))
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels
