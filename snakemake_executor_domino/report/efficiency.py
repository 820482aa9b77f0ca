"""How much of its tier each rule used, and the smaller tier that would have held it.

Per rule and tier of the run summary: peak memory as a percentage of the tier's memory, and
mean cores as a percentage of its cores. A rule under the threshold in either, whose use a
strictly smaller tier of the project holds (its peak memory plus a margin, and at least
its mean cores rounded up, with no fewer GPUs), gets one line naming that tier and what
the rule's jobs would have cost there: the tier's centsPerMinute times their running
minutes; where Domino reports no price, the tier-minutes that would have moved to it.

Pure: the summary's RuleUsage and the run's tier list (records.TierPrice) in, numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from snakemake_executor_domino.formatting import size, tier_label
from snakemake_executor_domino.report.records import TierPrice
from snakemake_executor_domino.report.summary import UNKNOWN_TIER, RuleUsage, Summary

DEFAULT_THRESHOLD = 25.0  # percent of the tier's memory and of its cores
MARGIN = 0.25  # head room over a measured peak before a tier counts as holding it
GIB = 2**30


@dataclass(frozen=True)
class Smaller:
    """A smaller tier that would have held a rule, and the bill there."""

    tier: TierPrice
    run_ms: int  # the rule's running time on its own tier
    cents_now: float | None
    cents_there: float | None

    @property
    def tier_minutes(self) -> float:
        return self.run_ms / 60_000


@dataclass(frozen=True)
class RuleEfficiency:
    rule: str
    tier: str
    memory_pct: float | None  # peak memory, % of the tier's
    cores_pct: float | None  # mean cores, % of the tier's
    needed_bytes: int | None  # peak memory plus the margin
    smaller: Smaller | None  # set only for a rule under the threshold

    def to_dict(self) -> dict[str, Any]:
        smaller = self.smaller
        return {
            "rule": self.rule, "tier": self.tier, "memory_pct": self.memory_pct,
            "cores_pct": self.cores_pct, "needed_bytes": self.needed_bytes,
            "smaller_tier": smaller.tier.name if smaller else None,
            "estimated_cents": smaller.cents_now if smaller else None,
            "estimated_cents_there": smaller.cents_there if smaller else None,
            "tier_minutes": smaller.tier_minutes if smaller else None,
        }


def percent(used: float | None, has: float | None) -> float | None:
    if used is None or not has:
        return None
    return 100.0 * used / has


def needed_memory(peak_bytes: int | None, margin: float = MARGIN) -> int | None:
    """The memory a tier must have to hold a measured peak with head room."""
    return None if peak_bytes is None else math.ceil(peak_bytes * (1 + margin))


def smaller_tier(usage: RuleUsage, tiers: Sequence[TierPrice],
                 margin: float = MARGIN) -> TierPrice | None:
    """The smallest tier, strictly smaller than the rule's, that holds what it used."""
    needed = needed_memory(usage.peak_memory_bytes, margin)
    if needed is None or usage.tier_memory_gib is None:
        return None
    current = next((t for t in tiers if t.name == usage.tier), None)
    cur_cores = usage.tier_cores if usage.tier_cores is not None else math.inf
    cores = max(1, math.ceil(usage.mean_cores - 1e-9)) if usage.mean_cores is not None else 1
    gpus = (current.gpus or 0) if current is not None else 0
    fits = [
        t for t in tiers
        if t.memory_gib is not None and t.memory_gib * GIB >= needed
        and (t.cores is None or t.cores >= cores) and (t.gpus or 0) >= gpus
        and t.memory_gib <= usage.tier_memory_gib
        and (t.cores is None or t.cores <= cur_cores)
        and (t.memory_gib < usage.tier_memory_gib or (t.cores or math.inf) < cur_cores)
    ]
    return min(fits, key=_size, default=None)


def _size(tier: TierPrice) -> tuple[float, ...]:
    price = tier.cents_per_minute if tier.cents_per_minute is not None else math.inf
    return (float(tier.gpus or 0), tier.memory_gib or math.inf, tier.cores or math.inf, price)


def assess(summary: Summary, tiers: Sequence[TierPrice],
           threshold: float = DEFAULT_THRESHOLD) -> tuple[RuleEfficiency, ...]:
    """Each rule's use of its tier; a smaller tier for those under `threshold` percent."""
    out = []
    for usage in summary.rules:
        memory = percent(usage.peak_memory_bytes,
                         usage.tier_memory_gib * GIB if usage.tier_memory_gib else None)
        cores = percent(usage.mean_cores, usage.tier_cores)
        under = any(p is not None and p < threshold for p in (memory, cores))
        there = smaller_tier(usage, tiers) if under else None
        out.append(RuleEfficiency(
            usage.rule, usage.tier, memory, cores,
            needed_memory(usage.peak_memory_bytes),
            _bill(summary, usage, there) if there else None,
        ))
    return tuple(out)


def _bill(summary: Summary, usage: RuleUsage, there: TierPrice) -> Smaller:
    mine = [s for s in summary.spans
            if s.rule == usage.rule and (s.tier or UNKNOWN_TIER) == usage.tier]
    run_ms = sum(s.run_ms or 0 for s in mine)
    prices = [s.cents_per_minute for s in mine if s.cents_per_minute is not None]
    minutes = run_ms / 60_000
    now = minutes * prices[-1] if prices else None
    cost_there = (minutes * there.cents_per_minute
                  if there.cents_per_minute is not None else None)
    return Smaller(there, run_ms, now, cost_there)


def advice(rule: RuleEfficiency, threshold: float = DEFAULT_THRESHOLD) -> str | None:
    """The one line for a rule under the threshold that a smaller tier would have held."""
    there = rule.smaller
    if there is None:
        return None
    used = ", ".join(
        f"{what} {pct:.0f}%" for what, pct in (("memory", rule.memory_pct),
                                                ("cores", rule.cores_pct)) if pct is not None)
    line = (f"{rule.rule} used {used} of tier {rule.tier} (under {threshold:g}%): "
            f"{tier_label(there.tier)} would have held it (peak + {MARGIN:.0%} = "
            f"{size(rule.needed_bytes)})")
    if there.cents_now and there.cents_there is not None:
        return (line + f"; {_money(there.cents_there)} there instead of "
                f"{_money(there.cents_now)} ({there.tier_minutes:.2f} min)")
    unpriced = " (no price reported)" if there.cents_now is None else ""
    return (line + f"; {there.tier_minutes:.2f} tier-minutes of {rule.tier} would have been "
            f"{there.tier.name}'s{unpriced}")


def _money(cents: float) -> str:
    return f"${cents / 100:,.2f}"
