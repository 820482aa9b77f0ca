"""Data in a dataset against the same data in project files: bytes the executor moves, and
the wall time of the job that reads it.

One rule counts the bytes of a big input (`wc -c`). In project files, the executor hashes
the input and uploads it before the job, and the job's Domino run brings it into the job's
working directory. In a dataset, `snakemake-domino submit` runs Snakemake inside Domino,
where the dataset is mounted: the rule's job reads it in place and nothing is moved. Bytes
are counted at the server (every upload and download of every caller); the job's time is
its Domino run time (start to end, Domino's own clock), the command's is its wall time.
The input is a sparse file: reading it costs no disk, the same for both.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from benchmarks.common import SNAKEMAKE, Context
from benchmarks.procs import run_measured
from benchmarks.report import table

SNAKEFILE = """
import os

BIG = __BIG__

rule all:
    input: "out/count.txt"

rule count:
    input: BIG
    output: "out/count.txt"
    shell: "wc -c < {input} > {output}"
"""


def run(ctx: Context, mib: int) -> dict[str, Any]:
    size = mib * 2**20
    results: dict[str, Any] = {"mib": mib, "runs": []}
    for where, slug in (("project files", "files"), ("dataset", "dataset")):
        project = f"bench/data-{slug}"
        work = ctx.dir(f"datasets-{slug}")
        with ctx.server(f"datasets-{slug}", [project]) as server:
            client = server.client(project)
            if where == "dataset":
                client.create_dataset("big", "the benchmark's input")
                host = server.dir / "root" / "datasets" / client.project_id / "local" / "big"
                big = "os.environ['DOMINO_DATASETS_DIR'] + '/big/big.bin'"
            else:
                host = work / "data"
                big = "'data/big.bin'"
            host.mkdir(parents=True, exist_ok=True)
            with open(host / "big.bin", "wb") as f:
                f.truncate(size)
            (work / "Snakefile").write_text(SNAKEFILE.replace("__BIG__", big))
            # a git work tree: the sources pushed are the Snakefile only, in both runs
            subprocess.run(["git", "init", "-q"], cwd=work, check=True)
            subprocess.run(["git", "add", "Snakefile"], cwd=work, check=True)
            server.reset()
            env = server.snakemake_env(project, ctx.poll_seconds)
            snakemake = [*SNAKEMAKE, "--executor", "domino", "-j", "1"]
            command = snakemake if where == "project files" else [
                os.path.join(os.path.dirname(sys.executable), "snakemake-domino"), "submit",
                "--interval", "1", "--", "snakemake", *snakemake[len(SNAKEMAKE):],
            ]
            measured = run_measured(
                command, cwd=work, env=env, log=ctx.dir("datasets-logs") / f"{where}.log",
                timeout=1800,
            ).check(f"the {where} run")
            counts = server.counts()
            jobs = [j for j in client.list_jobs(page_size=10)[0] if "--target-jobs" in j.command]
            job = jobs[0]
            results["runs"].append({
                "where": where,
                "wall_s": measured.wall,
                "job_s": ((job.completed_ms or 0) - (job.started_ms or 0)) / 1000,
                "uploaded": sum(v for k, v in counts["bytes_in"].items() if "upload" in k),
                "downloaded": sum(v for k, v in counts["bytes_out"].items() if "download" in k),
            })
    return results


def report(results: dict[str, Any]) -> str:
    runs = {r["where"]: r for r in results["runs"]}
    rows = [
        [where, f"{r['uploaded']:,}", f"{r['downloaded']:,}", f"{r['job_s']:.1f}",
         f"{r['wall_s']:.1f}"]
        for where, r in runs.items()
    ]
    base, data = runs["project files"], runs["dataset"]
    rows.append(["dataset / project files",
                 f"{data['uploaded'] / max(base['uploaded'], 1):.5f}x", "",
                 f"{data['job_s'] / max(base['job_s'], 1e-9):.2f}x",
                 f"{data['wall_s'] / max(base['wall_s'], 1e-9):.2f}x"])
    return table(
        [f"{results['mib']:,} MiB input in", "bytes uploaded", "bytes downloaded",
         "the job's Domino run s", "command wall s"],
        rows,
    )
