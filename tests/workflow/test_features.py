import numpy as np
import pandas as pd
import pytest
from features import SPLITS, fit_preprocessor, model_frame, split_frame
from fit import fit_model

NUMERIC = ["x1", "x2"]
CATEGORICAL = ["colour", "flag"]


def frame(n: int = 100, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "sample_id": [f"s{i}" for i in range(n)],
            "x1": rng.normal(size=n),
            "x2": rng.normal(10, 2, size=n),
            "colour": rng.choice(["red", "green", "blue"], size=n),
            "flag": rng.choice([True, False], size=n),
            "y": np.r_[np.ones(n // 2, dtype=int), np.zeros(n - n // 2, dtype=int)],
        }
    )
    df.loc[::7, "x2"] = np.nan
    df.loc[::11, "colour"] = np.nan
    return df


def test_split_is_a_disjoint_stratified_partition() -> None:
    df = frame(100)
    parts = split_frame(df, "y", test_size=0.2, validation_size=0.2, seed=1)
    assert [len(parts[s]) for s in SPLITS] == [60, 20, 20]
    ids = [set(parts[s]["sample_id"]) for s in SPLITS]
    assert ids[0].isdisjoint(ids[1]) and ids[0].isdisjoint(ids[2]) and ids[1].isdisjoint(ids[2])
    assert set.union(*ids) == set(df["sample_id"])
    for s in SPLITS:
        assert parts[s]["y"].mean() == pytest.approx(0.5)


def test_split_is_seeded() -> None:
    df = frame(100)
    a = split_frame(df, "y", 0.2, 0.2, seed=7)
    b = split_frame(df, "y", 0.2, 0.2, seed=7)
    c = split_frame(df, "y", 0.2, 0.2, seed=8)
    for s in SPLITS:
        pd.testing.assert_frame_equal(a[s], b[s])
    assert a["test"]["sample_id"].tolist() != c["test"]["sample_id"].tolist()


@pytest.mark.parametrize(("test", "validation"), [(0.0, 0.2), (0.5, 0.5), (1.2, 0.1)])
def test_split_rejects_bad_fractions(test: float, validation: float) -> None:
    with pytest.raises(ValueError, match="split fractions"):
        split_frame(frame(), "y", test, validation, seed=0)


def test_model_frame_fixes_types() -> None:
    df = frame(10).assign(x1=lambda d: d["x1"].astype(str))
    X = model_frame(df, NUMERIC, CATEGORICAL)
    assert list(X) == NUMERIC + CATEGORICAL
    assert X["x1"].dtype == "float64"
    assert set(X["flag"]) <= {"True", "False"}
    assert X["colour"].isna().sum() == df["colour"].isna().sum()
    with pytest.raises(KeyError, match="nope"):
        model_frame(df, ["nope"], [])


def test_preprocessing_sees_train_rows_only() -> None:
    parts = split_frame(frame(200), "y", 0.2, 0.2, seed=3)
    pre = fit_preprocessor(parts["train"], NUMERIC, CATEGORICAL)
    numeric = pre.named_transformers_["numeric"]
    train_x2 = parts["train"]["x2"]
    assert numeric.named_steps["impute"].statistics_[1] == pytest.approx(train_x2.median())
    assert numeric.named_steps["scale"].mean_[1] == pytest.approx(
        train_x2.fillna(train_x2.median()).mean()
    )
    # making the test rows wildly different changes nothing in the fitted preprocessing
    poisoned = parts["test"].assign(x1=1e6, x2=-1e6, colour="purple")
    pre_again = fit_preprocessor(parts["train"], NUMERIC, CATEGORICAL)
    X = model_frame(parts["validation"], NUMERIC, CATEGORICAL)
    np.testing.assert_array_equal(pre.transform(X), pre_again.transform(X))
    # unseen categories in test rows are encoded as all-zero, not an error
    assert pre.transform(model_frame(poisoned, NUMERIC, CATEGORICAL)).shape[0] == len(poisoned)


def test_fitting_a_model_does_not_refit_the_preprocessing() -> None:
    parts = split_frame(frame(200), "y", 0.2, 0.2, seed=3)
    pre = fit_preprocessor(parts["train"], NUMERIC, CATEGORICAL)
    stats = pre.named_transformers_["numeric"].named_steps["impute"].statistics_.copy()
    other = parts["test"].assign(x2=parts["test"]["x2"] + 100)
    spec = {"family": "logistic_regression", "params": {"C": 1.0}}
    model = fit_model(spec, other, pre, NUMERIC, CATEGORICAL, "y", seed=0)
    inner = model.named_steps["preprocess"].estimator
    np.testing.assert_array_equal(
        inner.named_transformers_["numeric"].named_steps["impute"].statistics_, stats
    )
