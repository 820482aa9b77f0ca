"""Right-sizing from history (--domino-right-size): a rule that names no tier and asks for no
size runs on the smallest tier that held its peak memory, plus a margin, in its last
successful runs.

The history is the run records on disk (`.snakemake/domino_runs/`, report/records.py),
read once per Snakemake invocation: of the same rule, the jobs that succeeded with a
measured peak and the same wildcard names; of those, the ones with the same wildcard
values where there are any (a fit of one model can need far more than a fit of another),
else all of them. The last RECENT of them count, and the largest peak among them. No such
job: no opinion, the rule is placed as it would be without the setting.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.formatting import count, size
from snakemake_executor_domino.placement.sizing import Ask, smallest_fit
from snakemake_executor_domino.report.records import JobRecord, read_runs

RECENT = 5  # the successful jobs of a rule that count, newest first
RESOURCE = "domino_right_size"  # per rule: resources: domino_right_size=True (or False)
_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Peak:
    jobs: int  # how many recorded jobs the peak is over
    peak_bytes: int


@dataclass(frozen=True)
class Sized:
    tier: HardwareTier
    peak: Peak

    @property
    def reason(self) -> str:
        return (f"sized from history ({count(self.peak.jobs, 'run')}, "
                f"peak {size(self.peak.peak_bytes)})")


def peak_of(records: Iterable[JobRecord], rule: str, wildcards: dict[str, str],
            recent: int = RECENT) -> Peak | None:
    """The largest peak memory of the rule's last `recent` successful, measured jobs."""
    mine = [r for r in records
            if r.rule == rule and r.status == "Succeeded" and r.peak_memory_bytes
            and set(r.wildcards) == set(wildcards)]
    same = [r for r in mine if r.wildcards == wildcards]
    chosen = sorted(same or mine, key=lambda r: -(r.finished_ms or r.recorded_ms or 0))
    chosen = chosen[:recent]
    if not chosen:
        return None
    return Peak(len(chosen), max(int(r.peak_memory_bytes or 0) for r in chosen))


def tier_for(tiers: Sequence[HardwareTier], peak: Peak, margin: float) -> HardwareTier | None:
    """The smallest tier with the peak's memory plus `margin` (a fraction)."""
    needed_mb = math.ceil(peak.peak_bytes * (1 + margin) / 10**6)
    return smallest_fit(tiers, Ask(mem_mb=needed_mb))


def opted(job: Any, default: bool) -> bool:
    """Whether right-sizing applies to this job: its rule's `domino_right_size` resource,
    else the setting."""
    value = job.resources.get(RESOURCE) if hasattr(job, "resources") else None
    if value is None or isinstance(value, bool):
        return default if value is None else value
    text = str(value).strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise ConfigurationError(
        f"rule {job.rule.name}: resources: {RESOURCE}={value!r} is neither true nor false; "
        f"write {RESOURCE}=True (or 1) to size it from history, False (or 0) not to."
    )


def check_margin(percent: float) -> float:
    """--domino-right-size-margin as a fraction; a clear error for a nonsense value."""
    if not 0 <= percent <= 1000:
        raise ConfigurationError(
            f"--domino-right-size-margin {percent:g} is not a percentage from 0 to 1000; "
            "e.g. 25 sizes for the peak plus a quarter."
        )
    return percent / 100


class SizingHistory:
    """The executor's view of earlier runs' peaks, loaded on first use."""

    def __init__(self, workdir: Path, tiers: Sequence[HardwareTier], *, enabled: bool,
                 margin: float = 0.25,
                 read: Callable[[Path], Iterable[Any]] = read_runs):
        self.workdir = workdir
        self.tiers = list(tiers)
        self.enabled = enabled
        self.margin = margin
        self._read = read
        self._records: list[JobRecord] | None = None
        self._lock = threading.Lock()

    def size(self, job: Any) -> Sized | None:
        """The tier history gives this (single, undeclared) job; None: no opinion."""
        if job.is_group() or not opted(job, self.enabled):
            return None
        found = getattr(job, "wildcards_dict", None) or {}
        wildcards = {str(k): str(v) for k, v in found.items()}
        peak = peak_of(self.records(), job.rule.name, wildcards)
        if peak is None:
            return None
        tier = tier_for(self.tiers, peak, self.margin)
        return Sized(tier, peak) if tier is not None else None

    def records(self) -> list[JobRecord]:
        with self._lock:
            if self._records is None:
                self._records = [j for run in self._read(self.workdir) for j in run.jobs]
            return self._records
