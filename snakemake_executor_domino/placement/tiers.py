"""Hardware tiers: a rule's `resources: tier=...` (a name or an id) to a Domino tier."""

from __future__ import annotations

from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.exceptions import ConfigurationError


class TierResolver:
    """Names and ids of the project's tiers, resolved once.

    A job that names no tier, under no --domino-default-tier, is started without a tier
    override, so Domino picks the project's default itself; `default` is only what we
    believe that is (flagged isDefault in the tier list, or the project's hardwareTierId),
    for the log, and None when neither says.
    """

    def __init__(
        self, tiers: list[HardwareTier], default: str | None, project_default: str | None = None
    ):
        if not tiers:
            raise ConfigurationError("The Domino project offers no hardware tiers.")
        self.tiers = tiers
        self._by_key: dict[str, HardwareTier] = {}
        for tier in tiers:
            self._by_key[tier.id] = tier
            self._by_key.setdefault(tier.name, tier)
            self._by_key.setdefault(tier.name.lower(), tier)
        flagged = next((t for t in tiers if t.is_default), None)
        self.project_default = flagged or self._by_key.get(project_default or "")
        self.setting = self.resolve(default) if default else None
        self.default = self.setting or self.project_default

    def valid(self) -> str:
        return ", ".join(f"{t.name} (id {t.id})" for t in self.tiers)

    def resolve(self, wanted: str | None) -> HardwareTier | None:
        """The tier a job runs on: the one it names, else the default (None if unknown)."""
        if wanted is None:
            return self.default
        tier = self._by_key.get(wanted) or self._by_key.get(wanted.lower())
        if tier is None:
            raise ConfigurationError(
                f"hardware tier {wanted!r} does not exist in this Domino project. "
                f"Valid tiers: {self.valid()}. Fix resources: tier=... or --domino-default-tier."
            )
        return tier

    def override(self, wanted: str | None) -> str | None:
        """The tier id to ask Domino for: None when neither the job nor the setting names
        one, so that Domino uses the project's default."""
        if wanted is None:
            return self.setting.id if self.setting else None
        tier = self.resolve(wanted)
        return tier.id if tier else None


def describe(tier: HardwareTier | None) -> str:
    return f"tier {tier.name}" if tier else "the project's default tier"
