"""The scheduled-jobs section of the project page: each schedule and its next fire time.

Kept apart because scheduled jobs are a separate feature of the local Domino (scheduler.py,
schedule_store.py): this is the one place the pages read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.rows import Project


@dataclass(frozen=True)
class ScheduleRow:
    title: str
    command: str
    cron: str
    timezone: str
    tier: str
    next_ms: int | None
    paused: bool
    last_job_id: str | None


def project_schedules(be: Backend, project: Project) -> list[ScheduleRow]:
    rows = []
    for s in be.scheduler.schedules.list(project.id):
        tier = be.config.tier(s.tier_id)
        rows.append(
            ScheduleRow(
                title=s.title,
                command=s.command,
                cron=s.cron_string,
                timezone=s.timezone_id,
                tier=tier.name if tier else s.tier_id,
                next_ms=s.next_fire_ms,
                paused=bool(s.is_paused),
                last_job_id=s.last_job_id,
            )
        )
    return rows
