"""A local Domino shared by this directory's tests, and a thin `requests` helper for it.

Besides the default tiers, the server has small tiers that single tests own, so a test
that fills a tier's slots never delays another test.
"""

from __future__ import annotations

import http.client
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from snakemake_executor_domino.domino import versions
from snakemake_executor_domino.local.config import DEFAULT_TIERS, Tier
from snakemake_executor_domino.local.server import LocalDomino

TEST_TIERS = DEFAULT_TIERS + (
    Tier("solo-k8s", "Solo (deadlock test)", 1, 2, 1),
    Tier("pair-k8s", "Pair (cap test)", 1, 2, 2),
    Tier("stop-k8s", "Stop (queued-stop test)", 1, 2, 1),
    Tier("tiny-k8s", "Tiny (memory test)", 1, 0.5, 2),
    Tier("unused-k8s", "Unused (usage of a job that never ran)", 1, 2, 1),
)
POLL = 0.05
_counter = itertools.count(1)


@dataclass
class Api:
    url: str
    key: str
    owner: str
    name: str
    project_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Domino-Api-Key": self.key}

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=10, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def raw(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
        """A request whose path goes out byte for byte (requests would normalize '..')."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=self.headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()

        return resp.status, json.loads(data) if data else {}

    # -- project helpers -----------------------------------------------------------------

    @property
    def v1(self) -> str:
        return f"/v1/projects/{self.owner}/{self.name}"

    def upload(self, path: str, data: bytes) -> dict[str, Any]:
        r = self.put(f"{self.v1}/{path}", data=data)
        assert r.status_code == 201, r.text
        return r.json()

    def upload_commit(self, path: str, data: bytes) -> str:
        """Upload; the commit the upload made (Domino's answer names none: it is the head)."""
        self.upload(path, data)
        return self.head()

    def head(self) -> str:
        r = self.get(f"/v4/projects/{self.project_id}/commits/head")
        assert r.status_code == 200, r.text
        return r.json()["id"]

    def content(self, commit: str, path: str) -> requests.Response:
        """A file's bytes by the route this server's Domino version has: the content route
        from 5.10, else the v1 blob of the key the file list gives."""
        if versions.has(self.get("/version").json()["version"], "file_content_route"):
            base = f"/api/projects/v1/projects/{self.project_id}/files"
            return self.get(f"{base}/{commit}/{path}/content")
        listing = self.get(f"{self.v1}/files/{commit}/{path.rpartition('/')[0]}")
        if listing.status_code != 200:
            return listing
        keys = {e["path"]: e["key"] for e in listing.json()["data"]}
        return self.get(f"{self.v1}/blobs/{keys.get(path, '0' * 40)}")

    def files(self, commit: str, path: str = "") -> dict[str, dict]:
        r = self.get(f"{self.v1}/files/{commit}/{path}")
        assert r.status_code == 200, r.text
        return {e["path"]: e for e in r.json()["data"]}

    def all_files(self, commit: str) -> dict[str, bytes]:
        """Every file at a commit, walked through the list route, with its content."""
        out: dict[str, bytes] = {}
        pending = [""]
        while pending:
            directory = pending.pop()
            for path, entry in self.files(commit, directory + "/" if directory else "").items():
                if entry.get("isDirectory"):
                    pending.append(path)
                else:
                    out[path] = self.content(commit, path).content
        return out

    def start(self, command: str, **fields: Any) -> dict[str, Any]:
        r = self.post("/v4/jobs/start", json={"projectId": self.project_id,
                                              "commandToRun": command, **fields})
        assert r.status_code == 200, r.text
        return r.json()

    def stop(self, job_id: str, *, commit_results: bool = True) -> requests.Response:
        return self.post("/v4/jobs/stop", json={
            "projectId": self.project_id, "jobId": job_id, "commitResults": commit_results})

    def job(self, job_id: str) -> dict[str, Any]:
        r = self.get(f"/v4/jobs/{job_id}")
        assert r.status_code == 200, r.text
        return r.json()

    def wait(self, job_id: str, *statuses: str, timeout: float = 20) -> dict[str, Any]:
        """Poll until the job reaches one of `statuses` (default: any final status)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            status = job["statuses"]["executionStatus"]
            if (status in statuses) if statuses else job["statuses"]["isCompleted"]:
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} still {status} after {timeout}s")
            time.sleep(POLL)

    def tier_of(self, job_id: str) -> str:
        """The tier a job ran on: the v1 run status names it; Domino 5.0's v4 Job does not."""
        r = self.get(f"{self.v1}/runs/{job_id}")
        assert r.status_code == 200, r.text
        return r.json()["hardwareTierId"]

    def log(self, job_id: str) -> str:
        r = self.get(f"/v4/jobs/{job_id}/logsWithProblemSuggestions")
        assert r.status_code == 200, r.text
        return "\n".join(e["log"] for e in r.json()["logset"]["logContent"]
                         if e["logType"] == "stdout")

    def wait_for_log(self, job_id: str, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log(job_id):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared in the log of job {job_id}")
            time.sleep(POLL)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDomino]:
    root = tmp_path_factory.mktemp("local-domino")
    with LocalDomino(root, tiers=TEST_TIERS, user="tester", stop_grace_seconds=1) as domino:
        yield domino


@pytest.fixture
def api(server: LocalDomino) -> Api:
    """A fresh project per test, so commits and jobs of one test never meet another's."""
    name = f"proj{next(_counter)}"
    project_id = server.create_project(f"tester/{name}")
    return Api(server.url, server.api_key, "tester", name, project_id)


def make_api(domino: LocalDomino, owner_name: str) -> Api:
    owner, name = owner_name.split("/")
    return Api(domino.url, domino.api_key, owner, name, domino.create_project(owner_name))


def release(server: LocalDomino, job_id: str, name: str = "release") -> None:
    """Drop a flag file into a running job's directory, where the job sees it (at /mnt/NAME
    when isolated): the one place of this machine an isolated job can see."""
    (server.config.runs_dir / job_id / name).touch()


def job_processes(job_id: str) -> list[int]:
    """The live processes of a job, as this machine numbers them (a job in its own PID
    namespace sees other numbers): those whose environment names the job."""
    marker = f"DOMINO_RUN_ID={job_id}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "status").read_text()
        except OSError:
            continue
        if marker in environ.split(b"\0") and "\nState:\tZ" not in state:
            found.append(int(entry.name))
    return found


def wait_for_processes(job_id: str, at_least: int, timeout: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout
    while len(found := job_processes(job_id)) < at_least:
        assert time.monotonic() < deadline, f"job {job_id} has processes {found}"
        time.sleep(POLL)
    return found


def wait_until_gone(job_id: str, timeout: float = 5) -> None:
    # a killed process needs a moment on a loaded machine before it is gone
    deadline = time.monotonic() + timeout
    while survivors := job_processes(job_id):
        assert time.monotonic() < deadline, f"job {job_id} left processes {survivors}"
        time.sleep(POLL)
