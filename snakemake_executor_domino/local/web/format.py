"""How the pages write times, durations and sizes (Jinja filters; plain functions)."""

from __future__ import annotations

import time

from snakemake_executor_domino.local.store.rows import Job


def clock(ms: int | None) -> str:
    """Local time of a millisecond timestamp, e.g. `2024-05-01 14:03:07`."""
    if ms is None:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms / 1000))


def span(ms: int | None) -> str:
    """A duration, e.g. `850 ms`, `42 s`, `3 m 05 s`, `2 h 01 m`."""
    if ms is None:
        return "—"
    if ms < 1000:
        return f"{ms} ms"
    seconds = ms // 1000
    if seconds < 60:
        return f"{ms / 1000:.1f} s" if seconds < 10 else f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} m {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} m"


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


def size(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def short(commit_id: str | None) -> str:
    return commit_id[:10] if commit_id else "—"


def timezone_name() -> str:
    return time.strftime("%Z") or time.strftime("%z")


def _now_ms() -> int:
    return int(time.time() * 1000)
