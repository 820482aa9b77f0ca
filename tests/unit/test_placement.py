"""The tier a job gets: named, sized by its resources, default; escalated after OOM."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from snakemake.resources import Resources

from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.placement.escalation import Escalations
from snakemake_executor_domino.placement.planner import TierPlanner
from snakemake_executor_domino.placement.sizing import Ask
from snakemake_executor_domino.placement.tiers import TierResolver
from tests.unit.test_sizing import GPU, LARGE, MEDIUM, SMALL, tier

TIERS = [tier("Small", 1, 4, default=True), MEDIUM, LARGE, GPU]


@dataclass
class _Settings:
    default_resources: Resources | None = None


@dataclass
class _Workflow:
    resource_settings: _Settings = field(default_factory=_Settings)


@dataclass
class _Rule:
    name: str
    resources: Resources
    workflow: _Workflow


class _Job:
    def __init__(self, rule="r", attempt=1, defaults=None, **resources):
        parsed = Resources.parse([f"{k}={v}" for k, v in (defaults or {}).items()],
                                 allow_expressions=True)
        own = parsed.copy()
        own.update(Resources.from_mapping(resources))
        self.rule = _Rule(rule, own, _Workflow(_Settings(parsed)))
        # what Snakemake evaluates at submission: here every value is a constant
        self.resources = {name: own[name]._value for name in own if not own[name].is_evaluable()}
        for name in parsed:
            if parsed[name].is_evaluable():
                self.resources[name] = eval(parsed[name].raw)  # a literal in these tests
        self.attempt = attempt
        self.output = [f"{rule}.out"]
        self.jobid = 1
        self.name = rule

    def is_group(self) -> bool:
        return False


def planner(setting=None, escalate=True) -> TierPlanner:
    resolver = TierResolver(TIERS, setting)
    return TierPlanner(resolver, Escalations(resolver.tiers, escalate))


def test_mem_mb_alone_chooses_the_smallest_tier_that_holds_it():
    placement, problems = planner().plan(_Job(mem_mb=6000))
    assert placement.tier.name == "Medium" and placement.override == "medium"
    assert placement.reason == "the smallest tier that holds mem_mb=6000"
    assert problems == []


def test_a_named_tier_is_kept_and_a_misfit_is_reported():
    placement, problems = planner().plan(_Job(tier="Small", mem_mb=6000))
    assert placement.tier.name == "Small" and placement.requested == "Small"
    assert problems == ["rule r: mem_mb=6000, but tier Small has 4 GiB (4295 MB)"]


def test_no_ask_keeps_the_project_default_without_an_override():
    placement, _ = planner().plan(_Job(_cores=1))
    assert placement.override is None and placement.tier.name == "Small"
    assert placement.describe() == (
        "tier Small (the project's default: the job asks for no tier or size)"
    )
    placement, _ = planner("Large").plan(_Job())
    assert placement.override == "large" and placement.reason == "--domino-default-tier"


def test_defaults_choose_nothing_but_a_default_tier_holds_for_rules_asking_nothing():
    defaults = {"mem_mb": "8000", "tier": '"Large"'}
    placement, _ = planner().plan(_Job(defaults=defaults))
    assert placement.tier.name == "Large" and placement.reason == "default-resources tier"
    placement, _ = planner().plan(_Job(defaults=defaults, mem_mb=1000))
    assert placement.tier.name == "Small"  # its own ask beats the default tier


def test_nothing_holds_an_oversized_job():
    with pytest.raises(ConfigurationError) as info:
        planner().plan(_Job(rule="huge", mem_mb=100000))
    assert str(info.value).startswith(
        "rule huge asks for mem_mb=100000, more than any hardware tier of this Domino "
        "project holds; the largest is GPU (4 cores, 16 GiB, 1 GPU)."
    )


def test_out_of_memory_moves_the_next_attempt_up_by_memory():
    plan = planner()
    first, _ = plan.plan(_Job(mem_mb=1000))
    assert first.tier.name == "Small"
    note = plan.escalations.ended(_Job(mem_mb=1000), first.tier, first.ask, oom=True)
    assert note.startswith("It ran out of memory on tier Small (1 core, 4 GiB")
    assert "next tier by memory, Medium" in note
    second, _ = plan.plan(_Job(mem_mb=1000, attempt=2))
    assert second.tier.name == "Medium"
    assert second.reason == "escalated: attempt 1 ran out of memory on tier Small"
    # a failure that is not out of memory: the next attempt stays where the last one ran
    assert plan.escalations.ended(_Job(attempt=2), second.tier, second.ask, oom=False) == ""
    third, _ = plan.plan(_Job(mem_mb=1000, attempt=3))
    assert third.tier.name == "Medium"
    # the first attempt of a job never inherits (a new invocation, another job)
    assert plan.plan(_Job(mem_mb=1000))[0].tier.name == "Small"


def test_escalation_ends_at_the_largest_tier_and_can_be_turned_off():
    plan = planner()
    note = plan.escalations.ended(_Job(), LARGE, Ask(), oom=True)
    assert note.startswith("It ran out of memory on tier Large (4 cores, 16 GiB). "
                           "No larger tier is left")
    assert plan.plan(_Job(attempt=2))[0].override is None
    off = planner(escalate=False)
    note = off.escalations.ended(_Job(), SMALL, Ask(), oom=True)
    assert "same tier (--domino-no-escalation)" in note
    assert off.plan(_Job(attempt=2))[0].override is None


def test_a_bigger_tier_the_job_asks_for_beats_the_escalation_floor():
    plan = planner()
    plan.escalations.ended(_Job(), SMALL, Ask(), oom=True)
    placement, _ = plan.plan(_Job(tier="Large", attempt=2))
    assert placement.tier.name == "Large" and placement.reason == "named by the rule"
