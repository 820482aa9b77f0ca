"""The store on its own: schema migrations, directory listing, conflicting paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from snakemake_executor_domino.local.store import database as store_module
from snakemake_executor_domino.local.store.database import Store
from snakemake_executor_domino.local.store.rows import Conflict, DirEntry, FileEntry


def _entry(path: str) -> FileEntry:
    return FileEntry(path, "0" * 40, 1, 0)


def test_an_appended_migration_upgrades_an_existing_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "state.sqlite3"
    first = Store(db)
    project = first.create_project("me", "p")
    first.close()
    monkeypatch.setattr(
        store_module, "MIGRATIONS",
        [*store_module.MIGRATIONS, "CREATE TABLE schedules (id TEXT PRIMARY KEY, cron TEXT);"],
    )
    second = Store(db)
    with second.transaction() as conn:
        conn.execute("INSERT INTO schedules VALUES ('s1', '0 3 * * *')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == len(store_module.MIGRATIONS)
    assert second.get_project(project.id) == project
    second.close()


def test_list_dir_separates_similar_names(tmp_path: Path) -> None:
    s = Store(tmp_path / "db")
    p = s.create_project("me", "p")
    commit = s.apply_changes(
        p.id,
        {path: _entry(path) for path in ("a/x", "a-b/y", "a0", "a/b/c", "b")},
        "files",
        replace_conflicts=False,
    )
    assert s.list_dir(commit, "a") == [DirEntry("a/b"), _entry("a/x")]
    assert [e.path for e in s.list_dir(commit, "") or []] == [
        "a", "a-b", "a0", "b",
    ]
    assert s.list_dir(commit, "missing") is None
    assert s.list_dir(commit, "b") is None  # a file is not a directory


def test_file_and_directory_conflicts(tmp_path: Path) -> None:
    s = Store(tmp_path / "db")
    p = s.create_project("me", "p")
    s.apply_changes(p.id, {"d/f": _entry("d/f")}, "one", replace_conflicts=False)
    with pytest.raises(Conflict, match="d/f"):
        s.apply_changes(p.id, {"d": _entry("d")}, "two", replace_conflicts=False)
    with pytest.raises(Conflict):
        s.apply_changes(p.id, {"d/f/g": _entry("d/f/g")}, "three", replace_conflicts=False)
    head = s.apply_changes(p.id, {"d": _entry("d")}, "job output", replace_conflicts=True)
    assert set(s.files(head)) == {"d"}
