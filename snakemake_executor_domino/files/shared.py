"""Paths every Domino job sees in place, so the executor neither pushes nor pulls them:
Domino dataset mounts and other shared volumes (docs/datasets.md).

Where Domino mounts datasets, and which of those paths are read-only snapshots, are Domino
facts kept in the client package (domino/dataset_paths.py, with their sources); here they
meet the submitter's machine: a root counts only where the submitter itself sees it (a
Snakemake run inside Domino: a workspace, a job, `snakemake-domino submit`; or a laptop
with the volume mounted). The submitter runs in the project, so it sees the project's
mounts as its jobs do.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from snakemake_executor_domino.domino import dataset_paths as dp
from snakemake_executor_domino.exceptions import ConfigurationError


def dataset_roots(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Every root Domino may mount datasets below, for both kinds of project: which kind
    the submitter's project is matters not, only what it sees."""
    return tuple(dict.fromkeys([*dp.mount_roots(environ, git_based=False),
                                *dp.mount_roots(environ, git_based=True)]))


DATASET_ROOTS = dataset_roots({})  # the documented ones, named by no variable
SNAPSHOTS = dp.SNAPSHOTS_DIR
LOCAL = posixpath.basename(dp.DFS_LOCAL_ROOT)


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
        for path in dataset_roots(environ):
            if is_dir(path):
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
        return next((root for root in self.roots if dp.under(raw, root.path)), None)

    def unseen_dataset_path(self, path: str | os.PathLike[str]) -> bool:
        """True for an absolute path below a documented dataset root that this machine
        does not see: a Domino dataset path used outside Domino."""
        raw = os.fspath(path)
        return (os.path.isabs(raw) and not self.holds(raw)
                and any(dp.under(raw, root) for root in DATASET_ROOTS))

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
        """Snapshots are read-only in every execution: no job can write there. (Below a
        git-based root too, where no page gives their path: only writes are refused.)"""
        root = self.root_of(path)
        if root is None or not root.dataset:
            return False
        roots = (root.path, posixpath.join(root.path, LOCAL))
        return dp.is_snapshot_path(os.path.normpath(os.fspath(path)), roots)

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
