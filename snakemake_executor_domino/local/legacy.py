"""Fields and routes the pre-package client still reads, kept only until the client reads
Domino's documented shapes (branch `client`); this module and its uses then go.

None of this is Domino's: a job's `hardwareTier`/`environment`, `hwtResources` beside 5.0's
flat tier, a scheduled job's `nextScheduledTime`/`lastRun` and the old revision field name,
the plain-text run output, and fire-now/fire-history under /v4.
"""

from __future__ import annotations

from typing import Any

from .backend import Backend
from .config import Tier
from .errors import not_found
from .jobenv import ENVIRONMENT_ID, ENVIRONMENT_NAME, ENVIRONMENT_REVISION_ID
from .models import DirEntry, Job, Project

# the pre-package client walks directories entry by entry (isDirectory), so until it reads
# the flat listing, the v1 list names a directory's direct children
DIRECTORY_LISTING = True


def job_fields(j: Job) -> dict[str, Any]:
    return {
        "hardwareTier": {"id": j.tier_id, "name": j.tier_name},
        "environment": {
            "environmentId": j.environment_id,
            "environmentName": ENVIRONMENT_NAME if j.environment_id == ENVIRONMENT_ID else
            f"{j.environment_id} (runs as {ENVIRONMENT_NAME})",
            "revisionId": ENVIRONMENT_REVISION_ID,
        },
    }


def tier_resources(t: Tier) -> dict[str, Any]:
    memory = {"value": int(t.memory_gib) if float(t.memory_gib).is_integer() else t.memory_gib,
              "unit": "GiB"}
    return {"hwtResources": {"cores": t.cores, "coresLimit": t.cores, "memory": memory,
                             "memoryLimit": memory}}


def list_dir(be: Backend, p: Project, commit: str, directory: str, base: str) -> dict[str, Any]:
    from .render import file_entry

    entries = be.store.list_dir(commit, directory)
    if entries is None:
        raise not_found(f"directory '{directory}' not found at commit {commit}")
    return {"data": [
        {"path": e.path, "size": 0, "key": None, "lastModified": None, "isDirectory": True}
        if isinstance(e, DirEntry) else {**file_entry(e, base, p), "isDirectory": False}
        for e in entries
    ]}
