"""The one word tokenizer used for static vectors everywhere: coverage, embedding training, featurizing.

Using the same tokenizer at every stage matters: a coverage report computed with one tokenizer and a
featurizer run with another would measure different vocabularies. The configuration is stored with
every artefact that depends on it (``to_dict`` / ``from_dict``).

Modes:

- ``standard``: words, numbers and punctuation marks as separate tokens; English clitics split the
  way GloVe's and word2vec's training data were tokenised (``don't`` -> ``do n't``, ``it's`` -> ``it 's``).
- ``tweet``: as ``standard`` but ``#hashtags``, ``@user`` mentions, URLs and emoji stay whole tokens.
- ``whitespace``: split on whitespace only (for pre-tokenised corpora such as SST-2).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from ..errors import ConfigError, check_choice

TOKENIZER_MODES = ("standard", "tweet", "whitespace")

# A URL stops before trailing sentence punctuation ("see http://x.co/a!" keeps "!" apart).
_URL = r"(?:https?://|www\.)\S+?(?=[.,!?;:)\]'\"]*(?:\s|$))"
_MENTION = r"@\w+"
_HASHTAG = r"#\w+"
# Emoji and pictographs, with optional variation selectors / skin-tone modifiers / ZWJ sequences.
_EMOJI = (
    r"(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]"
    r"[\uFE0F\U0001F3FB-\U0001F3FF]*(?:\u200D[\U0001F000-\U0001FAFF\u2600-\u27BF][\uFE0F]*)*)"
)
_CLITIC = r"(?:n't|'s|'re|'ve|'ll|'d|'m)(?![\w'])"
# A word: letters/digits joined by internal hyphens, periods (u.s.) or apostrophes not forming a clitic
# (o'clock, y'all stay whole; it's -> it 's).
_WORD = r"(?:\w+(?:(?:[-.]|'(?!(?:s|re|ve|ll|d|m)(?![\w'])))(?=\w)\w+)*)"
# Typographic apostrophes (common in tweets and web text) become ASCII so clitics split the same way.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_NUMBER = r"(?:\d+(?:[.,:]\d+)*)"
_PUNCT_RUN = r"(?:\.\.\.|[^\w\s\uFE0F\u200D])"
_ABBREV = r"(?:[^\W\d_]\.){2,}"  # u.s. / e.g. keep their final period, as in GloVe's vocabulary


def _build_pattern(tweet: bool, split_punctuation: bool) -> re.Pattern[str]:
    parts = []
    if tweet:
        parts += [_URL, _MENTION, _HASHTAG, _EMOJI]
    # Clitic first so "n't" is not swallowed, then a word that stops before a clitic.
    parts += [_CLITIC, _ABBREV, _NUMBER, r"(?:\w+(?=n't(?![\w'])))", _WORD]
    if split_punctuation:
        parts.append(_PUNCT_RUN)
    else:
        parts.append(r"[^\w\s\uFE0F\u200D]+")
    return re.compile("|".join(parts), re.UNICODE | re.IGNORECASE)


@dataclass
class TokenizerConfig:
    """How texts are split into words for static vectors."""

    mode: str = field(default="standard", metadata={"help": f"One of {TOKENIZER_MODES}."})
    lowercase: bool = field(default=True, metadata={"help": "Lowercase tokens (GloVe 6B is lowercased)."})
    split_punctuation: bool = field(
        default=True, metadata={"help": "Emit each punctuation mark as its own token (else runs stay joined)."}
    )
    keep_punctuation: bool = field(default=True, metadata={"help": "Keep punctuation tokens at all."})
    normalize_unicode: bool = field(
        default=True, metadata={"help": "Apply NFKC normalisation and turn typographic apostrophes into ' first."}
    )

    def __post_init__(self) -> None:
        check_choice("tokenizer mode", self.mode, TOKENIZER_MODES)
        for name in ("lowercase", "split_punctuation", "keep_punctuation", "normalize_unicode"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"Tokenizer option {name} must be true or false, got {getattr(self, name)!r}.")


class WordTokenizer:
    """Callable word tokenizer configured by :class:`TokenizerConfig`."""

    def __init__(self, config: TokenizerConfig | None = None, **overrides):
        if config is None:
            config = TokenizerConfig(**overrides)
        elif overrides:
            config = TokenizerConfig(**{**asdict(config), **overrides})
        self.config = config
        self._pattern = None if config.mode == "whitespace" else _build_pattern(
            config.mode == "tweet", config.split_punctuation
        )

    def __call__(self, text: str) -> list[str]:
        return self.tokenize(text)

    def tokenize(self, text: str) -> list[str]:
        if not isinstance(text, str):
            raise TypeError(f"WordTokenizer expects a str, got {type(text).__name__}: {text!r:.80}")
        cfg = self.config
        if cfg.normalize_unicode:
            text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
        tokens = text.split() if self._pattern is None else self._pattern.findall(text)
        if not cfg.keep_punctuation:
            tokens = [t for t in tokens if any(ch.isalnum() for ch in t) or _is_emoji(t)]
        if cfg.lowercase:
            tokens = [t.lower() for t in tokens]
        return tokens

    def tokenize_many(self, texts) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]

    def to_dict(self) -> dict:
        return asdict(self.config)

    @classmethod
    def from_dict(cls, data: dict | None) -> WordTokenizer:
        return cls(TokenizerConfig(**(data or {})))

    def __repr__(self) -> str:
        return f"WordTokenizer({self.config})"


def _is_emoji(token: str) -> bool:
    return bool(token) and unicodedata.category(token[0]) == "So"


def tweet_tokenizer(**overrides) -> WordTokenizer:
    return WordTokenizer(TokenizerConfig(mode="tweet", **overrides))
