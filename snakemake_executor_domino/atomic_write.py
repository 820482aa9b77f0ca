"""Writing a file so that nothing but its complete, checked content ever appears at its path.

The one place that knows the temp-file convention (`.NAME.*.domino.part` beside the target): a
download and a file taken from a pack's archive both write through it, and both clear the
temp files a killed earlier run left behind: once per directory and process, before this
process writes its first temp file there (a sweep per file would scan a directory of a
thousand outputs a thousand times).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

SUFFIX = ".domino.part"  # distinct enough that a sweep never takes a user's own file
_swept: set[str] = set()  # directories this process cleared of earlier runs' temp files
_sweeping = threading.Lock()


@contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """A temp file beside `target`, renamed onto it when the block ends without an error
    and removed when it raises (the block raises to reject what it wrote)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep(target.parent)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=SUFFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _sweep(directory: Path) -> None:
    """Remove the temp files earlier runs left in `directory`; the lock is held until done,
    so no temp file of this process (made only after its directory's sweep) is taken."""
    key = os.path.abspath(directory)
    with _sweeping:
        if key in _swept:
            return
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name.endswith(SUFFIX):
                    Path(entry.path).unlink(missing_ok=True)
        _swept.add(key)
