"""Scheduled jobs and their fire history in the local Domino's SQLite database.

Kept beside `Store` rather than in it: the same database and connection (every call goes
through `Store.transaction`, so the one lock still serializes all access), but schedules
are their own concern. Tables are in schema.py, records in rows.py.
"""

from __future__ import annotations

import builtins
import sqlite3
from typing import Any

from snakemake_executor_domino.local.store.database import Store
from snakemake_executor_domino.local.store.rows import (
    FIRE_STARTED,
    NotFound,
    ScheduledJob,
    ScheduleFire,
    now_ms,
    object_id,
)

FIRE_HISTORY_KEPT = 500  # per schedule; a per-second schedule must not grow without bound


class ScheduleStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> builtins.list[sqlite3.Row]:
        with self._store.transaction() as db:
            return db.execute(sql, params).fetchall()

    # -- schedules --------------------------------------------------------------------------

    def create(self, **fields: Any) -> ScheduledJob:
        stamp = now_ms()
        fields = {**fields, "id": object_id(), "created_ms": stamp, "updated_ms": stamp}
        with self._store.transaction() as db:
            db.execute(
                f"INSERT INTO scheduled_jobs ({', '.join(fields)}) "
                f"VALUES ({', '.join('?' * len(fields))})",
                tuple(fields.values()),
            )
        return self.get(fields["id"])

    def get(self, schedule_id: str, project_id: str | None = None) -> ScheduledJob:
        rows = self._rows("SELECT * FROM scheduled_jobs WHERE id = ?", (schedule_id,))
        if not rows or (project_id is not None and rows[0]["project_id"] != project_id):
            raise NotFound(f"scheduled job {schedule_id} not found in this project")
        return ScheduledJob(**dict(rows[0]))

    def list(self, project_id: str) -> builtins.list[ScheduledJob]:
        rows = self._rows(
            "SELECT * FROM scheduled_jobs WHERE project_id = ? ORDER BY created_ms, id",
            (project_id,),
        )
        return [ScheduledJob(**dict(r)) for r in rows]

    def all(self) -> builtins.list[ScheduledJob]:
        rows = self._rows("SELECT * FROM scheduled_jobs ORDER BY created_ms, id")
        return [ScheduledJob(**dict(r)) for r in rows]

    def update(self, schedule_id: str, **fields: Any) -> ScheduledJob:
        fields = {**fields, "updated_ms": now_ms()}
        with self._store.transaction() as db:
            changed = db.execute(
                f"UPDATE scheduled_jobs SET {', '.join(f'{k} = ?' for k in fields)} "
                "WHERE id = ?",
                (*fields.values(), schedule_id),
            ).rowcount
        if not changed:
            raise NotFound(f"scheduled job {schedule_id} not found")
        return self.get(schedule_id)

    def set_next_fire(self, schedule_id: str, next_fire_ms: int | None) -> None:
        # not an edit by a person: updated_ms stays
        with self._store.transaction() as db:
            db.execute(
                "UPDATE scheduled_jobs SET next_fire_ms = ? WHERE id = ?",
                (next_fire_ms, schedule_id),
            )

    def delete(self, schedule_id: str) -> None:
        """Remove the schedule and its fire history; the jobs it started stay."""
        with self._store.transaction() as db:
            gone = db.execute("DELETE FROM scheduled_jobs WHERE id = ?", (schedule_id,)).rowcount
            db.execute(
                "DELETE FROM scheduled_job_fires WHERE scheduled_job_id = ?", (schedule_id,)
            )
        if not gone:
            raise NotFound(f"scheduled job {schedule_id} not found")

    def username_of(self, user_id: str) -> str | None:
        """For scheduledByUserId: who a schedule's jobs run as."""
        rows = self._rows("SELECT username FROM users WHERE id = ?", (user_id,))
        return rows[0]["username"] if rows else None

    # -- fire history -----------------------------------------------------------------------

    def record_fire(
        self,
        schedule_id: str,
        *,
        fire_ms: int,
        outcome: str,
        job_id: str | None = None,
        manual: bool = False,
        reason: str = "",
    ) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO scheduled_job_fires "
                "(scheduled_job_id, fire_ms, outcome, job_id, manual, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (schedule_id, fire_ms, outcome, job_id, int(manual), reason),
            )
            if outcome == FIRE_STARTED:
                db.execute(
                    "UPDATE scheduled_jobs SET last_job_id = ? WHERE id = ?",
                    (job_id, schedule_id),
                )
            db.execute(
                "DELETE FROM scheduled_job_fires WHERE scheduled_job_id = ? AND seq <= "
                "(SELECT seq FROM scheduled_job_fires WHERE scheduled_job_id = ? "
                "ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                (schedule_id, schedule_id, FIRE_HISTORY_KEPT),
            )

    def fires(self, schedule_id: str, limit: int) -> builtins.list[ScheduleFire]:
        """The newest `limit` fires, newest first."""
        rows = self._rows(
            "SELECT * FROM scheduled_job_fires WHERE scheduled_job_id = ? "
            "ORDER BY seq DESC LIMIT ?",
            (schedule_id, limit),
        )
        return [ScheduleFire(**dict(r)) for r in rows]
