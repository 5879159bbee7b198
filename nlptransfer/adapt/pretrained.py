"""The starting point of an adaptation: a word-level vector table, optionally with a fastText model.

Word-level vectors come from :func:`nlptransfer.vectors.load_vectors` (a registered name such as
``glove-6b-50d``, a folder or a vector file). A fastText ``.bin`` is loaded with gensim's
``load_facebook_model`` so training continues with its subword buckets.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataFileNotFoundError, VectorFormatError


@dataclass
class PretrainedSource:
    words: list[str]
    matrix: np.ndarray
    name: str
    fasttext_model: object | None = None  # gensim FastText when starting from a fastText .bin
    key_to_index: dict[str, int] = field(default=None, repr=False)  # type: ignore[assignment]
    _intrinsic: dict | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.key_to_index is None:
            self.key_to_index = {w: i for i, w in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index


def _from_fasttext_bin(path: Path) -> PretrainedSource:
    from gensim.models.fasttext import load_facebook_model

    from .._compat import guard_fasttext_vocab_end_of_file
    from ..vectors._formats import FASTTEXT_BIN_LOAD_ERRORS

    guard_fasttext_vocab_end_of_file()
    try:
        model = load_facebook_model(str(path))
    except FASTTEXT_BIN_LOAD_ERRORS as err:
        raise VectorFormatError(f"{path} is not a readable fastText .bin model ({type(err).__name__}: {err}). "
                                "Give a .bin written by fastText, or a word-vector file/folder.") from err
    return _from_fasttext_model(model, str(path))


def _from_fasttext_model(model, name: str) -> PretrainedSource:
    wv = model.wv
    return PretrainedSource(words=list(wv.index_to_key), matrix=np.array(wv.vectors, dtype=np.float32),
                            name=name, fasttext_model=model)


def resolve_pretrained(spec) -> PretrainedSource:
    """A :class:`PretrainedSource` from a name, a path, a ``StaticVectors``, a gensim ``KeyedVectors``
    or a gensim ``FastText`` model (which is copied: training must not change the caller's model)."""
    if isinstance(spec, PretrainedSource):
        return spec
    from gensim.models import FastText, KeyedVectors

    if isinstance(spec, FastText):
        return _from_fasttext_model(copy.deepcopy(spec), "<FastText model>")
    if isinstance(spec, KeyedVectors):
        return PretrainedSource(words=list(spec.index_to_key), matrix=np.asarray(spec.vectors, dtype=np.float32),
                                name="<KeyedVectors>")
    if isinstance(spec, (str, Path)):
        path = Path(spec).expanduser()
        if path.suffix == ".bin" and path.is_file():
            return _from_fasttext_bin(path)
        if path.suffix == ".bin" and not path.exists():
            raise DataFileNotFoundError(f"Pretrained fastText model {path} does not exist.")
        from ..vectors import load_vectors

        spec = load_vectors(spec)
    if hasattr(spec, "words") and hasattr(spec, "matrix"):
        return PretrainedSource(words=list(spec.words), matrix=np.asarray(spec.matrix, dtype=np.float32),
                                name=str(getattr(spec, "source", "") or getattr(spec, "name", "") or "<vectors>"))
    raise VectorFormatError(f"Cannot use {type(spec).__name__} as pretrained vectors; give a vectors name "
                            "(e.g. 'glove-6b-50d'), a path, a StaticVectors or a gensim KeyedVectors/FastText.")
