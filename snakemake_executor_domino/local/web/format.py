"""How the pages write times, durations and sizes (Jinja filters over formatting.py)."""

from __future__ import annotations

import time

from snakemake_executor_domino import formatting
from snakemake_executor_domino.local.store.rows import Job


# the plugin's one convention (formatting.py); a page writes a missing time as an em dash
def clock(ms: int | None) -> str:
    return formatting.clock(ms, missing="—")


def span(ms: int | None) -> str:
    return formatting.duration(ms, missing="—")


def size(n: int | None) -> str:
    return formatting.size(n, missing="")




def run_time(job: Job, now_ms: int | None = None) -> int | None:
    """How long the command ran (or has been running); None if it never started."""
    if job.started_ms is None:
        return None
    end = job.completed_ms if job.completed_ms is not None else (now_ms or _now_ms())
    return max(0, end - job.started_ms)


def queue_time(job: Job, now_ms: int | None = None) -> int | None:
    """How long the job waited between submission and its command starting."""
    end = job.started_ms or job.completed_ms or (now_ms or _now_ms())
    return max(0, end - job.submitted_ms)



def short(commit_id: str | None) -> str:
    return commit_id[:10] if commit_id else "—"


def timezone_name() -> str:
    return time.strftime("%Z") or time.strftime("%z")


def _now_ms() -> int:
    return int(time.time() * 1000)
