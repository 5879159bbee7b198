"""Helpers for the fine-tuning tests (imported by name; ``conftest`` holds the fixtures): the tiny BERT
vocabulary/config and a toy sentiment task the tiny model can learn in a few epochs."""

from __future__ import annotations

import random

POSITIVE = ["good", "great", "happy", "fine", "nice", "superb", "lovely", "fun"]
NEGATIVE = ["bad", "awful", "sad", "poor", "terrible", "boring", "dull", "ugly"]
NEUTRAL = ["okay", "plain", "average"]
FILLER = ["the", "a", "movie", "film", "plot", "was", "is", "very", "quite", "and", "it", "this", "story", "cast"]
PUNCT = [".", ",", "!", "?", "'"]
TINY_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *PUNCT, *POSITIVE, *NEGATIVE, *NEUTRAL, *FILLER]
TINY_MAX_POSITIONS = 64


def tiny_config(**overrides):
    from transformers import BertConfig

    kwargs = dict(vocab_size=len(TINY_VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                  intermediate_size=37, max_position_embeddings=TINY_MAX_POSITIONS, type_vocab_size=2)
    kwargs.update(overrides)
    return BertConfig(**kwargs)


def make_texts(n: int, seed: int, *, neutral: bool = False, long: bool = False) -> tuple[list[str], list[str]]:
    """Toy sentiment sentences; label = majority polarity word (``neu`` class when ``neutral``)."""
    rng = random.Random(seed)
    texts, labels = [], []
    classes = ["pos", "neg", "neu"] if neutral else ["pos", "neg"]
    for i in range(n):
        label = classes[i % len(classes)]
        pool = {"pos": POSITIVE, "neg": NEGATIVE, "neu": NEUTRAL}[label]
        words = rng.choices(FILLER, k=rng.randint(2, 30 if long else 8)) + rng.choices(pool, k=rng.randint(1, 3))
        rng.shuffle(words)
        texts.append(" ".join(words) + rng.choice([" .", " !", ""]))
        labels.append(label)
    return texts, labels


def make_dataset(n: int, seed: int, **kwargs):
    import datasets

    texts, labels = make_texts(n, seed, **kwargs)
    return datasets.Dataset.from_dict({"text": texts, "label": labels})
