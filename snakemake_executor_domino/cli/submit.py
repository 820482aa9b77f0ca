"""`snakemake-domino submit -- snakemake ...`: the whole run inside Domino, in one command.

The workflow's files are pushed into the project (git-tracked files, or every file the
project's .dominoignore keeps outside a git repository, plus any `--push` path), then one
Domino job runs the given command (the submitter) at that commit on a small tier. Inside it
the executor reaches the same Domino through the variables Domino sets in every run, and
each rule runs as a further Domino job; datasets mounted in the project are seen in place.
The job's log streams here; Ctrl-C stops it (and, through the SIGTERM Domino sends, the jobs
it started); the exit status is the run's.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import uuid
from pathlib import Path

from snakemake_executor_domino.cli.connect import add_connection_arguments, client_from_args
from snakemake_executor_domino.cli.jobs import follow
from snakemake_executor_domino.cli.schedule.create import MAX_PUSH_BYTES, command_line, resolve_tier
from snakemake_executor_domino.domino import DominoClient, DominoError, Job
from snakemake_executor_domino.exceptions import CliError
from snakemake_executor_domino.files.sources import (
    NEVER_PUSHED,
    ensure_dominoignore,
    in_git_repository,
)
from snakemake_executor_domino.files.transfer import FileHasher, Transfer, TransferError
from snakemake_executor_domino.job_identity import COMMAND_MARK
from snakemake_executor_domino.report.records import RUNS_DIR

EXAMPLE = "snakemake-domino submit -- snakemake --executor domino -j 50 all"

STOP_WAIT_SECONDS = 60.0


def register(parser: argparse.ArgumentParser) -> None:
    add_connection_arguments(parser)
    parser.add_argument("--tier", default=None,
                        help="hardware tier of the submitter job (default: the project's "
                        "default tier; the rules' jobs get their own tiers)")
    parser.add_argument("--push", action="append", default=[], metavar="PATH",
                        help="also push this file or directory (repeatable), e.g. data that "
                        "git does not track")
    parser.add_argument("--title", default=None, help="the job's title (default: the command)")
    parser.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                        help="seconds between log polls (default: 2)")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="after --: the command the job runs, e.g. snakemake --executor "
                        "domino -j 50 all")
    parser.set_defaults(func=cmd_submit)


def cmd_submit(args: argparse.Namespace) -> int:
    command = command_line(args.command, EXAMPLE)
    if args.interval <= 0:
        raise CliError("--interval must be positive")
    client = client_from_args(args)
    tier = resolve_tier(client, args.tier, "Nothing was started.")
    commit = _push_workflow(client, args.push)
    token = uuid.uuid4().hex[:8]
    title = f"{args.title or 'submit ' + command[:80]} [submit {token}]"
    # the marker finds the job again where a start's answer is lost and Domino keeps no title
    mark = f"{COMMAND_MARK}[submit {token}]"
    try:
        job = client.start_job(f"{command} {mark}", title=title, marker=mark,
                               commit_id=commit, tier_id=tier.id)
    except DominoError as exc:
        raise CliError(f"the submitter job could not start: {exc}") from None
    print(f"submitted: Domino job #{job.number} on tier {tier.name} runs `{command}`: "
          f"{client.job_url(job.id)}", file=sys.stderr)
    try:
        job, output = follow(client, job, "", args.interval, sys.stdout)
    except KeyboardInterrupt:
        return _stop(client, job)
    if output and not output.endswith("\n"):
        sys.stdout.write("\n")
    print(f"Domino job #{job.number} ended: {job.status}", file=sys.stderr)
    _pull_run_records(client, job)
    return 0 if job.succeeded else 1


def _pull_run_records(client: DominoClient, job: Job) -> None:
    """The run's records (report/records.py) from the submitter's output commit, so that
    `snakemake-domino runs show` and `provenance` answer here as after a local run."""
    if job.output_commit_id is None:
        return
    try:
        pulled, _ = _transfer(client).pull(job.output_commit_id, [], optional=[RUNS_DIR.as_posix()])
    except (DominoError, TransferError) as exc:
        print(f"the run's records could not be pulled back ({exc}); they are in the "
              f"project at {RUNS_DIR}/", file=sys.stderr)
        return
    if pulled:
        print(f"pulled the run's records into {RUNS_DIR}/: `snakemake-domino runs show` and "
              "`snakemake-domino provenance FILE` answer here", file=sys.stderr)


def _push_workflow(client: DominoClient, extra: list[str]) -> str | None:
    """Push what the run needs; the commit the job starts at (None: the newest)."""
    workdir = Path.cwd()
    ensure_dominoignore(workdir)
    paths = [*_tracked(workdir), *extra, ".dominoignore"]
    missing = [p for p in extra if not (workdir / p).exists()]
    if missing:
        raise CliError(f"--push {missing[0]}: no such file or directory here; nothing started")
    try:
        result = _transfer(client).push(paths)
    except TransferError as exc:
        raise CliError(f"{exc} Nothing was started.") from None
    print(f"pushed {len(result.uploaded)} file(s) the project lacked; "
          f"{len(paths) - len(result.uploaded)} were there unchanged", file=sys.stderr)
    return result.commit_id


def _transfer(client: DominoClient) -> Transfer:
    """Between this directory and the project, as the executor moves files."""
    return Transfer(client, Path.cwd(), max_file_size=MAX_PUSH_BYTES, hasher=FileHasher())


def _tracked(workdir: Path) -> list[str]:
    """git's files in a git work tree, else every file here (.dominoignore still applies
    in the push, and Snakemake's and git's own state never goes)."""
    if in_git_repository(workdir):
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=workdir, capture_output=True,
                                check=True).stdout.decode(errors="replace").split("\0")
        return [p for p in listed if p and (workdir / p).is_file()]
    return [p.relative_to(workdir).as_posix() for p in sorted(workdir.rglob("*"))
            if p.is_file() and p.relative_to(workdir).parts[0] not in NEVER_PUSHED]


def _stop(client: DominoClient, job: Job) -> int:
    print(f"\ninterrupted: stopping Domino job #{job.number} (its run stops the jobs it "
          "started)...", file=sys.stderr)
    try:
        client.stop_job(job.id, commit_results=True)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while not job.finished and time.monotonic() < deadline:
            time.sleep(1)
            job = client.get_job(job.id)
    except DominoError as exc:
        print(f"could not stop Domino job #{job.number}: {exc}; stop it with "
              f"`snakemake-domino jobs stop {job.id}`", file=sys.stderr)
        return 130
    print(f"Domino job #{job.number}: {job.status}", file=sys.stderr)
    return 130
