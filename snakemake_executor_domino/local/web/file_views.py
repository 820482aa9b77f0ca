"""What a project file looks like on a page: a picture, text, or just a download link.

User files are served from the same origin as the pages, so a file must never be able to run
script there: downloads are `application/octet-stream` attachments, pictures get an image
type only for the formats listed below, and every file response carries `nosniff` and a
`sandbox` Content-Security-Policy (an SVG opened on its own runs no script either).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote

from snakemake_executor_domino.local.store.blobs import BlobStore
from snakemake_executor_domino.local.store.rows import FileEntry

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
MAX_IMAGE_PREVIEW = 20 * 1024 * 1024
MAX_TEXT_FILE = 2 * 1024 * 1024  # bigger files are only offered as downloads
TEXT_PREVIEW_BYTES = 64 * 1024
SNIFF_BYTES = 8192
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class Preview:
    kind: str  # "image", "text" or "none"
    text: str = ""
    truncated: bool = False


def image_type(path: str) -> str | None:
    return IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())


def preview(entry: FileEntry, blobs: BlobStore) -> Preview:
    if image_type(entry.path):
        return Preview("image") if entry.size <= MAX_IMAGE_PREVIEW else Preview("none")
    if entry.size > MAX_TEXT_FILE:
        return Preview("none")
    with open(blobs.path(entry.key), "rb") as f:
        head = f.read(TEXT_PREVIEW_BYTES + 1)
    if not looks_like_text(head[:SNIFF_BYTES]):
        return Preview("none")
    truncated = len(head) > TEXT_PREVIEW_BYTES
    return Preview("text", head[:TEXT_PREVIEW_BYTES].decode("utf-8", "replace"), truncated)


def looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut off by the sample's end is still text
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    return True


def file_headers(path: str, *, inline: bool) -> tuple[str, dict[str, str]]:
    """Media type and headers for serving a project file: inline pictures, else downloads."""
    name = posixpath.basename(path)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
        "Cache-Control": "private, max-age=300",  # a commit's file never changes
    }
    media = image_type(path) if inline else None
    disposition = "inline" if media else "attachment"
    headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name, safe='')}"
    return media or "application/octet-stream", headers
