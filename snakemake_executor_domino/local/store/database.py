"""The local Domino's state: users, projects, commits (immutable file snapshots) and jobs.

SQLite in WAL mode behind one connection and a lock: request handlers and the job runner call
in from many threads, and SQLite serializes writers anyway, so one guarded connection is the
simplest thing that cannot raise "database is locked". File contents live in `BlobStore`;
the tables are in schema.py, the records handed out in rows.py.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from snakemake_executor_domino.local.store.dataset_queries import DatasetQueries
from snakemake_executor_domino.local.store.job_queries import JobQueries
from snakemake_executor_domino.local.store.rows import (
    Commit,
    Conflict,
    DirEntry,
    FileEntry,
    NotFound,
    Project,
    commit_id,
    now_ms,
    object_id,
)
from snakemake_executor_domino.local.store.schema import MIGRATIONS

__all__ = ["Store", "NotFound", "Conflict"]


class Store(JobQueries, DatasetQueries):
    def __init__(self, db_path: Path) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        with self._lock:
            done = self._db.execute("PRAGMA user_version").fetchone()[0]
            for version, script in enumerate(MIGRATIONS[done:], start=done + 1):
                # executescript commits on its own; the version bump rides in the same script
                self._db.executescript(
                    f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
                )

    # -- users and projects ---------------------------------------------------------------

    def ensure_user(self, username: str) -> str:
        with self.transaction() as db:
            return self._ensure_user(db, username)

    def _ensure_user(self, db: sqlite3.Connection, username: str) -> str:
        row = db.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
        if row:
            return row["id"]
        user_id = object_id()
        db.execute(
            "INSERT INTO users (id, username, created_ms) VALUES (?, ?, ?)",
            (user_id, username, now_ms()),
        )
        return user_id

    def list_users(self) -> list[tuple[str, str]]:
        """(id, username) of every user, oldest first."""
        rows = self._query("SELECT id, username FROM users ORDER BY created_ms, id")
        return [(r["id"], r["username"]) for r in rows]

    def create_project(self, owner: str, name: str) -> Project:
        with self.transaction() as db:
            row = db.execute(
                "SELECT id FROM projects WHERE owner_username = ? AND name = ?", (owner, name)
            ).fetchone()
            if row:
                return self.get_project(row["id"])
            owner_id = self._ensure_user(db, owner)
            project_id = object_id()
            db.execute(
                "INSERT INTO projects (id, owner_id, owner_username, name, created_ms) "
                "VALUES (?, ?, ?, ?, ?)",
                (project_id, owner_id, owner, name, now_ms()),
            )
            # Domino projects always have a commit, so every job has an input commit
            self._new_commit(db, project_id, None, "Initial commit")
        return self.get_project(project_id)

    def get_project(self, project_id: str) -> Project:
        rows = self._query("SELECT * FROM projects WHERE id = ?", (project_id,))
        if not rows:
            raise NotFound(f"project {project_id} not found")
        return _project(rows[0])

    def find_project(self, owner: str, name: str) -> Project:
        rows = self._query(
            "SELECT * FROM projects WHERE owner_username = ? AND name = ?", (owner, name)
        )
        if not rows:
            raise NotFound(f"project {owner}/{name} not found")
        return _project(rows[0])

    def list_projects(self) -> list[Project]:
        return [_project(r) for r in self._query("SELECT * FROM projects ORDER BY created_ms")]

    # -- commits and files ------------------------------------------------------------------

    def list_commits(self, project_id: str) -> list[Commit]:
        rows = self._query(
            "SELECT * FROM commits WHERE project_id = ? ORDER BY seq DESC", (project_id,)
        )
        return [_commit(r) for r in rows]

    def get_commit(self, project_id: str, commit: str) -> Commit:
        rows = self._query(
            "SELECT * FROM commits WHERE id = ? AND project_id = ?", (commit, project_id)
        )
        if not rows:
            raise NotFound(f"commit {commit} not found in this project")
        return _commit(rows[0])

    def files(self, commit: str) -> dict[str, FileEntry]:
        rows = self._query("SELECT * FROM commit_files WHERE commit_id = ?", (commit,))
        return {r["path"]: _file(r) for r in rows}

    def get_file(self, commit: str, path: str) -> FileEntry | None:
        rows = self._query(
            "SELECT * FROM commit_files WHERE commit_id = ? AND path = ?", (commit, path)
        )
        return _file(rows[0]) if rows else None

    def files_under(self, commit: str, directory: str) -> list[FileEntry]:
        """Every file at or under `directory` ('' = the whole commit), in path order."""
        if not directory:
            rows = self._query(
                "SELECT * FROM commit_files WHERE commit_id = ? ORDER BY path", (commit,)
            )
        else:
            # '/' + 1 == '0': the range covers exactly the paths under directory/
            rows = self._query(
                "SELECT * FROM commit_files WHERE commit_id = ? AND (path = ? OR "
                "(path >= ? AND path < ?)) ORDER BY path",
                (commit, directory, f"{directory}/", f"{directory}0"),
            )
        return [_file(r) for r in rows]

    def project_has_blob(self, project_id: str, key: str) -> bool:
        rows = self._query(
            "SELECT 1 FROM commit_files f JOIN commits c ON c.id = f.commit_id "
            "WHERE c.project_id = ? AND f.blob_key = ? LIMIT 1",
            (project_id, key),
        )
        return bool(rows)

    def list_dir(self, commit: str, directory: str) -> list[FileEntry | DirEntry] | None:
        """Direct children of `directory` ('' = root), or None if no such directory."""
        prefix = f"{directory}/" if directory else ""
        # '/' + 1 == '0': the range scan covers exactly the paths under prefix
        upper = f"{directory}0" if directory else "\U0010ffff"
        rows = self._query(
            "SELECT * FROM commit_files WHERE commit_id = ? AND path >= ? AND path < ? "
            "ORDER BY path",
            (commit, prefix, upper),
        )
        if not rows and directory:
            return None
        entries: list[FileEntry | DirEntry] = []
        seen_dirs: set[str] = set()
        for row in rows:
            rest = row["path"][len(prefix) :]
            head, sep, _ = rest.partition("/")
            if sep:
                if head not in seen_dirs:
                    seen_dirs.add(head)
                    entries.append(DirEntry(prefix + head))
            else:
                entries.append(_file(row))
        # rows come in path order, where "a-b/x" sorts before "a/x"; entries sort by name
        entries.sort(key=lambda e: e.path)
        return entries

    def diff_commits(
        self, old: str, new: str
    ) -> list[tuple[str, FileEntry | None, FileEntry | None]]:
        """Paths whose content differs between two commits, as (path, old, new) in path
        order; None on one side means the file was added or deleted."""
        rows = self._query(
            "SELECT n.path AS path, n.blob_key AS new_key, n.size AS new_size, "
            "n.last_modified_ms AS new_ms, o.blob_key AS old_key, o.size AS old_size, "
            "o.last_modified_ms AS old_ms FROM commit_files n LEFT JOIN commit_files o "
            "ON o.commit_id = ? AND o.path = n.path "
            "WHERE n.commit_id = ? AND (o.blob_key IS NULL OR o.blob_key != n.blob_key) "
            "UNION ALL "
            "SELECT o.path, NULL, NULL, NULL, o.blob_key, o.size, o.last_modified_ms "
            "FROM commit_files o WHERE o.commit_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM commit_files n WHERE n.commit_id = ? AND n.path = o.path) "
            "ORDER BY path",
            (old, new, old, new),
        )

        def side(r: sqlite3.Row, prefix: str) -> FileEntry | None:
            key = r[f"{prefix}_key"]
            if key is None:
                return None
            return FileEntry(r["path"], key, r[f"{prefix}_size"], r[f"{prefix}_ms"])

        return [(r["path"], side(r, "old"), side(r, "new")) for r in rows]

    def apply_changes(
        self,
        project_id: str,
        changes: Mapping[str, FileEntry | None],
        message: str,
        *,
        replace_conflicts: bool,
    ) -> str:
        """New commit on top of the project's current head with `changes` applied.

        A None value deletes that path. A new file where the head has a file at a parent
        path (or a directory at its own path) is a Conflict unless `replace_conflicts`, in
        which case the new file wins (a job's directory can never hold both).
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT head_commit_id FROM projects WHERE id = ?", (project_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"project {project_id} not found")
            head = row["head_commit_id"]
            new = self._new_commit(db, project_id, head, message)
            db.execute(
                "INSERT INTO commit_files SELECT ?, path, blob_key, size, last_modified_ms "
                "FROM commit_files WHERE commit_id = ?",
                (new, head),
            )
            for path, entry in changes.items():
                db.execute(
                    "DELETE FROM commit_files WHERE commit_id = ? AND path = ?", (new, path)
                )
                if entry is None:
                    continue
                self._clear_conflicts(db, new, path, replace_conflicts)
                db.execute(
                    "INSERT INTO commit_files VALUES (?, ?, ?, ?, ?)",
                    (new, path, entry.key, entry.size, entry.last_modified_ms),
                )
            return new

    def _clear_conflicts(
        self, db: sqlite3.Connection, commit: str, path: str, replace: bool
    ) -> None:
        parts = path.split("/")
        parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
        clash = [
            r["path"]
            for r in db.execute(
                f"SELECT path FROM commit_files WHERE commit_id = ? AND path IN "
                f"({','.join('?' * len(parents)) or 'NULL'})",
                (commit, *parents),
            )
        ]
        clash += [
            r["path"]
            for r in db.execute(
                "SELECT path FROM commit_files WHERE commit_id = ? AND path >= ? AND path < ? "
                "LIMIT 1",
                (commit, f"{path}/", f"{path}0"),
            )
        ]
        if not clash:
            return
        if not replace:
            raise Conflict(
                f"cannot store '{path}': '{clash[0]}' exists and a path cannot be both a file "
                "and a directory; delete or rename one of them"
            )
        for parent in parents:
            db.execute(
                "DELETE FROM commit_files WHERE commit_id = ? AND path = ?", (commit, parent)
            )
        db.execute(
            "DELETE FROM commit_files WHERE commit_id = ? AND path >= ? AND path < ?",
            (commit, f"{path}/", f"{path}0"),
        )

    def _new_commit(
        self, db: sqlite3.Connection, project_id: str, parent: str | None, message: str
    ) -> str:
        seq = db.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM commits WHERE project_id = ?", (project_id,)
        ).fetchone()[0]
        new = commit_id()
        db.execute(
            "INSERT INTO commits (id, project_id, parent_id, message, timestamp_ms, seq) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (new, project_id, parent, message, now_ms(), seq),
        )
        db.execute("UPDATE projects SET head_commit_id = ? WHERE id = ?", (new, project_id))
        return new


def _project(r: sqlite3.Row) -> Project:
    return Project(
        r["id"], r["owner_id"], r["owner_username"], r["name"], r["description"],
        r["visibility"], r["head_commit_id"],
    )


def _commit(r: sqlite3.Row) -> Commit:
    return Commit(r["id"], r["project_id"], r["parent_id"], r["message"], r["timestamp_ms"])


def _file(r: sqlite3.Row) -> FileEntry:
    return FileEntry(r["path"], r["blob_key"], r["size"], r["last_modified_ms"])
