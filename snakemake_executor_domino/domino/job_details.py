"""A finished job's details beyond its answer: the tier and environment it ran with
(runtimeExecutionDetails) and what it used (5.0's usage samples). Both are optional
knowledge: where a Domino lacks the route or answers oddly, they answer None."""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.domino import parse, routes
from snakemake_executor_domino.domino.errors import DominoError, DominoNotFound
from snakemake_executor_domino.domino.http import Http
from snakemake_executor_domino.domino.models import Job, JobUsage, RuntimeDetails


class JobDetailCalls:
    """The job-detail calls of DominoClient (mixed into it)."""

    http: Http

    def runtime_details(self, job_id: str) -> RuntimeDetails | None:
        """The tier and environment the job ran with; None where Domino does not say."""
        body = self._optional(routes.job_runtime_details(job_id), f"details of job {job_id}")
        return parse.runtime_details(body) if isinstance(body, dict) else None

    def job_usage(self, job: Job) -> JobUsage | None:
        """What the job used: its answer's `usage` where it has one, else its usage
        samples; None where Domino reports neither."""
        if job.usage is not None:
            return job.usage
        body = self._optional(routes.job_usage(job.id), f"usage of job {job.id}")
        return parse.usage_samples(body)

    def _optional(self, path: str, what: str) -> Any:
        try:
            return self.http.json("GET", path, what=what)
        except DominoNotFound:
            return None
        except DominoError as exc:
            if exc.status in (400, 403, 405, 501):  # a route this Domino does not serve
                return None
            raise
