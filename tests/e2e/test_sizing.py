"""A rule's resources choose its tier: the smallest that holds them; none that holds them
stops the run before any job starts; resource functions are still Snakemake's to call."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_snakemake

pytestmark = pytest.mark.slow

# each job writes the tier the local Domino ran it on (DOMINO_HARDWARE_TIER_ID)
SIZED = '''
rule all:
    input: "plain.txt", "memory.txt", "threads.txt", "named.txt"

rule plain:
    output: "plain.txt"
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {output}"

rule memory:
    output: "memory.txt"
    resources: mem_mb=6000
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {output}"

rule threads:
    output: "threads.txt"
    threads: 3
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {output}"

rule named:
    output: "named.txt"
    resources: tier="Small", mem_mb=1000
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {output}"
'''


def workflow(tmp_path, text: str):
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(text)
    return workdir


def test_resources_choose_the_smallest_tier_that_holds_them(tmp_path, domino):
    project = domino.new_project("sized")
    workdir = workflow(tmp_path, SIZED)
    # default resources (a profile's, or Snakemake's preset) are no one rule's ask
    result = run_snakemake(workdir, domino, project, "--default-resources", "mem_mb=7000")
    ran_on = {name: (workdir / f"{name}.txt").read_text().strip()
              for name in ("plain", "memory", "threads", "named")}
    assert ran_on == {"plain": "small-k8s", "memory": "medium-k8s", "threads": "large-k8s",
                      "named": "small-k8s"}
    log = result.stderr
    assert re.search(r"rule memory: Domino job #\d+ on tier Medium \(the smallest tier that "
                     r"holds mem_mb=6000\)", log), log
    assert re.search(r"rule threads: Domino job #\d+ on tier Large \(the smallest tier that "
                     r"holds threads=3\)", log), log
    assert re.search(r"rule plain: Domino job #\d+ on tier Small \(the project's default: "
                     r"the job asks for no tier or size\)", log), log
    assert re.search(r"rule named: Domino job #\d+ on tier Small \(named by the rule\)", log)


OVERSIZED = '''
rule all:
    input: "fine.txt", "huge.txt"

rule fine:
    output: "fine.txt"
    shell: "touch {output}"

rule huge:
    output: "huge.txt"
    threads: 2
    resources: mem_mb=100000
    shell: "touch {output}"
'''


def test_a_rule_no_tier_holds_fails_before_any_job_starts(tmp_path, domino):
    project = domino.new_project("oversized")
    workdir = workflow(tmp_path, OVERSIZED)
    result = run_snakemake(workdir, domino, project, check=False)
    assert result.returncode != 0
    assert (
        "No Domino hardware tier holds a rule; no job was started.\n"
        "rule huge asks for threads=2, mem_mb=100000, more than any hardware tier of this "
        "Domino project holds; the largest is GPU (4 cores, 16 GiB, 1 GPU)."
    ) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    jobs, _ = domino.client(project).list_jobs()
    assert jobs == []


# `memory_of` reads the job's memory from the upstream job's output, and notes each call
LAZY = '''
import os

def memory_of(wildcards, input):
    with open("calls.log", "a") as log:
        log.write(("ok" if os.path.exists(input[0]) else "early") + "\\n")
    return int(open(input[0]).read())

rule all:
    input: "sized.txt"

rule size:
    output: "size.txt"
    shell: "echo {mem} > {{output}}"

rule sized:
    input: "size.txt"
    output: "sized.txt"
    resources: mem_mb=memory_of
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {{output}}"
'''


def test_a_memory_function_sizes_its_job_at_submission(tmp_path, domino):
    project = domino.new_project("lazysize")
    workdir = workflow(tmp_path, LAZY.format(mem=12000))
    dry = run_snakemake(workdir, domino, project, "-n")
    assert "mem_mb=<TBD>" in dry.stdout + dry.stderr
    assert domino.client(project).list_jobs()[0] == []
    result = run_snakemake(workdir, domino, project)
    assert (workdir / "sized.txt").read_text().strip() == "large-k8s"
    assert "holds mem_mb=12000" in result.stderr
    calls = (workdir / "calls.log").read_text().split()
    # once by Snakemake's dry run (where it may), never early by the executor
    assert calls.count("early") == 1 and calls[-1] == "ok", calls


def test_a_memory_function_no_tier_holds_fails_that_job(tmp_path, domino):
    project = domino.new_project("lazyhuge")
    workdir = workflow(tmp_path, LAZY.format(mem=100000))
    result = run_snakemake(workdir, domino, project, check=False)
    assert result.returncode != 0
    assert ("rule sized asks for mem_mb=100000, more than any hardware tier of this Domino "
            "project holds; the largest is GPU") in result.stderr, result.stderr
    titles = [job.title.split()[1] for job in domino.client(project).list_jobs()[0]]
    assert titles == ["size"]
