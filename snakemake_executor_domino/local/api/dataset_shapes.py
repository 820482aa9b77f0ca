"""JSON shapes of datasets, as Domino documents them.

- python-domino's `/dataset` routes (domino/domino.py, tests/test_datasets.py): items with
  datasetId, datasetName, description, projectId and created (its live tests).
- Domino 5.0's v4 OpenAPI (swagger-5-0.json): DatasetRwDto, DatasetRwViewDto (the create
  answer), DatasetRwSnapshotDto, DatasetRwProjectMountDto, each with every field the
  description marks required.
Mount paths are the documented ones of a Domino File System project (the local Domino's
projects are all of that kind): domino/dataset_paths.py.
"""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.domino.dataset_paths import dataset_path, snapshot_path
from snakemake_executor_domino.local.store.dataset_queries import DatasetRow, DatasetVersion
from snakemake_executor_domino.local.store.rows import Project

ACTIVE = "Active"


def python_domino(d: DatasetRow) -> dict[str, Any]:
    return {
        "datasetId": d.id,
        "datasetName": d.name,
        "description": d.description,
        "projectId": d.project_id,
        "created": d.created_ms,
    }


def dataset_rw(d: DatasetRow) -> dict[str, Any]:
    """DatasetRwDto. `datasetPath`'s meaning is not described; here: the mount path."""
    return {
        "id": d.id,
        "name": d.name,
        "description": d.description,
        "projectId": d.project_id,
        "author": d.author_id,
        "snapshotIds": [v.id for v in d.versions],
        "readWriteSnapshotId": d.read_write.id,
        "tags": {},
        "createdTime": d.created_ms,
        "lifecycleStatus": ACTIVE,
        "statusLastUpdatedBy": d.author_id,
        "statusLastUpdatedTime": d.created_ms,
        "datasetPath": dataset_path(d.name),
    }


def dataset_rw_view(d: DatasetRow, project: Project) -> dict[str, Any]:
    """DatasetRwViewDto: what 5.0's createDataset answers."""
    return {
        "id": d.id,
        "name": d.name,
        "description": d.description,
        "projectId": d.project_id,
        "projectOwner": project.owner_username,
        "projectName": project.name,
        "snapshotIds": [v.id for v in d.versions],
        "tags": {},
        "createdTime": d.created_ms,
    }


def snapshot(v: DatasetVersion, size: int) -> dict[str, Any]:
    """DatasetRwSnapshotDto."""
    return {
        "id": v.id,
        "resourceId": v.id,
        "datasetId": v.dataset_id,
        "author": v.author_id,
        "version": v.version,
        "description": None,
        "creationTime": v.created_ms,
        "lifecycleStatus": ACTIVE,
        "statusLastUpdatedBy": v.author_id,
        "statusLastUpdatedTime": v.created_ms,
        "storageSize": size,
        "isPartialSize": False,
        "lastUsedTime": None,
        "isReadWrite": v.read_write,
    }


def mount_paths(d: DatasetRow) -> list[str]:
    """Every path a job of the project sees the dataset at: the dataset itself, then each
    snapshot by number (tags are not kept here, so no tag paths)."""
    return [dataset_path(d.name)] + [snapshot_path(d.name, v.version) for v in d.snapshots]


def project_mount(d: DatasetRow, project: Project, size: int) -> dict[str, Any]:
    """DatasetRwProjectMountDto of a dataset local to the project."""
    return {
        "datasetId": d.id,
        "snapshotId": d.read_write.id,
        "versionNumber": d.read_write.version,
        "name": d.name,
        "description": d.description,
        "ownerProjectId": project.id,
        "ownerProjectOwnerUsername": project.owner_username,
        "ownerProjectName": project.name,
        "storageSize": size,
        "isPartialSize": False,
        "availableVersions": len(d.versions),
        "mountPathsForProject": mount_paths(d),
    }
