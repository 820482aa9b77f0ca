"""Known: which commit holds files as they are here (files/commit_index.py)."""

from __future__ import annotations

import os

from snakemake_executor_domino.files.commit_index import Known


def test_one_commit_holding_every_file_unchanged_is_named(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(name)
    known = Known()
    known.note("a.txt", tmp_path / "a.txt", "c1")
    assert known.commit_holding(["a.txt"], tmp_path) == "c1"
    assert known.commit_holding(["a.txt", "b.txt"], tmp_path) is None  # b.txt unknown
    known.note("b.txt", tmp_path / "b.txt", "c2")
    assert known.commit_holding(["a.txt", "b.txt"], tmp_path) is None  # two commits
    known.note("b.txt", tmp_path / "b.txt", "c1")
    assert known.commit_holding(["a.txt", "b.txt"], tmp_path) == "c1"


def test_a_file_changed_here_since_is_no_longer_known(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("one")
    known = Known()
    known.note("a.txt", path, "c1")
    stat = path.stat()
    path.write_text("two")  # same size: the modification time tells
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert known.commit_holding(["a.txt"], tmp_path) is None
    path.unlink()
    assert known.commit_holding(["a.txt"], tmp_path) is None
    assert known.commit_holding([], tmp_path) is None  # nothing to start from
