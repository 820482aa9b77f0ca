"""`snakemake-domino provenance PATH...`: which Domino job made a file, and whether the file
has changed since it was pulled back.

Reads only the run records under `.snakemake/domino_runs/` of the working directory (no
Domino connection). Exit status: 0 when every path was made by a recorded Domino job and
is unchanged since, 1 when one has changed, is missing or has no record.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from snakemake_executor_domino.exceptions import CliError
from snakemake_executor_domino.formatting import clock


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="output files (relative to the working directory)")
    parser.add_argument("-d", "--directory", type=Path, default=Path("."),
                        help="the workflow's working directory (default: the current one)")
    parser.add_argument("--json", action="store_true", help="print JSON, one object per path")
    parser.add_argument("--history", action="store_true",
                        help="also list the earlier records of each path")
    parser.set_defaults(func=provenance_command)


def provenance_command(args: argparse.Namespace) -> int:
    from snakemake_executor_domino.domino import sha1_of_file
    from snakemake_executor_domino.runs.provenance import UNCHANGED, examine

    workdir = args.directory
    if not workdir.is_dir():
        raise CliError(f"{workdir} is not a directory; pass the workflow's working directory")
    try:
        findings = examine(workdir, args.paths, sha1_of_file)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        json.dump([_as_json(f) for f in findings], sys.stdout, indent=2)
        print()
    else:
        for i, finding in enumerate(findings):
            if i:
                print()
            print("\n".join(describe(finding, args.history)))
    return 0 if all(f.state == UNCHANGED for f in findings) else 1


def describe(finding: Any, with_history: bool = False) -> list[str]:
    from snakemake_executor_domino.report.spans import describe as label
    from snakemake_executor_domino.runs.provenance import CHANGED, MISSING

    record = finding.record
    if record is None:
        where = "" if finding.sha1 else " (and it does not exist)"
        return [f"{finding.path}: no Domino job is recorded as its maker{where}. Only files "
                "the Domino executor pulled back are recorded."]
    job = record.job
    # a file outside the working directory was written in place (a dataset, a shared
    # volume), perhaps where only Domino's executions see it
    moved = "written in place" if os.path.isabs(finding.path) else "pulled back"
    state = {
        CHANGED: f"CHANGED since it was {moved} (SHA-1 now {finding.sha1})",
        MISSING: f"MISSING: the file is gone since it was {moved}"
        + (" (or its volume is not mounted here)" if moved != "pulled back" else ""),
    }.get(finding.state, f"unchanged since it was {moved}")
    tier = job.tier_name or "the project's default tier"
    asked = f"asked for {job.tier_requested}" if job.tier_requested else "none asked for"
    rows = [
        ("made by", f"Domino job #{job.number} ({job.status})"),
        ("page", job.url),
        ("job id", job.job_id),
        ("rule", label(record.rule, record.wildcards)),
        ("run", f"{job.run_id} (Snakemake job {job.snakemake_jobid})"),
        ("tier", f"{tier}" + (f" (id {job.tier_id})" if job.tier_id else "") + f"; {asked}"),
        ("environment", job.environment_name or job.environment_id or "the project's default"),
        ("commits", f"input {job.input_commit or '-'}, output {job.output_commit or '-'}"),
        ("submitted", clock(job.submitted_ms)),
        ("started", clock(job.started_ms)),
        ("finished", clock(job.finished_ms)),
        ("file", f"SHA-1 {record.sha1}, {record.size} bytes, {moved} "
                 f"{clock(record.recorded_ms)}"),
        ("state", state),
    ]
    if with_history:
        for older in finding.history[:-1]:
            rows.append(("earlier", f"job #{older.job.number} ({older.job.url}), SHA-1 "
                                    f"{older.sha1}, pulled {clock(older.recorded_ms)}"))
    width = max(len(name) for name, _ in rows)
    return [f"{finding.path}:"] + [f"  {name.ljust(width)}  {value}" for name, value in rows]


def _as_json(finding: Any) -> dict[str, Any]:
    return {
        "path": finding.path,
        "state": finding.state,
        "sha1": finding.sha1,
        "record": finding.record.to_dict() if finding.record else None,
        "history": [asdict(r) for r in finding.history],
    }
