"""GET /v4/jobs/jobs/{jobId}/usage (5.0 getResourceUsage): what a job used, in Domino 5.0's
JobResourceUsage shape, a list of {cpu, memory, timestamp} samples.

Domino documents no units; the local Domino serves cpu as cores (the job's CPU time over
its running time) and memory as bytes (its peak), the reading the client takes. It keeps
no series, only what the runner measured (local/jobs/usage.py), so a finished, measured job has one
sample at its end and any other job none.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from snakemake_executor_domino.local.api.api_errors import not_found
from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.store.rows import Job, NotFound


def job_usage(request: Request, jobId: str) -> list[dict[str, Any]]:  # noqa: N803
    try:
        job = backend(request).store.get_job(jobId)
    except NotFound:
        raise not_found(f"job {jobId} not found") from None
    return samples(job)


def samples(job: Job) -> list[dict[str, Any]]:
    if job.cpu_seconds is None or job.started_ms is None or job.completed_ms is None:
        return []
    seconds = max(job.completed_ms - job.started_ms, 1) / 1000
    return [{
        "cpu": round(job.cpu_seconds / seconds, 4),
        "memory": job.peak_memory_bytes or 0,
        "timestamp": job.completed_ms,
    }]
