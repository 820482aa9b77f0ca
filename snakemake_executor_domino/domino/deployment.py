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

    def api_description(self) -> tuple[str, dict[str, Any]] | None:
        """(path, document) of the first API description the deployment serves, or None.

        A missing page, a login page in its place or any non-JSON answer means "not
        served"; a refused key is still an error.
        """
        for path in routes.api_descriptions():
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
                return path, body
        return None
