"""Contract tests run over EVERY registered featurizer (like flair's BaseEmbeddingsTest).

A new featurizer must register itself and add a tiny factory to ``FACTORIES``; the first test fails
until it does, so no registered featurizer escapes the contract.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from features_testutils import make_texts
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from nlptransfer.errors import DataError
from nlptransfer.features import FEATURIZERS


def _static(fx, **kw):
    from nlptransfer.features import StaticVectorFeaturizer

    return StaticVectorFeaturizer(vectors=fx["vectors"], **kw)


def _hybrid(fx, **kw):
    from nlptransfer.features import HybridFeaturizer

    return HybridFeaturizer(vectors=fx["vectors"], **kw)


def _tfidf(fx, **kw):
    from nlptransfer.features import TfidfFeaturizer

    return TfidfFeaturizer(**kw)


def _transformer(fx, **kw):
    from nlptransfer.features import TransformerFeaturizer

    return TransformerFeaturizer(model=fx["bert"], cache_dir=None, **kw)


# registered class name -> (factory, a parameter grid for GridSearchCV, needs fit before transform)
FACTORIES = {
    "static": (_static, {"pooling": ["mean", "sif"]}, True),
    "tfidf": (_tfidf, {"ngram_range": [(1, 1), (1, 2)]}, True),
    "hybrid": (_hybrid, {"static_weight": [0.5, 2.0]}, True),
    "transformer": (_transformer, {"pooling": ["mean", "cls"]}, False),
}
WEIRD_TEXTS = ["", "   ", "😀😀 🎉", "x" * 300, "1234 5678", "!!! ??? ...", "naïve café", "\t\n"]


def _registered_primary_names() -> list[str]:
    return sorted({FEATURIZERS.get(n).registry_name for n in FEATURIZERS.names()})


def test_every_registered_featurizer_has_a_contract_factory():
    assert set(_registered_primary_names()) == set(FACTORIES)


@pytest.fixture(scope="module")
def fx(tiny_vectors_path, tiny_bert_dir):
    texts, labels = make_texts(60, seed=11)
    return {"vectors": tiny_vectors_path, "bert": tiny_bert_dir, "texts": texts, "labels": labels}


def _dense(m):
    return m.toarray() if sp.issparse(m) else np.asarray(m)


@pytest.fixture(params=sorted(FACTORIES))
def name(request):
    return request.param


def test_constructor_only_stores_params_and_clone_works(name, fx):
    factory, _, _ = FACTORIES[name]
    est = factory(fx)
    params = est.get_params()
    copy = clone(est)
    assert copy.get_params() == params and copy is not est
    assert not [k for k in vars(est) if k.endswith("_")], "no fitted state before fit"
    key = sorted(FACTORIES[name][1])[0]
    value = FACTORIES[name][1][key][1]
    assert est.set_params(**{key: value}).get_params()[key] == value


def test_fit_transform_shape_and_determinism(name, fx):
    factory, _, _ = FACTORIES[name]
    est = factory(fx)
    assert est.fit(fx["texts"]) is est
    a = _dense(est.transform(fx["texts"]))
    b = _dense(est.transform(fx["texts"]))
    assert a.shape[0] == len(fx["texts"]) and a.shape[1] == est.n_features_out_ > 0
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(_dense(factory(fx).fit_transform(fx["texts"])), a, atol=1e-5)
    assert np.isfinite(a).all() and np.abs(a).sum() > 0
    # rows are independent of batch composition
    np.testing.assert_allclose(_dense(est.transform(fx["texts"][5:9])), a[5:9], atol=1e-5)


def test_weird_texts_give_finite_rows(name, fx):
    factory, _, _ = FACTORIES[name]
    out = _dense(factory(fx).fit(fx["texts"]).transform(WEIRD_TEXTS))
    assert out.shape[0] == len(WEIRD_TEXTS) and np.isfinite(out).all()


def test_non_text_input_is_rejected_with_the_row(name, fx):
    factory, _, _ = FACTORIES[name]
    with pytest.raises(DataError, match="row 2"):
        factory(fx).fit_transform(["good", "bad", float("nan")])


def test_transform_before_fit(name, fx):
    factory, _, needs_fit = FACTORIES[name]
    if needs_fit:
        with pytest.raises(NotFittedError):
            factory(fx).transform(["good"])
    else:
        assert _dense(factory(fx).transform(["good"])).shape[0] == 1


def test_pipeline_learns_the_task(name, fx):
    factory, _, _ = FACTORIES[name]
    if name == "transformer":  # a random tiny BERT carries no sentiment; only check it runs end to end
        pytest.skip("random-weight encoder: accuracy is meaningless")
    pipe = Pipeline([("features", factory(fx)), ("clf", LogisticRegression(max_iter=500))]).fit(fx["texts"],
                                                                                                 fx["labels"])
    test_texts, test_labels = make_texts(40, seed=12)
    assert pipe.score(test_texts, test_labels) >= 0.85


def test_grid_search_over_featurizer_params(name, fx):
    factory, grid, _ = FACTORIES[name]
    pipe = Pipeline([("features", factory(fx)), ("clf", LogisticRegression(max_iter=300))])
    search = GridSearchCV(pipe, {f"features__{k}": v for k, v in grid.items()}, cv=2, error_score="raise")
    search.fit(fx["texts"], fx["labels"])
    assert set(search.cv_results_["params"][0]) == {f"features__{k}" for k in grid}
    assert len(search.cv_results_["params"]) == len(next(iter(grid.values())))


def test_pickle_roundtrip_keeps_output_and_no_large_arrays(name, fx):
    factory, _, _ = FACTORIES[name]
    est = factory(fx).fit(fx["texts"])
    blob = pickle.dumps(est)
    again = pickle.loads(blob)
    np.testing.assert_allclose(_dense(again.transform(fx["texts"][:7])), _dense(est.transform(fx["texts"][:7])),
                               atol=1e-6)
    assert len(blob) < 200_000, "pretrained weights must not be pickled into featurizers"
