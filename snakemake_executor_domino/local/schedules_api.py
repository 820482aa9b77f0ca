"""Request handling for scheduled jobs: parse and validate, call the scheduler, render.

Domino's routes (python-domino's scheduled_job_* calls use them):
    GET/POST          /v4/projects/{projectId}/scheduledjobs
    GET/PUT/DELETE    /v4/projects/{projectId}/scheduledjobs/{scheduledJobId}
    GET               /v4/users/self        (whose id goes into scheduledByUserId)
Local-only extras (a real Domino has no such routes; the client falls back without them):
    POST              /v4/projects/{projectId}/scheduledjobs/{scheduledJobId}/run
    GET               /v4/projects/{projectId}/scheduledjobs/{scheduledJobId}/runs
A PUT replaces every setting, as Domino's does. Nothing is stored unless all of it is valid.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import Body, Depends, Query, Request

from snakemake_executor_domino.schedules import CronError, from_quartz, parse_timezone

from . import render, schedules_render
from .api import _bool_field, _object, _optional_str, _project_by_id, _required_str
from .auth import Principal, authenticate, backend
from .backend import Backend
from .errors import ApiError, bad_request, not_found
from .models import NotFound, Project, ScheduledJob
from .scheduler import FireRefused

REVISION_SPECS = ("ActiveRevision", "LatestRevision", "RestrictedRevision")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_FIRES_LISTED = 500


# -- helpers ----------------------------------------------------------------------------------


def _schedule(be: Backend, project: Project, schedule_id: str) -> ScheduledJob:
    try:
        return be.scheduler.schedules.get(schedule_id, project.id)
    except NotFound:
        raise not_found(
            f"scheduled job {schedule_id} not found in project {project.full_name}; list them "
            f"with GET /v4/projects/{project.id}/scheduledjobs"
        ) from None


def _rendered(be: Backend, s: ScheduledJob) -> dict[str, Any]:
    last = None
    if s.last_job_id:
        try:
            last = be.store.get_job(s.last_job_id)
        except NotFound:
            pass
    return schedules_render.scheduled_job(s, be.config.tier(s.tier_id), last)


def _fields(be: Backend, body: Any, who: Principal) -> dict[str, Any]:
    """Every setting of a scheduled job from a POST or PUT body, validated."""
    body = _object(body)
    title = _required_str(body, "title")
    command = _required_str(body, "command")
    schedule = body.get("schedule")
    if not isinstance(schedule, dict):
        raise bad_request(
            "missing required field 'schedule': an object such as "
            '{"cronString": "0 0 3 * * ?", "isCustom": true}'
        )
    cron_string = _required_str(schedule, "cronString")
    try:
        cron = from_quartz(cron_string)
    except CronError as exc:
        raise bad_request(f"invalid schedule.cronString: {exc}") from None
    is_custom = _bool_field(schedule, "isCustom", True)
    timezone_id = _optional_str(body, "timezoneId") or "UTC"
    try:
        parse_timezone(timezone_id)
    except CronError as exc:
        raise bad_request(f"invalid timezoneId: {exc}") from None
    tier_id = _optional_str(body, "hardwareTierIdentifier")
    tier = be.config.tier(tier_id) if tier_id else be.config.default_tier
    if tier is None:
        raise bad_request(
            f"unknown hardware tier '{tier_id}' in hardwareTierIdentifier; valid tiers: "
            f"{be.config.tier_list_text()}"
        )
    user_id = _optional_str(body, "scheduledByUserId") or who.user_id
    username = be.scheduler.schedules.username_of(user_id)
    if username is None:
        raise bad_request(
            f"scheduledByUserId {user_id} is not a user of this Domino; get yours with "
            "GET /v4/users/self"
        )
    return {
        "title": title,
        "command": command,
        "cron_string": cron.quartz,
        "is_custom": int(is_custom),
        "timezone_id": timezone_id,
        "is_paused": int(_bool_field(body, "isPaused", False)),
        "allow_concurrent": int(_bool_field(body, "allowConcurrentExecution", False)),
        "tier_id": tier.id,
        "environment_id": _optional_str(body, "overrideEnvironmentId") or None,
        "environment_revision_spec": json.dumps(_revision_spec(body)),
        "notify_emails": json.dumps(_emails(body)),
        "scheduled_by_id": user_id,
        "scheduled_by_username": username,
    }


def _revision_spec(body: dict[str, Any]) -> Any:
    spec = body.get("environmentRevisionSpec")
    if spec is None:
        return "ActiveRevision"
    if spec in REVISION_SPECS:
        return spec
    if isinstance(spec, dict) and isinstance(spec.get("revisionId"), str):
        return {"revisionId": spec["revisionId"]}
    raise bad_request(
        f"invalid environmentRevisionSpec {spec!r}; use one of {', '.join(REVISION_SPECS)} "
        'or {"revisionId": "<id>"}'
    )


def _emails(body: dict[str, Any]) -> list[str]:
    emails = body.get("notifyOnCompleteEmailAddresses")
    if emails is None:
        return []
    if not isinstance(emails, list):
        raise bad_request("field 'notifyOnCompleteEmailAddresses' must be a list of addresses")
    bad = [e for e in emails if not isinstance(e, str) or not EMAIL_RE.match(e)]
    if bad:
        raise bad_request(
            f"not an email address in notifyOnCompleteEmailAddresses: {bad[0]!r}"
        )
    return list(dict.fromkeys(emails))


# -- routes -----------------------------------------------------------------------------------


def current_user(who: Annotated[Principal, Depends(authenticate)]) -> dict[str, Any]:
    return {"id": who.user_id, "userName": who.username, "fullName": who.username}


def list_scheduled_jobs(request: Request, projectId: str) -> list[dict[str, Any]]:  # noqa: N803
    be = backend(request)
    project = _project_by_id(be, projectId)
    return [_rendered(be, s) for s in be.scheduler.schedules.list(project.id)]


def create_scheduled_job(
    request: Request,
    projectId: str,  # noqa: N803 (Domino's parameter names)
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    project = _project_by_id(be, projectId)
    fields = _fields(be, body, who)
    return _rendered(be, be.scheduler.create(project_id=project.id, **fields))


def get_scheduled_job(
    request: Request, projectId: str, scheduledJobId: str  # noqa: N803
) -> dict[str, Any]:
    be = backend(request)
    return _rendered(be, _schedule(be, _project_by_id(be, projectId), scheduledJobId))


def update_scheduled_job(
    request: Request,
    projectId: str,  # noqa: N803
    scheduledJobId: str,  # noqa: N803
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    existing = _schedule(be, _project_by_id(be, projectId), scheduledJobId)
    fields = _fields(be, body, who)
    return _rendered(be, be.scheduler.replace(existing.id, **fields))


def delete_scheduled_job(
    request: Request, projectId: str, scheduledJobId: str  # noqa: N803
) -> dict[str, Any]:
    be = backend(request)
    existing = _schedule(be, _project_by_id(be, projectId), scheduledJobId)
    be.scheduler.delete(existing.id)
    return {"id": existing.id, "deleted": True}


def run_scheduled_job(
    request: Request, projectId: str, scheduledJobId: str  # noqa: N803
) -> dict[str, Any]:
    """Local-only: fire now, by the schedule's own rules (a sequential one refuses while its
    previous job runs)."""
    be = backend(request)
    existing = _schedule(be, _project_by_id(be, projectId), scheduledJobId)
    try:
        job = be.scheduler.run_now(existing.id)
    except FireRefused as exc:
        raise ApiError(409, f"scheduled job {existing.id} not fired: {exc}") from None
    return render.job(job)


def scheduled_job_runs(
    request: Request,
    projectId: str,  # noqa: N803
    scheduledJobId: str,  # noqa: N803
    limit: int = Query(50, ge=1, le=MAX_FIRES_LISTED),
) -> dict[str, Any]:
    """Local-only: the schedule's fires, newest first, with the job each one started."""
    be = backend(request)
    existing = _schedule(be, _project_by_id(be, projectId), scheduledJobId)
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
