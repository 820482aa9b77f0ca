import numpy as np
import pandas as pd
import pytest
from clean import MISSING_TOKENS, TARGET, clean, snake_case


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("Culmen Length (mm)", "culmen_length_mm"),
        ("Body Mass (g)", "body_mass_g"),
        ("studyName", "study_name"),
        ("Individual ID", "individual_id"),
        ("Delta 15 N (o/oo)", "delta_15n"),
        ("Delta 13 C (o/oo)", "delta_13c"),
        ("  Clutch Completion ", "clutch_completion"),
        ("Sex", "sex"),
    ],
)
def test_snake_case(raw: str, tidy: str) -> None:
    assert snake_case(raw) == tidy


def messy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "studyName": ["PAL0708"] * 5,
            "Sample Number": [1, 2, 3, 4, 5],
            "Species": [
                "Adelie Penguin (Pygoscelis adeliae)",
                "Gentoo penguin (Pygoscelis papua)",
                "Chinstrap penguin (Pygoscelis antarctica)",
                "Adelie Penguin (Pygoscelis adeliae)",
                "Gentoo penguin (Pygoscelis papua)",
            ],
            "Region": ["Anvers"] * 5,
            "Clutch Completion": ["Yes", "No", " yes ", "Yes", "No"],
            "Date Egg": ["2007-11-11", "2007-11-16", "2008-11-09", "2009-11-10", "2007-11-11"],
            "Culmen Length (mm)": ["39.1", "NA", "46.5", "abc", "50.0"],
            "Body Mass (g)": [3750, None, 3500, 3800, 5000],
            "Sex": ["MALE", "FEMALE", ".", None, " female "],
            "Delta 15 N (o/oo)": [np.nan, 8.9, 9.1, 8.5, 8.0],
        }
    )


def test_clean_names_types_and_labels() -> None:
    df = clean(messy())
    # rows without a clean sex label ("." and missing) are dropped
    assert df["sample_id"].tolist() == ["Adelie-1", "Gentoo-2", "Gentoo-5"]
    assert df["sex"].tolist() == ["male", "female", "female"]
    assert df[TARGET].tolist() == [1, 0, 0]
    assert df["species"].tolist() == ["Adelie", "Gentoo", "Gentoo"]
    # names are snake_case, constant columns (region, study_name here) are gone
    assert "region" not in df and "study_name" not in df
    assert {"culmen_length_mm", "body_mass_g", "delta_15n", "clutch_completion"} <= set(df)
    # types: numbers (with text and "NA" coerced to NaN), booleans, dates
    assert df["culmen_length_mm"].dtype == "float64"
    assert df["culmen_length_mm"].isna().tolist() == [False, True, False]
    assert df["body_mass_g"].tolist()[0] == 3750.0
    assert df["clutch_completion"].tolist() == [True, False, False]
    assert pd.api.types.is_datetime64_any_dtype(df["date_egg"])
    assert df["delta_15n"].isna().sum() == 1


def test_clean_missing_tokens_in_text_columns() -> None:
    raw = pd.DataFrame(
        {
            "Species": ["Adelie Penguin", "Gentoo penguin", "Gentoo penguin"],
            "Sample Number": [1, 2, 3],
            "Island": [".", "  ", " Dream "],
            "Sex": ["MALE", "FEMALE", "m"],
        }
    )
    df = clean(raw)
    assert df["island"].isna().tolist() == [True, True, False]
    assert df["island"].iloc[2] == "Dream"
    assert df["sex"].tolist() == ["male", "female", "male"]


def test_clean_the_shipped_raw_table(repo) -> None:
    raw = pd.read_csv(repo / "data/raw/penguins_raw.csv", na_values=MISSING_TOKENS)
    assert raw.shape == (344, 17)
    df = clean(raw)
    assert len(df) == 333  # the 11 birds without a sex label are dropped
    assert df[TARGET].sum() == 168
    assert df["sample_id"].is_unique
    assert set(df["species"]) == {"Adelie", "Chinstrap", "Gentoo"}
    assert set(df["island"]) == {"Biscoe", "Dream", "Torgersen"}
    assert not {"region", "stage"} & set(df)
    for column in ["culmen_length_mm", "flipper_length_mm", "body_mass_g", "delta_13c"]:
        assert df[column].dtype == "float64"
