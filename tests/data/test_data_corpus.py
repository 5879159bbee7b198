"""Streamed, re-iterable unlabelled corpora."""

from __future__ import annotations

import gzip
import logging

import datasets
import pytest
from datatest_helpers import tiny, write_csv, write_jsonl

from nlptransfer.data import TextCorpus, TokenizedCorpus, TokenizerConfig, WordTokenizer, count_tokens
from nlptransfer.errors import DataError, DataFileNotFoundError, UsageError

CORPUS_DOCS = [
    "the aerobud pro keeps desyncing after the 2.4 update",
    "hubzy routines finally work with homekit",
    "anyone else getting bootloops on the zentrix node?",
    "snapcharge gets it to full in twenty minutes",
    "voltastic sound, zero dropouts",
]


def test_text_file_yields_stripped_documents_and_skips_blank_lines():
    assert list(TextCorpus(tiny("corpus.txt"))) == CORPUS_DOCS


def test_corpus_is_re_iterable_not_a_generator():
    corpus = TextCorpus(tiny("corpus.txt"))
    assert iter(corpus) is not corpus
    assert list(corpus) == list(corpus) == CORPUS_DOCS
    tokens = TokenizedCorpus(corpus)
    assert list(tokens) == list(tokens)
    assert corpus.count_documents() == 5


def test_folder_reads_txt_files_in_sorted_order_only():
    assert list(TextCorpus(tiny("corpus_folder"))) == [
        "first file only line", "second file line one", "second file line two"]


def test_min_length_limit_and_blank_lines_kept_for_alignment():
    assert list(TextCorpus(tiny("corpus.txt"), min_length=45)) == [CORPUS_DOCS[0], CORPUS_DOCS[2]]
    assert list(TextCorpus(tiny("corpus.txt"), limit=2)) == CORPUS_DOCS[:2]
    aligned = list(TextCorpus(tiny("corpus.txt"), min_length=0))
    assert len(aligned) == 7 and aligned[1] == "" and aligned[3] == ""


def test_reads_lazily_line_by_line(tmp_path):
    # Line 3 is not UTF-8: a corpus that only reads what it needs does not reach it.
    path = tmp_path / "big.txt"
    path.write_bytes(b"first line\nsecond line\n\xff\xfe broken\n")
    corpus = TextCorpus(path, limit=2)
    assert list(corpus) == ["first line", "second line"]
    with pytest.raises(DataError, match=r"big\.txt is not valid utf-8: byte ff at line 3, column 1"):
        list(TextCorpus(path))


