"""Who is calling: the user (API key) or a running job (its per-job bearer token).

Requests made with a job's token are attributed to that job, which is how the runner learns
that a job started child jobs (see the deadlock rule in local/jobs/runner.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Request

from snakemake_executor_domino.local.api.api_errors import ApiError
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.rows import Job

CREDENTIALS_HINT = "send the header 'X-Domino-Api-Key: <key>' or 'Authorization: Bearer <token>'"


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    job: Job | None = None


def backend(request: Request) -> Backend:
    return request.app.state.backend


def authenticate(request: Request) -> Principal:
    be = backend(request)
    key = request.headers.get("x-domino-api-key")
    bearer = None
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        bearer = value.strip()
    if key is None and bearer is None:
        raise ApiError(401, f"missing credentials: {CREDENTIALS_HINT}")
    for candidate in (key, bearer):
        if candidate is not None and secrets.compare_digest(
            candidate.encode(), be.api_key.encode()
        ):
            principal = Principal(be.user_id, be.config.username)
            break
    else:
        job = be.runner.job_for_token(bearer) if bearer else None
        if job is None:
            raise ApiError(
                401,
                "invalid API key or token (a job's token is valid only while the job runs); "
                f"{CREDENTIALS_HINT}",
            )
        principal = Principal(job.started_by_id, job.started_by_username, job)
    request.state.principal = principal
    return principal
