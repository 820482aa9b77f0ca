"""What a commit holds, read as few times as possible.

A commit never changes, so what was listed of it is kept (for the most recent commits) and
shared by every reader: a job's manifest, outputs and logs, and a pack's members, which
all come back from one output commit. `Known` remembers which commit holds the files this
run pulled back or uploaded: a job whose every input came from one commit, unchanged here
since, starts at that commit without listing anything.

A pack's Domino job leaves its records and small outputs in one archive (packing/
member_runner.py, bundle.tar); while its members are pulled back, that archive's files
are `bundled` here, read from memory instead of from Domino, one request per pack.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from snakemake_executor_domino.domino import DominoClient, DominoNotFound, FileEntry
from snakemake_executor_domino.files.pack_bundle import unpacked

KEPT_COMMITS = 64  # listings of this many recent commits stay in memory


@dataclass
class CommitIndex:
    """What one commit holds, listed lazily one directory at a time."""

    client: DominoClient
    commit_id: str
    _dirs: dict[str, dict[str, FileEntry]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _directory(self, directory: str) -> dict[str, FileEntry]:
        with self._lock:
            known = self._dirs.get(directory)
        if known is None:
            entries = self.client.list_files(self.commit_id, directory)
            known = {entry.path: entry for entry in entries}
            with self._lock:
                self._dirs[directory] = known
        return known

    def listing(self, commit_id: str, directory: str) -> list[FileEntry]:
        return list(self._directory(directory).values())

    def entry(self, path: str) -> FileEntry | None:
        parent = str(PurePosixPath(path).parent)
        return self._directory("" if parent == "." else parent).get(path)

    def walk(self, directory: str) -> Iterator[FileEntry]:
        """Every file below `directory` (client.walk_files, through this index)."""
        return self.client.walk_files(self.commit_id, directory, lister=self.listing)


class CommitIndexes:
    """The index of each recently read commit, one per commit."""

    def __init__(self, client: DominoClient, kept: int = KEPT_COMMITS):
        self.client = client
        self.kept = kept
        self._indexes: OrderedDict[str, CommitIndex] = OrderedDict()
        self._bundles: dict[str, dict[str, bytes]] = {}  # commit id -> path -> content
        self._lock = threading.Lock()

    def get(self, commit_id: str) -> CommitIndex:
        with self._lock:
            index = self._indexes.pop(commit_id, None) or CommitIndex(self.client, commit_id)
            self._indexes[commit_id] = index
            while len(self._indexes) > self.kept:
                self._indexes.popitem(last=False)
            return index

    def add_bundle(self, commit_id: str, path: str) -> int:
        """Read the archive at `path` of the commit once; its files answer for the commit
        until drop_bundle. The number of files it holds (0: none there, or unreadable)."""
        data = self.small_bytes(commit_id, path)
        files = unpacked(data) if data is not None else {}
        if files:
            with self._lock:
                self._bundles[commit_id] = files
        return len(files)

    def drop_bundle(self, commit_id: str | None) -> None:
        with self._lock:
            self._bundles.pop(commit_id or "", None)

    def bundled(self, commit_id: str, path: str) -> bytes | None:
        with self._lock:
            return self._bundles.get(commit_id, {}).get(os.path.normpath(path))

    def small_text(self, commit_id: str, path: str) -> str | None:
        """A small file of a commit as text, None if it holds none."""
        data = self.bundled(commit_id, path)
        if data is None:
            data = self.small_bytes(commit_id, path)
        return None if data is None else data.decode("utf-8", errors="replace")

    def small_bytes(self, commit_id: str, path: str) -> bytes | None:
        """A small file of a commit, None if it holds none: fetched by its path where
        Domino serves files so (one request), else found in its directory's listing."""
        by_path = self.client.reads_by_path()
        entry = None if by_path else self.get(commit_id).entry(path)
        if entry is None and not by_path:
            return None
        try:
            return self.client.read_file(
                commit_id, path, expected_size=entry.size if entry else None,
                expected_key=entry.key if entry else None,
            )
        except DominoNotFound:
            if not by_path:
                raise  # listed, yet not served
            return None



class Known:
    """Project files whose content a commit is known to hold: pulled back from it, or
    uploaded before it, and unchanged here since (same size and modification time)."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def note(self, project_path: str, local: Path, commit_id: str | None) -> None:
        if commit_id is None:
            return
        stat = local.stat()
        with self._lock:
            self._files[project_path] = (stat.st_size, stat.st_mtime_ns, commit_id)

    def commit_holding(self, files: Iterable[str], workdir: Path) -> str | None:
        """The one commit known to hold every file as it is here; None if there is none."""
        commits = set()
        for path in files:
            with self._lock:
                known = self._files.get(path)
            try:
                stat = os.stat(workdir / path)
            except OSError:
                return None
            if known is None or known[:2] != (stat.st_size, stat.st_mtime_ns):
                return None
            commits.add(known[2])
        return commits.pop() if len(commits) == 1 else None
