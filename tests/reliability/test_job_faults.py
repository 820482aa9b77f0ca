"""Domino jobs that die mid-run or are stopped behind Snakemake's back: each is reported
with its state, its URL and its log, nothing half-made comes back, and a rerun finishes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import snakemake_env
from tests.reliability.conftest import FaultyDomino, part_files

pytestmark = pytest.mark.slow

SNAKEFILE = """
rule all:
    input: "killed.txt", "stopped.txt", "fine.txt"

rule slow:
    output: "{name}.txt"
    params: delay=lambda wc: 0 if wc.name == "fine" else config.get("delay", 60)
    shell:
        "echo partial > {output}; echo started {wildcards.name}; sleep {params.delay};"
        " echo done >> {output}"
"""


def test_killed_and_stopped_jobs_are_reported_and_rerun(faulty: FaultyDomino, tmp_path: Path):
    project = faulty.new_project("job-faults")
    client = faulty.client(project)
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    env = snakemake_env(faulty, project, poll=0.3)
    cmd = [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", "3",
           "--keep-going"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 120
        by_name: dict[str, str] = {}
        while time.monotonic() < deadline:
            jobs, _ = client.list_jobs()
            # on 5.0 a job is named just after its start: one running unnamed is skipped
            by_name = {words[2]: j.id for j in jobs
                       if j.status == "Running" and len(words := (j.title or "").split()) > 2}
            # both slow jobs have written their partial outputs and are sleeping
            if {"name=killed", "name=stopped"} <= by_name.keys() and all(
                "started" in client.job_log(by_name[n]) for n in ("name=killed", "name=stopped")
            ):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the slow jobs never ran")
        assert faulty.server.faults.kill_job(by_name["name=killed"])
        client.stop_job(by_name["name=stopped"])
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode != 0
    states = {j.title.split()[2]: j.status for j in client.list_jobs()[0]}
    assert states == {"name=killed": "Failed", "name=stopped": "Stopped", "name=fine": "Succeeded"}
    for name, state in (("killed", "Failed"), ("stopped", "Stopped")):
        assert f"rule slow (name={name}): Domino job #" in output
        assert f"ended {state}" in output
        # half-written outputs of the dead jobs never come back
        assert not (tmp_path / f"{name}.txt").exists()
    assert f"{faulty.url}/jobs/{project}/" in output
    assert "    started killed" in output  # the tail of the job's log, indented
    saved = {p.name: p.read_text() for p in (tmp_path / ".snakemake/domino_logs").iterdir()}
    assert len(saved) == 2
    assert any("name=killed" in name and "started killed" in text for name, text in saved.items())
    assert (tmp_path / "fine.txt").read_text() == "partial\ndone\n"
    assert part_files(tmp_path) == []

    # the rerun redoes exactly the two dead jobs
    rerun = subprocess.run(
        [*cmd, "--config", "delay=0"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert (tmp_path / "killed.txt").read_text() == "partial\ndone\n"
    assert (tmp_path / "stopped.txt").read_text() == "partial\ndone\n"
    assert len(client.list_jobs()[0]) == 5


def test_embedded_domino_takes_faults_from_the_env_var(tmp_path: Path):
    (tmp_path / "Snakefile").write_text(
        'rule all:\n    input: expand("out/{i}.txt", i=range(3))\n'
        'rule one:\n    output: "out/{i}.txt"\n    shell: "echo {wildcards.i} > {output}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env.update(
        SNAKEMAKE_DOMINO_LOCAL_FAULTS="rate=0.2,kinds=all,pick=cycle,delay=0.5",
        SNAKEMAKE_DOMINO_POLL_INTERVAL="0.3",
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
    )
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", "3"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "fault injection is ON in the embedded local Domino" in result.stderr
    assert [(tmp_path / f"out/{i}.txt").read_text() for i in range(3)] == ["0\n", "1\n", "2\n"]
    assert part_files(tmp_path) == []
