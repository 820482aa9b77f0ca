"""Content-addressed blob directory: `blobs/ab/cdef...`, keyed by the SHA-1 hex of the content.

SHA-1 because Domino's blob keys are 40 hex digits and its official client checks that. A blob
is written to a temporary file in the same directory tree and renamed into place, so a reader
never sees a partial blob and a crash leaves only a stray temp file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterable, Iterable
from pathlib import Path

CHUNK = 1024 * 1024
KEY_RE = re.compile(r"^[0-9a-f]{40}$")


class BlobStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._tmp = directory / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def discard_partial_uploads(self) -> None:
        """Remove temp files of uploads a crashed server never finished (call while no
        upload can be in flight, i.e. on start)."""
        for leftover in self._tmp.iterdir():
            leftover.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        if not KEY_RE.match(key):
            raise ValueError(f"not a blob key: {key!r}")
        return self.directory / key[:2] / key[2:]

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        writer = _Writer(self)
        try:
            for chunk in chunks:
                writer.write(chunk)
            return writer.finish()
        finally:
            writer.discard()

    async def put_async_chunks(self, chunks: AsyncIterable[bytes]) -> tuple[str, int]:
        writer = _Writer(self)
        try:
            async for chunk in chunks:
                writer.write(chunk)
            return writer.finish()
        finally:
            writer.discard()

    def put_file(self, source: Path) -> tuple[str, int]:
        with open(source, "rb") as f:
            return self.put_chunks(iter(lambda: f.read(CHUNK), b""))

    def read_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def _install(self, tmp_path: str, key: str) -> None:
        target = self.path(key)
        if target.exists():
            os.unlink(tmp_path)  # same content already stored
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_path, target)


class _Writer:
    def __init__(self, store: BlobStore) -> None:
        self._store = store
        fd, self._tmp_path = tempfile.mkstemp(dir=store._tmp, prefix="upload-")
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha1()
        self._size = 0
        self._done = False

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self._size += len(chunk)

    def finish(self) -> tuple[str, int]:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        key = self._hash.hexdigest()
        self._store._install(self._tmp_path, key)
        self._done = True
        return key, self._size

    def discard(self) -> None:
        if not self._done:
            self._file.close()
            try:
                os.unlink(self._tmp_path)
            except FileNotFoundError:
                pass
