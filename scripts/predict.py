"""Step 5, ``predict``: test-set probabilities of every model and of the ensemble.

Writes one row per test bird: ``sample_id``, the true label ``y_true`` and one column per
model (``logistic``, ``forest``, ..., ``ensemble``) holding P(male).
"""

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from combine import ensemble_proba, member_probabilities

ENSEMBLE = "ensemble"


def predict_all(
    models: Mapping[str, Any],
    members: Sequence[str],
    ensemble: Mapping[str, Any],
    X: pd.DataFrame,
) -> pd.DataFrame:
    """One column of positive-class probabilities per model, then the ensemble's."""
    proba = member_probabilities(models, members, X)
    out = pd.DataFrame(proba, columns=list(members), index=X.index)
    ordered = [m for m in ensemble["members"]]
    out[ENSEMBLE] = ensemble_proba(ensemble, out[ordered].to_numpy())
    return out


def main(smk) -> None:  # pragma: no cover - exercised by the workflow test
    from features import model_frame
    from io_utils import load_pickle, read_csv, setup_logging, write_csv
    from threadpoolctl import threadpool_limits

    log = setup_logging(smk.log[0], "predict")
    cfg = smk.params
    members = list(cfg.members)
    models = dict(zip(members, (load_pickle(p) for p in smk.input.models), strict=True))
    ensemble = load_pickle(smk.input.ensemble)
    test = read_csv(smk.input.test)
    X = model_frame(test, cfg.features["numeric"], cfg.features["categorical"])
    with threadpool_limits(limits=1, user_api="blas"):
        proba = predict_all(models, members, ensemble, X)
    out = pd.concat([test[["sample_id"]], test[cfg.target].rename("y_true"), proba], axis=1)
    log.info("predicted %d test rows for %s", len(out), ", ".join(proba.columns))
    write_csv(out, smk.output.predictions)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
