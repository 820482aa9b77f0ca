import hashlib

import numpy as np
import pandas as pd
import pytest
from score import METRICS, best_model, format_report, plot_roc, score_one, score_table


def predictions() -> pd.DataFrame:
    y = np.array([1, 1, 1, 0, 0, 0, 1, 0])
    return pd.DataFrame(
        {
            "y_true": y,
            "perfect": y * 0.9 + 0.05,
            "weak": [0.6, 0.4, 0.7, 0.5, 0.3, 0.6, 0.55, 0.45],
            "ensemble": [0.8, 0.7, 0.9, 0.2, 0.3, 0.1, 0.6, 0.4],
        }
    )


def test_score_one_values() -> None:
    y = np.array([1, 0, 1, 0])
    m = score_one(y, np.array([1.0, 0.0, 1.0, 0.0]))
    assert m == {
        "accuracy": 1.0,
        "roc_auc": 1.0,
        "log_loss": pytest.approx(0, abs=1e-9),
        "brier": 0.0,
    }
    m = score_one(y, np.array([0.5, 0.5, 0.5, 0.5]))
    assert m["roc_auc"] == 0.5 and m["brier"] == 0.25
    assert m["log_loss"] == pytest.approx(np.log(2))


def test_best_model_ties_go_to_lower_log_loss() -> None:
    table = pd.DataFrame(
        {
            "accuracy": [0.9, 0.9],
            "roc_auc": [0.95, 0.95],
            "log_loss": [0.3, 0.2],
            "brier": [0.1, 0.1],
        },
        index=["a", "b"],
    )
    assert best_model(table, "roc_auc") == "b"
    assert best_model(table, "log_loss") == "b"
    assert best_model(table.assign(roc_auc=[0.96, 0.95]), "roc_auc") == "a"


def test_report_is_a_fixed_width_table_with_every_model() -> None:
    preds = predictions()
    models = ["perfect", "weak", "ensemble"]
    table = score_table(preds, models)
    families = {"perfect": "logistic_regression", "weak": "mlp", "ensemble": "stacking(2)"}
    weights = pd.DataFrame(
        {"member": ["perfect", "weak", "(intercept)"], "weight": [2.0, 0.1, 0.0]}
    )
    report = format_report(
        table,
        families,
        title="T",
        y_true=preds["y_true"].to_numpy(),
        best_by="roc_auc",
        labels={"positive": "male", "negative": "female"},
        weights=weights,
    )
    lines = report.splitlines()
    assert lines[0] == "T"
    assert "8 rows (4 male, 4 female)" in lines[1]
    header = next(i for i, line in enumerate(lines) if line.startswith("model"))
    for metric in METRICS:
        assert metric.label in lines[header]
    rows = lines[header + 2 : header + 2 + len(models)]
    assert [r.split()[0] for r in rows] == models
    # fixed width: the metric columns end at the same place on every line
    width = len(lines[header])
    assert all(len(r.removesuffix("  <- best")) == width for r in rows)
    assert rows[0].endswith("<- best")
    assert "best: perfect by ROC AUC" in report
    assert "1.0000" in rows[0] and "0.0025" in rows[0]  # accuracy, Brier of "perfect"
    assert "weak           0.1000" in report
    assert report.endswith("\n") and report == format_report(
        table,
        families,
        title="T",
        y_true=preds["y_true"].to_numpy(),
        best_by="roc_auc",
        labels={"positive": "male", "negative": "female"},
        weights=weights,
    )
    by_log_loss = format_report(table, families, title="T", y_true=preds["y_true"].to_numpy())
    assert "best: perfect by log loss (lower is better; ties go to the earlier row)" in by_log_loss


def test_roc_png_is_byte_identical(tmp_path) -> None:
    preds = predictions()
    paths = [tmp_path / "a" / "roc.png", tmp_path / "b" / "roc.png"]
    for path in paths:
        plot_roc(preds, ["perfect", "weak", "ensemble"], str(path), "ROC")
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(digests) == 1
