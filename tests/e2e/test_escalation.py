"""Out of memory: a retry runs on the next tier by memory; other failures retry in place.

A local Domino of its own, with tiers small enough that a job can outgrow one cheaply.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import DominoServer, run_snakemake
from tests.e2e.test_provenance import cli

pytestmark = pytest.mark.slow

# Snakemake itself runs inside each job (~150 MB); the greedy step wants 700 MB more
GREEDY = "python -c 'b = b\"x\" * (700 * 2**20); import time; time.sleep(1)'"


@pytest.fixture(scope="module")
def small_domino(tmp_path_factory):
    from snakemake_executor_domino.local.config import Tier
    from snakemake_executor_domino.local.server import LocalDomino

    tiers = (
        Tier("tiny-k8s", "Tiny", 1, 0.5, 2, is_default=True),
        Tier("roomy-k8s", "Roomy", 1, 1.5, 2),
    )
    server = LocalDomino(tmp_path_factory.mktemp("small-domino"), tiers=tiers).start()
    try:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key)
    finally:
        server.stop()


def tiers_and_statuses(domino: DominoServer, project: str) -> list[tuple[str, str]]:
    """The tier each job ran on and how it ended, oldest first, from the server's records."""
    return [(job.tier_name, job.status) for job in reversed(domino.jobs(project))]


def workflow(tmp_path, rule: str):
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(rule)
    return workdir


HUNGRY = f'''
rule hungry:
    output: "hungry.txt"
    resources: mem_mb=300
    shell: "{GREEDY.replace('"', chr(92) + '"')} && echo $DOMINO_HARDWARE_TIER_ID > {{output}}"
'''


def test_out_of_memory_retries_on_the_next_tier_by_memory(tmp_path, small_domino):
    project = small_domino.new_project("oom")
    workdir = workflow(tmp_path, HUNGRY)
    result = run_snakemake(workdir, small_domino, project, "--retries", "1")
    assert (workdir / "hungry.txt").read_text().strip() == "roomy-k8s"
    assert tiers_and_statuses(small_domino, project) == [("Tiny", "Failed"),
                                                          ("Roomy", "Succeeded")]
    log = result.stderr
    # the local Domino killed it as Kubernetes kills a pod over its memory limit
    assert "OOMKilled: the job's processes used" in log, log
    assert "It ran out of memory on tier Tiny (1 core, 0.5 GiB" in log, log
    assert "A retry (--retries) runs on the next tier by memory, Roomy" in log
    assert re.search(r"rule hungry: Domino job #\d+ on tier Roomy \(escalated: attempt 1 ran "
                     r"out of memory on tier Tiny\)", log), log
    # the trace tells both attempts apart, and why the second moved
    shown = cli(workdir, "runs", "show", "last", "--tsv")
    rows = list(csv.DictReader(io.StringIO(shown.stdout), delimiter="\t"))
    assert [(r["attempt"], r["tier"], r["status"], r["escalation"]) for r in rows] == [
        ("1", "Tiny", "Failed", ""),
        ("2", "Roomy", "Succeeded", "attempt 1 ran out of memory on tier Tiny")]


def test_no_escalation_retries_on_the_same_tier(tmp_path, small_domino):
    project = small_domino.new_project("oomoff")
    workdir = workflow(tmp_path, HUNGRY)
    result = run_snakemake(workdir, small_domino, project, "--retries", "1",
                           "--domino-no-escalation", check=False)
    assert result.returncode != 0
    assert tiers_and_statuses(small_domino, project) == [("Tiny", "Failed"), ("Tiny", "Failed")]
    assert "A retry runs on the same tier (--domino-no-escalation)" in result.stderr


def test_out_of_memory_on_the_largest_tier_says_no_larger_tier_is_left(tmp_path, small_domino):
    project = small_domino.new_project("oomtop")
    workdir = workflow(tmp_path, HUNGRY.replace("mem_mb=300", 'tier="Roomy"').replace(
        "700 * 2**20", "1800 * 2**20"))
    result = run_snakemake(workdir, small_domino, project, check=False)
    assert result.returncode != 0
    assert ("It ran out of memory on tier Roomy (1 core, 1.5 GiB). No larger tier "
            "is left") in result.stderr, result.stderr
    assert tiers_and_statuses(small_domino, project) == [("Roomy", "Failed")]


FLAKY = '''
rule flaky:
    output: "flaky.txt"
    resources: mem_mb=300, attempt_no=lambda wildcards, attempt: attempt
    shell: "test {resources.attempt_no} -gt 1 && echo $DOMINO_HARDWARE_TIER_ID > {output}"
'''


def test_a_plain_failure_retries_on_the_same_tier(tmp_path, small_domino):
    project = small_domino.new_project("flaky")
    workdir = workflow(tmp_path, FLAKY)
    result = run_snakemake(workdir, small_domino, project, "--retries", "1")
    assert (workdir / "flaky.txt").read_text().strip() == "tiny-k8s"
    assert tiers_and_statuses(small_domino, project) == [("Tiny", "Failed"), ("Tiny", "Succeeded")]
    assert "ran out of memory" not in result.stderr
