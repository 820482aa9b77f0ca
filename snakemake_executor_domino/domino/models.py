"""The dataclasses the rest of the plugin sees instead of Domino's JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snakemake_executor_domino.domino.keys import Digests

# Statuses a job can end in; everything else is still on its way.
SUCCEEDED = "Succeeded"
FAILED_STATES = frozenset({"Failed", "Error", "Stopped"})
TERMINAL_STATES = FAILED_STATES | {SUCCEEDED}


@dataclass(frozen=True)
class Project:
    id: str
    owner: str
    name: str
    # the project's default hardware tier, where the answer names it (5.0's
    # ProjectGatewayOverview does: hardwareTierId, hardwareTierName)
    default_tier_id: str | None = None
    default_tier_name: str | None = None
    # set for a git-based project (code at /mnt/code); None for a Domino File System one
    main_repository_uri: str | None = None


@dataclass(frozen=True)
class User:
    id: str
    username: str


@dataclass(frozen=True)
class Environment:
    """A compute environment. `revision`: the number of the revision in use, where the
    answer names it; `is_default`: the project's selected environment."""

    id: str
    name: str
    revision: int | None = None
    archived: bool = False
    is_default: bool = False


@dataclass(frozen=True)
class EnvironmentRevision:
    id: str
    number: int


@dataclass(frozen=True)
class HardwareTier:
    id: str
    name: str
    is_default: bool
    cores: float | None = None
    memory_gib: float | None = None
    gpus: int | None = None
    cents_per_minute: float | None = None


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    key: str | None
    last_modified: int | None
    is_directory: bool


@dataclass(frozen=True)
class Uploaded:
    """What an upload answer says about the stored file (it names no commit)."""

    path: str
    size: int | None
    key: str | None


@dataclass(frozen=True)
class Downloaded:
    """What a download wrote: its bytes, and the digests of those bytes where both could
    be taken in passing (the size known beforehand), so its caller need not read the file
    again to learn them."""

    size: int
    digests: Digests | None


@dataclass(frozen=True)
class JobUsage:
    """What a job used, as Domino reports it. 5.0's v4 shapes (Job.usage {cpu, memory}, or
    the samples of GET /v4/jobs/jobs/{id}/usage) document no units: cpu is read as cores and
    memory as bytes, as the local Domino serves them. The public JobUsageV1 shape
    {cpuPercentage, memoryGiB} is in Domino's own units: the maximum CPU as a percentage of
    what the execution had, and the maximum memory in GiB (docs/client.md)."""

    cpu: float | None  # mean cores over the run (v4 shapes)
    memory: float | None  # the peak, in bytes (GiB converted)
    cpu_peak_percent: float | None = None  # the maximum, % of the execution's CPU (public)


@dataclass(frozen=True)
class RuntimeDetails:
    """GET /v4/jobs/{id}/runtimeExecutionDetails: the tier and environment a job ran with."""

    tier_id: str | None
    tier_name: str | None
    environment_name: str | None
    environment_revision_id: str | None
    environment_revision: int | None


@dataclass(frozen=True)
class Job:
    id: str
    number: int | None
    title: str
    command: str
    status: str
    is_completed: bool
    input_commit_id: str | None
    output_commit_id: str | None
    # 5.0's Job has no tier: filled only where an answer carries one
    tier_id: str | None
    tier_name: str | None
    submitted_ms: int | None
    started_ms: int | None
    completed_ms: int | None
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    # started by a scheduled job (5.0 JobStatuses.isScheduled)
    is_scheduled: bool = False
    usage: JobUsage | None = None  # 5.0's Job.usage, where the answer carries it

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATES

    @property
    def finished(self) -> bool:
        return self.is_completed or self.status in TERMINAL_STATES


@dataclass(frozen=True)
class JobPage:
    """One page of a job list, with the paging Domino says it served."""

    jobs: list[Job]
    total: int
    page_size: int
    page_no: int
    # False when the answer says it is not sorted by number, newest first
    newest_first: bool = True

    @property
    def last(self) -> bool:
        return len(self.jobs) < self.page_size or self.page_no * self.page_size >= self.total


@dataclass(frozen=True)
class ScheduleSpec:
    """The settings of a new scheduled job; `cron` is Quartz cron (schedules.py makes it)."""

    title: str
    command: str
    cron: str
    timezone: str = "UTC"
    tier_id: str | None = None
    environment_id: str | None = None
    paused: bool = False
    concurrent: bool = False
    notify: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduledRun:
    """A job a schedule started (or, from the fire history, a skipped or missed fire)."""

    job_id: str | None
    job_number: int | None
    status: str | None
    output_commit_id: str | None
    fire_ms: int | None = None
    outcome: str = "started"
    manual: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    title: str
    command: str
    cron: str
    timezone: str
    is_paused: bool
    allow_concurrent: bool
    tier_id: str | None
    tier_name: str | None
    environment_id: str | None
    notify: tuple[str, ...]
    scheduled_by: str | None
    next_fire_ms: int | None
    last_run: ScheduledRun | None
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
