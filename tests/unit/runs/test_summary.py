"""The run summary's numbers and its text table, from hand-made job spans."""

from __future__ import annotations

import dataclasses

import pytest

from snakemake_executor_domino.report.spans import JobSpan, title_label, title_run
from snakemake_executor_domino.report.summary import summarise
from snakemake_executor_domino.report.summary_text import format_summary

S = 1000


def span(number, rule, tier, submitted, started, finished, status="Succeeded", price=None,
         **extra):
    return JobSpan(
        job_id=f"job{number}", number=number, label=rule, rule=rule, status=status,
        tier=tier, cents_per_minute=price, submitted_ms=submitted, started_ms=started,
        finished_ms=finished, url=f"http://d/jobs/o/p/job{number}", **extra,
    )


@pytest.fixture
def spans():
    return [
        span(1, "clean", "Small", 0, 2 * S, 12 * S, price=1.0),
        span(2, "fit", "Large", 12 * S, 15 * S, 135 * S, price=10.0,
             cpu_seconds=240.0, peak_memory_bytes=3 * 2**30, tier_cores=4.0),
        span(3, "fit", "Small", 12 * S, 12 * S, 42 * S, price=1.0, cpu_seconds=15.0),
        span(4, "score", "GPU", 140 * S, 150 * S, 160 * S, status="Failed"),
        span(5, "never", "Small", 140 * S, None, 141 * S, status="Stopped", price=1.0),
    ]


def test_per_tier_sums_queued_and_running_time_and_tier_minutes(spans):
    summary = summarise("r1", spans)
    tiers = {t.tier: t for t in summary.tiers}
    assert tiers["Small"].jobs == 3
    # clean queued 2 s, fit 0 s, the stopped job waited 1 s and never ran
    assert tiers["Small"].queued_ms == 3 * S
    assert tiers["Small"].run_ms == 40 * S
    assert tiers["Large"].queued_ms == 3 * S and tiers["Large"].run_ms == 120 * S
    assert tiers["Large"].tier_minutes == pytest.approx(2.0)
    assert summary.run_ms == 170 * S and summary.queued_ms == 16 * S
    assert summary.tier_minutes == pytest.approx(170 / 60)
    assert summary.wall_ms == 160 * S
    assert summary.statuses == {"Succeeded": 3, "Failed": 1, "Stopped": 1}


def test_cost_is_price_times_running_minutes_and_unpriced_tiers_are_named(spans):
    summary = summarise("r1", spans)
    tiers = {t.tier: t for t in summary.tiers}
    assert tiers["Large"].cents == pytest.approx(20.0)
    assert tiers["Small"].cents == pytest.approx(40 / 60)
    assert tiers["GPU"].cents is None
    assert summary.cents == pytest.approx(20.0 + 40 / 60)
    assert summary.unpriced == ["GPU"]
    assert summarise("r2", [span(1, "a", "X", 0, 0, S)]).cents is None


def test_slowest_jobs_first(spans):
    assert [s.number for s in summarise("r1", spans).slowest] == [2, 3, 1]


def test_usage_per_rule_and_tier(spans):
    rules = {(r.rule, r.tier): r for r in summarise("r1", spans).rules}
    large = rules[("fit", "Large")]
    assert large.mean_cores == pytest.approx(2.0)  # 240 CPU seconds over 120 s
    assert large.peak_memory_bytes == 3 * 2**30 and large.tier_cores == 4.0
    assert rules[("fit", "Small")].mean_cores == pytest.approx(0.5)
    assert rules[("clean", "Small")].mean_cores is None  # not measured


def test_text_table_names_each_tier_the_totals_and_the_estimate(spans):
    text = format_summary(summarise("r1", spans))
    assert text.startswith("Domino run r1: 5 job(s) (3 succeeded, 1 failed, 1 stopped)")
    lines = text.splitlines()
    large = next(line for line in lines if line.strip().startswith("Large"))
    assert large.split()[1:] == ["1", "3.0", "s", "2", "m", "00", "s", "2.00", "$0.20"]
    total = next(line for line in lines if line.strip().startswith("all"))
    assert "$0.21" in total and "2.83" in total
    assert "slowest: fit #2 2 m 00 s on Large" in text
    assert "estimate" in text and "No price reported for: GPU." in text
    fit = next(line for line in lines if line.split()[:3] == ["fit", "1", "Large"])
    assert "3.0 GiB" in fit and "2.00" in fit
    assert "PEAK CPU" not in text  # no Domino here reports it


def test_peak_cpu_in_domino_public_units_gets_its_column(spans):
    spans = [dataclasses.replace(s, cpu_peak_percent=40.0 + s.number) for s in spans]
    text = format_summary(summarise("r1", spans))
    assert "PEAK CPU" in text
    fit = next(line for line in text.splitlines() if line.split()[:3] == ["fit", "1", "Large"])
    large = next(s for s in spans if s.rule == "fit" and s.tier == "Large")
    assert fit.split()[-1] == f"{large.cpu_peak_percent:.0f}%"



def test_titles_name_their_run():
    title = "snakemake fit model=forest [run 4e04e249 job 5 try 1]"
    assert title_run(title) == "4e04e249"
    assert title_label(title) == ("fit", "fit (model=forest)")
    assert title_label("snakemake score [run ab job 0 try 1]") == ("score", "score")
    assert title_label("snakemake group g1 [run ab job 3 try 1]") == ("group g1", "group g1")
    assert title_run("my own job") is None


def test_tier_table_follows_the_projects_tier_list(spans):
    order = ["Small", "Medium", "Large", "GPU"]
    assert [t.tier for t in summarise("r1", spans, order).tiers] == ["Small", "Large", "GPU"]
    assert [t.tier for t in summarise("r1", spans).tiers] == ["Small", "Large", "GPU"]
    assert [t.tier for t in summarise("r1", spans, ["GPU"]).tiers] == ["GPU", "Small", "Large"]
