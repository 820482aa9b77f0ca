"""Records the store hands out, job statuses, and id formats (Domino's: 24-hex object ids,
40-hex commit ids)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

ACTIVE_STATUSES = ("Queued", "Pending", "Preparing", "Running", "Finishing")
FINAL_STATUSES = ("Succeeded", "Failed", "Error", "Stopped")
ALL_STATUSES = ACTIVE_STATUSES + FINAL_STATUSES


class NotFound(LookupError):
    pass


class Conflict(ValueError):
    pass


def now_ms() -> int:
    return int(time.time() * 1000)


def object_id() -> str:
    """24 hex digits like Domino's (MongoDB) ids: a time prefix, so ids sort by creation."""
    return f"{int(time.time()):08x}{secrets.token_hex(8)}"


def commit_id() -> str:
    return secrets.token_hex(20)


@dataclass(frozen=True)
class Project:
    id: str
    owner_id: str
    owner_username: str
    name: str
    description: str
    visibility: str
    head_commit_id: str

    @property
    def full_name(self) -> str:
        return f"{self.owner_username}/{self.name}"


@dataclass(frozen=True)
class Commit:
    id: str
    project_id: str
    parent_id: str | None
    message: str
    timestamp_ms: int


@dataclass(frozen=True)
class FileEntry:
    path: str
    key: str
    size: int
    last_modified_ms: int


@dataclass(frozen=True)
class DirEntry:
    path: str


@dataclass(frozen=True)
class Job:
    id: str
    project_id: str
    number: int
    title: str
    command: str
    status: str
    tier_id: str
    tier_name: str
    environment_id: str
    input_commit_id: str
    output_commit_id: str | None
    submitted_ms: int
    started_ms: int | None
    completed_ms: int | None
    started_by_id: str
    started_by_username: str
    parent_job_id: str | None
    token_sha256: str | None
    is_scheduled: int
    pid: int | None
    exit_code: int | None
    # what it used, once it has ended (local/jobs/usage.py); None where not measured
    cpu_seconds: float | None = None
    peak_memory_bytes: int | None = None

    @property
    def is_completed(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class ScheduledJob:
    """A cron schedule that starts a job in its project (Domino's scheduled job)."""

    id: str
    project_id: str
    title: str
    command: str
    cron_string: str  # Quartz cron, as Domino stores it
    is_custom: int
    timezone_id: str
    is_paused: int
    allow_concurrent: int
    tier_id: str
    environment_id: str | None
    environment_revision_spec: str  # JSON: "ActiveRevision" or {"revisionId": ...}
    notify_emails: str  # JSON list
    scheduled_by_id: str
    scheduled_by_username: str
    created_ms: int
    updated_ms: int
    next_fire_ms: int | None  # None while paused
    last_job_id: str | None


FIRE_STARTED, FIRE_SKIPPED, FIRE_MISSED = "started", "skipped", "missed"


@dataclass(frozen=True)
class ScheduleFire:
    """One fire time of a schedule: a job started, a fire skipped (sequential schedule whose
    previous job still runs), or fire times missed while the server was down."""

    seq: int
    scheduled_job_id: str
    fire_ms: int
    outcome: str
    job_id: str | None
    manual: int
    reason: str
