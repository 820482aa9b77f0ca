"""A job's working directory: filled from a commit before the run, compared with it after.

Files are copied (never hard-linked) out of the blob store, since a job may rewrite a file in
place and blobs must stay immutable. Each file gets its stored lastModified as mtime, so tools
that compare timestamps (Snakemake) see the project's history, not the copy time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from snakemake_executor_domino.domino.ignore_rules import IGNORE_FILE, IgnoreRules
from snakemake_executor_domino.local.store.blobs import CHUNK, BlobStore
from snakemake_executor_domino.local.store.database import Store
from snakemake_executor_domino.local.store.paths import BadPath, clean_file_path
from snakemake_executor_domino.local.store.rows import FileEntry, Job

Log = Callable[[str], None]


def materialize(files: Mapping[str, FileEntry], blobs: BlobStore, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=False)
    for path, entry in files.items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(blobs.path(entry.key), target)
        ns = entry.last_modified_ms * 1_000_000
        os.utime(target, ns=(ns, ns))


def collect_changes(
    workdir: Path,
    before: Mapping[str, FileEntry],
    ignore: IgnoreRules,
    blobs: BlobStore,
    log: Log,
) -> dict[str, FileEntry | None]:
    """New or changed files (by content) as entries, deleted files as None."""
    changes: dict[str, FileEntry | None] = {}
    present: set[str] = set()
    for path, full in _walk_files(workdir, log):
        if ignore.is_ignored(path):
            continue
        present.add(path)
        old = before.get(path)
        if old is not None and old.size == full.stat().st_size and old.key == _sha1(full):
            continue
        mtime_ms = full.stat().st_mtime_ns // 1_000_000
        key, size = blobs.put_file(full)
        changes[path] = FileEntry(path, key, size, mtime_ms)
    for path in before:
        if path not in present and not ignore.is_ignored(path):
            changes[path] = None
    return changes


def _walk_files(root: Path, log: Log) -> Iterator[tuple[str, Path]]:
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in list(dirnames):
            if (base / name).is_symlink():
                # following it could pull in files from outside the job directory
                log(f"not committing symlinked directory {(base / name).relative_to(root)}")
                dirnames.remove(name)
        for name in filenames:
            full = base / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink() or not full.is_file():
                log(f"not committing {rel}: not a regular file")
                continue
            try:
                yield clean_file_path(rel), full
            except BadPath as exc:
                log(f"not committing a file with an unsupported name: {exc}")


def _sha1(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def ending_rules(workdir: Path, files: Mapping[str, FileEntry], blobs: BlobStore) -> IgnoreRules:
    """The .dominoignore rules a job ended with: a scheduled `snakemake` run adds
    .snakemake/ to a project that had no .dominoignore yet, and its own bookkeeping must
    stay out of the output commit too."""
    written = workdir / IGNORE_FILE
    if written.is_file() and not written.is_symlink():
        data = written.read_bytes()
    elif IGNORE_FILE in files:
        data = blobs.read_bytes(files[IGNORE_FILE].key)
    else:
        data = b""
    return IgnoreRules(data.decode("utf-8", errors="replace"))


def commit_outputs(store: Store, blobs: BlobStore, job: Job, workdir: Path,
                   input_files: Mapping[str, FileEntry], log: Log) -> str:
    """Commit what the job changed (less what .dominoignore keeps out) as its output
    commit; the project's head where it changed nothing."""
    rules = ending_rules(workdir, input_files, blobs)
    changes = collect_changes(workdir, input_files, rules, blobs, log)
    if not changes:
        log("no files changed; nothing to commit")
        return store.get_project(job.project_id).head_commit_id
    title = f": {job.title}" if job.title else ""
    commit = store.apply_changes(
        job.project_id, changes, f"Run #{job.number}{title}", replace_conflicts=True
    )
    log(f"committed {len(changes)} changed file(s) as {commit}")
    return commit
