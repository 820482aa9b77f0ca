"""An ASGI middleware that counts the local Domino's requests by caller and API call.

Used only by the benchmark server (serve.py). It also answers two extra routes, guarded by
the server's API key: `GET /__bench/counts` (the counters as JSON) and `POST /__bench/reset`.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

PLUGIN_AGENT = "snakemake-executor-plugin-domino"

# (method, path pattern, call name) in the order they are tried; names match domino/routes.py
CALLS: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(p), name)
    for m, p, name in [
        ("GET", r"^/version$", "version"),
        ("GET", r"^/v4/gateway/projects/findProjectByOwnerAndName$", "find_project"),
        ("GET", r"^/v4/projects/[^/]+/hardwareTiers$", "hardware_tiers"),
        ("GET", r"^/v1/projects/[^/]+/[^/]+/commits$", "list_commits"),
        ("GET", r"^/v4/projects/[^/]+/commits/head$", "list_commits"),
        ("GET", r"^/v1/projects/[^/]+/[^/]+/files/", "list_files"),
        ("GET", r"^/v1/projects/[^/]+/[^/]+/run/[^/]+/stdout$", "job_log"),
        ("PUT", r"^/v1/projects/", "upload_file"),
        ("GET", r"^/api/projects/v1/projects/.+/content$", "download_file"),
        ("GET", r"^/v1/projects/[^/]+/[^/]+/blobs/", "download_file"),
        ("POST", r"^/v4/jobs/[^/]+/name$", "name_job"),
        ("GET", r"^/v4/jobs/[^/]+/runtimeExecutionDetails$", "runtime_details"),
        ("GET", r"^/v4/jobs/jobs/[^/]+/usage$", "job_usage"),
        ("POST", r"^/v4/jobs/start$", "start_job"),
        ("POST", r"^/v4/jobs/stop$", "stop_job"),
        ("GET", r"^/v4/jobs$", "list_jobs"),
        ("GET", r"^/v4/jobs/[^/]+/logsWithProblemSuggestions$", "job_log"),
        ("GET", r"^/v4/jobs/[^/]+$", "get_job"),
    ]
]


def call_name(method: str, path: str) -> str:
    for m, pattern, name in CALLS:
        if m == method and pattern.match(path):
            return name
    return f"other {method}"


def caller(headers: list[tuple[bytes, bytes]]) -> str:
    agent = next((v.decode("latin-1") for k, v in headers if k == b"user-agent"), "")
    if agent.startswith(PLUGIN_AGENT):
        return "plugin"
    if agent.startswith("curl/"):
        return "curl"
    return "other"


class Counts:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests: Counter[str] = Counter()
            self.bytes_in: Counter[str] = Counter()
            self.bytes_out: Counter[str] = Counter()
            self.first_pages = 0  # list_jobs calls for page 1: one per polling cycle

    def add(self, key: str, bytes_in: int, bytes_out: int, first_page: bool) -> None:
        with self._lock:
            self.requests[key] += 1
            self.bytes_in[key] += bytes_in
            self.bytes_out[key] += bytes_out
            self.first_pages += first_page

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self.requests),
                "bytes_in": dict(self.bytes_in),
                "bytes_out": dict(self.bytes_out),
                "first_pages": self.first_pages,
            }


class CountingMiddleware:
    def __init__(self, app: App, api_key: str) -> None:
        self.app = app
        self.api_key = api_key
        self.counts = Counts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/__bench/"):
            await self._bench_route(scope, send)
            return
        who = caller(scope["headers"])
        name = call_name(scope["method"], scope["path"])
        first_page = name == "list_jobs" and b"page_no=1" in scope.get("query_string", b"")
        sizes = {"in": 0, "out": 0}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                sizes["in"] += len(message.get("body", b""))
            return message

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.body":
                sizes["out"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            self.counts.add(f"{who} {name}", sizes["in"], sizes["out"], first_page)

    async def _bench_route(self, scope: Scope, send: Send) -> None:
        key = next((v.decode() for k, v in scope["headers"] if k == b"x-domino-api-key"), "")
        if not hmac.compare_digest(key, self.api_key):
            await _answer(send, 401, {"message": "bad key"})
        elif scope["path"] == "/__bench/counts":
            await _answer(send, 200, self.counts.snapshot())
        elif scope["path"] == "/__bench/reset" and scope["method"] == "POST":
            self.counts.reset()
            await _answer(send, 200, {})
        else:
            await _answer(send, 404, {"message": "no such benchmark route"})


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
