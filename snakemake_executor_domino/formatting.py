"""How the plugin, its CLI and the local Domino's pages write times, durations and sizes for
people: one module, one convention. Sizes are binary (KiB, MiB, GiB: what tiers and memory
limits count in); a missing value is `missing` ("-" in text, "—" on pages).

Hardware reads the same everywhere: `4 cores, 16 GiB, 1 GPU`.

Domino's own formats (an API answer's "H:MM:SS") are shapes, not this module's concern.
"""

from __future__ import annotations

import time
from typing import Protocol


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


def count(n: float, unit: str) -> str:
    """`1 core`, `4 cores`, `0.5 cores`: a number and its unit, plural unless exactly one."""
    return f"{n:g} {unit}{'' if n == 1 else 's'}"


def hardware(cores: float | None, memory_gib: float | None, gpus: int | None = None) -> str:
    """What a tier (or a job) has, as far as it is known: `4 cores, 16 GiB, 1 GPU`; GPUs
    only where there are some. Empty when nothing is known."""
    parts = []
    if cores is not None:
        parts.append(count(cores, "core"))
    if memory_gib is not None:
        parts.append(f"{memory_gib:g} GiB")
    if gpus:
        parts.append(count(gpus, "GPU"))
    return ", ".join(parts)


class _Tier(Protocol):
    name: str
    cores: float | None
    memory_gib: float | None
    gpus: int | None


def tier_label(tier: _Tier) -> str:
    """A tier (Domino's, or as a run record keeps it) with its size, as messages name it:
    `Large (4 cores, 16 GiB)`."""
    size = hardware(tier.cores, tier.memory_gib, tier.gpus)
    return f"{tier.name} ({size})" if size else tier.name
