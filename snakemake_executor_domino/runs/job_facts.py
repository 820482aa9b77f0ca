"""What Domino says of a finished job beyond its answer: the tier and environment it ran
with, and what it used. Two optional calls per finished job, each with a short retry budget
(they run in the executor's polling loop, which must not stall on them): the runtime
details, unless the start pinned the environment's revision by id and the job's answer
names its tier (then both are known), and the usage, unless the job's answer carries it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from snakemake_executor_domino.domino import DominoError, Job

RETRY_BUDGET = 10.0


@dataclass(frozen=True)
class Details:
    tier_id: str | None = None
    tier_name: str | None = None
    environment_name: str | None = None
    environment_revision_id: str | None = None
    cpu_seconds: float | None = None
    peak_memory_bytes: int | None = None
    cpu_peak_percent: float | None = None  # Domino's public units, where it reports them


def quick(client: Any) -> Any:
    """The client with the short retry budget these calls get."""
    with_budget = getattr(client, "with_retry_budget", None)
    return with_budget(RETRY_BUDGET) if with_budget else client


def fetch(client: Any, job: Job, pinned: tuple[str, str] | None = None) -> Details:
    """Runtime details and usage of a finished job, as far as Domino answers. `pinned`:
    the environment name and revision id its start asked for by id (5.0's StartJobRequest
    environmentRevisionSpec {"revisionId"}), which is what it ran with."""
    tier_id, tier_name = job.tier_id, job.tier_name
    environment, revision = pinned or (None, None)
    cpu_seconds = peak = percent = None
    details = None
    if pinned is None or not (tier_id or tier_name):
        try:
            details = client.runtime_details(job.id)
        except DominoError:
            pass
    if details is not None:
        tier_id, tier_name = details.tier_id or tier_id, details.tier_name or tier_name
        environment = details.environment_name or environment
        revision = details.environment_revision_id or revision
    try:
        used = client.job_usage(job)
    except DominoError:
        used = None
    if used is not None:
        seconds = _run_seconds(job)
        if used.cpu is not None and seconds is not None:
            cpu_seconds = used.cpu * seconds  # mean cores over the run
        peak = int(used.memory) if used.memory is not None else None
        percent = used.cpu_peak_percent
    return Details(tier_id, tier_name, environment, revision, cpu_seconds, peak, percent)


def _run_seconds(job: Job) -> float | None:
    if job.started_ms is None or job.completed_ms is None:
        return None
    return max(0, job.completed_ms - job.started_ms) / 1000
