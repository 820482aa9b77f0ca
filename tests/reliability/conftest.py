"""Fixtures for the reliability tests: a local Domino with fault injection, pipeline copies,
a local Domino in its own process (so that killing Snakemake leaves it running), and
the checks every faulty run must pass (no temp files, no secret anywhere)."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DominoServer

# the outputs compared byte for byte (models are pickles: equal models, unequal bytes)
# the example pipeline's outputs a run through Domino must match byte for byte: as an
# independent second run of its scripts, this is also the check that they are reproducible
COMPARED = (
    "score_report.txt",
    "results/predictions.csv",
    "results/ensemble_weights.csv",
    "results/split/test.csv",
    "results/roc_curves.png",
)
_counter = itertools.count(1)


@dataclass
class FaultyDomino(DominoServer):
    """A DominoServer whose faults can be changed while it runs."""

    @contextlib.contextmanager
    def faults(self, spec: str) -> Iterator[object]:
        injector = self.server.faults
        injector.configure(spec)
        try:
            yield injector
        finally:
            injector.configure("rate=0")

    def injected(self) -> Counter[str]:
        return Counter(self.server.faults.state()["injected"])


def _faulty_server(tmp_path_factory, flavor: str) -> Iterator[FaultyDomino]:
    from snakemake_executor_domino.local.server import LocalDomino

    root = tmp_path_factory.mktemp(f"faulty-domino-{flavor}")
    server = LocalDomino(root, faults="rate=0", stop_grace_seconds=1.0,
                         api_flavor=flavor).start()
    try:
        yield FaultyDomino(server=server, url=server.url, api_key=server.api_key)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def faulty(tmp_path_factory) -> Iterator[FaultyDomino]:
    """A local Domino (the default flavor, 5.0: no title kept, no content route) with fault
    injection installed but idle (rate 0) until a test asks."""
    yield from _faulty_server(tmp_path_factory, "5.0")


@pytest.fixture(scope="session")
def faulty_510(tmp_path_factory) -> Iterator[FaultyDomino]:
    """As `faulty`, answering as Domino 5.10 does (titles kept, the content route)."""
    yield from _faulty_server(tmp_path_factory, "5.10")


@pytest.fixture(scope="session")
def faulty_latest(tmp_path_factory) -> Iterator[FaultyDomino]:
    """As `faulty`, answering as the newest Domino does."""
    yield from _faulty_server(tmp_path_factory, "latest")


@pytest.fixture(params=["5.0", "5.10", "latest"])
def any_version(request) -> FaultyDomino:
    """`faulty` on each Domino version the local Domino answers as."""
    return request.getfixturevalue(
        {"5.0": "faulty", "5.10": "faulty_510", "latest": "faulty_latest"}[request.param])


@dataclass
class ServerProcess:
    """`snakemake-domino local serve` in a process of its own."""

    proc: subprocess.Popen[str]
    url: str
    api_key: str
    root: Path
    banner: str

    def client(self, project: str):
        from snakemake_executor_domino.domino import Credentials, DominoClient

        owner, name = project.split("/")
        return DominoClient(self.url, owner, name, Credentials(api_key=self.api_key))

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.stdout.read() if self.proc.stdout else ""


@contextlib.contextmanager
def server_process(root: Path, *projects: str, faults: str | None = None):
    key = f"reliability-key-{os.getpid()}-{next(_counter)}-do-not-print"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env["SNAKEMAKE_DOMINO_LOCAL_API_KEY"] = key
    cmd = [
        str(Path(sys.executable).parent / "snakemake-domino"), "local", "serve",
        "--port", "0", "--root", str(root),
    ]
    for project in projects:
        cmd += ["--project", project]
    if faults:
        cmd += ["--faults", faults]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    url = None
    banner: list[str] = []
    assert proc.stdout is not None
    # the banner ends with how to stop the server
    while not banner or "Ctrl-C stops the server" not in banner[-1]:
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            raise RuntimeError("local Domino did not start:\n" + "".join(banner))
        banner.append(line)
        match = re.search(r"listening on (\S+)", line)
        if match:
            url = match.group(1)
    assert url is not None
    server = ServerProcess(proc, url, key, root, "".join(banner))
    try:
        yield server
    finally:
        server.stop()


def job_label(job) -> str:
    """The title the executor gives a job, read from Domino's title or, where Domino kept none
    (5.0: a start keeps no title and one whose answer was lost is never named), rebuilt from
    its command: Snakemake's `--target-jobs 'rule:wildcards'` and the executor's marker."""
    if job.title:
        return job.title
    target = re.search(r"--target-jobs '([^':]+):([^']*)'", job.command)
    marker = re.search(r"# snakemake-domino (\[run .*\])$", job.command)
    if not (target and marker):
        return job.command
    return " ".join(p for p in ("snakemake", *target.groups(), marker.group(1)) if p)


def part_files(workdir: Path) -> list[Path]:
    """Temp files of interrupted downloads (`.name.*.part`) anywhere in the workdir."""
    return [p for p in workdir.rglob(".*.part") if ".snakemake" not in p.parts]


def assert_secret_absent(secret: str, *texts: str, paths: tuple[Path, ...] = ()) -> None:
    """The secret appears in none of the texts nor in any file under the paths."""
    needle = secret.encode()
    for i, text in enumerate(texts):
        assert secret not in text, f"the API key appears in text #{i}"
    for root in paths:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                assert needle not in path.read_bytes(), f"the API key appears in {path}"


def wait_for(predicate, timeout: float, what: str, poll: float = 0.2):
    """The first truthy value of `predicate()`, checked every `poll` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out waiting for {what}")


class WatchedSnakemake:
    """`snakemake --executor domino` in a process whose log lines a test can await."""

    def __init__(self, workdir: Path, env: dict[str, str], *args: str, jobs: int = 3):
        cmd = [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", str(jobs)]
        self.proc = subprocess.Popen(
            [*cmd, *args], cwd=workdir, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._lines.append("")  # end of output
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "".join(self._lines)

    def await_line(self, pattern: str, timeout: float = 120) -> str:
        """The first line matching the regex `pattern`, once Snakemake has written it."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((line for line in self._lines if regex.search(line)), None)
                if found is not None:
                    return found
                ended = self._lines and self._lines[-1] == ""
                left = deadline - time.monotonic()
                if ended or left <= 0:
                    raise AssertionError(
                        f"Snakemake {'ended' if ended else 'went on'} without a line matching "
                        f"{pattern!r}:\n{''.join(self._lines)}"
                    )
                self._changed.wait(left)

    def finish(self, timeout: float = 180) -> int:
        try:
            self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=10)
        return self.proc.returncode
