"""The benchmark harness (`make bench`) still runs end to end, at its smallest sizes.

No timing is asserted (timings belong in benchmarks/README.md, not in tests); only what must
hold at any speed: every table is printed, polling takes one request per cycle, a rerun
with unchanged inputs uploads nothing, and an input in a dataset is never uploaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TABLES = [
    "Orchestration overhead",
    "API economy: requests per job",
    "API economy: one polling cycle",
    "Transfer: pulling an output back",
    "Upload economy",
    "Data in a dataset vs. in project files",
    "The example pipeline end to end",
]


def quick(tmp_path: Path, *suites: str) -> tuple[subprocess.CompletedProcess, dict]:
    numbers_file = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--only",
         ",".join(suites), "--json", str(numbers_file)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result, json.loads(numbers_file.read_text())


def test_quick_benchmark_prints_every_table(tmp_path):
    # the scale suite runs in a test of its own, beside this one
    result, numbers = quick(tmp_path, "overhead", "polling", "transfer", "uploads",
                            "datasets", "pipeline")
    for title in TABLES:
        assert f"### {title}" in result.stdout

    assert {r["requests_per_cycle"] for r in numbers["polling"].values()} == {1.0}
    first, unchanged, one_changed = numbers["uploads"]["runs"]
    assert first["puts"] > 0
    assert (unchanged["puts"], unchanged["bytes"]) == (0, 0)
    assert one_changed["puts"] == 1
    assert numbers["overhead"]["3"]["requests"]["start_job"]["requests"] == 3
    files, dataset = numbers["datasets"]["runs"]
    assert files["uploaded"] >= 2**20 > dataset["uploaded"]  # the input travelled once only


def test_quick_scale_suite_holds_what_must_hold_at_any_speed(tmp_path):
    """Against a deployment's quota and queue limit (0.5 s start latency, 2 running, 2
    queued): every output made, no job failed (a refused start is no failure), and never
    more executions running or queued than quota plus queue limit."""
    result, numbers = quick(tmp_path, "scale")
    assert "### Scale: a deployment's start latency" in result.stdout
    scale = numbers["scale"]
    assert {(r["workload"], r["pack"]) for r in scale["runs"]} == {
        (w, p) for w in ("wide N=6", "1 samples x 4 rules + fan-in") for p in ("auto", "off")
    }
    for run in scale["runs"]:
        assert run["outputs_made"] and run["failed"] == 0, run
        assert run["peak_in_flight"] <= scale["quota"] + scale["queue"], run
