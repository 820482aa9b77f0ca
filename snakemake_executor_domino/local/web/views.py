"""What the pages show, gathered from the store, blobs and logs (no HTTP, no HTML here)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.rows import ACTIVE_STATUSES, FileEntry, Job
from snakemake_executor_domino.local.web.file_views import Preview, preview

LOG_TAIL_BYTES = 128 * 1024
MAX_PREVIEWS = 12  # inline pictures/texts per job page; the rest are links


@dataclass(frozen=True)
class Change:
    path: str
    kind: str  # "added", "modified" or "deleted"
    entry: FileEntry | None  # the file in the output commit (None when deleted)
    preview: Preview


@dataclass(frozen=True)
class LogTail:
    text: str
    size: int  # of the whole log, in bytes
    truncated: bool


def changed_files(be: Backend, job: Job) -> list[Change]:
    """The files this job's run added, changed or deleted.

    The runner applies a run's changes on top of the project's newest commit, which may
    already hold files of other jobs that finished meanwhile, so the job's own changes are
    its output commit against that commit's parent, not against its input commit. A run that
    changed nothing reports the newest commit as its output commit; that commit is someone
    else's, recognised by its message (the runner writes "Run #<number>" for its own).
    """
    if not job.output_commit_id:
        return []
    commit = be.store.get_commit(job.project_id, job.output_commit_id)
    base = commit.parent_id
    if base is None or not re.match(rf"Run #{job.number}(:|$)", commit.message):
        return []
    changes: list[Change] = []
    for path, old, new in be.store.diff_commits(base, commit.id):
        kind = "deleted" if new is None else "added" if old is None else "modified"
        shown = Preview("none")
        if new is not None and len(changes) < MAX_PREVIEWS:
            shown = preview(new, be.blobs)
        changes.append(Change(path, kind, new, shown))
    return changes


def previews(changes: list[Change]) -> tuple[list[Change], list[Change]]:
    """The changes shown inline: (pictures and other results, then the rule's log files).

    Log files come apart: on a succeeded job they mostly repeat the job's log, on a failed
    one they may hold the traceback (a `script:` writes its errors there)."""
    shown = [c for c in changes if c.preview.kind != "none"]
    logs = [c for c in shown if c.path.endswith(".log")]
    results = [c for c in shown if not c.path.endswith(".log")]
    return sorted(results, key=lambda c: (c.preview.kind != "image", c.path)), logs


def log_tail(path: Path, limit: int = LOG_TAIL_BYTES) -> LogTail:
    """The end of a log file, starting at a line boundary when it had to be cut."""
    try:
        with open(path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            start = max(0, size - limit)
            f.seek(start)
            data = f.read()
    except FileNotFoundError:
        return LogTail("", 0, False)
    if start > 0:
        cut = data.find(b"\n")
        data = data[cut + 1 :] if cut >= 0 else data
    return LogTail(data.decode("utf-8", "replace"), size, start > 0)


def any_active(counts: dict[str, int]) -> bool:
    return any(counts.get(s) for s in ACTIVE_STATUSES)
