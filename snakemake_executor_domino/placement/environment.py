"""Compute environments: a rule's `resources: environment="NAME or id"` (optionally with
":REVISION") and --domino-environment-id, resolved against the environments the project
can use.

REVISION is a revision number, `latest`, `active`, or a revision id; without one, Domino
picks the revision (the environment's active one). Environments are listed only when a rule
or the setting names one, so a workflow that names none makes no call about them and starts
its jobs with no environment, in the project's default one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from snakemake_executor_domino.domino import DominoNotFound
from snakemake_executor_domino.exceptions import ConfigurationError

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
# 5.0 StartJobRequest.environmentRevisionSpec: one of these, or {"revisionId": ...}
NAMED_REVISIONS = {"latest": "LatestRevision", "active": "ActiveRevision"}


@dataclass(frozen=True)
class EnvironmentChoice:
    id: str
    name: str
    # StartJobRequest.environmentRevisionSpec (None: Domino's choice), and how it was asked
    revision_spec: str | dict[str, str] | None = None
    revision: str | None = None


class _Client(Protocol):
    def environments(self) -> list[Any]: ...

    def environment_revisions(self, environment_id: str) -> list[Any]: ...


def split(wanted: str) -> tuple[str, str | None]:
    """"NAME:REVISION" -> (NAME, REVISION); a name may hold colons, the revision not."""
    name, sep, revision = wanted.rpartition(":")
    if sep and name and revision and ":" not in revision and " " not in revision:
        return name, revision
    return wanted, None


class EnvironmentResolver:
    def __init__(self, client: _Client, default: str | None):
        self.client = client
        self._listed: list[Any] | None = None
        self._unlisted = False  # this Domino answers neither environment list
        self._chosen: dict[str, EnvironmentChoice] = {}
        self.setting = self.resolve(default) if default else None

    def _environments(self) -> list[Any]:
        if self._listed is None:
            try:
                self._listed = [e for e in self.client.environments() if not e.archived]
            except DominoNotFound:
                self._unlisted, self._listed = True, []
        return self._listed

    def valid(self) -> str:
        return ", ".join(f"{e.name} (id {e.id})" for e in self._environments()) or "none"

    def resolve(self, wanted: str | None) -> EnvironmentChoice | None:
        """The environment a job runs in: the one it names, else the setting (None: the
        project's default, sent as no environment). ConfigurationError: not usable here."""
        if wanted is None:
            return self.setting
        if wanted not in self._chosen:
            self._chosen[wanted] = self._resolve(wanted)
        return self._chosen[wanted]

    def _resolve(self, wanted: str) -> EnvironmentChoice:
        name, revision = split(wanted.strip())
        environment = self._find(name)
        if environment is None and self._unlisted:
            if OBJECT_ID.match(name) and not revision:
                return EnvironmentChoice(name, name)  # Domino itself checks it at the start
            raise ConfigurationError(
                f"compute environment {wanted!r}: this Domino lists no compute environments "
                "(neither GET /v4/projects/{id}/useableEnvironments nor "
                "/v4/environments/self), so only an environment id (24 hex digits, no "
                "revision) can be used."
            )
        if environment is None:
            raise ConfigurationError(
                f"compute environment {name!r} is not one this Domino project can use. "
                f"Valid environments: {self.valid()}. Fix resources: environment=... or "
                "--domino-environment-id."
            )
        spec = self._revision_spec(environment, revision) if revision else None
        return EnvironmentChoice(environment.id, environment.name, spec, revision)

    def _find(self, name: str) -> Any | None:
        environments = self._environments()
        for match in (
            lambda e: e.id == name,
            lambda e: e.name == name,
            lambda e: e.name.lower() == name.lower(),
        ):
            found = [e for e in environments if match(e)]
            if len(found) > 1:
                raise ConfigurationError(
                    f"compute environment name {name!r} is ambiguous here: "
                    f"{', '.join(f'{e.name} (id {e.id})' for e in found)}. Name it by id."
                )
            if found:
                return found[0]
        return None

    def _revision_spec(self, environment: Any, revision: str) -> str | dict[str, str]:
        if revision.lower() in NAMED_REVISIONS:
            return NAMED_REVISIONS[revision.lower()]
        if OBJECT_ID.match(revision):
            return {"revisionId": revision}
        if not revision.isdigit():
            raise ConfigurationError(
                f"compute environment {environment.name!r}: revision {revision!r} is "
                "neither a number, 'latest', 'active' nor a revision id."
            )
        try:
            revisions = self.client.environment_revisions(environment.id)
        except DominoNotFound:
            revisions = []
        for found in revisions:
            if found.number == int(revision):
                return {"revisionId": found.id}
        numbers = ", ".join(str(r.number) for r in revisions) or "none listed"
        raise ConfigurationError(
            f"compute environment {environment.name!r} has no revision {revision} "
            f"(revisions: {numbers})."
        )
