"""Files on Domino dataset mounts are read and written in place (docs/datasets.md): the
executor checks them before any job starts instead of moving them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import DominoServer, snakemake_env

pytestmark = pytest.mark.slow

REFUSED = """
rule summarise:
    input: "{read}"
    output: "{write}"
    shell: "cat {{input}} > {{output}}"
"""


@pytest.mark.parametrize(
    "read, write, problem, fix",
    [
        ("local/reads/a.fq", "local/snapshots/reads/1/summary.txt",
         "local/snapshots/reads/1/summary.txt lies in a dataset snapshot",
         "Write to the dataset itself"),
        ("local/reads/a.fq", "local/results/summary.txt",
         "local/results/summary.txt is in dataset results, which this project does not mount",
         "Create the dataset in the project"),
        # Snakemake itself refuses a missing input while it builds the DAG, before any
        # executor exists: it names the file (the executor checks outputs and logs)
        ("local/elsewhere/a.fq", "local/reads/summary.txt",
         "local/elsewhere/a.fq", "MissingInputException"),
    ],
    ids=["write-into-snapshot", "write-into-unmounted", "read-from-unmounted"],
)
def test_what_no_job_could_do_is_refused_before_any_job(
    domino: DominoServer, tmp_path, read, write, problem, fix
):
    """Snapshots are mounted read-only, and a dataset the project does not mount is not
    there at all: either would only fail inside a job, after its pod start."""
    root = tmp_path / "datasets"
    (root / "local" / "snapshots" / "reads" / "1").mkdir(parents=True)
    (root / "local" / "reads").mkdir(parents=True)
    (root / "local" / "reads" / "a.fq").write_text("ACGT\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "Snakefile").write_text(REFUSED.format(read=root / read, write=root / write))
    project = domino.new_project("refused")
    env = snakemake_env(domino, project) | {"DOMINO_DATASETS_DIR": str(root)}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--executor", "domino", "-j", "1", str(root / write)],
        cwd=work, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert fix == "MissingInputException" or "no job was started" in output, output
    assert f"{root}/{problem}" in output, output
    assert fix in output
    assert domino.jobs(project) == []
