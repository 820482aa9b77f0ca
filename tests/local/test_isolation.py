"""A job sees what a Domino job sees: its files at /mnt, the compute environment, nothing of
this machine besides; and where no namespace can be made, the server says so once and runs
jobs unisolated.

With $CI set, a test needing isolation fails instead of skipping when it cannot be had.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from snakemake_executor_domino.local.jobs import isolation
from snakemake_executor_domino.local.jobs.isolation import IsolationUnavailable
from snakemake_executor_domino.local.server import LocalDomino
from tests.conftest import unavailable

from .conftest import Api, make_api, release, wait_until_gone

REPO = Path(__file__).resolve().parents[2]


# "namespace": whichever tool works (bubblewrap first); "unshare": the alternative, which
# CI can only demand where it runs as root (unprivileged, it needs user namespaces)
@pytest.fixture(scope="module", params=["namespace", "unshare"])
def isolated(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LocalDomino]:
    root = tmp_path_factory.mktemp(f"isolated-{request.param}")
    domino = LocalDomino(root, user="tester", stop_grace_seconds=2, isolation=request.param)
    try:
        domino.start()
    except IsolationUnavailable as exc:
        if request.param == "namespace" or os.geteuid() == 0:
            unavailable("the job isolation tests", str(exc))
        pytest.skip(str(exc))
    try:
        yield domino
    finally:
        domino.stop()


@pytest.fixture
def api(isolated: LocalDomino) -> Api:
    return make_api(isolated, f"tester/iso{uuid.uuid4().hex[:8]}")


@pytest.fixture
def home_file() -> Iterator[Path]:
    """A file in the submitter's home, which no job may read."""
    path = Path.home() / f".snakemake-domino-isolation-test-{uuid.uuid4().hex}"
    path.write_text("private")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


CHECK = (
    'check() { if ( eval "$2" ) >/dev/null 2>&1; '
    'then echo "ALLOWED $1"; else echo "DENIED $1"; fi; }'
)


def run_checks(api: Api, checks: dict[str, str]) -> dict[str, str]:
    command = "\n".join([CHECK, *(f"check {name} {_q(cmd)}" for name, cmd in checks.items())])
    done = api.wait(api.start(command)["id"], timeout=60)
    assert done["statuses"]["executionStatus"] == "Succeeded", api.log(done["id"])
    results = dict(line.split(" ", 1)[::-1] for line in api.log(done["id"]).splitlines()
                   if line.startswith(("ALLOWED ", "DENIED ")))
    assert set(results) == set(checks), api.log(done["id"])
    return results


