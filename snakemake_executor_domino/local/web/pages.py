"""Request handling of the web pages; the route table is in page_routes.py.

Plain `def` handlers (FastAPI runs them in its thread pool): they read SQLite and files.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Query, Request
from fastapi.responses import (
    FileResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.api.jobs_api import JOB_STATUS_FILTERS
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.paths import BadPath, clean_dir_path, clean_file_path
from snakemake_executor_domino.local.store.rows import (
    ACTIVE_STATUSES,
    ALL_STATUSES,
    Commit,
    Job,
    NotFound,
    Project,
)
from snakemake_executor_domino.local.web import views
from snakemake_executor_domino.local.web.file_views import file_headers, preview
from snakemake_executor_domino.local.web.guard import (
    WebError,
    action_session,
    check_csrf,
    check_same_origin,
    clear_session_cookie,
    current_session,
    safe_next,
    set_session_cookie,
    web_auth,
)
from snakemake_executor_domino.local.web.redact import redacted_file
from snakemake_executor_domino.local.web.schedule_section import project_schedules
from snakemake_executor_domino.local.web.session import Session
from snakemake_executor_domino.local.web.templating import job_url, page, project_url
from snakemake_executor_domino.report.spans import title_run

JOBS_PER_PAGE = 50
REFRESH_PROJECT_SECONDS = 3
REFRESH_JOB_SECONDS = 2


# -- helpers ----------------------------------------------------------------------------------


def _project(be: Backend, owner: str, name: str) -> Project:
    try:
        return be.store.find_project(owner, name)
    except NotFound:
        raise WebError(404, f"project {owner}/{name} not found") from None


def _job(be: Backend, project: Project, job_id: str) -> Job:
    try:
        job = be.store.get_job(job_id)
    except NotFound:
        job = None
    if job is None or job.project_id != project.id:
        raise WebError(404, f"job {job_id} not found in project {project.full_name}")
    return job


def _commit(be: Backend, project: Project, commit_id: str) -> Commit:
    try:
        return be.store.get_commit(project.id, commit_id)
    except NotFound:
        raise WebError(
            404, f"commit {commit_id} not found in project {project.full_name}"
        ) from None


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- login ------------------------------------------------------------------------------------


def login_form(request: Request, next: str = "", code: str = "") -> Response:  # noqa: A002
    auth = web_auth(request)
    target = safe_next(next)
    if code:
        if auth.redeem_login_code(code):
            response = _redirect(target)
            set_session_cookie(response, request, auth.new_session())
            return response
        return page(
            request, "login.html", status_code=401, next=target,
            error="This login link has expired or was used already. "
            "Log in with the API key instead.",
        )
    if current_session(request) is not None:
        return _redirect(target)
    return page(request, "login.html", next=target, error=None)


def login_submit(
    request: Request,
    api_key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",  # noqa: A002
) -> Response:
    check_same_origin(request)
    auth = web_auth(request)
    target = safe_next(next)
    if not auth.is_api_key(api_key.strip()):
        return page(
            request, "login.html", status_code=401, next=target,
            error="That is not this server's API key." if api_key else "Enter the API key.",
        )
    response = _redirect(target)
    set_session_cookie(response, request, auth.new_session())
    return response


def logout(
    request: Request,
    session: Annotated[Session, Depends(action_session)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, session, csrf)
    response = _redirect("/login")
    clear_session_cookie(response, request)
    return response


# -- pages ------------------------------------------------------------------------------------


def index(request: Request) -> Response:
    be = backend(request)
    rows = []
    for p in be.store.list_projects():
        counts = be.store.job_status_counts(p.id)
        rows.append((p, counts, sum(counts.values()), views.any_active(counts)))
    active = any(row[3] for row in rows)
    return page(
        request, "index.html", projects=rows,
        refresh=REFRESH_PROJECT_SECONDS if active else None,
    )


def project_page(
    request: Request,
    owner: str,
    project: str,
    status: str = "all",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    be = backend(request)
    p = _project(be, owner, project)
    statuses = JOB_STATUS_FILTERS.get(status.lower())
    if statuses is None:
        raise WebError(400, f"unknown status filter '{status}'")
    counts = be.store.job_status_counts(p.id)
    jobs, total = be.store.list_jobs(
        p.id, statuses, descending=True, order_by="number",
        limit=JOBS_PER_PAGE, offset=(page_no - 1) * JOBS_PER_PAGE,
    )
    return page(
        request, "project.html",
        title=f"{p.full_name} · jobs",
        project=p,
        jobs=jobs,
        total=total,
        counts=counts,
        status=status.lower(),
        filters=_filters(counts, status.lower()),
        page_no=page_no,
        pages=max(1, -(-total // JOBS_PER_PAGE)),
        schedules=project_schedules(be, p),
        refresh=REFRESH_PROJECT_SECONDS if views.any_active(counts) else None,
    )


def job_page(request: Request, owner: str, project: str, jobId: str) -> Response:  # noqa: N803
    be = backend(request)
    p = _project(be, owner, project)
    job = _job(be, p, jobId)
    active = job.status in ACTIVE_STATUSES
    changes = views.changed_files(be, job)
    previews, log_previews = views.previews(changes)
    return page(
        request, "job.html",
        title=f"#{job.number} {job.title or job.command} · {p.full_name}",
        project=p,
        job=job,
        active=active,
        changes=changes,
        previews=previews,
        log_previews=log_previews,
        log=views.log_tail(be.runner.logs.output_path(job.id)),
        setup_log=views.log_tail(be.runner.logs.setup_path(job.id), 16 * 1024),
        run_id=title_run(job.title),
        refresh=REFRESH_JOB_SECONDS if active else None,
    )


def job_log(
    request: Request, owner: str, project: str, jobId: str, part: str = "output"  # noqa: N803
) -> Response:
    be = backend(request)
    job = _job(be, _project(be, owner, project), jobId)
    logs = be.runner.logs
    if part not in ("output", "setup"):
        raise WebError(400, "part must be 'output' or 'setup'")
    path = logs.output_path(job.id) if part == "output" else logs.setup_path(job.id)
    _, headers = file_headers(f"job-{job.number}-{part}.log", inline=False)
    # shown in the browser as plain text (nosniff + sandbox: never as a page)
    headers["Content-Disposition"] = "inline"
    headers["Cache-Control"] = "no-store"
    if not path.exists():
        return PlainTextResponse("", headers=headers)
    return StreamingResponse(
        redacted_file(path, be.api_key), media_type="text/plain; charset=utf-8", headers=headers
    )


def stop_job(
    request: Request,
    owner: str,
    project: str,
    jobId: str,  # noqa: N803
    session: Annotated[Session, Depends(action_session)],
    csrf: Annotated[str, Form()] = "",
    commit: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, session, csrf)
    be = backend(request)
    p = _project(be, owner, project)
    job = _job(be, p, jobId)
    if not job.is_completed:
        be.runner.stop_job(job.id, commit_results=commit == "1", reason="stopped from the web page")
    return _redirect(job_url(p.owner_username, p.name, job.id))


def browse(
    request: Request,
    owner: str,
    project: str,
    commitId: str = "",  # noqa: N803
    path: str = "",
) -> Response:
    be = backend(request)
    p = _project(be, owner, project)
    try:
        directory = clean_dir_path(path)
    except BadPath as exc:
        raise WebError(400, f"invalid path: {exc}") from None
    commit = _commit(be, p, commitId or p.head_commit_id)
    entries = be.store.list_dir(commit.id, directory)
    file_entry = None
    if entries is None:
        file_entry = be.store.get_file(commit.id, directory) if directory else None
        if file_entry is None:
            raise WebError(404, f"'{directory}' not found at commit {commit.id}")
    return page(
        request, "browse.html",
        title=f"{p.full_name} · files",
        project=p,
        commit=commit,
        directory=directory,
        crumbs=_crumbs(directory),
        entries=entries or [],
        file=file_entry,
        preview=preview(file_entry, be.blobs) if file_entry else None,
        commits=be.store.list_commits(p.id)[:30],
    )


def raw_file(
    request: Request,
    owner: str,
    project: str,
    commitId: str,  # noqa: N803
    path: str,
    inline: str = "",
) -> Response:
    be = backend(request)
    try:
        clean = clean_file_path(path)
    except BadPath as exc:
        raise WebError(400, f"invalid path: {exc}") from None
    p = _project(be, owner, project)
    commit = _commit(be, p, commitId)
    entry = be.store.get_file(commit.id, clean)
    if entry is None:
        raise WebError(404, f"file '{clean}' not found at commit {commit.id}")
    media, headers = file_headers(clean, inline=inline == "1")
    return FileResponse(be.blobs.path(entry.key), media_type=media, headers=headers)


# -- Domino's other URLs for the same things --------------------------------------------------


def legacy_results(owner: str, project: str, jobId: str) -> Response:  # noqa: N803
    # older Domino versions linked a run as /u/{owner}/{project}/results/{runId}
    return _redirect(job_url(owner, project, jobId))


def project_overview(owner: str, project: str) -> Response:
    return _redirect(project_url(owner, project))


def _filters(counts: dict[str, int], current: str) -> list[tuple[str, int]]:
    """(filter, matching jobs) for the status links: the groups, then statuses that occur."""
    names = ["all", "active", "completed", *(s.lower() for s in ALL_STATUSES)]
    shown = []
    for name in names:
        n = sum(counts.get(s, 0) for s in JOB_STATUS_FILTERS[name])
        if n or name in ("all", "active", "completed") or name == current:
            shown.append((name, n))
    return shown


def _crumbs(directory: str) -> list[tuple[str, str]]:
    parts = directory.split("/") if directory else []
    return [(part, "/".join(parts[: i + 1])) for i, part in enumerate(parts)]
