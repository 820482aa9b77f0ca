"""A recording of every API request the local Domino answers, for the contract tests.

Off unless $SNAKEMAKE_DOMINO_LOCAL_TRAFFIC_LOG names a file; then each request appends one
JSON line: method, path, query pairs, the request's JSON body (or only its kind and size),
the answer's status and JSON body, and the API flavor served. Headers are never read, so no
API key, token or cookie can reach the file. Several servers may append to one file: each
line is a single write to a file opened for appending.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI

ENV = "SNAKEMAKE_DOMINO_LOCAL_TRAFFIC_LOG"
MAX_JSON_BYTES = 8 * 1024 * 1024  # a larger JSON body is recorded by its size only
DEFAULT_FLAVOR = "5.0"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_write_lock = threading.Lock()


def install(app: FastAPI) -> None:
    """Record `app`'s traffic if $SNAKEMAKE_DOMINO_LOCAL_TRAFFIC_LOG is set."""
    path = os.environ.get(ENV)
    if path:
        app.add_middleware(TrafficRecorder, log_path=Path(path), flavor=lambda: _flavor(app))


def _flavor(app: FastAPI) -> str:
    config = getattr(getattr(app.state, "backend", None), "config", None)
    flavor = getattr(config, "flavor", None)  # a local.flavor.Flavor, once there is one
    return str(getattr(flavor, "name", flavor) or DEFAULT_FLAVOR)


class TrafficRecorder:
    def __init__(self, app: ASGIApp, log_path: Path, flavor: Callable[[], str]) -> None:
        self.app = app
        self.log_path = log_path
        self.flavor = flavor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = _Body(_content_type(scope.get("headers", [])))
        # the answer's start is held back until its first body part: with an empty body,
        # the start alone is the whole answer, and the line must be written before it goes
        answer: dict[str, Any] = {"status": None, "written": False, "start": None}
        answer_body = _Body("")

        def write() -> None:
            if not answer["written"]:
                answer["written"] = True
                self._write(scope, request, answer["status"], answer_body)

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request.add(message.get("body", b""))
            return message

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer_body.content_type = _content_type(message.get("headers", []))
                answer["start"] = message
                return
            if message["type"] == "http.response.body":
                answer_body.add(message.get("body", b""))
                if not message.get("more_body", False):
                    write()  # before the client has its answer, so a test reads it after
            if answer["start"] is not None:
                start, answer["start"] = answer["start"], None
                await send(start)
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            write()
            if answer["start"] is not None:  # an answer that never sent a body part
                await send(answer["start"])

    def _write(self, scope: Scope, request: _Body, status: int | None, answer: _Body) -> None:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        body_kind, body = request.parsed()
        answer_kind, answer_json = answer.parsed()
        record = {
            "time": round(time.time(), 3),
            "flavor": self.flavor(),
            "method": scope["method"],
            "path": scope["path"],
            "query": query,
            "body_kind": body_kind,
            "body": body,
            "status": status,
            "answer_kind": answer_kind,
            "answer": answer_json,
        }
        line = (json.dumps(record, separators=(",", ":")) + "\n").encode()
        with _write_lock:
            # one write to a file opened for appending: no reader sees half a line
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)


class _Body:
    """A request's or answer's body: kept only when it is JSON and not too large."""

    def __init__(self, content_type: str) -> None:
        self.content_type = content_type
        self.size = 0
        self.chunks: list[bytes] = []

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._is_json() and self.size <= MAX_JSON_BYTES:
            self.chunks.append(chunk)

    def _is_json(self) -> bool:
        return self.content_type.split(";")[0].strip().lower() == "application/json"

    def parsed(self) -> tuple[str, Any]:
        """("none" | "json" | "raw" | "bad json", the JSON value or the size)."""
        if self.size == 0:
            return "none", None
        if not self._is_json() or self.size > MAX_JSON_BYTES:
            return "raw", self.size
        try:
            return "json", json.loads(b"".join(self.chunks))
        except ValueError:
            return "bad json", self.size


def _content_type(headers: list[tuple[bytes, bytes]]) -> str:
    # the only header ever looked at; credentials live in others
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.decode("latin-1")
    return ""
