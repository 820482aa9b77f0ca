"""Recorded Domino answers (fixtures/*.json, each naming its source) and a fake transport
that serves them to a real DominoClient, so the parsing and the calls are tested together
without a server."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from snakemake_executor_domino.domino import Credentials, DominoClient, Project
from snakemake_executor_domino.domino.http import Http

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "k-never-shown-0123456789"
PROJECT = Project(id="64f0c1d2e3a4b5c6d7e8f901", owner="marks", name="quick-start")


def documented(name: str) -> Any:
    """The answer of fixtures/<name>.json, written by hand from the document its "source" names
    (test_fixtures.py holds each to the contract), not recorded from a live Domino."""
    return json.loads((FIXTURES / f"{name}.json").read_text())["answer"]


DEFAULT_VERSION = "6.3.0"


class FakeDomino(Http):
    """Answers requests from a table instead of the network; unknown routes are 404.
    Error statuses go through the real error mapping of Http."""

    def __init__(self) -> None:
        super().__init__("https://domino.example", Credentials(api_key=SECRET), retry_budget=1)
        self.answers: dict[tuple[str, str], list[tuple[int, Any, dict[str, str]]]] = {}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def answer(
        self, method: str, path: str, body: Any = None, *, status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.answers.setdefault((method, path), []).append((status, body, headers or {}))

    def paths(self, method: str | None = None) -> list[str]:
        return [path for m, path, _ in self.calls if method in (None, m)]

    def request(self, method: str, path: str, *, ok=(200, 201, 204), what: str = "", **kw):
        if (method, path) == ("GET", "/version") and (method, path) not in self.answers:
            # a current Domino unless a test answers /version itself; not counted as a call
            return self._respond(200, {"version": DEFAULT_VERSION}, {}, ok, what, method, path)
        if "data" in kw and hasattr(kw["data"], "read"):
            kw["data"] = kw["data"].read()  # the file is closed once the call returns
        self.calls.append((method, path, kw))
        queue = self.answers.get((method, path)) or [(404, {"message": "Not Found"}, {})]
        status, body, headers = queue.pop(0) if len(queue) > 1 else queue[0]
        return self._respond(status, body, headers, ok, what, method, path)

    def _respond(self, status, body, headers, ok, what, method, path):
        response = requests.Response()
        response.status_code = status
        response.url = self.base + path
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.raw = io.BytesIO(raw)
        response.headers.update(headers)
        if status in ok:
            return response
        response._content = raw
        raise self.error(what or f"{method} {path}", response)


@pytest.fixture
def fake() -> FakeDomino:
    return FakeDomino()


@pytest.fixture
def client(fake: FakeDomino) -> DominoClient:
    client = DominoClient("https://domino.example", PROJECT.owner, PROJECT.name,
                          Credentials(api_key=SECRET))
    client.http = fake
    client._project = PROJECT  # found once; test_parse covers the find answer
    return client
