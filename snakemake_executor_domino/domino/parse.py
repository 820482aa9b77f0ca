"""Domino's JSON answers -> models. Pure functions, no I/O, tolerant of every documented
variant of an answer (see docs/client.md for which source documents which)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from snakemake_executor_domino.domino.models import (
    TERMINAL_STATES,
    Environment,
    EnvironmentRevision,
    FileEntry,
    HardwareTier,
    Job,
    JobPage,
    JobUsage,
    Project,
    RuntimeDetails,
    Uploaded,
    User,
)

# HTML in v1 logs: the <pre> wrapper and the <span> around each line, as python-domino's
# runs_stdout strips them; <br> as a line break
_HTML_LOG = re.compile(r"<pre[\s>]|</pre>|<span[\s>]|</span>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?(pre|span|div|code)\b[^>]*>", re.IGNORECASE)
_MEMORY_UNITS = {
    "gib": 1.0, "gi": 1.0, "gb": 1e9 / 2**30, "g": 1.0,
    "mib": 1 / 1024, "mi": 1 / 1024, "mb": 1e6 / 2**30, "m": 1 / 1024,
    "tib": 1024.0, "ti": 1024.0, "tb": 1e12 / 2**30,
    "kib": 1 / 2**20, "kb": 1e3 / 2**30, "b": 1 / 2**30,
}


def project(body: dict[str, Any], owner: str, name: str) -> Project:
    # 5.0 OpenAPI ProjectGatewayOverview: id, name, owner {id, userName}, hardwareTierId,
    # hardwareTierName. No `ownerUsername` there, so the owner asked for stands in.
    owner_info = body.get("owner") if isinstance(body.get("owner"), dict) else {}
    return Project(
        id=str(body["id"]),
        owner=owner_info.get("userName") or owner,
        name=body.get("name") or name,
        default_tier_id=body.get("hardwareTierId") or None,
        default_tier_name=body.get("hardwareTierName") or None,
        # 5.0 OpenAPI ProjectGatewayOverview: only git-based projects name a main repository
        main_repository_uri=body.get("mainRepositoryUri") or None,
    )


def user(body: dict[str, Any]) -> User:
    # 5.0 OpenAPI domino.common.user.Person: id and userName are required
    return User(id=str(body["id"]), username=str(body.get("userName") or body["id"]))


def hardware_tiers(body: list[dict[str, Any]]) -> list[HardwareTier]:
    return [hardware_tier(item) for item in body]


def hardware_tier(item: dict[str, Any]) -> HardwareTier:
    """One entry of GET /v4/projects/{id}/hardwareTiers, in any of its documented shapes.

    5.0 OpenAPI HardwareTierWithCapacityDto: {hardwareTier: HardwareTierDto, capacity}, the
    tier flat (cores, memory, isDefault, numberOfGpus, centsPerMinute). python-domino's
    live tests (tests/test_jobs.py) read the default flag as hardwareTier.hwtFlags.isDefault.
    Resources nested as hwtResources {cores, memory {value, unit}} and
    gpuConfiguration.numberOfGpus are read too (unconfirmed by any Domino document; see
    docs/client.md).
    """
    tier = item.get("hardwareTier") if isinstance(item.get("hardwareTier"), dict) else item
    resources = tier.get("hwtResources") or {}
    flags = tier.get("hwtFlags") or {}
    gpu = tier.get("gpuConfiguration") or {}
    default = _first(flags.get("isDefault"), tier.get("isDefault"))
    return HardwareTier(
        id=str(tier["id"]),
        name=tier.get("name") or str(tier["id"]),
        is_default=bool(default),
        cores=_number(_first(resources.get("cores"), tier.get("cores"))),
        memory_gib=_gib(_first(resources.get("memory"), tier.get("memory"))),
        gpus=_integer(_first(gpu.get("numberOfGpus"), tier.get("numberOfGpus"))),
        cents_per_minute=_number(tier.get("centsPerMinute")),
    )


def environments(body: Any) -> list[Environment]:
    """The environments of GET /v4/projects/{id}/useableEnvironments (5.0
    UseableProjectEnvironmentsDTO {currentlySelectedEnvironment {id}, environments
    [ProjectEnvironmentDTO {id, archived, name, version, ...}]}) or of GET
    /v4/environments/self (a list of EnvironmentDetails)."""
    if isinstance(body, list):
        return [environment_item(item) for item in body if isinstance(item, dict)]
    if not isinstance(body, dict):
        return []
    selected = body.get("currentlySelectedEnvironment")
    selected_id = selected.get("id") if isinstance(selected, dict) else None
    return [
        environment_item(item, is_default=item.get("id") == selected_id)
        for item in body.get("environments") or []
        if isinstance(item, dict)
    ]


def environment_item(item: dict[str, Any], is_default: bool = False) -> Environment:
    # EnvironmentDetails: the revision in use is selectedRevision, else latestRevision
    # (RevisionOverview.number); ProjectEnvironmentDTO: `version`
    revision = item.get("selectedRevision") or item.get("latestRevision") or {}
    number = revision.get("number") if isinstance(revision, dict) else None
    if number is None:
        number = item.get("version")
    return Environment(
        id=str(item["id"]),
        name=str(item.get("name") or item["id"]),
        revision=_integer(number),
        archived=bool(item.get("archived", False)),
        is_default=is_default,
    )


def environment_revisions(body: Any) -> tuple[list[EnvironmentRevision], int]:
    """(revisions, total pages) of 5.0 PaginatedRevisionData {revisions [RevisionSummary
    {id, number, created}], pageInfo {totalPages, currentPage, pageSize}}. The OpenAPI also
    types the answer as an array; a list of such pages is read too."""
    pages = body if isinstance(body, list) else [body]
    revisions, total = [], 1
    for page in pages:
        if not isinstance(page, dict):
            continue
        for item in page.get("revisions") or []:
            number = _integer(item.get("number")) if isinstance(item, dict) else None
            if number is not None and item.get("id"):
                revisions.append(EnvironmentRevision(id=str(item["id"]), number=number))
        info = page.get("pageInfo") if isinstance(page.get("pageInfo"), dict) else {}
        total = max(total, _integer(info.get("totalPages")) or 1)
    return revisions, total


def commit_id(item: Any) -> str | None:
    """A commit as the v1 list gives it (an id, in python-domino's live tests) or as an
    object with `id` (python-domino's mocked tests; 5.0 ProjectCommitDeprecated)."""
    if isinstance(item, str):
        return item or None
    if isinstance(item, dict) and item.get("id"):
        return str(item["id"])
    return None


def head_commit_id(commits: list[Any]) -> str | None:
    """The newest commit of a v1 commit list (newest first)."""
    return commit_id(commits[0]) if commits else None


def file_entries(body: dict[str, Any]) -> list[FileEntry]:
    return [file_entry(item) for item in body.get("data", [])]


def file_entry(item: dict[str, Any]) -> FileEntry:
    return FileEntry(
        path=item["path"].strip("/"),
        size=int(item.get("size") or 0),
        key=item.get("key") or None,
        last_modified=item.get("lastModified"),
        is_directory=is_directory(item),
    )


def is_directory(item: dict[str, Any]) -> bool:
    """Whether a v1 listing entry is a directory.

    Neither the v1 description (it documents no listing fields) nor 5.0's
    ProjectFileDeprecated (path, lastModified, size, key: all required, no directory
    flag) says how a directory looks. What is documented is that every file has a blob
    key (v1 upload answer: key required; ProjectFileDeprecated: key required), so an entry
    without one is a directory. An explicit `isDirectory`, a `kind`/`type` naming a
    directory, or a path ending in "/" decide first where an answer carries them.
    """
    if isinstance(item.get("isDirectory"), bool):
        return item["isDirectory"]
    for field_name in ("kind", "type"):
        kind = item.get(field_name)
        if isinstance(kind, str) and kind.lower() in ("dir", "directory", "folder", "tree"):
            return True
        if isinstance(kind, str) and kind.lower() in ("file", "blob"):
            return False
    return str(item.get("path", "")).endswith("/") or not item.get("key")


def uploaded(body: Any, path: str) -> Uploaded:
    """The v1 upload answer (path, lastModified, size, key, url); it names no commit."""
    if not isinstance(body, dict):
        return Uploaded(path=path, size=None, key=None)
    size = body.get("size")
    return Uploaded(
        path=str(body.get("path") or path).strip("/"),
        size=int(size) if isinstance(size, int | float) else None,
        key=body.get("key") or None,
    )


def job(body: dict[str, Any]) -> Job:
    statuses = body.get("statuses") or {}
    commits = body.get("commitDetails") or {}
    stage = body.get("stageTime") or {}
    # 5.0's Job only: no top-level status, command or tier (those come from
    # runtimeExecutionDetails, client.with_tier), as no document has them
    status = statuses.get("executionStatus") or "Unknown"
    return Job(
        id=body["id"],
        number=body.get("number"),
        title=body.get("title") or "",
        command=body.get("jobRunCommand") or "",
        status=status,
        is_completed=bool(statuses.get("isCompleted", status in TERMINAL_STATES)),
        input_commit_id=commits.get("inputCommitId"),
        output_commit_id=commits.get("outputCommitId"),
        tier_id=None,
        tier_name=None,
        submitted_ms=epoch_ms(stage.get("submissionTime")),
        started_ms=epoch_ms(stage.get("runStartTime")),
        completed_ms=epoch_ms(stage.get("completedTime")),
        raw=body,
        is_scheduled=bool(statuses.get("isScheduled", False)),
        usage=job_usage(body.get("usage")),
    )


def job_usage(body: Any) -> JobUsage | None:
    """5.0's JobUsageInJob {cpu, memory} (nullable), or the public JobUsageV1
    {cpuPercentage, memoryGiB}, each in its own units; None when absent or empty."""
    if not isinstance(body, dict):
        return None
    if "cpuPercentage" in body or "memoryGiB" in body:
        percent, gib = _number(body.get("cpuPercentage")), _number(body.get("memoryGiB"))
        if percent is None and gib is None:
            return None
        return JobUsage(cpu=None, memory=gib * 2**30 if gib is not None else None,
                        cpu_peak_percent=percent)
    cpu, memory = _number(body.get("cpu")), _number(body.get("memory"))
    return JobUsage(cpu=cpu, memory=memory) if cpu is not None or memory is not None else None


def usage_samples(body: Any) -> JobUsage | None:
    """GET /v4/jobs/jobs/{id}/usage: 5.0's JobResourceUsage list {cpu, memory, timestamp};
    the mean cpu and the peak memory of its samples."""
    samples = [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []
    cpus = [c for c in (_number(item.get("cpu")) for item in samples) if c is not None]
    memories = [m for m in (_number(item.get("memory")) for item in samples) if m is not None]
    if not cpus and not memories:
        return None
    return JobUsage(cpu=sum(cpus) / len(cpus) if cpus else None,
                    memory=max(memories) if memories else None)


def runtime_details(body: dict[str, Any]) -> RuntimeDetails:
    """5.0's JobRuntimeExecutionDetails: the tier (see runtime_tier) and environment
    {environmentRevisionId, environmentName, revisionNumber}."""
    tier_id, tier_name = runtime_tier(body)
    environment = body.get("environment") if isinstance(body.get("environment"), dict) else {}
    return RuntimeDetails(
        tier_id=tier_id,
        tier_name=tier_name,
        environment_name=environment.get("environmentName") or None,
        environment_revision_id=environment.get("environmentRevisionId") or None,
        environment_revision=_integer(environment.get("revisionNumber")),
    )


def runtime_tier(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(tier id, tier name) of GET /v4/jobs/{id}/runtimeExecutionDetails: 5.0's
    JobRuntimeExecutionDetails has hardwareTier (the name) and hardwareTierId; python-domino's
    live tests (tests/test_jobs.py) read hardwareTier as an object {id, name}."""
    tier = body.get("hardwareTier")
    if isinstance(tier, dict):
        return tier.get("id") or body.get("hardwareTierId"), tier.get("name")
    return body.get("hardwareTierId") or None, tier if isinstance(tier, str) and tier else None


def job_page(body: dict[str, Any], page_size: int, page_no: int) -> JobPage:
    """5.0 OpenAPI JobSet: jobs, totalCount, pagination {pageSize, pageNo, sortBy, orderBy}.
    The page size and number Domino says it served win over the ones asked for."""
    jobs = [job(item) for item in body.get("jobs") or []]
    paging = body.get("pagination") if isinstance(body.get("pagination"), dict) else {}
    served_size = _integer(paging.get("pageSize"))
    served_no = _integer(paging.get("pageNo"))
    order, direction = paging.get("orderBy"), paging.get("sortBy")
    return JobPage(
        jobs=jobs,
        total=int(body.get("totalCount", len(jobs))),
        page_size=served_size if served_size and served_size > 0 else page_size,
        page_no=served_no if served_no and served_no > 0 else page_no,
        newest_first=order in (None, "number") and direction in (None, "desc"),
    )


def run_log(body: dict[str, Any]) -> tuple[str, str]:
    """(setup log, output) of a v1 run stdout answer, as plain text."""
    return log_text(body.get("setup") or ""), log_text(body.get("stdout") or "")


def log_text(text: str) -> str:
    """Plain text from a v1 log field. Domino serves it as HTML: wrapped in <pre ...>,
    lines in <span ...> (python-domino's runs_stdout strips both). Text without that
    markup (the local Domino's) is returned as it is."""
    if not _HTML_LOG.search(text):
        return text
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


def problem_suggestion(body: Any) -> str | None:
    """The problem Domino names for a job (5.0 LogsWithProblemSuggestion.problemSuggestion,
    JobProblemSuggestion {problem, helpLink}); None where it names none."""
    suggestion = body.get("problemSuggestion") if isinstance(body, dict) else None
    problem = suggestion.get("problem") if isinstance(suggestion, dict) else None
    return str(problem) if problem else None


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


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _gib(memory: Any) -> float | None:
    """GiB from a flat number (5.0 HardwareTierDto.memory, taken as GiB as the admin
    API's HardwareTierOverview.memoryInGiB is) or from {value, unit}."""
    if isinstance(memory, dict):
        value = _number(memory.get("value"))
        factor = _MEMORY_UNITS.get(str(memory.get("unit") or "GiB").strip().lower())
        return value * factor if value is not None and factor is not None else None
    return _number(memory)
