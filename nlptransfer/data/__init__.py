"""Data layer: loading labelled data, label schemas, sampling, unlabelled corpora and the word tokenizer."""

from .corpus import TextCorpus, TokenizedCorpus, count_tokens
from .labels import LabelSchema
from .loading import LabelledData, LoadConfig, load_labelled
from .sampling import few_shot, learning_curve_subsets, stratified_split
from .tokenize import TokenizerConfig, WordTokenizer

__all__ = [
    "load_labelled",
    "LabelledData",
    "LoadConfig",
    "few_shot",
    "learning_curve_subsets",
    "stratified_split",
    "TextCorpus",
    "TokenizedCorpus",
    "count_tokens",
    "LabelSchema",
    "WordTokenizer",
    "TokenizerConfig",
]
