"""Project files: list a commit's directories, upload, and download with verification.

A download streams to a temp file beside its target, is checked against the size Domino
listed and announced and, where the key scheme is known (keys.py), against the key, and
only then renamed into place, so a truncated or corrupted file never appears at the target.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, TypeVar

import requests

from snakemake_executor_domino.atomic_write import replacing
from snakemake_executor_domino.domino import parse, routes, versions
from snakemake_executor_domino.domino.errors import (
    DominoNotFound,
    DominoTransientError,
    IntegrityError,
)
from snakemake_executor_domino.domino.http import Http, reason
from snakemake_executor_domino.domino.keys import (
    SCHEMES,
    BackgroundDigester,
    Digester,
    Digests,
    KeyMismatch,
    KeyScheme,
    file_digests,
)
from snakemake_executor_domino.domino.models import Downloaded, FileEntry, Uploaded
from snakemake_executor_domino.domino.retry import BUDGETS
from snakemake_executor_domino.domino.retry import attempts as retry_attempts

log = logging.getLogger(__name__)
T = TypeVar("T")

CHUNK = 1024 * 1024
# Downloads go socket -> SHA-1 -> file chunk by chunk; a chunk that stays in the CPU cache
# for all three passes pulls back ~1.7x faster, with less than half the CPU, than 1 MiB ones
# (benchmarks/README.md).
DOWNLOAD_CHUNK = 128 * 1024
BACKGROUND_HASH_MIN = 8 * 1024 * 1024


def sha1_of_file(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileCalls:
    """The file calls of DominoClient (mixed into it)."""

    http: Http
    owner: str
    project_name: str
    keys: KeyScheme

    @property
    def project_id(self) -> str:  # provided by DominoClient
        raise NotImplementedError

    def list_files(self, commit_id: str, directory: str = "") -> list[FileEntry]:
        """The direct children of `directory` at `commit_id`; [] if it does not exist."""
        try:
            body = self.http.json(
                "GET",
                routes.files(self.owner, self.project_name, commit_id, directory),
                what=f"list files in {directory or '/'} at commit {commit_id[:12]}",
            )
        except DominoNotFound:
            return []
        return parse.file_entries(body)

    def walk_files(
        self, commit_id: str, directory: str = "",
        lister: Callable[[str, str], list[FileEntry]] | None = None,
    ) -> Iterator[FileEntry]:
        """Every file (not directory) under `directory` at `commit_id`, recursively.

        A listing may hold the directory's direct children, directories among them (the
        local Domino before it followed Domino's documents), or every file below it with
        no directory entries (python-domino's README and examples read it so): both walk.
        `lister`: list_files or a cache of it (files/commit_index.py).
        """
        list_files = lister or self.list_files
        prefix = directory.strip("/") + "/" if directory.strip("/") else ""
        seen: set[str] = set()
        pending = [directory]
        while pending:
            for entry in list_files(commit_id, pending.pop()):
                if not entry.path.startswith(prefix) or entry.path in seen:
                    continue
                seen.add(entry.path)
                if entry.is_directory:
                    pending.append(entry.path)
                else:
                    yield entry

    def upload_file(self, project_path: str, local_path: Path) -> Uploaded:
        """Upload one file (streamed). The answer names no commit (v1 description: path,
        lastModified, size, key, url): the commit that holds the file is the head after it."""
        with open(local_path, "rb") as body:
            response = self.http.request(
                "PUT",
                routes.upload(self.owner, self.project_name, project_path),
                data=body,
                headers={"Content-Type": "application/octet-stream"},
                what=f"upload {project_path}",
            )
        try:
            answer = parse.uploaded(response.json(), project_path)
        except ValueError:
            answer = parse.uploaded(None, project_path)
        if answer.key and not self.keys.settled:
            # bytes we know for certain: the best evidence of what the key is a hash of
            self.keys.learn_from_upload(answer.key, file_digests(local_path))
        return answer

    def same_content(self, entry: FileEntry | None, digests: Digests) -> bool:
        """Whether the project's file (as listed) has exactly these bytes."""
        return entry is not None and self.keys.same_content(entry.key, digests)

    def domino_version(self) -> str:  # provided by DominoClient
        raise NotImplementedError

    def reads_by_path(self) -> bool:
        """Whether a file's bytes can be fetched by its path alone, with no listing first
        (the content route, from Domino 5.10; versions.py)."""
        return versions.has(self.domino_version(), "file_content_route")

    def content_path(self, commit_id: str, project_path: str, key: str | None) -> str:
        """Where a file's bytes are: the content route from Domino 5.10, else the v1 blob of
        its key (versions.py), chosen from the version asked once per connection."""
        if self.reads_by_path():
            return routes.file_content(self.project_id, commit_id, project_path)
        if key is None:
            directory = project_path.rpartition("/")[0]
            listed = {e.path: e for e in self.list_files(commit_id, directory)}
            entry = listed.get(project_path.lstrip("/"))
            if entry is None or not entry.key:
                raise DominoNotFound(
                    f"download {project_path}: commit {commit_id[:12]} lists no such file"
                )
            key = entry.key
        return routes.blob(self.owner, self.project_name, key)

    def download_file(
        self,
        commit_id: str,
        project_path: str,
        target: Path,
        *,
        expected_size: int | None = None,
        expected_key: str | None = None,
        expected_sha1: str | None = None,
        attempts: int = 4,
    ) -> Downloaded:
        """Stream a file to a temp file beside `target`, verify it, rename atomically.

        `expected_sha1`: the content's SHA-1 as the job recorded it (files/outputs.py),
        where no listing gave Domino's key. A broken or short transfer is retried from the
        start; nothing but a verified file ever appears at `target`. Every digest is taken
        as the bytes pass, whatever the check needs: a caller that records the file's SHA-1
        (the run record's provenance) would otherwise read it all again.
        """
        def once() -> Downloaded:
            with replacing(target) as out:
                written, digests = self._download_once(
                    commit_id, project_path, out, expected_size, expected_key, expected_sha1,
                    every_digest=True,
                )
            return Downloaded(written, Digests.taken(digests))

        return self._retried(project_path, attempts, once)

    def read_file(
        self, commit_id: str, project_path: str, *, expected_size: int | None = None,
        expected_key: str | None = None, attempts: int = 4,
    ) -> bytes:
        """A small file's bytes, checked as `download_file` checks them, held in memory."""
        def once() -> bytes:
            buffer = io.BytesIO()
            self._download_once(commit_id, project_path, buffer, expected_size, expected_key)
            return buffer.getvalue()

        return self._retried(project_path, attempts, once)

    def _retried(self, project_path: str, attempts: int, once: Callable[[], T]) -> T:
        budget = replace(BUDGETS["download"], tries=attempts)
        for attempt in retry_attempts(budget):
            try:
                return once()
            except (DominoTransientError, IntegrityError) as exc:
                if attempt.last:
                    raise
                log.debug("retrying download of %s: %s", project_path, exc)
        raise AssertionError("unreachable")

    def _download_once(
        self,
        commit_id: str,
        project_path: str,
        out: BinaryIO,
        expected_size: int | None,
        expected_key: str | None,
        expected_sha1: str | None = None,
        every_digest: bool = False,
    ) -> tuple[int, dict[str, str]]:
        """One transfer into `out`; raises, so that the caller discards what it wrote,
        unless every size and digest Domino or the job stated matches. Returns the bytes
        written and the digests taken: those the checks need, or with `every_digest` all."""
        label = f"download {project_path} from commit {commit_id[:12]}"
        response = self.http.request(
            "GET", self.content_path(commit_id, project_path, expected_key),
            stream=True, what=label,
        )
        announced = response.headers.get("Content-Length")
        size = expected_size if expected_size is not None else _int_or_none(announced)
        if every_digest:
            schemes = SCHEMES
        else:
            schemes = self.keys.schemes_to_compute() if expected_key else ()
            schemes = (*schemes, "sha1") if expected_sha1 else schemes
        # a big file is hashed on another core while the next bytes arrive
        big = size is None or size > BACKGROUND_HASH_MIN
        digester = BackgroundDigester(size, schemes) if big and schemes else Digester(size, schemes)
        written = 0
        with response, digester:
            try:
                for chunk in response.iter_content(DOWNLOAD_CHUNK):
                    out.write(chunk)
                    digester.update(chunk)
                    written += len(chunk)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                raise DominoTransientError(f"{label}: transfer broke ({reason(exc)})") from None
        for name, want in (("announced", announced), ("listed", expected_size)):
            if want is not None and int(want) != written:
                raise IntegrityError(
                    f"{label}: got {written} bytes but Domino {name} {want}; not using it."
                )
        digests = digester.hexdigests()
        if expected_sha1 and digests["sha1"] != expected_sha1.lower():
            raise IntegrityError(
                f"{label}: its SHA-1 differs from the one the job recorded; not using it."
            )
        try:
            self.keys.check_download(project_path, expected_key, digests)
        except KeyMismatch as exc:
            raise IntegrityError(f"{label}: {exc}") from None
        return written, digests


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
