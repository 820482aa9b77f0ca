"""A link pointing outside the job's directory (here to a file every machine has) cannot come
back: a clear error, then the fixed rule runs again (no reattaching to the job that made it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DominoServer, run_snakemake

pytestmark = pytest.mark.slow

RULE = 'rule ref:\n    output: "out/ref.fa"\n    shell: "mkdir -p out && {}"\n'


def test_link_outside_fails_naming_it_and_the_fix_then_a_fixed_rule_runs(
    tmp_path: Path, domino: DominoServer
):
    project = domino.new_project("outside-link")
    snakefile = tmp_path / "Snakefile"
    snakefile.write_text(RULE.format("ln -s /etc/passwd {output}"))
    failed = run_snakemake(tmp_path, domino, project, check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "out/ref.fa -> /etc/passwd" in output
    assert "outside the job's working directory" in output and "cp, not ln -s" in output
    assert not (tmp_path / "out/ref.fa").is_symlink()

    snakefile.write_text(RULE.format("echo ACGT > {output}"))
    fixed = run_snakemake(tmp_path, domino, project, check=False)
    assert fixed.returncode == 0, fixed.stderr[-3000:]
    assert (tmp_path / "out/ref.fa").read_text() == "ACGT\n"
    assert "reattached" not in fixed.stderr
