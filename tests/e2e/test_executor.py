"""Real `snakemake --executor domino` runs against a real local Domino over HTTP."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DominoServer, run_snakemake, snakemake_env

pytestmark = pytest.mark.slow

WORKFLOWS = Path(__file__).parent / "workflows"


def copy_workflow(name: str, dest: Path) -> Path:
    shutil.copytree(WORKFLOWS / name, dest / name)
    return dest / name


def domino_jobs(domino: DominoServer, project: str):
    jobs, _ = domino.client(project).list_jobs(page_size=500)
    return jobs


@pytest.fixture
def basic(tmp_path, domino):
    project = domino.new_project("basic")
    workdir = copy_workflow("basic", tmp_path)
    return workdir, project


def test_full_workflow_chain_fanout_script_directory_group_logs(basic, domino):
    workdir, project = basic
    # one Domino job per Snakemake job, counted below: a loaded machine starts jobs slowly
    # enough for --domino-pack auto to pack some (tests/e2e/test_packing.py)
    result = run_snakemake(workdir, domino, project, "--domino-pack", "off")

    assert (workdir / "upper/a.txt").read_text() == "HELLO A WORLD\nSECOND LINE OF A\n"
    assert (workdir / "counts/b.txt").read_text() == "b 7\n"
    summary = (workdir / "summary.txt").read_text()
    assert summary == "a 7\nb 7\nc 7\n"
    # directory output, nested files included
    assert sorted(p.name for p in (workdir / "shards").iterdir() if p.name[0] != ".") == [
        "deep",
        "part-aa",
        "part-ab",
        "part-ac",
    ]
    assert (workdir / "shards/deep/copy.txt").read_text() == summary
    # log: files come back too
    assert (workdir / "logs/upper/c.log").read_text() == "upper c\n"
    # the group ran as one Domino job and brought back both members' outputs
    assert (workdir / "grouped/first.txt").exists()
    assert (workdir / "grouped/final.txt").read_text().strip() == "4"

    jobs = domino_jobs(domino, project)
    assert all(job.status == "Succeeded" for job in jobs)
    # 3 upper + 3 count + summary + shards + 1 group job
    assert len(jobs) == 9
    group_jobs = [job for job in jobs if "group pair" in job.title]
    assert len(group_jobs) == 1
    # every rule ran on the tier it named; rules without one on the project default
    by_rule = {job.title.split()[1]: job.tier_name for job in domino.jobs(project)}
    assert by_rule["upper"] == "Small"
    assert by_rule["count"] == "Medium"
    assert by_rule["summary"] == "Large"
    assert by_rule["shards"] == "Small"
    # the submission log names each job's page
    assert f"{domino.url}/jobs/{project}/" in result.stderr
    # no temp files left beside outputs
    assert not list(workdir.rglob("*.part"))

    # a rerun after success starts no Domino job
    run_snakemake(workdir, domino, project)
    assert len(domino_jobs(domino, project)) == 9

    # touching one input reruns exactly its dependants
    time.sleep(1.1)
    (workdir / "data/b.txt").write_text("changed b\n")
    run_snakemake(workdir, domino, project)
    new = domino_jobs(domino, project)[: len(domino_jobs(domino, project)) - 9]
    rules = sorted(job.title.split()[1] for job in new)
    assert rules == ["count", "shards", "summary", "upper"]
    assert (workdir / "counts/b.txt").read_text() == "b 2\n"


def test_unknown_tier_fails_before_any_job(tmp_path, domino):
    project = domino.new_project("badtier")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(
        'rule a:\n    output: "a.txt"\n    resources: tier="Humongous"\n'
        '    shell: "echo a > {output}"\n'
    )
    result = run_snakemake(workdir, domino, project, check=False)
    assert result.returncode != 0
    assert "Humongous" in result.stderr
    assert "Valid tiers:" in result.stderr and "Small" in result.stderr
    assert domino_jobs(domino, project) == []


def test_failing_rule_reports_log_and_url_and_pulls_nothing(tmp_path, domino):
    project = domino.new_project("failing")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    snakefile = workdir / "Snakefile"
    snakefile.write_text(
        'rule all:\n    input: "b.txt"\n'
        'rule a:\n    output: "a.txt"\n    shell: "echo first > {output}"\n'
        'rule b:\n    input: "a.txt"\n    output: "b.txt"\n'
        '    shell: "echo partial > {output}; echo something went wrong >&2; exit 3"\n'
    )
    result = run_snakemake(workdir, domino, project, check=False)
    assert result.returncode != 0
    assert "something went wrong" in result.stderr
    failed = [job for job in domino_jobs(domino, project) if job.status == "Failed"]
    assert len(failed) == 1
    assert f"/jobs/{project}/{failed[0].id}" in result.stderr
    assert not (workdir / "b.txt").exists()
    saved = list((workdir / ".snakemake/domino_logs").glob("*.log"))
    assert saved and "something went wrong" in saved[0].read_text()

    # fix the rule: the rerun completes and reuses a.txt
    snakefile.write_text(snakefile.read_text().replace("; exit 3", ""))
    run_snakemake(workdir, domino, project)
    assert (workdir / "b.txt").read_text() == "partial\n"
    titles = [job.title for job in domino_jobs(domino, project)]
    assert sum(" a " in f" {t} " for t in titles) == 1


def test_missing_declared_output_is_an_error(tmp_path, domino):
    project = domino.new_project("missing")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(
        'rule a:\n    output: "promised.txt"\n    shell: "echo other > elsewhere.txt"\n'
    )
    result = run_snakemake(workdir, domino, project, check=False)
    assert result.returncode != 0
    assert "promised.txt" in result.stderr


def test_ctrl_c_stops_every_started_job(tmp_path, domino):
    project = domino.new_project("cancel")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(
        'rule all:\n    input: expand("slow{i}.txt", i=range(3))\n'
        'rule slow:\n    output: "slow{i}.txt"\n    shell: "sleep 120; touch {output}"\n'
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", "3"],
        cwd=workdir,
        env=snakemake_env(domino, project),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = domino.client(project)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        jobs, _ = client.list_jobs()
        if len(jobs) == 3 and all(job.status == "Running" for job in jobs):
            break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("jobs never started running")
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=90)
    assert proc.returncode != 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        jobs, _ = client.list_jobs()
        if all(job.status == "Stopped" for job in jobs):
            break
        time.sleep(0.3)
    assert [job.status for job in jobs] == ["Stopped"] * 3, output
    assert "stopped 3 Domino job(s)" in output


# one run with every debug line, read by the tests below (on one xdist worker)
VERBOSE_RUN = pytest.mark.xdist_group("executor_verbose_run")


@pytest.fixture(scope="module")
def verbose_run(tmp_path_factory, domino):
    project = domino.new_project("basic")
    workdir = copy_workflow("basic", tmp_path_factory.mktemp("verbose"))
    result = run_snakemake(workdir, domino, project, "--printshellcmds", "--verbose")
    return workdir, project, result


@VERBOSE_RUN
def test_snakemakes_rate_limit_rechecks_share_one_timer(verbose_run):
    """planning_rounds.py is applied to the scheduler driving the run: without it every
    planning round books a re-check of its own, and they multiply while jobs wait."""
    _, _, result = verbose_run
    said = "Snakemake's rate-limit re-checks share one timer per"
    assert (result.stdout + result.stderr).count(said) == 1, result.stderr[-3000:]
    # and the scheduler Snakemake built still has the selector a futile round skips
    assert "rounds with nothing free select nothing" in result.stdout + result.stderr


@VERBOSE_RUN
def test_secret_never_written(verbose_run, domino):
    workdir, project, result = verbose_run
    key = domino.api_key
    assert key not in result.stdout and key not in result.stderr
    for path in workdir.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path
    for job in domino_jobs(domino, project):
        assert key not in job.command and key not in job.title
    # nor in what the server keeps of the run: job logs, state, run directories
    # (the server is shared: logs of other tests' jobs, some printing their environment,
    # are not this run's)
    ours = {job.id for job in domino_jobs(domino, project)}
    for path in Path(domino.server.root).rglob("*"):
        if path.parent.name == "logs" and path.name.split(".")[0] not in ours:
            continue
        if path.is_file() and path.name != "api_key":
            assert key.encode() not in path.read_bytes(), path


def test_embedded_local_domino_when_nothing_configured(tmp_path):
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(
        'rule a:\n    output: "a.txt"\n    resources: tier="Small"\n'
        '    shell: "echo $DOMINO_PROJECT_NAME > {output}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", "1"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    first = next(line for line in result.stderr.splitlines() if "Domino executor" in line)
    assert "embedded local Domino" in first and ".snakemake/domino-local" in first
    assert (workdir / "a.txt").read_text().strip() == "wf"
