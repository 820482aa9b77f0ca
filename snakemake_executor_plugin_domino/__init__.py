"""Discovery shim: Snakemake finds executor plugins only by this module-name prefix."""

from snakemake_executor_domino import Executor, ExecutorSettings, common_settings

__all__ = ["Executor", "ExecutorSettings", "common_settings"]
