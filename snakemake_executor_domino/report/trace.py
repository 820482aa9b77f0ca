"""A run's trace: one row per Snakemake job, for other tools to read (TSV or JSON).

Column names follow Nextflow's trace file where the meaning is the same (task_id, process,
tag, name, native_id, status, exit, attempt, submit, start, complete, cpus, peak_rss,
%cpu); the rest say what they hold, with the unit in the name. A group job runs its
member jobs in one Domino job: each member gets its row, `pack` names the group, and the
Domino job's figures (times, usage, cost) are repeated on each member's row, so sum cost
over distinct native_id. Domino documents no exit code: `exit` is 0 for a Succeeded job
(its command exited 0) and empty otherwise. Times are ISO 8601 in UTC; empty (TSV) or
null (JSON) where nothing is known.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from snakemake_executor_domino.report.records import JobRecord, Run

COLUMNS = (
    "task_id",  # Snakemake's job id
    "process",  # the rule
    "tag",  # the wildcards, k=v,k=v
    "name",  # rule (wildcards)
    "native_id",  # the Domino job id
    "domino_number",
    "url",
    "pack",  # the group the job ran in with others, one Domino job for all
    "tier",
    "tier_reason",
    "escalation",  # why an attempt runs on a bigger tier (out of memory before)
    "environment",
    "attempt",
    "status",
    "exit",
    "submit",
    "start",
    "complete",
    "queued_s",
    "realtime_s",
    "duration_s",
    "cpus",  # threads asked for
    "memory_mb",  # mem_mb asked for
    "tier_cpus",
    "tier_memory_gib",
    "peak_rss",  # bytes
    "mean_cores",
    "%cpu",  # mean cores x 100, as Nextflow's
    "cpu_s",
    "peak_cpu_pct",  # Domino's public units: the maximum, % of the execution's CPU
    "cents_per_minute",
    "cost_cents",
    "input_commit",
    "output_commit",
    "run_id",
)
ESCALATED = "escalated: "


def rows(run: Run) -> Iterator[dict[str, Any]]:
    """The run's Snakemake jobs, in the order their Domino jobs were submitted."""
    ordered = sorted(run.jobs, key=lambda j: (j.submitted_ms or 0, j.number or 0))
    for record in ordered:
        shared = _domino_fields(record)
        if not record.members:
            yield {**_job_fields(record.snakemake_jobid, record.rule, record.wildcards),
                   "pack": None, **shared}
            continue
        for member in record.members:
            yield {
                **_job_fields(member.get("snakemake_jobid"), str(member.get("rule") or ""),
                              dict(member.get("wildcards") or {})),
                "pack": record.rule, **shared,
            }


def _job_fields(jobid: Any, rule: str, wildcards: dict[str, str]) -> dict[str, Any]:
    tag = ",".join(f"{k}={v}" for k, v in wildcards.items())
    return {"task_id": jobid, "process": rule, "tag": tag or None,
            "name": f"{rule} ({tag})" if tag else rule}


def _domino_fields(r: JobRecord) -> dict[str, Any]:
    queued = _seconds(r.submitted_ms, r.started_ms if r.started_ms is not None
                      else r.finished_ms)
    realtime = _seconds(r.started_ms, r.finished_ms)
    mean_cores = (r.cpu_seconds / realtime if r.cpu_seconds is not None and realtime
                  else None)
    reason = r.tier_reason or ""
    return {
        "native_id": r.job_id, "domino_number": r.number, "url": r.url,
        "tier": r.tier_name or r.tier_requested, "tier_reason": r.tier_reason,
        "escalation": reason[len(ESCALATED):] if reason.startswith(ESCALATED) else None,
        "environment": r.environment_name or r.environment_id, "attempt": r.attempt,
        "status": r.status, "exit": 0 if r.status == "Succeeded" else None,
        "submit": _time(r.submitted_ms), "start": _time(r.started_ms),
        "complete": _time(r.finished_ms),
        "queued_s": queued, "realtime_s": realtime,
        "duration_s": _seconds(r.submitted_ms, r.finished_ms),
        "cpus": r.threads, "memory_mb": r.mem_mb,
        "tier_cpus": r.tier_cores, "tier_memory_gib": r.tier_memory_gib,
        "peak_rss": r.peak_memory_bytes,
        "mean_cores": _round(mean_cores), "%cpu": _round(mean_cores and mean_cores * 100),
        "cpu_s": _round(r.cpu_seconds), "peak_cpu_pct": r.cpu_peak_percent,
        "cents_per_minute": r.cents_per_minute,
        "cost_cents": _round(realtime / 60 * r.cents_per_minute
                             if realtime is not None and r.cents_per_minute is not None
                             else None),
        "input_commit": r.input_commit, "output_commit": r.output_commit,
        "run_id": r.run_id,
    }


def _seconds(begin: int | None, end: int | None) -> float | None:
    if begin is None or end is None:
        return None
    return max(0, end - begin) / 1000


def _time(ms: int | None) -> str | None:
    if ms is None:
        return None
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def tsv(rows: Iterable[dict[str, Any]]) -> str:
    """Tab-separated, a header line first; csv's quoting keeps a tab in a value intact."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in COLUMNS])
    return out.getvalue()


def records(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows for JSON, every column in COLUMNS order."""
    return [{c: row.get(c) for c in COLUMNS} for row in rows]
