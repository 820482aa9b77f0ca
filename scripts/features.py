"""Step 2, ``features``: stratified, seeded train/validation/test split and the preprocessing.

The preprocessing (median imputation + scaling for measurements, most-frequent imputation +
one-hot encoding for categories) is fitted on the TRAIN rows only and saved; every later
step reuses that fitted object and never refits it, so nothing about the validation or test
rows leaks into the features a model sees.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SPLITS = ("train", "validation", "test")


def split_frame(
    df: pd.DataFrame, target: str, test_size: float, validation_size: float, seed: int
) -> dict[str, pd.DataFrame]:
    """Split rows into train/validation/test, stratified on ``target``.

    ``test_size`` and ``validation_size`` are fractions of ALL rows; train gets the rest.
    """
    if not (0 < test_size < 1 and 0 < validation_size < 1 and test_size + validation_size < 1):
        raise ValueError(
            f"split fractions must be in (0, 1) and sum below 1, got test={test_size}, "
            f"validation={validation_size}"
        )
    rest, test = train_test_split(df, test_size=test_size, stratify=df[target], random_state=seed)
    train, validation = train_test_split(
        rest,
        test_size=validation_size / (1 - test_size),
        stratify=rest[target],
        random_state=seed,
    )
    return {
        "train": train.reset_index(drop=True),
        "validation": validation.reset_index(drop=True),
        "test": test.reset_index(drop=True),
    }


def model_frame(
    df: pd.DataFrame, numeric: Sequence[str], categorical: Sequence[str]
) -> pd.DataFrame:
    """The model's input columns with fixed types: floats, and categories as text or NaN.

    CSV round trips turn booleans and categories into whatever pandas guesses; this makes
    the frame the preprocessor sees the same whichever file it came from.
    """
    missing = [c for c in [*numeric, *categorical] if c not in df.columns]
    if missing:
        raise KeyError(f"feature columns not in the data: {missing}")
    out = pd.DataFrame(index=df.index)
    for column in numeric:
        out[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")
    for column in categorical:
        values = df[column].astype(object)
        out[column] = values.map(lambda v: np.nan if pd.isna(v) else str(v)).astype(object)
    return out


def build_preprocessor(numeric: Sequence[str], categorical: Sequence[str]) -> ColumnTransformer:
    numeric_steps = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
        ]
    )
    categorical_steps = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    return ColumnTransformer(
        [
            ("numeric", numeric_steps, list(numeric)),
            ("categorical", categorical_steps, list(categorical)),
        ],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def fit_preprocessor(
    train: pd.DataFrame, numeric: Sequence[str], categorical: Sequence[str]
) -> ColumnTransformer:
    """Fit the preprocessing on the training rows (and only those)."""
    return build_preprocessor(numeric, categorical).fit(model_frame(train, numeric, categorical))


def main(smk) -> None:  # pragma: no cover - exercised by the workflow test
    from io_utils import read_csv, save_pickle, setup_logging, write_csv

    log = setup_logging(smk.log[0], "features")
    cfg = smk.params
    df = read_csv(smk.input.clean)
    parts = split_frame(df, cfg.target, cfg.split["test"], cfg.split["validation"], cfg.seed)
    for name in SPLITS:
        part = parts[name]
        log.info("%-10s %3d rows, %d positive", name, len(part), int(part[cfg.target].sum()))
        write_csv(part, smk.output[name])
    numeric, categorical = cfg.features["numeric"], cfg.features["categorical"]
    preprocessor = fit_preprocessor(parts["train"], numeric, categorical)
    names = list(preprocessor.get_feature_names_out())
    log.info(
        "preprocessing fitted on %d train rows -> %d features", len(parts["train"]), len(names)
    )
    log.info("features: %s", ", ".join(names))
    save_pickle(preprocessor, smk.output.preprocessor)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
