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


def test_quick_benchmark_prints_every_table(tmp_path):
    numbers_file = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--json",
         str(numbers_file)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    for title in TABLES:
        assert f"### {title}" in result.stdout

    numbers = json.loads(numbers_file.read_text())
    assert {r["requests_per_cycle"] for r in numbers["polling"].values()} == {1.0}
    first, unchanged, one_changed = numbers["uploads"]["runs"]
    assert first["puts"] > 0
    assert (unchanged["puts"], unchanged["bytes"]) == (0, 0)
    assert one_changed["puts"] == 1
    assert numbers["overhead"]["3"]["requests"]["start_job"]["requests"] == 3
    files, dataset = numbers["datasets"]["runs"]
    assert files["uploaded"] >= 2**20 > dataset["uploaded"]  # the input travelled once only
