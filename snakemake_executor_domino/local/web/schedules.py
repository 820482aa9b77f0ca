"""The scheduled-jobs section of the project page.

Isolated here because scheduled jobs are a separate feature of the local Domino: while the
store has no schedules API, the section is simply not shown (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..backend import Backend
from ..models import Project


@dataclass(frozen=True)
class ScheduleRow:
    title: str
    command: str
    cron: str
    tier: str
    next_ms: int | None
    paused: bool


def project_schedules(be: Backend, project: Project) -> list[ScheduleRow] | None:
    lister: Any = getattr(be.store, "list_schedules", None)
    if lister is None:
        return None
    return []
