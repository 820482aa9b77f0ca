"""`schedule list` and `schedule show`: the project's scheduled jobs as a table, one of them
with its next fires and recent runs, or a file from its newest succeeded run (--cat)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from snakemake_executor_domino.cli.connect import client_from_args
from snakemake_executor_domino.cli.schedule.history import latest_runs, recent_runs
from snakemake_executor_domino.cli.schedule.text import (
    PREVIEW_FIRES,
    clip,
    fire_time,
    mode_text,
    next_fire_ms,
    run_text,
)
from snakemake_executor_domino.domino import DominoClient, DominoError, ScheduledJob, ScheduledRun
from snakemake_executor_domino.domino.cron import from_quartz, parse_timezone, preview
from snakemake_executor_domino.exceptions import CliError


def cmd_list(args: argparse.Namespace) -> int:
    client = client_from_args(args)
    schedules = client.list_scheduled_jobs()
    if args.json:
        print(json.dumps([s.raw for s in schedules], indent=2))
        return 0
    if not schedules:
        print(f"no scheduled jobs in {client.owner}/{client.project_name}")
        return 0
    last_runs = latest_runs(client, schedules)
    rows = [("ID", "TITLE", "CRON", "TIER", "MODE", "NEXT FIRE", "LAST RUN")]
    for s in schedules:
        rows.append(
            (
                s.id,
                clip(s.title, 40),
                f"{s.cron} {s.timezone}",
                s.tier_name or s.tier_id or "-",
                mode_text(s.allow_concurrent).split(" ")[0],
                "paused" if s.is_paused else fire_time(next_fire_ms(s), s.timezone),
                run_text(last_runs.get(s.id)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    client = client_from_args(args)
    s = client.get_scheduled_job(args.id)
    runs = recent_runs(client, s, max(1, args.runs))
    if args.cat:
        return _cat(client, s, runs, args.cat)
    print(f"scheduled job {s.id} in {client.owner}/{client.project_name}")
    print(f"  title:     {s.title}")
    print(f"  command:   {s.command}")
    print(f"  cron:      '{s.cron}' ({s.timezone})")
    print(f"  tier:      {s.tier_name or '?'} ({s.tier_id})")
    print(f"  mode:      {mode_text(s.allow_concurrent)}")
    print(f"  state:     {'paused' if s.is_paused else 'active'}")
    if s.notify:
        print(f"  notify:    {', '.join(s.notify)}")
    if not s.is_paused:
        print("next fire times:")
        for line in preview(from_quartz(s.cron), parse_timezone(s.timezone), PREVIEW_FIRES):
            print(f"  {line}")
    print("recent runs, newest first:" if runs else "no runs yet")
    for run in runs:
        when = fire_time(run.fire_ms, s.timezone) if run.fire_ms else ""
        manual = " (fired by hand)" if run.manual else ""
        if run.outcome == "started":
            commit = f", output commit {run.output_commit_id}" if run.output_commit_id else ""
            print(f"  {when}  {run_text(run)}{commit}{manual}")
            if run.job_id:
                print(f"      {client.job_url(run.job_id)}")
        else:
            print(f"  {when}  {run.outcome}: {run.reason or ''}{manual}")
    return 0


def _cat(client: DominoClient, s: ScheduledJob, runs: list[ScheduledRun], path: str) -> int:
    done = [r for r in runs if r.status == "Succeeded" and r.output_commit_id]
    if not done:
        raise CliError(
            f"scheduled job {s.id} has no succeeded run among its recent runs; see "
            f"`snakemake-domino schedule show {s.id}`"
        )
    run = done[0]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "content"
        try:
            client.download_file(run.output_commit_id or "", path, target)
        except DominoError as exc:
            raise CliError(
                f"{path} is not in the output commit of job #{run.job_number} "
                f"({run.output_commit_id}): {exc}"
            ) from None
        sys.stdout.buffer.write(target.read_bytes())
    sys.stdout.flush()
    return 0
