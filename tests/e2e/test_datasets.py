"""Files on Domino dataset mounts are read and written in place (docs/datasets.md): the
executor checks them before any job starts instead of moving them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import DominoServer, snakemake_env

pytestmark = pytest.mark.slow

SNAPSHOT_WRITER = """
rule all:
    input: "{root}/local/snapshots/reads/1/summary.txt"

rule summarise:
    output: "{root}/local/snapshots/reads/1/summary.txt"
    shell: "echo done > {{output}}"
"""


def test_writing_into_a_snapshot_is_refused_before_any_job(domino: DominoServer, tmp_path):
    """Domino mounts snapshots read-only: a rule writing there could only fail in its job."""
    root = tmp_path / "datasets"
    (root / "local" / "snapshots" / "reads" / "1").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    (work / "Snakefile").write_text(SNAPSHOT_WRITER.format(root=root))
    project = domino.new_project("snapshot-write")
    env = snakemake_env(domino, project) | {"DOMINO_DATASETS_DIR": str(root)}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--executor", "domino", "-j", "1"],
        cwd=work, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "no job was started" in output, output
    assert f"{root}/local/snapshots/reads/1/summary.txt lies in a dataset snapshot" in output
    assert "Write to the dataset itself" in output
    assert domino.jobs(project) == []
