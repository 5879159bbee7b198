"""Registries of the features stage: featurizers (texts -> feature matrix) and classifier heads.

Featurizers register their class; heads register a factory ``(**params) -> sklearn estimator``. The
shared contract tests in ``tests/features/test_features_contract.py`` run over every registered name.
Importing :mod:`nlptransfer.features` (which any import of this module does first) registers them all.
"""

from __future__ import annotations

from ..errors import ConfigError
from ..registry import Registry

FEATURIZERS: Registry = Registry("featurizer")
HEADS: Registry = Registry("classifier head")


def build_featurizer(name: str, **params):
    """Instantiate the featurizer registered as ``name`` with ``params`` (did-you-mean on typos)."""
    cls = FEATURIZERS.get(name)
    try:
        return cls(**params)
    except TypeError as err:
        raise ConfigError(f"Bad parameters for featurizer {name!r}: {err}.") from None


def build_head(name: str, **params):
    """Build the (unfitted) scikit-learn estimator registered as head ``name``."""
    factory = HEADS.get(name)
    try:
        return factory(**params)
    except TypeError as err:
        raise ConfigError(f"Bad parameters for head {name!r}: {err}.") from None
