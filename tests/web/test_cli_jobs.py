"""`snakemake-domino jobs list|show|log|stop` against a local Domino over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from snakemake_executor_domino.cli import main
from tests.conftest import DominoServer
from tests.web.conftest import wait_job

CLI = str(Path(sys.executable).parent / "snakemake-domino")


@pytest.fixture
def env(domino: DominoServer, project: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith(("DOMINO_", "SNAKEMAKE_DOMINO_")):
            monkeypatch.delenv(name)
    values = {
        "SNAKEMAKE_DOMINO_URL": domino.url,
        "SNAKEMAKE_DOMINO_PROJECT": project,
        "SNAKEMAKE_DOMINO_API_KEY": domino.api_key,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_list_prints_what_the_server_holds(domino, project, env, capsys):
    client = domino.client(project)
    ok = client.start_job("echo fine", title="the good one")
    bad = client.start_job("exit 2", title="the bad one", tier_id="medium-k8s")
    wait_job(client, ok.id, ("Succeeded",))
    wait_job(client, bad.id, ("Failed",))

    assert main(["jobs", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["#", "STATUS", "TIER", "STARTED", "DURATION", "JOBS", "TITLE"]
    assert lines[1].split()[:3] == ["2", "Failed", "Medium"]
    assert lines[1].endswith("the bad one")
    assert lines[2].split()[:3] == ["1", "Succeeded", "Small"]
    assert lines[2].endswith("the good one")

    assert main(["jobs", "list", "--status", "failed"]) == 0
    out = capsys.readouterr().out
    assert "the bad one" in out and "the good one" not in out

    assert main(["jobs", "list", "--limit", "1"]) == 0
    assert "(1 of 2 jobs" in capsys.readouterr().out


def test_list_shows_how_many_snakemake_jobs_each_ran(domino, project, env, capsys):
    client = domino.client(project)
    pack = "snakemake pack of 3 (touch) [run r1 job r1-p1 try 1]"
    single = "snakemake touch i=1 [run r1 job 4 try 1]"
    for title in (pack, single):
        wait_job(client, client.start_job("true", title=title).id, ("Succeeded",))

    assert main(["jobs", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    jobs = lines[0].index("JOBS")
    assert [line[jobs:jobs + 4].strip() for line in lines[1:]] == ["1", "3"]


def test_the_tier_comes_from_runtime_details_where_the_job_names_none(
    domino, project, env, capsys, monkeypatch
):
    # Domino 5.0's job answer names no tier; list and show read runtimeExecutionDetails
    client = domino.client(project)
    job = client.start_job("echo fine", title="tiered", tier_id="medium-k8s")
    job = wait_job(client, job.id, ("Succeeded",))
    assert job.tier_id is None
    assert main(["jobs", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == [
        str(job.number), "Succeeded", "Medium"]
    assert main(["jobs", "show", job.id]) == 0
    assert "Medium (medium-k8s)" in capsys.readouterr().out


def test_show_gives_details_and_the_job_page_url(domino, project, env, capsys):
    client = domino.client(project)
    job = client.start_job("echo hi", title="shown")
    job = wait_job(client, job.id, ("Succeeded",))
    for ref in (job.id, "1", "#1"):
        assert main(["jobs", "show", ref]) == 0
        out = capsys.readouterr().out
        assert f"page           {domino.url}/jobs/{project}/{job.id}" in out
        assert "status         Succeeded" in out and "command        echo hi" in out
        assert f"input commit   {job.input_commit_id}" in out


def test_log_prints_the_jobs_output(domino, project, env, capsys):
    client = domino.client(project)
    job = client.start_job("echo out line; echo err line >&2", title="logged")
    wait_job(client, job.id, ("Succeeded",))
    held = domino.server.backend.runner.logs.output(job.id)
    assert main(["jobs", "log", job.id]) == 0
    assert capsys.readouterr().out == held
    assert main(["jobs", "log", "--setup", job.id]) == 0
    out = capsys.readouterr().out
    assert "preparing files of commit" in out and out.endswith(held)


def test_log_follow_streams_until_the_job_ends(domino, project, env):
    client = domino.client(project)
    job = client.start_job(
        "echo one; sleep 1; echo two; sleep 1; printf three", title="streams"
    )
    wait_job(client, job.id, ("Running",))
    proc = subprocess.Popen(
        [CLI, "jobs", "log", "--follow", "--interval", "0.2", job.id],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # arrives while the job still runs
    assert first == "one\n"
    assert client.get_job(job.id).status == "Running"
    # read() rather than communicate(): communicate reads the pipe itself and would lose
    # what readline() already buffered ("two" when it came with "one")
    out = proc.stdout.read()
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.wait(timeout=30) == 0
    assert first + out == "one\ntwo\nthree\n"
    assert "ended: Succeeded" in err


def test_stop_ends_a_running_job(domino, project, env, capsys):
    client = domino.client(project)
    job = client.start_job("sleep 60", title="to stop")
    wait_job(client, job.id, ("Running",))
    assert main(["jobs", "stop", "1"]) == 0
    assert wait_job(client, job.id, ("Stopped",)).status == "Stopped"
    capsys.readouterr()
    assert main(["jobs", "stop", job.id]) == 0
    assert "already ended: Stopped" in capsys.readouterr().out


def test_errors_are_one_line_without_traceback(domino, project, env, capsys, monkeypatch):
    assert main(["jobs", "show", "42"]) == 2
    assert f"no job #42 in {project}" in capsys.readouterr().err
    assert main(["jobs", "show", "0123456789abcdef01234567"]) == 2
    assert "no job 0123456789abcdef01234567" in capsys.readouterr().err
    monkeypatch.setenv("SNAKEMAKE_DOMINO_API_KEY", "wrong")
    assert main(["jobs", "list"]) == 2
    err = capsys.readouterr().err
    assert "refused the credentials" in err
    monkeypatch.setenv("SNAKEMAKE_DOMINO_API_KEY", domino.api_key)
    monkeypatch.delenv("SNAKEMAKE_DOMINO_URL")
    assert main(["jobs", "list"]) == 2
    assert "--url" in capsys.readouterr().err
    assert main(["jobs", "list", "--url", domino.url, "--project", "nobody/nothing"]) == 2
    assert "nobody/nothing does not exist" in capsys.readouterr().err


def test_flags_override_the_environment(domino, project, env, capsys, monkeypatch):
    other = domino.new_project("cli-other")
    client = domino.client(other)
    job = client.start_job("true", title="in the other project")
    wait_job(client, job.id, ("Succeeded",))
    assert main(["jobs", "list", "--project", other]) == 0
    assert "in the other project" in capsys.readouterr().out


def test_jobs_group_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit):
        main(["jobs", "--help"])
    out = capsys.readouterr().out
    for sub in ("list", "show", "log", "stop"):
        assert sub in out
