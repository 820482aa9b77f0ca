"""Where Domino mounts datasets inside an execution: pure path rules, no I/O.

Sources (docs.dominodatalab.com; see docs/local-domino.md, "Datasets"):
- "File Location of Datasets in Projects": in a Domino File System (DFS) project a local
  dataset is at /domino/datasets/local/<name>, its snapshots at
  /domino/datasets/local/snapshots/<name>/<number> (and /<tag> for the newest tag); a
  dataset shared from another project at /domino/datasets/<name>, its snapshots under
  /domino/datasets/snapshots/<name>/.
- "Git-based Project directory structure" (6.0, latest): a local dataset at
  /mnt/data/<name>, a shared one at /mnt/imported/data/<name>. The same page's opening
  sentence names /mnt/local/<name> instead; both are accepted as roots. No page gives a
  git-based project's snapshot paths, so none is assumed.
- "Domino environment variables" (latest): DOMINO_DATASETS_DIR (where datasets are
  accessed), DOMINO_IMPORTED_DATA_DIR (where imported datasets are), DOMINO_IS_GIT_BASED.
  The page names them without their values; when set they win over the defaults here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

DFS_ROOT = "/domino/datasets"
DFS_LOCAL_ROOT = "/domino/datasets/local"
GIT_LOCAL_ROOT = "/mnt/data"
GIT_LOCAL_ROOT_ALT = "/mnt/local"
GIT_IMPORTED_ROOT = "/mnt/imported/data"
SNAPSHOTS_DIR = "snapshots"

DATASETS_DIR_ENV = "DOMINO_DATASETS_DIR"
IMPORTED_DATA_DIR_ENV = "DOMINO_IMPORTED_DATA_DIR"
GIT_BASED_ENV = "DOMINO_IS_GIT_BASED"


def local_root(git_based: bool = False) -> str:
    """The directory holding the project's own datasets by name."""
    return GIT_LOCAL_ROOT if git_based else DFS_LOCAL_ROOT


def dataset_path(name: str, git_based: bool = False) -> str:
    """Where an execution of the project sees its own dataset `name` (read-write)."""
    return posixpath.join(local_root(git_based), name)


def snapshot_path(name: str, number: int | str) -> str:
    """Where an execution of a DFS project sees snapshot `number` (or a tag) of its own
    dataset `name`, read-only."""
    return posixpath.join(DFS_LOCAL_ROOT, SNAPSHOTS_DIR, name, str(number))


def is_git_based(environ: Mapping[str, str]) -> bool:
    return environ.get(GIT_BASED_ENV, "").strip().lower() in ("true", "1", "yes")


def mount_roots(environ: Mapping[str, str], git_based: bool | None = None) -> tuple[str, ...]:
    """Every directory under which an execution may find datasets: the environment's
    DOMINO_DATASETS_DIR and DOMINO_IMPORTED_DATA_DIR where set, then the documented roots
    of the project's kind (`git_based`, else DOMINO_IS_GIT_BASED)."""
    if git_based is None:
        git_based = is_git_based(environ)
    named = [environ.get(DATASETS_DIR_ENV, ""), environ.get(IMPORTED_DATA_DIR_ENV, "")]
    documented = (
        [GIT_LOCAL_ROOT, GIT_LOCAL_ROOT_ALT, GIT_IMPORTED_ROOT] if git_based else [DFS_ROOT]
    )
    roots = [posixpath.normpath(r) for r in named if r.strip().startswith("/")]
    return tuple(dict.fromkeys([*roots, *documented]))


def under(path: str, root: str) -> bool:
    path, root = posixpath.normpath(path), posixpath.normpath(root)
    return path == root or path.startswith(root.rstrip("/") + "/")


def is_snapshot_path(path: str, roots: tuple[str, ...] = (DFS_LOCAL_ROOT, DFS_ROOT)) -> bool:
    """Whether `path` lies in a snapshot, which executions see read-only: under
    `<root>/snapshots/<name>/` of a DFS root (or of a root given, such as a job's
    DOMINO_DATASETS_DIR)."""
    path = posixpath.normpath(path)
    for root in roots:
        if not under(path, root):
            continue
        rest = posixpath.relpath(path, posixpath.normpath(root)).split("/")
        if len(rest) >= 2 and rest[0] == SNAPSHOTS_DIR:
            return True
    return False
