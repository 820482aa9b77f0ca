"""Request handling per route: parse and validate the request, call the store or runner,
render the answer (shapes in render.py). The route table is in urls.py.

Handlers are plain `def` (FastAPI runs them in its thread pool, off the event loop) except
the upload, which streams the body to the blob store as it arrives.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from . import problems, render
from .auth import Principal, authenticate, backend
from .backend import Backend
from .environments_api import environment_to_start
from .errors import bad_request, not_found
from .models import (
    ACTIVE_STATUSES,
    ALL_STATUSES,
    FINAL_STATUSES,
    FileEntry,
    Job,
    NotFound,
    Project,
    now_ms,
)
from .paths import clean_dir_path, clean_file_path

JOB_STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "all": ALL_STATUSES,
    "active": ACTIVE_STATUSES,
    "completed": FINAL_STATUSES,
    **{s.lower(): (s,) for s in ALL_STATUSES},
}
MAX_PAGE_SIZE = 1000


# -- helpers ----------------------------------------------------------------------------------


def _project_by_name(be: Backend, owner: str, name: str) -> Project:
    try:
        return be.store.find_project(owner, name)
    except NotFound:
        raise not_found(
            f"project {owner}/{name} not found; create it with "
            f"`snakemake-domino local serve --project {owner}/{name}`"
        ) from None


def _project_by_id(be: Backend, project_id: str) -> Project:
    try:
        return be.store.get_project(project_id)
    except NotFound:
        raise not_found(
            f"project {project_id} not found; look its id up with "
            "GET /v4/gateway/projects/findProjectByOwnerAndName"
        ) from None


def _commit_of(be: Backend, project: Project, commit_id: str) -> str:
    try:
        return be.store.get_commit(project.id, commit_id).id
    except NotFound:
        raise not_found(
            f"commit {commit_id} not found in project {project.full_name}; list its commits "
            f"with GET /v1/projects/{project.full_name}/commits"
        ) from None


def _job(be: Backend, job_id: str) -> Job:
    try:
        return be.store.get_job(job_id)
    except NotFound:
        raise not_found(f"job {job_id} not found") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    return body


def _required_str(body: dict[str, Any], name: str) -> str:
    value = _optional_str(body, name)
    if value is None:
        raise bad_request(f"missing required field '{name}'")
    if not value.strip():
        raise bad_request(f"field '{name}' must not be empty")
    return value


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"field '{name}' must be a string, got {type(value).__name__}")
    return value


def _bool_field(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_request(f"field '{name}' must be true or false, got {value!r}")
    return value


# -- routes -----------------------------------------------------------------------------------


def version() -> dict[str, Any]:
    return render.version()


def find_project(
    request: Request,
    ownerName: str = Query(..., min_length=1),  # noqa: N803 (Domino's parameter names)
    projectName: str = Query(..., min_length=1),  # noqa: N803
) -> dict[str, Any]:
    return render.project(_project_by_name(backend(request), ownerName, projectName))


def hardware_tiers(request: Request, projectId: str) -> list[dict[str, Any]]:  # noqa: N803
    be = backend(request)
    _project_by_id(be, projectId)
    return [render.hardware_tier(t) for t in be.config.tiers]


def list_commits(request: Request, owner: str, project: str) -> list[dict[str, Any]]:
    be = backend(request)
    p = _project_by_name(be, owner, project)
    return [render.commit(c) for c in be.store.list_commits(p.id)]


def list_files(
    request: Request, owner: str, project: str, commitId: str, path: str = ""  # noqa: N803
) -> dict[str, Any]:
    be = backend(request)
    directory = clean_dir_path(path)
    p = _project_by_name(be, owner, project)
    commit = _commit_of(be, p, commitId)
    entries = be.store.list_dir(commit, directory)
    if entries is None:
        raise not_found(f"directory '{directory}' not found at commit {commit}")
    return {"data": [render.file_entry(e) for e in entries]}


async def upload_file(request: Request, owner: str, project: str, path: str) -> JSONResponse:
    be = backend(request)
    clean = clean_file_path(path)  # refuse before reading a byte of the body
    p = await run_in_threadpool(_project_by_name, be, owner, project)
    key, size = await be.blobs.put_async_chunks(request.stream())
    entry = FileEntry(clean, key, size, now_ms())
    commit = await run_in_threadpool(
        be.store.apply_changes,
        p.id,
        {clean: entry},
        f"Upload {clean}",
        replace_conflicts=False,
    )
    return JSONResponse(render.uploaded(entry, commit), status_code=201)


def file_content(
    request: Request, projectId: str, commitId: str, path: str  # noqa: N803
) -> FileResponse:
    be = backend(request)
    clean = clean_file_path(path)
    p = _project_by_id(be, projectId)
    commit = _commit_of(be, p, commitId)
    entry = be.store.get_file(commit, clean)
    if entry is None:
        raise not_found(f"file '{clean}' not found at commit {commit}")
    return FileResponse(be.blobs.path(entry.key), media_type="application/octet-stream")


def start_job(
    request: Request,
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    body = _object(body)
    project_id = _required_str(body, "projectId")
    command = _required_str(body, "commandToRun")
    commit_id = _optional_str(body, "commitId")
    tier_id = _optional_str(body, "overrideHardwareTierId")
    environment_id = environment_to_start(be, body)
    title = _optional_str(body, "title") or ""
    p = _project_by_id(be, project_id)
    if commit_id:
        try:
            be.store.get_commit(p.id, commit_id)
        except NotFound:
            raise bad_request(
                f"commitId {commit_id} is not a commit of project {p.full_name}; list its "
                f"commits with GET /v1/projects/{p.full_name}/commits or omit commitId to use "
                "the newest"
            ) from None
    else:
        commit_id = p.head_commit_id
    tier = be.config.tier(tier_id) if tier_id else be.config.default_tier
    if tier is None:
        raise bad_request(
            f"unknown hardware tier '{tier_id}'; valid tiers: {be.config.tier_list_text()}"
        )
    job = be.runner.submit(
        project_id=p.id,
        command=command,
        commit_id=commit_id,
        tier=tier,
        environment_id=environment_id,
        title=title,
        user_id=who.user_id,
        username=who.username,
        parent_job_id=who.job.id if who.job else None,
    )
    return render.job(job)


def get_job(request: Request, jobId: str) -> dict[str, Any]:  # noqa: N803
    return render.job(_job(backend(request), jobId))


def list_jobs(
    request: Request,
    projectId: str = Query(..., min_length=1),  # noqa: N803
    order_by: str = Query("number", pattern="^(number|submissionTime)$"),
    sort_by: str = Query("desc", pattern="^(asc|desc)$"),
    page_size: int = Query(25, ge=1, le=MAX_PAGE_SIZE),
    page_no: int = Query(1, ge=1),
    status: str = Query("all"),
    show_archived: str = Query("false"),
) -> dict[str, Any]:
    be = backend(request)
    _project_by_id(be, projectId)
    statuses = JOB_STATUS_FILTERS.get(status.lower())
    if statuses is None:
        raise bad_request(
            f"unknown status filter '{status}'; use one of {', '.join(JOB_STATUS_FILTERS)}"
        )
    jobs, total = be.store.list_jobs(
        projectId,
        statuses,
        descending=sort_by == "desc",
        order_by=order_by,
        limit=page_size,
        offset=(page_no - 1) * page_size,
    )
    return {"jobs": [render.job(j) for j in jobs], "totalCount": total}


def stop_job(request: Request, body: Annotated[Any, Body()] = None) -> dict[str, Any]:
    be = backend(request)
    body = _object(body)
    job_id = _required_str(body, "jobId")
    project_id = _optional_str(body, "projectId")
    commit_results = _bool_field(body, "commitResults", True)
    job = _job(be, job_id)
    if project_id and project_id != job.project_id:
        raise bad_request(f"job {job_id} belongs to project {job.project_id}, not {project_id}")
    if job.is_completed:
        return render.job(job)
    return render.job(be.runner.stop_job(job_id, commit_results=commit_results))


def job_logs(request: Request, jobId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    job = _job(be, jobId)
    path = be.runner.logs.output_path(job.id)
    mtime = path.stat().st_mtime if path.exists() else None
    answer = render.job_logs(be.runner.logs.output(job.id), job.is_completed, mtime)
    return {**answer, "problemSuggestion": problems.suggestion(be.runner.logs, job)}


def run_stdout(request: Request, owner: str, project: str, runId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    p = _project_by_name(be, owner, project)
    job = _job(be, runId)
    if job.project_id != p.id:
        raise not_found(f"run {runId} not found in project {p.full_name}")
    return {"setup": be.runner.logs.setup_text(job.id), "stdout": be.runner.logs.output(job.id)}
