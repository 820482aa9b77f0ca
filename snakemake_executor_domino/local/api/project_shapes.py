"""JSON shapes of projects, users, tiers, commits and files, as Domino documents them.

v4 answers carry every field Domino 5.0's OpenAPI (swagger-5-0.json) marks required, and no
field it lacks; v1 answers follow the v1 description (apiary.apib) and python-domino 2.2.
Where Domino's versions differ, the flavor (flavor.py) picks the variant. Job shapes are in
job_shapes.py, scheduled jobs in scheduled_job_shapes.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from snakemake_executor_domino.local.api.flavor import Flavor
from snakemake_executor_domino.local.config import ServerConfig, Tier
from snakemake_executor_domino.local.jobs.jobenv import ENVIRONMENT_NAME
from snakemake_executor_domino.local.store.rows import Commit, FileEntry, Project

# the resource name Kubernetes schedules NVIDIA GPUs by, which Domino's tiers name
GPU_KEY = "nvidia.com/gpu"
# the owner of a project may do everything a project allows (the 5.0 enum, in full)
OWNER_OPERATIONS = [
    "ChangeProjectSettings", "Run", "ConsumeApiEndpoint", "Edit", "ViewWorkspaces",
    "UpdateProjectDescription", "ProjectSearchPreview", "BrowseReadFiles", "EditTags",
    "RunLauncher", "ViewRuns",
]


def version(flavor: Flavor) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        ours = package_version("snakemake-executor-plugin-domino")
    except PackageNotFoundError:
        ours = "0"
    return {"version": flavor.version, "buildId": f"local-{ours}", "commitId": "local"}


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


# -- projects and users -----------------------------------------------------------------


def project(
    p: Project, config: ServerConfig, *, requester: str, head: Commit,
    activity: tuple[int, int, int],
) -> dict[str, Any]:
    """findProjectByOwnerAndName's ProjectGatewayOverview."""
    run_ms, batch, scheduled = activity
    default = config.default_tier
    return {
        "id": p.id,
        "name": p.name,
        "owner": {"id": p.owner_id, "userName": p.owner_username},
        "visibility": p.visibility,
        "description": p.description,
        "hardwareTierId": default.id,
        "hardwareTierName": default.name,
        "environmentName": ENVIRONMENT_NAME,
        # the local Domino has one user, who owns or is treated as owning every project
        "requestingUserRole": "Owner" if requester == p.owner_username else "Contributor",
        "allowedOperations": OWNER_OPERATIONS,
        "totalRunTime": _duration(run_ms),
        "tags": [],
        "numComments": 0,
        "runsCountByType": [
            {"runType": kind, "count": n}
            for kind, n in (("Batch", batch), ("Scheduled", scheduled))
            if n
        ],
        "updatedAt": iso(head.timestamp_ms),
        # projects here have no stages (a Domino admin defines them); no stage, no id
        "stageId": "",
        "status": {"status": "active", "isBlocked": False},
    }


def person(user_id: str, username: str) -> dict[str, Any]:
    """domino.common.user.Person (GET /v4/users/self, and each of GET /v4/users)."""
    return {
        "id": user_id,
        "userName": username,
        "firstName": username,
        "lastName": "",
        "fullName": username,
        "avatarUrl": "",
    }


# -- hardware tiers ---------------------------------------------------------------------


def hardware_tier(
    t: Tier, config: ServerConfig, load: tuple[int, int]
) -> dict[str, Any]:
    """HardwareTierWithCapacityDto: the tier in the flavor's shape, and its capacity."""
    tier = _flat_tier(t, config) if config.flavor.flat_tiers else _nested_tier(t, config)
    return {"hardwareTier": tier, "capacity": _capacity(t, load)}


def _flat_tier(t: Tier, config: ServerConfig) -> dict[str, Any]:
    # Domino 5.0's HardwareTierDto; memory in GiB, as Domino's tier settings show it
    created = iso(config.started_ms)
    return {
        "id": t.id,
        "name": t.name,
        "cores": float(t.cores),
        "coresLimit": float(t.cores),
        "memory": float(t.memory_gib),
        "allowSharedMemoryToExceedDefault": False,
        "clusterType": "Kubernetes",
        "numberOfGpus": t.gpus,
        "gpuKey": GPU_KEY,
        "runMemoryLimit": {
            "memoryLimitMegabytes": _megabytes(t),
            "memorySwapLimitMegabytes": None,
        },
        "isDefault": t.is_default,
        # a local machine costs nothing per minute
        "centsPerMinute": 0.0,
        "isFree": True,
        "isAllowedDuringTrial": True,
        "isVisible": True,
        "isGlobal": True,
        "isArchived": False,
        "creationTime": created,
        "updateTime": created,
        "maxSimultaneousExecutions": t.max_concurrent,
    }


