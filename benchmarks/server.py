"""Start and talk to the benchmark's local Domino (serve.py) from the harness."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from benchmarks.procs import stat_cpu
from benchmarks.serve import API_KEY_ENV

REPO = Path(__file__).resolve().parent.parent
TIMING_SITE = Path(__file__).resolve().parent / "timing_site"

# The built-in tiers, with the default tier's cap raised: a trivial job is a
# `python -m snakemake` that idles about a second at exit, so 4 at a time leave 2 cores idle.
# "Hold" runs one job at a time: the polling benchmark keeps jobs queued (active) on it.
TIERS_YAML = """\
tiers:
  - {{id: small-k8s, name: Small, cores: 1, memory_gib: 4, max_concurrent: {small_cap},
      default: true}}
  - {{id: medium-k8s, name: Medium, cores: 2, memory_gib: 8, max_concurrent: 3}}
  - {{id: large-k8s, name: Large, cores: 4, memory_gib: 16, max_concurrent: 2}}
  - {{id: gpu-small-k8s, name: GPU, cores: 4, memory_gib: 16, max_concurrent: 1, gpus: 1}}
  - {{id: hold, name: Hold, cores: 1, memory_gib: 1, max_concurrent: 1}}
"""


class BenchServer:
    """A local Domino in its own process, with request counters; a context manager."""

    def __init__(self, workdir: Path, *, projects: list[str], small_cap: int, timing_dir: Path,
                 limits: list[str] | None = None):
        self.dir = workdir
        self.limits = limits or []  # serve.py's deployment options, e.g. --queue-limit 50
        self.projects = projects
        self.small_cap = small_cap
        self.timing_dir = timing_dir
        self.api_key = secrets.token_urlsafe(24)
        self.url = ""
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BenchServer:
        self.dir.mkdir(parents=True, exist_ok=True)
        tiers = self.dir / "tiers.yaml"
        tiers.write_text(TIERS_YAML.format(small_cap=self.small_cap))
        ready = self.dir / "ready"
        args = [sys.executable, "-m", "benchmarks.serve", "--root", str(self.dir / "root"),
                "--tiers", str(tiers), "--ready", str(ready)]
        for project in self.projects:
            args += ["--project", project]
        args += self.limits
        self.proc = subprocess.Popen(
            args,
            cwd=REPO,
            env=server_env(self.api_key, self.timing_dir),
            stdout=open(self.dir / "server.log", "wb"),  # noqa: SIM115 (the child keeps it)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = (self.dir / "server.log").read_text()[-2000:]
                raise RuntimeError(f"the benchmark Domino did not start:\n{log}")
            time.sleep(0.05)
        self.url = ready.read_text().strip()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Domino-Api-Key": self.api_key}

    def cpu_seconds(self) -> float:
        """CPU time of the server process itself so far (not its jobs')."""
        assert self.proc is not None
        return stat_cpu(self.proc.pid)[0]

    def counts(self) -> dict[str, Any]:
        response = requests.get(f"{self.url}/__bench/counts", headers=self.headers, timeout=30)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        requests.post(f"{self.url}/__bench/reset", headers=self.headers, timeout=30)

    def client(self, project: str, on_request: Any = None) -> Any:
        from snakemake_executor_domino.domino import Credentials, DominoClient

        owner, name = project.split("/")
        return DominoClient(
            self.url, owner, name, Credentials(api_key=self.api_key), on_request=on_request
        )

    def snakemake_env(self, project: str, poll_interval: float) -> dict[str, str]:
        env = base_env(self.timing_dir)
        # `python -m benchmarks.cpu_probe` runs in the workflow's directory
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env["PYTHONPATH"]])
        env.update(
            SNAKEMAKE_DOMINO_URL=self.url,
            SNAKEMAKE_DOMINO_PROJECT=project,
            SNAKEMAKE_DOMINO_API_KEY=self.api_key,
            SNAKEMAKE_DOMINO_POLL_INTERVAL=str(poll_interval),
        )
        return env


def base_env(timing_dir: Path) -> dict[str, str]:
    """Our environment without any Domino settings, with the script-timing hook on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(TIMING_SITE), env.get("PYTHONPATH", "")] if p
    )
    env["BENCH_TIMING_DIR"] = str(timing_dir)
    return env


def server_env(api_key: str, timing_dir: Path) -> dict[str, str]:
    env = base_env(timing_dir)
    env[API_KEY_ENV] = api_key
    return env