def _q(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def test_a_job_sees_its_files_at_mnt_and_nothing_of_this_machine(
    api: Api, isolated: LocalDomino, tmp_path: Path, home_file: Path
) -> None:
    (tmp_path / "secret.txt").write_text("the submitter's")
    api.upload("input.txt", b"mine")
    results = run_checks(api, {
        # controls: the check itself works
        "read-own-file": "cat /mnt/input.txt && cat input.txt",
        "write-own-file": "echo out > /mnt/out.txt",
        "python": "python -c 'import snakemake, snakemake_executor_domino'",
        # this machine's files
        "read-submitter-dir": f"cat {tmp_path}/secret.txt",
        "read-home": f"cat {home_file}",
        "list-state-root": f"ls {isolated.root}",
        "read-api-key-file": f"cat {isolated.api_key_file}",
        "read-other-runs": f"ls {isolated.config.runs_dir}",
        "read-repository-file": f"cat {REPO}/pyproject.toml",
        # writes outside the job's files
        "write-submitter-dir": f"touch {tmp_path}/written",
        "write-repository": f"touch {REPO}/written-by-job",
        "write-environment": f"touch {REPO}/snakemake_executor_domino/written-by-job",
        "write-root": "touch /written-by-job",
    })
    allowed = {"read-own-file", "write-own-file", "python"}
    if REPO.is_relative_to("/tmp"):
        # a checkout under /tmp (as CI's may be): the job's /tmp is its own, and the directory
        # holding the bind-mounted sources is made there, so a write into it succeeds inside
        # the job only; that nothing reaches this machine is checked below
        allowed.add("write-repository")
    assert {k for k, v in results.items() if v == "ALLOWED"} == allowed, results
    for path in (tmp_path / "written", REPO / "written-by-job",
                 REPO / "snakemake_executor_domino/written-by-job", Path("/written-by-job")):
        assert not path.exists()


def test_domino_working_dir_is_mnt(api: Api) -> None:
    api.upload("data/in.txt", b"input")
    job = api.start('pwd; echo "dir=$DOMINO_WORKING_DIR home=$HOME"; cat data/in.txt > copy.txt')
    done = api.wait(job["id"], timeout=60)
    assert done["statuses"]["executionStatus"] == "Succeeded"
    assert api.log(job["id"]).splitlines()[:2] == ["/mnt", "dir=/mnt home=/home/domino"]
    assert api.all_files(done["commitDetails"]["outputCommitId"])["copy.txt"] == b"input"


def test_a_job_reaches_the_api_with_its_token(api: Api) -> None:
    script = (
        "import os, requests; "
        "token = open(os.environ['DOMINO_TOKEN_FILE']).read().strip(); "
        "r = requests.get(os.environ['DOMINO_API_HOST'] + '/version', "
        "headers={'Authorization': 'Bearer ' + token}, timeout=10); "
        "print('api', r.status_code)"
    )
    job = api.start(f'python -c "{script}"')
    done = api.wait(job["id"], timeout=60)
    assert done["statuses"]["executionStatus"] == "Succeeded", api.log(job["id"])
    assert "api 200" in api.log(job["id"])


def test_a_stopped_job_gets_sigterm_and_time_to_clean_up(api: Api) -> None:
    # the sandbox tool is the job's main process: it must not end the job at the first signal
    job = api.start("trap 'sleep 0.3; echo cleaned > cleaned.txt; exit 0' TERM; "
                    "echo ready; sleep 30 & wait")
    api.wait_for_log(job["id"], "ready")
    api.stop(job["id"], commit_results=True)
    done = api.wait(job["id"], timeout=20)
    assert done["statuses"]["executionStatus"] == "Stopped"
    files = api.all_files(done["commitDetails"]["outputCommitId"])
    assert files.get("cleaned.txt") == b"cleaned\n"
    wait_until_gone(job["id"])


def test_a_release_flag_reaches_a_waiting_job(api: Api, isolated: LocalDomino) -> None:
    job = api.start("while [ ! -e release ]; do sleep 0.05; done; echo released")
    api.wait(job["id"], "Running")
    release(isolated, job["id"])
    assert api.wait(job["id"])["statuses"]["executionStatus"] == "Succeeded"


# -- no namespace: the fallback ----------------------------------------------------------------


def test_without_a_namespace_the_server_warns_once_and_runs_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(isolation, "TOOLS", {"bwrap": "no-bwrap-here", "unshare": "no-unshare"})
    monkeypatch.delenv(isolation.ENV_VAR, raising=False)
    caplog.set_level(logging.INFO, logger="snakemake_executor_domino.local")
    with LocalDomino(tmp_path, projects=["ann/plain"]) as domino:
        api = make_api(domino, "ann/plain")
        jobs = [api.start('echo "dir=$DOMINO_WORKING_DIR"') for _ in range(2)]
        for job in jobs:
            assert api.wait(job["id"])["statuses"]["executionStatus"] == "Succeeded"
            assert api.log(job["id"]) == f"dir={domino.config.runs_dir / job['id']}"
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "WITHOUT isolation" in warnings[0] and "`no-bwrap-here` not found" in warnings[0]
    assert "install bubblewrap" in warnings[0]


def test_a_forced_namespace_that_cannot_be_made_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolation, "TOOLS", {"bwrap": "no-bwrap-here", "unshare": "no-unshare"})
    domino = LocalDomino(tmp_path, isolation="namespace")
    with pytest.raises(IsolationUnavailable, match="install bubblewrap"):
        domino.start()
    domino.stop()


def test_the_environment_variable_sets_the_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(isolation.ENV_VAR, "none")
    with LocalDomino(tmp_path, projects=["ann/off"]) as domino:
        assert domino.backend.runner.isolation.mode == "none"
        api = make_api(domino, "ann/off")
        job = api.start('echo "dir=$DOMINO_WORKING_DIR"')
        api.wait(job["id"])
        assert api.log(job["id"]) == f"dir={domino.config.runs_dir / job['id']}"
    monkeypatch.setenv(isolation.ENV_VAR, "sometimes")
    with pytest.raises(ValueError, match="SNAKEMAKE_DOMINO_LOCAL_ISOLATION: 'sometimes'"):
        LocalDomino(tmp_path)
