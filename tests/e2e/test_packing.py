"""Packing end to end (real snakemake, the local Domino over HTTP): one member of a pack
failing fails only itself (the others' outputs come back, its own log names its error, the
provenance of a packed output names the Domino job and the member); and on a Domino that
queues (executions quota 2, start latency 1 s) `--domino-pack auto` runs 20 one-line jobs
in far fewer Domino jobs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from snakemake_executor_domino.local.jobs.deployment_limits import DeploymentLimits
from tests.conftest import DominoServer, run_snakemake, snakemake_env
from tests.contract.recording import read

pytestmark = pytest.mark.slow

FAILING = '''
rule all:
    input: expand("out/{i}.txt", i=range(4))

rule work:
    output: "out/{i}.txt"
    log: "logs/{i}.log"
    shell:
        "if [ {wildcards.i} = 2 ]; then echo 'no such thing: boom' >&2; exit 2; fi; "
        "echo {wildcards.i} > {output}; echo made > {log}"
'''

WIDE = '''
rule all:
    input: expand("out/{i}.txt", i=range(20))

rule work:
    output: "out/{i}.txt"
    shell: "echo {wildcards.i} > {output}"
'''


def workflow(tmp_path: Path, snakefile: str) -> Path:
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(snakefile)
    return workdir


def downloads(domino: DominoServer) -> int:
    """File downloads the shared server has answered so far (by path or by blob key)."""
    return sum(1 for r in read(domino.traffic)
               if "/blobs/" in r["path"] or r["path"].endswith("/content"))


def test_a_failing_member_fails_alone(domino, tmp_path):
    project = domino.new_project("pack")
    workdir = workflow(tmp_path, FAILING)
    before = downloads(domino)
    result = run_snakemake(workdir, domino, project, "--jobs", "4", "--domino-pack", "4",
                           "--retries", "0", "--keep-going", check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    jobs = domino.jobs(project)
    assert len(jobs) == 1 and jobs[0].title.startswith("snakemake pack of 4 (work)"), jobs
    for i in (0, 1, 3):
        assert (workdir / f"out/{i}.txt").read_text() == f"{i}\n"
        assert (workdir / f"logs/{i}.log").read_text() == "made\n"
    assert not (workdir / "out/2.txt").exists()
    assert log.count("rule work (i=2): in Domino job") == 1, log
    assert "(i=0): in Domino job" not in log and "(i=3): in Domino job" not in log
    saved = list((workdir / ".snakemake/domino_logs").glob("rule_work_i=2*.log"))
    assert saved and "no such thing: boom" in saved[0].read_text(), log
    assert "Domino pack" in log and "packed because --domino-pack 4" in log
    assert "for 4 Snakemake jobs, 4 of them in 1 pack(s)" in log
    # the members' manifests, outputs, logs and statuses came in the pack's one archive;
    # the failed member's rule log alone is fetched by itself (it recorded no manifest)
    assert downloads(domino) - before <= 2, downloads(domino) - before
    code = "import sys; from snakemake_executor_domino.cli import main; sys.exit(main())"
    shown = subprocess.run([sys.executable, "-c", code, "provenance", "out/1.txt"],
                           cwd=workdir, capture_output=True, text=True, timeout=60)
    assert f"#{jobs[0].number}" in shown.stdout and "i=1" in shown.stdout, shown


@pytest.fixture(scope="module")
def queueing(tmp_path_factory) -> Iterator[DominoServer]:
    from snakemake_executor_domino.local.server import LocalDomino

    limits = DeploymentLimits(start_latency=1.0, executions_quota=2)
    server = LocalDomino(tmp_path_factory.mktemp("queueing"), limits=limits).start()
    try:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key)
    finally:
        server.stop()


def test_auto_packs_many_short_jobs_on_a_domino_that_queues(queueing, tmp_path):
    project = queueing.new_project("auto")
    workdir = workflow(tmp_path, WIDE)
    result = run_snakemake(workdir, queueing, project, "--jobs", "20")
    for i in range(20):
        assert (workdir / f"out/{i}.txt").read_text() == f"{i}\n"
    jobs = queueing.jobs(project)
    assert all(j.status == "Succeeded" for j in jobs)
    assert len(jobs) <= 10, [j.title for j in jobs]
    assert "packed because Domino is queueing" in result.stderr


SLOW = '''
rule all:
    input: expand("out/{i}.txt", i=range(3))

rule work:
    output: "out/{i}.txt"
    shell: "sleep 3; echo {wildcards.i} > {output}"
'''


def test_a_rerun_after_sigkill_rejoins_the_running_pack(domino, tmp_path):
    from tests.reliability.conftest import WatchedSnakemake, wait_for

    project = domino.new_project("rejoin")
    workdir = workflow(tmp_path, SLOW)
    env = snakemake_env(domino, project, poll=0.5)
    run = WatchedSnakemake(workdir, env, "--domino-pack", "3")
    run.await_line(r"Domino pack \S+: 3 jobs \(work\) as Domino job #1 ")
    wait_for(lambda: domino.jobs(project)[0].status == "Running", 120, "the pack running")
    run.proc.kill()  # SIGKILL: the pack runs on, unseen
    run.finish()
    subprocess.run([sys.executable, "-m", "snakemake", "--unlock"], cwd=workdir, env=env,
                   capture_output=True, check=True, timeout=120)
    rerun = WatchedSnakemake(workdir, env, "--domino-pack", "3", "--rerun-incomplete")
    rerun.await_line(r"rule work \(i=\d\): rejoined pack \S+ \(Domino job #1, ")
    assert rerun.finish() == 0, rerun.output
    assert len(domino.jobs(project)) == 1, rerun.output  # nothing started twice
    for i in range(3):
        assert (workdir / f"out/{i}.txt").read_text() == f"{i}\n"


def test_ctrl_c_stops_the_pack(domino, tmp_path):
    import signal

    from tests.reliability.conftest import WatchedSnakemake, wait_for

    project = domino.new_project("stop")
    workdir = workflow(tmp_path, SLOW.replace("sleep 3", "sleep 120"))
    run = WatchedSnakemake(workdir, snakemake_env(domino, project, poll=0.5),
                           "--domino-pack", "3")
    run.await_line(r"Domino pack \S+: 3 jobs \(work\) as Domino job #1 ")
    wait_for(lambda: domino.jobs(project)[0].status == "Running", 120, "the pack running")
    run.proc.send_signal(signal.SIGINT)
    assert run.finish() != 0
    wait_for(lambda: domino.jobs(project)[0].status == "Stopped", 60, "the pack stopped")
    assert "stopped 1 Domino job(s)" in run.output, run.output
