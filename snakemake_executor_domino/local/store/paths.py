"""Validation of project-relative file paths coming from requests and from job directories.

A project path is a POSIX path relative to the project root: no empty, `.` or `..`
segments, no backslashes or control characters. Anything else is refused before it can reach
the store or the filesystem, so no request can name a file outside the project.
"""

from __future__ import annotations

MAX_PATH_LENGTH = 4096


class BadPath(ValueError):
    """A path that is not a safe project-relative path; the message says why."""


def clean_file_path(raw: str) -> str:
    """A file path as stored: `dir/sub/file.txt`."""
    if raw == "" or raw.endswith("/"):
        raise BadPath(f"{_show(raw)} is not a file path (it is empty or ends with '/')")
    return _check(raw)


def clean_dir_path(raw: str) -> str:
    """A directory to list: '' for the root, else `dir/sub` (a trailing '/' is allowed).

    The root may be written '' or '/', since the official client asks for `<commit>//`.
    """
    if raw in ("", "/"):
        return ""
    return _check(raw[:-1] if raw.endswith("/") else raw)


def _check(path: str) -> str:
    if len(path) > MAX_PATH_LENGTH:
        raise BadPath(f"path is longer than {MAX_PATH_LENGTH} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise BadPath(f"{_show(path)} contains a NUL or control character")
    if "\\" in path:
        raise BadPath(f"{_show(path)} contains a backslash; use '/' between directories")
    if path.startswith("/"):
        raise BadPath(f"{_show(path)} is absolute; give it relative to the project root")
    for part in path.split("/"):
        if part in ("", ".", ".."):
            raise BadPath(
                f"{_show(path)} has an empty, '.' or '..' segment; give a plain path "
                "relative to the project root"
            )
    return path


def _show(path: str) -> str:
    # repr keeps control characters visible without echoing them raw into logs
    return repr(path[:200])
