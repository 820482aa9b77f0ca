"""Orchestration overhead: N trivial jobs via `--executor domino` vs. the local executor.

For each N the same wide workflow (N `touch {output}` jobs) runs twice, side by side: with
Snakemake's local executor, and through the Domino executor on the benchmark's local Domino
(a separate process, so its CPU and the jobs' CPU are not the executor's). Measured: wall
time, the Snakemake process's own CPU time, the span the server was busy with the jobs, and
the requests the executor made, by API call (server-side counters), the plugin's own share
of the Snakemake process's CPU (cpu_probe.py) and the server's CPU.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from benchmarks.common import (
    DOMINO_JOBS,
    LOCAL_CORES,
    SNAKEMAKE,
    Context,
    write_wide_workflow,
)
from benchmarks.procs import run_measured

# Snakemake with the plugin's own CPU time accounted for (cpu_probe.py)
PROBE = [sys.executable, "-m", "benchmarks.cpu_probe"]


def run(ctx: Context, sizes: list[int], in_flight: int = DOMINO_JOBS,
        flavor: str = "5.0") -> dict[str, Any]:
    projects = [f"bench/wide-{n}" for n in sizes]
    results: dict[str, Any] = {}
    with ctx.server("wide", projects, ["--flavor", flavor]) as server:
        for n, project in zip(sizes, projects, strict=True):
            print(f"  wide workflow, N={n}: local executor ...", flush=True)
            local_dir = write_wide_workflow(ctx.dir(f"wide-{n}-local"), n)
            local = run_measured(
                [*SNAKEMAKE, "--cores", str(LOCAL_CORES), *ctx.wide_args],
                cwd=local_dir, env=ctx.local_env(), log=local_dir / "snakemake.log",
                timeout=600,
            ).check(f"local run N={n}")
            print(f"  wide workflow, N={n}: Domino executor ...", flush=True)
            domino_dir = write_wide_workflow(ctx.dir(f"wide-{n}-domino"), n)
            probe = domino_dir / "plugin-cpu.json"
            server.reset()
            server_cpu = server.cpu_seconds()
            domino = run_measured(
                # one Domino job per Snakemake job: the overhead of each is what is measured
                [*PROBE, str(probe), "--executor", "domino", "--jobs", str(min(n, in_flight)),
                 "--domino-pack", "off", *ctx.wide_args],
                cwd=domino_dir, env=server.snakemake_env(project, ctx.poll_seconds),
                log=domino_dir / "snakemake.log", timeout=1200,
            ).check(f"Domino run N={n}")
            server_cpu = server.cpu_seconds() - server_cpu
            counts = server.counts()
            plugin = json.loads(probe.read_text())
            jobs, _ = server.client(project).list_jobs(page_size=1000)
            if len(jobs) != n or not all(job.succeeded for job in jobs):
                raise RuntimeError(f"N={n}: expected {n} succeeded Domino jobs")
            first = min(job.submitted_ms for job in jobs if job.submitted_ms)
            last = max(job.completed_ms for job in jobs if job.completed_ms)
            results[str(n)] = {
                "n": n,
                "local": _measured(local),
                "domino": _measured(domino),
                "server_span": (last - first) / 1000,
                "server_cpu": server_cpu,
                "plugin_cpu": sum(plugin["cpu"].values()),
                "plugin_cpu_by_method": plugin["cpu"],
                "job_seconds": sum(
                    (j.completed_ms - j.started_ms) / 1000 for j in jobs
                    if j.completed_ms and j.started_ms
                ),
                "requests": _plugin_calls(counts),
                "poll_cycles": counts["first_pages"],
            }
    return results


def _measured(m: Any) -> dict[str, float]:
    return {"wall": m.wall, "cpu": m.cpu_self, "cpu_children": m.cpu_children,
            "max_rss_mb": m.max_rss_mb}


def _plugin_calls(counts: dict[str, Any]) -> dict[str, dict[str, int]]:
    calls: dict[str, dict[str, int]] = {}
    for key, number in counts["requests"].items():
        who, _, name = key.partition(" ")
        if who == "plugin":
            calls[name] = {
                "requests": number,
                "bytes_in": counts["bytes_in"].get(key, 0),
                "bytes_out": counts["bytes_out"].get(key, 0),
            }
    return calls
