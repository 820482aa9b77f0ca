import pytest

from snakemake_executor_domino.exceptions import TransferError
from snakemake_executor_domino.files.sources import ensure_dominoignore
from snakemake_executor_domino.files.transfer import project_path


def test_project_path_is_relative_posix(tmp_path):
    assert project_path("results/a.csv", tmp_path) == "results/a.csv"
    assert project_path(tmp_path / "x" / "y.txt", tmp_path) == "x/y.txt"


@pytest.mark.parametrize("bad", ["../outside.txt", "/etc/passwd", "a/../../b"])
def test_paths_outside_workdir_are_refused(tmp_path, bad):
    with pytest.raises(TransferError, match="outside the working directory"):
        project_path(bad, tmp_path)


def test_dominoignore_gains_snakemake_dir_once(tmp_path):
    (tmp_path / ".dominoignore").write_text("*.tmp\n")
    assert ensure_dominoignore(tmp_path) is True
    assert ensure_dominoignore(tmp_path) is False
    expected = (
        "*.tmp\n.snakemake/*\n!.snakemake/metadata/\n!.snakemake/domino_outputs/\n"
        "!.snakemake/domino_runs/\n"
    )
    assert (tmp_path / ".dominoignore").read_text() == expected


def test_dominoignore_legacy_line_is_replaced(tmp_path):
    (tmp_path / ".dominoignore").write_text(".snakemake/\n")
    assert ensure_dominoignore(tmp_path) is True
    assert (tmp_path / ".dominoignore").read_text() == (
        ".snakemake/*\n!.snakemake/metadata/\n!.snakemake/domino_outputs/\n"
        "!.snakemake/domino_runs/\n"
    )
