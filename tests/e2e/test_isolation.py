"""Real `snakemake --executor domino` runs whose jobs see what Domino jobs see: the project
at /mnt and nothing of the submitting machine. So `snakemake -d SUBDIR` works, job commands
name no local path, and a rule that reads a local absolute path fails as it would on Domino.

With $CI set, a test needing isolation fails instead of skipping when it cannot be had.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.conftest import DominoServer, run_snakemake, unavailable

pytestmark = pytest.mark.slow

WORKFLOWS = Path(__file__).parent / "workflows"


def require_isolation(domino: DominoServer) -> None:
    chosen = domino.server.backend.runner.isolation
    if not chosen.isolated:
        unavailable("the job isolation tests", chosen.summary)


def job_commands(domino: DominoServer, project: str) -> list[str]:
    jobs, _ = domino.client(project).list_jobs(page_size=500)
    return [job.command for job in jobs]


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_snakemake_d_subdir_runs_there(tmp_path: Path, domino: DominoServer, absolute: bool):
    require_isolation(domino)
    project = domino.new_project("subdir")
    sub = tmp_path / "sub"
    shutil.copytree(WORKFLOWS / "basic", sub)
    directory = str(sub) if absolute else "sub"
    run_snakemake(tmp_path, domino, project, "-d", directory, "-s", "sub/Snakefile",
                  "counts/a.txt")
    assert (sub / "counts/a.txt").read_text() == "a 7\n"
    assert (sub / "upper/a.txt").exists() and not (tmp_path / "counts").exists()
    commands = job_commands(domino, project)
    assert len(commands) == 2
    for command in commands:
        assert "--directory" not in command and str(tmp_path) not in command


def test_a_snakefile_outside_the_working_directory_is_refused_clearly(
    tmp_path: Path, domino: DominoServer
):
    project = domino.new_project("outside")
    shutil.copytree(WORKFLOWS / "basic", tmp_path / "sub")
    (tmp_path / "sub/Snakefile").rename(tmp_path / "Snakefile")
    result = run_snakemake(tmp_path, domino, project, "-d", "sub", "upper/a.txt", check=False)
    assert result.returncode != 0
    assert "The Snakefile ../Snakefile lies outside the working directory" in result.stderr
    assert "Move the Snakefile into" in result.stderr
    assert job_commands(domino, project) == []  # refused before any job started


def test_a_rule_reading_a_local_absolute_path_fails_as_on_domino(
    tmp_path: Path, domino: DominoServer
):
    require_isolation(domino)
    project = domino.new_project("leak")
    (tmp_path / "data").mkdir()
    (tmp_path / "data/in.txt").write_text("x\n")
    (tmp_path / "Snakefile").write_text(textwrap.dedent(f"""\
        rule relative:
            input: "data/in.txt"
            output: "relative.txt"
            shell: "cp {{input}} {{output}}"

        rule leaked:
            input: "data/in.txt"
            output: "leaked.txt"
            shell: "cp {tmp_path}/data/in.txt {{output}}"
    """))
    run_snakemake(tmp_path, domino, project, "relative.txt")
    assert (tmp_path / "relative.txt").read_text() == "x\n"
    result = run_snakemake(tmp_path, domino, project, "leaked.txt", check=False)
    assert result.returncode != 0
    assert not (tmp_path / "leaked.txt").exists()
    logs = list((tmp_path / ".snakemake/domino_logs").glob("*"))
    assert any(f"{tmp_path}/data/in.txt" in log.read_text() and "No such file" in log.read_text()
               for log in logs)
