"""Fixtures shared by every test: a real local Domino over HTTP on 127.0.0.1."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

_project_counter = itertools.count(1)

# A process started in the background of a non-interactive shell inherits SIGINT ignored,
# and so would every snakemake the tests start and then interrupt as Ctrl-C does: they
# would never see it. A Python handler here (where pytest and each xdist worker import
# this, in their main thread) is reset to the default in those children when they start.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
REPO = Path(__file__).resolve().parents[1]


@dataclass
class DominoServer:
    server: object  # snakemake_executor_domino.local.server.LocalDomino
    url: str
    api_key: str
    traffic: Path | None = None  # where the server records its traffic, if it does

    def new_project(self, prefix: str = "test") -> str:
        spec = f"tester/{prefix}-{os.getpid()}-{next(_project_counter)}"
        self.server.create_project(spec)
        return spec

    def jobs(self, project: str) -> list:
        """The server's own records of the project's jobs, newest first: they know what the
        API does not say, such as the tier a job ran on (Domino 5.0's Job names none)."""
        from snakemake_executor_domino.local.store.rows import ALL_STATUSES

        store = self.server.backend.store
        owner, name = project.split("/")
        jobs, _ = store.list_jobs(store.find_project(owner, name).id, ALL_STATUSES,
                                  descending=True, order_by="number", limit=-1, offset=0)
        return jobs

    def client(self, project: str):
        from snakemake_executor_domino.domino import Credentials, DominoClient

        owner, name = project.split("/")
        return DominoClient(self.url, owner, name, Credentials(api_key=self.api_key))


@pytest.fixture(scope="session")
def domino(tmp_path_factory) -> Iterator[DominoServer]:
    from snakemake_executor_domino.local.server import LocalDomino
    from tests.contract.recording import start_recording

    root = tmp_path_factory.mktemp("domino-state")
    # its traffic is recorded: the example run's share is checked against the contract
    traffic = tmp_path_factory.mktemp("domino-traffic") / "traffic.jsonl"
    server = start_recording(LocalDomino(root), traffic)
    try:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key,
                           traffic=traffic)
    finally:
        server.stop()


def in_ci() -> bool:
    """CI services and `.ci/run` set CI; there every test must run."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(what: str, reason: str, *, module_level: bool = False) -> NoReturn:
    """Skip a test that needs something this machine lacks; under CI, fail it instead, so
    a tool CI failed to install never passes unnoticed."""
    if in_ci():
        pytest.fail(f"CI must run {what}, but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def snakemake_env(domino: DominoServer, project: str, poll: float = 0.5) -> dict[str, str]:
    """This environment, less any Domino setting of the caller's, pointed at `domino`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env.update(
        SNAKEMAKE_DOMINO_URL=domino.url,
        SNAKEMAKE_DOMINO_PROJECT=project,
        SNAKEMAKE_DOMINO_API_KEY=domino.api_key,
        SNAKEMAKE_DOMINO_POLL_INTERVAL=str(poll),
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
    )
    return env


def run_snakemake(
    workdir: Path,
    domino: DominoServer,
    project: str,
    *args: str,
    timeout: float = 300,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", "4", *args]
    result = subprocess.run(
        cmd,
        cwd=workdir,
        env=snakemake_env(domino, project),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake failed ({result.returncode}):\nSTDOUT:\n{result.stdout}\n"
            f"STDERR:\n{result.stderr}"
        )
    return result


@dataclass
class PipelineRun:
    """The example pipeline, run once through the local Domino."""

    project: str
    workdir: Path
    result: subprocess.CompletedProcess[str]
    traffic: Path  # the server's traffic during the run, one JSON line per exchange


PIPELINE_PARTS = ("workflow", "scripts", "config", "data")


def copy_pipeline(dest: Path) -> Path:
    """The example pipeline's sources (workflow, scripts, config, data) in `dest`, without
    what a run in the checkout may have left there (outputs, .snakemake, caches)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PIPELINE_PARTS:
        shutil.copytree(
            REPO / part, dest / part,
            ignore=shutil.ignore_patterns("__pycache__", ".snakemake", "processed"),
        )
    return dest


# on a test that reads `example_run`: its readers share one pytest-xdist worker
# (--dist loadgroup, pyproject.toml), so the pipeline runs once per session, not per worker
EXAMPLE_RUN = pytest.mark.xdist_group("example_run")


@pytest.fixture(scope="session")
def example_run(domino: DominoServer, tmp_path_factory) -> PipelineRun:
    """`snakemake --executor domino -j 3 score_report.txt` in a copy of workflow/ scripts/
    config/ data/, once per test session: every test that only reads what that run left
    (its jobs, pages, records, outputs) shares it. A test that changes files there works
    on a copy of the directory instead."""
    project = domino.new_project("penguins")
    workdir = copy_pipeline(tmp_path_factory.mktemp("example-run"))
    assert domino.traffic is not None
    before = _recorded(domino.traffic)
    result = run_snakemake(workdir, domino, project, "-j", "3", "score_report.txt",
                           timeout=300)
    traffic = workdir.parent / f"{workdir.name}-traffic.jsonl"
    traffic.write_text("".join(_recorded(domino.traffic)[len(before):]))
    return PipelineRun(project, workdir, result, traffic)


def _recorded(log: Path) -> list[str]:
    return log.read_text().splitlines(keepends=True) if log.exists() else []


@pytest.fixture(scope="session")
def local_pipeline_run(tmp_path_factory) -> Path:
    """The example pipeline run once by Snakemake's local executor (`--cores 2`, no Domino
    anywhere in its environment), in a copy; its outputs are the reference that runs
    through Domino must match. Tests read it and never change it."""
    workdir = copy_pipeline(tmp_path_factory.mktemp("local-pipeline"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2"], cwd=workdir,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"local pipeline run:\n{result.stdout}\n{result.stderr}"
    return workdir


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # End-to-end tests first: on parallel workers, a long test handed out last runs alone
    # at the end while the other workers sit idle.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
