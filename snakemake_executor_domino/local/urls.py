"""The route table, one line per Domino API call (see the contract in docs/local-domino.md).

Order matters only where two patterns can match the same path with the same method: none do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import api

V1 = "/v1/projects/{owner}/{project}"

ROUTES: list[tuple[str, str, Callable[..., Any]]] = [
    ("GET", "/version", api.version),
    ("GET", "/v4/gateway/projects/findProjectByOwnerAndName", api.find_project),
    ("GET", "/v4/projects/{projectId}/hardwareTiers", api.hardware_tiers),
    ("GET", f"{V1}/commits", api.list_commits),
    ("GET", f"{V1}/files/{{commitId}}", api.list_files),
    ("GET", f"{V1}/files/{{commitId}}/{{path:path}}", api.list_files),
    ("PUT", f"{V1}/{{path:path}}", api.upload_file),
    ("GET", "/api/projects/v1/projects/{projectId}/files/{commitId}/{path:path}/content",
     api.file_content),
    ("POST", "/v4/jobs/start", api.start_job),
    ("POST", "/v4/jobs/stop", api.stop_job),
    ("GET", "/v4/jobs", api.list_jobs),
    ("GET", "/v4/jobs/{jobId}", api.get_job),
    ("GET", "/v4/jobs/{jobId}/logsWithProblemSuggestions", api.job_logs),
    ("GET", f"{V1}/run/{{runId}}/stdout", api.run_stdout),
]
