"""Each recovery branch of the executor, driven end to end through the local Domino's fault
injection: a test here fails when its branch is removed.

- a failed status check yields the jobs again: the job list answers 500 until the
  warning shows;
- a second start of one job is stopped: a start request held past the client's lookup;
- pulling outputs back is retried next cycle: the download answers 500 until the warning;
- a journal that cannot be written does not end polling: the journal made a directory;
- stopping on Ctrl-C is bounded by --domino-cancel-timeout: every stop answers 503;
- a rerun reattaches by title to a start whose answer never came: Snakemake killed while
  the answer is held back.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import snakemake_env
from tests.reliability.conftest import FaultyDomino, WatchedSnakemake, job_label, wait_for

pytestmark = pytest.mark.slow

JOURNAL = ".snakemake/domino_journal.jsonl"


def workflow(tmp_path, shell: str, outputs: int = 1):
    """`outputs` jobs of rule `a` (wildcard i), each running `shell` and writing out/{i}.txt."""
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(
        f'rule all:\n    input: expand("out/{{i}}.txt", i=range({outputs}))\n'
        f'rule a:\n    output: "out/{{i}}.txt"\n'
        f'    shell: "{shell}; echo done {{wildcards.i}} > {{output}}"\n'
    )
    return workdir


def start(faulty: FaultyDomino, project: str, workdir, *args: str, **settings: str):
    env = snakemake_env(faulty, project, poll=0.5)
    env.update({f"SNAKEMAKE_DOMINO_{name.upper()}": value for name, value in settings.items()})
    return WatchedSnakemake(workdir, env, *args)


def jobs_of(faulty: FaultyDomino, project: str):
    return faulty.client(project).list_jobs(page_size=100)[0]


def test_failed_status_check_yields_the_job_again(faulty, tmp_path):
    project = faulty.new_project("poll")
    workdir = workflow(tmp_path, "sleep 2")
    # a status check gives up after urllib3's two retries, then the executor's branch acts
    run = start(faulty, project, workdir, retry_budget="1")
    run.await_line(r"rule a \(i=0\): Domino job #")
    with faulty.faults("paths=^GET /v4/jobs$,rate=1,kinds=500,when=before"):
        run.await_line("Domino status check failed, will retry")
    assert run.finish() == 0, run.output
    assert (workdir / "out/0.txt").read_text() == "done 0\n"
    assert [job.status for job in jobs_of(faulty, project)] == ["Succeeded"]


def test_second_start_of_one_job_is_stopped(faulty, tmp_path):
    project = faulty.new_project("duplicate")
    workdir = workflow(tmp_path, "sleep 20")
    # the first start request is held 12 s before Domino acts on it; the client gives up
    # waiting after 2 s, looks for the job by its title for 5 s, and starts it again; then
    # the held request lands: a second job with the same title
    spec = "paths=^POST /v4/jobs/start$,rate=1,limit=1,kinds=slow,when=before,delay=12"
    with faulty.faults(spec):
        run = start(faulty, project, workdir, request_timeout="2")
        run.await_line("a second start of a job that is already running")
    assert run.finish() == 0, run.output
    jobs = jobs_of(faulty, project)
    assert len({job_label(job) for job in jobs}) == 1
    assert sorted(job.status for job in jobs) == ["Stopped", "Succeeded"], jobs
    assert (workdir / "out/0.txt").read_text() == "done 0\n"


def test_failed_pull_is_retried_next_cycle(faulty, tmp_path):
    project = faulty.new_project("pull")
    workdir = workflow(tmp_path, "true")
    # the content route (Domino 5.10+) or the v1 blob of its key (before; the default here)
    content = (r"^GET (/api/projects/v1/projects/[^/]+/files/[^/]+/out/0\.txt/content"
               r"|/v1/projects/[^/]+/[^/]+/blobs/[0-9a-f]+)$")
    with faulty.faults(f"paths={content},rate=1,kinds=500,when=before"):
        run = start(faulty, project, workdir, retry_budget="1")
        run.await_line(r"rule a \(i=0\): .*; retrying\.")
    assert run.finish() == 0, run.output
    assert (workdir / "out/0.txt").read_text() == "done 0\n"
    assert len(jobs_of(faulty, project)) == 1  # pulled again, not run again


def test_journal_that_cannot_be_written_does_not_end_polling(faulty, tmp_path):
    project = faulty.new_project("journal")
    workdir = workflow(tmp_path, "sleep 5")
    run = start(faulty, project, workdir)
    journal = workdir / JOURNAL
    wait_for(lambda: journal.exists() and '"submitted"' in journal.read_text(), 120,
             "the job's submission in the journal")
    # as good as a full disk: the next write (the job's settlement) fails
    journal.unlink()
    journal.mkdir()
    assert run.finish() == 0, run.output
    assert "could not write the job journal" in run.output
    assert (workdir / "out/0.txt").read_text() == "done 0\n"


def test_stopping_on_interrupt_is_bounded_by_the_cancel_timeout(faulty, tmp_path):
    project = faulty.new_project("deadline")
    client = faulty.client(project)
    workdir = workflow(tmp_path, "sleep 600", outputs=3)
    run = start(faulty, project, workdir, cancel_timeout="3")
    try:
        wait_for(lambda: [j for j in client.list_jobs()[0] if j.status == "Running"][2:], 120,
                 "three jobs running")
        with faulty.faults("paths=^POST /v4/jobs/stop$,rate=1,kinds=503,when=before"):
            sent = time.monotonic()
            run.proc.send_signal(signal.SIGINT)
            assert run.finish(timeout=60) != 0
            took = time.monotonic() - sent
    finally:
        for job in client.list_jobs()[0]:
            if not job.finished:
                client.stop_job(job.id)
    # the first stop spends the whole budget; the others are not even tried
    assert took < 20, f"Snakemake took {took:.0f} s to exit"
    failed = run.output.split("Domino executor: could not stop: ")[1]
    assert failed.count("(no time left)") == 2, run.output
    assert "503" in failed.split(";")[0]
    assert "snakemake-domino jobs stop ID" in failed


def test_rerun_reattaches_by_title_after_a_crash_before_the_start_answer(any_version, tmp_path):
    """Found again by its title, or on Domino 5.0 (which keeps none) by its command's marker."""
    faulty = any_version
    project = faulty.new_project("title")
    client = faulty.client(project)
    workdir = workflow(tmp_path, "sleep 5")
    journal = workdir / JOURNAL
    # the job starts on Domino, but the start's answer is held back a minute
    with faulty.faults("rate=0,kinds=slow,delay=60,hot=^POST /v4/jobs/start$"):
        run = start(faulty, project, workdir, "--rerun-incomplete")
        wait_for(lambda: client.list_jobs()[0], 120, "the job on Domino")
        run.proc.kill()  # SIGKILL: between the start and its answer
        run.finish()
    events = [json.loads(line)["event"] for line in journal.read_text().splitlines()]
    assert events == ["starting"], events  # the title only: Domino never named the job
    env = snakemake_env(faulty, project, poll=0.5)
    subprocess.run([sys.executable, "-m", "snakemake", "--unlock"], cwd=workdir, env=env,
                   capture_output=True, check=True, timeout=120)
    rerun = start(faulty, project, workdir, "--rerun-incomplete")
    rerun.await_line(r"rule a \(i=0\): reattached to Domino job #1 ")
    assert rerun.finish() == 0, rerun.output
    assert len(client.list_jobs()[0]) == 1  # found by its title, not started again
    assert (workdir / "out/0.txt").read_text() == "done 0\n"
