"""API flavors: which of Domino's documented variants the local Domino serves.

Domino's own documents disagree where its versions differ. A flavor picks one side of each
difference, so a client can be tested against either:

`5.0` (the default) follows Domino 5.0's v4 OpenAPI (dominodatalab/api-docs swagger-5-0.json):
  - hardware tiers are the flat `HardwareTierDto` (`cores`, `memory`, `isDefault`, ...)
    beside a `capacity` (`HardwareTierWithCapacityDto`);
  - a scheduled job's revision field is `overrideEnvironmentRevisionSpec`, and its POST/PUT
    body requires `publishAfterCompleted` (`NewScheduledJobDto`);
  - the v1 commit list, which the v1 description (apiary.apib) does not document at all, is
    a list of objects with an `id`, the shape python-domino 2.2's `files_download` reads
    (`commits[0]["id"]`) and its unit test mocks.
`5.10` is 5.0 plus what python-domino added for the deployments its compatibility table
pairs with 5.5 to 5.10 (README.md, "Version compatibility matrix"):
  - a v4 job start keeps its `title` (python-domino 1.2.4, CHANGELOG: `job_start` sends an
    optional `title`; 5.0's StartJobRequest has none, so the 5.0 flavor drops it);
  - file content at `GET /api/projects/v1/projects/{projectId}/files/{commitId}/{path}/content`
    (python-domino 1.3.0's `blobs_get_v2`, which deprecates the v1 `blobs/{key}` route; the
    table pairs 1.3.1 with Domino 5.10). The 5.0 flavor answers that route 404, as a
    deployment without it does; every flavor serves v1 `blobs/{key}`.
`latest` (version 6.3) has both and also follows newer Domino as python-domino 2.2 and its
live tests see it:
  - tiers carry `hwtResources` and `hwtFlags.isDefault` (tests/test_jobs.py filters tiers on
    `hardwareTier["hwtFlags"]["isDefault"]` against a live deployment);
  - a scheduled job's revision field is `environmentRevisionSpec`, `RestrictedRevision`
    allowed, no `publishAfterCompleted` (python-domino's scheduled_job_create on its
    improve-scheduled-job-management branch sends exactly that body);
  - the v1 commit list is plain commit ids (tests/test_projects.py's live tests pass
    `commits_list()[0]` as a commit id; `_validate_commit_id` compares entries to an id);
  - a job answer also carries `projectId` (the job body python-domino's tests call
    realistic);
  - a job's runtime execution details name its tier as an object `{id, name}` (the live
    tests read `hardwareTier["id"]` and `["name"]`), where 5.0 has `hardwareTier` (the
    name) and `hardwareTierId`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

FLAVOR_ENV = "SNAKEMAKE_DOMINO_LOCAL_API_FLAVOR"
DEFAULT_FLAVOR = "5.0"


class FlavorError(ValueError):
    """An unknown flavor name; the message lists the known ones."""


@dataclass(frozen=True)
class Flavor:
    name: str
    # what GET /version answers: a version inside the range the flavor stands for
    version: str
    flat_tiers: bool
    revision_field: str
    revision_specs: tuple[str, ...]
    requires_publish_after_completed: bool
    commit_ids_only: bool
    job_has_project_id: bool
    runtime_tier_object: bool
    # a v4 start's `title` kept (python-domino 1.2.4, Domino 5.5+)
    keeps_title: bool
    # GET /api/projects/v1/.../content served (python-domino 1.3, Domino 5.10+)
    content_route: bool

    @property
    def is_latest(self) -> bool:
        return self.name == "latest"


FLAVORS: dict[str, Flavor] = {
    "5.0": Flavor(
        name="5.0",
        version="5.0.0",
        flat_tiers=True,
        revision_field="overrideEnvironmentRevisionSpec",
        revision_specs=("ActiveRevision", "LatestRevision"),
        requires_publish_after_completed=True,
        commit_ids_only=False,
        job_has_project_id=False,
        runtime_tier_object=False,
        keeps_title=False,
        content_route=False,
    ),
    "latest": Flavor(
        name="latest",
        version="6.3.0",
        flat_tiers=False,
        revision_field="environmentRevisionSpec",
        revision_specs=("ActiveRevision", "LatestRevision", "RestrictedRevision"),
        requires_publish_after_completed=False,
        commit_ids_only=True,
        job_has_project_id=True,
        runtime_tier_object=True,
        keeps_title=True,
        content_route=True,
    ),
}
# 5.0's shapes, plus the two python-domino 1.2.4 / 1.3 additions (see the module docstring)
FLAVORS["5.10"] = replace(
    FLAVORS["5.0"], name="5.10", version="5.10.0", keeps_title=True, content_route=True
)
FLAVORS = {name: FLAVORS[name] for name in ("5.0", "5.10", "latest")}  # the order users see


def flavor(name: str | None) -> Flavor:
    """The flavor called `name`; None reads $SNAKEMAKE_DOMINO_LOCAL_API_FLAVOR, else 5.0."""
    if name is None:
        name = os.environ.get(FLAVOR_ENV, "").strip() or DEFAULT_FLAVOR
    try:
        return FLAVORS[name]
    except KeyError:
        raise FlavorError(
            f"unknown API flavor {name!r}; use one of {', '.join(FLAVORS)} "
            f"(--api-flavor or ${FLAVOR_ENV})"
        ) from None
