"""Request handling for scheduled jobs: validate against Domino's request schema, call the
scheduler, render (scheduled_job_shapes.py).

Domino's routes (swagger-5-0.json; python-domino's scheduled_job_* calls use them):
    GET/POST          /v4/projects/{projectId}/scheduledjobs
    GET/PUT/DELETE    /v4/projects/{projectId}/scheduledjobs/{scheduledJobId}
The body is Domino 5.0's NewScheduledJobDto, or in the `latest` flavor the body python-domino
sends (flavor.py). A PUT replaces every setting, as Domino's does. Nothing is stored unless
all of it is valid. Firing by hand and the fire history are local-only (local_api.py).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import Body, Request
from fastapi.responses import Response

from snakemake_executor_domino.domino.cron import from_quartz, parse_timezone
from snakemake_executor_domino.exceptions import CronError
from snakemake_executor_domino.local.api import scheduled_job_shapes as schedules_render
from snakemake_executor_domino.local.api.api_errors import bad_request, not_found
from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.api.flavor import Flavor
from snakemake_executor_domino.local.api.projects_api import project_by_id
from snakemake_executor_domino.local.api.validate import (
    body_object,
    optional_str,
    required_bool,
    required_list,
    required_object,
    required_str,
)
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.rows import NotFound, Project, ScheduledJob

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# settings a Domino honours that the local one has nothing to honour them with
UNSUPPORTED = {
    "publishModelId": "the local Domino has no models to publish",
    "datasetConfig": "the local Domino has no datasets",
    "onDemandSparkClusterProperties": "the local Domino has no compute clusters",
    "computeClusterProperties": "the local Domino has no compute clusters",
}


# -- helpers ----------------------------------------------------------------------------------


def schedule_of(be: Backend, project: Project, schedule_id: str) -> ScheduledJob:
    try:
        return be.scheduler.schedules.get(schedule_id, project.id)
    except NotFound:
        raise not_found(
            f"scheduled job {schedule_id} not found in project {project.full_name}; list them "
            f"with GET /v4/projects/{project.id}/scheduledjobs"
        ) from None


def _rendered(be: Backend, s: ScheduledJob) -> dict[str, Any]:
    return schedules_render.scheduled_job(s, be.config.tier(s.tier_id), be.config.flavor)


def _fields(be: Backend, body: Any) -> dict[str, Any]:
    """Every setting of a scheduled job from a POST or PUT body, validated."""
    body = body_object(body)
    flavor = be.config.flavor
    schedule = required_object(
        body, "schedule", '{"cronString": "0 0 3 * * ?", "isCustom": true}'
    )
    try:
        cron = from_quartz(required_str(schedule, "cronString"))
    except CronError as exc:
        raise bad_request(f"invalid schedule.cronString: {exc}") from None
    timezone_id = required_str(body, "timezoneId")
    try:
        parse_timezone(timezone_id)
    except CronError as exc:
        raise bad_request(f"invalid timezoneId: {exc}") from None
    tier_id = required_str(body, "hardwareTierIdentifier")
    tier = be.config.tier(tier_id)
    if tier is None:
        raise bad_request(
            f"unknown hardware tier '{tier_id}' in hardwareTierIdentifier; valid tiers: "
            f"{be.config.tier_list_text()}"
        )
    user_id = required_str(body, "scheduledByUserId")
    username = be.scheduler.schedules.username_of(user_id)
    if username is None:
        raise bad_request(
            f"scheduledByUserId {user_id} is not a user of this Domino; get yours with "
            "GET /v4/users/self"
        )
    _refuse_unsupported(body, flavor)
    return {
        "title": required_str(body, "title"),
        "command": required_str(body, "command"),
        "cron_string": cron.quartz,
        "is_custom": int(required_bool(schedule, "isCustom")),
        "timezone_id": timezone_id,
        "is_paused": int(required_bool(body, "isPaused")),
        "allow_concurrent": int(required_bool(body, "allowConcurrentExecution")),
        "tier_id": tier.id,
        "environment_id": optional_str(body, "overrideEnvironmentId") or None,
        "environment_revision_spec": json.dumps(_revision_spec(body, flavor)),
        "notify_emails": json.dumps(_emails(body)),
        "scheduled_by_id": user_id,
        "scheduled_by_username": username,
    }


def _refuse_unsupported(body: dict[str, Any], flavor: Flavor) -> None:
    if flavor.requires_publish_after_completed and required_bool(body, "publishAfterCompleted"):
        raise bad_request(
            "publishAfterCompleted: the local Domino has no models to publish; send false"
        )
    for name, why in UNSUPPORTED.items():
        if body.get(name) is not None:
            raise bad_request(f"field '{name}': {why}; leave it out")


def _revision_spec(body: dict[str, Any], flavor: Flavor) -> Any:
    spec = body.get(flavor.revision_field)
    if spec is None:
        return "ActiveRevision"
    if spec in flavor.revision_specs:
        return spec
    if isinstance(spec, dict) and isinstance(spec.get("revisionId"), str):
        return {"revisionId": spec["revisionId"]}
    raise bad_request(
        f"invalid {flavor.revision_field} {spec!r}; use one of "
        f"{', '.join(flavor.revision_specs)} or {{\"revisionId\": \"<id>\"}}"
    )


def _emails(body: dict[str, Any]) -> list[str]:
    emails = required_list(body, "notifyOnCompleteEmailAddresses")
    bad = [e for e in emails if not isinstance(e, str) or not EMAIL_RE.match(e)]
    if bad:
        raise bad_request(
            f"not an email address in notifyOnCompleteEmailAddresses: {bad[0]!r}"
        )
    return list(dict.fromkeys(emails))


# -- routes -----------------------------------------------------------------------------------


def list_scheduled_jobs(request: Request, projectId: str) -> list[dict[str, Any]]:  # noqa: N803
    be = backend(request)
    project = project_by_id(be, projectId)
    return [_rendered(be, s) for s in be.scheduler.schedules.list(project.id)]


def create_scheduled_job(
    request: Request,
    projectId: str,  # noqa: N803 (Domino's parameter names)
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    project = project_by_id(be, projectId)
    fields = _fields(be, body)
    return _rendered(be, be.scheduler.create(project_id=project.id, **fields))


def get_scheduled_job(
    request: Request, projectId: str, scheduledJobId: str  # noqa: N803
) -> dict[str, Any]:
    be = backend(request)
    return _rendered(be, schedule_of(be, project_by_id(be, projectId), scheduledJobId))


def update_scheduled_job(
    request: Request,
    projectId: str,  # noqa: N803
    scheduledJobId: str,  # noqa: N803
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    existing = schedule_of(be, project_by_id(be, projectId), scheduledJobId)
    fields = _fields(be, body)
    return _rendered(be, be.scheduler.replace(existing.id, **fields))


def delete_scheduled_job(
    request: Request, projectId: str, scheduledJobId: str  # noqa: N803
) -> Response:
    """Domino 5.0 answers a deletion with an empty 200."""
    be = backend(request)
    existing = schedule_of(be, project_by_id(be, projectId), scheduledJobId)
    be.scheduler.delete(existing.id)
    return Response(status_code=200)
