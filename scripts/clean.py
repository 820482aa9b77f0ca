"""Step 1, ``clean``: the raw Palmer penguins table -> one tidy, typed row per labelled bird.

What the raw file needs (see data/raw/README.md):
- column names such as ``Culmen Length (mm)``, ``Delta 15 N (o/oo)`` and ``studyName``
  become snake_case (``culmen_length_mm``, ``delta_15n``, ``study_name``);
- missing values come as ``NA``, empty cells or ``.``; measurements are coerced to numbers;
- ``Species`` is a long name (``Adelie Penguin (Pygoscelis adeliae)``) -> ``Adelie``;
- ``Clutch Completion`` is Yes/No -> boolean; ``Date Egg`` is a string -> a date;
- ``Sex`` is MALE/FEMALE/missing (or ``.``): rows without a clean label are dropped, since
  the target of this workflow is the bird's sex (``is_male``);
- columns that are constant (``Region``, ``Stage``) carry no information and are dropped.
"""

import re

import numpy as np
import pandas as pd

MISSING_TOKENS = ["NA", "N/A", "na", "", ".", "?"]
NUMERIC_COLUMNS = [
    "culmen_length_mm",
    "culmen_depth_mm",
    "flipper_length_mm",
    "body_mass_g",
    "delta_15n",
    "delta_13c",
]
# Names that the generic snake_case rule makes unreadable get a proper one.
RENAMES = {"delta_15_n_o_oo": "delta_15n", "delta_13_c_o_oo": "delta_13c"}
SEX_LABELS = {"male": "male", "m": "male", "female": "female", "f": "female"}
TARGET = "is_male"


def snake_case(name: str) -> str:
    """``Culmen Length (mm)`` -> ``culmen_length_mm``; ``studyName`` -> ``study_name``."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
    return RENAMES.get(name, name)


def _strip_or_missing(series: pd.Series) -> pd.Series:
    """Trim text cells; cells that are then empty or a missing-value token become NaN."""
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return series
    values = series.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return values.map(lambda v: np.nan if v is None or v in MISSING_TOKENS else v)


def _to_bool(series: pd.Series) -> pd.Series:
    mapping = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
    lowered = series.map(lambda v: mapping.get(v.lower(), np.nan) if isinstance(v, str) else v)
    return lowered.astype("boolean")


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """Return the tidy table: snake_case names, typed columns, only rows with a sex label."""
    df = raw.rename(columns=snake_case)
    df = df.apply(_strip_or_missing)

    for column in NUMERIC_COLUMNS:
        if column in df:
            df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")
    if "species" in df:
        # "Adelie Penguin (Pygoscelis adeliae)" -> "Adelie"
        df["species"] = df["species"].map(lambda v: v.split()[0] if isinstance(v, str) else v)
    if "clutch_completion" in df:
        df["clutch_completion"] = _to_bool(df["clutch_completion"])
    if "date_egg" in df:
        df["date_egg"] = pd.to_datetime(df["date_egg"], errors="coerce", format="%Y-%m-%d")
    if "sample_number" in df:
        df["sample_number"] = pd.to_numeric(df["sample_number"], errors="coerce").astype("Int64")

    sex = df["sex"].map(lambda v: SEX_LABELS.get(v.lower(), np.nan) if isinstance(v, str) else v)
    df = df.assign(sex=sex).dropna(subset=["sex"])
    df[TARGET] = (df["sex"] == "male").astype("int64")

    # A stable row id: species + sample number is unique in the source table.
    if {"species", "sample_number"} <= set(df.columns):
        df.insert(0, "sample_id", df["species"] + "-" + df["sample_number"].astype(str))
        df = df.drop_duplicates(subset="sample_id", keep="first")

    constant = [c for c in df.columns if c != TARGET and df[c].nunique(dropna=False) <= 1]
    df = df.drop(columns=constant)
    return df.reset_index(drop=True)


def main(smk) -> None:  # pragma: no cover - exercised by the workflow test
    from io_utils import setup_logging, write_csv

    log = setup_logging(smk.log[0], "clean")
    raw = pd.read_csv(smk.input.raw, na_values=MISSING_TOKENS, keep_default_na=True)
    log.info("read %d rows x %d columns from %s", *raw.shape, smk.input.raw)
    tidy = clean(raw)
    log.info("columns: %s", ", ".join(tidy.columns))
    log.info(
        "kept %d labelled rows (%d male, %d female); dropped %d without a sex label",
        len(tidy),
        int(tidy[TARGET].sum()),
        int((1 - tidy[TARGET]).sum()),
        len(raw) - len(tidy),
    )
    missing = tidy.isna().sum()
    missing = missing[missing > 0]
    log.info("cells still missing: %s", ", ".join(f"{c}={n}" for c, n in missing.items()))
    write_csv(tidy, smk.output.clean)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
