"""Truncation keeps special tokens; windows cover every token; window logits pool back per document."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlptransfer.errors import ConfigError, UsageError
from nlptransfer.finetune.long_text import (
    aggregate_windows,
    truncate_ids,
    window_ids,
    window_single,
)

CLS, SEP = 101, 102


def doc(n: int) -> list[int]:
    return [CLS, *range(1000, 1000 + n), SEP]


def test_head_tail_and_head_plus_tail_keep_special_tokens():
    ids = doc(20)
    head = truncate_ids(ids, 10, "head")
    tail = truncate_ids(ids, 10, "tail")
    both = truncate_ids(ids, 10, "head+tail")
    assert head == [CLS, *range(1000, 1008), SEP]
    assert tail == [CLS, *range(1012, 1020), SEP]
    # 8 content tokens: a quarter (2) from the start, 6 from the end
    assert both == [CLS, 1000, 1001, *range(1014, 1020), SEP]


def test_short_input_is_returned_unchanged():
    assert truncate_ids(doc(3), 10, "tail") == doc(3)
    assert window_single(doc(3), 10, stride=4) == [doc(3)]


def test_roberta_style_two_suffix_tokens():
    ids = [0, *range(10, 30), 2, 2]
    out = truncate_ids(ids, 8, "tail", num_prefix=1, num_suffix=2)
    assert out == [0, 25, 26, 27, 28, 29, 2, 2]


def test_unknown_strategy_and_no_room_raise_with_suggestion():
    with pytest.raises(UsageError, match="Did you mean 'head'"):
        truncate_ids(doc(20), 10, "haed")
    with pytest.raises(ConfigError, match="no room"):
        truncate_ids(doc(20), 2, "head")
    with pytest.raises(ConfigError, match="stride"):
        window_single(doc(20), 10, stride=9)  # 8 text tokens per window: a stride of 9 skips tokens
    with pytest.raises(ConfigError, match="stride"):
        window_single(doc(20), 10, stride=0)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 80), max_len=st.integers(3, 20), strategy=st.sampled_from(["head", "tail", "head+tail"]))
def test_truncation_properties(n, max_len, strategy):
    ids = doc(n)
    out = truncate_ids(ids, max_len, strategy)
    assert len(out) == min(len(ids), max_len)
    assert out[0] == CLS and out[-1] == SEP
    content = out[1:-1]
    assert content == sorted(content) and set(content) <= set(ids[1:-1])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 80), max_len=st.integers(4, 20), data=st.data())
def test_windows_cover_every_token_starting_every_stride_tokens(n, max_len, data):
    room = max_len - 2
    stride = data.draw(st.integers(1, room))
    windows = window_single(doc(n), max_len, stride)
    assert all(len(w) <= max_len and w[0] == CLS and w[-1] == SEP for w in windows)
    contents = [w[1:-1] for w in windows]
    covered = sorted(set().union(*map(set, contents)))
    assert covered == list(range(1000, 1000 + n))
    starts = [c[0] for c in contents]
    assert all(b - a == stride for a, b in zip(starts, starts[1:]))
    if n > room:
        assert all(len(c) == room for c in contents[:-1])
        assert contents[-1][-1] == 1000 + n - 1


def test_window_ids_returns_doc_index_per_window():
    windows, index = window_ids([doc(3), doc(25), doc(1)], 10, stride=6)
    assert index.tolist() == [0, 1, 1, 1, 1, 2]  # 25 text tokens: windows start at 0, 6, 12, 18
    assert windows[0] == doc(3) and windows[-1] == doc(1)


def test_aggregate_windows_mean_and_max():
    logits = np.array([[1.0, 0.0], [3.0, -2.0], [0.0, 4.0], [5.0, 5.0]])
    index = [0, 0, 1, 2]
    np.testing.assert_allclose(aggregate_windows(logits, index, "mean"), [[2.0, -1.0], [0.0, 4.0], [5.0, 5.0]])
    np.testing.assert_allclose(aggregate_windows(logits, index, "max"), [[3.0, 0.0], [0.0, 4.0], [5.0, 5.0]])


def test_aggregate_windows_rejects_gaps_and_bad_choice():
    with pytest.raises(ValueError, match="missing"):
        aggregate_windows(np.zeros((2, 2)), [0, 2])
    with pytest.raises(UsageError, match="mean"):
        aggregate_windows(np.zeros((2, 2)), [0, 1], how="avg")
