"""How the plugin, its CLI and the local Domino's pages write times, durations and sizes for
people: one module, one convention. Sizes are binary (KiB, MiB, GiB: what tiers and memory
limits count in); a missing value is `missing` ("-" in text, "—" on pages).

Domino's own formats (an API answer's "H:MM:SS") are shapes, not this module's concern.
"""

from __future__ import annotations

import time


def clock(ms: int | float | None, missing: str = "-") -> str:
    """Local time of a millisecond timestamp, e.g. `2024-05-01 14:03:07`."""
    if ms is None:
        return missing
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms / 1000))


def duration(ms: int | float | None, missing: str = "-") -> str:
    """A duration: `850 ms`, `4.2 s`, `42 s`, `3 m 05 s`, `2 h 01 m`."""
    if ms is None:
        return missing
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 10_000:
        return f"{ms / 1000:.1f} s"
    seconds = int(round(ms / 1000))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} m {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} m"


def size(n: int | float | None, missing: str = "-") -> str:
    """A size in bytes, binary units: `512 B`, `12 KiB`, `1.9 MiB`, `3.0 GiB`."""
    if n is None:
        return missing
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit in ("B", "KiB") else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
