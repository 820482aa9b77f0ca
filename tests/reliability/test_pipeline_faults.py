"""The example ML pipeline through the Domino executor under faults, crashes and interrupts.

- 10% of API requests fail (every kind of fault, before and after the server acted): the
  outputs are byte-identical to a fault-free run and no Domino job is started twice.
- Snakemake is SIGKILLed while jobs run on Domino: the rerun reattaches to them, starts none
  of them again, and ends with identical outputs.
(Ctrl-C and SIGTERM: test_interrupt.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import copy_pipeline
from tests.reliability.conftest import (
    COMPARED,
    FaultyDomino,
    assert_secret_absent,
    job_label,
    part_files,
    server_process,
    wait_for,
)

# both compare with the session's local run of the pipeline (`baseline`), as does the
# workflow test: on one worker it runs once for the three
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("local_pipeline_run")]

ALL_KINDS = "500,502,503,429,drop,slow,truncate"


def pipeline_env(url: str, api_key: str, project: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env.update(
        SNAKEMAKE_DOMINO_URL=url,
        SNAKEMAKE_DOMINO_PROJECT=project,
        SNAKEMAKE_DOMINO_API_KEY=api_key,
        SNAKEMAKE_DOMINO_POLL_INTERVAL="0.5",
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        **extra,
    )
    return env


def snakemake_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", "3", *args]


def run(workdir: Path, env: dict[str, str], *args: str, timeout: float = 300):
    result = subprocess.run(
        snakemake_cmd(*args), cwd=workdir, env=env, capture_output=True, text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"snakemake failed:\n{result.stdout}\n{result.stderr}"
    return result


def outputs(workdir: Path) -> dict[str, bytes]:
    return {path: (workdir / path).read_bytes() for path in COMPARED}


def starts_per_job(client) -> Counter[str]:
    """Domino jobs per Snakemake job (rule and wildcards: the title without the run mark)."""
    jobs, _ = client.list_jobs(page_size=500)
    return Counter(job_label(job).split(" [run ")[0] for job in jobs)


def fits_running(client, at_least: int = 2):
    jobs, _ = client.list_jobs(page_size=100)
    running = [j for j in jobs if " fit " in job_label(j) and j.status == "Running"]
    return jobs if len(running) >= at_least else None


@pytest.fixture(scope="module")
def baseline(local_pipeline_run: Path) -> dict[str, bytes]:
    """The pipeline's outputs from a fault-free run: Snakemake's local executor's, which
    a run through Domino matches byte for byte (tests/conftest.py, local_pipeline_run)."""
    return outputs(local_pipeline_run)


def test_ten_percent_faults_of_every_kind_change_nothing(faulty, baseline, tmp_path):
    project = faulty.new_project("faults")
    client = faulty.client(project)
    workdir = copy_pipeline(tmp_path / "faults")
    before = faulty.injected()
    hot_before = faulty.server.faults.state()["hot"]
    # 10% of all requests, every kind in turn; and every job start really starts its job
    # but then loses (or delays) its answer: each must be found again, never started twice
    spec = f"rate=0.1,kinds={ALL_KINDS},pick=cycle,delay=1,seed=7,hot=^POST /v4/jobs/start$"
    with faulty.faults(spec):
        result = run(
            workdir,
            pipeline_env(
                faulty.url, faulty.api_key, project, SNAKEMAKE_DOMINO_RETRY_BUDGET="60"
            ),
            "--printshellcmds",
            "--verbose",
        )
    injected = faulty.injected() - before
    hot = faulty.server.faults.state()["hot"] - hot_before
    print(f"faults injected: {sum(injected.values())} ({hot} on job starts) {dict(injected)}")

    # the faults happened, every kind of them, before and after the server acted
    kinds = {name.split("-")[0] for name in injected}
    assert kinds == set(ALL_KINDS.split(",")), injected
    assert {"500-after", "502-after", "drop-after"} & set(injected), injected
    # byte-identical outputs, and one Domino job per Snakemake job
    assert outputs(workdir) == baseline
    starts = starts_per_job(client)
    assert len(starts) == 9 and set(starts.values()) == {1}, starts
    assert hot == 9  # each start was hit once, after it had started its job
    assert all(job.status == "Succeeded" for job in client.list_jobs(page_size=100)[0])
    # no temp file where an output belongs, nothing left open, and the key nowhere
    assert part_files(workdir) == []
    assert open_journal_entries(workdir, client) == []
    assert_secret_absent(
        faulty.api_key,
        result.stdout,
        result.stderr,
        *(job.command + job.title for job in client.list_jobs(page_size=100)[0]),
        paths=(workdir, *server_artefacts(faulty)),
    )


def open_journal_entries(workdir: Path, client) -> list[str]:
    """Journal lines still open (submitted, never settled) once a run is over."""
    from snakemake_executor_domino.runs.journal import Journal

    journal = Journal(workdir, client.project_id)  # compacts: only open entries remain
    return journal.path.read_text().splitlines()


def server_artefacts(faulty: FaultyDomino) -> list[Path]:
    """Everything the local Domino keeps (job logs, runs, state) except its own key file."""
    root = Path(faulty.server.root)
    return [p for p in root.iterdir() if p.name != "api_key"]


def test_sigkill_mid_pipeline_then_rerun_reattaches(baseline, tmp_path):
    project = "tester/crash"
    workdir = copy_pipeline(tmp_path / "crash")
    with server_process(tmp_path / "domino", project) as server:
        client = server.client(project)
        env = pipeline_env(server.url, server.api_key, project)
        proc = subprocess.Popen(
            snakemake_cmd(), cwd=workdir, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )
        try:
            at_kill = wait_for(lambda: fits_running(client), 120, "two fits running")
        finally:
            proc.kill()  # SIGKILL: no cleanup, no cancel, lock files left behind
            proc.communicate()
        unfinished = [job for job in at_kill if not job.finished]
        assert unfinished, "nothing was running on Domino when Snakemake was killed"

        # Snakemake's own lock outlives a SIGKILL; --unlock is the documented way out
        subprocess.run(
            [sys.executable, "-m", "snakemake", "--unlock"], cwd=workdir, env=env,
            capture_output=True, check=True, timeout=120,
        )
        rerun = run(workdir, env, "--rerun-incomplete")

        starts = starts_per_job(client)
        log = rerun.stdout + rerun.stderr
        # every job of the first run that was running or done was reattached, not started
        for job in at_kill:
            assert starts[job_label(job).split(" [run ")[0]] == 1, (job_label(job), starts)
        assert len(starts) == 9 and set(starts.values()) == {1}, starts
        assert log.count("reattached to Domino job") >= len(unfinished), log
        # what the journal still holds (a job whose success the killed run reported in its
        # last moments) is finished on Domino: nothing is left running unknown
        for line in open_journal_entries(workdir, client):
            if '"submitted"' in line:
                assert client.get_job(json.loads(line)["job"]).finished, line
    assert outputs(workdir) == baseline
    assert part_files(workdir) == []
