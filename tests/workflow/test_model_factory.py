import pytest
from model_factory import FAMILIES, build_estimator
from sklearn.base import is_classifier


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_builds_a_seeded_classifier(family: str) -> None:
    est = build_estimator({"family": family}, seed=123, n_jobs=2)
    assert is_classifier(est)
    assert hasattr(est, "predict_proba")
    params = est.get_params()
    if "random_state" in params:
        assert params["random_state"] == 123
    if FAMILIES[family].parallel:
        assert params["n_jobs"] == 2


def test_config_models_build_with_their_params(config: dict) -> None:
    families = set()
    for name, spec in config["models"].items():
        est = build_estimator(spec, seed=config["seed"])
        for key, value in (spec.get("params") or {}).items():
            expected = tuple(value) if isinstance(value, list) else value
            assert est.get_params()[key] == expected, (name, key)
        # a model names a tier, or says what it needs and the executor sizes it
        assert spec.get("tier") in {"Small", "Medium", "Large", "GPU"} or (
            "tier" not in spec and int(spec.get("mem_mb", 0)) > 0
        ), name
        families.add(spec["family"])
    assert {"logistic_regression", "random_forest", "gradient_boosting", "mlp"} <= families


def test_yaml_lists_become_tuples() -> None:
    est = build_estimator({"family": "mlp", "params": {"hidden_layer_sizes": [8, 4]}}, seed=0)
    assert est.hidden_layer_sizes == (8, 4)


def test_explicit_random_state_wins() -> None:
    est = build_estimator({"family": "random_forest", "params": {"random_state": 5}}, seed=0)
    assert est.random_state == 5


def test_unknown_family_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown estimator family 'xgb'.*random_forest"):
        build_estimator({"family": "xgb"}, seed=0)


def test_unknown_parameter_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['n_trees'\]"):
        build_estimator({"family": "random_forest", "params": {"n_trees": 3}}, seed=0)
