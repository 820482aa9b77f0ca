"""What a workflow run leaves in its working directory, in a form two runs can be compared by."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

# Bookkeeping, not results: Snakemake's own directory, the .dominoignore the Domino executor
# writes, the git repository some cases run in.
SKIPPED = (".snakemake", ".dominoignore", ".git")


def snapshot(root: Path, volatile: tuple[str, ...] = ()) -> dict[str, str]:
    """Every path below `root` (links not followed) described by type, mode and content.

    A link is described by where it resolves, relative to `root`, so an absolute link and
    a relative one to the same file are the same. `volatile` files (e.g. benchmark timings)
    are compared by presence and mode only.
    """
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        if base == root:
            dirnames[:] = [d for d in dirnames if d not in SKIPPED]
            filenames = [f for f in filenames if f not in SKIPPED]
        for name in [*dirnames, *filenames]:
            path = base / name
            found[path.relative_to(root).as_posix()] = _describe(path, root, volatile)
    return found


def _describe(path: Path, root: Path, volatile: tuple[str, ...]) -> str:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return f"link -> {_resolved(path, root)}"
    mode = f"{stat.S_IMODE(info.st_mode):o}"
    if stat.S_ISDIR(info.st_mode):
        return f"dir {mode}"
    relative = path.relative_to(root).as_posix()
    if relative in volatile:
        return f"file {mode} (content not compared)"
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:12]
    return f"file {mode} {info.st_size} bytes sha1 {digest}"


def _resolved(path: Path, root: Path) -> str:
    target = Path(os.path.realpath(path))
    try:
        return target.relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return f"(outside) {os.readlink(path)}"


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """One line per path that differs, naming both sides."""
    lines = []
    for path in sorted(set(expected) | set(actual)):
        want, got = expected.get(path, "(absent)"), actual.get(path, "(absent)")
        if want != got:
            lines.append(f"{path}: local executor {want!r}, Domino {got!r}")
    return lines
