"""The word tokenizer shared by every static-vector stage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlptransfer.data.tokenize import TokenizerConfig, WordTokenizer, tweet_tokenizer
from nlptransfer.errors import ConfigError, UsageError


@pytest.fixture(scope="module")
def standard():
    return WordTokenizer()


@pytest.fixture(scope="module")
def tweet():
    return tweet_tokenizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I don't like it", ["i", "do", "n't", "like", "it"]),
        ("it's fine, isn't it?", ["it", "'s", "fine", ",", "is", "n't", "it", "?"]),
        ("won't can't", ["wo", "n't", "ca", "n't"]),
        ("I'm sure we'll see, they'd know, you've seen", ["i", "'m", "sure", "we", "'ll", "see", ",", "they",
                                                          "'d", "know", ",", "you", "'ve", "seen"]),
        ("James's dog", ["james", "'s", "dog"]),
    ],
)
def test_clitics_split_like_glove_training_data(standard, text, expected):
    assert standard(text) == expected


def test_words_with_internal_apostrophes_hyphens_and_periods_stay_whole(standard):
    assert standard("At five o'clock y'all meet the well-known U.S. team, e.g. today") == [
        "at", "five", "o'clock", "y'all", "meet", "the", "well-known", "u.s.", "team", ",", "e.g.", "today"]


def test_numbers_and_ellipsis(standard):
    assert standard("It costs 3.50 or 1,200... really") == ["it", "costs", "3.50", "or", "1,200", "...", "really"]


def test_typographic_apostrophes_split_like_ascii(standard):
    assert standard("it\u2019s don\u2019t") == standard("it's don't") == ["it", "'s", "do", "n't"]


def test_tweet_mode_keeps_hashtags_mentions_urls_and_emoji_whole(tweet):
    tokens = tweet("@user loves #NLP 😀 👍🏽 see http://x.co/a?b=1! 👨\u200d👩\u200d👧")
    assert tokens == ["@user", "loves", "#nlp", "😀", "👍🏽", "see", "http://x.co/a?b=1", "!",
                      "👨\u200d👩\u200d👧"]


def test_standard_mode_splits_what_tweet_mode_keeps(standard):
    assert standard("@user #nlp") == ["@", "user", "#", "nlp"]


def test_whitespace_mode_only_splits_on_whitespace():
    tok = WordTokenizer(mode="whitespace")
    assert tok("a stirring , funny  and\tfinally don't") == ["a", "stirring", ",", "funny", "and", "finally", "don't"]


def test_lowercase_off_keeps_case():
    assert WordTokenizer(lowercase=False)("Voltiq Aerobud") == ["Voltiq", "Aerobud"]


def test_keep_punctuation_false_drops_punctuation_but_keeps_emoji():
    tok = WordTokenizer(mode="tweet", keep_punctuation=False)
    assert tok("great!!! 😀 ... ok, fine.") == ["great", "😀", "ok", "fine"]


def test_split_punctuation_false_keeps_runs_joined():
    assert WordTokenizer(split_punctuation=False)("what?!") == ["what", "?!"]


def test_unicode_normalisation_can_be_turned_off():
    assert WordTokenizer()("\ufb01ne") == ["fine"]  # the "fi" ligature
    assert WordTokenizer(normalize_unicode=False)("\ufb01ne") == ["\ufb01ne"]


def test_config_round_trips_through_dict():
    tok = WordTokenizer(mode="tweet", lowercase=False, keep_punctuation=False)
    again = WordTokenizer.from_dict(tok.to_dict())
    assert again.config == tok.config
    assert again("Hi @user!") == tok("Hi @user!") == ["Hi", "@user"]


def test_overrides_apply_on_top_of_a_config():
    tok = WordTokenizer(TokenizerConfig(mode="tweet"), lowercase=False)
    assert tok.config.mode == "tweet" and tok.config.lowercase is False


def test_unknown_mode_suggests_the_close_one():
    with pytest.raises(UsageError, match=r"Unknown tokenizer mode 'tweets'\. Did you mean 'tweet'\?"):
        TokenizerConfig(mode="tweets")


def test_non_boolean_option_is_a_config_error():
    with pytest.raises(ConfigError, match="lowercase must be true or false, got 'yes'"):
        TokenizerConfig(lowercase="yes")


def test_non_string_input_names_the_type(standard):
    with pytest.raises(TypeError, match="expects a str, got float"):
        standard(float("nan"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_whitespace_mode_equals_str_split(text):
    assert WordTokenizer(mode="whitespace", normalize_unicode=False, lowercase=False)(text) == text.split()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_standard_and_tweet_tokens_are_non_empty_lowercase_and_whitespace_free(text):
    for tok in (WordTokenizer(), tweet_tokenizer()):
        for token in tok(text):
            assert token and token == token.lower()
            assert not any(ch.isspace() for ch in token)
