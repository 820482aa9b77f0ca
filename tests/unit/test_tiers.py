import pytest

from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.placement.tiers import TierResolver, describe

TIERS = [
    HardwareTier(id="small-k8s", name="Small", is_default=True),
    HardwareTier(id="large-k8s", name="Large", is_default=False),
]


def test_resolves_names_ids_and_case():
    resolver = TierResolver(TIERS, None)
    assert resolver.resolve("Large").id == "large-k8s"
    assert resolver.resolve("large-k8s").name == "Large"
    assert resolver.resolve("large").id == "large-k8s"
    assert resolver.resolve(None).id == "small-k8s"


def test_default_setting_overrides_project_default():
    assert TierResolver(TIERS, "Large").resolve(None).id == "large-k8s"


def test_unknown_tier_lists_valid_ones():
    with pytest.raises(ConfigurationError) as info:
        TierResolver(TIERS, None).resolve("Huge")
    message = str(info.value)
    assert "'Huge'" in message
    assert "Small (id small-k8s)" in message and "Large (id large-k8s)" in message


def test_unknown_default_tier_fails_early():
    with pytest.raises(ConfigurationError):
        TierResolver(TIERS, "Tiny")


def test_no_tier_named_sends_no_override_but_names_the_project_default():
    resolver = TierResolver(TIERS, None)
    assert resolver.override(None) is None
    assert resolver.resolve(None).name == "Small"
    assert describe(resolver.resolve(None)) == "tier Small"


def test_a_named_tier_or_default_setting_is_sent():
    assert TierResolver(TIERS, None).override("Large") == "large-k8s"
    assert TierResolver(TIERS, "Large").override(None) == "large-k8s"
    assert TierResolver(TIERS, "Large").override("small-k8s") == "small-k8s"


def test_project_default_from_the_project_when_no_tier_is_flagged():
    tiers = [HardwareTier(id=t.id, name=t.name, is_default=False) for t in TIERS]
    assert TierResolver(tiers, None, "large-k8s").resolve(None).name == "Large"
    unknown = TierResolver(tiers, None)
    assert unknown.resolve(None) is None and unknown.override(None) is None
    assert describe(None) == "the project's default tier"
