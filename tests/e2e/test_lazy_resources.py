"""Resource functions are Snakemake's to evaluate, when it chooses: just before the job runs.

The executor's checks before the first job (tier known to the project, threads and memory
within the tier) look only at what is known without calling a rule's function; the rest is
checked when each job is submitted, with the same message.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_snakemake

pytestmark = pytest.mark.slow

# `tier_of` reads the tier from the upstream job's output, and notes each call in calls.log
# (in the working directory of the process that calls it): "early" if the file it reads
# does not exist yet.
LAZY_TIER = '''
import os

def tier_of(wildcards, input):
    with open("calls.log", "a") as log:
        log.write(("ok" if os.path.exists(input.choice) else "early") + "\\n")
    with open(input.choice) as f:
        return f.read().strip()

rule all:
    input: "b.txt"

rule choose:
    output: "choice.txt"
    shell: "echo {tier} > {{output}}"

rule b:
    input: choice="choice.txt"
    output: "b.txt"
    resources: tier=tier_of
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {{output}}"
'''


def write_workflow(tmp_path, tier: str):
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(LAZY_TIER.format(tier=tier))
    return workdir


def titles(domino, project: str) -> list[str]:
    jobs, _ = domino.client(project).list_jobs(page_size=100)
    return [job.title.split()[1] for job in jobs]


def test_resource_function_reading_an_upstream_output_decides_the_tier(tmp_path, domino):
    project = domino.new_project("lazy")
    workdir = write_workflow(tmp_path, "Large")

    # a dry run evaluates nothing for Domino and contacts no Domino: Snakemake shows <TBD>
    dry = run_snakemake(workdir, domino, project, "-n")
    assert "tier=<TBD>" in dry.stdout + dry.stderr
    client = domino.client(project)
    head = client.head_commit_id()
    assert head is None or "Snakefile" not in [e.path for e in client.list_files(head)]
    assert titles(domino, project) == []
    assert not (workdir / ".snakemake" / "domino_journal.jsonl").exists()

    run_snakemake(workdir, domino, project)
    assert (workdir / "b.txt").read_text().strip() == "large-k8s"
    # the executor never called the function before its input existed (Snakemake itself
    # called it only in the dry run above, where it may)
    calls = (workdir / "calls.log").read_text().split()
    assert calls.count("early") == 1 and calls[-1] == "ok", calls
    assert sorted(titles(domino, project)) == ["b", "choose"]


def test_unknown_tier_from_a_function_fails_that_job_at_submission(tmp_path, domino):
    project = domino.new_project("lazybad")
    workdir = write_workflow(tmp_path, "Humongous")
    result = run_snakemake(workdir, domino, project, check=False)
    assert result.returncode != 0
    # the same message as before the first job: the tier, the valid ones, the fix
    assert re.search(
        r"rule b: hardware tier 'Humongous' does not exist in this Domino project\. "
        r"Valid tiers: Small \(id small-k8s\).*Fix resources: tier=",
        result.stderr,
    ), result.stderr
    assert "Traceback" not in result.stderr
    # the upstream job ran; the job with the unknown tier never started
    assert titles(domino, project) == ["choose"]
    assert not (workdir / "b.txt").exists()


MISFITS = '''
def memory_of(wildcards, input):
    return int(open(input[0]).read())

rule all:
    input: "wide.txt", "hungry.txt", "later.txt"

rule wide:
    output: "wide.txt"
    threads: 4
    resources: tier="Small"
    shell: "echo {threads} > {output}"

rule hungry:
    output: "hungry.txt"
    resources: tier="Medium", mem_mb=50000
    shell: "echo 50000 > {output}"

rule later:
    input: "hungry.txt"
    output: "later.txt"
    resources: tier="Small", mem_mb=memory_of
    shell: "touch {output}"

rule fine:
    output: "fine.txt"
    threads: 2
    resources: tier="Medium", mem="2GB"
    shell: "touch {output}"
'''


def test_threads_or_memory_over_the_tier_warn_before_any_job_starts(tmp_path, domino):
    project = domino.new_project("misfit")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(MISFITS)
    result = run_snakemake(workdir, domino, project, "all", "fine.txt", "--jobs", "1")
    log = result.stderr
    first_job = log.index("Domino job #")
    # known up front: named before the first job starts
    wide = log.index("rule wide: threads=4, but tier Small has 1 core")
    hungry = log.index("rule hungry: mem_mb=50000, but tier Medium has 8 GiB")
    assert wide < first_job and hungry < first_job, log
    assert "bigger tier (resources: tier=...)" in log
    # known only once its input exists: named at its submission, before its job starts
    later = log.index("rule later: mem_mb=50000, but tier Small has 4 GiB")
    assert later > first_job
    assert later < log.index("rule later: Domino job #"), log
    # a rule within its tier is not named; each rule is named once
    assert not re.search(r"rule fine: (threads|mem_mb)=", log), log
    assert log.count("rule wide: threads=4") == 1
