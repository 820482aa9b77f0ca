"""Request handling for compute environments (5.0 getUseableEnvironments,
getCurrentUserEnvironments, getDefaultEnvironment, getEnvironmentById,
getBuiltEnvironmentRevisions); shapes in environment_shapes.py."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from snakemake_executor_domino.local.api import environment_shapes as render
from snakemake_executor_domino.local.api.api_errors import bad_request, not_found
from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.jobs.compute_envs import ComputeEnvironment
from snakemake_executor_domino.local.store.rows import NotFound

# 5.0 StartJobRequest.environmentRevisionSpec
NAMED_REVISIONS = ("ActiveRevision", "LatestRevision")


def environment_to_start(be: Backend, body: dict[str, Any]) -> str:
    """The environment id a job start asks for (the default if none), checked with its
    environmentRevisionSpec: refused (400) with the valid ones named if the server lacks it."""
    config = be.config
    wanted = body.get("environmentId")
    if wanted is not None and not isinstance(wanted, str):
        raise bad_request("field 'environmentId' must be a string")
    env = config.environment(wanted) if wanted else config.default_environment
    if env is None:
        raise bad_request(
            f"unknown environment '{wanted}'; valid environments: "
            f"{config.environment_list_text()}"
        )
    spec = body.get("environmentRevisionSpec")
    revision = spec.get("revisionId") if isinstance(spec, dict) else None
    if spec is not None and spec not in NAMED_REVISIONS and revision != env.revision_id:
        raise bad_request(
            f"environmentRevisionSpec {spec!r} is not a revision of environment {env.name}: "
            f"use ActiveRevision, LatestRevision or {{\"revisionId\": \"{env.revision_id}\"}}"
        )
    return env.id


def _project(be: Backend, project_id: str) -> None:
    try:
        be.store.get_project(project_id)
    except NotFound:
        raise not_found(f"project {project_id} not found") from None


def _environment(request: Request, environment_id: str) -> ComputeEnvironment:
    config = backend(request).config
    env = config.environment(environment_id)
    if env is None:
        raise not_found(
            f"environment {environment_id} not found; environments: "
            f"{config.environment_list_text()}"
        )
    return env


def useable_environments(request: Request, projectId: str) -> dict[str, Any]:  # noqa: N803
    be = backend(request)
    _project(be, projectId)
    config = be.config
    return render.useable_environments(config.environments, config.default_environment)


def own_environments(request: Request) -> list[dict[str, Any]]:
    return [render.environment_details(e) for e in backend(request).config.environments]


def default_environment(request: Request) -> dict[str, Any]:
    return render.environment_details(backend(request).config.default_environment)


def get_environment(request: Request, environmentId: str) -> dict[str, Any]:  # noqa: N803
    return render.environment_details(_environment(request, environmentId))


def environment_revisions(
    request: Request, environmentId: str, page: str, pageSize: str  # noqa: N803
) -> dict[str, Any]:
    # 5.0 getBuiltEnvironmentRevisions: page "indexed from 0"
    if not page.isdigit() or not pageSize.isdigit() or int(pageSize) < 1:
        raise bad_request(
            "page must be a whole number counted from 0 and pageSize a positive one"
        )
    env = _environment(request, environmentId)
    created = int(env.prefix.stat().st_mtime * 1000) if env.prefix.exists() else 0
    return render.revision_page(env, created, int(page), int(pageSize))
