"""State survives a restart; jobs a dead server left behind end as Error, never dangle."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from snakemake_executor_domino.local.server import LocalDomino
from snakemake_executor_domino.local.store.rootlock import RootInUse

from .conftest import Api, job_processes, make_api, wait_until_gone

CLI = str(Path(sys.executable).parent / "snakemake-domino")


def test_state_survives_a_clean_restart(tmp_path: Path) -> None:
    with LocalDomino(tmp_path, projects=["ann/keep"]) as first:
        api = make_api(first, "ann/keep")
        up = api.upload_commit("data/in.txt", b"persist me")
        job = api.wait(api.start("cat data/in.txt; echo out > out.txt")["id"])
        key, project_id = first.api_key, first.create_project("ann/keep")
    key_file = tmp_path / "api_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    with LocalDomino(tmp_path) as second:
        assert second.api_key == key and second.api_key_source == "file"
        api = Api(second.url, second.api_key, "ann", "keep", project_id)
        assert second.create_project("ann/keep") == project_id
        commits = [c["id"] for c in api.get(f"{api.v1}/commits").json()]
        assert job["commitDetails"]["outputCommitId"] == commits[0]
        assert up in commits
        assert api.content(up, "data/in.txt").content == b"persist me"
        again = api.job(job["id"])
        assert again == job
        assert api.log(job["id"]) == "persist me"
        assert api.start("true")["number"] == 2


def test_job_left_running_by_a_killed_server_ends_as_error(tmp_path: Path) -> None:
    root, key = tmp_path / "root", "restart-test-key"
    server = subprocess.Popen(
        [CLI, "local", "serve", "--port", "0", "--root", str(root), "--project", "ann/crash"],
        env={**os.environ, "SNAKEMAKE_DOMINO_LOCAL_API_KEY": key},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = _read_url(server)
        api = Api(url, key, "ann", "crash", "")
        project = api.get("/v4/gateway/projects/findProjectByOwnerAndName",
                          params={"ownerName": "ann", "projectName": "crash"}).json()
        api.project_id = project["id"]
        running = api.start("echo started; sleep 60")
        queued = [api.start("sleep 60", overrideHardwareTierId="gpu-small-k8s")
                  for _ in range(2)]
        api.wait_for_log(running["id"], "started")
        api.wait(queued[0]["id"], "Running")
        assert api.job(queued[1]["id"])["statuses"]["executionStatus"] == "Queued"
    finally:
        server.send_signal(signal.SIGKILL)  # no clean shutdown: jobs are left behind
        server.wait(timeout=10)
    assert job_processes(running["id"]), "the job should outlive the killed server"

    with LocalDomino(root, api_key=key) as restarted:
        api = Api(restarted.url, key, "ann", "crash", api.project_id)
        for job in (running, *queued):
            done = api.job(job["id"])
            assert done["statuses"]["executionStatus"] == "Error"
            assert done["statuses"]["isCompleted"] and done["stageTime"]["completedTime"]
            assert "server restarted" in api.log(job["id"])
        assert "started" in api.log(running["id"])
        wait_until_gone(running["id"])
        assert not (root / "runs" / running["id"]).exists()
        # the restarted server runs new jobs normally
        assert api.wait(api.start("true")["id"])["statuses"]["executionStatus"] == "Succeeded"


def test_clean_stop_ends_running_and_queued_jobs(tmp_path: Path) -> None:
    with LocalDomino(tmp_path, projects=["ann/stop"], stop_grace_seconds=1) as domino:
        api = make_api(domino, "ann/stop")
        running = api.start("echo started; sleep 60", overrideHardwareTierId="gpu-small-k8s")
        queued = api.start("sleep 60", overrideHardwareTierId="gpu-small-k8s")
        api.wait_for_log(running["id"], "started")
    with LocalDomino(tmp_path) as again:
        api = make_api(again, "ann/stop")
        for job in (running, queued):
            assert api.job(job["id"])["statuses"]["executionStatus"] == "Stopped"
        assert "shut down" in api.log(running["id"])


def _read_url(proc: subprocess.Popen[str]) -> str:
    return _read_banner(proc)[0]


def _read_banner(proc: subprocess.Popen[str], timeout: float = 30) -> tuple[str, str]:
    """The URL and the whole banner `local serve` prints once it answers."""
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    seen: list[str] = []
    url = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "listening on " in line:
            url = line.split("listening on ", 1)[1].strip()
        if "Ctrl-C" in line and url:
            return url, "".join(seen)
    raise AssertionError("server printed no banner:\n" + "".join(seen))


def test_a_second_server_on_the_same_root_is_refused(tmp_path: Path) -> None:
    with LocalDomino(tmp_path) as first:
        second = LocalDomino(tmp_path)
        with pytest.raises(RootInUse, match=first.url):
            second.start()
        assert requests.get(f"{first.url}/version", headers=first.headers, timeout=5).ok
    with LocalDomino(tmp_path):  # released on stop
        pass


def test_crash_debris_is_cleared_on_start(tmp_path: Path) -> None:
    for sub in ("runs/0123456789abcdef01234567", "blobs/tmp", "tokens"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    (tmp_path / "runs/0123456789abcdef01234567/half.txt").write_text("x")
    (tmp_path / "blobs/tmp/upload-abc").write_text("partial")
    (tmp_path / "tokens/0123456789abcdef01234567").write_text("old token")
    with LocalDomino(tmp_path):
        assert not any((tmp_path / "runs").iterdir())
        assert not any((tmp_path / "blobs/tmp").iterdir())
        assert not any((tmp_path / "tokens").iterdir())
