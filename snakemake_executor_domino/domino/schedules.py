"""Scheduled jobs: Domino's /v4/projects/{projectId}/scheduledjobs, and the request bodies
it takes (5.0's or newer Domino's, by its version). The fire-now and fire-history calls are
local-Domino extras under /_local/: where a Domino has no such route they answer None, and
callers manage without them (see cli/schedule/history.py and control.py)."""

from __future__ import annotations

import re
from typing import Any

from snakemake_executor_domino.domino import parse, routes, schedule_parse
from snakemake_executor_domino.domino.errors import (
    DominoError,
    DominoNotFound,
    DominoReloginRequired,
)
from snakemake_executor_domino.domino.http import Http
from snakemake_executor_domino.domino.models import Job, ScheduledJob, ScheduledRun, ScheduleSpec

# Fields of a scheduled job's answer that its PUT does not take: in 5.0's ScheduledJobDto
# but not its UpdatedScheduledJobDTO, and the schedule's humanReadableCronString (in
# CronScheduleDTO, not EditCronScheduleDTO). `nextScheduledTime` and `lastRun` were local
# Domino extras, never Domino's. `dataConfig` (newer Domino's answers, python-domino's
# scheduled-job branch) goes back as the top-level fields that branch sends.
READ_ONLY = frozenset({
    "id", "created", "projectId", "hardwareTierName", "scheduledByUserName",
    "nextScheduledTime", "lastRun", "dataConfig",
})
READ_ONLY_SCHEDULE = frozenset({"humanReadableCronString"})
ACTIVE_REVISION = "ActiveRevision"


def newer_api(version: str) -> bool:
    """Whether a Domino of this version takes newer Domino's scheduled-job body.

    5.0's OpenAPI (NewScheduledJobDto) requires publishAfterCompleted and names the
    revision overrideEnvironmentRevisionSpec; newer Domino (python-domino's scheduled-job
    branch) takes environmentRevisionSpec and no publishAfterCompleted. No document says in
    which release it changed: 6 and later are taken as newer, 5.x and older as 5.0.
    """
    match = re.match(r"\s*v?(\d+)", version or "")
    return match is not None and int(match.group(1)) >= 6


def create_body(spec: ScheduleSpec, user_id: str, version: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": spec.title,
        "command": spec.command,
        "schedule": {"cronString": spec.cron, "isCustom": True},
        "timezoneId": spec.timezone,
        "isPaused": spec.paused,
        "allowConcurrentExecution": spec.concurrent,
        "hardwareTierIdentifier": spec.tier_id,
        "scheduledByUserId": user_id,
        "notifyOnCompleteEmailAddresses": list(spec.notify),
    }
    if newer_api(version):
        body["environmentRevisionSpec"] = ACTIVE_REVISION
    else:
        body["publishAfterCompleted"] = False
        body["overrideEnvironmentRevisionSpec"] = ACTIVE_REVISION
    if spec.environment_id:
        body["overrideEnvironmentId"] = spec.environment_id
    return body


def update_payload(raw: dict[str, Any]) -> dict[str, Any]:
    """A scheduled job's GET answer as the body of its PUT: everything Domino returned but
    the read-only fields, so settings this client does not know survive a pause."""
    payload = {key: value for key, value in raw.items() if key not in READ_ONLY}
    if isinstance(payload.get("schedule"), dict):
        payload["schedule"] = {
            k: v for k, v in payload["schedule"].items() if k not in READ_ONLY_SCHEDULE
        }
    data = raw.get("dataConfig") or {}
    for key in ("snapshotDatasetsOnCompletion", "snapshotNetAppVolumesOnCompletion"):
        if key in data and key not in payload:
            payload[key] = data[key]
    return payload


class ScheduleCalls:
    """The scheduled-job calls of DominoClient (mixed into it)."""

    http: Http
    owner: str
    project_name: str

    @property
    def project_id(self) -> str:  # provided by DominoClient
        raise NotImplementedError

    def domino_version(self) -> str:  # provided by DominoClient
        raise NotImplementedError

    def current_user_id(self) -> str:
        """Who we are: Domino wants it as a scheduled job's scheduledByUserId."""
        return self.current_user().id  # type: ignore[attr-defined]  # DeploymentCalls

    def list_scheduled_jobs(self) -> list[ScheduledJob]:
        body = self.http.json(
            "GET", routes.scheduled_jobs(self.project_id), what="list scheduled jobs"
        )
        return schedule_parse.scheduled_jobs(body)

    def get_scheduled_job(self, schedule_id: str) -> ScheduledJob:
        try:
            body = self.http.json(
                "GET",
                routes.scheduled_job(self.project_id, schedule_id),
                what=f"scheduled job {schedule_id}",
            )
        except DominoNotFound:
            raise DominoNotFound(
                f"scheduled job {schedule_id} does not exist in project "
                f"{self.owner}/{self.project_name}.",
                404,
            ) from None
        return schedule_parse.scheduled_job(body)

    def create_scheduled_job(self, spec: ScheduleSpec) -> ScheduledJob:
        # a POST is never repeated blindly (see http.py): a lost answer could mean the
        # schedule exists, and a second one would fire every job twice
        payload = create_body(spec, self.current_user_id(), self.domino_version())
        body = self.http.json(
            "POST",
            routes.scheduled_jobs(self.project_id),
            json=payload,
            what=f"create scheduled job '{spec.title}'",
        )
        return schedule_parse.scheduled_job(body)

    def set_scheduled_job_paused(self, schedule_id: str, paused: bool) -> ScheduledJob:
        """Domino's PUT replaces every setting, so send back what it holds with isPaused set."""
        current = self.get_scheduled_job(schedule_id)
        payload = {**update_payload(current.raw), "isPaused": paused}
        body = self.http.json(
            "PUT",
            routes.scheduled_job(self.project_id, schedule_id),
            json=payload,
            what=f"{'pause' if paused else 'resume'} scheduled job {schedule_id}",
        )
        return schedule_parse.scheduled_job(body)

    def delete_scheduled_job(self, schedule_id: str) -> None:
        self.get_scheduled_job(schedule_id)  # an unknown id says so, not "404"
        self.http.request(
            "DELETE",
            routes.scheduled_job(self.project_id, schedule_id),
            what=f"delete scheduled job {schedule_id}",
        )

    def run_scheduled_job(self, schedule_id: str) -> Job | None:
        """Fire now: a local-Domino extra (no Domino has such a call); None where absent."""
        self.get_scheduled_job(schedule_id)
        try:
            body = self.http.json(
                "POST",
                routes.local_scheduled_job_run(schedule_id),
                what=f"fire scheduled job {schedule_id}",
            )
        except DominoNotFound:
            return None
        except DominoReloginRequired as exc:
            # not Domino's 409: the local Domino refusing to fire (a sequential schedule
            # whose previous job still runs), in its own words
            raise DominoError(
                f"fire scheduled job {schedule_id}: refused ({exc.detail})", exc.status
            ) from None
        return parse.job(body)

    def scheduled_job_runs(self, schedule_id: str, limit: int = 20) -> list[ScheduledRun] | None:
        """The schedule's fires, newest first: a local-Domino extra; None where absent."""
        try:
            body = self.http.json(
                "GET",
                routes.local_scheduled_job_runs(schedule_id),
                params={"limit": limit},
                what=f"fires of scheduled job {schedule_id}",
            )
        except DominoNotFound:
            self.get_scheduled_job(schedule_id)  # an unknown id is an error, not "unsupported"
            return None
        return [schedule_parse.scheduled_run(item) for item in body.get("runs", [])]
