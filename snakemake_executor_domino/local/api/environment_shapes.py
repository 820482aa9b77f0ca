"""Compute environments in Domino 5.0's documented shapes: EnvironmentDetails (with its
RevisionOverview), UseableProjectEnvironmentsDTO and PaginatedRevisionData."""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.local.jobs.compute_envs import ComputeEnvironment


def _revision_url(env: ComputeEnvironment) -> str:
    return f"/environments/{env.id}/revisions/{env.revision_id}"


def revision_overview(env: ComputeEnvironment) -> dict[str, Any]:
    return {
        "id": env.revision_id,
        "number": env.revision_number,
        "status": "Succeeded",
        "url": _revision_url(env),
        "availableTools": [],
    }


def environment_details(env: ComputeEnvironment) -> dict[str, Any]:
    return {
        "id": env.id,
        "archived": False,
        "name": env.name,
        "visibility": "Global",
        "owner": None,
        "supportedClusters": [],
        "latestRevision": revision_overview(env),
        "selectedRevision": revision_overview(env),
    }


def useable_environments(
    environments: tuple[ComputeEnvironment, ...], selected: ComputeEnvironment
) -> dict[str, Any]:
    url = _revision_url(selected)
    return {
        "currentlySelectedEnvironment": {
            "id": selected.id,
            "v2EnvironmentDetails": {
                "latestRevision": selected.revision_number,
                "latestRevisionUrl": url,
                "latestRevisionStatus": "Succeeded",
                "selectedRevision": selected.revision_number,
                "selectedRevisionUrl": url,
            },
            "supportedClusters": [],
        },
        "environments": [
            {
                "id": env.id,
                "archived": False,
                "name": env.name,
                "version": env.revision_number,
                "visibility": "Global",
                "owner": None,
                "supportedClusters": [],
            }
            for env in environments
        ],
    }


def revision_page(
    env: ComputeEnvironment, created_ms: int, page: int, page_size: int
) -> dict[str, Any]:
    revisions = [{"id": env.revision_id, "number": env.revision_number, "created": created_ms}]
    return {
        # pages count from 0 (5.0 getBuiltEnvironmentRevisions)
        "revisions": revisions if page == 0 else [],
        "pageInfo": {"totalPages": 1, "currentPage": page, "pageSize": page_size},
    }
