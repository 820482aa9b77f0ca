"""Every workflow that runs with Snakemake's local executor runs the same through Domino.

Each case runs one small workflow twice from the same files: with `--cores 4` (Snakemake's
local executor) and with `--executor domino -j 4` against the shared local Domino. Both
working directories must then hold the same paths with the same type, mode and bytes, and
links resolving to the same place; a dry run afterwards must find nothing to redo.
Cases that fail for reasons another branch is fixing are strict xfails naming the owner,
so they turn into failures the moment the fix lands.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.compat.trees import differences, snapshot
from tests.conftest import DominoServer, run_snakemake, unavailable

pytestmark = pytest.mark.slow

WORKFLOWS = Path(__file__).parent / "workflows"


@dataclass(frozen=True)
class Case:
    name: str
    workflow: str
    args: tuple[str, ...] = ()
    # run from the parent of the workflow's directory (for --directory)
    from_parent: bool = False
    git: bool = False
    volatile: tuple[str, ...] = ()
    # rules that must run in the submitting process, never as a Domino job
    local_rules: tuple[str, ...] = ()
    # Python modules the case needs beyond the core install (the `test` extra brings them)
    needs: tuple[str, ...] = ()
    xfail: str | None = None


CASES = [
    # temp, group + unneeded temp, pipe, service, directory (nested, empty, links), benchmark,
    # log, script with a helper beside it, links (relative, absolute, to a directory),
    # protected (file and link), localrules, executable bit, params from the input,
    # checkpoint, shadow, include, module
    Case(
        "outputs",
        "outputs",
        volatile=("bench/bench.tsv",),
        local_rules=("all", "local_note"),
    ),
    Case("retries", "outputs", args=("--retries", "1", "retry/out.txt")),
    Case("helpers-in-git", "helpers", git=True),
    Case("helpers-outside-git", "helpers"),
    Case(
        "config",
        "config",
        args=("--configfile", "config/override.yaml", "--config", "extra=cli"),
    ),
    Case(
        "directory",
        "config",
        args=("--snakefile", "wf/Snakefile", "--directory", "wf"),
        from_parent=True,
    ),
    Case("lazy-resources", "lazy"),
    Case("threads", "threads"),
    # the executed notebook names each run's own directory and carries execution times
    Case(
        "notebook",
        "notebook",
        volatile=("logs/total.ipynb",),
        needs=("nbconvert", "ipykernel"),
    ),
]


def _copy(case: Case, dest: Path) -> tuple[Path, Path]:
    """(where snakemake runs, the workflow's working directory)"""
    workdir = dest / "wf" if case.from_parent else dest
    shutil.copytree(WORKFLOWS / case.workflow, workdir)
    if case.git:
        subprocess.run(["git", "init", "-q"], cwd=workdir, check=True)
        subprocess.run(["git", "add", "-A"], cwd=workdir, check=True)
    return (dest if case.from_parent else workdir), workdir


def _require(case: Case) -> None:
    """Skip a case whose modules are missing; under CI, fail it instead."""
    missing = [name for name in case.needs if importlib.util.find_spec(name) is None]
    if not missing:
        return
    unavailable(f"the {case.name} case",
                f"{', '.join(missing)} not installed: pip install -e '.[test]'")


def _local_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def _snakemake_local(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=cwd,
        env=_local_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _explain(what: str, result: subprocess.CompletedProcess[str]) -> str:
    return f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-6000:]}"


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)])
        if c.xfail
        else pytest.param(c, id=c.name)
        for c in CASES
    ],
)
def test_domino_leaves_what_the_local_executor_leaves(
    case: Case, tmp_path: Path, domino: DominoServer
):
    _require(case)
    local_run, local_dir = _copy(case, tmp_path / "local")
    remote_run, remote_dir = _copy(case, tmp_path / "domino")

    project = domino.new_project(case.name)
    # side by side: the Domino run mostly waits, the local one mostly computes
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_snakemake_local, local_run, "--cores", "4", *case.args)
        remote = run_snakemake(remote_run, domino, project, *case.args, check=False)
        local = pending.result()
    assert local.returncode == 0, _explain("the local executor", local)
    assert remote.returncode == 0, _explain("the Domino executor", remote)

    expected = snapshot(local_dir, case.volatile)
    actual = snapshot(remote_dir, case.volatile)
    assert not differences(expected, actual), "\n".join(differences(expected, actual))

    again = _snakemake_local(remote_run, "--dry-run", "--cores", "1", *case.args)
    assert again.returncode == 0, _explain("the dry run", again)
    assert "Nothing to be done" in again.stdout + again.stderr, again.stdout + again.stderr

    jobs, _ = domino.client(project).list_jobs(page_size=500)
    titles = [job.title.split()[1] for job in jobs]
    assert not set(case.local_rules) & set(titles), titles
