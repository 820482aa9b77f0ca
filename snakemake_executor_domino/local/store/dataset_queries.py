"""The datasets tables' queries, a part of `Store` (database.py) kept in its own module, as
job_queries.py is: the same connection, lock and transactions."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from snakemake_executor_domino.local.store.rows import NotFound, now_ms, object_id


@dataclass(frozen=True)
class DatasetVersion:
    id: str
    dataset_id: str
    version: int  # 0: the read-write dataset itself; 1, 2, ...: read-only snapshots
    author_id: str
    created_ms: int

    @property
    def read_write(self) -> bool:
        return self.version == 0


@dataclass(frozen=True)
class DatasetRow:
    id: str
    project_id: str
    name: str
    description: str
    author_id: str
    created_ms: int
    versions: tuple[DatasetVersion, ...]  # oldest first; the read-write one first of all

    @property
    def read_write(self) -> DatasetVersion:
        return self.versions[0]

    @property
    def snapshots(self) -> tuple[DatasetVersion, ...]:
        return self.versions[1:]


class DatasetQueries:
    # provided by Store
    def _query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def create_dataset(
        self, project_id: str, name: str, description: str, author_id: str
    ) -> DatasetRow:
        """Raises sqlite3.IntegrityError when the project has a dataset of that name."""
        dataset_id, created = object_id(), now_ms()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO datasets (id, project_id, name, description, author_id, "
                "created_ms) VALUES (?, ?, ?, ?, ?, ?)",
                (dataset_id, project_id, name, description, author_id, created),
            )
            self._add_version(db, dataset_id, 0, author_id, created)
        return self.get_dataset(dataset_id)

    def add_snapshot(self, dataset_id: str, version: int, author_id: str) -> DatasetVersion:
        with self.transaction() as db:
            return self._add_version(db, dataset_id, version, author_id, now_ms())

    def _add_version(
        self, db: sqlite3.Connection, dataset_id: str, version: int, author: str, created: int
    ) -> DatasetVersion:
        row = DatasetVersion(object_id(), dataset_id, version, author, created)
        db.execute(
            "INSERT INTO dataset_snapshots (id, dataset_id, version, author_id, created_ms) "
            "VALUES (?, ?, ?, ?, ?)",
            (row.id, dataset_id, version, author, created),
        )
        return row

    def get_dataset(self, dataset_id: str) -> DatasetRow:
        rows = self._query("SELECT * FROM datasets WHERE id = ?", (dataset_id,))
        if not rows:
            raise NotFound(f"dataset {dataset_id} not found")
        return self._dataset(rows[0])

    def list_datasets(self, project_id: str | None = None) -> list[DatasetRow]:
        if project_id is None:
            rows = self._query("SELECT * FROM datasets ORDER BY created_ms, id")
        else:
            rows = self._query(
                "SELECT * FROM datasets WHERE project_id = ? ORDER BY created_ms, id",
                (project_id,),
            )
        return [self._dataset(r) for r in rows]

    def get_dataset_version(self, version_id: str) -> DatasetVersion:
        rows = self._query("SELECT * FROM dataset_snapshots WHERE id = ?", (version_id,))
        if not rows:
            raise NotFound(f"dataset snapshot {version_id} not found")
        return _version(rows[0])

    def _dataset(self, r: sqlite3.Row) -> DatasetRow:
        versions = self._query(
            "SELECT * FROM dataset_snapshots WHERE dataset_id = ? ORDER BY version", (r["id"],)
        )
        return DatasetRow(
            id=r["id"], project_id=r["project_id"], name=r["name"],
            description=r["description"], author_id=r["author_id"],
            created_ms=r["created_ms"], versions=tuple(_version(v) for v in versions),
        )


def _version(r: sqlite3.Row) -> DatasetVersion:
    return DatasetVersion(
        r["id"], r["dataset_id"], r["version"], r["author_id"], r["created_ms"]
    )
