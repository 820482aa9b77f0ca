"""Step 6, ``score``: compare every model and the ensemble on the test rows.

Writes ``score_report.txt`` (a fixed-width table: accuracy, ROC AUC, log loss, Brier score
per model, and which one is best) and ``results/roc_curves.png``. No dates, paths or timings
go into either file: the same config gives byte-identical outputs.
"""

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score, roc_curve

ENSEMBLE = "ensemble"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool


METRICS = (
    Metric("accuracy", "accuracy", True),
    Metric("roc_auc", "ROC AUC", True),
    Metric("log_loss", "log loss", False),
    Metric("brier", "Brier", False),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}


def score_one(y_true: np.ndarray, proba: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    y_true = np.asarray(y_true)
    proba = np.clip(np.asarray(proba, dtype="float64"), 0.0, 1.0)
    return {
        "accuracy": float(accuracy_score(y_true, (proba >= threshold).astype(int))),
        "roc_auc": float(roc_auc_score(y_true, proba)),
        "log_loss": float(log_loss(y_true, proba, labels=[0, 1])),
        "brier": float(brier_score_loss(y_true, proba)),
    }


def score_table(predictions: pd.DataFrame, models: Sequence[str]) -> pd.DataFrame:
    """One row per model (in the given order), one column per metric."""
    y = predictions["y_true"].to_numpy()
    rows = {m: score_one(y, predictions[m].to_numpy()) for m in models}
    return pd.DataFrame.from_dict(rows, orient="index")[[m.key for m in METRICS]]


def best_model(table: pd.DataFrame, by: str, decimals: int = 4) -> str:
    """The best model by ``by`` at the printed precision (the choice a reader of the table
    would make); ties go to lower log loss, then to the earlier row."""
    metric = METRIC_BY_KEY[by]
    primary = table[by].round(decimals) * (-1 if metric.higher_is_better else 1)
    order = pd.DataFrame(
        {
            "primary": primary,
            "log_loss": table["log_loss"].round(decimals),
            "pos": range(len(table)),
        }
    ).sort_values(["primary", "log_loss", "pos"])
    return str(order.index[0])


def tie_rule(by: str) -> str:
    return "ties go to the earlier row" if by == "log_loss" else "ties go to lower log loss"


def format_report(
    table: pd.DataFrame,
    families: Mapping[str, str],
    *,
    title: str,
    y_true: np.ndarray,
    best_by: str = "log_loss",
    labels: Mapping[str, str] | None = None,
    weights: pd.DataFrame | None = None,
    decimals: int = 4,
) -> str:
    y_true = np.asarray(y_true)
    labels = {"positive": "positive", "negative": "negative", **(labels or {})}
    best = best_model(table, best_by, decimals)
    name_w = max(len("model"), *(len(n) for n in table.index))
    fam_w = max(len("family"), *(len(families.get(n, "")) for n in table.index))
    col_w = max(len(m.label) for m in METRICS) + 1
    header = f"{'model':<{name_w}}  {'family':<{fam_w}}" + "".join(
        f"  {m.label:>{col_w}}" for m in METRICS
    )
    rule = "-" * len(header)
    lines = [
        title,
        f"test set: {len(y_true)} rows ({int(y_true.sum())} {labels['positive']}, "
        f"{int(len(y_true) - y_true.sum())} {labels['negative']}); "
        "probabilities are P(" + labels["positive"] + "), accuracy at threshold 0.5",
        "",
        header,
        rule,
    ]
    for name, row in table.iterrows():
        cells = "".join(f"  {row[m.key]:>{col_w}.{decimals}f}" for m in METRICS)
        marker = "  <- best" if name == best else ""
        lines.append(f"{name:<{name_w}}  {families.get(name, ''):<{fam_w}}{cells}{marker}")
    lines.append(rule)
    metric = METRIC_BY_KEY[best_by]
    direction = "higher" if metric.higher_is_better else "lower"
    lines.append(f"best: {best} by {metric.label} ({direction} is better; {tie_rule(best_by)})")
    lines.append("best per metric (ties listed):")
    for m in METRICS:
        values = table[m.key].round(decimals)
        target = values.max() if m.higher_is_better else values.min()
        winners = [str(n) for n in table.index if values[n] == target]
        lines.append(f"  {m.label:<{col_w}}  {', '.join(winners)}")
    if weights is not None and len(weights):
        lines += [
            "",
            "ensemble: logistic regression stacked on the members' validation log-odds",
        ]
        member_w = max(len("member"), *(len(str(m)) for m in weights["member"]))
        lines.append(f"  {'member':<{member_w}}  {'weight':>8}")
        for member, weight in zip(weights["member"], weights["weight"], strict=True):
            lines.append(f"  {member:<{member_w}}  {weight:>8.{decimals}f}")
    return "\n".join(lines) + "\n"


def plot_roc(predictions: pd.DataFrame, models: Sequence[str], path: str, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from io_utils import ensure_parent

    y = predictions["y_true"].to_numpy()
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    for name in models:
        fpr, tpr, _ = roc_curve(y, predictions[name].to_numpy())
        auc = roc_auc_score(y, predictions[name].to_numpy())
        style = {"linewidth": 2.5, "color": "black"} if name == ENSEMBLE else {"linewidth": 1.5}
        ax.plot(fpr, tpr, label=f"{name} (AUC {auc:.3f})", **style)
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", linewidth=1)
    ax.set(xlim=(0, 1), ylim=(0, 1.01), xlabel="false positive rate", ylabel="true positive rate")
    heading = textwrap.fill(title, width=60)
    ax.set_title(f"{heading}\nROC curves on the test set (n={len(y)})", fontsize=10)
    ax.legend(loc="lower right")
    fig.tight_layout()
    # No "Software" (version) or date chunk: the PNG is byte-identical from run to run.
    fig.savefig(ensure_parent(path), format="png", metadata={"Software": None})
    plt.close(fig)


def main(smk) -> None:  # pragma: no cover - exercised by the workflow test
    from io_utils import read_csv, setup_logging, write_text

    log = setup_logging(smk.log[0], "score")
    cfg = smk.params
    predictions = read_csv(smk.input.predictions)
    models = [*cfg.members, ENSEMBLE]
    families = {m: spec["family"] for m, spec in cfg.models.items()}
    families[ENSEMBLE] = f"stacking({len(cfg.members)})"
    table = score_table(predictions, models)
    report = format_report(
        table,
        families,
        title=cfg.report["title"],
        y_true=predictions["y_true"].to_numpy(),
        best_by=cfg.report.get("best_by", "log_loss"),
        labels=cfg.report.get("labels"),
        weights=read_csv(smk.input.weights),
    )
    write_text(report, smk.output.report)
    plot_roc(predictions, models, smk.output.roc, cfg.report["title"])
    log.info("\n%s", report)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
