"""Which workflow files are pushed (pure parts: no Snakemake, no Domino)."""

from __future__ import annotations

import subprocess

import pytest

from snakemake_executor_domino.domino.ignore_rules import read_rules
from snakemake_executor_domino.files.sources import (
    DIRECTORY_SYNC,
    GIT_TRACKED,
    in_git_repository,
    too_big,
    workflow_sources,
)


def tree(root, files: dict[str, bytes | str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())


def test_directory_sync_keeps_out_dominoignore_snakemake_state_and_caches(tmp_path):
    tree(tmp_path, {
        "Snakefile": "rule a: pass",
        "helper.py": "",
        "scripts/__pycache__/x.cpython-311.pyc": b"\0",
        "scripts/step.py": "",
        ".snakemake/metadata/abc": "{}",
        ".snakemake/domino-local/state.db": b"\0",
        ".git/config": "",
        "scratch/keep.txt": "",
        "scratch/drop.tmp": "",
        "build/out.o": b"\0",
        ".dominoignore": "*.tmp\nbuild/\n!.snakemake/metadata/\n",
    })
    sources = workflow_sources(None, tmp_path)
    assert sources.how == DIRECTORY_SYNC
    assert sources.paths == [
        ".dominoignore", "Snakefile", "helper.py", "scratch/keep.txt", "scripts/step.py",
    ]
    assert sources.total_bytes == sum((tmp_path / p).stat().st_size for p in sources.paths)
    assert "directory sync" in sources.describe()


def test_symlinked_directory_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    tree(outside, {"secret.txt": "x"})
    workdir = tmp_path / "wf"
    tree(workdir, {"Snakefile": ""})
    (workdir / "linked").symlink_to(outside, target_is_directory=True)
    assert workflow_sources(None, workdir).paths == ["Snakefile"]


def test_size_guard_message_names_the_biggest_files_and_the_fix(tmp_path):
    sizes = {"Snakefile": 0, "a.bin": 5000, "b.bin": 3000}
    message = too_big(DIRECTORY_SYNC, sizes, tmp_path, 4000)
    assert "total 8 KiB, over the limit of 4 KiB (--domino-max-sync-size)" in message
    assert "nothing was uploaded" in message and "no git repository" in message
    assert "Biggest: a.bin (5 KiB), b.bin (3 KiB), Snakefile (0 B)." in message
    assert "lines in .dominoignore (e.g. `a.bin`)" in message
    assert "a git repository: its tracked files" in too_big(GIT_TRACKED, sizes, tmp_path, 4000)


class _DAG:
    def __init__(self, sources):
        self._sources = sources

    def get_sources(self):
        return self._sources


class _Workflow:
    def __init__(self, sources, configfiles=()):
        self.dag = _DAG(sources)
        self.configfiles = list(configfiles)


def test_git_repository_uses_snakemakes_list_less_dominoignore(tmp_path, monkeypatch):
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.fail("git is not installed")
    tree(tmp_path, {
        "Snakefile": "", "helper.py": "", "big/data.csv": "1", "untracked.txt": "",
        "config.yaml": "", ".dominoignore": "big/\n",
    })
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert in_git_repository(tmp_path)
    monkeypatch.chdir(tmp_path)
    workflow = _Workflow(["Snakefile", "helper.py", "big/data.csv", "../elsewhere.py"],
                         configfiles=[tmp_path / "config.yaml"])
    sources = workflow_sources(workflow, tmp_path)
    assert sources.how == GIT_TRACKED
    assert sources.paths == [".dominoignore", "Snakefile", "config.yaml", "helper.py"]


def test_not_a_git_repository(tmp_path):
    assert not in_git_repository(tmp_path)



def test_an_edited_dominoignore_is_read_again(tmp_path):
    (tmp_path / ".dominoignore").write_text("*.tmp\n")
    assert read_rules(tmp_path).is_ignored("a.tmp")
    assert not read_rules(tmp_path).is_ignored("a.log")
    (tmp_path / ".dominoignore").write_text("*.log\n")
    assert read_rules(tmp_path).is_ignored("a.log")
    assert not read_rules(tmp_path).is_ignored("a.tmp")
    (tmp_path / ".dominoignore").unlink()
    assert not read_rules(tmp_path)
