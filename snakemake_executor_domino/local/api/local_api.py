"""Local-only extras: routes no Domino has, under the prefix `/_local/`, which no Domino
route uses. Clients must work without them (a real Domino answers 404).

    POST /_local/scheduledjobs/{scheduledJobId}/run          fire now, by the schedule's rules
    GET  /_local/scheduledjobs/{scheduledJobId}/runs?limit=N  its fires, newest first
"""

from __future__ import annotations

from typing import Any

from fastapi import Query, Request

from snakemake_executor_domino.local.api import job_shapes as render_jobs
from snakemake_executor_domino.local.api import scheduled_job_shapes as schedules_render
from snakemake_executor_domino.local.api.api_errors import ApiError, not_found
from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.jobs.scheduler import FireRefused
from snakemake_executor_domino.local.store.rows import NotFound, ScheduledJob

PREFIX = "/_local"
MAX_FIRES_LISTED = 500


def _schedule(be: Backend, schedule_id: str) -> ScheduledJob:
    try:
        return be.scheduler.schedules.get(schedule_id)
    except NotFound:
        raise not_found(
            f"scheduled job {schedule_id} not found; list a project's with "
            "GET /v4/projects/{projectId}/scheduledjobs"
        ) from None


def run_scheduled_job(request: Request, scheduledJobId: str) -> dict[str, Any]:  # noqa: N803
    """Fire now; a sequential schedule refuses while its previous job runs (409)."""
    be = backend(request)
    existing = _schedule(be, scheduledJobId)
    try:
        job = be.scheduler.run_now(existing.id)
    except FireRefused as exc:
        raise ApiError(409, f"scheduled job {existing.id} not fired: {exc}") from None
    return render_jobs.job(job, be.config.flavor)


def scheduled_job_runs(
    request: Request,
    scheduledJobId: str,  # noqa: N803
    limit: int = Query(50, ge=1, le=MAX_FIRES_LISTED),
) -> dict[str, Any]:
    """The schedule's fires (started, skipped, missed), newest first, with their jobs."""
    be = backend(request)
    existing = _schedule(be, scheduledJobId)
    runs = []
    for f in be.scheduler.schedules.fires(existing.id, limit):
        job = None
        if f.job_id:
            try:
                job = be.store.get_job(f.job_id)
            except NotFound:
                pass
        runs.append(schedules_render.fire(f, job))
    return {"runs": runs}
