"""The traffic recorder (local/api/traffic.py): what it writes, and what it never writes."""

from __future__ import annotations

import asyncio
import os

import requests

from snakemake_executor_domino.local.api.traffic import ENV, TrafficRecorder

from .recording import read, recording_domino


def test_records_requests_and_answers_but_no_credentials(tmp_path, monkeypatch) -> None:
    log = tmp_path / "traffic.jsonl"
    with recording_domino(tmp_path / "root", log) as server:
        project_id = server.create_project("tester/rec")
        headers = server.headers
        base = server.url
        requests.get(f"{base}/v4/jobs", headers=headers, timeout=10,
                     params={"projectId": project_id, "page_size": "5"})
        requests.post(f"{base}/v4/jobs/stop", headers=headers, timeout=10,
                      json={"projectId": project_id, "jobId": "0" * 24, "commitResults": False})
        requests.put(f"{base}/v1/projects/tester/rec/data/a.bin", headers=headers,
                     data=b"\x00\x01\x02", timeout=10)
        requests.get(f"{base}/version", headers={"Authorization": "Bearer secret-token"},
                     timeout=10)
        key = server.api_key
    assert ENV not in os.environ  # only that server recorded

    records = [r for r in read(log) if r["path"] != "/version" or r["status"] != 200]
    by_path = {r["path"]: r for r in records}
    listing = by_path["/v4/jobs"]
    assert listing["method"] == "GET" and listing["status"] == 200
    assert listing["query"] == [["projectId", project_id], ["page_size", "5"]]
    assert listing["answer_kind"] == "json" and isinstance(listing["answer"]["jobs"], list)
    stop = by_path["/v4/jobs/stop"]
    assert stop["body_kind"] == "json" and stop["body"]["jobId"] == "0" * 24
    assert stop["status"] == 404
    upload = by_path["/v1/projects/tester/rec/data/a.bin"]
    assert (upload["body_kind"], upload["body"]) == ("raw", 3)
    assert all(r["flavor"] for r in records)
    text = log.read_text()
    assert key not in text and "secret-token" not in text


def test_records_nothing_unless_asked(tmp_path, monkeypatch) -> None:
    # a server started without the variable: no recorder in its app
    from snakemake_executor_domino.local.server import LocalDomino

    monkeypatch.delenv(ENV, raising=False)
    server = LocalDomino(tmp_path / "plain").start()
    try:
        app = server._server.config.app
        app = getattr(app, "app", app)  # under the fault injector, if any
        assert all(m.cls is not TrafficRecorder for m in app.user_middleware)
    finally:
        server.stop()


def test_a_line_is_written_before_the_answer_is_complete(tmp_path) -> None:
    """An empty answer is complete with its start; a streamed one with its last part. The
    line must be in the log by then, or a test reading it right after misses it."""
    log = tmp_path / "traffic.jsonl"

    async def app(scope, receive, send) -> None:
        parts = scope["parts"]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for i, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part,
                        "more_body": i < len(parts) - 1})

    async def exchange(parts: list[bytes]) -> list[tuple[str, int]]:
        seen = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message) -> None:
            lines = log.read_text().count("\n") if log.exists() else 0
            done = message["type"] == "http.response.body" and not message.get("more_body")
            empty = message["type"] == "http.response.start" and not parts
            if done or empty:
                seen.append((message["type"], lines))

        scope = {"type": "http", "method": "GET", "path": "/version", "query_string": b"",
                 "headers": [], "parts": parts}
        await TrafficRecorder(app, log, lambda: "5.0")(scope, receive, send)
        return seen

    assert asyncio.run(exchange([])) == [("http.response.start", 1)]
    assert asyncio.run(exchange([b""])) == [("http.response.body", 2)]
    assert asyncio.run(exchange([b"a", b"b"])) == [("http.response.body", 3)]
