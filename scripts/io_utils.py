"""Small helpers every step shares: logging to the rule's log file and tidy file I/O.

Scripts run under Snakemake's ``script:`` directive, which puts this folder on ``sys.path``,
so ``from io_utils import ...`` works there; the tests put it there themselves.
"""

import logging
import pickle
from pathlib import Path
from typing import Any

import pandas as pd

# Predictions and probabilities are written with a fixed precision so that the files are
# byte-identical from run to run even if the last bits of a float would ever differ.
FLOAT_FORMAT = "%.10g"


def setup_logging(log_path: str | Path | None, name: str) -> logging.Logger:
    """A logger writing plain, timestamp-free lines to the rule's log file (and stderr)."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    logger.propagate = False
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    stream = logging.StreamHandler()
    stream.setFormatter(formatter)
    logger.addHandler(stream)
    if log_path:
        ensure_parent(log_path)
        handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    return logger


def ensure_parent(path: str | Path) -> Path:
    """Create the parent folder of ``path`` (outputs in a fresh job directory) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    df.to_csv(ensure_parent(path), index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def read_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path)


def write_text(text: str, path: str | Path) -> None:
    ensure_parent(path).write_text(text, encoding="utf-8", newline="\n")


def save_pickle(obj: Any, path: str | Path) -> None:
    with ensure_parent(path).open("wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load_pickle(path: str | Path) -> Any:
    with Path(path).open("rb") as fh:
        return pickle.load(fh)
