"""Request handling for datasets: python-domino's `/dataset` routes and Domino 5.0's
`/v4/datasetrw/...` ones (list, create, one dataset, snapshots, the project's mounts).
Shapes are in dataset_shapes.py; each dataset is a directory (store/dataset_dirs.py) that
every job of its project gets mounted (jobs/dataset_mounts.py).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Annotated, Any

from fastapi import Body, Depends, Query, Request

from snakemake_executor_domino.domino.dataset_paths import SNAPSHOTS_DIR
from snakemake_executor_domino.local.api import dataset_shapes as render
from snakemake_executor_domino.local.api.api_errors import bad_request, not_found
from snakemake_executor_domino.local.api.auth import Principal, authenticate, backend
from snakemake_executor_domino.local.api.projects_api import project_by_id
from snakemake_executor_domino.local.api.validate import (
    body_object,
    optional_str,
    required_list,
    required_str,
)
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.dataset_dirs import DatasetDirs, storage_size
from snakemake_executor_domino.local.store.dataset_queries import DatasetRow
from snakemake_executor_domino.local.store.paths import BadPath, clean_dir_path
from snakemake_executor_domino.local.store.rows import NotFound

# one path segment a job can be shown at: no '/', no leading dot, not the snapshots folder
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
ROOT_NAMES = (".", "", "/")


def dirs(be: Backend) -> DatasetDirs:
    return DatasetDirs(be.config.datasets_dir)


def dataset_by_id(be: Backend, dataset_id: str) -> DatasetRow:
    try:
        return be.store.get_dataset(dataset_id)
    except NotFound:
        raise not_found(
            f"dataset {dataset_id} not found; list a project's with GET /dataset?projectId=..."
        ) from None


def _create(be: Backend, who: Principal, body: Any) -> DatasetRow:
    body = body_object(body)
    project = project_by_id(be, required_str(body, "projectId"))
    name = required_str(body, "datasetName")
    if not NAME.fullmatch(name) or name == SNAPSHOTS_DIR:
        raise bad_request(
            f"datasetName {name[:100]!r} cannot be a folder name in a job: use up to 100 "
            "letters, digits, '.', '_' or '-', starting with a letter or digit, and not "
            f"'{SNAPSHOTS_DIR}' (Domino keeps snapshots there)"
        )
    description = optional_str(body, "description") or ""
    try:
        row = be.store.create_dataset(project.id, name, description, who.user_id)
    except sqlite3.IntegrityError:
        # 400, not 409: clients read Domino's 409 as "log in again"
        raise bad_request(
            f"project {project.full_name} already has a dataset named '{name}'; pick "
            "another name"
        ) from None
    dirs(be).create(project.id, name)
    return row


# -- python-domino's routes --------------------------------------------------------------


def list_datasets(
    request: Request, projectId: str | None = Query(None)  # noqa: N803
) -> list[dict[str, Any]]:
    be = backend(request)
    if projectId is not None:
        project_by_id(be, projectId)
    return [render.python_domino(d) for d in be.store.list_datasets(projectId)]


def create_dataset(
    request: Request,
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    return render.python_domino(_create(backend(request), who, body))


def get_dataset(request: Request, datasetId: str) -> dict[str, Any]:  # noqa: N803
    return render.python_domino(dataset_by_id(backend(request), datasetId))


# -- Domino 5.0's v4 routes --------------------------------------------------------------


def list_datasets_v4(
    request: Request, projectId: str | None = Query(None)  # noqa: N803
) -> list[dict[str, Any]]:
    be = backend(request)
    if projectId is not None:
        project_by_id(be, projectId)
    return [render.dataset_rw(d) for d in be.store.list_datasets(projectId)]


def create_dataset_v4(
    request: Request,
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    be = backend(request)
    row = _create(be, who, body)
    return render.dataset_rw_view(row, be.store.get_project(row.project_id))


def get_dataset_v4(request: Request, datasetId: str) -> dict[str, Any]:  # noqa: N803
    return render.dataset_rw(dataset_by_id(backend(request), datasetId))


def list_snapshots(request: Request, datasetId: str) -> list[dict[str, Any]]:  # noqa: N803
    be = backend(request)
    d = dataset_by_id(be, datasetId)
    where = dirs(be)
    out = [render.snapshot(d.read_write, storage_size(where.read_write(d.project_id, d.name)))]
    for v in d.snapshots:
        size = storage_size(where.snapshot(d.project_id, d.name, v.version))
        out.append(render.snapshot(v, size))
    return out


def create_snapshot(
    request: Request,
    who: Annotated[Principal, Depends(authenticate)],
    body: Annotated[Any, Body()] = None,
) -> dict[str, Any]:
    """5.0 createSnapshot: a read-only copy of the dataset's files, or of those listed."""
    be = backend(request)
    body = body_object(body)
    d = dataset_by_id(be, required_str(body, "datasetId"))
    paths = _snapshot_paths(required_list(body, "relativeFilePaths"))
    where = dirs(be)
    missing = where.missing(d.project_id, d.name, paths)
    if missing:
        raise bad_request(
            f"relativeFilePaths: {', '.join(repr(p) for p in missing[:5])} not in dataset "
            f"'{d.name}'; name files or folders relative to the dataset's root, or '.' for all"
        )
    with DatasetDirs.snapshot_lock:
        version = len(be.store.get_dataset(d.id).versions)
        target = where.make_snapshot(d.project_id, d.name, version, paths)
        row = be.store.add_snapshot(d.id, version, who.user_id)
    return render.snapshot(row, storage_size(target))


def _snapshot_paths(raw: list[Any]) -> list[str]:
    """Clean relative paths, '' for the whole dataset (also for an empty list)."""
    if not raw:
        return [""]
    paths = []
    for item in raw:
        if not isinstance(item, str):
            raise bad_request("relativeFilePaths must list strings (paths in the dataset)")
        try:
            paths.append("" if item in ROOT_NAMES else clean_dir_path(item))
        except BadPath as exc:
            raise bad_request(f"relativeFilePaths: {exc}") from None
    return paths


def project_mounts(request: Request, projectId: str) -> list[dict[str, Any]]:  # noqa: N803
    """5.0 getLocalDatasetProjectMounts: the project's own datasets and their paths."""
    be = backend(request)
    project = project_by_id(be, projectId)
    where = dirs(be)
    return [
        render.project_mount(d, project, storage_size(where.read_write(project.id, d.name)))
        for d in be.store.list_datasets(project.id)
    ]
