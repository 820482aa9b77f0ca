"""`.dominoignore` matching for the local Domino: the shared implementation in
`snakemake_executor_domino.ignore`, which the executor's source push uses too."""

from snakemake_executor_domino.ignore import IGNORE_FILE, IgnoreRules

__all__ = ["IGNORE_FILE", "IgnoreRules"]
