"""Every URL path the plugin calls on Domino, one function each (as python-domino's
routes.py). Paths only: the host or API proxy in front of them is the transport's business.
Each argument that comes from a user or from Domino is quoted here."""

from __future__ import annotations

from urllib.parse import quote


def _q(value: str) -> str:
    return quote(str(value), safe="")


def _v1_project(owner: str, project: str) -> str:
    return f"/v1/projects/{_q(owner)}/{_q(project)}"


def version() -> str:
    return "/version"


def find_project() -> str:
    """Query parameters ownerName, projectName."""
    return "/v4/gateway/projects/findProjectByOwnerAndName"


def hardware_tiers(project_id: str) -> str:
    return f"/v4/projects/{_q(project_id)}/hardwareTiers"


def head_commit(project_id: str) -> str:
    return f"/v4/projects/{_q(project_id)}/commits/head"


def commits(owner: str, project: str) -> str:
    return _v1_project(owner, project) + "/commits"


def files(owner: str, project: str, commit_id: str, directory: str) -> str:
    """v1 "Project files": the path is given as it is, the root as `/` (the v1 description's
    example, python-domino's `files_list` default), so the root listing ends in `//`."""
    path = directory.strip("/")
    return _v1_project(owner, project) + f"/files/{_q(commit_id)}/{quote(path) if path else '/'}"


def upload(owner: str, project: str, path: str) -> str:
    return _v1_project(owner, project) + "/" + quote(path.lstrip("/"))


def file_content(project_id: str, commit_id: str, path: str) -> str:
    return (
        f"/api/projects/v1/projects/{_q(project_id)}/files/{_q(commit_id)}/"
        f"{quote(path.lstrip('/'))}/content"
    )


def blob(owner: str, project: str, key: str) -> str:
    """v1 "File contents" by key (apiary.apib); the only content route before Domino 5.10."""
    return _v1_project(owner, project) + f"/blobs/{_q(key)}"


def job_start() -> str:
    return "/v4/jobs/start"


def job_stop() -> str:
    return "/v4/jobs/stop"


def job(job_id: str) -> str:
    return f"/v4/jobs/{_q(job_id)}"


def job_name(job_id: str) -> str:
    """5.0 updateJob: a job's title, set after its start (swagger-5-0.json)."""
    return f"/v4/jobs/{_q(job_id)}/name"


def job_runtime_details(job_id: str) -> str:
    return f"/v4/jobs/{_q(job_id)}/runtimeExecutionDetails"


def job_logs(job_id: str) -> str:
    return f"/v4/jobs/{_q(job_id)}/logsWithProblemSuggestions"


def job_usage(job_id: str) -> str:
    """5.0 getResourceUsage: "jobs" twice, as 5.0's OpenAPI has it."""
    return f"/v4/jobs/jobs/{_q(job_id)}/usage"


def jobs() -> str:
    return "/v4/jobs"


def run_stdout(owner: str, project: str, run_id: str) -> str:
    return _v1_project(owner, project) + f"/run/{_q(run_id)}/stdout"


def current_user() -> str:
    return "/v4/users/self"


def project_environments(project_id: str) -> str:
    """5.0 getUseableEnvironments; what python-domino checks a job's environment id against."""
    return f"/v4/projects/{_q(project_id)}/useableEnvironments"


def own_environments() -> str:
    """5.0 getCurrentUserEnvironments (EnvironmentDetails of every environment you can see)."""
    return "/v4/environments/self"


def environment_revisions(environment_id: str, page: int, page_size: int) -> str:
    """5.0 getBuiltEnvironmentRevisions."""
    return f"/v4/environments/{_q(environment_id)}/page/{page}/pageSize/{page_size}/revisions"


def api_descriptions() -> tuple[tuple[str, str], ...]:
    """Where a deployment serves its API descriptions, and which routes each describes:
    `/assets/swagger.json` the v4 routes, `/assets/public-api.json` the public `/api/*`
    ones (Domino's docs, "Domino API": the public API and the v4 API documented apart)."""
    return (("/assets/swagger.json", "v4"), ("/assets/public-api.json", "public"))


def scheduled_jobs(project_id: str) -> str:
    return f"/v4/projects/{_q(project_id)}/scheduledjobs"


def scheduled_job(project_id: str, schedule_id: str) -> str:
    return scheduled_jobs(project_id) + f"/{_q(schedule_id)}"


def datasets() -> str:
    """python-domino's `datasets_list` (query parameter projectId) and `datasets_create`
    (routes.py `datasets_list`, `datasets_create`)."""
    return "/dataset"


def dataset(dataset_id: str) -> str:
    """python-domino's `datasets_details`."""
    return f"/dataset/{_q(dataset_id)}"


def datasetrw_datasets() -> str:
    """5.0 getDatasets (query parameter projectId): DatasetRwDto items."""
    return "/v4/datasetrw/datasets"


def datasetrw_create() -> str:
    """5.0 createDataset: the same body as python-domino's create, a DatasetRwViewDto back."""
    return "/v4/datasetrw"


def datasetrw_snapshots(dataset_id: str) -> str:
    """5.0 getSnapshots: a dataset's snapshots, the read-write one among them."""
    return f"/v4/datasetrw/snapshots/{_q(dataset_id)}"


def datasetrw_snapshot() -> str:
    """5.0 createSnapshot: body datasetId, relativeFilePaths."""
    return "/v4/datasetrw/snapshot"


def dataset_mounts(project_id: str) -> str:
    """5.0 getLocalDatasetProjectMounts: each dataset with its mountPathsForProject."""
    return f"/v4/datasetrw/mounts/{_q(project_id)}/local"


# Local-Domino extras: no Domino has these; they live under /_local/, a prefix no Domino
# route uses, and every caller works without them (a real Domino answers 404).


def local_scheduled_job_run(schedule_id: str) -> str:
    """Fire a scheduled job now."""
    return f"/_local/scheduledjobs/{_q(schedule_id)}/run"


def local_scheduled_job_runs(schedule_id: str) -> str:
    """A scheduled job's fire history, newest first (query parameter limit)."""
    return f"/_local/scheduledjobs/{_q(schedule_id)}/runs"
