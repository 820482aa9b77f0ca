"""Domino's JSON answers -> models. Pure functions, no I/O, tolerant of every documented
variant of an answer (see docs/client.md for which source documents which)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from snakemake_executor_domino.domino.models import (
    TERMINAL_STATES,
    FileEntry,
    HardwareTier,
    Job,
    Project,
    ScheduledJob,
    ScheduledRun,
)


def project(body: dict[str, Any], owner: str, name: str) -> Project:
    return Project(
        id=body["id"],
        owner=body.get("ownerUsername", owner),
        name=body.get("name", name),
    )


def hardware_tiers(body: list[dict[str, Any]]) -> list[HardwareTier]:
    tiers = []
    for item in body:
        tier = item.get("hardwareTier", item)
        resources = tier.get("hwtResources") or {}
        memory = resources.get("memory") or {}
        tiers.append(
            HardwareTier(
                id=tier["id"],
                name=tier.get("name", tier["id"]),
                is_default=bool(tier.get("isDefault", item.get("isDefault", False))),
                cores=resources.get("cores"),
                memory_gib=memory.get("value"),
            )
        )
    return tiers


def head_commit_id(commits: list[Any]) -> str | None:
    return commits[0]["id"] if commits else None


def file_entries(body: dict[str, Any]) -> list[FileEntry]:
    return [
        FileEntry(
            path=item["path"].lstrip("/"),
            size=int(item.get("size") or 0),
            key=item.get("key"),
            last_modified=item.get("lastModified"),
            is_directory=bool(item.get("isDirectory", False)),
        )
        for item in body.get("data", [])
    ]


def job(body: dict[str, Any]) -> Job:
    statuses = body.get("statuses") or {}
    commits = body.get("commitDetails") or {}
    stage = body.get("stageTime") or {}
    tier = body.get("hardwareTier") or {}
    status = statuses.get("executionStatus") or body.get("status") or "Unknown"
    return Job(
        id=body["id"],
        number=body.get("number"),
        title=body.get("title") or "",
        command=body.get("jobRunCommand") or body.get("commandToRun") or "",
        status=status,
        is_completed=bool(statuses.get("isCompleted", status in TERMINAL_STATES)),
        input_commit_id=commits.get("inputCommitId"),
        output_commit_id=commits.get("outputCommitId"),
        tier_id=tier.get("id") or body.get("hardwareTierId"),
        tier_name=tier.get("name"),
        submitted_ms=stage.get("submissionTime"),
        started_ms=stage.get("runStartTime"),
        completed_ms=stage.get("completedTime"),
        raw=body,
    )


def job_page(body: dict[str, Any]) -> tuple[list[Job], int]:
    jobs = [job(item) for item in body.get("jobs", [])]
    return jobs, int(body.get("totalCount", len(jobs)))


def run_log(body: dict[str, Any]) -> tuple[str, str]:
    """(setup log, output) of a v1 run stdout answer."""
    return body.get("setup") or "", body.get("stdout") or ""


def scheduled_jobs(body: Any) -> list[ScheduledJob]:
    items = body if isinstance(body, list) else body.get("scheduledJobs") or []
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


def epoch_ms(value: Any) -> int | None:
    """Milliseconds since the epoch from Domino's timestamps (a number or ISO 8601)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    try:
        return int(datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None
