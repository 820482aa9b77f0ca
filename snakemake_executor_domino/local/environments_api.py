"""Request handling for compute environments (5.0 getUseableEnvironments,
getCurrentUserEnvironments, getDefaultEnvironment, getEnvironmentById,
getBuiltEnvironmentRevisions); shapes in render_environments.py."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from . import render_environments as render
from .api import project_by_id
from .auth import backend
from .environments import ComputeEnvironment
from .errors import bad_request, not_found


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
    project_by_id(be, projectId)
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
    if not page.isdigit() or not pageSize.isdigit() or int(page) < 1 or int(pageSize) < 1:
        raise bad_request("page and pageSize must be positive whole numbers")
    env = _environment(request, environmentId)
    created = int(env.prefix.stat().st_mtime * 1000) if env.prefix.exists() else 0
    return render.revision_page(env, created, int(page), int(pageSize))
