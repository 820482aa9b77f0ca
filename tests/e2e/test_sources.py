"""What reaches a job besides its inputs: the workflow's own files (docs/compatibility.md).

In a git repository, Snakemake's own source list (git-tracked files included); outside one,
every file of the working directory less `.dominoignore`, under a size guard.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_snakemake

pytestmark = pytest.mark.slow

HELPER_RULE = 'rule a:\n    output: "a.txt"\n    shell: "python helper.py > {output}"\n'
HELPER = 'print("helped by", __file__)\n'


def helper_workflow(tmp_path: Path) -> Path:
    workdir = tmp_path / "wf"
    (workdir / "notes").mkdir(parents=True)
    (workdir / "Snakefile").write_text(HELPER_RULE)
    (workdir / "helper.py").write_text(HELPER)
    (workdir / "notes" / "draft.txt").write_text("not for Domino\n")
    (workdir / ".dominoignore").write_text("notes/\n")
    return workdir


def project_files(domino, project: str) -> set[str]:
    client = domino.client(project)
    head = client.head_commit_id()
    return {entry.path for entry in client.walk_files(head, "")} if head else set()


def pushed_line(log: str) -> str:
    match = re.search(r"Domino executor: workflow files: .*", log)
    assert match, log
    return match.group(0)


def test_helper_script_reaches_the_job_outside_git(tmp_path, domino):
    project = domino.new_project("helper")
    workdir = helper_workflow(tmp_path)
    result = run_snakemake(workdir, domino, project)
    assert (workdir / "a.txt").read_text().startswith("helped by")
    line = pushed_line(result.stderr)
    assert "directory sync: not in a git repository" in line, line
    assert result.stderr.count("Domino executor: workflow files:") == 1
    files = project_files(domino, project)
    assert {"Snakefile", "helper.py", ".dominoignore"} <= files
    # .dominoignore's patterns and Snakemake's own state stay here; of .snakemake/ only
    # the job's output manifest reaches Domino (files/outputs.py)
    assert not any(p.startswith("notes/") for p in files), files
    state = [p for p in files if p.startswith(".snakemake/")]
    assert len(state) == 1 and state[0].startswith(".snakemake/domino_outputs/"), files


def test_helper_script_reaches_the_job_from_a_git_repository(tmp_path, domino):
    git = shutil.which("git")
    if git is None:
        pytest.fail("git is not installed; Snakemake needs it to list a workflow's files")
    project = domino.new_project("helpergit")
    workdir = helper_workflow(tmp_path)
    (workdir / "scratch.txt").write_text("untracked\n")
    subprocess.run([git, "init", "-q"], cwd=workdir, check=True)
    subprocess.run([git, "add", "Snakefile", "helper.py"], cwd=workdir, check=True)
    result = run_snakemake(workdir, domino, project)
    assert (workdir / "a.txt").read_text().startswith("helped by")
    assert "git-tracked" in pushed_line(result.stderr)
    files = project_files(domino, project)
    assert {"Snakefile", "helper.py"} <= files
    # in a git repository, what git does not track stays here, as Snakemake ships it
    assert "scratch.txt" not in files and not any(p.startswith("notes/") for p in files)


def test_size_guard_names_the_biggest_files_and_the_fix(tmp_path, domino):
    project = domino.new_project("guard")
    workdir = helper_workflow(tmp_path)
    (workdir / "data").mkdir()
    (workdir / "data" / "big.bin").write_bytes(b"\0" * 3_000_000)
    (workdir / "data" / "medium.bin").write_bytes(b"\0" * 200_000)
    result = run_snakemake(
        workdir, domino, project, "--domino-max-sync-size", "1000000", check=False
    )
    assert result.returncode != 0
    message = result.stderr
    assert "to upload to Domino before the first job" in message, message
    assert "over the limit of 977 KiB (--domino-max-sync-size)" in message, message
    assert "Biggest: data/big.bin (2.9 MiB), data/medium.bin (195 KiB)" in message, message
    assert ".dominoignore (e.g. `data/big.bin`)" in message, message
    assert "Traceback" not in message
    assert domino.client(project).list_jobs()[0] == []
    assert "data/big.bin" not in project_files(domino, project)

    # the fix the message names
    with open(workdir / ".dominoignore", "a") as f:
        f.write("data/\n")
    run_snakemake(workdir, domino, project, "--domino-max-sync-size", "1000000")
    assert (workdir / "a.txt").exists()
    assert not any(p.startswith("data/") for p in project_files(domino, project))
