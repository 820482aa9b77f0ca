"""One server per state directory.

A second server on the same root would take the first one's running jobs for leftovers of a
crash and end them as Error, so the root is held with an exclusive lock for the server's
lifetime. The lock file also says who holds it, for the error message.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path


class RootInUse(RuntimeError):
    pass


class RootLock:
    def __init__(self, root: Path) -> None:
        self.path = root / "server.lock"
        self._fd: int | None = None

    def acquire(self, url: str) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(os.read(fd, 4096))
            os.close(fd)
            raise RootInUse(
                f"another local Domino{holder} is using the state directory "
                f"{self.path.parent}; stop it, or give this one another root"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "url": url}).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _describe(raw: bytes) -> str:
    try:
        info = json.loads(raw)
        return f" (pid {int(info['pid'])}, {info['url']})"
    except (ValueError, KeyError, TypeError):
        return ""
