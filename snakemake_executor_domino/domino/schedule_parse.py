"""Domino's scheduled-job JSON -> models (pure): 5.0's ScheduledJobDto, and the fires of a
schedule that the local Domino's own route answers."""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.domino.models import ScheduledJob, ScheduledRun
from snakemake_executor_domino.domino.parse import epoch_ms


def scheduled_jobs(body: Any) -> list[ScheduledJob]:
    items = body if isinstance(body, list) else []  # 5.0: an array of ScheduledJobDto
    return [scheduled_job(item) for item in items]


def scheduled_job(body: dict[str, Any]) -> ScheduledJob:
    schedule = body.get("schedule") or {}
    last = body.get("lastRun")
    return ScheduledJob(
        id=str(body["id"]),
        title=body.get("title") or "",
        command=body.get("command") or "",
        cron=schedule.get("cronString") or "",
        timezone=body.get("timezoneId") or "UTC",
        is_paused=bool(body.get("isPaused", False)),
        allow_concurrent=bool(body.get("allowConcurrentExecution", False)),
        tier_id=body.get("hardwareTierIdentifier"),
        tier_name=body.get("hardwareTierName"),
        environment_id=body.get("overrideEnvironmentId"),
        notify=tuple(body.get("notifyOnCompleteEmailAddresses") or ()),
        scheduled_by=body.get("scheduledByUserName") or body.get("scheduledByUserId"),
        next_fire_ms=epoch_ms(body.get("nextScheduledTime")),
        last_run=_job_summary(last) if isinstance(last, dict) else None,
        raw=body,
    )


def scheduled_run(body: dict[str, Any]) -> ScheduledRun:
    job_body = body.get("job") or {}
    summary = _job_summary(job_body) if job_body else ScheduledRun(None, None, None, None)
    return ScheduledRun(
        job_id=summary.job_id,
        job_number=summary.job_number,
        status=summary.status,
        output_commit_id=summary.output_commit_id,
        fire_ms=epoch_ms(body.get("fireTime")),
        outcome=body.get("outcome") or "started",
        manual=bool(body.get("manual", False)),
        reason=body.get("reason"),
    )


def _job_summary(body: dict[str, Any]) -> ScheduledRun:
    return ScheduledRun(
        job_id=body.get("jobId"),
        job_number=body.get("jobNumber"),
        status=body.get("status"),
        output_commit_id=body.get("outputCommitId"),
    )
