"""`.dominoignore` matching: gitignore-like patterns, one per line, `#` comments.

One implementation for both sides: the local Domino keeps matching paths out of output
commits, and the executor keeps them out of the workflow files it pushes.

Supported: `*`, `?`, `[...]`, `**`, a trailing `/` (directories only), a leading or inner `/`
(anchored at the project root), and `!` to re-include. As in git, a file under an ignored
directory stays ignored.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

IGNORE_FILE = ".dominoignore"


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


class IgnoreRules:
    def __init__(self, text: str = "") -> None:
        self._rules = [r for r in map(_parse_line, text.splitlines()) if r is not None]

    def __bool__(self) -> bool:
        return bool(self._rules)

    def is_ignored(self, path: str) -> bool:
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            if self._match("/".join(parts[:i]), is_dir=i < len(parts)):
                return True
        return False

    def is_ignored_dir(self, path: str) -> bool:
        """True if the directory at `path` is ignored, and with it everything below it."""
        parts = path.split("/")
        return any(self._match("/".join(parts[:i]), is_dir=True) for i in range(1, len(parts) + 1))

    def _match(self, path: str, *, is_dir: bool) -> bool:
        ignored = False
        for rule in self._rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.fullmatch(path):
                ignored = not rule.negate
        return ignored


def read_rules(directory: Path) -> IgnoreRules:
    """The rules of `directory`'s .dominoignore; none where it has none. Read for every
    pull: parsed again only when the file's text changed."""
    path = directory / IGNORE_FILE
    return _parsed(path.read_text(errors="replace") if path.is_file() else "")


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> IgnoreRules:
    return IgnoreRules(text)


def _parse_line(line: str) -> _Rule | None:
    line = line.rstrip("\n\r")
    if line.endswith("\\ "):
        line = line[:-2] + " "
    else:
        line = line.rstrip()
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    elif line.startswith("\\"):  # escaped leading '#' or '!'
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.strip("/") if dir_only else line
    anchored = "/" in line.rstrip("/")
    line = line.lstrip("/")
    if not line:
        return None
    body = _translate(line)
    regex = body if anchored else f"(?:.*/)?{body}"
    return _Rule(re.compile(regex), negate, dir_only)


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == n:
            out.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                inner = pattern[i + 1 : end]
                if inner.startswith("!"):
                    inner = "^" + inner[1:]
                out.append(f"[{inner.replace(chr(92), chr(92) * 2)}]")
                i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)
