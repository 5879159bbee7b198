"""Configuration of continued embedding training (:class:`AdaptConfig`).

The CLI (``nlptransfer adapt``) and the recipe (``recipes/adapt_embeddings.py``) map their options
onto this dataclass, so validation lives here once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..data.tokenize import TokenizerConfig
from ..errors import ConfigError, check_choice, check_known_options

ADAPT_MODELS = ("word2vec", "fasttext")


@dataclass
class AdaptConfig:
    """How pretrained static vectors are adapted to a domain corpus."""

    mode: str = field(
        default="lock",
        metadata={"help": "continue: train everything from the pretrained init; lock: pretrained rows stay "
                          "bit-identical, only new words learn; align: train on the corpus alone and map the "
                          "new words into the pretrained space (orthogonal Procrustes); scratch: corpus alone, "
                          "as a baseline."},
    )
    model: str = field(default="word2vec", metadata={"help": f"Training algorithm, one of {ADAPT_MODELS}."})
    epochs: int = field(default=5, metadata={"help": "Passes over the domain corpus."})
    alpha: float = field(default=0.025, metadata={"help": "Initial learning rate (decays linearly)."})
    min_alpha: float = field(default=0.0001, metadata={"help": "Final learning rate."})
    window: int = field(default=5, metadata={"help": "Maximum distance between a word and its context words."})
    negative: int = field(default=5, metadata={"help": "Negative samples per positive pair (0 = hierarchical "
                                                        "softmax)."})
    sg: bool = field(default=False, metadata={"help": "Skip-gram (true) or CBOW (false)."})
    workers: int = field(default=2, metadata={"help": "Training threads."})
    min_count: int = field(
        default=5, metadata={"help": "Minimum corpus count for a word that the pretrained vectors already have to "
                                     "take part in training."})
    min_count_new: int = field(
        default=5, metadata={"help": "Minimum corpus count for a NEW domain word to be added. Kept separate from "
                                     "min_count because gensim drops new words under min_count silently "
                                     "(gensim #3352); the report says how many were dropped."})
    warmup_epochs: int = field(
        default=1, metadata={"help": "continue: epochs at the start during which the pretrained rows stay frozen "
                                     "while the (zero-initialised) output layer adapts to them; 0 = none; "
                                     "at most epochs - 1. "
                                     "Not used when continuing a fastText .bin (its output layer is trained)."})
    max_vocab: int | None = field(
        default=None, metadata={"help": "Cap on the training vocabulary (most frequent corpus words kept); "
                                        "None = no cap."})
    sample: float = field(default=1e-3, metadata={"help": "Down-sampling threshold for frequent words."})
    vector_size: int | None = field(
        default=None, metadata={"help": "Vector dimension; None = the pretrained dimension. Must equal it for "
                                        "continue, lock and align."})
    bucket: int = field(
        default=200_000, metadata={"help": "fastText n-gram buckets when starting fastText from word-level "
                                           "vectors (a .bin keeps its own)."})
    min_n: int = field(default=3, metadata={"help": "fastText: shortest character n-gram."})
    max_n: int = field(default=6, metadata={"help": "fastText: longest character n-gram."})
    align_max_anchors: int = field(
        default=10_000, metadata={"help": "align: at most this many shared words (most frequent first) anchor "
                                          "the Procrustes map."})
    align_exclude_fraction: float = field(
        default=0.1, metadata={"help": "align: after a first fit, drop this fraction of anchors that drift most "
                                       "(domain sense differs) and refit."})
    align_scale: bool = field(
        default=True, metadata={"help": "align: also fit one global scale so mapped vectors get the pretrained "
                                        "norms."})
    seed: int = field(default=42, metadata={"help": "Random seed (gensim's results also depend on thread "
                                                    "scheduling when workers > 1)."})
    tokenizer: TokenizerConfig = field(
        default_factory=TokenizerConfig, metadata={"help": "Word tokenizer (use mode='tweet' for tweets)."})
    compute_loss: bool = field(default=True, metadata={"help": "Track Word2Vec training loss per epoch."})
    intrinsic: bool = field(
        default=True, metadata={"help": "Score wordsim353 / SimLex-999 / analogies before and after in the "
                                        "report."})

    def __post_init__(self) -> None:
        from .modes import ADAPT_MODES  # the registry is filled by importing modes

        ADAPT_MODES.get(self.mode)
        check_choice("adaptation model", self.model, ADAPT_MODELS)
        if isinstance(self.tokenizer, dict):
            self.tokenizer = TokenizerConfig(**self.tokenizer)
        if not isinstance(self.tokenizer, TokenizerConfig):
            raise ConfigError(f"tokenizer must be a TokenizerConfig or a dict, got {self.tokenizer!r}.")
        positive = {"epochs": 1, "window": 1, "workers": 1, "min_count": 1, "min_count_new": 1, "bucket": 1,
                    "min_n": 1, "max_n": 1, "align_max_anchors": 2}
        for name, low in positive.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}.")
        if isinstance(self.warmup_epochs, bool) or not isinstance(self.warmup_epochs, int) or self.warmup_epochs < 0:
            raise ConfigError(f"warmup_epochs must be an integer >= 0, got {self.warmup_epochs!r}.")
        for name in ("max_vocab", "vector_size"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ConfigError(f"{name} must be a positive integer or None, got {value!r}.")
        if isinstance(self.negative, bool) or not isinstance(self.negative, int) or self.negative < 0:
            raise ConfigError(f"negative must be an integer >= 0, got {self.negative!r}.")
        if not 0 < self.alpha <= 1:
            raise ConfigError(f"alpha must be in (0, 1], got {self.alpha!r}.")
        if not 0 <= self.min_alpha <= self.alpha:
            raise ConfigError(f"min_alpha must be in [0, alpha={self.alpha}], got {self.min_alpha!r}.")
        if self.sample < 0:
            raise ConfigError(f"sample must be >= 0, got {self.sample!r}.")
        if self.max_n < self.min_n:
            raise ConfigError(f"max_n ({self.max_n}) must be >= min_n ({self.min_n}).")
        if not 0 <= self.align_exclude_fraction < 1:
            raise ConfigError(f"align_exclude_fraction must be in [0, 1), got {self.align_exclude_fraction!r}.")
        for name in ("sg", "align_scale", "compute_loss", "intrinsic"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false, got {getattr(self, name)!r}.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> AdaptConfig:
        check_known_options("adapt", sorted(data), cls)
        return cls(**data)