def test_latin1_corpus_with_explicit_encoding(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_bytes("café crème\nthé\n".encode("latin-1"))
    assert list(TextCorpus(path, encoding="latin-1")) == ["café crème", "thé"]


def test_gzipped_text_file(tmp_path):
    path = tmp_path / "docs.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("one doc\ntwo doc\n")
    assert list(TextCorpus(path)) == ["one doc", "two doc"]


def test_table_files_and_datasets_stream_a_column(tmp_path):
    csv_path = write_csv(tmp_path / "t.csv", [("hello, world", "a"), ("second", "b")])
    assert list(TextCorpus(csv_path)) == ["hello, world", "second"]
    assert list(TextCorpus(csv_path, column="label")) == ["a", "b"]
    jsonl = write_jsonl(tmp_path / "t.jsonl", [{"body": "x y"}, {"body": "z"}])
    assert list(TextCorpus(jsonl, column="body")) == ["x y", "z"]
    ds = datasets.Dataset.from_dict({"text": ["a b", "", "c"]})
    assert list(TextCorpus(ds)) == ["a b", "c"]
    assert list(TextCorpus(["in", " memory "])) == ["in", "memory"]


def test_missing_column_suggests(tmp_path):
    csv_path = write_csv(tmp_path / "t.csv", [("x", "a")], header=("texts", "label"))
    with pytest.raises(DataError, match=r"Column 'text' not found .*Did you mean 'texts'"):
        TextCorpus(csv_path)
    with pytest.raises(DataError, match=r"Dataset has no column 'txt'"):
        TextCorpus(datasets.Dataset.from_dict({"text": ["a"]}), column="txt")


def test_errors(tmp_path):
    with pytest.raises(UsageError, match="re-iterable source"):
        TextCorpus(line for line in ["a", "b"])
    with pytest.raises(DataFileNotFoundError, match=r"Corpus '.*corpus\.tx' not found\. Did you mean 'corpus\.txt'"):
        TextCorpus(tiny("corpus.txt").with_suffix(".tx"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match=r"Corpus file .*empty\.txt is empty \(0 bytes\)"):
        TextCorpus(empty)
    blank = tmp_path / "blank.txt"
    blank.write_text("\n   \n\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"Corpus .*blank\.txt has no documents"):
        TextCorpus(blank)
    (tmp_path / "no_txt").mkdir()
    (tmp_path / "no_txt" / "notes.md").write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match="has no .txt files"):
        TextCorpus(tmp_path / "no_txt")
    with pytest.raises(UsageError, match="column='text' only applies to CSV/TSV/JSONL"):
        TextCorpus(tiny("corpus.txt"), column="text")
    with pytest.raises(DataError, match="Corpus item 1 is a int"):
        list(TextCorpus(["a", 3]))


def test_tokenized_corpus_uses_the_shared_tokenizer():
    tokens = list(TokenizedCorpus(tiny("corpus.txt"), WordTokenizer(mode="tweet")))
    assert tokens[2] == ["anyone", "else", "getting", "bootloops", "on", "the", "zentrix", "node", "?"]
    assert all(isinstance(t, list) and all(isinstance(w, str) for w in t) for t in tokens)


@pytest.mark.parametrize("spec", [None, "standard", TokenizerConfig(), {"mode": "standard"}, WordTokenizer()])
def test_tokenizer_specs_are_equivalent(spec):
    assert list(TokenizedCorpus(tiny("corpus.txt"), spec)) == [WordTokenizer()(d) for d in CORPUS_DOCS]


def test_callable_tokenizer_and_options_forwarded():
    corpus = TokenizedCorpus(tiny("corpus.txt"), str.split, limit=1)
    assert list(corpus) == [CORPUS_DOCS[0].split()]
    with pytest.raises(UsageError, match=r"Options \['limit'\] apply when source is a path"):
        TokenizedCorpus(TextCorpus(tiny("corpus.txt")), limit=1)


def test_corpus_without_tokens_is_an_error(tmp_path):
    path = tmp_path / "punct.txt"
    path.write_text("!!!\n... ?\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"punct\.txt yields no tokens"):
        TokenizedCorpus(path, WordTokenizer(keep_punctuation=False))


def test_count_tokens():
    expected = sum(len(WordTokenizer()(d)) for d in CORPUS_DOCS)
    assert count_tokens(tiny("corpus.txt")) == expected
    assert count_tokens(TokenizedCorpus(tiny("corpus.txt"))) == expected
    assert count_tokens(TextCorpus(tiny("corpus.txt")), str.split) == sum(len(d.split()) for d in CORPUS_DOCS)


def test_gensim_word2vec_trains_on_it_over_several_epochs(caplog):
    from gensim.models import Word2Vec

    corpus = TokenizedCorpus(tiny("corpus.txt"))
    with caplog.at_level(logging.WARNING, logger="gensim"):
        model = Word2Vec(sentences=corpus, vector_size=8, min_count=1, epochs=3, workers=1, seed=1)
    # gensim warns "supplied example count (0) did not equal expected count" when a pass comes up empty
    assert "did not equal expected count" not in caplog.text
    assert "desyncing" in model.wv.key_to_index
    assert model.corpus_count == 5
    assert model.corpus_total_words == count_tokens(corpus)
