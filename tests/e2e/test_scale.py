"""A Domino that queues and refuses: with an executions quota of 2 and a queue limit of 2,
`-j 6` on ten jobs finishes with every output, no failed job and no retry used; refused
starts are started again as executions end (throttle.py), new ones wait for room once the
limit is known, and Domino never had more than
quota + queue limit executions of the run running or queued at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from snakemake_executor_domino.local.jobs.deployment_limits import DeploymentLimits
from tests.conftest import DominoServer, run_snakemake

pytestmark = pytest.mark.slow

QUOTA, QUEUE = 2, 2
SNAKEFILE = '''
rule all:
    input: expand("out/{i}.txt", i=range(10))

rule work:
    output: "out/{i}.txt"
    shell: "echo {wildcards.i} > {output}"
'''


@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> Iterator[DominoServer]:
    from snakemake_executor_domino.local.server import LocalDomino

    limits = DeploymentLimits(start_latency=0.5, executions_quota=QUOTA, queue_limit=QUEUE)
    server = LocalDomino(tmp_path_factory.mktemp("limited"), limits=limits).start()
    try:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key)
    finally:
        server.stop()


def most_at_once(jobs) -> int:
    """The most accepted executions queued or running at one moment, from Domino's own
    stage times (a refused one ends at its submission and never counts)."""
    events = []
    for job in jobs:
        if job.started_ms is None:
            continue
        events += [(job.submitted_ms, 1), (job.completed_ms, -1)]
    level = peak = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):
        level += step
        peak = max(peak, level)
    return peak


def test_refused_starts_are_started_again_without_failing_a_job(limited, tmp_path):
    project = limited.new_project("scale")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(SNAKEFILE)
    # one Domino job per Snakemake job, counted below: a loaded machine starts jobs slowly
    # enough for --domino-pack auto to pack some (tests/e2e/test_packing.py)
    result = run_snakemake(workdir, limited, project, "--jobs", "6", "--retries", "0",
                           "--domino-pack", "off")
    for i in range(10):
        assert (workdir / f"out/{i}.txt").read_text() == f"{i}\n"
    log = result.stdout + result.stderr
    assert "Error in rule" not in log
    jobs = limited.jobs(project)
    refused = [j for j in jobs if j.status == "Error" and j.started_ms is None]
    assert refused, "the queue limit never refused a start: the test tests nothing"
    assert log.count("Domino refused to start") == 1, log
    assert "-j 4 avoids the refusals" in log
    # once the limit is known, new jobs wait for room instead of being refused in turn:
    # only the first burst (-j 6 against 4 places) is refused
    assert len(refused) <= 6 - (QUOTA + QUEUE), [j.number for j in refused]
    assert sum(1 for j in jobs if j.status == "Succeeded") == 10
    assert most_at_once(jobs) <= QUOTA + QUEUE
