"""The run summary counts a pack once, as a Domino job, and says how many Snakemake jobs
ran in packs."""

from __future__ import annotations

from snakemake_executor_domino.report.spans import JobSpan
from snakemake_executor_domino.report.summary import summarise
from snakemake_executor_domino.report.summary_text import format_summary


def span(number: int, rule: str, pack_size: int | None = None) -> JobSpan:
    return JobSpan(job_id=f"j{number}", number=number, label=rule, rule=rule,
                   status="Succeeded", tier="Small", cents_per_minute=1.0,
                   submitted_ms=0, started_ms=1000, finished_ms=61000, pack_size=pack_size)


def test_summary_counts_domino_jobs_and_the_snakemake_jobs_packed_in_them():
    summary = summarise("r1", [span(1, "work"), span(2, "pack of 7 (work)", 7),
                               span(3, "pack of 6 (work)", 6)])
    assert summary.jobs == 3 and summary.packs == (2, 13)
    assert summary.tier_minutes == 3.0  # a pack's minutes count once
    first = format_summary(summary).splitlines()[0]
    assert "3 job(s) (3 succeeded), for 14 Snakemake jobs, 13 of them in 2 pack(s)," in first


def test_a_run_without_packs_says_nothing_of_them():
    first = format_summary(summarise("r1", [span(1, "work")])).splitlines()[0]
    assert "pack" not in first and "Snakemake jobs" not in first
