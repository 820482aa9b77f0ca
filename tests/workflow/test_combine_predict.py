import numpy as np
import pandas as pd
import pytest
from combine import ensemble_proba, fit_stacker, logit, member_probabilities, weights_table
from predict import ENSEMBLE, predict_all


class Fixed:
    """A stand-in model whose P(positive) is a column of the input frame."""

    def __init__(self, column: str) -> None:
        self.column = column

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = X[self.column].to_numpy()
        return np.column_stack([1 - p, p])


def validation_set(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    good = np.clip(np.where(y == 1, 0.8, 0.2) + rng.normal(0, 0.1, n), 0.01, 0.99)
    noise = rng.uniform(0.01, 0.99, size=n)
    return pd.DataFrame({"good": good, "noise": noise}), y


def test_logit_is_clipped() -> None:
    values = logit(np.array([0.0, 0.5, 1.0]))
    assert np.isfinite(values).all()
    assert values[1] == 0.0


def test_stacking_weights_come_from_the_validation_rows() -> None:
    X, y = validation_set()
    models = {"good": Fixed("good"), "noise": Fixed("noise")}
    members = ["good", "noise"]
    proba = member_probabilities(models, members, X)
    ensemble = fit_stacker(proba, y, members, C=1.0, seed=0)
    weights = weights_table(ensemble).set_index("member")["weight"]
    assert list(weights.index) == ["good", "noise", "(intercept)"]
    assert weights["good"] > 1.0
    assert abs(weights["noise"]) < 0.3 * weights["good"]
    # the same members judged against other labels give other weights: fitted on y
    flipped = fit_stacker(proba, 1 - y, members, C=1.0, seed=0)
    assert weights_table(flipped).set_index("member")["weight"]["good"] < 0


def test_ensemble_beats_the_noise_member() -> None:
    X, y = validation_set(seed=1)
    models = {"good": Fixed("good"), "noise": Fixed("noise")}
    members = ["good", "noise"]
    ensemble = fit_stacker(member_probabilities(models, members, X), y, members, 1.0, 0)
    X_test, y_test = validation_set(seed=2)
    p = ensemble_proba(ensemble, member_probabilities(models, members, X_test))
    assert ((p >= 0.5) == y_test).mean() > 0.9


def test_predict_all_has_one_column_per_model_and_the_ensemble() -> None:
    X, y = validation_set(50)
    models = {"good": Fixed("good"), "noise": Fixed("noise")}
    members = ["good", "noise"]
    ensemble = fit_stacker(member_probabilities(models, members, X), y, members, 1.0, 0)
    out = predict_all(models, members, ensemble, X)
    assert list(out) == ["good", "noise", ENSEMBLE]
    np.testing.assert_allclose(out["good"], X["good"])
    assert out[ENSEMBLE].between(0, 1).all()
    with pytest.raises(KeyError):
        predict_all({"good": Fixed("good")}, members, ensemble, X)
