"""`schedule pause`, `resume`, `delete` and `run` (fire once now, optionally waiting for the
job to end)."""

from __future__ import annotations

import argparse
import time

from snakemake_executor_domino.cli.connect import client_from_args
from snakemake_executor_domino.cli.schedule.text import PREVIEW_FIRES
from snakemake_executor_domino.domino import DominoClient, Job
from snakemake_executor_domino.domino.cron import from_quartz, parse_timezone, preview

WAIT_POLL_SECONDS = 2.0


def cmd_pause(args: argparse.Namespace) -> int:
    client = client_from_args(args)
    s = client.set_scheduled_job_paused(args.id, True)
    print(f"paused scheduled job {s.id} ('{s.title}'); `snakemake-domino schedule resume "
          f"{s.id}` starts it again")
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    client = client_from_args(args)
    s = client.set_scheduled_job_paused(args.id, False)
    print(f"resumed scheduled job {s.id} ('{s.title}'); fire times passed while paused are "
          "not made up. Next fire times:")
    for line in preview(from_quartz(s.cron), parse_timezone(s.timezone), PREVIEW_FIRES):
        print(f"  {line}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    client = client_from_args(args)
    s = client.get_scheduled_job(args.id)
    client.delete_scheduled_job(s.id)
    print(f"deleted scheduled job {s.id} ('{s.title}'); the jobs it started are kept")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    client = client_from_args(args)
    job = client.run_scheduled_job(args.id)
    if job is None:
        s = client.get_scheduled_job(args.id)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        job = client.start_job(
            s.command,
            title=f"{s.title} (run now {stamp})",
            tier_id=s.tier_id,
            environment_id=s.environment_id,
        )
        print(
            "this Domino has no API to fire a scheduled job now; started an ordinary job "
            "with its command, tier and environment instead (it does not count as a fire)"
        )
    print(f"started job #{job.number} ({job.id}): {client.job_url(job.id)}")
    if not args.wait:
        return 0
    return _wait(client, job)


def _wait(client: DominoClient, job: Job) -> int:
    last = job.status
    while not job.finished:
        time.sleep(WAIT_POLL_SECONDS)
        job = client.get_job(job.id)
        if job.status != last:
            print(f"  {job.status}", flush=True)
            last = job.status
    commit = f"; output commit {job.output_commit_id}" if job.output_commit_id else ""
    print(f"job #{job.number} ended {job.status}{commit}")
    return 0 if job.succeeded else 1
