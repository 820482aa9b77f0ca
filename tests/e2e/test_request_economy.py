"""What a job costs in API requests (docs/client.md, "Fewer calls per job"), read from the
traffic a real local Domino recorded: on Domino 5.10+ a finished job's outputs come back
by path with no listing, checked against the SHA-1 its manifest recorded, and small ones
in the manifest itself; a job whose one
input came back from its upstream job's output commit starts there, with no head lookup,
listing or upload; before 5.10 the listings are still read, each directory once. The
traffic keeps the contract on each flavor (5.10's only here: the example pipeline runs on
5.0 and latest, tests/e2e/test_pipeline.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DominoServer, run_snakemake
from tests.contract.recording import read, recording_domino
from tests.contract.test_contract import assert_run_keeps_contract

pytestmark = pytest.mark.slow

CHAIN = """
rule all:
    input: expand("c/{s}.txt", s=range(2))

rule a:
    output: "a/{s}.txt"
    shell: "echo {wildcards.s} > {output}"

rule b:
    input: "a/{s}.txt"
    output: "b/{s}.txt"
    shell: "cat {input} {input} > {output}"

rule c:
    input: "b/{s}.txt"
    output: "c/{s}.txt"
    shell: "wc -c < {input} > {output}"
"""
JOBS = 6


@pytest.fixture(scope="module", params=["latest", "5.10", "5.0"])
def recorded(request, tmp_path_factory) -> Iterator[tuple[DominoServer, Path, str]]:
    root = tmp_path_factory.mktemp(f"economy-{request.param}")
    log = root / "traffic.jsonl"
    with recording_domino(root / "domino", log, flavor=request.param) as server:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key), log, \
            request.param


def calls(log: Path) -> list[str]:
    """Each recorded request as METHOD and a route pattern (ids and paths left out)."""
    found = []
    for record in read(log):
        path = record["path"]
        if "/files/" in path and path.startswith("/v1/"):
            route = "list files"
        elif path.endswith("/content"):
            route = "file content"
        elif "/blobs/" in path:
            route = "blob"
        elif path.endswith("/commits") or path.endswith("/commits/head"):
            route = "commits"
        else:
            route = re.sub(r"/[0-9a-f]{24}", "/ID", path)
        found.append(f"{record['method']} {route}")
    return found


def test_a_chain_of_jobs_costs_few_requests(recorded, tmp_path):
    domino, log, flavor = recorded
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(CHAIN)
    project = domino.new_project("economy")
    before = len(calls(log))
    run_snakemake(workdir, domino, project, "--jobs", "3")
    for s in range(2):
        assert (workdir / f"c/{s}.txt").read_text().strip() == str(2 * len(f"{s}\n"))
    made = calls(log)[before:]
    starts = made.count("POST /v4/jobs/start")
    assert starts == JOBS
    # the run's one head lookup is the sources' push; b and c start at their input's commit
    assert made.count("GET commits") <= 2, made
    # inputs went up nowhere: every upload is the sources' push, before the first start
    first_start = made.index("POST /v4/jobs/start")
    assert not [c for c in made[first_start:] if c.startswith("PUT ")], made
    if flavor != "5.0":
        # no listing at all: manifests and outputs are fetched by path
        assert made.count("GET list files") <= 1, made  # the sources' push lists the root
        # a job's manifest, which carries its small output: one download a job
        assert made.count("GET file content") == JOBS, made
    else:
        # before 5.10 a blob needs its key from a listing: the manifest's directory, once
        # a job; the output came in the manifest, so its directory is not listed
        assert made.count("GET blob") == JOBS, made
        assert made.count("GET list files") <= JOBS + 1, made
    assert_run_keeps_contract(domino, log)
