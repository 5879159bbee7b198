"""Clear errors for the user mistakes listed in the acceptance criteria."""

from __future__ import annotations

import pytest

from nlptransfer.adapt import AdaptConfig, adapt_vectors
from nlptransfer.data.tokenize import TokenizerConfig
from nlptransfer.errors import (
    ConfigError,
    DataError,
    DataFileNotFoundError,
    DimensionMismatchError,
    UsageError,
    VectorFormatError,
)


def test_empty_corpus_file(pretrained, tmp_path, make_config):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"empty\.txt is empty"):
        adapt_vectors(pretrained, empty, make_config())


def test_corpus_of_blank_lines(pretrained, tmp_path, make_config):
    blank = tmp_path / "blank.txt"
    blank.write_text("\n   \n\t\n", encoding="utf-8")
    with pytest.raises(DataError, match="blank.txt has no documents"):
        adapt_vectors(pretrained, blank, make_config())


def test_empty_in_memory_corpus(pretrained, make_config):
    with pytest.raises(DataError, match="is empty: it has no non-blank lines"):
        adapt_vectors(pretrained, ["", "  "], make_config())


def test_corpus_with_no_tokens(pretrained, tmp_path, make_config):
    punct = tmp_path / "punct.txt"
    punct.write_text("!!! ???\n... ,,,\n", encoding="utf-8")
    config = make_config(tokenizer=TokenizerConfig(keep_punctuation=False))
    with pytest.raises(DataError, match=r"2 non-blank document\(s\) but no tokens"):
        adapt_vectors(pretrained, punct, config)


@pytest.mark.parametrize("mode", ["continue", "lock", "align"])
def test_vector_size_must_match_pretrained(pretrained, domain_texts, make_config, mode):
    with pytest.raises(DimensionMismatchError, match=r"vector_size=32 differs from the pretrained dimension 16"):
        adapt_vectors(pretrained, domain_texts, make_config(mode=mode, vector_size=32))


def test_scratch_may_use_another_size(pretrained, domain_texts, make_config):
    result = adapt_vectors(pretrained, domain_texts, make_config(mode="scratch", vector_size=8), report=False)
    assert result.vectors.dim == 8


def test_unknown_mode_suggests_the_likely_one():
    with pytest.raises(UsageError, match=r"Unknown adaptation mode 'lokc'\. Did you mean 'lock'\?"):
        AdaptConfig(mode="lokc")


def test_unknown_model_and_bad_values():
    with pytest.raises(UsageError, match="Did you mean 'fasttext'"):
        AdaptConfig(model="fastext")
    with pytest.raises(ConfigError, match="epochs must be an integer >= 1, got 0"):
        AdaptConfig(epochs=0)
    with pytest.raises(ConfigError, match="min_alpha must be in"):
        AdaptConfig(alpha=0.01, min_alpha=0.02)
    with pytest.raises(ConfigError, match="Unknown adapt option 'min_count_nwe'. Did you mean 'min_count_new'"):
        AdaptConfig.from_dict({"min_count_nwe": 2})


def test_missing_corpus(pretrained, tmp_path, make_config):
    with pytest.raises(DataFileNotFoundError, match="nothere.txt"):
        adapt_vectors(pretrained, tmp_path / "nothere.txt", make_config())


def test_no_word_reaches_min_count(pretrained, make_config):
    with pytest.raises(DataError, match="No corpus word reaches min_count=50"):
        adapt_vectors(pretrained, ["the game", "lol smh"], make_config(min_count=50, min_count_new=50))


def test_corrupt_fasttext_bin(tmp_path, domain_texts, make_config):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"not a fasttext model at all")
    with pytest.raises(VectorFormatError, match="not a readable fastText .bin"):
        adapt_vectors(bad, domain_texts, make_config())