def _nested_tier(t: Tier, config: ServerConfig) -> dict[str, Any]:
    # newer Domino's HardwareTierDto (hwtResources, hwtFlags), as python-domino's live tests
    # read `hwtFlags.isDefault` and a client generated from a newer public OpenAPI models it
    memory = {"value": _number(t.memory_gib), "unit": "GiB"}
    created = iso(config.started_ms)
    resources: dict[str, Any] = {
        "cores": float(t.cores),
        "coresLimit": float(t.cores),
        "memory": memory,
        "allowSharedMemoryToExceedDefault": False,
    }
    if t.enforce_memory:
        resources["memoryLimit"] = memory
    return {
        "id": t.id,
        "name": t.name,
        "hwtResources": resources,
        "hwtFlags": {
            "isDefault": t.is_default,
            "isVisible": True,
            "isGlobal": True,
            "isArchived": False,
            "isFree": True,
            "isDataAnalystTier": False,
            "isAllowedDuringTrial": True,
        },
        "gpuConfiguration": {"numberOfGpus": t.gpus, "gpuKey": GPU_KEY},
        "clusterType": "Kubernetes",
        "centsPerMinute": 0.0,
        "creationTime": created,
        "updateTime": created,
        "podCustomization": {},
        "metadata": {},
        "maxSimultaneousExecutions": t.max_concurrent,
    }


def _capacity(t: Tier, load: tuple[int, int]) -> dict[str, Any]:
    # one "executor" (this machine) with the tier's cap as its slots
    running, queued = load
    free = max(0, t.max_concurrent - running)
    return {
        "currentNumberOfExecutors": 1,
        "maximumNumberOfExecutors": 1,
        "numberOfCurrentlyExecutingRuns": running,
        "numberOfQueuedRuns": queued,
        "maximumConcurrentRuns": t.max_concurrent,
        "availableCapacityWithoutLaunching": free,
        "maximumAvailableCapacity": free,
        "capacityLevel": "CAN_EXECUTE_WITH_CURRENT_INSTANCES" if free else "FULL",
    }


# -- commits and files ------------------------------------------------------------------


def commit_v4(c: Commit) -> dict[str, Any]:
    """ProjectCommitDeprecated (GET /v4/projects/{projectId}/commits[/head])."""
    return {"id": c.id, "name": c.message, "commitTime": c.timestamp_ms}


def commit_v1(c: Commit, flavor: Flavor) -> Any:
    """An entry of GET /v1/.../commits: a bare id, or an object with one (flavor.py)."""
    return c.id if flavor.commit_ids_only else {"id": c.id}


def blob_url(base_url: str, p: Project, key: str) -> str:
    return (
        f"{base_url}/v1/projects/{quote(p.owner_username)}/{quote(p.name)}/blobs/{key}"
    )


def file_entry(e: FileEntry, base_url: str, p: Project) -> dict[str, Any]:
    """A file of the v1 list and the v1 upload answer (apiary.apib's File uploads)."""
    return {
        "path": e.path,
        "size": e.size,
        "key": e.key,
        "lastModified": e.last_modified_ms,
        "url": blob_url(base_url, p, e.key),
    }


def project_file(e: FileEntry) -> dict[str, Any]:
    """ProjectFileDeprecated (the v4 file listings)."""
    return {"path": e.path, "lastModified": e.last_modified_ms, "size": e.size, "key": e.key}


# -- helpers ----------------------------------------------------------------------------


def _megabytes(t: Tier) -> int | None:
    limit = t.memory_limit_bytes
    return None if limit is None else limit // 1024**2


def _number(value: float) -> int | float:
    # 4 rather than 4.0, as Domino writes whole numbers
    return int(value) if float(value).is_integer() else value


def _duration(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
