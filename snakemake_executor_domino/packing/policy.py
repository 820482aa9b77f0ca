"""When to pack, and how big a pack may be (`--domino-pack auto|off|N`, `domino_pack=`).

A separate Domino job per Snakemake job pays a pod start each (tens of seconds on a real
deployment) and takes a place in the user's executions quota. A pack pays it once, but a
pack ends only when its last member does, so downstream jobs may wait longer. Hence:

- `off`: never pack. `N`: always pack ready jobs that share a tier and environment, at most
  N to a pack.
- `auto` (the default) packs only on evidence that separate jobs cost more than they give:
  Domino is queueing this run's executions (one was seen Queued, or a start was refused by
  a queue limit), or the start latency observed in this run (submission to running) is
  longer than the members' expected run time (a rule's own `resources: runtime`, else the
  run time its jobs showed so far in this run). Before any of that is known it does not
  pack, so a run on an idle Domino behaves exactly as without packing.
- The size bound: a pack runs `slots` members at once (what the tier's cores and memory
  hold); it may hold as many waves of them as end about when a separate job would have,
  1 + latency / run time, when both are known; else one wave. Never more than MAX_MEMBERS.
- `resources: domino_pack=0` keeps a rule's jobs out of packs; `domino_pack=N` caps the
  packs its jobs are in at N members.
"""

from __future__ import annotations

import math
import statistics
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from snakemake_executor_domino.exceptions import ConfigurationError

AUTO, OFF = "auto", "off"
MAX_MEMBERS = 100  # a pack's spec and status stay small; one pod holds a bounded crowd
RESOURCE = "domino_pack"


@dataclass(frozen=True)
class PackSetting:
    mode: str  # AUTO, OFF, or "fixed"
    size: int | None = None  # the most members of a pack, for "fixed"


def parse_setting(value: str | None) -> PackSetting:
    text = (value or AUTO).strip().lower()
    if text in (AUTO, OFF):
        return PackSetting(text)
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < 1 or size > MAX_MEMBERS:
        raise ConfigurationError(
            f"--domino-pack {value!r} is not auto, off or a number of jobs from 1 to "
            f"{MAX_MEMBERS}; give e.g. --domino-pack auto (the default), off, or 20."
        )
    return PackSetting("fixed", 1 if size == 1 else size)


def rule_limit(job: Any) -> int | None:
    """The rule's `domino_pack` resource: 0 never packs it, N caps its packs; None: unset.
    A value that is no whole number is a ConfigurationError naming the rule."""
    value = job.resources.get(RESOURCE)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(
            f"rule {job.rule.name}: resources: {RESOURCE}={value!r} is not a whole number "
            f"of jobs; give {RESOURCE}=0 to never pack its jobs, or N to cap its packs."
        )
    return value


def expected_minutes(job: Any, is_default: Any) -> float | None:
    """The rule's own `resources: runtime` (minutes), not a default every rule gets."""
    value = job.resources.get("runtime")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return None if is_default(job, "runtime") else float(value)


class Observations:
    """What this run has seen of Domino: start latencies, run times per rule, queueing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latencies: list[float] = []
        self.runtimes: dict[str, list[float]] = defaultdict(list)
        self.queueing = False
        self.capacity = 0  # the most executions of this run seen admitted at once
        self.in_flight = 0  # this run's executions not ended, at the last status check

    def started(self, submitted_ms: int | None, started_ms: int | None) -> None:
        if submitted_ms is not None and started_ms is not None:
            with self._lock:
                self.latencies.append(max(0, started_ms - submitted_ms) / 1000)

    def cycle(self, running: int, queued: int, in_flight: int) -> None:
        """One status check's count of this run's executions: running, queued, not ended.
        While Domino queues some, the others (running or still starting, as a pod does for
        tens of seconds) are what it admits at once: known long before they all run."""
        with self._lock:
            self.in_flight = in_flight
            # every running one is among those admitted, so this is never below `running`
            admitted = in_flight - queued if queued else running
            self.capacity = max(self.capacity, admitted)

    def ran(self, rule: str, seconds: float) -> None:
        with self._lock:
            self.runtimes[rule].append(max(0.0, seconds))

    def latency(self) -> float | None:
        with self._lock:
            return statistics.median(self.latencies) if self.latencies else None

    def runtime(self, rule: str) -> float | None:
        with self._lock:
            seen = self.runtimes.get(rule)
            return statistics.median(seen) if seen else None


@dataclass(frozen=True)
class Decision:
    size: int  # the most members of one pack; 1: no packing
    why: str
    sure: bool = True  # False: auto has no evidence either way yet (hold, then judge)


def decide(setting: PackSetting, seen: Observations, runtime_s: float | None,
           slots: int, refused: bool, running_for: float = 0.0, count: int = 1) -> Decision:
    """How many members a pack of jobs whose expected run time is `runtime_s` may hold,
    `slots` of them running at once. `running_for`: the longest a job of theirs has run
    so far in this run without ending (a lower bound of the run time). `count`: how many
    jobs are to be packed; when Domino queues, they are spread over the executions it was
    seen to run at once (separate jobs would run in as many waves), less those this run
    still has in flight: those take their places first, and a pack more than the places
    left would start a wave later, as long as a whole pack after them."""
    if setting.mode == OFF:
        return Decision(1, "--domino-pack off")
    latency = seen.latency()
    waves = 1
    if latency is not None and runtime_s:
        waves = max(1, int(1 + latency / runtime_s))
    if setting.mode == "fixed":
        return Decision(setting.size or 1, f"--domino-pack {setting.size}")
    reasons = []
    if seen.queueing or refused:
        reasons.append("Domino is queueing this run's executions")
    if latency is not None and runtime_s is not None and latency > runtime_s:
        reasons.append(f"start latency {latency:.1f} s > run time {runtime_s:.1f} s")
    if reasons:
        size = max(1, slots) * waves
        if seen.queueing or refused:
            size = max(size, math.ceil(count / _places(seen)))
        return Decision(min(MAX_MEMBERS, size), "; ".join(reasons))
    if latency is not None and max(runtime_s or 0.0, running_for) >= latency:
        return Decision(1, "jobs run longer than Domino takes to start them")
    return Decision(1, "nothing seen yet of Domino's start latency or the jobs' run time",
                    sure=False)


def _places(seen: Observations) -> int:
    """The executions new packs get in the next wave: the capacity less this run's own in
    flight; all of it when those fill it (the packs wait a wave, then have it to
    themselves)."""
    capacity = max(1, seen.capacity)
    free = capacity - seen.in_flight
    return free if free > 0 else capacity
