"""The jobs table's queries, a part of `Store` (database.py) kept in its own module: the same
connection, lock and transactions (`_query`, `transaction` are Store's)."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import Any

from snakemake_executor_domino.local.store.rows import (
    ACTIVE_STATUSES,
    Job,
    NotFound,
    now_ms,
    object_id,
)


class JobQueries:
    # provided by Store
    def _query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def create_job(self, **fields: Any) -> Job:
        with self.transaction() as db:
            number = db.execute(
                "SELECT next_job_number FROM projects WHERE id = ?", (fields["project_id"],)
            ).fetchone()[0]
            db.execute(
                "UPDATE projects SET next_job_number = ? WHERE id = ?",
                (number + 1, fields["project_id"]),
            )
            fields = {
                **fields,
                "id": object_id(),
                "number": number,
                "status": "Queued",
                "submitted_ms": now_ms(),
            }
            cols = ", ".join(fields)
            db.execute(
                f"INSERT INTO jobs ({cols}) VALUES ({', '.join('?' * len(fields))})",
                tuple(fields.values()),
            )
        return self.get_job(fields["id"])

    def get_job(self, job_id: str) -> Job:
        rows = self._query("SELECT * FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            raise NotFound(f"job {job_id} not found")
        return Job(**dict(rows[0]))

    def update_job(
        self, job_id: str, *, only_if_status: tuple[str, ...] | None = None, **fields: Any
    ) -> bool:
        """Set fields; with only_if_status, only while the job is in one of those statuses.

        Returns whether the row changed, so callers racing on a status transition (the
        scheduler starting a job, a stop request) know which one won.
        """
        sets = ", ".join(f"{k} = ?" for k in fields)
        sql = f"UPDATE jobs SET {sets} WHERE id = ?"
        params: tuple[Any, ...] = (*fields.values(), job_id)
        if only_if_status:
            sql += f" AND status IN ({','.join('?' * len(only_if_status))})"
            params += only_if_status
        with self.transaction() as db:
            return db.execute(sql, params).rowcount > 0

    def jobs_with_status(self, statuses: tuple[str, ...]) -> list[Job]:
        rows = self._query(
            f"SELECT * FROM jobs WHERE status IN ({','.join('?' * len(statuses))}) "
            "ORDER BY submitted_ms, number",
            statuses,
        )
        return [Job(**dict(r)) for r in rows]

    def list_jobs(
        self,
        project_id: str,
        statuses: tuple[str, ...],
        *,
        descending: bool,
        order_by: str,
        limit: int,
        offset: int,
    ) -> tuple[list[Job], int]:
        column = {
            "queued": "submitted_ms",
            "status": "status",
            "title": "title",
            "command": "command",
            "user": "started_by_username",
            "duration": "COALESCE(completed_ms, started_ms) - started_ms",
        }.get(order_by, "number")
        where = f"project_id = ? AND status IN ({','.join('?' * len(statuses))})"
        params = (project_id, *statuses)
        total = self._query(f"SELECT COUNT(*) FROM jobs WHERE {where}", params)[0][0]
        rows = self._query(
            f"SELECT * FROM jobs WHERE {where} ORDER BY {column} "
            f"{'DESC' if descending else 'ASC'}, number LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [Job(**dict(r)) for r in rows], total

    def job_status_counts(self, project_id: str) -> dict[str, int]:
        rows = self._query(
            "SELECT status, COUNT(*) AS n FROM jobs WHERE project_id = ? GROUP BY status",
            (project_id,),
        )
        return {r["status"]: r["n"] for r in rows}

    def tier_load(self) -> dict[str, tuple[int, int]]:
        """Per tier id, over every project: (jobs holding a slot or starting, jobs queued)."""
        rows = self._query(
            f"SELECT tier_id, status = 'Queued' AS queued, COUNT(*) AS n FROM jobs "
            f"WHERE status IN ({','.join('?' * len(ACTIVE_STATUSES))}) "
            "GROUP BY tier_id, status = 'Queued'",
            ACTIVE_STATUSES,
        )
        load: dict[str, tuple[int, int]] = {}
        for r in rows:
            running, queued = load.get(r["tier_id"], (0, 0))
            load[r["tier_id"]] = (running, queued + r["n"]) if r["queued"] else (
                running + r["n"], queued)
        return load

    def project_activity(self, project_id: str) -> tuple[int, int, int]:
        """(milliseconds jobs have run in total, active batch jobs, active scheduled jobs)."""
        active = f"status IN ({','.join('?' * len(ACTIVE_STATUSES))})"
        row = self._query(
            "SELECT COALESCE(SUM(CASE WHEN started_ms IS NOT NULL THEN "
            "COALESCE(completed_ms, CAST(strftime('%s','now') AS INTEGER) * 1000) - started_ms "
            f"END), 0), SUM({active} AND is_scheduled = 0), SUM({active} AND is_scheduled = 1) "
            "FROM jobs WHERE project_id = ?",
            (*ACTIVE_STATUSES, *ACTIVE_STATUSES, project_id),
        )[0]
        return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)

    def job_by_token(self, token_sha256: str) -> Job | None:
        rows = self._query("SELECT * FROM jobs WHERE token_sha256 = ?", (token_sha256,))
        return Job(**dict(rows[0])) if rows else None

    def incomplete_children(self, job_id: str) -> int:
        rows = self._query(
            f"SELECT COUNT(*) FROM jobs WHERE parent_job_id = ? "
            f"AND status IN ({','.join('?' * len(ACTIVE_STATUSES))})",
            (job_id, *ACTIVE_STATUSES),
        )
        return rows[0][0]
