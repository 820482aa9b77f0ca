"""Paths every Domino job sees in place, so the executor neither pushes nor pulls them:
Domino dataset mounts and other shared volumes (docs/datasets.md).

Domino mounts a project's datasets into every execution of the project: in a Domino File
System project below `/domino/datasets` (its own datasets in `local/<name>`, datasets
shared from other projects as `<name>`, read-only snapshots in `snapshots/<name>/<n or
tag>` beside them); in a git-based project below `/mnt/data/<name>` (the same page's
text says `/mnt/local/<name>`: both count) and, for imported ones,
`/mnt/imported/data/<name>`. Executions name the roots in DOMINO_DATASETS_DIR and
DOMINO_IMPORTED_DATA_DIR (Domino's "environment variables" docs page, 5.x/6.x). A root
counts only where the submitter itself sees it: a Snakemake run inside Domino (a
workspace, a job, `snakemake-domino submit`), or a laptop with the volume mounted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from snakemake_executor_domino.exceptions import ConfigurationError

DATASET_ROOT_VARIABLES = ("DOMINO_DATASETS_DIR", "DOMINO_IMPORTED_DATA_DIR")
# /mnt/local: the git-based project page's text names it, its directory tree /mnt/data
DATASET_ROOTS = ("/domino/datasets", "/mnt/data", "/mnt/local", "/mnt/imported/data")
SNAPSHOTS = "snapshots"
LOCAL = "local"


@dataclass(frozen=True)
class Root:
    path: str  # absolute, normalised
    dataset: bool  # a Domino dataset root (names datasets), or a user's shared volume


@dataclass(frozen=True)
class SharedPaths:
    """Where jobs read and write in place; the empty default moves every file."""

    roots: tuple[Root, ...] = ()

    @classmethod
    def discover(
        cls,
        extra: Iterable[str] = (),
        environ: Mapping[str, str] = os.environ,
        is_dir=os.path.isdir,
    ) -> SharedPaths:
        """Dataset roots the submitter sees, plus `extra` (--domino-shared-path)."""
        found: dict[str, Root] = {}
        named = [environ.get(name, "") for name in DATASET_ROOT_VARIABLES]
        for raw in [*named, *DATASET_ROOTS]:
            if raw and os.path.isabs(raw) and is_dir(raw):
                path = os.path.normpath(raw)
                found.setdefault(path, Root(path, dataset=True))
        for raw in extra:
            if not raw or not os.path.isabs(raw):
                raise ConfigurationError(
                    f"--domino-shared-path {raw!r} is not an absolute path. Give the "
                    "absolute path of a volume every Domino job of the project mounts at "
                    "the same place, e.g. --domino-shared-path /mnt/shared."
                )
            if os.path.normpath(raw) == "/":
                raise ConfigurationError(
                    "--domino-shared-path / would leave every file in place, the "
                    "workflow's own included. Give the volume's mount point instead."
                )
            path = os.path.normpath(raw)
            found.setdefault(path, Root(path, dataset=False))
        # the longest root first: a path belongs to the innermost volume that holds it
        return cls(tuple(sorted(found.values(), key=lambda r: -len(r.path))))

    def root_of(self, path: str | os.PathLike[str]) -> Root | None:
        raw = os.fspath(path)
        if not os.path.isabs(raw):
            return None
        normal = os.path.normpath(raw)
        for root in self.roots:
            if normal == root.path or normal.startswith(root.path.rstrip("/") + "/"):
                return root
        return None

    def holds(self, path: str | os.PathLike[str]) -> bool:
        """True if jobs see `path` in place: it is neither pushed nor pulled."""
        return self.root_of(path) is not None

    def parts(self, path: str | os.PathLike[str]) -> tuple[Root, tuple[str, ...]] | None:
        root = self.root_of(path)
        if root is None:
            return None
        rest = os.path.relpath(os.path.normpath(os.fspath(path)), root.path)
        return root, () if rest == "." else PurePosixPath(rest).parts

    def dataset_of(self, path: str | os.PathLike[str]) -> str | None:
        """The dataset a path lies in, by its name as Domino mounts it; None if the path
        is on a user's shared volume or names no dataset (a root itself)."""
        mount = self.mount_of(path)
        return PurePosixPath(mount).name if mount else None

    def mount_of(self, path: str | os.PathLike[str]) -> str | None:
        """The directory Domino mounts the path's dataset (or snapshot tree) at."""
        found = self.parts(path)
        if found is None or not found[0].dataset:
            return None
        root, rest = found
        head = rest[:1] if rest[:1] == (LOCAL,) else ()
        head += rest[len(head):len(head) + 1] if rest[len(head):][:1] == (SNAPSHOTS,) else ()
        name = rest[len(head):len(head) + 1]
        return str(PurePosixPath(root.path, *head, *name)) if name else None

    def in_snapshot(self, path: str | os.PathLike[str]) -> bool:
        """Snapshots are read-only in every execution: no job can write there."""
        found = self.parts(path)
        if found is None or not found[0].dataset:
            return False
        rest = found[1]
        return rest[:1] == (SNAPSHOTS,) or rest[:2] == (LOCAL, SNAPSHOTS)

    def problems(self, reads: Iterable[str], writes: Iterable[str]) -> list[str]:
        """What no job could do with these paths, each with its fix: use a dataset the
        project does not mount (the submitter sees the project's mounts as its jobs do),
        or write into a read-only snapshot."""
        writes = list(writes)
        found = []
        for path in dict.fromkeys([*reads, *writes]):
            mount = self.mount_of(path)
            if mount and not os.path.isdir(mount):
                found.append(
                    f"{path} is in dataset {self.dataset_of(path)}, which this project does "
                    f"not mount ({mount} does not exist). Create the dataset in the project, "
                    "mount it there if another project shares it, or correct the path."
                )
        found += [
            f"{path} lies in a dataset snapshot, which Domino mounts read-only in every "
            "execution. Write to the dataset itself (its path without snapshots/) or to a "
            "path in the working directory."
            for path in writes if self.in_snapshot(path)
        ]
        return found
