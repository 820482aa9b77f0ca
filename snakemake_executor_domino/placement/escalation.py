"""Out-of-memory escalation: a job whose attempt ran out of memory retries on a bigger tier.

Snakemake retries a failed job (within --retries) by submitting it again with its attempt
number raised; it says nothing of why the attempt failed. So the executor remembers, per
job, the smallest tier a next attempt may run on: after an out-of-memory end the next tier
by memory above the one it ran on, kept for every later attempt (a retry after a failure
that was not out of memory runs where the last attempt ran). A tier the job asks for that
is bigger still wins. This lives only as long as the Snakemake invocation, as attempts do.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.formatting import tier_label
from snakemake_executor_domino.placement.resources import members
from snakemake_executor_domino.placement.sizing import Ask, next_by_memory


def attempt_key(job: JobExecutorInterface) -> str:
    """The same for every attempt of one job of this run: its declared outputs."""
    outputs = sorted(str(f) for member in members(job) for f in member.output)
    return "\0".join(outputs) if outputs else f"job {job.jobid}"


class Escalations:
    def __init__(self, tiers: Sequence[HardwareTier], enabled: bool = True):
        self.tiers = list(tiers)
        self.enabled = enabled
        self._floor: dict[str, tuple[HardwareTier, str]] = {}
        self._lock = threading.Lock()

    def floor(self, job: JobExecutorInterface) -> tuple[HardwareTier, str] | None:
        """(the smallest tier this attempt may use, why) after an earlier out-of-memory end."""
        if job.attempt <= 1:
            return None
        with self._lock:
            return self._floor.get(attempt_key(job))

    def ended(
        self, job: JobExecutorInterface, ran_on: HardwareTier | None, ask: Ask, oom: bool
    ) -> str:
        """Note how an attempt ended; a sentence for its error message when it ran out of
        memory (where a retry goes), else ''."""
        if not oom:
            return ""
        where = f"tier {tier_label(ran_on)}" if ran_on else "its tier"
        said = f"It ran out of memory on {where}."
        if not self.enabled:
            return f"{said} A retry runs on the same tier (--domino-no-escalation)."
        if ran_on is None:
            return (
                f"{said} The tier it ran on is not known (Domino's project default), so a "
                "retry cannot be moved to a bigger one; give the rule a tier or mem_mb."
            )
        bigger = next_by_memory(self.tiers, ran_on, ask)
        if bigger is None:
            return (
                f"{said} No larger tier is left: {ran_on.name} has the most memory of this "
                "project's tiers that hold the job, so a retry would run out of memory again."
            )
        with self._lock:
            self._floor[attempt_key(job)] = (
                bigger,
                f"attempt {job.attempt} ran out of memory on tier {ran_on.name}",
            )
        return f"{said} A retry (--retries) runs on the next tier by memory, {tier_label(bigger)}."
