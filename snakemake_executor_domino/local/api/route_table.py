"""The route table, one line per Domino API call (see the contract in docs/local-domino.md).

Order matters only where two patterns can match the same path with the same method: none do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.convertors import Convertor, register_url_convertor

from snakemake_executor_domino.local.api import (
    datasets_api,
    environments_api,
    jobs_api,
    local_api,
    schedules_api,
    usage_api,
)
from snakemake_executor_domino.local.api import projects_api as api


class _FilePathConvertor(Convertor[str]):
    # starlette's `path` stops at a newline, so such a path would be a 404 "no route" instead
    # of the 400 "invalid path" that names the problem; this one takes every character
    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("filepath", _FilePathConvertor())

V1 = "/v1/projects/{owner}/{project}"
V4_PROJECT = "/v4/projects/{projectId}"
SCHEDULED = f"{V4_PROJECT}/scheduledjobs"
LOCAL = local_api.PREFIX

ROUTES: list[tuple[str, str, Callable[..., Any]]] = [
    # the deployment, projects, users, tiers (projects_api.py)
    ("GET", "/version", api.version),
    ("GET", "/v4/gateway/projects/findProjectByOwnerAndName", api.find_project),
    ("GET", "/v4/users/self", api.current_user),
    ("GET", "/v4/users", api.list_users),
    ("GET", f"{V4_PROJECT}/hardwareTiers", api.hardware_tiers),
    # compute environments (environments_api.py)
    ("GET", "/v4/projects/{projectId}/useableEnvironments", environments_api.useable_environments),
    ("GET", "/v4/environments/self", environments_api.own_environments),
    ("GET", "/v4/environments/defaultEnvironment", environments_api.default_environment),
    ("GET", "/v4/environments/{environmentId}", environments_api.get_environment),
    ("GET", "/v4/environments/{environmentId}/page/{page}/pageSize/{pageSize}/revisions",
     environments_api.environment_revisions),
    # commits and files (projects_api.py)
    ("GET", f"{V4_PROJECT}/commits", api.list_commits_v4),
    ("GET", f"{V4_PROJECT}/commits/head", api.head_commit),
    ("GET", f"{V4_PROJECT}/commits/head/files/{{path:filepath}}", api.list_files_v4),
    ("GET", f"{V4_PROJECT}/commits/{{commitId}}/files/{{path:filepath}}", api.list_files_v4),
    ("GET", f"{V1}/commits", api.list_commits),
    ("GET", f"{V1}/files/{{commitId}}", api.list_files),
    ("GET", f"{V1}/files/{{commitId}}/{{path:filepath}}", api.list_files),
    ("GET", f"{V1}/blobs/{{key}}", api.blob),
    ("PUT", f"{V1}/{{path:filepath}}", api.upload_file),
    ("GET", "/api/projects/v1/projects/{projectId}/files/{commitId}/{path:filepath}/content",
     api.file_content),
    # jobs, v4 and the v1 runs (jobs_api.py)
    ("POST", "/v4/jobs/start", jobs_api.start_job),
    ("POST", "/v4/jobs/stop", jobs_api.stop_job),
    ("POST", "/v4/jobs/{jobId}/name", jobs_api.name_job),
    ("GET", "/v4/jobs", jobs_api.list_jobs),
    ("GET", "/v4/jobs/{jobId}", jobs_api.get_job),
    ("GET", "/v4/jobs/{jobId}/logsWithProblemSuggestions", jobs_api.job_logs),
    ("GET", "/v4/jobs/{jobId}/runtimeExecutionDetails", jobs_api.runtime_details),
    ("GET", "/v4/jobs/jobs/{jobId}/usage", usage_api.job_usage),
    ("POST", f"{V1}/runs", jobs_api.start_run),
    ("GET", f"{V1}/runs", jobs_api.list_runs),
    ("GET", f"{V1}/runs/{{runId}}", jobs_api.run_status),
    ("GET", f"{V1}/run/{{runId}}/stdout", jobs_api.run_stdout),
    # scheduled jobs (schedules_api.py)
    ("GET", SCHEDULED, schedules_api.list_scheduled_jobs),
    ("POST", SCHEDULED, schedules_api.create_scheduled_job),
    ("GET", f"{SCHEDULED}/{{scheduledJobId}}", schedules_api.get_scheduled_job),
    ("PUT", f"{SCHEDULED}/{{scheduledJobId}}", schedules_api.update_scheduled_job),
    ("DELETE", f"{SCHEDULED}/{{scheduledJobId}}", schedules_api.delete_scheduled_job),
    # datasets: python-domino's routes, then 5.0's v4 ones (datasets_api.py)
    ("GET", "/dataset", datasets_api.list_datasets),
    ("POST", "/dataset", datasets_api.create_dataset),
    ("GET", "/dataset/{datasetId}", datasets_api.get_dataset),
    ("GET", "/v4/datasetrw/datasets", datasets_api.list_datasets_v4),
    ("POST", "/v4/datasetrw", datasets_api.create_dataset_v4),
    ("GET", "/v4/datasetrw/datasets/{datasetId}", datasets_api.get_dataset_v4),
    ("GET", "/v4/datasetrw/snapshots/{datasetId}", datasets_api.list_snapshots),
    ("POST", "/v4/datasetrw/snapshot", datasets_api.create_snapshot),
    ("GET", "/v4/datasetrw/mounts/{projectId}/local", datasets_api.project_mounts),
    # local-only extras, under a prefix no Domino route has (local_api.py)
    ("POST", f"{LOCAL}/scheduledjobs/{{scheduledJobId}}/run", local_api.run_scheduled_job),
    ("GET", f"{LOCAL}/scheduledjobs/{{scheduledJobId}}/runs", local_api.scheduled_job_runs),
]
