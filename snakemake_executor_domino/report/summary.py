"""The run summary: jobs per tier, queued and running time, tier-minutes, an estimated cost,
the slowest jobs, and per rule what it asked for against what it used. Pure: JobSpans in,
numbers and text out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from snakemake_executor_domino.report.spans import JobSpan

SLOWEST = 3
UNKNOWN_TIER = "(project default)"


@dataclass(frozen=True)
class TierTotals:
    tier: str
    jobs: int
    queued_ms: int
    run_ms: int
    cents_per_minute: float | None

    @property
    def tier_minutes(self) -> float:
        return self.run_ms / 60_000

    @property
    def cents(self) -> float | None:
        if self.cents_per_minute is None:
            return None
        return self.tier_minutes * self.cents_per_minute


@dataclass(frozen=True)
class RuleUsage:
    """One rule's jobs on one tier: what they asked for, what the tier has, what they used."""

    rule: str
    tier: str
    jobs: int
    threads: int | None  # the most any of its jobs asked for
    mem_mb: float | None
    tier_cores: float | None  # the most any of its tiers has
    tier_memory_gib: float | None
    peak_memory_bytes: int | None  # the most any measured job used
    cpu_seconds: float | None  # summed over the measured jobs
    measured_run_ms: int  # running time of the measured jobs
    cpu_peak_percent: float | None = None  # the most any job used, where Domino says so

    @property
    def mean_cores(self) -> float | None:
        if self.cpu_seconds is None or self.measured_run_ms <= 0:
            return None
        return self.cpu_seconds / (self.measured_run_ms / 1000)


@dataclass(frozen=True)
class Summary:
    run_id: str
    spans: tuple[JobSpan, ...]
    tiers: tuple[TierTotals, ...]
    rules: tuple[RuleUsage, ...]

    @property
    def jobs(self) -> int:
        return len(self.spans)

    @property
    def packs(self) -> tuple[int, int]:
        """(Domino jobs that were packs, the Snakemake jobs in them)."""
        packs = [s.pack_size for s in self.spans if s.pack_size]
        return len(packs), sum(packs)

    @property
    def statuses(self) -> dict[str, int]:
        return dict(Counter(span.status for span in self.spans))

    @property
    def queued_ms(self) -> int:
        return sum(t.queued_ms for t in self.tiers)

    @property
    def run_ms(self) -> int:
        return sum(t.run_ms for t in self.tiers)

    @property
    def tier_minutes(self) -> float:
        return sum(t.tier_minutes for t in self.tiers)

    @property
    def cents(self) -> float | None:
        """The estimated cost of the tiers whose price is known; None if none is."""
        known = [t.cents for t in self.tiers if t.cents is not None]
        return sum(known) if known else None

    @property
    def unpriced(self) -> list[str]:
        return [t.tier for t in self.tiers if t.cents_per_minute is None]

    @property
    def wall_ms(self) -> int | None:
        starts = [s.submitted_ms for s in self.spans if s.submitted_ms is not None]
        ends = [s.finished_ms for s in self.spans if s.finished_ms is not None]
        return max(ends) - min(starts) if starts and ends else None

    @property
    def slowest(self) -> list[JobSpan]:
        ran = [s for s in self.spans if s.run_ms is not None]
        return sorted(ran, key=lambda s: -(s.run_ms or 0))[:SLOWEST]

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "jobs": self.jobs,
            "statuses": self.statuses,
            "wall_ms": self.wall_ms,
            "queued_ms": self.queued_ms,
            "run_ms": self.run_ms,
            "tier_minutes": self.tier_minutes,
            "estimated_cents": self.cents,
            "unpriced_tiers": self.unpriced,
            "tiers": [
                {
                    "tier": t.tier, "jobs": t.jobs, "queued_ms": t.queued_ms,
                    "run_ms": t.run_ms, "tier_minutes": t.tier_minutes,
                    "cents_per_minute": t.cents_per_minute, "estimated_cents": t.cents,
                }
                for t in self.tiers
            ],
            "slowest": [
                {"job_id": s.job_id, "number": s.number, "label": s.label, "tier": s.tier,
                 "run_ms": s.run_ms, "url": s.url}
                for s in self.slowest
            ],
            "rules": [
                {
                    "rule": r.rule, "tier": r.tier, "jobs": r.jobs,
                    "threads": r.threads, "mem_mb": r.mem_mb, "tier_cores": r.tier_cores,
                    "tier_memory_gib": r.tier_memory_gib,
                    "peak_memory_bytes": r.peak_memory_bytes,
                    "cpu_seconds": r.cpu_seconds, "mean_cores": r.mean_cores,
                    "cpu_peak_percent": r.cpu_peak_percent,
                }
                for r in self.rules
            ],
        }


def summarise(run_id: str, spans: Iterable[JobSpan], tiers: Sequence[str] = ()) -> Summary:
    """The run's summary; `tiers` (the project's tier names) orders the tier table."""
    spans = tuple(sorted(spans, key=lambda s: (s.submitted_ms or 0, s.number or 0)))
    return Summary(run_id, spans, _tiers(spans, tiers), _rules(spans))


def _tiers(spans: tuple[JobSpan, ...], order: Sequence[str]) -> tuple[TierTotals, ...]:
    seen = list(dict.fromkeys(s.tier or UNKNOWN_TIER for s in spans))
    names = [t for t in order if t in seen] + [t for t in seen if t not in order]
    totals = []
    for name in names:
        mine = [s for s in spans if (s.tier or UNKNOWN_TIER) == name]
        prices = [s.cents_per_minute for s in mine if s.cents_per_minute is not None]
        totals.append(TierTotals(
            tier=name,
            jobs=len(mine),
            queued_ms=sum(s.queued_ms or 0 for s in mine),
            run_ms=sum(s.run_ms or 0 for s in mine),
            cents_per_minute=prices[-1] if prices else None,
        ))
    return tuple(totals)


def _rules(spans: tuple[JobSpan, ...]) -> tuple[RuleUsage, ...]:
    out = []
    for rule, tier in dict.fromkeys((s.rule, s.tier or UNKNOWN_TIER) for s in spans):
        mine = [s for s in spans if s.rule == rule and (s.tier or UNKNOWN_TIER) == tier]
        measured = [s for s in mine if s.cpu_seconds is not None and s.run_ms is not None]
        out.append(RuleUsage(
            rule=rule,
            tier=tier,
            jobs=len(mine),
            threads=_most(s.threads for s in mine),
            mem_mb=_most(s.mem_mb for s in mine),
            tier_cores=_most(s.tier_cores for s in mine),
            tier_memory_gib=_most(s.tier_memory_gib for s in mine),
            peak_memory_bytes=_most(s.peak_memory_bytes for s in mine),
            cpu_seconds=sum(s.cpu_seconds or 0.0 for s in measured) if measured else None,
            measured_run_ms=sum(s.run_ms or 0 for s in measured),
            cpu_peak_percent=_most(s.cpu_peak_percent for s in mine),
        ))
    return tuple(out)


def _most(values: Iterable[Any]) -> Any:
    known = [v for v in values if v is not None]
    return max(known) if known else None
