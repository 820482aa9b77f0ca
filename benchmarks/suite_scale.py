"""Scale: many jobs against a local Domino that behaves like a deployment.

The server starts each execution after a start latency, runs at most `quota` of the user's
executions at once, lets at most `queue` more wait and refuses the rest (docs/local-domino.md,
"Behaving like a deployment"). Workflows: a wide one of N trivial jobs, and a per-sample one
(S samples x 4 rules, then one fan-in). Each runs with `--domino-pack auto` and `off`, and
once with Snakemake's local executor for the submitter's CPU. Measured per run: wall time
against the ideal schedule (executions in waves of the quota, each paying the start latency
and its median run time), Domino executions, tier-minutes, API requests per Snakemake job
(counted at the server), the Snakemake process's own CPU per job against the local
executor's, and the most executions that were running or queued at once (never above
quota + queue limit).
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

from benchmarks.common import LOCAL_CORES, SNAKEMAKE, Context
from benchmarks.procs import run_measured
from benchmarks.report import table
from benchmarks.server import BenchServer
from snakemake_executor_domino.throttle import StartThrottle

UNCAPPED_TIER = 10_000  # the tier's own cap out of the way: the user's quota is measured

SAMPLES = """
rule all:
    input: "summary.txt"

rule trim:
    output: "trim/{s}.txt"
    shell: "echo {wildcards.s} > {output}"

rule align:
    input: "trim/{s}.txt"
    output: "align/{s}.txt"
    shell: "cat {input} > {output}"

rule count:
    input: "align/{s}.txt"
    output: "count/{s}.txt"
    shell: "wc -c < {input} > {output}"

rule qc:
    input: "count/{s}.txt"
    output: "qc/{s}.txt"
    shell: "cat {input} > {output}"

rule summary:
    input: expand("qc/{s}.txt", s=range(__S__))
    output: "summary.txt"
    shell: "cat {input} > {output}"
"""

WIDE = """
rule all:
    input: expand("out/{i}.txt", i=range(__N__))

rule touch:
    output: "out/{i}.txt"
    shell: "__SLEEP__touch {output}"
