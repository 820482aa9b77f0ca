"""Ready jobs into packs: jobs that share a tier and a compute environment (one Domino job
has one of each), at most `size` to a pack, split evenly so that no pack is a straggler."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class Group(Generic[T]):
    key: str  # Placement.key_part(): tier and environment
    items: list[T]


def by_placement(items: Sequence[T], key: Callable[[T], str]) -> list[Group[T]]:
    """Items with the same key together, in the order they came."""
    groups: dict[str, Group[T]] = {}
    for item in items:
        groups.setdefault(key(item), Group(key(item), [])).items.append(item)
    return list(groups.values())


def split(items: Sequence[T], size: int) -> list[list[T]]:
    """`items` in ceil(n / size) packs of near-equal size (a pack of one runs alone)."""
    if not items:
        return []
    count = math.ceil(len(items) / max(1, size))
    base, extra = divmod(len(items), count)
    packs, at = [], 0
    for i in range(count):
        n = base + (1 if i < extra else 0)
        packs.append(list(items[at : at + n]))
        at += n
    return packs


def slots(tier_cores: float | None, tier_mem_gib: float | None,
          threads: int, mem_mb: int | None) -> int:
    """How many members of `threads` and `mem_mb` run at once on the tier."""
    by_cores = int((tier_cores or 1) // max(1, threads)) or 1
    if not mem_mb or not tier_mem_gib:
        return by_cores
    by_memory = int(tier_mem_gib * 1024 // mem_mb) or 1
    return min(by_cores, by_memory)


def smallest_cap(caps: Sequence[Any]) -> int | None:
    """The tightest of the members' own `domino_pack` caps (None: none set)."""
    known = [c for c in caps if c is not None]
    return min(known) if known else None
