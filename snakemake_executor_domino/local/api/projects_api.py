"""Request handling for projects, users, tiers, commits and files: parse and validate the
request, call the store, render the answer (shapes in project_shapes.py). Jobs are in jobs_api.py,
scheduled jobs in schedules_api.py, local-only extras in local_api.py; the route table is
route_table.py.

Handlers are plain `def` (FastAPI runs them in its thread pool, off the event loop) except
the upload, which streams the body to the blob store as it arrives.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from snakemake_executor_domino.local.api import project_shapes as render
from snakemake_executor_domino.local.api.api_errors import not_found
from snakemake_executor_domino.local.api.auth import Principal, authenticate, backend
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.paths import clean_dir_path, clean_file_path
from snakemake_executor_domino.local.store.rows import FileEntry, NotFound, Project, now_ms

# -- lookups shared with the other handler modules -------------------------------------


def project_by_name(be: Backend, owner: str, name: str) -> Project:
    try:
        return be.store.find_project(owner, name)
    except NotFound:
        raise not_found(
            f"project {owner}/{name} not found; create it with "
            f"`snakemake-domino local serve --project {owner}/{name}`"
        ) from None


def project_by_id(be: Backend, project_id: str) -> Project:
    try:
        return be.store.get_project(project_id)
    except NotFound:
        raise not_found(
            f"project {project_id} not found; look its id up with "
            "GET /v4/gateway/projects/findProjectByOwnerAndName"
        ) from None


def commit_of(be: Backend, project: Project, commit_id: str) -> str:
    try:
        return be.store.get_commit(project.id, commit_id).id
    except NotFound:
        raise not_found(
            f"commit {commit_id} not found in project {project.full_name}; list its commits "
            f"with GET /v1/projects/{project.full_name}/commits"
        ) from None


# -- deployment, projects, users, tiers --------------------------------------------------


def version(request: Request) -> dict[str, Any]:
    return render.version(backend(request).config.flavor)


def find_project(
    request: Request,
    who: Annotated[Principal, Depends(authenticate)],
    ownerName: str = Query(..., min_length=1),  # noqa: N803 (Domino's parameter names)
    projectName: str = Query(..., min_length=1),  # noqa: N803
) -> dict[str, Any]:
    be = backend(request)
    p = project_by_name(be, ownerName, projectName)
    head = be.store.get_commit(p.id, p.head_commit_id)
    return render.project(
        p, be.config, requester=who.username, head=head,
        activity=be.store.project_activity(p.id),
    )


def current_user(who: Annotated[Principal, Depends(authenticate)]) -> dict[str, Any]:
    return render.person(who.user_id, who.username)


def list_users(
    request: Request, userName: str | None = None  # noqa: N803
) -> list[dict[str, Any]]:
    """The apiary's GET /v4/users (python-domino looks user ids up by name with it)."""
    users = backend(request).store.list_users()
    return [render.person(u, name) for u, name in users if userName in (None, name)]


def hardware_tiers(request: Request, projectId: str) -> list[dict[str, Any]]:  # noqa: N803
    be = backend(request)
    project_by_id(be, projectId)
    load = be.store.tier_load()
    return [render.hardware_tier(t, be.config, load.get(t.id, (0, 0))) for t in be.config.tiers]


# -- commits -----------------------------------------------------------------------------


def head_commit(request: Request, projectId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    p = project_by_id(be, projectId)
    return render.commit_v4(be.store.get_commit(p.id, p.head_commit_id))


def list_commits_v4(request: Request, projectId: str) -> list[dict[str, Any]]:  # noqa: N803
    be = backend(request)
    p = project_by_id(be, projectId)
    return [render.commit_v4(c) for c in be.store.list_commits(p.id)]


def list_commits(request: Request, owner: str, project: str) -> list[Any]:
    be = backend(request)
    p = project_by_name(be, owner, project)
    return [render.commit_v1(c, be.config.flavor) for c in be.store.list_commits(p.id)]


# -- files -------------------------------------------------------------------------------


def list_files(
    request: Request, owner: str, project: str, commitId: str, path: str = ""  # noqa: N803
) -> dict[str, Any]:
    """Every file under `path` at the commit, with its path from the project root.

    Flat and recursive, as python-domino's README example reads it: files_list(commit)
    "lists all files in the project", and its upload-and-download example matches nested
    result paths in the root listing and downloads each entry as a file. No entry is a
    directory, so no source had to say how one would be marked.
    """
    be = backend(request)
    directory = clean_dir_path(path)
    p = project_by_name(be, owner, project)
    commit = commit_of(be, p, commitId)
    base = be.config.public_url
    entries = be.store.files_under(commit, directory)
    if not entries and directory:
        raise not_found(f"no file or directory '{directory}' at commit {commit}")
    return {"data": [render.file_entry(e, base, p) for e in entries]}


def list_files_v4(
    request: Request, projectId: str, commitId: str = "head", path: str = ""  # noqa: N803
) -> list[dict[str, Any]]:
    """getProjectFiles / getProjectFilesFromHead: ProjectFileDeprecated entries, all files
    under `path`, as the v1 list gives them."""
    be = backend(request)
    directory = clean_dir_path(path)
    p = project_by_id(be, projectId)
    commit = p.head_commit_id if commitId == "head" else commit_of(be, p, commitId)
    entries = be.store.files_under(commit, directory)
    if not entries and directory:
        raise not_found(f"no file or directory '{directory}' at commit {commit}")
    return [render.project_file(e) for e in entries]


async def upload_file(request: Request, owner: str, project: str, path: str) -> JSONResponse:
    be = backend(request)
    clean = clean_file_path(path)  # refuse before reading a byte of the body
    p = await run_in_threadpool(project_by_name, be, owner, project)
    key, size = await be.blobs.put_async_chunks(request.stream())
    entry = FileEntry(clean, key, size, now_ms())
    await run_in_threadpool(
        be.store.apply_changes, p.id, {clean: entry}, f"Upload {clean}", replace_conflicts=False
    )
    body = render.file_entry(entry, be.config.public_url, p)
    return JSONResponse(body, status_code=201, headers={"Location": body["url"]})


def file_content(
    request: Request, projectId: str, commitId: str, path: str  # noqa: N803
) -> FileResponse:
    be = backend(request)
    if not be.config.flavor.content_route:
        # Domino before 5.10 has no such route (python-domino 1.3's blobs_get_v2)
        raise not_found(
            f"no route GET /api/projects/v1/.../content on Domino {be.config.flavor.version}; "
            "file content is at GET /v1/projects/{owner}/{project}/blobs/{key}"
        )
    clean = clean_file_path(path)
    p = project_by_id(be, projectId)
    commit = commit_of(be, p, commitId)
    entry = be.store.get_file(commit, clean)
    if entry is None:
        raise not_found(f"file '{clean}' not found at commit {commit}")
    return FileResponse(be.blobs.path(entry.key), media_type="application/octet-stream")


def blob(request: Request, owner: str, project: str, key: str) -> FileResponse:
    """The v1 "File contents" by blob key (deprecated by Domino, still documented)."""
    be = backend(request)
    p = project_by_name(be, owner, project)
    # only a blob some commit of this project holds: keys must not reach other projects
    if not be.store.project_has_blob(p.id, key):
        raise not_found(
            f"no file with key {key} in project {p.full_name}; list files with "
            f"GET /v1/projects/{p.full_name}/files/{{commitId}}/"
        )
    return FileResponse(be.blobs.path(key), media_type="application/octet-stream")
