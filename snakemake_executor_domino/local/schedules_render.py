"""JSON shapes of scheduled jobs, with the field names of Domino's scheduled-job API
(`/v4/projects/{projectId}/scheduledjobs`, as python-domino's scheduled_job_* calls send and
read them). `nextScheduledTime`, `lastRun` and the fire history are local extras."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from .config import Tier
from .models import Job, ScheduledJob, ScheduleFire


def scheduled_job(s: ScheduledJob, tier: Tier | None, last_job: Job | None) -> dict[str, Any]:
    return {
        "id": s.id,
        "created": iso(s.created_ms),
        "projectId": s.project_id,
        "title": s.title,
        "command": s.command,
        "schedule": {"cronString": s.cron_string, "isCustom": bool(s.is_custom)},
        "timezoneId": s.timezone_id,
        "isPaused": bool(s.is_paused),
        "allowConcurrentExecution": bool(s.allow_concurrent),
        "hardwareTierIdentifier": s.tier_id,
        "hardwareTierName": tier.name if tier else None,
        "overrideEnvironmentId": s.environment_id,
        "environmentRevisionSpec": json.loads(s.environment_revision_spec),
        "scheduledByUserId": s.scheduled_by_id,
        "scheduledByUserName": s.scheduled_by_username,
        "notifyOnCompleteEmailAddresses": json.loads(s.notify_emails),
        "nextScheduledTime": iso(s.next_fire_ms) if s.next_fire_ms is not None else None,
        "lastRun": job_summary(last_job) if last_job else None,
    }


def job_summary(j: Job) -> dict[str, Any]:
    return {
        "jobId": j.id,
        "jobNumber": j.number,
        "status": j.status,
        "isCompleted": j.is_completed,
        "submissionTime": j.submitted_ms,
        "completedTime": j.completed_ms,
        "outputCommitId": j.output_commit_id,
    }


def fire(f: ScheduleFire, job: Job | None) -> dict[str, Any]:
    return {
        "fireTime": iso(f.fire_ms),
        "outcome": f.outcome,
        "manual": bool(f.manual),
        "reason": f.reason or None,
        "job": job_summary(job) if job else None,
    }


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
