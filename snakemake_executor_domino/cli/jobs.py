"""`snakemake-domino jobs list|show|log|stop`: a project's Domino jobs from the terminal.

Works against any Domino, real or local, through DominoClient (the one code that knows
Domino's URLs). Where Domino is and who we are: --url / --project / --local and the same
environment variables as the executor (see cli/connect.py); the API key only ever comes from
the environment, never a flag (a command line is visible to other users of the machine).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar

from snakemake_executor_domino.formatting import clock, duration

if TYPE_CHECKING:
    from snakemake_executor_domino.domino import DominoClient, Job

STATUS_FILTERS = ("all", "active", "completed", "queued", "pending", "preparing", "running",
                  "finishing", "succeeded", "failed", "error", "stopped")
NUMBER_SCAN_PAGE = 200
T = TypeVar("T")


def register(parser: argparse.ArgumentParser) -> None:
    from snakemake_executor_domino.cli.connect import add_connection_arguments

    common = argparse.ArgumentParser(add_help=False)
    add_connection_arguments(common)
    commands = parser.add_subparsers(dest="jobs_command", metavar="SUBCOMMAND", required=True)

    p = commands.add_parser("list", parents=[common], help="the project's jobs, newest first",
                            description="List the project's jobs, newest first.")
    p.add_argument("--status", default="all", choices=STATUS_FILTERS, metavar="STATUS",
                   help=f"only these jobs: {', '.join(STATUS_FILTERS)} (default: all)")
    p.add_argument("--limit", type=int, default=25, help="at most this many (default: 25)")
    p.set_defaults(func=list_command)

    p = commands.add_parser("show", parents=[common], help="one job's details and page URL",
                            description="Show one job: status, times, command, tier, "
                            "commits and the URL of its page.")
    p.add_argument("job", metavar="JOB", help="job id, or its number (12 or #12)")
    p.set_defaults(func=show_command)

    p = commands.add_parser("log", parents=[common], help="a job's output; --follow streams it",
                            description="Print a job's output. With --follow, keep printing "
                            "what it writes until it ends; the exit status is then 0 only if "
                            "the job succeeded.")
    p.add_argument("job", metavar="JOB", help="job id, or its number (12 or #12)")
    p.add_argument("-f", "--follow", action="store_true", help="stream it while the job runs")
    p.add_argument("--setup", action="store_true",
                   help="print the platform's setup log (preparing, committing) first")
    p.add_argument("--interval", type=float, default=2.0,
                   help="seconds between polls with --follow (default: 2)")
    p.set_defaults(func=log_command)

    p = commands.add_parser("stop", parents=[common], help="stop a queued or running job",
                            description="Stop a queued or running job.")
    p.add_argument("job", metavar="JOB", help="job id, or its number (12 or #12)")
    p.add_argument("--commit-results", action="store_true",
                   help="commit the files it changed so far (default: discard them)")
    p.set_defaults(func=stop_command)


# -- commands ---------------------------------------------------------------------------------


def list_command(args: argparse.Namespace) -> int:
    from snakemake_executor_domino.job_identity import snakemake_jobs

    client = _client(args)
    if args.limit < 1:
        _fail("--limit must be at least 1")
    jobs, total = _call(lambda: client.list_jobs(page_size=args.limit, status=args.status))
    out = sys.stdout
    if not jobs:
        which = "" if args.status == "all" else f"{args.status} "
        print(f"no {which}jobs in {client.owner}/{client.project_name}", file=out)
        return 0
    # JOBS: the Snakemake jobs each ran (a pack's size; packing/)
    rows: list[tuple[str, ...]] = [
        ("#", "STATUS", "TIER", "STARTED", "DURATION", "JOBS", "TITLE")]
    for job in map(partial(_with_tier, client), jobs):
        rows.append((
            str(job.number if job.number is not None else "?"),
            job.status,
            job.tier_name or job.tier_id or "",
            clock(job.started_ms or job.submitted_ms),
            duration(run_time(job)),
            snakemake_jobs(job.title, job.command),
            job.title or job.command,
        ))
    _print_table(rows, right_aligned={0, 4, 5}, out=out)
    if total > len(jobs):
        print(f"({len(jobs)} of {total} jobs; --limit shows more)", file=out)
    return 0


def show_command(args: argparse.Namespace) -> int:
    client = _client(args)
    job = _call(lambda: client.with_tier(_find(client, args.job)))
    fields = [
        ("status", job.status),
        ("title", job.title or "-"),
        ("id", job.id),
        ("page", client.job_url(job.id)),
        ("command", job.command),
        ("tier", f"{job.tier_name} ({job.tier_id})" if job.tier_name else job.tier_id or "-"),
        ("submitted", clock(job.submitted_ms)),
        ("started", clock(job.started_ms)),
        ("completed", clock(job.completed_ms)),
        ("ran", duration(run_time(job))),
        ("input commit", job.input_commit_id or "-"),
        ("output commit", job.output_commit_id or "-"),
    ]
    print(f"job #{job.number} in {client.owner}/{client.project_name}")
    width = max(len(name) for name, _ in fields)
    for name, value in fields:
        print(f"  {name.ljust(width)}  {value}")
    return 0


def log_command(args: argparse.Namespace) -> int:
    client = _client(args)
    job = _find(client, args.job)
    out = sys.stdout
    setup, output = _call(lambda: client.job_log_parts(job.id))
    if args.setup and setup:
        out.write(_line_ended(setup))
    out.write(output)
    out.flush()
    if not args.follow:
        return 0
    if args.interval <= 0:
        _fail("--interval must be positive")
    job, output = follow(client, job, output, args.interval, out)
    if output and not output.endswith("\n"):
        out.write("\n")  # the status line below must start on a line of its own
    print(f"job #{job.number} ended: {job.status}", file=sys.stderr)
    return 0 if job.succeeded else 1


def stop_command(args: argparse.Namespace) -> int:
    client = _client(args)
    job = _find(client, args.job)
    if job.finished:
        print(f"job #{job.number} already ended: {job.status}")
        return 0
    _call(lambda: client.stop_job(job.id, commit_results=args.commit_results))
    job = _call(lambda: client.get_job(job.id))
    if job.finished:
        print(f"job #{job.number} stopped: {job.status}")
    else:
        print(f"stop requested for job #{job.number}; it is {job.status} now")
    return 0


# -- following a log --------------------------------------------------------------------------


def follow(
    client: DominoClient, job: Job, shown: str, interval: float, out: TextIO
) -> tuple[Job, str]:
    """Print what the job writes beyond `shown` (its output printed so far) until it ends;
    returns the ended job and its whole output."""
    job_id = job.id
    while True:
        time.sleep(interval)
        # status before log: once it reads finished, the log read after it is complete
        job = _call(lambda: client.get_job(job_id))
        _, output = _call(lambda: client.job_log_parts(job_id))
        if output.startswith(shown):
            out.write(output[len(shown) :])
        else:  # rewritten rather than appended to: print it again, whole
            out.write(output)
        out.flush()
        shown = output
        if job.finished:
            return job, shown


# -- helpers ----------------------------------------------------------------------------------


def _client(args: argparse.Namespace) -> DominoClient:
    from snakemake_executor_domino.cli.connect import client_from_args

    return client_from_args(args)


def _with_tier(client: DominoClient, job: Job) -> Job:
    """The job with the tier it ran on (5.0's job answer names none: one more call each);
    as it is where that call fails, so the list still shows."""
    from snakemake_executor_domino.domino import DominoError

    try:
        return client.with_tier(job)
    except DominoError:
        return job


def _find(client: DominoClient, ref: str) -> Job:
    """A job by id, or by its number within the project ('12' or '#12')."""
    from snakemake_executor_domino.domino import DominoError, DominoNotFound

    text = ref.strip().removeprefix("#")
    if text.isdigit() and len(text) < 12:  # Domino's ids are 24 hex digits
        return _find_number(client, int(text))
    try:
        return client.get_job(text)
    except DominoNotFound:
        _fail(f"no job {text} at {client.host}; `snakemake-domino jobs list` shows the jobs")
    except DominoError as exc:
        _fail(str(exc))


def _find_number(client: DominoClient, number: int) -> Job:
    page = 1
    while True:
        jobs, total = _call(partial(client.list_jobs, page_size=NUMBER_SCAN_PAGE, page_no=page))
        for job in jobs:
            if job.number == number:
                return job
        if not jobs or page * NUMBER_SCAN_PAGE >= total:
            _fail(f"no job #{number} in {client.owner}/{client.project_name}")
        page += 1


def _call(fn: Callable[[], T]) -> T:
    """Run one client call; its DominoError (which names the call and the fix) becomes the
    command's error message."""
    from snakemake_executor_domino.domino import DominoError

    try:
        return fn()
    except DominoError as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    from snakemake_executor_domino.cli import CliError

    raise CliError(message)


def _print_table(
    rows: list[tuple[str, ...]], *, right_aligned: set[int], out: TextIO
) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    room = shutil.get_terminal_size((120, 24)).columns - sum(widths) - 2 * len(widths)
    for row in rows:
        cells = [
            cell.rjust(w) if i in right_aligned else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=False))
        ]
        last = " ".join(row[-1].split())  # one line per job, whatever the title holds
        if len(last) > max(room, 20):
            last = last[: max(room, 20) - 1] + "…"
        print("  ".join([*cells, last]), file=out)


def _line_ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"




def run_time(job: Job) -> int | None:
    if job.started_ms is None:
        return None
    end = job.completed_ms if job.completed_ms is not None else int(time.time() * 1000)
    return max(0, end - job.started_ms)
