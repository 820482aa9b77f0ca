"""JobSpan: what the summary and the timeline need to know of one Domino job, whoever
recorded it (the executor's run records, or the local Domino's own job table)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from snakemake_executor_domino.report.records import JobRecord

# The part of a job title that names the Snakemake run (jobs.py: run_marker, job_title).
RUN_IN_TITLE = re.compile(r"\[run (?P<run>[0-9A-Za-z]+) job (?P<job>\d+)(?: try (?P<try>\d+))?\]")


@dataclass(frozen=True)
class JobSpan:
    job_id: str
    number: int | None
    label: str  # e.g. "fit (model=forest)"
    rule: str
    status: str
    tier: str | None
    cents_per_minute: float | None
    submitted_ms: int | None
    started_ms: int | None
    finished_ms: int | None
    url: str | None = None
    tier_cores: float | None = None
    tier_memory_gib: float | None = None
    threads: int | None = None
    mem_mb: float | None = None
    cpu_seconds: float | None = None
    peak_memory_bytes: int | None = None
    cpu_peak_percent: float | None = None
    pack_size: int | None = None  # Snakemake jobs in it, when it was a pack

    @property
    def queued_ms(self) -> int | None:
        """Submission until the command started (or until it ended, if it never started)."""
        end = self.started_ms if self.started_ms is not None else self.finished_ms
        if self.submitted_ms is None or end is None:
            return None
        return max(0, end - self.submitted_ms)

    @property
    def run_ms(self) -> int | None:
        if self.started_ms is None or self.finished_ms is None:
            return None
        return max(0, self.finished_ms - self.started_ms)

    @property
    def succeeded(self) -> bool:
        return self.status == "Succeeded"


def describe(rule: str, wildcards: dict[str, str]) -> str:
    shown = ",".join(f"{k}={v}" for k, v in wildcards.items())
    return f"{rule} ({shown})" if shown else rule


def from_record(record: JobRecord) -> JobSpan:
    return JobSpan(
        job_id=record.job_id,
        number=record.number,
        label=describe(record.rule, record.wildcards),
        rule=record.rule,
        status=record.status,
        tier=record.tier_name or record.tier_requested,
        cents_per_minute=record.cents_per_minute,
        submitted_ms=record.submitted_ms,
        started_ms=record.started_ms,
        finished_ms=record.finished_ms,
        url=record.url,
        tier_cores=record.tier_cores,
        tier_memory_gib=record.tier_memory_gib,
        threads=record.threads,
        mem_mb=record.mem_mb,
        cpu_seconds=record.cpu_seconds,
        peak_memory_bytes=record.peak_memory_bytes,
        cpu_peak_percent=record.cpu_peak_percent,
        pack_size=record.pack_size,
    )


def title_run(title: str) -> str | None:
    """The Snakemake run a job title names, if it is one of the executor's titles."""
    found = RUN_IN_TITLE.search(title or "")
    return found.group("run") if found else None


def title_label(title: str) -> tuple[str, str]:
    """(rule, label) from one of the executor's titles: `snakemake RULE [k=v,...] [run ...]`."""
    words = RUN_IN_TITLE.sub("", title or "").split()
    if words[:1] == ["snakemake"]:
        words = words[1:]
    if words[:1] == ["group"] and len(words) > 1:
        return f"group {words[1]}", f"group {words[1]}"
    if not words:
        return "?", title or "?"
    rule = words[0]
    wildcards = " ".join(words[1:])
    return rule, f"{rule} ({wildcards})" if wildcards else rule
