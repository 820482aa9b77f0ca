"""Each rule's use of its tier, and the smaller tier that would have held it."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.report.efficiency import assess
from snakemake_executor_domino.report.records import TierPrice
from snakemake_executor_domino.report.summary import summarise
from snakemake_executor_domino.report.summary_text import format_summary
from tests.unit.runs.test_summary import S, span

MIB, GIB = 2**20, 2**30
TIERS = [
    TierPrice("s", "Small", 1.0, 1, 4),
    TierPrice("m", "Medium", 3.0, 2, 8),
    TierPrice("l", "Large", 10.0, 4, 16),
    TierPrice("g", "GPU", 20.0, 4, 16, gpus=1),
]


def on(tier: TierPrice, number: int, rule: str, run_s: int, peak: int | None,
       cpu_s: float | None, price: float | None = -1.0):
    return span(number, rule, tier.name, 0, 0, run_s * S,
                price=tier.cents_per_minute if price == -1.0 else price,
                tier_cores=tier.cores, tier_memory_gib=tier.memory_gib,
                peak_memory_bytes=peak, cpu_seconds=cpu_s)


def by_rule(spans, threshold=25.0, tiers=TIERS):
    summary = summarise("r", spans)
    return summary, {e.rule: e for e in assess(summary, tiers, threshold)}


def test_a_rule_using_little_of_a_big_tier_gets_the_smallest_that_holds_its_use():
    # two minutes on Large (4 cores, 16 GiB) peaking at 150 MiB on half a core
    _, found = by_rule([on(TIERS[2], 1, "fit", 120, 150 * MIB, 60.0)])
    fit = found["fit"]
    assert fit.memory_pct == pytest.approx(100 * 150 / (16 * 1024))
    assert fit.cores_pct == pytest.approx(12.5)
    assert fit.smaller.tier.name == "Small"
    assert fit.smaller.cents_now == pytest.approx(20.0)  # 2 min x 10 cents
    assert fit.smaller.cents_there == pytest.approx(2.0)  # 2 min x 1 cent


def test_under_the_threshold_in_cores_alone_still_counts_and_the_margin_is_kept():
    # 5 GiB of 16 (31%) but 0.4 of 4 cores (10%): 5 GiB + 25% needs Medium's 8 GiB
    _, found = by_rule([on(TIERS[2], 1, "big", 100, 5 * GIB, 40.0)])
    assert found["big"].smaller.tier.name == "Medium"


def test_a_rule_that_uses_its_tier_or_has_nothing_smaller_is_not_flagged():
    _, found = by_rule([
        on(TIERS[2], 1, "busy", 100, 13 * GIB, 350.0),  # 81% memory, 3.5 cores
        on(TIERS[0], 2, "tiny", 100, 10 * MIB, 1.0),  # already the smallest
        on(TIERS[1], 3, "cores", 100, 100 * MIB, 190.0),  # 1.9 cores need 2
        on(TIERS[2], 4, "blind", 100, None, None),  # nothing measured
    ])
    assert found["busy"].smaller is None
    assert found["tiny"].smaller is None and found["tiny"].memory_pct < 1
    assert found["cores"].smaller is None
    assert found["blind"].smaller is None and found["blind"].memory_pct is None


def test_a_gpu_rule_is_never_sent_to_a_tier_without_gpus():
    _, found = by_rule([on(TIERS[3], 1, "train", 60, 100 * MIB, 10.0)])
    assert found["train"].smaller is None


def test_threshold_zero_flags_nothing():
    _, found = by_rule([on(TIERS[2], 1, "fit", 120, 150 * MIB, 60.0)], threshold=0)
    assert found["fit"].smaller is None


def test_the_text_shows_percentages_and_one_line_per_oversized_rule():
    summary, found = by_rule([on(TIERS[2], 1, "fit", 120, 150 * MIB, 60.0),
                              on(TIERS[2], 2, "busy", 60, 13 * GIB, 200.0)])
    text = format_summary(summary, list(found.values()), 25.0)
    header = next(line for line in text.splitlines() if "RULE" in line)
    assert "MEM %" in header and "CORES %" in header
    oversized = [line for line in text.splitlines() if "oversized:" in line]
    assert len(oversized) == 1
    text = " ".join(text.split())  # the lines are wrapped
    assert "fit used memory 1%, cores 12% of tier Large (under 25%)" in text
    assert "Small (1 core, 4 GiB) would have held it" in text
    assert "$0.02 there instead of $0.20 (2.00 min)" in text


def test_without_prices_the_line_tells_tier_minutes():
    unpriced = [TierPrice(t.id, t.name, None, t.cores, t.memory_gib, t.gpus) for t in TIERS]
    summary, found = by_rule([on(unpriced[2], 1, "fit", 120, 150 * MIB, 60.0, price=None)],
                             tiers=unpriced)
    text = " ".join(format_summary(summary, list(found.values())).split())
    assert "2.00 tier-minutes of Large would have been Small's (no price reported)" in text
