"""What Domino's file `key` is a hash of, learned per run, and the checks that use it.

Domino documents the key as a blob id (v1 upload answer) of type `sha1` (5.0 OpenAPI
ProjectFileDeprecated), 40 characters (python-domino's blob-key check), but not of what
bytes. Two readings are plausible: the SHA-1 of the content ("sha1") and git's blob id, the
SHA-1 of "blob <size>\\0" + content ("git-blob"). Until one is seen to match bytes we know,
the key is not trusted as a content hash:

- An upload answer's key is compared with our own bytes' digests: a match confirms that
  scheme; no match means the key is something else, and downloads are checked by size only.
- A download whose key matches a candidate confirms it. One that matches none is fetched
  again: the same bytes twice mean the scheme is something else (size only from then on,
  said once in the log); different bytes mean a broken transfer, retried as such.
- Once confirmed, every download must match its key or it is refused.

Whether the project already holds a file (transfer's push) is decided by a match with any
candidate, which cannot happen by chance; without a match the file is uploaded.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from snakemake_executor_domino.exceptions import DominoPluginError

log = logging.getLogger(__name__)

SCHEMES = ("sha1", "git-blob")
_HEX40 = re.compile(r"^[0-9a-fA-F]{40}$")
_CHUNK = 1024 * 1024


class Digester:
    """The candidate digests of a byte stream, computed as it passes."""

    def __init__(self, size: int | None, schemes: tuple[str, ...] = SCHEMES):
        self._hashes: dict[str, hashlib._Hash] = {}
        if "sha1" in schemes:
            self._hashes["sha1"] = hashlib.sha1()
        if "git-blob" in schemes and size is not None:
            self._hashes["git-blob"] = hashlib.sha1(b"blob %d\0" % size)

    def update(self, chunk: bytes) -> None:
        for digest in self._hashes.values():
            digest.update(chunk)

    def hexdigests(self) -> dict[str, str]:
        return {name: digest.hexdigest() for name, digest in self._hashes.items()}

    # a context manager like BackgroundDigester, whose thread must end with the stream
    def __enter__(self) -> Digester:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class BackgroundDigester:
    """A Digester fed from a thread of its own, for big downloads: hashlib lets go of the
    GIL while it hashes, so the bytes are hashed on another core while the next ones are
    received and written, instead of in turn. At most `depth` chunks wait, so memory stays
    flat whatever the file's size. Use it as a context manager; `hexdigests()` waits for
    every chunk given so far."""

    _DONE = object()

    def __init__(self, size: int | None, schemes: tuple[str, ...] = SCHEMES, depth: int = 64):
        self._digester = Digester(size, schemes)
        self._chunks: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._consume, name="digest", daemon=True)
        self._thread.start()

    def _consume(self) -> None:
        while (chunk := self._chunks.get()) is not self._DONE:
            self._digester.update(chunk)  # type: ignore[arg-type]

    def update(self, chunk: bytes) -> None:
        self._chunks.put(chunk)

    def hexdigests(self) -> dict[str, str]:
        self.close()
        return self._digester.hexdigests()

    def close(self) -> None:
        if self._thread.is_alive():
            self._chunks.put(self._DONE)
            self._thread.join()

    def __enter__(self) -> BackgroundDigester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class Digests:
    """A local file's candidate digests."""

    sha1: str
    git_blob: str

    def candidates(self) -> dict[str, str]:
        return {"sha1": self.sha1, "git-blob": self.git_blob}

    @classmethod
    def taken(cls, found: dict[str, str]) -> Digests | None:
        """From a Digester's hexdigests: None unless both were taken."""
        if "sha1" not in found or "git-blob" not in found:
            return None
        return cls(sha1=found["sha1"], git_blob=found["git-blob"])


def file_digests(path: Path) -> Digests:
    size = path.stat().st_size
    digester = Digester(size)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digester.update(chunk)
    return _both(digester)


def bytes_digests(data: bytes) -> Digests:
    """What file_digests says of a file holding exactly `data`."""
    digester = Digester(len(data))
    digester.update(data)
    return _both(digester)


def _both(digester: Digester) -> Digests:
    found = Digests.taken(digester.hexdigests())
    assert found is not None  # a Digester of a known size takes both
    return found


def matching_scheme(key: str | None, digests: dict[str, str]) -> str | None:
    if not key:
        return None
    key = key.lower()
    return next((name for name, value in digests.items() if value == key), None)


class KeyMismatch(DominoPluginError):
    """A download's bytes do not match Domino's key; the message says why it matters."""


class KeyScheme:
    """The key scheme of one Domino, as far as this run has seen. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.confirmed: str | None = None
        self.unconfirmed = False
        # (path, digests) of a download that matched no candidate, awaiting a second look
        self._suspect: tuple[str, dict[str, str]] | None = None

    @property
    def settled(self) -> bool:
        return self.confirmed is not None or self.unconfirmed

    def schemes_to_compute(self) -> tuple[str, ...]:
        if self.confirmed:
            return (self.confirmed,)
        return () if self.unconfirmed else SCHEMES

    def same_content(self, key: str | None, digests: Digests) -> bool:
        """True if `key` is a digest of these very bytes (and so confirms the scheme)."""
        name = matching_scheme(key, digests.candidates())
        if name is not None:
            self._confirm(name)
        return name is not None

    def learn_from_upload(self, key: str | None, digests: Digests) -> None:
        if self.settled or not key:
            return
        name = matching_scheme(key, digests.candidates())
        if name is not None:
            self._confirm(name)
        else:
            self._give_up(f"an upload's key {key} is no digest of the uploaded bytes")

    def check_download(self, path: str, key: str | None, digests: dict[str, str]) -> None:
        """Raise KeyMismatch if these downloaded bytes must not be used."""
        if not key or self.unconfirmed:
            return
        if self.confirmed:
            if self.confirmed in digests and digests[self.confirmed] != key.lower():
                raise KeyMismatch(f"content hash differs from Domino's key {key}")
            return
        if not _HEX40.match(key):
            self._give_up(f"{path}'s key {key!r} is not a 40-digit hex SHA-1")
            return
        name = matching_scheme(key, digests)
        if name is not None:
            self._confirm(name)
            return
        with self._lock:
            suspect, self._suspect = self._suspect, (path, digests)
        if suspect == (path, digests):
            self._give_up(f"{path} downloaded twice alike does not match its key {key}")
            return
        raise KeyMismatch(
            f"content matches no reading of Domino's key {key}; fetching it again to tell a "
            "broken transfer from a key that is not a plain content hash"
        )

    def _confirm(self, name: str) -> None:
        with self._lock:
            if self.confirmed is None and not self.unconfirmed:
                self.confirmed = name
                log.debug("Domino's file keys are %s digests of the content", name)

    def _give_up(self, why: str) -> None:
        with self._lock:
            if self.settled:
                return
            self.unconfirmed = True
        log.info(
            "Domino's file keys are not a content hash this client knows (%s): downloads "
            "are checked by size only, and files are uploaded unless a key matches.",
            why,
        )
