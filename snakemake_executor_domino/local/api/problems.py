"""The problem a job's log page suggests (5.0 LogsWithProblemSuggestion.problemSuggestion:
JobProblemSuggestion {problem, helpLink}). Domino documents the field, not its wording;
the local Domino names the one problem it can be sure of: a job it killed for its memory."""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.local.jobs.joblog import JobLogs
from snakemake_executor_domino.local.store.rows import Job

HELP_LINK = "docs/local-domino.md#limits-and-faults"


def suggestion(logs: JobLogs, job: Job) -> dict[str, Any] | None:
    if job.status == "Failed" and logs.ended_out_of_memory(job.id):
        return {
            "problem": f"The job ran out of memory (OOMKilled): its processes used more than "
            f"the {job.tier_name} hardware tier's memory. Run it on a tier with more memory.",
            "helpLink": HELP_LINK,
        }
    return None
