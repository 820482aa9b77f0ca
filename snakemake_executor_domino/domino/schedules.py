"""Scheduled jobs: Domino's /v4/projects/{projectId}/scheduledjobs, and the request bodies
it takes. The fire-now and fire-history calls are local-Domino extras: where a Domino has
no such route they answer None, and callers manage without them."""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.domino import parse, routes
from snakemake_executor_domino.domino.errors import DominoNotFound
from snakemake_executor_domino.domino.http import Http
from snakemake_executor_domino.domino.models import Job, ScheduledJob, ScheduledRun, ScheduleSpec

# What Domino's scheduled-job PUT takes (python-domino's scheduled_job_update); the other
# fields of a GET answer (id, created, names, local extras) are read-only.
_SCHEDULE_WRITABLE = (
    "title", "command", "schedule", "timezoneId", "isPaused", "allowConcurrentExecution",
    "hardwareTierIdentifier", "environmentRevisionSpec", "scheduledByUserId",
    "notifyOnCompleteEmailAddresses", "publishModelId", "capacityType",
    "overrideEnvironmentId", "externalVolumeMounts", "computeClusterProperties",
    "mainRepoGitRef",
)


def create_body(spec: ScheduleSpec, user_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": spec.title,
        "command": spec.command,
        "schedule": {"cronString": spec.cron, "isCustom": True},
        "timezoneId": spec.timezone,
        "isPaused": spec.paused,
        "allowConcurrentExecution": spec.concurrent,
        "hardwareTierIdentifier": spec.tier_id,
        "environmentRevisionSpec": "ActiveRevision",
        "scheduledByUserId": user_id,
        "notifyOnCompleteEmailAddresses": list(spec.notify),
    }
    if spec.environment_id:
        body["overrideEnvironmentId"] = spec.environment_id
    return body


def update_payload(raw: dict[str, Any]) -> dict[str, Any]:
    """A scheduled job's GET answer as the body of its PUT (all settings, kept as they are)."""
    payload = {key: raw[key] for key in _SCHEDULE_WRITABLE if key in raw}
    data = raw.get("dataConfig") or {}
    for key in ("snapshotDatasetsOnCompletion", "snapshotNetAppVolumesOnCompletion"):
        if key in data:
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

    def current_user_id(self) -> str:
        """Who we are: Domino wants it as a scheduled job's scheduledByUserId."""
        body = self.http.json("GET", routes.current_user(), what="look up the current user")
        return str(body["id"])

    def list_scheduled_jobs(self) -> list[ScheduledJob]:
        body = self.http.json(
            "GET", routes.scheduled_jobs(self.project_id), what="list scheduled jobs"
        )
        return parse.scheduled_jobs(body)

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
        return parse.scheduled_job(body)

    def create_scheduled_job(self, spec: ScheduleSpec) -> ScheduledJob:
        # a POST is never repeated blindly (see http.py): a lost answer could mean the
        # schedule exists, and a second one would fire every job twice
        payload = create_body(spec, self.current_user_id())
        body = self.http.json(
            "POST",
            routes.scheduled_jobs(self.project_id),
            json=payload,
            what=f"create scheduled job '{spec.title}'",
        )
        return parse.scheduled_job(body)

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
        return parse.scheduled_job(body)

    def delete_scheduled_job(self, schedule_id: str) -> None:
        self.get_scheduled_job(schedule_id)  # an unknown id says so, not "404"
        self.http.request(
            "DELETE",
            routes.scheduled_job(self.project_id, schedule_id),
            what=f"delete scheduled job {schedule_id}",
        )

    def run_scheduled_job(self, schedule_id: str) -> Job | None:
        """Fire now (local-Domino route); None where the Domino has no such route."""
        self.get_scheduled_job(schedule_id)
        try:
            body = self.http.json(
                "POST",
                routes.local_scheduled_job_run(self.project_id, schedule_id),
                what=f"fire scheduled job {schedule_id}",
            )
        except DominoNotFound:
            return None
        return parse.job(body)

    def scheduled_job_runs(self, schedule_id: str, limit: int = 20) -> list[ScheduledRun] | None:
        """The schedule's fires, newest first (local-Domino route); None where unsupported."""
        try:
            body = self.http.json(
                "GET",
                routes.local_scheduled_job_runs(self.project_id, schedule_id),
                params={"limit": limit},
                what=f"fires of scheduled job {schedule_id}",
            )
        except DominoNotFound:
            self.get_scheduled_job(schedule_id)  # an unknown id is an error, not "unsupported"
            return None
        return [parse.scheduled_run(item) for item in body.get("runs", [])]
