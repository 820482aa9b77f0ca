"""Digests of local files, remembered while a file stays the same."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from snakemake_executor_domino.domino import Digests, file_digests


class FileHasher:
    """Digests of local files (SHA-1 and the other readings of Domino's key, one pass),
    remembered while size and mtime stay the same."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, int, Digests]] = {}
        self._lock = threading.Lock()

    def sha1(self, path: Path) -> str:
        return self.digests(path).sha1

    def remember(self, path: Path, digests: Digests) -> None:
        """`digests` are those of the file now at `path` (taken as it was written)."""
        self._keep(str(path.resolve()), path.stat(), digests)

    def digests(self, path: Path) -> Digests:
        stat = path.stat()
        key = str(path.resolve())
        with self._lock:
            cached = self._cache.get(key)
        if cached and cached[:2] == (stat.st_size, stat.st_mtime_ns):
            return cached[2]
        digests = file_digests(path)
        self._keep(key, stat, digests)
        return digests

    def _keep(self, key: str, stat: os.stat_result, digests: Digests) -> None:
        """Remember `digests` for the file at `key` while it has `stat`'s size and mtime."""
        with self._lock:
            self._cache[key] = (stat.st_size, stat.st_mtime_ns, digests)
