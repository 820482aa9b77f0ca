"""`snakemake-domino runs list|show`: earlier runs of the Domino executor, from the records
it kept under `.snakemake/domino_runs/` (no Domino connection needed). `show --svg FILE`
writes the run's timeline, the same picture the local Domino's run page draws."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from snakemake_executor_domino.exceptions import CliError
from snakemake_executor_domino.formatting import clock


def register(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-d", "--directory", type=Path, default=Path("."),
                        help="the workflow's working directory (default: the current one)")
    common.add_argument("--json", action="store_true", help="print JSON")
    commands = parser.add_subparsers(dest="runs_command", metavar="SUBCOMMAND", required=True)

    p = commands.add_parser("list", parents=[common], help="the recorded runs, oldest first",
                            description="List the recorded runs of the Domino executor.")
    p.set_defaults(func=list_command)

    p = commands.add_parser("show", parents=[common], help="one run's summary and timeline",
                            description="Print a run's summary: jobs per tier, queued and "
                            "running time, tier-minutes, estimated cost, slowest jobs, and "
                            "per rule what it asked for against what it used.")
    p.add_argument("run", metavar="RUN", help="a run id (or its start), or 'last'")
    p.add_argument("--svg", type=Path, metavar="FILE", help="also write its timeline as SVG")
    p.add_argument("--tsv", action="store_true",
                   help="print the run's trace instead: one tab-separated row per Snakemake "
                   "job (--json also holds it, as `trace`)")
    p.add_argument("--efficiency-threshold", type=_percent, metavar="PCT", default=None,
                   help="flag rules using under PCT%% of their tier's memory or cores "
                   "(default: the run's --domino-efficiency-threshold, else 25)")
    p.set_defaults(func=show_command)


def list_command(args: argparse.Namespace) -> int:
    from snakemake_executor_domino.formatting import duration
    from snakemake_executor_domino.report.records import read_runs
    from snakemake_executor_domino.report.summary_text import money, table

    runs = read_runs(_workdir(args))
    summaries = [(run, _summary(run)) for run in runs]
    if args.json:
        json.dump([{**s.to_dict(), "started_ms": r.started_ms, "finished_ms": r.finished_ms,
                    "project": r.project, "host": r.host} for r, s in summaries],
                  sys.stdout, indent=2)
        print()
        return 0
    if not runs:
        print(f"no runs recorded in {_workdir(args)}/.snakemake/domino_runs")
        return 0
    rows = [("RUN", "STARTED", "JOBS", "FAILED", "WALL", "TIER-MIN", "EST. COST", "PROJECT")]
    for run, s in summaries:
        failed = sum(n for status, n in s.statuses.items() if status != "Succeeded")
        rows.append((run.run_id, clock(run.started_ms), str(s.jobs), str(failed),
                     duration(s.wall_ms), f"{s.tier_minutes:.2f}", money(s.cents),
                     run.project or "-"))
    print("\n".join(table(rows, right={2, 3, 4, 5, 6}, indent="")))
    return 0


def show_command(args: argparse.Namespace) -> int:
    from snakemake_executor_domino.report import efficiency, timeline, trace
    from snakemake_executor_domino.report.spans import from_record
    from snakemake_executor_domino.report.summary_text import format_summary

    run = find_run(_workdir(args), args.run)
    summary = _summary(run)
    threshold = next(t for t in (args.efficiency_threshold, run.efficiency_threshold,
                                 efficiency.DEFAULT_THRESHOLD) if t is not None)
    assessed = efficiency.assess(summary, run.tiers, threshold)
    if args.svg:
        picture = timeline.render([from_record(j) for j in run.jobs],
                                  title=f"Snakemake run {run.run_id} on Domino",
                                  tiers=[t.name for t in run.tiers])
        try:
            args.svg.write_text(picture + "\n")
        except OSError as exc:
            raise CliError(f"cannot write {args.svg}: {exc}") from None
    if args.tsv:
        sys.stdout.write(trace.tsv(trace.rows(run)))
        return 0
    if args.json:
        json.dump({**summary.to_dict(), "started_ms": run.started_ms,
                   "finished_ms": run.finished_ms, "project": run.project, "host": run.host,
                   "efficiency_threshold": threshold,
                   "efficiency": [e.to_dict() for e in assessed],
                   "jobs_recorded": [_job_json(j) for j in run.jobs],
                   "trace": trace.records(trace.rows(run))},
                  sys.stdout, indent=2)
        print()
    else:
        print(f"run {run.run_id} of {run.project or '?'} at {run.host or '?'}, started "
              f"{clock(run.started_ms)}")
        print(format_summary(summary, assessed, threshold) if run.jobs
              else "  no Domino job finished in it")
        if args.svg:
            print(f"timeline written to {args.svg}")
    return 0


def find_run(workdir: Path, ref: str) -> Any:
    from snakemake_executor_domino.report.records import read_run, run_files

    files = run_files(workdir)
    if not files:
        raise CliError(f"no runs recorded in {workdir}/.snakemake/domino_runs; they are "
                       "written by `snakemake --executor domino`")
    if ref in ("last", "latest"):
        return read_run(files[-1])
    matches = [p for p in files if p.stem.startswith(ref)]
    if len(matches) != 1:
        known = ", ".join(p.stem for p in files[-10:])
        what = "no run" if not matches else "more than one run"
        raise CliError(f"{what} matches '{ref}'; recorded runs (newest last): {known}")
    return read_run(matches[0])


def _summary(run: Any) -> Any:
    from snakemake_executor_domino.report.spans import from_record
    from snakemake_executor_domino.report.summary import summarise

    return summarise(run.run_id, [from_record(j) for j in run.jobs],
                     [t.name for t in run.tiers])


def _job_json(job: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(job)


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage from 0 to 100, e.g. 25")
    return value


def _workdir(args: argparse.Namespace) -> Path:
    if not args.directory.is_dir():
        raise CliError(f"{args.directory} is not a directory; pass the workflow's working "
                       "directory")
    return args.directory
