"""Estimator family name (as written in config/config.yaml) -> scikit-learn classifier.

This is the one place that knows the classes. A model in the config is
``{family: <name below>, params: {...}, tier: <Domino tier>, threads: <n>}``; adding a
model to the workflow is a config edit, adding a family is one line here.
"""

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sklearn.base import ClassifierMixin
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC


@dataclass(frozen=True)
class Family:
    cls: type[ClassifierMixin]
    parallel: bool = False  # takes n_jobs (and stays deterministic with any value of it)
    defaults: Mapping[str, Any] | None = None


FAMILIES: dict[str, Family] = {
    "logistic_regression": Family(LogisticRegression, defaults={"max_iter": 1000}),
    "random_forest": Family(RandomForestClassifier, parallel=True),
    "extra_trees": Family(ExtraTreesClassifier, parallel=True),
    "gradient_boosting": Family(GradientBoostingClassifier),
    "hist_gradient_boosting": Family(HistGradientBoostingClassifier),
    "mlp": Family(MLPClassifier),
    "svm": Family(SVC, defaults={"probability": True}),
    "k_nearest_neighbors": Family(KNeighborsClassifier, parallel=True),
}


def _normalise(value: Any) -> Any:
    # YAML has no tuples; scikit-learn wants e.g. hidden_layer_sizes=(32, 16).
    if isinstance(value, list):
        return tuple(_normalise(v) for v in value)
    return value


def build_estimator(spec: Mapping[str, Any], seed: int, n_jobs: int = 1) -> ClassifierMixin:
    """Build the (unfitted) classifier a config entry describes, seeded with ``seed``."""
    family_name = spec.get("family")
    if family_name not in FAMILIES:
        raise ValueError(
            f"unknown estimator family {family_name!r}; choose one of: {', '.join(FAMILIES)}"
        )
    family = FAMILIES[family_name]
    params: dict[str, Any] = dict(family.defaults or {})
    params.update({k: _normalise(v) for k, v in (spec.get("params") or {}).items()})
    accepted = inspect.signature(family.cls).parameters
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ValueError(f"{family_name}: unknown parameter(s) {unknown} for {family.cls.__name__}")
    if "random_state" in accepted:
        params.setdefault("random_state", seed)
    if family.parallel:
        params.setdefault("n_jobs", n_jobs)
    return family.cls(**params)
