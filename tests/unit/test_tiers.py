import pytest

from snakemake_executor_domino.connection import ConfigurationError
from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.tiers import TierResolver

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
