"""Hardware tiers: a rule's `resources: tier=...` (a name or an id) to a Domino tier."""

from __future__ import annotations

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.connection import ConfigurationError
from snakemake_executor_domino.domino import HardwareTier


def requested_tier(job: JobExecutorInterface) -> str | None:
    """The tier a job asks for; for a group job, the one its members agree on."""
    if job.is_group():
        wanted = {requested_tier(member) for member in job.jobs} - {None}
        if len(wanted) > 1:
            raise ConfigurationError(
                f"group {job.name} mixes hardware tiers {sorted(wanted)}; one group runs as "
                "one Domino job, so give its rules the same tier."
            )
        return wanted.pop() if wanted else None
    value = job.resources.get("tier")
    return str(value) if value not in (None, "") else None


class TierResolver:
    """Names and ids of the project's tiers, resolved once."""

    def __init__(self, tiers: list[HardwareTier], default: str | None):
        if not tiers:
            raise ConfigurationError("The Domino project offers no hardware tiers.")
        self.tiers = tiers
        self._by_key: dict[str, HardwareTier] = {}
        for tier in tiers:
            self._by_key[tier.id] = tier
            self._by_key.setdefault(tier.name, tier)
            self._by_key.setdefault(tier.name.lower(), tier)
        project_default = next((t for t in tiers if t.is_default), tiers[0])
        self.default = self.resolve(default) if default else project_default

    def valid(self) -> str:
        return ", ".join(f"{t.name} (id {t.id})" for t in self.tiers)

    def resolve(self, wanted: str | None) -> HardwareTier:
        if wanted is None:
            return self.default
        tier = self._by_key.get(wanted) or self._by_key.get(wanted.lower())
        if tier is None:
            raise ConfigurationError(
                f"hardware tier {wanted!r} does not exist in this Domino project. "
                f"Valid tiers: {self.valid()}. Fix resources: tier=... or --domino-default-tier."
            )
        return tier
