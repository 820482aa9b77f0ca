"""The example pipeline end to end, Domino executor vs. local executor, and where time goes.

The repository's workflow (workflow/, scripts/, config/, data/) is copied and run as
`make run` does (`--executor domino -j 3 score_report.txt`), and with the local executor.
The run's wall time is split, using the jobs' stage times on the server and the start and
end of every Snakemake process and `script:` process (timing_site/sitecustomize.py), into:
model fitting (fit scripts running), the other steps' scripts, Snakemake inside the jobs
(start-up, DAG, teardown), the Domino platform (queueing, files in, commit out) and the
executor itself (start-up, submitting, waiting for the next poll, pulling outputs back).
Each part is the time during which it was the innermost thing running, so they add up.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from benchmarks.common import (
    LOCAL_CORES,
    SNAKEMAKE,
    Context,
    clear_timings,
    read_timings,
    union_seconds,
)
from benchmarks.procs import Measured, run_measured
from benchmarks.server import REPO

COPIED = ["workflow", "scripts", "config", "data"]
TARGET = "score_report.txt"
# --quick only shows that the harness runs: one model (clean, features, one fit), and the
# test split, which both executors must write alike, compared in place of the report
QUICK_TARGET, QUICK_COMPARED = "models/logistic.pkl", "results/split/test.csv"


def run(ctx: Context) -> dict[str, Any]:
    project = "bench/pipeline"
    target, compared = (QUICK_TARGET, QUICK_COMPARED) if ctx.quick else (TARGET, TARGET)
    local_dir, domino_dir = _copy(ctx.dir("pipeline-local")), _copy(ctx.dir("pipeline-domino"))
    clear_timings(ctx.timing_dir)
    print("  example pipeline: local executor ...", flush=True)
    local = run_measured(
        [*SNAKEMAKE, "--cores", str(LOCAL_CORES), target],
        cwd=local_dir, env=ctx.local_env(), log=local_dir / "snakemake.log", timeout=900,
    ).check("local pipeline run")
    local_parts = _split(local, read_timings(ctx.timing_dir, local_dir), jobs=[], runs=None)
    clear_timings(ctx.timing_dir)
    with ctx.server("pipeline", [project]) as server:
        print("  example pipeline: Domino executor ...", flush=True)
        domino = run_measured(
            [*SNAKEMAKE, "--executor", "domino", "-j", "3", target],
            cwd=domino_dir, env=server.snakemake_env(project, ctx.poll_seconds),
            log=domino_dir / "snakemake.log", timeout=900,
        ).check("Domino pipeline run")
        jobs, _ = server.client(project).list_jobs(page_size=1000)
        runs = server.dir / "root" / "runs"
        domino_parts = _split(domino, read_timings(ctx.timing_dir, runs), jobs=jobs, runs=runs)
    if (local_dir / compared).read_text() != (domino_dir / compared).read_text():
        raise RuntimeError(f"the Domino run's {compared} differs from the local run's")
    return {
        "local": local_parts,
        "domino": domino_parts,
        "jobs": len(jobs),
        "fit_jobs": sum(" fit " in f" {job.title} " for job in jobs),
    }


def _copy(dest: Path) -> Path:
    for name in COPIED:
        shutil.copytree(REPO / name, dest / name, dirs_exist_ok=True)
    return dest


def _split(
    run: Measured, records: list[dict[str, Any]], *, jobs: list[Any], runs: Path | None
) -> dict[str, float]:
    """Wall time split into parts by what was innermost running (see the module doc)."""

    def intervals(kind: str, name: str | None = None) -> list[tuple[float, float]]:
        return [
            (max(r["start"], run.started), min(r["end"], run.ended))
            for r in records
            if r["kind"] == kind and (name is None or r["name"] == name)
        ]

    fit = union_seconds(intervals("script", "fit"))
    scripts = union_seconds(intervals("script"))
    parts = {"wall": run.wall, "cpu": run.cpu_self, "fit": fit, "other_scripts": scripts - fit}
    if runs is None:  # local executor: the rest is Snakemake's
        parts["snakemake"] = run.wall - scripts
        return parts
    in_jobs = union_seconds(intervals("snakemake"))
    job_spans = union_seconds(
        [(j.submitted_ms / 1000, j.completed_ms / 1000) for j in jobs
         if j.submitted_ms and j.completed_ms]
    )
    parts["snakemake_in_jobs"] = in_jobs - scripts
    parts["platform"] = job_spans - in_jobs
    parts["executor"] = run.wall - job_spans
    return parts
