"""The traffic recorder (local/traffic.py): what it writes, and what it never writes."""

from __future__ import annotations

import os

import requests

from snakemake_executor_domino.local.traffic import ENV

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


def test_records_nothing_unless_asked(tmp_path, domino) -> None:
    # the shared test server was started without the variable: no recorder in its app
    from snakemake_executor_domino.local.traffic import TrafficRecorder

    app = domino.server._server.config.app
    app = getattr(app, "app", app)  # under the fault injector, if any
    assert all(m.cls is not TrafficRecorder for m in app.user_middleware)