"""


def workloads(sizes: list[int], samples: int, job_seconds: float = 0
              ) -> list[tuple[str, str, int]]:
    """(name, Snakefile, Snakemake jobs without `all`); wide jobs sleep `job_seconds` first."""
    wide = WIDE.replace("__SLEEP__", f"sleep {job_seconds:g}; " if job_seconds else "")
    each = f" ({job_seconds:g} s each)" if job_seconds else ""
    found = [(f"wide N={n}{each}", wide.replace("__N__", str(n)), n) for n in sizes]
    if samples:
        found.append((f"{samples} samples x 4 rules + fan-in",
                      SAMPLES.replace("__S__", str(samples)), samples * 4 + 1))
    return found


def run(ctx: Context, sizes: list[int], samples: int, latency: str, quota: int, queue: int,
        jobs: int, flavor: str = "5.0", job_seconds: float = 0,
        request_latency_ms: int = 0, packs: tuple[str, ...] = ("auto", "off"),
        poll_seconds: float | None = None) -> dict[str, Any]:
    limits = ["--start-latency", latency, "--executions-quota", str(quota),
              "--queue-limit", str(queue), "--request-latency", str(request_latency_ms),
              "--flavor", flavor]
    seconds = float(latency.split(":")[0])
    results: dict[str, Any] = {"latency": latency, "quota": quota, "queue": queue,
                               "request_latency_ms": request_latency_ms,
                               "poll_seconds": poll_seconds or ctx.poll_seconds,
                               "jobs": jobs, "flavor": flavor, "runs": []}
    for name, snakefile, count in workloads(sizes, samples, job_seconds):
        slug = name.split()[0] + str(count)
        local_dir = _workflow(ctx.dir(f"scale-{slug}-local"), snakefile)
        print(f"  {name}: local executor ...", flush=True)
        local = run_measured([*SNAKEMAKE, "--cores", str(LOCAL_CORES)], cwd=local_dir,
                             env=ctx.local_env(), log=local_dir / "snakemake.log",
                             timeout=3600).check(f"{name}, local")
        for pack in packs:
            print(f"  {name}: --domino-pack {pack} ...", flush=True)
            project = f"bench/scale-{slug}-{pack}"
            work = _workflow(ctx.dir(f"scale-{slug}-{pack}"), snakefile)
            server = BenchServer(ctx.dir(f"server-scale-{slug}-{pack}"), projects=[project],
                                 small_cap=UNCAPPED_TIER, timing_dir=ctx.timing_dir,
                                 limits=limits)
            with server:
                measured = run_measured(
                    [*SNAKEMAKE, "--executor", "domino", "--jobs", str(jobs),
                     "--domino-pack", pack],
                    cwd=work, env=server.snakemake_env(project, poll_seconds or ctx.poll_seconds),
                    log=work / "snakemake.log", timeout=7200,
                ).check(f"{name}, --domino-pack {pack}")
                counts = server.counts()
                domino_jobs = _every_job(server.client(project))
            made = _outputs_made(work, name, samples, sizes)
            results["runs"].append({
                "workload": name, "pack": pack, "snakemake_jobs": count, "outputs_made": made,
                "local_cpu": local.cpu_self, "cpu": measured.cpu_self, "wall": measured.wall,
                "requests": sum(v for k, v in counts["requests"].items()
                                if k.startswith("plugin ")),
                **_executions(domino_jobs, quota, seconds),
            })
    return results


def _every_job(client: Any) -> list[Any]:
    """The project's every job record: the server serves at most 1000 a page, and a big
    run without packing (refused starts are records too) has more."""
    jobs: list[Any] = []
    page_no = 1
    while True:
        page = client.jobs_page(page_size=1000, page_no=page_no)
        jobs += page.jobs
        if page.last or not page.jobs:
            return jobs
        page_no += 1


def _workflow(directory: Path, snakefile: str) -> Path:
    (directory / "Snakefile").write_text(snakefile)
    return directory


def _outputs_made(work: Path, name: str, samples: int, sizes: list[int]) -> bool:
    if name.startswith("wide"):
        n = int(name.split("=")[1].split()[0])
        return all((work / "out" / f"{i}.txt").exists() for i in range(n))
    return (work / "summary.txt").exists() and all(
        (work / "qc" / f"{s}.txt").exists() for s in range(samples))


def _executions(jobs: list[Any], quota: int, latency: float) -> dict[str, Any]:
    """What the server's records say: executions, their outcome, time and overlap. A start
    the queue limit refused is a record too (ended Error, never started): counted apart."""
    refused = [j for j in jobs if StartThrottle.refused(j)]
    jobs = [j for j in jobs if not StartThrottle.refused(j)]
    ran = [j for j in jobs if j.started_ms and j.completed_ms]
    run_s = [(j.completed_ms - j.started_ms) / 1000 for j in ran]
    events = sorted([(j.submitted_ms, 1) for j in jobs if j.submitted_ms]
                    + [(j.completed_ms, -1) for j in jobs if j.completed_ms])
    in_flight = peak = 0
    for _, step in events:
        in_flight += step
        peak = max(peak, in_flight)
    median = statistics.median(run_s) if run_s else 0.0
    return {
        "executions": len(jobs),
        "refused": len(refused),
        "failed": sum(1 for j in jobs if not j.succeeded),
        "tier_minutes": sum(run_s) / 60,
        "peak_in_flight": peak,
        "ideal": math.ceil(len(jobs) / quota) * (latency + median),
    }


def report(results: dict[str, Any]) -> str:
    rows = []
    for r in results["runs"]:
        n = r["snakemake_jobs"]
        rows.append([
            r["workload"], r["pack"], str(n), str(r["executions"]), str(r["refused"]),
            f"{r['wall']:.0f}", f"{r['ideal']:.0f}", f"{r['wall'] / max(r['ideal'], 1e-9):.2f}x",
            f"{r['tier_minutes']:.1f}", f"{r['requests'] / n:.2f}",
            f"{1000 * r['cpu'] / n:.0f}", f"{1000 * r['local_cpu'] / n:.0f}",
            f"{r['cpu'] / max(r['local_cpu'], 1e-9):.2f}x",
            f"{r['peak_in_flight']} / {results['quota'] + results['queue']}",
            "yes" if r["outputs_made"] and not r["failed"] else "NO",
        ])
    return table(
        ["workload", "pack", "jobs", "Domino executions", "refused starts", "wall s", "ideal s",
         "wall/ideal", "tier-minutes", "requests/job", "submitter CPU ms/job",
         "local executor ms/job", "Domino/local CPU", "most running+queued / quota+queue",
         "all outputs, none failed"],
        rows,
    )
