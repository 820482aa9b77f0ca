"""Right-sizing from history: the peak of a rule's last successful runs picks its tier."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.placement.escalation import Escalations
from snakemake_executor_domino.placement.planner import TierPlanner
from snakemake_executor_domino.placement.right_size import (
    Peak,
    SizingHistory,
    check_margin,
    peak_of,
    tier_for,
)
from snakemake_executor_domino.placement.tiers import TierResolver
from snakemake_executor_domino.report.records import JobRecord, Run
from tests.unit.test_placement import TIERS, _Job

MB = 10**6


def done(rule: str, peak: int | None, finished: int, status="Succeeded",
         **wildcards: str) -> JobRecord:
    return JobRecord(run_id="r", snakemake_jobid=1, rule=rule, wildcards=wildcards,
                     title="t", job_id=f"j{finished}", number=1, url="u", status=status,
                     finished_ms=finished, peak_memory_bytes=peak)


HISTORY = [
    done("fit", 900 * MB, 1, model="forest"),
    done("fit", 5000 * MB, 2, model="forest", status="Failed"),  # failures do not count
    done("fit", 300 * MB, 3, model="linear"),
    done("fit", None, 4, model="linear"),  # nothing measured
    done("fit", 9000 * MB, 5),  # other wildcard names
    done("clean", 3000 * MB, 6),
]


def test_the_same_wildcards_first_then_any_values_of_the_same_names():
    assert peak_of(HISTORY, "fit", {"model": "linear"}) == Peak(1, 300 * MB)
    assert peak_of(HISTORY, "fit", {"model": "svm"}) == Peak(2, 900 * MB)
    assert peak_of(HISTORY, "fit", {}) == Peak(1, 9000 * MB)
    assert peak_of(HISTORY, "score", {}) is None


def test_only_the_most_recent_runs_count():
    runs = [done("r", (100 + i) * MB, i) for i in range(10)] + [done("r", 5000 * MB, -1)]
    assert peak_of(runs, "r", {}, recent=5) == Peak(5, 109 * MB)


def test_the_margin_decides_the_tier():
    # Small has 4 GiB (4295 MB): 3400 MB fits with 25% head room, 3500 MB does not
    assert tier_for(TIERS, Peak(1, 3400 * MB), 0.25).name == "Small"
    assert tier_for(TIERS, Peak(1, 3500 * MB), 0.25).name == "Medium"
    assert tier_for(TIERS, Peak(1, 3500 * MB), 0.0).name == "Small"
    assert tier_for(TIERS, Peak(1, 60_000 * MB), 0.25) is None


def planner(records, enabled=True, setting="Large") -> TierPlanner:
    resolver = TierResolver(TIERS, setting)
    history = SizingHistory(None, resolver.tiers, enabled=enabled,
                            read=lambda _: [Run("old", jobs=records)])
    return TierPlanner(resolver, Escalations(resolver.tiers), history)


def test_an_undeclared_rule_is_sized_from_history_before_the_default_tier():
    placement, _ = planner([done("r", 200 * MB, 1)]).plan(_Job("r"))
    assert placement.tier.name == "Small"
    assert placement.reason == "sized from history (1 run, peak 190.7 MiB)"


def test_no_history_an_ask_or_the_setting_off_leave_placement_as_it_was():
    assert planner([]).plan(_Job("r"))[0].tier.name == "Large"  # --domino-default-tier
    sized = planner([done("r", 200 * MB, 1)])
    assert sized.plan(_Job("r", mem_mb=6000))[0].tier.name == "Medium"
    assert sized.plan(_Job("r", tier="Large"))[0].tier.name == "Large"
    off = planner([done("r", 200 * MB, 1)], enabled=False)
    assert off.plan(_Job("r"))[0].tier.name == "Large"


def test_the_rule_resource_turns_it_on_or_off_and_rejects_nonsense():
    history = [done("r", 200 * MB, 1)]
    assert planner(history, enabled=False).plan(
        _Job("r", domino_right_size=True))[0].tier.name == "Small"
    assert planner(history).plan(_Job("r", domino_right_size=0))[0].tier.name == "Large"
    with pytest.raises(ConfigurationError, match="domino_right_size='maybe' is neither"):
        planner(history).plan(_Job("r", domino_right_size="maybe"))


def test_an_out_of_memory_retry_still_escalates_past_the_history():
    p = planner([done("r", 200 * MB, 1)])
    job = _Job("r")
    p.escalations.ended(job, TIERS[0], p.plan(job)[0].ask, oom=True)
    retry = _Job("r", attempt=2)
    assert p.plan(retry)[0].tier.name == "Medium"
    assert p.plan(retry)[0].reason.startswith("escalated: attempt 1 ran out of memory")


def test_a_nonsense_margin_is_refused():
    assert check_margin(25) == 0.25
    with pytest.raises(ConfigurationError, match="--domino-right-size-margin -5"):
        check_margin(-5)
