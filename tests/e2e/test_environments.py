"""A rule's compute environment: the one the server ran its job in; an unknown one stops the
run before any job starts, naming the valid ones."""

from __future__ import annotations

import re

import pytest

from snakemake_executor_domino.local.jobs.compute_envs import derived_id
from snakemake_executor_domino.local.jobs.jobenv import ENVIRONMENT_ID
from tests.conftest import run_snakemake

pytestmark = pytest.mark.slow

DEEP = derived_id("Deep Learning")

TWO = '''
rule all:
    input: "deep.txt", "plain.txt", "pinned.txt"

rule deep:
    output: "deep.txt"
    resources: environment="Deep Learning"
    shell: "echo $DOMINO_ENVIRONMENT_ID > {output}"

rule plain:
    output: "plain.txt"
    shell: "echo $DOMINO_ENVIRONMENT_ID > {output}"

rule pinned:
    output: "pinned.txt"
    resources: environment="deep learning:1"
    shell: "echo $DOMINO_ENVIRONMENT_ID > {output}"
'''


def workflow(tmp_path, text: str):
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(text)
    return workdir


def test_a_rule_runs_in_the_environment_it_names(tmp_path, domino):
    project = domino.new_project("envs")
    workdir = workflow(tmp_path, TWO)
    result = run_snakemake(workdir, domino, project)
    # what the job saw, and what the server recorded of it
    seen = {n: (workdir / f"{n}.txt").read_text().strip() for n in ("deep", "plain", "pinned")}
    assert seen == {"deep": DEEP, "plain": ENVIRONMENT_ID, "pinned": DEEP}
    recorded = {job.title.split()[1]: job.environment_id for job in domino.jobs(project)}
    assert recorded == {"deep": DEEP, "plain": ENVIRONMENT_ID, "pinned": DEEP}
    assert re.search(r"rule deep: Domino job #\d+ on tier Small \(.*\), environment Deep "
                     r"Learning: ", result.stderr), result.stderr
    assert re.search(r"rule pinned: Domino job #\d+ on .*, environment Deep Learning, "
                     r"revision 1: ", result.stderr), result.stderr


def test_an_unknown_environment_is_refused_before_any_job_starts(tmp_path, domino):
    project = domino.new_project("envbad")
    workdir = workflow(tmp_path, TWO.replace('environment="Deep Learning"',
                                             'environment="Quantum"'))
    result = run_snakemake(workdir, domino, project, check=False)
    assert result.returncode != 0
    assert (
        "Unknown Domino compute environment; no job was started.\n"
        "rule deep: compute environment 'Quantum' is not one this Domino project can use. "
        "Valid environments: Local Python"
    ) in result.stderr, result.stderr
    assert f"Deep Learning (id {DEEP})" in result.stderr
    assert "Traceback" not in result.stderr
    assert domino.jobs(project) == []


def test_the_setting_is_every_rules_default(tmp_path, domino):
    project = domino.new_project("envset")
    workdir = workflow(tmp_path, TWO.replace('    resources: environment="deep learning:1"\n',
                                             ""))
    run_snakemake(workdir, domino, project, "--domino-environment-id", "Deep Learning")
    assert (workdir / "plain.txt").read_text().strip() == DEEP
