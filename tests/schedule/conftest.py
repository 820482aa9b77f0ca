"""A local Domino for the scheduled-job tests, and helpers to drive its routes and the CLI.

Tests that fire schedules use per-second Quartz crons ('*/1 * * * * ?'), so a fire is never
more than a second away; every test works in a project of its own.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from snakemake_executor_domino.cli import main
from snakemake_executor_domino.domino import Credentials, DominoClient
from snakemake_executor_domino.local.server import LocalDomino

_counter = itertools.count(1)
EVERY_SECOND = "*/1 * * * * ?"


@dataclass
class Project:
    url: str
    key: str
    owner: str
    name: str
    id: str
    domino: LocalDomino | None = None  # the server, for what only its records know

    @property
    def spec(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def scheduled(self) -> str:
        return f"/v4/projects/{self.id}/scheduledjobs"

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        return requests.request(
            method, self.url + path, headers={"X-Domino-Api-Key": self.key}, timeout=10, **kw
        )

    def client(self) -> DominoClient:
        return DominoClient(self.url, self.owner, self.name, Credentials(api_key=self.key))

    def body(self, **fields: Any) -> dict[str, Any]:
        """A complete create/replace body (Domino 5.0's NewScheduledJobDto), `fields` over
        the defaults; a `schedule` given without isCustom gets isCustom true."""
        schedule = {"cronString": "0 0 3 * * ?", "isCustom": True}
        if isinstance(fields.get("schedule"), dict):
            fields["schedule"] = {**schedule, **fields["schedule"]}
        return {
            "title": "nightly",
            "command": "echo hello",
            "schedule": schedule,
            "timezoneId": "UTC",
            "isPaused": False,
            "publishAfterCompleted": False,
            "allowConcurrentExecution": False,
            "hardwareTierIdentifier": "small-k8s",
            "scheduledByUserId": self.request("GET", "/v4/users/self").json()["id"],
            "notifyOnCompleteEmailAddresses": [],
            **fields,
        }

    def replacing(self, answer: dict[str, Any], **changes: Any) -> dict[str, Any]:
        """A PUT body holding every setting of a GET answer, `changes` over them."""
        writable = set(self.body()) | {"overrideEnvironmentId", "overrideEnvironmentRevisionSpec"}
        kept = {k: v for k, v in answer.items() if k in writable}
        kept["schedule"] = {k: answer["schedule"][k] for k in ("cronString", "isCustom")}
        return {**kept, **changes}

    def create(self, **fields: Any) -> dict[str, Any]:
        r = self.request("POST", self.scheduled, json=self.body(**fields))
        assert r.status_code == 200, r.text
        return r.json()

    def fire(self, schedule_id: str) -> requests.Response:
        """Fire now: a local-only extra, under /_local/."""
        return self.request("POST", f"/_local/scheduledjobs/{schedule_id}/run")

    def tier_of(self, job_id: str) -> str:
        """The tier a job ran on, from the v1 run status (Domino 5.0's Job names none)."""
        r = self.request("GET", f"/v1/projects/{self.spec}/runs/{job_id}")
        assert r.status_code == 200, r.text
        return r.json()["hardwareTierId"]

    def record(self, schedule_id: str) -> Any:
        """The server's own record of a schedule (next fire time, last job): no Domino
        answer carries them."""
        assert self.domino is not None and self.domino.backend is not None
        return self.domino.backend.scheduler.schedules.get(schedule_id)

    def schedules(self) -> list[dict[str, Any]]:
        r = self.request("GET", self.scheduled)
        assert r.status_code == 200, r.text
        return r.json()

    def schedule(self, schedule_id: str) -> dict[str, Any]:
        r = self.request("GET", f"{self.scheduled}/{schedule_id}")
        assert r.status_code == 200, r.text
        return r.json()

    def runs(self, schedule_id: str) -> list[dict[str, Any]]:
        r = self.request("GET", f"/_local/scheduledjobs/{schedule_id}/runs",
                         params={"limit": 500})
        assert r.status_code == 200, r.text
        return r.json()["runs"]

    def jobs(self) -> list[dict[str, Any]]:
        r = self.request("GET", "/v4/jobs", params={"projectId": self.id, "page_size": 500})
        assert r.status_code == 200, r.text
        return r.json()["jobs"]

    def job(self, job_id: str) -> dict[str, Any]:
        r = self.request("GET", f"/v4/jobs/{job_id}")
        assert r.status_code == 200, r.text
        return r.json()

    def wait_job(self, job_id: str, timeout: float = 30) -> dict[str, Any]:
        return wait_for(lambda: _done(self.job(job_id)), timeout, f"job {job_id} to end")


def _done(job: dict[str, Any]) -> dict[str, Any] | None:
    return job if job["statuses"]["isCompleted"] else None


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


# a job waits for a file `release` in its directory, for at most 30 s
WAIT_FOR_RELEASE = (
    "i=0; while [ ! -e release ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done"
)


def release_running(domino: LocalDomino, project: Project) -> None:
    """Put `release` into the directory of each of the project's running jobs: the one place
    of this machine an isolated job sees."""
    for job in project.jobs():
        if job["statuses"]["executionStatus"] == "Running":
            (domino.config.runs_dir / job["id"] / "release").touch()


def new_project(domino: LocalDomino, prefix: str = "sched") -> Project:
    name = f"{prefix}{next(_counter)}"
    project_id = domino.create_project(f"tester/{name}")
    return Project(domino.url, domino.api_key, "tester", name, project_id, domino)


@pytest.fixture(scope="session")
def scheduling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDomino]:
    root = tmp_path_factory.mktemp("schedule-domino")
    with LocalDomino(root, user="tester", stop_grace_seconds=1) as domino:
        yield domino


@pytest.fixture
def project(scheduling_server: LocalDomino) -> Project:
    return new_project(scheduling_server)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> Callable[..., CliResult]:
    """`snakemake-domino schedule ...` in this process, pointed at the test project."""
    for name in ("SNAKEMAKE_DOMINO_URL", "SNAKEMAKE_DOMINO_PROJECT", "SNAKEMAKE_DOMINO_API_KEY",
                 "DOMINO_API_HOST", "DOMINO_PROJECT_OWNER", "DOMINO_PROJECT_NAME",
                 "DOMINO_USER_API_KEY", "DOMINO_TOKEN_FILE", "DOMINO_API_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_URL", project.url)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_PROJECT", project.spec)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_API_KEY", project.key)
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> CliResult:
        capsys.readouterr()
        code = main(["schedule", *argv])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
