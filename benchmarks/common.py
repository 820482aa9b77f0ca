"""Shared pieces of the benchmark suites: the run context, workflows, Snakemake commands."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.server import BenchServer, base_env

SNAKEMAKE = [sys.executable, "-m", "snakemake"]
POLL_SECONDS = 1.0  # what the executor uses against its embedded local Domino
DOMINO_JOBS = 100  # --jobs for Domino runs: Domino jobs in flight at once
LOCAL_CORES = os.cpu_count() or 1


@dataclass
class Context:
    """Where a benchmark run keeps its files, and what it has measured so far."""

    root: Path
    quick: bool
    small_cap: int
    poll_seconds: float = POLL_SECONDS
    # extra Snakemake options for both runs of the wide workflow (e.g. --scheduler greedy)
    wide_args: list[str] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)

    def dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def timing_dir(self) -> Path:
        return self.dir("timings")

    def server(self, name: str, projects: list[str], limits: list[str] | None = None
               ) -> BenchServer:
        return BenchServer(
            self.dir(f"server-{name}"),
            projects=projects,
            small_cap=self.small_cap,
            timing_dir=self.timing_dir,
            limits=limits,
        )

    def local_env(self) -> dict[str, str]:
        return base_env(self.timing_dir)


def write_wide_workflow(workdir: Path, n: int) -> Path:
    """N independent `touch` jobs and a local `all` rule that needs them."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Snakefile").write_text(
        f'rule all:\n    input: expand("out/{{i}}.txt", i=range({n}))\n\n'
        'rule touch:\n    output: "out/{i}.txt"\n    shell: "touch {output}"\n'
    )
    return workdir


def read_timings(timing_dir: Path, under: Path | None = None) -> list[dict[str, Any]]:
    """Timing records (timing_site/sitecustomize.py) of processes that ran below `under`."""
    records = []
    for path in timing_dir.glob("*.json"):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if under is None or Path(record["cwd"]).is_relative_to(under):
            records.append(record)
    return records


def clear_timings(timing_dir: Path) -> None:
    for path in timing_dir.glob("*.json"):
        path.unlink(missing_ok=True)


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of [start, end] intervals."""
    total, end_so_far = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end <= end_so_far:
            continue
        total += end - max(start, end_so_far)
        end_so_far = end
    return total
