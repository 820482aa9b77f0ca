"""How the schedule commands word a schedule's mode, fire times and runs."""

from __future__ import annotations

from datetime import datetime

from snakemake_executor_domino.domino import ScheduledJob, ScheduledRun
from snakemake_executor_domino.domino.cron import from_quartz, parse_timezone
from snakemake_executor_domino.exceptions import CronError

PREVIEW_FIRES = 5


def mode_text(concurrent: bool) -> str:
    return (
        "concurrent (a fire starts even while the previous fire's job runs)"
        if concurrent
        else "sequential (a fire is skipped while the previous fire's job still runs)"
    )


def next_fire_ms(s: ScheduledJob) -> int | None:
    if s.next_fire_ms is not None:
        return s.next_fire_ms
    try:  # a Domino that does not say: compute it the same way
        zone = parse_timezone(s.timezone)
        return int(from_quartz(s.cron).next_time(datetime.now(zone)).timestamp() * 1000)
    except CronError:
        return None


def fire_time(ms: int | None, zone_name: str) -> str:
    if ms is None:
        return "-"
    try:
        zone = parse_timezone(zone_name)
    except CronError:
        zone = None
    return datetime.fromtimestamp(ms / 1000, zone).strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def run_text(run: ScheduledRun | None) -> str:
    if run is None or run.job_id is None:
        return "-"
    return f"#{run.job_number} {run.status}"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
