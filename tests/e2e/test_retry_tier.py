"""Callable tier resources: a retry can ask for a bigger hardware tier."""

from __future__ import annotations

import pytest

from tests.conftest import run_snakemake

pytestmark = pytest.mark.slow


def test_retry_moves_to_a_bigger_tier(tmp_path, domino):
    project = domino.new_project("retry")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(
        "rule big:\n"
        '    output: "tier.txt"\n'
        '    resources: tier=lambda wildcards, attempt: "Small" if attempt == 1 else "Large"\n'
        # succeeds only where Domino put it on the large tier
        '    shell: "test $DOMINO_HARDWARE_TIER_ID = large-k8s && '
        'echo $DOMINO_HARDWARE_TIER_ID > {output}"\n'
    )
    run_snakemake(workdir, domino, project, "--retries", "1")
    assert (workdir / "tier.txt").read_text().strip() == "large-k8s"
    # the server's records: they know each job's tier
    assert [(job.tier_name, job.status) for job in reversed(domino.jobs(project))] == [
        ("Small", "Failed"),
        ("Large", "Succeeded"),
    ]
