"""The benchmark run: parse options, run the suites, print the tables, save the numbers."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import (
    report,
    suite_datasets,
    suite_overhead,
    suite_pipeline,
    suite_polling,
    suite_scale,
    suite_transfer,
    suite_uploads,
)
from benchmarks.common import DOMINO_JOBS, POLL_SECONDS, Context
from snakemake_executor_domino.executor import REMOTE_POLL_SECONDS

SUITES = ("overhead", "polling", "transfer", "uploads", "datasets", "pipeline", "scale")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmarks of the Domino executor.")
    p.add_argument("--quick", action="store_true",
                   help="smallest sizes (N=3, 1 MiB): proves the harness runs, in about a minute")
    p.add_argument("--sizes", type=_ints, default=None,
                   help="N for the wide workflow (default 10,100,500; quick: 3)")
    p.add_argument("--active", type=_ints, default=None,
                   help="active jobs for the polling test (default 1,10,100,500; quick: 1,3)")
    p.add_argument("--transfer-mib", type=_ints, default=None,
                   help="file sizes in MiB to pull back (default 100,1024; quick: 1)")
    p.add_argument("--dataset-mib", type=int, default=None,
                   help="size of the input read from a dataset vs. project files (default "
                   "2048; quick: 1)")
    p.add_argument("--scale-sizes", type=_ints, default=None,
                   help="N for the scale suite's wide workflow (default 200,1000; quick: 6; 0: no "
                   "wide workflow, the per-sample one only)")
    p.add_argument("--scale-samples", type=int, default=None,
                   help="samples of the scale suite's per-sample workflow (default 100; "
                   "quick: 1)")
    p.add_argument("--scale-latency", default=None, metavar="SECONDS[:JITTER]",
                   help="the scale suite's start latency (default 45:15, the realistic "
                   "profile's; quick: 0.5)")
    p.add_argument("--scale-quota", type=int, default=None,
                   help="executions quota (default 25, realistic; quick: 2)")
    p.add_argument("--scale-queue", type=int, default=None,
                   help="queue limit (default 50, realistic; quick: 2)")
    p.add_argument("--scale-request-latency", type=int, default=None, metavar="MS",
                   help="every answer of the scale suite's server delayed this long (default "
                   "80, realistic; quick: 0)")
    p.add_argument("--scale-job-seconds", type=float, default=0,
                   help="how long each job of the scale suite's wide workflow sleeps "
                   "(default 0: trivial jobs)")
    p.add_argument("--scale-flavor", default="5.0", choices=("5.0", "5.10", "latest"),
                   help="the Domino version whose API the scale suite's server answers in "
                   "(default 5.0, the oldest documented; docs/local-domino.md)")
    p.add_argument("--scale-packs", type=lambda s: s.split(","), default=["auto", "off"],
                   help="the --domino-pack settings the scale suite runs each workload with "
                   "(default auto,off)")
    p.add_argument("--scale-poll-seconds", type=float, default=None,
                   help="the executor's status-check interval in the scale suite (default 5, "
                   "its own default against a Domino it did not start; quick: the quick "
                   "suites' 0.5)")
    p.add_argument("--scale-jobs", type=int, default=None,
                   help="Snakemake's --jobs for the scale runs (default 100; quick: 8)")
    p.add_argument("--only", type=lambda s: s.split(","), default=list(SUITES),
                   help=f"comma-separated suites to run (default all: {','.join(SUITES)})")
    p.add_argument("--small-cap", type=int, default=8,
                   help="how many jobs the benchmark Domino runs at once on its default tier")
    p.add_argument("--overhead-jobs", type=int, default=DOMINO_JOBS,
                   help=f"Snakemake's --jobs for the wide workflow's Domino runs, at most N "
                   f"(default {DOMINO_JOBS}); below N ready jobs wait for a slot")
    p.add_argument("--overhead-flavor", default="5.0", choices=("5.0", "5.10", "latest"),
                   help="which Domino version's API the wide workflow's local Domino answers "
                   "(default 5.0's, which needs the most requests per job)")
    p.add_argument("--scheduler", choices=["ilp", "greedy"], default=None,
                   help="Snakemake's job selector for the wide workflow runs (default: "
                   "Snakemake's own default, ilp)")
    p.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    p.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = p.parse_args(argv)
    unknown = set(args.only) - set(SUITES)
    if unknown:
        p.error(f"unknown suite(s) {sorted(unknown)}; choose from {', '.join(SUITES)}")
    q = args.quick
    args.sizes = args.sizes or ([3] if q else [10, 100, 500])
    args.active = args.active or ([1, 3] if q else [1, 10, 100, 500])
    args.transfer_mib = args.transfer_mib or ([1] if q else [100, 1024])
    args.dataset_mib = args.dataset_mib or (1 if q else 2048)
    if args.scale_sizes is None:
        args.scale_sizes = [6] if q else [200, 1000]
    args.scale_sizes = [n for n in args.scale_sizes if n > 0]  # 0: none
    if not args.scale_sizes and args.scale_samples == 0:
        p.error("--scale-sizes 0 with --scale-samples 0 leaves the scale suite nothing to run")
    if args.scale_samples is None:
        args.scale_samples = 1 if q else 100
    args.scale_latency = args.scale_latency or ("0.5" if q else "45:15")
    args.scale_quota = args.scale_quota or (2 if q else 25)
    args.scale_queue = args.scale_queue if args.scale_queue is not None else (2 if q else 50)
    args.scale_jobs = args.scale_jobs or (8 if q else 100)
    if args.scale_poll_seconds is None and not q:
        args.scale_poll_seconds = REMOTE_POLL_SECONDS
    if args.scale_request_latency is None:
        args.scale_request_latency = 0 if q else 80
    return args


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def machine() -> dict[str, Any]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    mem_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kib / 1024**2, 1), "cpu": cpu,
            "python": platform.python_version(), "kernel": platform.release()}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="domino-bench-"))
    # quick mode polls faster: its numbers only show that the harness runs
    ctx = Context(root=root, quick=args.quick, small_cap=args.small_cap,
                  poll_seconds=0.5 if args.quick else POLL_SECONDS,
                  wide_args=["--scheduler", args.scheduler] if args.scheduler else [])
    started = time.monotonic()
    results: dict[str, Any] = {"machine": machine(), "args": {
        "sizes": args.sizes, "active": args.active, "transfer_mib": args.transfer_mib,
        "small_cap": args.small_cap, "poll_seconds": ctx.poll_seconds,
        "scheduler": args.scheduler, "overhead_jobs": args.overhead_jobs,
        "overhead_flavor": args.overhead_flavor}}
    print(f"benchmarking in {root} on {results['machine']}", flush=True)
    try:
        sections = _run_suites(ctx, args, results)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    results["seconds"] = time.monotonic() - started
    m = results["machine"]
    print(f"\n## Results ({m['nproc']} CPUs, {m['memory_gib']} GiB, {m['cpu']}; "
          f"Python {m['python']}; took {results['seconds'] / 60:.1f} min)\n")
    for title, text in sections:
        print(f"### {title}\n\n{text}\n")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


def _run_suites(ctx: Context, args: argparse.Namespace, results: dict[str, Any]) -> list[Any]:
    sections = []
    if "overhead" in args.only:
        print("orchestration overhead and API economy (wide workflow) ...", flush=True)
        results["overhead"] = suite_overhead.run(ctx, args.sizes, args.overhead_jobs,
                                                 args.overhead_flavor)
        sections.append(("Orchestration overhead: N trivial jobs, Domino executor vs. local "
                         "executor", report.overhead(results["overhead"])))
        sections.append(("API economy: requests per job (wide workflow, server-side counts)",
                         report.api_per_job(results["overhead"])))
    if "polling" in args.only:
        print("polling cost vs. active jobs ...", flush=True)
        results["polling"] = suite_polling.run(ctx, args.active)
        sections.append(("API economy: one polling cycle vs. active jobs",
                         report.polling(results["polling"])))
    if "transfer" in args.only:
        print("pulling large outputs back vs. curl ...", flush=True)
        results["transfer"] = suite_transfer.run(
            ctx, args.transfer_mib, repetitions=2 if args.quick else 5
        )
        sections.append(("Transfer: pulling an output back, plugin vs. curl",
                         report.transfer(results["transfer"])))
    if "uploads" in args.only:
        print("upload economy ...", flush=True)
        results["uploads"] = suite_uploads.run(
            ctx, 64 * 1024 if args.quick else 2 * 1024 * 1024
        )
        sections.append(("Upload economy", report.uploads(results["uploads"])))
    if "datasets" in args.only:
        print("an input in a dataset vs. in project files ...", flush=True)
        results["datasets"] = suite_datasets.run(ctx, args.dataset_mib)
        sections.append(("Data in a dataset vs. in project files",
                         suite_datasets.report(results["datasets"])))
    if "pipeline" in args.only:
        print("example pipeline end to end ...", flush=True)
        results["pipeline"] = suite_pipeline.run(ctx)
        sections.append(("The example pipeline end to end", report.pipeline(results["pipeline"])))
    if "scale" in args.only:
        print("scale: a deployment's start latency, quota and queue limit ...", flush=True)
        results["scale"] = suite_scale.run(
            ctx, args.scale_sizes, args.scale_samples, args.scale_latency, args.scale_quota,
            args.scale_queue, args.scale_jobs, args.scale_flavor, args.scale_job_seconds,
            args.scale_request_latency, args.scale_packs,
            args.scale_poll_seconds or ctx.poll_seconds,
        )
        sections.append(("Scale: a deployment's start latency, executions quota and queue "
                         "limit", suite_scale.report(results["scale"])))
    return sections
