"""The scheduled-jobs section of the project page: each schedule and its next fire time.

Isolated here because scheduled jobs are a separate feature of the local Domino
(schedule_store.py); where that module is absent the section is simply not shown (None).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ..backend import Backend
from ..models import Project


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


def project_schedules(be: Backend, project: Project) -> list[ScheduleRow] | None:
    try:
        module = importlib.import_module(f"{__package__.rpartition('.')[0]}.schedule_store")
    except ModuleNotFoundError:
        return None
    rows = []
    for s in module.ScheduleStore(be.store).list(project.id):
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
