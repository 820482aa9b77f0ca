"""Writing a file so that nothing but its complete, checked content ever appears at its path.

The one place that knows the temp-file convention (`.NAME.*.part` beside the target): a
download and a file taken from a pack's archive both write through it, and both clear the
temp files a killed earlier run left behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import escape as glob_escape
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """A temp file beside `target`, renamed onto it when the block ends without an error
    and removed when it raises (the block raises to reject what it wrote)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{glob_escape(target.name)}.*.part"):
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
