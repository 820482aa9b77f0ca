"""A pack's archive of records and small outputs (packing/member_runner.py, bundle.tar),
read into memory once per pack, and a file of it written where a download would put it."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

from snakemake_executor_domino.atomic_write import replacing
from snakemake_executor_domino.domino.keys import Digests, bytes_digests


def unpacked(data: bytes) -> dict[str, bytes]:
    """The regular files of a tar archive by normalised path; {} if it is unreadable. The
    names are only looked up, never written to: an archive cannot place a file anywhere."""
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for member in archive:
                content = archive.extractfile(member) if member.isfile() else None
                if content is not None:
                    files[os.path.normpath(member.name)] = content.read()
    except (tarfile.TarError, OSError, EOFError):
        return {}
    return files


def write_bundled(data: bytes | None, target: Path, size: int, sha1: str) -> Digests | None:
    """Write a file from its pack's archive or its job's manifest as a download would (a
    temp file beside it, renamed), and return its digests; None, writing nothing, unless it
    is exactly what the job recorded."""
    if data is None or len(data) != size:
        return None
    digests = bytes_digests(data)
    if digests.sha1 != sha1.lower():
        return None
    with replacing(target) as out:
        out.write(data)
    return digests
