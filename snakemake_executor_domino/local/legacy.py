"""What the client (snakemake_executor_domino/domino/) still relies on that is not Domino's,
kept only until it does not; this module and its uses then go:

- the v1 file list as a directory's direct children, directories as entries with
  `isDirectory` (the documented reading, python-domino's, is every file under the path);
- a job's `hardwareTier` `{id, name}` in the v4 Job (5.0's has none; the CLI's job list
  shows it; Domino names it in GET /v4/jobs/{jobId}/runtimeExecutionDetails and in the v1
  run status's `hardwareTierId`);
- fire-now and fire-history under /v4/projects/{projectId}/scheduledjobs/{id}/ as well as
  under /_local/ (no Domino has them).
"""

from __future__ import annotations

from typing import Any

from .backend import Backend
from .errors import not_found
from .models import DirEntry, Job, Project

# the pre-package client walks directories entry by entry (isDirectory), so until it reads
# the flat listing, the v1 list names a directory's direct children
DIRECTORY_LISTING = True


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


def job_fields(j: Job) -> dict[str, Any]:
    return {"hardwareTier": {"id": j.tier_id, "name": j.tier_name}}
