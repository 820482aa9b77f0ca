"""GET /v4/jobs/jobs/{jobId}/usage (5.0 getResourceUsage): what a job used, in Domino 5.0's
JobResourceUsage shape, a list of {cpu, memory, timestamp} samples.

Units as in the job's own `usage` (job_shapes.usage_in_job). The local Domino keeps no
series, only what the runner measured (local/jobs/usage.py), so a finished, measured job
has one sample at its end and any other job none.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from snakemake_executor_domino.local.api.api_errors import not_found
from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.api.job_shapes import usage_in_job
from snakemake_executor_domino.local.store.rows import Job, NotFound


def job_usage(request: Request, jobId: str) -> list[dict[str, Any]]:  # noqa: N803
    try:
        job = backend(request).store.get_job(jobId)
    except NotFound:
        raise not_found(f"job {jobId} not found") from None
    return samples(job)


def samples(job: Job) -> list[dict[str, Any]]:
    used = usage_in_job(job)
    return [] if used is None else [{**used, "timestamp": job.completed_ms}]
