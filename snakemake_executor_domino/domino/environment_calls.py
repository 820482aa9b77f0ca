"""The compute environments a project's jobs can run in, and an environment's revisions."""

from __future__ import annotations

from snakemake_executor_domino.domino import parse, routes
from snakemake_executor_domino.domino.errors import DominoNotFound
from snakemake_executor_domino.domino.http import Http
from snakemake_executor_domino.domino.models import Environment, EnvironmentRevision

REVISION_PAGE_SIZE = 50
MAX_REVISION_PAGES = 20


class EnvironmentCalls:
    http: Http

    @property
    def project_id(self) -> str:  # DominoClient's
        raise NotImplementedError

    def environments(self) -> list[Environment]:
        """The environments this project's jobs can use, the project's default flagged.

        Domino 5.0's project route (the list python-domino checks a job's environment id
        against before it starts the job); where a deployment lacks it, the environments
        you can see (5.0 getCurrentUserEnvironments), none flagged as the default.
        """
        try:
            body = self.http.json(
                "GET", routes.project_environments(self.project_id),
                what="list the project's compute environments",
            )
        except DominoNotFound:
            body = self.http.json(
                "GET", routes.own_environments(), what="list your compute environments"
            )
        return parse.environments(body)

    def environment_revisions(self, environment_id: str) -> list[EnvironmentRevision]:
        # 5.0 getBuiltEnvironmentRevisions: `page` is "indexed from 0" (swagger-5-0.json)
        revisions: list[EnvironmentRevision] = []
        page, total = 0, 1
        while page < min(total, MAX_REVISION_PAGES):
            body = self.http.json(
                "GET",
                routes.environment_revisions(environment_id, page, REVISION_PAGE_SIZE),
                what=f"list the revisions of compute environment {environment_id}",
            )
            found, total = parse.environment_revisions(body)
            revisions += found
            page += 1
        return revisions
