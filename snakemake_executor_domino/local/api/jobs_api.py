"""Request handling for jobs: v4 start, stop, get, list and logs (swagger-5-0.json), and the
v1 runs python-domino 2.2 still calls (start, status, list, output; apiary.apib). Shapes are
in job_shapes.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, Query, Request

from snakemake_executor_domino.local.api import job_shapes as render_jobs
from snakemake_executor_domino.local.api import problems
from snakemake_executor_domino.local.api.api_errors import bad_request, not_found
from snakemake_executor_domino.local.api.auth import Principal, authenticate, backend
from snakemake_executor_domino.local.api.environments_api import environment_to_start
from snakemake_executor_domino.local.api.projects_api import project_by_id, project_by_name
from snakemake_executor_domino.local.api.validate import (
    body_object,
    optional_str,
    required_bool,
    required_list,
    required_str,
)
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.config import Tier
from snakemake_executor_domino.local.store.rows import (
    ACTIVE_STATUSES,
    ALL_STATUSES,
    FINAL_STATUSES,
    Job,
    NotFound,
    Project,
)

JOB_STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "all": ALL_STATUSES,
    "active": ACTIVE_STATUSES,
    "completed": FINAL_STATUSES,
    **{s.lower(): (s,) for s in ALL_STATUSES},
}
# the orders of JobPagination.orderBy the store can sort by
ORDERS = ("number", "queued", "status", "title", "command", "user", "duration")
# a bigger page_size is served as this many; `pagination.pageSize` says so
MAX_PAGE_SIZE = 1000
# python-domino's runs_start sends a script name unless isDirect; Domino picks the program
# by the file's type
PROGRAMS = {".py": "python", ".r": "Rscript", ".sh": "bash"}


def job_of(be: Backend, job_id: str) -> Job:
    try:
        return be.store.get_job(job_id)
    except NotFound:
        raise not_found(f"job {job_id} not found") from None


def _start(
    be: Backend, who: Principal, p: Project, *, command: str, commit_id: str | None,
    tier: Tier, environment_id: str, title: str,
) -> Job:
    if commit_id:
        try:
            be.store.get_commit(p.id, commit_id)
        except NotFound:
            raise bad_request(
                f"commitId {commit_id} is not a commit of project {p.full_name}; list its "
                f"commits with GET /v1/projects/{p.full_name}/commits or omit commitId to use "
                "the newest"
            ) from None
    return be.runner.submit(
        project_id=p.id,
        command=command,
        commit_id=commit_id or p.head_commit_id,
        tier=tier,
        environment_id=environment_id,
        title=title,
        user_id=who.user_id,
        username=who.username,
        parent_job_id=who.job.id if who.job else None,
    )


# -- v4 ----------------------------------------------------------------------------------


def start_job(
    request: Request,
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    body = body_object(body)
    p = project_by_id(be, required_str(body, "projectId"))
    command = required_str(body, "commandToRun")
    tier_id = optional_str(body, "overrideHardwareTierId")
    tier = be.config.tier(tier_id) if tier_id else be.config.default_tier
    if tier is None:
        raise bad_request(
            f"unknown hardware tier '{tier_id}'; valid tiers: {be.config.tier_list_text()}"
        )
    job = _start(
        be, who, p, command=command, commit_id=optional_str(body, "commitId"), tier=tier,
        environment_id=environment_to_start(be, body),
        title=_title(be, body),
    )
    return render_jobs.job(job, be.config.flavor)


def _title(be: Backend, body: dict[str, Any]) -> str:
    title = optional_str(body, "title") or ""
    # 5.0's StartJobRequest has no title: that flavor drops it, as such a deployment does
    return title if be.config.flavor.keeps_title else ""


def name_job(
    request: Request, jobId: str, body: Annotated[Any, Body()] = None  # noqa: N803
) -> dict[str, Any]:
    """5.0 updateJob, POST /v4/jobs/{jobId}/name: UpdateJobName {name} (required)."""
    be = backend(request)
    name = required_str(body_object(body), "name")
    job = job_of(be, jobId)
    be.store.update_job(job.id, title=name)
    return render_jobs.job(job_of(be, jobId), be.config.flavor)


def get_job(request: Request, jobId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    return render_jobs.job(job_of(be, jobId), be.config.flavor)


def runtime_details(request: Request, jobId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    job = job_of(be, jobId)
    # an environment removed from the config since keeps its id as its only name
    env = be.config.environment(job.environment_id)
    return render_jobs.runtime_details(
        job, be.config.flavor, env.name if env else job.environment_id,
        env.revision_id if env else None,
    )


def list_jobs(
    request: Request,
    projectId: str = Query(..., min_length=1),  # noqa: N803
    order_by: str = Query("number"),
    sort_by: str = Query("desc", pattern="^(asc|desc)$"),
    page_size: int = Query(25, ge=1),
    page_no: int = Query(1, ge=1),
    status: str = Query("all"),
    show_archived: bool = Query(False),
) -> dict[str, Any]:
    be = backend(request)
    project_by_id(be, projectId)
    statuses = JOB_STATUS_FILTERS.get(status.lower())
    if statuses is None:
        raise bad_request(
            f"unknown status filter '{status}'; use one of {', '.join(JOB_STATUS_FILTERS)}"
        )
    if order_by not in ORDERS:
        raise bad_request(f"unknown order_by '{order_by}'; use one of {', '.join(ORDERS)}")
    served = min(page_size, MAX_PAGE_SIZE)
    jobs, total = be.store.list_jobs(
        projectId,
        statuses,
        descending=sort_by == "desc",
        order_by=order_by,
        limit=served,
        offset=(page_no - 1) * served,
    )
    return render_jobs.job_set(
        jobs, total, be.config.flavor, page_size=served, page_no=page_no, sort_by=sort_by,
        order_by=order_by,
    )


def stop_job(request: Request, body: Annotated[Any, Body()] = None) -> dict[str, Any]:
    be = backend(request)
    body = body_object(body)
    # all three are required by Domino 5.0's StopJobRequest
    project_id = required_str(body, "projectId")
    job_id = required_str(body, "jobId")
    commit_results = required_bool(body, "commitResults")
    job = job_of(be, job_id)
    if project_id != job.project_id:
        raise bad_request(f"job {job_id} belongs to project {job.project_id}, not {project_id}")
    if not job.is_completed:
        job = be.runner.stop_job(job_id, commit_results=commit_results)
    return render_jobs.job(job, be.config.flavor)


def job_logs(
    request: Request,
    jobId: str,  # noqa: N803
    logType: str | None = Query(  # noqa: N803
        None, pattern="^(console|stdout|stderr|stdoutstderr|prepareoutput)$"
    ),
    limit: int = Query(10000, ge=1),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """The job's log lines: its preparation steps as `prepareoutput`, its merged
    stdout+stderr as `stdout` (a local job's two streams share one file)."""
    be = backend(request)
    job = job_of(be, jobId)
    lines: list[tuple[str, str]] = []
    if logType in (None, "console", "prepareoutput"):
        lines += [("prepareoutput", line) for line in
                  be.runner.logs.setup_text(job.id).splitlines()]
    if logType != "prepareoutput":
        lines += [("stdout", line) for line in be.runner.logs.output(job.id).splitlines()]
    path = be.runner.logs.output_path(job.id)
    stamp = int(path.stat().st_mtime * 1000) if path.exists() else job.submitted_ms
    answer = render_jobs.log_set(lines, stamp, job.is_completed, limit=limit, offset=offset)
    suggestion = problems.suggestion(be.runner.logs, job)
    if suggestion is not None:
        answer["problemSuggestion"] = suggestion
    return answer


# -- v1 runs -----------------------------------------------------------------------------


def _run_of(be: Backend, p: Project, run_id: str) -> Job:
    job = job_of(be, run_id)
    if job.project_id != p.id:
        raise not_found(f"run {run_id} not found in project {p.full_name}")
    return job


def start_run(
    request: Request,
    owner: str,
    project: str,
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    p = project_by_name(be, owner, project)
    body = body_object(body)
    words = required_list(body, "command")
    if not words or not all(isinstance(w, str) for w in words):
        raise bad_request("field 'command' must be a non-empty list of strings")
    command = " ".join(words) if required_bool(body, "isDirect") else _program_for(words)
    tier_name = optional_str(body, "tier")  # the v1 run names a tier by its display name
    tier = be.config.default_tier
    if tier_name:
        tier = next((t for t in be.config.tiers if t.name == tier_name), None)
        if tier is None:
            raise bad_request(
                f"unknown hardware tier '{tier_name}' (v1 runs name a tier by its name); "
                f"valid tiers: {be.config.tier_list_text()}"
            )
    job = _start(
        be, who, p, command=command, commit_id=optional_str(body, "commitId"), tier=tier,
        environment_id=be.config.default_environment.id,
        title=optional_str(body, "title") or "",
    )
    return {
        "runId": job.id,
        "message": f"Run for project {p.full_name} started. You can view progress here: "
        f"{be.config.public_url}/jobs/{p.full_name}/{job.id}",
    }


def _program_for(words: list[str]) -> str:
    first = words[0]
    suffix = first[first.rfind("."):].lower() if "." in first else ""
    program = PROGRAMS.get(suffix)
    return " ".join([program, *words] if program else words)


def run_status(request: Request, owner: str, project: str, runId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    return render_jobs.run_status(_run_of(be, project_by_name(be, owner, project), runId))


def list_runs(request: Request, owner: str, project: str) -> dict[str, Any]:
    be = backend(request)
    p = project_by_name(be, owner, project)
    jobs, _ = be.store.list_jobs(
        p.id, ALL_STATUSES, descending=True, order_by="number", limit=-1, offset=0
    )
    return {
        "objectType": "list",
        "uri": str(request.url),
        "data": [render_jobs.run_status(j) for j in jobs],
    }


def run_stdout(request: Request, owner: str, project: str, runId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    job = _run_of(be, project_by_name(be, owner, project), runId)
    return render_jobs.run_output(
        be.runner.logs.setup_text(job.id), be.runner.logs.output(job.id)
    )
