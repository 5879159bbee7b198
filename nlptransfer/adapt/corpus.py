"""Read the domain corpus once into token lists, and count it.

The corpus is tokenised once and kept in memory as token lists: every epoch (and every mode in a
benchmark) reuses them, and gensim's worker threads are not starved by a Python tokenizer running
in the producer thread. At ~1.4M tokens for 100k tweets that is a few tens of MB.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..data.corpus import TextCorpus
from ..data.tokenize import WordTokenizer
from ..errors import DataError

# gensim's Cython routines silently truncate a sentence after this many tokens.
GENSIM_MAX_SENTENCE = 10_000


@dataclass
class DomainCorpus:
    """Token lists of the domain corpus plus where they came from."""

    sentences: list[list[str]]
    source: str
    documents: int

    @property
    def tokens(self) -> int:
        return sum(len(s) for s in self.sentences)

    def counts(self) -> Counter:
        counts: Counter = Counter()
        for sentence in self.sentences:
            counts.update(sentence)
        return counts


def load_domain_corpus(source, tokenizer: WordTokenizer) -> DomainCorpus:
    """Tokenise ``source``: a text file (one document per line), a folder of ``.txt`` files, an
    iterable of strings, or an iterable of token lists (used as they are)."""
    if isinstance(source, (str, Path)):
        # TextCorpus checks the path, the encoding and emptiness, and reads CSV/JSONL "text" columns too.
        texts = TextCorpus(source)
        name = texts.describe()
    else:
        name, texts = "<in-memory corpus>", source
    sentences: list[list[str]] = []
    documents = 0
    for doc in texts:
        if isinstance(doc, str):
            if not doc.strip():
                continue
            tokens = tokenizer(doc)
        elif isinstance(doc, (list, tuple)) and all(isinstance(t, str) for t in doc):
            tokens = list(doc)
        else:
            raise DataError(f"Corpus items must be strings or lists of token strings, got {type(doc).__name__}: "
                            f"{doc!r:.80}")
        documents += 1
        for start in range(0, len(tokens), GENSIM_MAX_SENTENCE):
            chunk = tokens[start:start + GENSIM_MAX_SENTENCE]
            if chunk:
                sentences.append(chunk)
    if documents == 0:
        raise DataError(f"Corpus {name} is empty: it has no non-blank lines. Give a text file with one "
                        "document per line.")
    if not sentences:
        raise DataError(f"Corpus {name} has {documents} non-blank document(s) but no tokens under the tokenizer "
                        f"{tokenizer.config}; check the file's contents or the --tokenizer-mode option.")
    return DomainCorpus(sentences=sentences, source=name, documents=documents)


def token_oov(token_lists: Iterable[list[str]], vocabulary) -> dict:
    """Token-level OOV rate of ``token_lists`` against ``vocabulary`` (anything supporting ``in``)."""
    total = oov = 0
    oov_types: set[str] = set()
    for tokens in token_lists:
        for token in tokens:
            total += 1
            if token not in vocabulary:
                oov += 1
                oov_types.add(token)
    return {"oov_rate": oov / total if total else 0.0, "oov_tokens": oov, "tokens": total,
            "oov_types": len(oov_types)}
