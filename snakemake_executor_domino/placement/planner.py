"""Where a job runs and why: its hardware tier (and compute environment), decided once at
submission. The Placement is the executor's one record of that choice: the log line, the
journal key and the run records all read it.

The tier, in order of precedence:
1. a tier the rule names (`resources: tier=...`, its own or --set-resources);
2. else, if it asks for threads > 1, mem_mb/mem or gpu, the smallest tier that holds them;
3. else, under --domino-right-size (or the rule's `domino_right_size`), the smallest tier
   that held its peak memory plus a margin in its earlier runs (right_size.py), if any did;
4. else a default tier: `default-resources: tier=...`, then --domino-default-tier;
5. else none is sent, and Domino runs the job on the project's default tier.
After an attempt that ran out of memory, the next attempt runs at least on the next tier
by memory (escalation.py). Values from default-resources are defaults, not asks (see
resources.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.formatting import tier_label
from snakemake_executor_domino.placement.environment import EnvironmentChoice
from snakemake_executor_domino.placement.escalation import Escalations
from snakemake_executor_domino.placement.resources import choice, evaluated_ask, members
from snakemake_executor_domino.placement.right_size import SizingHistory
from snakemake_executor_domino.placement.sizing import (
    Ask,
    largest,
    misfits,
    smallest_fit,
    unjudged,
)
from snakemake_executor_domino.placement.tiers import TierResolver


@dataclass(frozen=True)
class Placement:
    # the tier the job runs on as far as we know (None: the project's default, unknown)
    tier: HardwareTier | None
    # what the start asks for as overrideHardwareTierId; None: Domino's project default
    override: str | None
    # why this tier, for the submission's log line
    reason: str
    # what the job asked for (defaults left out)
    ask: Ask
    # the tier the rule itself named, as written (None: it named none)
    requested: str | None = None
    # the compute environment sent (None: none, so the project's default)
    environment: EnvironmentChoice | None = None

    @property
    def environment_id(self) -> str | None:
        return self.environment.id if self.environment else None

    @property
    def environment_revision(self) -> str | dict[str, str] | None:
        return self.environment.revision_spec if self.environment else None

    def cores(self, threads: int) -> int:
        """The `--cores` of the job's command: the rule's threads, or the tier's cores where
        there are more, never what the submitting or the Domino machine happens to have."""
        tier_cores = int(self.tier.cores or 0) if self.tier else 0
        return max(1, int(threads or 1), tier_cores)

    def key_part(self) -> str:
        """What of the placement makes a job another job (journal.job_key)."""
        tier = self.tier.id if self.tier else ""
        env = self.environment
        return tier if env is None else f"{tier}\0{env.id}\0{env.revision_spec or ''}"

    def describe(self) -> str:
        where = f"tier {self.tier.name}" if self.tier else "the project's default tier"
        env = self.environment
        if env is None:
            return f"{where} ({self.reason})"
        revision = f", revision {env.revision}" if env.revision else ""
        return f"{where} ({self.reason}), environment {env.name}{revision}"


def oversized(label: str, ask: Ask, tiers: list[HardwareTier]) -> str:
    """`label`: "rule NAME" or "group NAME (rules)"."""
    return (
        f"{label} asks for {ask.describe()}, more than any hardware tier of this "
        f"Domino project holds; the largest is {tier_label(largest(tiers))}. Ask for less, "
        "or have a bigger tier added to the project."
    )


class TierPlanner:
    def __init__(self, resolver: TierResolver, escalations: Escalations,
                 history: SizingHistory | None = None):
        self.resolver = resolver
        self.escalations = escalations
        self.history = history

    @property
    def tiers(self) -> list[HardwareTier]:
        return self.resolver.tiers

    def judged(self, ask: Ask) -> Ask:
        """The ask less what no tier reports (so nothing can be chosen by it)."""
        missing = unjudged(self.tiers, ask)
        return Ask(
            None if "threads" in missing else ask.threads,
            None if "mem_mb" in missing else ask.mem_mb,
            ask.disk_mb,
            None if "gpu" in missing else ask.gpus,
        )

    def plan(self, job: JobExecutorInterface) -> tuple[Placement, list[str]]:
        """The job's tier, and why it may not fit a tier it names (for a warning).
        ConfigurationError: it names a tier the project lacks, or no tier holds it."""
        named, default_named = _named_tier(job)
        ask = evaluated_ask(job)
        problems: list[str] = []
        if named is not None:
            tier = self.resolver.resolve(named)
            placement = Placement(tier, tier.id if tier else None, "named by the rule", ask,
                                  requested=named)
            for member in members(job):
                problems += misfits(member.rule.name, evaluated_ask(member), tier) if tier else []
        elif self.judged(ask):
            tier = smallest_fit(self.tiers, self.judged(ask))
            if tier is None:
                raise ConfigurationError(oversized(_rule_names(job), ask, self.tiers))
            reason = f"the smallest tier that holds {self.judged(ask).describe()}"
            placement = Placement(tier, tier.id, reason, ask)
        elif (sized := self.history and self.history.size(job)) is not None:
            placement = Placement(sized.tier, sized.tier.id, sized.reason, ask)
        elif default_named is not None:
            tier = self.resolver.resolve(default_named)
            reason = "default-resources tier"
            placement = Placement(tier, tier.id if tier else None, reason, ask)
        else:
            placement = self._default(ask)
        return self._escalated(job, placement), problems

    def _default(self, ask: Ask) -> Placement:
        resolver = self.resolver
        if resolver.setting is not None:
            setting = resolver.setting
            return Placement(setting, setting.id, "--domino-default-tier", ask)
        reason = "the project's default: the job asks for no tier or size"
        return Placement(resolver.project_default, None, reason, ask)

    def _escalated(self, job: JobExecutorInterface, placement: Placement) -> Placement:
        floor = self.escalations.floor(job)
        if floor is None:
            return placement
        bigger, why = floor
        current = placement.tier
        if current is not None and (current.memory_gib or 0) >= (bigger.memory_gib or 0):
            return placement
        return Placement(bigger, bigger.id, f"escalated: {why}", placement.ask,
                         requested=placement.requested)


def _named_tier(job: JobExecutorInterface) -> tuple[str | None, str | None]:
    """(the tier the job's rules name, a tier default-resources gives them); for a group
    job, the one its members agree on."""
    named, defaults = set(), set()
    for member in members(job):
        value, from_default = choice(member, "tier")
        if value is not None:
            (defaults if from_default else named).add(value)
    for wanted in (named, defaults):
        if len(wanted) > 1:
            raise ConfigurationError(
                f"group {job.name} mixes hardware tiers {sorted(wanted)}; one group runs as "
                "one Domino job, so give its rules the same tier."
            )
    return (named.pop() if named else None), (defaults.pop() if defaults else None)


def _rule_names(job: JobExecutorInterface) -> str:
    if not job.is_group():
        return f"rule {job.rule.name}"
    return f"group {job.name} ({', '.join(sorted({m.rule.name for m in members(job)}))})"
