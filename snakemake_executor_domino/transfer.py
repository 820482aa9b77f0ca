"""Moving files between the local working directory and the Domino project.

Push: upload the local files the project's head lacks or holds with other content
(compared with the key Domino lists for every file; see domino/keys.py), so a rerun with
unchanged inputs uploads nothing. Pull: stream each declared output of a finished job from
its output commit to a temp file beside the target, verify size and hash, rename atomically.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from snakemake_executor_domino.domino import Digests, DominoClient, FileEntry, file_digests

log = logging.getLogger(__name__)


class TransferError(Exception):
    """A file cannot be moved; the message names the file and the fix."""


def project_path(path: str | os.PathLike[str], workdir: Path) -> str:
    """The project-relative POSIX path of a local path, refusing anything outside workdir."""
    raw = os.fspath(path)
    absolute = (workdir / raw).resolve() if not os.path.isabs(raw) else Path(raw).resolve()
    try:
        relative = absolute.relative_to(workdir.resolve())
    except ValueError:
        raise TransferError(
            f"{raw} is outside the working directory {workdir}; the Domino executor can only "
            "move files below it. Use a path inside the working directory."
        ) from None
    posix = PurePosixPath(relative.as_posix())
    if str(posix) in ("", "."):
        raise TransferError(f"{raw} is the working directory itself, not a file in it.")
    return str(posix)


class FileHasher:
    """Digests of local files (SHA-1 and the other readings of Domino's key, one pass),
    remembered while size and mtime stay the same."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, int, Digests]] = {}
        self._lock = threading.Lock()

    def sha1(self, path: Path) -> str:
        return self.digests(path).sha1

    def digests(self, path: Path) -> Digests:
        stat = path.stat()
        key = str(path.resolve())
        with self._lock:
            cached = self._cache.get(key)
        if cached and cached[:2] == (stat.st_size, stat.st_mtime_ns):
            return cached[2]
        digests = file_digests(path)
        with self._lock:
            self._cache[key] = (stat.st_size, stat.st_mtime_ns, digests)
        return digests


@dataclass
class CommitIndex:
    """What one commit holds, listed lazily one directory at a time."""

    client: DominoClient
    commit_id: str
    _dirs: dict[str, dict[str, FileEntry]] = field(default_factory=dict)

    def _directory(self, directory: str) -> dict[str, FileEntry]:
        if directory not in self._dirs:
            entries = self.client.list_files(self.commit_id, directory)
            self._dirs[directory] = {entry.path: entry for entry in entries}
        return self._dirs[directory]

    def entry(self, path: str) -> FileEntry | None:
        parent = str(PurePosixPath(path).parent)
        return self._directory("" if parent == "." else parent).get(path)


@dataclass
class PushResult:
    commit_id: str | None
    uploaded: list[str]
    bytes_uploaded: int


class Transfer:
    def __init__(
        self, client: DominoClient, workdir: Path, *, max_file_size: int, hasher: FileHasher
    ):
        self.client = client
        self.workdir = workdir
        self.max_file_size = max_file_size
        self.hasher = hasher
        # Uploads each make a commit; serialising them keeps "head after my uploads"
        # meaningful when jobs are submitted from several threads.
        self._push_lock = threading.Lock()

    def local_files(self, paths: Iterable[str | os.PathLike[str]]) -> list[str]:
        """Project paths of the given files, directories expanded to the files below them."""
        found: set[str] = set()
        for raw in paths:
            local = self.workdir / os.fspath(raw)
            if local.is_dir():
                for child in sorted(local.rglob("*")):
                    if child.is_file():
                        found.add(project_path(child, self.workdir))
            elif local.is_file():
                found.add(project_path(raw, self.workdir))
            else:
                raise TransferError(
                    f"{raw} does not exist locally, so it cannot be pushed to Domino."
                )
        return sorted(found)

    def check_path(self, path: str | os.PathLike[str]) -> None:
        """Refuse, before any job starts, a path the executor could not move."""
        project_path(path, self.workdir)
        local = self.workdir / os.fspath(path)
        if local.is_file():
            self._check_size(project_path(path, self.workdir), local.stat().st_size, "")

    def _check_size(self, path: str, size: int, where: str) -> None:
        if size > self.max_file_size:
            raise TransferError(
                f"{path} is {size} bytes{where}, over the limit of {self.max_file_size} bytes "
                "(--domino-max-file-size); raise the limit or keep the file in a Domino "
                "dataset."
            )

    def hashes(self, files: Iterable[str]) -> dict[str, str]:
        """SHA-1 of each project path's local file."""
        return {path: self.hasher.sha1(self.workdir / path) for path in files}

    def push(self, paths: Iterable[str | os.PathLike[str]]) -> PushResult:
        """Upload what the head lacks; return the commit that holds every given file."""
        files = self.local_files(paths)
        if not files:
            # nothing to compare: the job starts at the newest commit (commitId None), which
            # spares a commit listing whose size grows with the project's history
            return PushResult(commit_id=None, uploaded=[], bytes_uploaded=0)
        with self._push_lock:
            head = self.client.head_commit_id()
            index = CommitIndex(self.client, head) if head else None
            uploaded: list[str] = []
            total = 0
            for path in files:
                local = self.workdir / path
                size = local.stat().st_size
                self._check_size(path, size, "")
                remote = index.entry(path) if index else None
                if self.client.same_content(remote, self.hasher.digests(local)):
                    continue
                self.client.upload_file(path, local)
                uploaded.append(path)
                total += size
            # an upload's answer names no commit: the head after them holds them all
            commit_id = self.client.head_after(head) if uploaded else head
            return PushResult(commit_id=commit_id, uploaded=uploaded, bytes_uploaded=total)

    def pull(self, commit_id: str, paths: Iterable[str]) -> tuple[list[str], list[str]]:
        """Download the given files or directories from a commit.

        Returns (pulled project paths, requested paths the commit does not hold).
        """
        index = CommitIndex(self.client, commit_id)
        wanted: list[FileEntry] = []
        missing: list[str] = []
        for raw in paths:
            path = project_path(raw, self.workdir)
            entry = index.entry(path)
            if entry is None:
                missing.append(raw)
                continue
            wanted.extend(
                self.client.walk_files(commit_id, path) if entry.is_directory else [entry]
            )
        # every file is checked before the first one is written: an oversized output
        # must not leave its siblings half pulled back
        for item in wanted:
            self._check_size(item.path, item.size, " on Domino")
            if (self.workdir / item.path).is_dir():
                raise TransferError(f"{item.path} is a directory locally but a file on Domino.")
        for item in wanted:
            self._pull_one(commit_id, item)
        return [item.path for item in wanted], missing

    def _pull_one(self, commit_id: str, entry: FileEntry) -> None:
        target = self.workdir / entry.path
        self.client.download_file(
            commit_id, entry.path, target, expected_size=entry.size, expected_key=entry.key
        )
