"""Files on Domino dataset mounts are read and written in place (docs/datasets.md): the
executor checks them before any job starts instead of moving them."""

from __future__ import annotations

import os
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


COUNTER = """
import os

READS = os.environ.get("DOMINO_DATASETS_DIR", "/domino/datasets/local") + "/reads"

rule all:
    input: READS + "/count.txt"

rule count:
    input: READS + "/big.bin"
    output: READS + "/count.txt"
    shell: "wc -c < {input} > {output}"
"""

BIG = 200 * 2**20


def test_a_run_inside_domino_reads_and_writes_a_dataset_in_place(
    domino: DominoServer, tmp_path, monkeypatch, capsys
):
    """`submit` runs Snakemake inside Domino, where the project's dataset is mounted: the
    200 MB input is read where it is and the output written beside it, neither moved."""
    from snakemake_executor_domino.cli import main
    from snakemake_executor_domino.local.store.dataset_dirs import DatasetDirs

    project = domino.new_project("datasets")
    client = domino.client(project)
    client.create_dataset("reads", "the workflow's input")
    host = DatasetDirs(domino.server.config.datasets_dir).read_write(client.project_id, "reads")
    with open(host / "big.bin", "wb") as big:
        big.truncate(BIG)  # sparse: 200 MB to read, none to write
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Snakefile").write_text(COUNTER)
    for name in [n for n in os.environ if n.startswith(("DOMINO_", "SNAKEMAKE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_URL", domino.url)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_PROJECT", project)
    monkeypatch.setenv("SNAKEMAKE_DOMINO_API_KEY", domino.api_key)

    def submit() -> tuple[int, str]:
        capsys.readouterr()
        code = main(["submit", "--interval", "0.5", "--", "snakemake", "--executor", "domino",
                     "-j", "2", "--domino-poll-interval", "0.5"])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    code, output = submit()
    assert code == 0, output[-4000:]
    assert (host / "count.txt").read_text().strip() == str(BIG)
    # nothing of the dataset travelled: the project's files (every upload and every job's
    # output commit lands there) stay small
    files = list(client.walk_files(client.head_commit_id()))
    assert sum(f.size or 0 for f in files) < 2**20, [(f.path, f.size) for f in files]
    assert not any(f.path.endswith(("big.bin", "count.txt")) for f in files)
    jobs = sorted(client.list_jobs(page_size=20)[0], key=lambda j: j.number or 0)
    assert len(jobs) == 2  # the submitter and the rule's job
    rule_job = jobs[1]

    again, output = submit()
    assert again == 0 and "Nothing to be done" in output, output[-4000:]

    isolated = domino.server.backend.runner.isolation.isolated
    seen = "/domino/datasets/local/reads" if isolated else str(host)
    capsys.readouterr()
    main(["provenance", f"{seen}/count.txt"])
    told = capsys.readouterr().out
    assert f"made by      Domino job #{rule_job.number} (Succeeded)" in told, told
    assert "rule         count" in told, told
    assert "written in place" in told, told
