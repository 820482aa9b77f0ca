"""Datasets as the plugin sees them, and Domino's dataset JSON -> those models (pure).

Every documented variant of an answer is read:
- python-domino (domino/domino.py `datasets_list`, `datasets_create`, `datasets_details`;
  tests/test_datasets.py): items with `datasetId`, `datasetName`, `projectId`, the
  description as `description` (its live tests) or `datasetDescription` (its mocked ones).
- Domino 5.0's v4 OpenAPI (api-docs swagger-5-0.json): DatasetRwDto / DatasetRwViewDto
  (`id`, `name`, `description`, `projectId`, `readWriteSnapshotId`, `snapshotIds`),
  DatasetRwSnapshotDto (`id`, `datasetId`, `version`, `isReadWrite`, `creationTime`) and
  DatasetRwProjectMountDto (`datasetId`, `snapshotId`, `versionNumber`, `name`,
  `mountPathsForProject`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from snakemake_executor_domino.domino.dataset_paths import is_snapshot_path
from snakemake_executor_domino.exceptions import DominoPluginError


@dataclass(frozen=True)
class Dataset:
    id: str
    name: str
    description: str = ""
    project_id: str = ""
    read_write_snapshot_id: str = ""
    snapshot_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetSnapshot:
    """One version of a dataset: the read-write one (the live dataset, version 0 on the
    local Domino) or a read-only snapshot numbered from 1."""

    id: str
    dataset_id: str
    version: int
    read_write: bool
    created_ms: int | None = None


@dataclass(frozen=True)
class DatasetMount:
    """A dataset as the project's executions mount it: every path it appears at."""

    dataset_id: str
    name: str
    paths: tuple[str, ...]
    snapshot_id: str = ""
    version: int | None = None

    @property
    def read_write_paths(self) -> tuple[str, ...]:
        return tuple(p for p in self.paths if not is_snapshot_path(p))

    @property
    def read_only_paths(self) -> tuple[str, ...]:
        return tuple(p for p in self.paths if is_snapshot_path(p))


class DatasetAnswerError(DominoPluginError, ValueError):
    """An answer that is not a dataset, snapshot or mount in any documented shape."""


def datasets(body: Any) -> list[Dataset]:
    return [dataset(item) for item in _items(body, "datasets")]


def dataset(body: Any) -> Dataset:
    if not isinstance(body, dict):
        raise DatasetAnswerError(f"a dataset must be a JSON object, got {type(body).__name__}")
    ident = _text(body.get("datasetId") or body.get("id"))
    name = _text(body.get("datasetName") or body.get("name"))
    if not ident or not name:
        raise DatasetAnswerError(
            "a dataset without an id or name (neither datasetId/datasetName nor id/name)"
        )
    description = body.get("description")
    if description is None:
        description = body.get("datasetDescription")
    return Dataset(
        id=ident,
        name=name,
        description=_text(description),
        project_id=_text(body.get("projectId")),
        read_write_snapshot_id=_text(body.get("readWriteSnapshotId")),
        snapshot_ids=tuple(_text(s) for s in body.get("snapshotIds") or () if s),
    )


def snapshots(body: Any) -> list[DatasetSnapshot]:
    return [snapshot(item) for item in _items(body, "snapshots")]


def snapshot(body: Any) -> DatasetSnapshot:
    if not isinstance(body, dict) or not body.get("id"):
        raise DatasetAnswerError("a dataset snapshot must be a JSON object with an id")
    version = body.get("version")
    created = body.get("creationTime")
    return DatasetSnapshot(
        id=_text(body["id"]),
        dataset_id=_text(body.get("datasetId")),
        version=int(version) if isinstance(version, int | float) else 0,
        read_write=bool(body.get("isReadWrite", False)),
        created_ms=int(created) if isinstance(created, int | float) else None,
    )


def mounts(body: Any) -> list[DatasetMount]:
    return [mount(item) for item in _items(body, "dataset mounts")]


def mount(body: Any) -> DatasetMount:
    if not isinstance(body, dict) or not body.get("datasetId"):
        raise DatasetAnswerError("a dataset mount must be a JSON object with a datasetId")
    version = body.get("versionNumber")
    paths = body.get("mountPathsForProject") or []
    return DatasetMount(
        dataset_id=_text(body["datasetId"]),
        name=_text(body.get("name")),
        paths=tuple(_text(p) for p in paths if isinstance(p, str) and p),
        snapshot_id=_text(body.get("snapshotId")),
        version=int(version) if isinstance(version, int | float) else None,
    )


def _items(body: Any, what: str) -> list[Any]:
    # a bare list as documented; a {"data": [...]} envelope as the public /api routes use
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        body = body["data"]
    if not isinstance(body, list):
        raise DatasetAnswerError(f"the list of {what} must be a JSON list")
    return body


def _text(value: Any) -> str:
    return "" if value is None else str(value)
