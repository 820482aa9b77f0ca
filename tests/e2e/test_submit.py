"""`snakemake-domino submit`: the whole run as one Domino job on the local Domino.

A tiny workflow outside git: submit pushes it, one Domino job runs `snakemake --executor
domino` in the project, whose rule runs as a further Domino job reached through the
variables Domino sets in a run; the log streams back and the exit status is the run's. A
second submit finds nothing to do; a failing rule makes submit fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from snakemake_executor_domino.cli import main
from snakemake_executor_domino.domino import Credentials, DominoClient
from tests.conftest import DominoServer
from tests.reliability.conftest import wait_for

pytestmark = pytest.mark.slow

SNAKEFILE = '''
rule all:
    input: "out/greeting.txt"

rule greet:
    input: "data/name.txt"
    output: "out/greeting.txt"
    shell: "echo hello $(cat {input}) > {output}"

rule broken:
    output: "out/broken.txt"
    shell: "echo boom >&2; exit 3"
'''


@pytest.fixture
def submit(domino: DominoServer, tmp_path, monkeypatch, capsys):
    project = domino.new_project("submit")
    for name in ("SNAKEMAKE_DOMINO_URL", "SNAKEMAKE_DOMINO_PROJECT", "SNAKEMAKE_DOMINO_API_KEY",
                 "DOMINO_API_HOST", "DOMINO_PROJECT_OWNER", "DOMINO_PROJECT_NAME",
                 "DOMINO_USER_API_KEY", "DOMINO_TOKEN_FILE", "DOMINO_API_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_URL", domino.url)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_PROJECT", project)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_API_KEY", domino.api_key)
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "name.txt").write_text("domino\n")
    monkeypatch.chdir(tmp_path)
    owner, name = project.split("/")
    client = DominoClient(domino.url, owner, name, Credentials(api_key=domino.api_key))

    def run(*command: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["submit", "--interval", "0.5", "--",
                     "snakemake", "--executor", "domino", "-j", "2",
                     "--domino-poll-interval", "0.5", *command])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run, client


def test_submit_runs_the_workflow_inside_domino_and_returns_its_status(submit):
    run, client = submit
    code, out, err = run("all")
    assert code == 0, out[-3000:] + err
    assert "Domino executor:" in out and "rule greet: Domino job #" in out  # the job's log
    assert "ended: Succeeded" in err
    jobs, _ = client.list_jobs(page_size=20)
    assert len(jobs) == 2  # the submitter and the rule's job
    submitter, rule_job = sorted(jobs, key=lambda j: j.number or 0)
    assert submitter.command.startswith("snakemake --executor domino -j 2")  # as given
    assert "--target-jobs" in rule_job.command
    greeting = {e.path for e in client.walk_files(client.get_job(submitter.id).output_commit_id)}
    assert "out/greeting.txt" in greeting  # the run's outputs are in the project

    again, out, err = run("all")
    assert again == 0 and "Nothing to be done" in out


def test_a_failing_rule_fails_the_submit(submit):
    run, _ = submit
    code, out, err = run("out/broken.txt")
    assert code == 1
    assert "boom" in out and "ended: Failed" in err


def test_ctrl_c_stops_the_submitter_and_the_jobs_it_started(domino: DominoServer, tmp_path):
    project = domino.new_project("submit-stop")
    (tmp_path / "Snakefile").write_text(
        'rule long:\n    output: "out/long.txt"\n    shell: "sleep 600; touch {output}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env.update(SNAKEMAKE_DOMINO_URL=domino.url, SNAKEMAKE_DOMINO_PROJECT=project,
               SNAKEMAKE_DOMINO_API_KEY=domino.api_key)
    proc = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "snakemake-domino"), "submit",
         "--interval", "0.5",
         "--", "snakemake", "--executor", "domino", "-j", "1", "--domino-poll-interval", "0.5",
         "out/long.txt"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    owner, name = project.split("/")
    client = DominoClient(domino.url, owner, name, Credentials(api_key=domino.api_key))
    try:
        wait_for(lambda: len([j for j in client.list_jobs(page_size=20)[0]
                              if j.status == "Running"]) == 2, 120, "the rule's job running")
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, output
    jobs, _ = client.list_jobs(page_size=20)
    assert [j.status for j in jobs] == ["Stopped", "Stopped"], output
