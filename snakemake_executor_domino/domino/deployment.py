"""What a deployment says about itself and about us: the current user and the API
description it serves (what `doctor` asks)."""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.domino import parse, routes
from snakemake_executor_domino.domino.errors import DominoAuthError, DominoError
from snakemake_executor_domino.domino.http import Http
from snakemake_executor_domino.domino.models import User


class DeploymentCalls:
    http: Http

    def current_user(self) -> User:
        body = self.http.json("GET", routes.current_user(), what="look up the current user")
        return parse.user(body)

    def api_descriptions(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(path, family, document) of each API description the deployment serves: the
        family ("v4" or "public") says which of the client's routes it describes.

        A missing page, a login page in its place or any non-JSON answer means "not
        served"; a refused key is still an error.
        """
        served = []
        for path, family in routes.api_descriptions():
            try:
                response = self.http.request("GET", path, what=f"read {path}", probe=True)
            except DominoAuthError:
                raise
            except DominoError:
                continue
            try:
                body = response.json()
            except ValueError:
                continue
            if isinstance(body, dict) and isinstance(body.get("paths"), dict):
                served.append((path, family, body))
        return served
