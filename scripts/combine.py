"""Step 4, ``combine``: a stacking ensemble fitted on the VALIDATION rows.

The members were fitted on the training rows; their predicted probabilities on the
validation rows (as log-odds) are the inputs of a logistic regression that learns how much
to trust each member. Its coefficients are the ensemble's weights. The saved
``models/ensemble.pkl`` is a plain dict (member names + the fitted meta-model), so it loads
with scikit-learn alone.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

EPS = 1e-6


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype="float64"), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def member_probabilities(
    models: Mapping[str, Any], members: Sequence[str], X: pd.DataFrame
) -> np.ndarray:
    """Positive-class probability of each member, one column per member, in ``members`` order."""
    return np.column_stack([models[m].predict_proba(X)[:, 1] for m in members])


def fit_stacker(
    member_proba: np.ndarray, y: np.ndarray, members: Sequence[str], C: float, seed: int
) -> dict[str, Any]:
    """Fit the meta logistic regression on the members' validation log-odds."""
    meta = LogisticRegression(C=C, max_iter=1000, random_state=seed)
    meta.fit(logit(member_proba), y)
    return {"method": "stacking", "members": list(members), "meta": meta}


def ensemble_proba(ensemble: Mapping[str, Any], member_proba: np.ndarray) -> np.ndarray:
    """Ensemble probability from the members' probabilities (columns in ensemble order)."""
    return ensemble["meta"].predict_proba(logit(member_proba))[:, 1]


def weights_table(ensemble: Mapping[str, Any]) -> pd.DataFrame:
    meta = ensemble["meta"]
    rows = list(zip(ensemble["members"], meta.coef_[0], strict=True))
    rows.append(("(intercept)", meta.intercept_[0]))
    return pd.DataFrame(rows, columns=["member", "weight"])


def main(smk) -> None:  # pragma: no cover - exercised by the workflow test
    from features import model_frame
    from io_utils import load_pickle, read_csv, save_pickle, setup_logging, write_csv
    from threadpoolctl import threadpool_limits

    log = setup_logging(smk.log[0], "combine")
    cfg = smk.params
    members = list(cfg.members)
    models = dict(zip(members, (load_pickle(p) for p in smk.input.models), strict=True))
    validation = read_csv(smk.input.validation)
    X = model_frame(validation, cfg.features["numeric"], cfg.features["categorical"])
    y = validation[cfg.target].to_numpy()
    with threadpool_limits(limits=1, user_api="blas"):
        proba = member_probabilities(models, members, X)
        ensemble = fit_stacker(proba, y, members, C=cfg.ensemble.get("C", 1.0), seed=cfg.seed)
    weights = weights_table(ensemble)
    log.info("stacking fitted on %d validation rows\n%s", len(y), weights.to_string(index=False))
    save_pickle(ensemble, smk.output.ensemble)
    write_csv(weights, smk.output.weights)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
