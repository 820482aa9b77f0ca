"""JSON shapes of scheduled jobs: Domino 5.0's ScheduledJobDto (swagger-5-0.json), or the
newer shape python-domino's scheduled_job_* calls read (flavor.py), and the fire history
the local-only `/_local/scheduledjobs/{id}/runs` answers."""

from __future__ import annotations

import json
from typing import Any

from snakemake_executor_domino.local.api.cron_text import describe
from snakemake_executor_domino.local.api.flavor import Flavor
from snakemake_executor_domino.local.api.project_shapes import iso
from snakemake_executor_domino.local.config import Tier
from snakemake_executor_domino.local.store.rows import Job, ScheduledJob, ScheduleFire


def scheduled_job(s: ScheduledJob, tier: Tier | None, flavor: Flavor) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": s.id,
        "created": iso(s.created_ms),
        "projectId": s.project_id,
        "title": s.title,
        "command": s.command,
        "schedule": {
            "cronString": s.cron_string,
            "isCustom": bool(s.is_custom),
            "humanReadableCronString": describe(s.cron_string),
        },
        "timezoneId": s.timezone_id,
        "isPaused": bool(s.is_paused),
        "allowConcurrentExecution": bool(s.allow_concurrent),
        "hardwareTierIdentifier": s.tier_id,
        # a tier removed from the config since keeps its id as its only name
        "hardwareTierName": tier.name if tier else s.tier_id,
        "scheduledByUserId": s.scheduled_by_id,
        "scheduledByUserName": s.scheduled_by_username,
        "notifyOnCompleteEmailAddresses": json.loads(s.notify_emails),
        flavor.revision_field: json.loads(s.environment_revision_spec),
    }
    if s.environment_id:
        body["overrideEnvironmentId"] = s.environment_id
    if flavor.requires_publish_after_completed:
        # the local Domino publishes no models, so no schedule here asks it to
        body["publishAfterCompleted"] = False
    else:
        # what python-domino's scheduled-job mock answers beside its fields
        body["dataConfig"] = {
            "snapshotDatasetsOnCompletion": False,
            "snapshotNetAppVolumesOnCompletion": False,
        }
    return body


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
