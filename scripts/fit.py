"""Step 3, ``fit`` (one job per model): train one classifier on the training rows.

The saved ``models/{model}.pkl`` is a scikit-learn Pipeline: the preprocessing fitted in the
``features`` step, frozen (``FrozenEstimator``: fitting the pipeline does not refit it), then
the classifier. It takes clean rows (``features.model_frame``) and needs only scikit-learn
to load.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from features import model_frame
from model_factory import build_estimator
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline


def fit_model(
    spec: Mapping[str, Any],
    train: pd.DataFrame,
    preprocessor: ColumnTransformer,
    numeric: Sequence[str],
    categorical: Sequence[str],
    target: str,
    seed: int,
    n_jobs: int = 1,
) -> Pipeline:
    pipeline = Pipeline(
        [
            ("preprocess", FrozenEstimator(preprocessor)),
            ("model", build_estimator(spec, seed=seed, n_jobs=n_jobs)),
        ]
    )
    return pipeline.fit(model_frame(train, numeric, categorical), train[target].to_numpy())


def main(smk) -> None:  # pragma: no cover - exercised by the workflow test
    from io_utils import load_pickle, read_csv, save_pickle, setup_logging
    from threadpoolctl import threadpool_limits

    name = smk.wildcards.model
    log = setup_logging(smk.log[0], f"fit.{name}")
    cfg = smk.params
    train = read_csv(smk.input.train)
    preprocessor = load_pickle(smk.input.preprocessor)
    # One BLAS thread: the matrices are tiny, and it keeps the numbers identical run to run.
    with threadpool_limits(limits=1, user_api="blas"):
        model = fit_model(
            cfg.spec,
            train,
            preprocessor,
            cfg.features["numeric"],
            cfg.features["categorical"],
            cfg.target,
            cfg.seed,
            n_jobs=smk.threads,
        )
    estimator = model.named_steps["model"]
    log.info("model %s: %s", name, estimator)
    log.info("fitted on %d train rows with %d thread(s)", len(train), smk.threads)
    log.info(
        "train accuracy %.4f",
        model.score(
            model_frame(train, cfg.features["numeric"], cfg.features["categorical"]),
            train[cfg.target].to_numpy(),
        ),
    )
    save_pickle(model, smk.output.model)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
