"""Provenance and the run summary after the example pipeline ran through the local Domino
(the session's shared run): `snakemake-domino provenance models/forest.pkl` names the job
that made it with a page that answers, an edit is flagged, and the summary the run logged
agrees with the server's own records of its jobs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_RUN, DominoServer, PipelineRun
from tests.web.conftest import logged_in

pytestmark = pytest.mark.slow


def cli(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # the console script's entry point, run as a module of this interpreter
    code = "import sys; from snakemake_executor_domino.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=workdir,
                          capture_output=True, text=True, timeout=60)


def server_jobs(domino: DominoServer, project: str) -> list:
    """The local Domino's own records of the project's jobs (its job table)."""
    store = domino.server.backend.store
    project_id = domino.client(project).project_id
    jobs, _ = store.list_jobs(project_id, ("Succeeded", "Failed", "Error", "Stopped"),
                              descending=False, order_by="number", limit=1000, offset=0)
    return jobs


@EXAMPLE_RUN
def test_provenance_names_the_job_that_made_the_model_and_flags_an_edit(
    example_run: PipelineRun, domino: DominoServer, tmp_path: Path
):
    # a copy: the shared run's files stay as the run left them for the other tests
    workdir = tmp_path / "run"
    shutil.copytree(example_run.workdir, workdir, symlinks=True,
                    ignore=shutil.ignore_patterns("conda", "incomplete", "locks"))

    shown = cli(workdir, "provenance", "models/forest.pkl")
    assert shown.returncode == 0, shown.stderr
    maker = next(job for job in server_jobs(domino, example_run.project)
                 if re.match(r"snakemake fit model=forest \[run ", job.title))
    assert f"Domino job #{maker.number} (Succeeded)" in shown.stdout
    assert f"job id       {maker.id}" in shown.stdout
    assert "rule         fit (model=forest)" in shown.stdout
    assert "tier         Medium" in shown.stdout
    assert f"output {maker.output_commit_id}" in shown.stdout
    assert "unchanged since it was pulled back" in shown.stdout
    url = re.search(r"page\s+(\S+)", shown.stdout).group(1)
    assert url == f"{domino.url}/jobs/{example_run.project}/{maker.id}"
    page = logged_in(domino).get(url, timeout=30)
    assert page.status_code == 200 and maker.title in page.text

    with open(workdir / "models/forest.pkl", "ab") as f:
        f.write(b"edited")
    flagged = cli(workdir, "provenance", "models/forest.pkl")
    assert flagged.returncode == 1
    assert "CHANGED since it was pulled back" in flagged.stdout
    assert f"Domino job #{maker.number}" in flagged.stdout


@EXAMPLE_RUN
def test_run_summary_matches_the_servers_records(example_run: PipelineRun,
                                                 domino: DominoServer):
    logged = re.search(r"Domino run (\w+): (\d+) job\(s\)", example_run.result.stderr)
    assert logged, example_run.result.stderr[-3000:]
    run_id, count = logged.group(1), int(logged.group(2))
    shown = cli(example_run.workdir, "runs", "show", run_id, "--json")
    assert shown.returncode == 0, shown.stderr
    summary = json.loads(shown.stdout)

    jobs = [job for job in server_jobs(domino, example_run.project)
            if f"[run {run_id} job " in job.title]
    assert count == summary["jobs"] == len(jobs) == 9
    expected: dict[str, dict[str, int]] = {}
    for job in jobs:
        tier = expected.setdefault(job.tier_name, {"jobs": 0, "queued_ms": 0, "run_ms": 0})
        tier["jobs"] += 1
        tier["queued_ms"] += job.started_ms - job.submitted_ms
        tier["run_ms"] += job.completed_ms - job.started_ms
    got = {t["tier"]: {k: t[k] for k in ("jobs", "queued_ms", "run_ms")}
           for t in summary["tiers"]}
    assert got == expected
    assert summary["run_ms"] == sum(t["run_ms"] for t in expected.values())
    assert summary["wall_ms"] == (max(j.completed_ms for j in jobs)
                                  - min(j.submitted_ms for j in jobs))
    slowest = max(jobs, key=lambda j: j.completed_ms - j.started_ms)
    assert summary["slowest"][0]["job_id"] == slowest.id

    # what each job used, read from Domino's usage route, is what the server measured
    recorded = {job["job_id"]: job for job in summary["jobs_recorded"]}
    for job in jobs:
        mine = recorded[job.id]
        assert mine["usage_source"] == "domino" and job.peak_memory_bytes
        assert mine["peak_memory_bytes"] == job.peak_memory_bytes
        assert abs(mine["cpu_seconds"] - job.cpu_seconds) < 0.05
    assert all(rule["mean_cores"] is not None for rule in summary["rules"])

    # the table the run logged shows the same numbers
    for tier, numbers in expected.items():
        row = next(line.split() for line in example_run.result.stderr.splitlines()
                   if line.split()[:2] == [tier, str(numbers["jobs"])])
        assert f"{numbers['run_ms'] / 60_000:.2f}" in row
