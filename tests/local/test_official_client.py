"""Domino's own client, python-domino (`dominodatalab`), round-trips against the local Domino
in each API flavor: upload, start (v4 job and v1 run), poll, list, download, stop.

`make` installs python-domino beside the test extra (see the Makefile: its exact pins
conflict with Snakemake's, so pip cannot resolve it inside the extra).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import pytest

from snakemake_executor_domino.local.server import LocalDomino
from tests.conftest import unavailable

try:
    import domino
except ImportError:
    unavailable("python-domino's round trip",
                "python-domino is not installed; `make test` installs it (Makefile)",
                module_level=True)

DEADLINE_SECONDS = 60


# python-domino 2.2 downloads through the content route, which Domino has from 5.10 (its
# compatibility matrix pairs it with 6.3+): the 5.0 flavor is no deployment it supports
@pytest.fixture(params=["5.10", "latest"], scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LocalDomino]:
    root = tmp_path_factory.mktemp(f"official-{request.param}")
    with LocalDomino(root, projects=["ann/quick-start"], user="ann",
                     api_flavor=request.param) as local:
        yield local


@pytest.fixture
def client(server: LocalDomino) -> Any:
    return domino.Domino("ann/quick-start", api_key=server.api_key, host=server.url)


def _until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (value := check()):
        assert time.monotonic() < deadline, f"{what} within {DEADLINE_SECONDS}s"
        time.sleep(0.1)
    return value


def test_upload_run_poll_list_download(client: Any, server: LocalDomino) -> None:
    uploaded = client.files_upload("data/numbers.txt", io.BytesIO(b"1\n2\n3\n"))
    assert uploaded.status_code == 201 and uploaded.json()["path"] == "data/numbers.txt"

    tiers = {t["hardwareTier"]["name"]: t["hardwareTier"]["id"]
             for t in client.hardware_tiers_list()}
    job = client.job_start(
        "python -c \"print(sum(int(x) for x in open('data/numbers.txt')))\" > total.txt",
        hardware_tier_name="Medium", title="official client",
    )
    status = _until(lambda: (s := client.job_status(job["id"]))["statuses"]["isCompleted"]
                    and s, "the job ends")
    assert status["statuses"]["executionStatus"] == "Succeeded"
    assert status["commitDetails"]["inputCommitId"]
    # python-domino's job_start resolved the tier name through the tier list
    assert server.backend.store.get_job(job["id"]).tier_id == tiers["Medium"]

    output = status["commitDetails"]["outputCommitId"]
    listed = {f["path"]: f for f in client.files_list(output)["data"]}
    assert {"data/numbers.txt", "data"} & set(listed) and "total.txt" in listed
    assert client.blobs_get_v2("total.txt", output, client.project_id).read() == b"6\n"
    with pytest.deprecated_call():  # the v1 blob route, still documented
        assert client.blobs_get(listed["total.txt"]["key"]).read() == b"6\n"
    jobs = client.jobs_list(client.project_id)
    assert [j["id"] for j in jobs["jobs"]] == [job["id"]]


def test_v1_run_and_its_output(client: Any) -> None:
    started = client.runs_start(["echo", "hello from a v1 run"], is_direct=True, title="v1 run")
    run_id = started["runId"]
    run = _until(lambda: (r := client.runs_status(run_id))["completed"] and r, "the run ends")
    assert run["status"] == "Succeeded" and run["outputCommitId"]
    assert run_id in [r["id"] for r in client.runs_list()["data"]]
    # runs_stdout strips Domino's HTML wrapper back to the run's output
    assert client.runs_stdout(run_id) == "hello from a v1 run\n"


def test_download_newest_and_start_at_a_commit(client: Any, server: LocalDomino) -> None:
    client.files_upload("/notes.txt", io.BytesIO(b"newest"))
    commits = client.commits_list()
    if server.config.flavor.commit_ids_only:
        # newer Domino lists bare ids: job_start checks a commit id against them
        job = client.job_start("true", commit_id=commits[0])
        assert job["commitDetails"]["inputCommitId"] == commits[0]
    else:
        # Domino 5.0's list of objects is what files_download reads the newest from
        assert client.files_download("notes.txt").read() == b"newest"


def test_stop(client: Any) -> None:
    job = client.job_start("sleep 60")
    assert client.job_stop(job["id"], commit_results=False).status_code == 200
    status = _until(lambda: (s := client.job_status(job["id"]))["statuses"]["isCompleted"]
                    and s, "the stopped job ends")
    assert status["statuses"]["executionStatus"] == "Stopped"


def test_a_wrong_key_is_refused(server: LocalDomino) -> None:
    with pytest.raises(Exception, match="401"):
        domino.Domino("ann/quick-start", api_key="wrong-key", host=server.url)
