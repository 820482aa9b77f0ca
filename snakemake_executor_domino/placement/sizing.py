"""Which hardware tier holds what a job asks for: pure arithmetic over the project's tiers.

"Smallest" orders tiers by GPUs, then memory, then cores (GPU tiers are the last resort of
a CPU job, and memory is what a tier's price follows most); tiers equal in all three go to
the cheaper one (Domino's centsPerMinute, where it reports one), then to the list's order.
A dimension that no tier reports (a deployment whose tier answer carries no memory, say)
cannot be judged and is left out; a tier that does not report a dimension another tier
does is not taken to hold an ask in it. Domino's tier answers report no disk (5.0's
HardwareTierDto has cores, memory and numberOfGpus), so disk_mb is carried for the
message but never chooses a tier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.formatting import count

# Snakemake's mem_mb is in megabytes (10**6 bytes); Domino states a tier's memory in GiB.
MB_PER_GIB = 2**30 / 10**6


@dataclass(frozen=True)
class Ask:
    """What a job asks of its machine, beyond what every tier has (None: nothing)."""

    threads: int | None = None
    mem_mb: int | None = None
    disk_mb: int | None = None
    gpus: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.threads, self.mem_mb, self.gpus))

    def describe(self) -> str:
        parts = [
            f"{name}={value}"
            for name, value in (
                ("threads", self.threads),
                ("mem_mb", self.mem_mb),
                ("disk_mb", self.disk_mb),
                ("gpu", self.gpus),
            )
            if value is not None
        ]
        return ", ".join(parts) or "nothing beyond the defaults"

    def merged(self, other: Ask) -> Ask:
        """The larger of two asks in each dimension (a group job's members share one)."""

        def most(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else max(a, b)

        return Ask(
            most(self.threads, other.threads),
            most(self.mem_mb, other.mem_mb),
            most(self.disk_mb, other.disk_mb),
            most(self.gpus, other.gpus),
        )


def _judged(tiers: Sequence[HardwareTier]) -> tuple[bool, bool, bool]:
    """Which of cores, memory, GPUs at least one tier reports."""
    return (
        any(t.cores is not None for t in tiers),
        any(t.memory_gib is not None for t in tiers),
        any(t.gpus is not None for t in tiers),
    )


def holds(tier: HardwareTier, ask: Ask, judged: tuple[bool, bool, bool] = (True,) * 3) -> bool:
    """Whether the tier has at least the cores, memory and GPUs asked for."""
    cores, memory, gpus = judged
    if cores and ask.threads is not None and (tier.cores or 0) < ask.threads:
        return False
    if memory and ask.mem_mb is not None:
        if (tier.memory_gib or 0) * MB_PER_GIB < ask.mem_mb:
            return False
    if gpus and ask.gpus is not None and (tier.gpus or 0) < ask.gpus:
        return False
    return True


def size_key(tier: HardwareTier, order: int = 0) -> tuple[float, ...]:
    price = tier.cents_per_minute if tier.cents_per_minute is not None else math.inf
    return (
        float(tier.gpus or 0),
        tier.memory_gib if tier.memory_gib is not None else math.inf,
        tier.cores if tier.cores is not None else math.inf,
        price,
        float(order),
    )


def by_size(tiers: Sequence[HardwareTier]) -> list[HardwareTier]:
    """The tiers smallest first (see the module's description of "smallest")."""
    ranked = sorted(enumerate(tiers), key=lambda pair: size_key(pair[1], pair[0]))
    return [tier for _, tier in ranked]


def smallest_fit(tiers: Sequence[HardwareTier], ask: Ask) -> HardwareTier | None:
    """The smallest tier that holds the ask; None when none does."""
    judged = _judged(tiers)
    return next((t for t in by_size(tiers) if holds(t, ask, judged)), None)


def largest(tiers: Sequence[HardwareTier]) -> HardwareTier:
    """The biggest tier, for the message of an ask no tier holds."""
    return by_size(tiers)[-1]


def unjudged(tiers: Sequence[HardwareTier], ask: Ask) -> list[str]:
    """The asked dimensions no tier reports, so nothing can be chosen by them."""
    cores, memory, gpus = _judged(tiers)
    missing = []
    if ask.threads is not None and not cores:
        missing.append("threads")
    if ask.mem_mb is not None and not memory:
        missing.append("mem_mb")
    if ask.gpus is not None and not gpus:
        missing.append("gpu")
    return missing


def next_by_memory(
    tiers: Sequence[HardwareTier], current: HardwareTier, ask: Ask = Ask()
) -> HardwareTier | None:
    """The smallest tier with more memory than `current` that still holds the ask: where a
    job that ran out of memory on `current` goes next. None when there is none (or the
    tiers report no memory)."""
    if current.memory_gib is None:
        return None
    judged = _judged(tiers)
    bigger = [
        t for t in by_size(tiers)
        if t.memory_gib is not None and t.memory_gib > current.memory_gib
        and holds(t, ask, judged)
    ]
    return min(bigger, key=lambda t: (t.memory_gib, *size_key(t))) if bigger else None


def misfits(rule: str, ask: Ask, tier: HardwareTier) -> list[str]:
    """Why a job of `rule` would not fit a tier it names: more threads than cores, more
    memory or GPUs than the tier has. Dimensions the tier does not report are not judged."""
    problems = []
    if ask.threads is not None and tier.cores and ask.threads > tier.cores:
        problems.append(
            f"rule {rule}: threads={ask.threads}, but tier {tier.name} has "
            f"{count(tier.cores, 'core')}"
        )
    memory = tier.memory_gib
    if ask.mem_mb is not None and memory and ask.mem_mb > memory * MB_PER_GIB:
        problems.append(
            f"rule {rule}: mem_mb={ask.mem_mb:g}, but tier {tier.name} has {memory:g} GiB "
            f"({memory * MB_PER_GIB:.0f} MB)"
        )
    if ask.gpus is not None and tier.gpus is not None and ask.gpus > tier.gpus:
        problems.append(f"rule {rule}: gpu={ask.gpus}, but tier {tier.name} has {tier.gpus}")
    return problems
