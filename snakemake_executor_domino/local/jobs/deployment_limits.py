"""How the local Domino imitates a real deployment at scale: executions that take time to
start, a per-user executions quota, a per-user queue limit and slow answers.

All off by default (the local Domino then starts a job at once and never says no). Each
stands for a Domino behaviour (docs/local-domino.md, "Behaving like a deployment"):
- start latency: every execution is a Kubernetes pod (scheduling, a node scale-up, the image
  pull, the executor's file sync) and takes tens of seconds to minutes to start (Domino admin
  guide, "Kubernetes pods"); meanwhile the job shows as Pending;
- executions quota: `com.cerebro.domino.computegrid.userExecutionsQuota.
  maximumExecutionsPerUser`: beyond it a user's executions wait, Queued;
- queue limit: `...userExecutionQueueLimit`: beyond it new executions are "rejected with a
  failure status" (admin guide, "Execution queue limits"); no document shows the answer, so
  the local Domino creates the execution and ends it at once as Error, before it ran, with
  the reason in its log;
- request latency: a remote deployment's answers take tens of milliseconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace


class LimitsError(ValueError):
    """A limit given in a form the server cannot use; the message names it and the fix."""


@dataclass(frozen=True)
class DeploymentLimits:
    start_latency: float = 0.0
    start_jitter: float = 0.0
    executions_quota: int | None = None
    queue_limit: int | None = None
    request_latency_ms: int = 0

    def start_delay(self) -> float:
        """Seconds from a job leaving the queue to its command starting."""
        if self.start_latency <= 0 and self.start_jitter <= 0:
            return 0.0
        low = max(0.0, self.start_latency - self.start_jitter)
        return random.uniform(low, self.start_latency + self.start_jitter)

    def describe(self) -> str:
        parts = []
        if self.start_latency or self.start_jitter:
            parts.append(f"start latency {self.start_latency:g}+-{self.start_jitter:g} s")
        if self.executions_quota is not None:
            parts.append(f"{self.executions_quota} executions per user")
        if self.queue_limit is not None:
            parts.append(f"queue limit {self.queue_limit} per user")
        if self.request_latency_ms:
            parts.append(f"{self.request_latency_ms} ms per answer")
        return ", ".join(parts) or "none (jobs start at once, nothing is refused)"


# documented defaults for demos and benchmarks (docs/local-domino.md)
PROFILES = {
    "realistic": DeploymentLimits(
        start_latency=45.0, start_jitter=15.0, executions_quota=25, queue_limit=50,
        request_latency_ms=80,
    ),
}


def parse_latency(text: str) -> tuple[float, float]:
    """'SECONDS' or 'SECONDS:JITTER' -> (seconds, jitter)."""
    seconds, _, jitter = text.partition(":")
    try:
        values = (float(seconds), float(jitter or 0))
    except ValueError:
        raise LimitsError(
            f"start latency {text!r}: give SECONDS or SECONDS:JITTER, e.g. 45:15"
        ) from None
    if min(values) < 0:
        raise LimitsError(f"start latency {text!r}: seconds and jitter cannot be negative")
    return values


def limits_from(
    profile: str | None = None,
    start_latency: str | None = None,
    executions_quota: int | None = None,
    queue_limit: int | None = None,
    request_latency_ms: int | None = None,
) -> DeploymentLimits:
    """A profile's limits, each overridden by the option given explicitly."""
    if profile is not None and profile not in PROFILES:
        raise LimitsError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}")
    limits = PROFILES[profile] if profile else DeploymentLimits()
    if start_latency is not None:
        seconds, jitter = parse_latency(start_latency)
        limits = replace(limits, start_latency=seconds, start_jitter=jitter)
    for name, value in (("executions_quota", executions_quota), ("queue_limit", queue_limit)):
        if value is not None:
            if value < (1 if name == "executions_quota" else 0):
                raise LimitsError(f"{name.replace('_', ' ')} {value}: must be at least "
                                  f"{1 if name == 'executions_quota' else 0}")
            limits = replace(limits, **{name: value})
    if request_latency_ms is not None:
        if request_latency_ms < 0:
            raise LimitsError(f"request latency {request_latency_ms} ms cannot be negative")
        limits = replace(limits, request_latency_ms=request_latency_ms)
    return limits
