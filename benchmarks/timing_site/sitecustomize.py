"""Benchmark hook: record when Snakemake processes and Snakemake `script:` processes run.

On PYTHONPATH only during benchmarks, and inert unless $BENCH_TIMING_DIR is set. At exit, a
Snakemake process or a script Snakemake started (`.snakemake/scripts/tmpXXXX.<name>.py`)
writes one JSON file: kind, name, start (the process's start time from /proc, so interpreter
start-up counts), end, cwd. The run's timeline is rebuilt from these (pipeline breakdown).
"""

import os
import sys


def _classify(argv: list[str]) -> tuple[str, str] | None:
    args = argv[1:]
    if args[:2] == ["-m", "snakemake"]:
        return "snakemake", "snakemake"
    if not args:
        return None
    first = args[0].replace(os.sep, "/")
    base = first.rsplit("/", 1)[-1]
    if base == "snakemake":
        return "snakemake", "snakemake"
    if ".snakemake/scripts/tmp" in first and base.count(".") >= 2:
        return "script", base.split(".")[-2]
    return None


def _process_start() -> float | None:
    """Wall-clock time this process started (10 ms resolution)."""
    import time

    try:
        # the fields as local/jobs/usage.py's stat_fields reads them; not imported from
        # there, since this runs in every interpreter a benchmark times
        with open(f"/proc/{os.getpid()}/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _install() -> None:
    out_dir = os.environ.get("BENCH_TIMING_DIR")
    found = _classify(list(getattr(sys, "orig_argv", sys.argv))) if out_dir else None
    if found is None:
        return
    import atexit
    import json
    import time

    kind, name = found
    start = _process_start() or time.time()

    def write() -> None:
        record = {"kind": kind, "name": name, "start": start, "end": time.time(),
                  "cwd": os.getcwd(), "pid": os.getpid()}
        with open(os.path.join(out_dir, f"{os.getpid()}-{time.monotonic_ns()}.json"), "w") as f:
            json.dump(record, f)

    atexit.register(write)


try:
    _install()
except Exception:  # a benchmark hook must never break the process it watches
    pass
