"""JSON shapes of jobs: the v4 Job and JobSet (swagger-5-0.json), their logs, and the v1 run
status and output (apiary.apib, as python-domino 2.2 reads them).

A job's hardware tier and environment are not part of Domino 5.0's Job; the v1 run status
names the tier (`hardwareTierId`), and the server's own store knows both.
"""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.local.api.flavor import Flavor
from snakemake_executor_domino.local.store.rows import Job

# the v1 description's run statuses name the v4 Pending step "Scheduled" (executor
# assigned, about to start); every other status has the same name in both
V1_STATUS = {"Pending": "Scheduled"}

# python-domino's runs_stdout strips exactly this opening tag, a closing </pre> at the end
# and <span...> tags, so the v1 output is the log inside this tag
STDOUT_OPEN = (
    "<pre style='white-space: pre-wrap; white-space: -moz-pre-wrap; white-space: -pre-wrap; "
    "white-space: -o-pre-wrap; word-wrap: break-word; word-wrap: break-all;'>"
)
STDOUT_CLOSE = "</pre>"


def job(j: Job, flavor: Flavor) -> dict[str, Any]:
    """domino.jobs.interface.Job: every required field, with what the local Domino has."""
    body: dict[str, Any] = {
        "id": j.id,
        "number": j.number,
        "title": j.title or None,
        "jobRunCommand": j.command,
        "stageTime": {
            "submissionTime": j.submitted_ms,
            "runStartTime": j.started_ms,
            "completedTime": j.completed_ms,
        },
        "startedBy": {"id": j.started_by_id, "username": j.started_by_username},
        "commitDetails": {
            "inputCommitId": j.input_commit_id,
            "outputCommitId": j.output_commit_id,
        },
        "statuses": {
            "isCompleted": j.is_completed,
            "isArchived": False,
            "isScheduled": bool(j.is_scheduled),
            # no volumes here to recover
            "volumeRecoverabilityStatus": "NoActionNecessary",
            "executionStatus": j.status,
        },
        # nothing the local Domino has: no tags, comments, goals, git repositories,
        # datasets, imported projects or external volumes
        "tags": [],
        "commentsCount": 0,
        "dominoStats": [],
        "dependentRepositories": [],
        "dependentDatasetMounts": [],
        "dependentProjects": [],
        "dependentExternalVolumeMounts": [],
        "suggestDatasets": False,
        "goalIds": [],
    }
    if flavor.job_has_project_id:
        body["projectId"] = j.project_id
    used = usage_in_job(j)
    if used is not None:  # Job.usage is nullable: only a finished, measured job has one
        body["usage"] = used
    return body


def usage_in_job(j: Job) -> dict[str, Any] | None:
    """5.0's JobUsageInJob {cpu, memory}. Domino documents no units; the local Domino
    serves cpu as cores (the job's CPU time over its running time) and memory as bytes
    (its peak), the reading the client takes, here and in its usage samples."""
    if j.cpu_seconds is None or j.started_ms is None or j.completed_ms is None:
        return None
    seconds = max(j.completed_ms - j.started_ms, 1) / 1000
    return {"cpu": round(j.cpu_seconds / seconds, 4), "memory": j.peak_memory_bytes or 0}


def runtime_details(
    j: Job, flavor: Flavor, environment_name: str, revision_id: str | None
) -> dict[str, Any]:
    """JobRuntimeExecutionDetails: the tier and environment a job ran with."""
    environment: dict[str, Any] = {"environmentName": environment_name}
    if revision_id:
        environment["environmentRevisionId"] = revision_id
    body: dict[str, Any] = {
        "environment": environment,
        "executorInfo": {"executorInstanceId": "local", "region": "local"},
    }
    if flavor.runtime_tier_object:
        body["hardwareTier"] = {"id": j.tier_id, "name": j.tier_name}
    else:
        body["hardwareTier"] = j.tier_name
        body["hardwareTierId"] = j.tier_id
    return body


def job_set(
    jobs: list[Job], total: int, flavor: Flavor, *, page_size: int, page_no: int,
    sort_by: str, order_by: str,
) -> dict[str, Any]:
    """domino.jobs.interface.JobSet; `pagination` says the page size actually served."""
    return {
        "jobs": [job(j, flavor) for j in jobs],
        "totalCount": total,
        "pagination": {
            "pageSize": page_size,
            "pageNo": page_no,
            "sortBy": sort_by,
            "orderBy": order_by,
        },
        "dominoStatColumns": [],
    }


def log_set(
    lines: list[tuple[str, str]], stamp_ms: int, complete: bool, *, limit: int, offset: int
) -> dict[str, Any]:
    """LogsWithProblemSuggestion: (logType, line) pairs, one page of them."""
    page = lines[offset : offset + limit]
    return {
        "logset": {
            "logContent": [
                {
                    "timestamp": stamp_ms,
                    "logType": kind,
                    "log": text,
                    "size": len(text.encode()),
                }
                for kind, text in page
            ],
            "isComplete": complete,
            "pagination": {"limit": limit, "offset": offset},
        },
    }


def run_status(j: Job) -> dict[str, Any]:
    """The v1 "Run status" (GET /v1/projects/{owner}/{project}/runs/{runId})."""
    return {
        "id": j.id,
        "projectId": j.project_id,
        "number": j.number,
        "startingUserId": j.started_by_id,
        "queued": j.submitted_ms,
        "started": j.started_ms,
        "completed": j.completed_ms,
        "status": V1_STATUS.get(j.status, j.status),
        "commitId": j.input_commit_id,
        "executor": "local",
        "outputCommitId": j.output_commit_id,
        "title": j.title or None,
        "isArchived": False,
        "postProcessedTimestamp": j.completed_ms,
        "diagnosticStatistics": {"isError": False, "data": []},
        "isCompleted": j.is_completed,
        "hardwareTierId": j.tier_id,
    }


def run_output(setup: str, output: str) -> dict[str, Any]:
    """GET /v1/.../run/{runId}/stdout: the setup log as text, the output as HTML-in-text."""
    return {"setup": setup, "stdout": f"{STDOUT_OPEN}{output}{STDOUT_CLOSE}"}
