"""JSON shapes of the API's objects, with real Domino's field names."""

from __future__ import annotations

import time
from typing import Any

from .config import Tier
from .jobenv import ENVIRONMENT_ID, ENVIRONMENT_NAME, ENVIRONMENT_REVISION_ID
from .models import Commit, DirEntry, FileEntry, Job, Project

DOMINO_VERSION = "5.11.1"


def version() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        ours = package_version("snakemake-executor-plugin-domino")
    except PackageNotFoundError:
        ours = "0"
    return {"version": DOMINO_VERSION, "buildId": f"local-{ours}", "commitId": "local"}


def project(p: Project) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "ownerId": p.owner_id,
        "ownerUsername": p.owner_username,
        "description": p.description,
        "visibility": p.visibility,
    }


def hardware_tier(t: Tier) -> dict[str, Any]:
    memory = {"value": _number(t.memory_gib), "unit": "GiB"}
    return {
        "hardwareTier": {
            "id": t.id,
            "name": t.name,
            "hwtResources": {
                "cores": _number(t.cores),
                "coresLimit": _number(t.cores),
                "memory": memory,
                "memoryLimit": memory,
            },
            "gpuConfiguration": {"numberOfGpus": t.gpus},
            "isDefault": t.is_default,
            "maxSimultaneousExecutions": t.max_concurrent,
            "availability": {"isArchived": False, "isVisible": True},
        }
    }


def commit(c: Commit) -> dict[str, Any]:
    return {"id": c.id, "message": c.message, "timestamp": c.timestamp_ms}


def file_entry(e: FileEntry | DirEntry) -> dict[str, Any]:
    if isinstance(e, DirEntry):
        return {"path": e.path, "size": 0, "key": None, "lastModified": None, "isDirectory": True}
    return {
        "path": e.path,
        "size": e.size,
        "key": e.key,
        "lastModified": e.last_modified_ms,
        "isDirectory": False,
    }


def uploaded(e: FileEntry, commit_id: str) -> dict[str, Any]:
    return {
        "path": e.path,
        "size": e.size,
        "key": e.key,
        "lastModified": e.last_modified_ms,
        "commitId": commit_id,
    }


def job(j: Job) -> dict[str, Any]:
    return {
        "id": j.id,
        "number": j.number,
        "projectId": j.project_id,
        "title": j.title or None,
        "jobRunCommand": j.command,
        "statuses": {
            "isCompleted": j.is_completed,
            "isArchived": False,
            "isScheduled": bool(j.is_scheduled),
            "executionStatus": j.status,
        },
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
        "hardwareTier": {"id": j.tier_id, "name": j.tier_name},
        "environment": {
            "environmentId": j.environment_id,
            "environmentName": ENVIRONMENT_NAME if j.environment_id == ENVIRONMENT_ID else
            f"{j.environment_id} (runs as {ENVIRONMENT_NAME})",
            "revisionId": ENVIRONMENT_REVISION_ID,
        },
    }


def job_logs(output: str, complete: bool, mtime: float | None) -> dict[str, Any]:
    stamp = _iso(mtime if mtime is not None else time.time())
    return {
        "logContent": [
            {"logType": "stdout", "timestamp": stamp, "log": line}
            for line in output.splitlines()
        ],
        "problemSuggestions": [],
        "isComplete": complete,
    }


def _number(value: float) -> int | float:
    # 4 rather than 4.0, as Domino writes whole numbers
    return int(value) if float(value).is_integer() else value


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + (
        f".{int(seconds * 1000) % 1000:03d}Z"
    )
