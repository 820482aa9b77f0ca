"""Where datasets live on this machine: one directory per dataset in the server's state.

The layout under ROOT/datasets/<projectId>/ is Domino's own for a Domino File System
project ("File Location of Datasets in Projects"), so a job that is not isolated finds the
same relative paths under it as an isolated one finds under /domino/datasets/local:

    local/<name>/                          the dataset, read-write
    local/snapshots/<name>/<version>/      a snapshot: a copy, its files read-only
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from collections.abc import Sequence
from pathlib import Path

from snakemake_executor_domino.domino.dataset_paths import SNAPSHOTS_DIR

PARTIAL_SUFFIX = ".partial"


class DatasetDirs:
    # one snapshot at a time: its version number is the next free one
    snapshot_lock = threading.Lock()

    def __init__(self, root: Path) -> None:
        self.root = root

    def local_root(self, project_id: str) -> Path:
        return self.root / project_id / "local"

    def read_write(self, project_id: str, name: str) -> Path:
        return self.local_root(project_id) / name

    def snapshot(self, project_id: str, name: str, version: int) -> Path:
        return self.local_root(project_id) / SNAPSHOTS_DIR / name / str(version)

    def create(self, project_id: str, name: str) -> Path:
        path = self.read_write(project_id, name)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def make_snapshot(
        self, project_id: str, name: str, version: int, paths: Sequence[str]
    ) -> Path:
        """Copy the dataset (or only `paths` in it: clean relative paths, '' the root) into
        snapshot `version` and make the copy read-only. Symlinks are copied as links."""
        source = self.read_write(project_id, name)
        target = self.snapshot(project_id, name, version)
        partial = target.with_name(target.name + PARTIAL_SUFFIX)
        if partial.exists():
            _remove(partial)
        partial.parent.mkdir(parents=True, exist_ok=True)
        if "" in paths:
            shutil.copytree(source, partial, symlinks=True)
        else:
            partial.mkdir()
            for rel in paths:
                _copy_one(source / rel, partial / rel)
        _make_read_only(partial)
        os.replace(partial, target)
        return target

    def missing(self, project_id: str, name: str, paths: Sequence[str]) -> list[str]:
        source = self.read_write(project_id, name)
        return [p for p in paths if p and not os.path.lexists(source / p)]


def storage_size(path: Path) -> int:
    total = 0
    for directory, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(directory, f)).st_size
            except OSError:
                pass
    return total


def _copy_one(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)
    else:
        shutil.copy2(src, dest, follow_symlinks=False)


def _make_read_only(top: Path) -> None:
    # files first, then their directories, bottom-up: a read-only directory takes no chmod
    # of its entries afterwards for a user that is not root
    for directory, _, files in os.walk(top, topdown=False):
        for f in files:
            path = os.path.join(directory, f)
            if not os.path.islink(path):
                mode = os.lstat(path).st_mode
                os.chmod(path, stat.S_IMODE(mode) & ~0o222)
        os.chmod(directory, 0o555)


def _remove(path: Path) -> None:
    for directory, _, _ in os.walk(path):
        os.chmod(directory, 0o755)
    shutil.rmtree(path)
