"""`snakemake-domino schedule`: Domino scheduled jobs from the command line.

    snakemake-domino schedule create --cron "0 3 * * *" -- \
        snakemake --executor domino -j 3 score_report.txt
    snakemake-domino schedule list | show ID | pause ID | resume ID | run ID | delete ID

Everything is checked before anything is sent: the cron expression (schedules.py), the
time zone, the notify addresses, and the hardware tier (by name or id, against the
project's tiers). All Domino calls go through DominoClient.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from snakemake_executor_domino.cli import CliError
from snakemake_executor_domino.cli.connect import add_connection_arguments, client_from_args
from snakemake_executor_domino.connection import ConfigurationError
from snakemake_executor_domino.domino import (
    DominoClient,
    DominoError,
    DominoNotFound,
    Job,
    ScheduledJob,
    ScheduledRun,
    ScheduleSpec,
)
from snakemake_executor_domino.schedules import (
    CronError,
    from_quartz,
    from_user,
    parse_timezone,
    preview,
)

PREVIEW_FIRES = 5
TITLE_LIMIT = 100
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WAIT_POLL_SECONDS = 2.0
MAX_PUSH_BYTES = 5 * 1024**3  # the executor's default --domino-max-file-size
JOB_SCAN = 200  # jobs looked through for a schedule's runs where Domino keeps no record
SNAKEFILES = {"Snakefile", "snakefile", "workflow/Snakefile", "workflow/snakefile"}


def register(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="schedule_command", metavar="SUBCOMMAND", required=True)

    create = _command(
        commands, "create", cmd_create,
        "schedule a command as a Domino scheduled job",
        "Schedule COMMAND (everything after --) as a Domino scheduled job in the project. "
        "Nothing is sent unless the cron expression, time zone, tier and addresses are valid; "
        "the next fire times are printed.",
    )
    create.add_argument(
        "--cron", required=True, metavar="EXPR",
        help="when to run: Unix cron '0 3 * * *' (minute hour day month weekday), "
        "@daily/@hourly/..., or Domino's Quartz cron '0 0 3 * * ?' (seconds first)",
    )
    create.add_argument(
        "--timezone", default="UTC", metavar="ZONE",
        help="IANA time zone the cron expression is read in (default: %(default)s)",
    )
    create.add_argument(
        "--tier", default=None,
        help="hardware tier, by name or id, for the scheduled job itself (default: the "
        "project's default tier)",
    )
    create.add_argument("--title", default=None, help="title (default: the command)")
    create.add_argument(
        "--environment-id", default=None, metavar="ID",
        help="compute environment id (default: the project's default environment)",
    )
    create.add_argument(
        "--concurrent", action="store_true",
        help="let a fire start while the job of the previous fire still runs (default: "
        "sequential, that fire is skipped: overlapping retrains of one pipeline clash)",
    )
    create.add_argument(
        "--notify", action="append", default=[], metavar="EMAIL",
        help="email address to notify when a scheduled job completes (repeatable)",
    )
    create.add_argument(
        "--paused", action="store_true", help="create it paused (resume it to start firing)"
    )
    create.add_argument(
        "--push", action="append", default=[], metavar="PATH",
        help="upload this file or directory (relative to here) to the project first, "
        "skipping files it already holds unchanged (repeatable), e.g. --push workflow "
        "--push scripts --push config --push data",
    )
    create.add_argument(
        "--dry-run", action="store_true",
        help="check everything and print what would be scheduled; create nothing",
    )
    create.add_argument(
        "command", nargs=argparse.REMAINDER, metavar="-- COMMAND",
        help="the command the scheduled job runs (one argument is used as a shell line "
        "as it is; several are quoted word by word)",
    )

    listing = _command(commands, "list", cmd_list, "list the project's scheduled jobs")
    listing.add_argument("--json", action="store_true", help="print Domino's JSON as it is")

    show = _command(
        commands, "show", cmd_show, "show a scheduled job, its next fires and its recent runs"
    )
    show.add_argument("id", metavar="ID")
    show.add_argument("--runs", type=int, default=10, metavar="N", help="runs to list")
    show.add_argument(
        "--cat", metavar="PATH", default=None,
        help="print this file from the output commit of the newest succeeded run instead, "
        "e.g. --cat score_report.txt",
    )

    for name, func, text in (
        ("delete", cmd_delete, "delete a scheduled job (the jobs it started are kept)"),
        ("pause", cmd_pause, "pause a scheduled job: it fires no more until resumed"),
        ("resume", cmd_resume, "resume a paused scheduled job (next fire: from now on)"),
    ):
        _command(commands, name, func, text).add_argument("id", metavar="ID")

    run = _command(
        commands, "run", cmd_run,
        "fire a scheduled job once now (by its own rules; a local-Domino extra, see --help)",
        "Fire the scheduled job once now. The local Domino does it by the schedule's own "
        "rules (a sequential schedule refuses while its previous job runs). Domino itself has "
        "no such API; there, an ordinary job with the schedule's command, tier and "
        "environment is started instead, and the output says so.",
    )
    run.add_argument("id", metavar="ID")
    run.add_argument(
        "--wait", action="store_true",
        help="wait for the job to end; exit status 0 only if it Succeeded",
    )


def _command(
    commands: Any, name: str, func: Callable[..., int], help_text: str, description: str = ""
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text, description=description or help_text)
    add_connection_arguments(parser)
    parser.set_defaults(func=_friendly(func))
    return parser


def _friendly(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Domino and configuration errors become one clear line, no traceback."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except DominoNotFound as exc:
            hint = ""
            if "scheduled job" in str(exc):
                hint = " List them with `snakemake-domino schedule list`."
            raise CliError(f"{exc}{hint}") from None
        except (DominoError, ConfigurationError, CronError) as exc:
            raise CliError(str(exc)) from None

    return wrapper


# -- create ---------------------------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    command = _command_line(args.command)
    try:
        cron = from_user(args.cron)
        zone = parse_timezone(args.timezone)
    except CronError as exc:
        raise CliError(f"{exc}; nothing was created") from None
    bad = [e for e in args.notify if not EMAIL_RE.match(e)]
    if bad:
        raise CliError(f"--notify {bad[0]!r} is not an email address; nothing was created")
    title = args.title if args.title is not None else _default_title(command)
    if not title.strip():
        raise CliError("--title must not be empty")

    client = client_from_args(args)
    tier = _resolve_tier(client, args.tier)
    spec = ScheduleSpec(
        title=title,
        command=command,
        cron=cron.quartz,
        timezone=args.timezone,
        tier_id=tier.id,
        environment_id=args.environment_id,
        paused=args.paused,
        concurrent=args.concurrent,
        notify=tuple(args.notify),
    )
    where = f"{client.owner}/{client.project_name} at {client.host}"
    if args.dry_run:
        print(f"would schedule in {where} (dry run: nothing was created):")
    else:
        if args.push:
            _push(client, args.push)
        created = client.create_scheduled_job(spec)
        print(f"created scheduled job {created.id} in {where}")
    print(f"  title:     {title}")
    print(f"  command:   {command}")
    print(f"  cron:      {args.cron}  (Domino: '{cron.quartz}', {args.timezone})")
    print(f"  tier:      {tier.name} ({tier.id})")
    print(f"  mode:      {_mode(args.concurrent)}")
    if args.notify:
        print(f"  notify:    {', '.join(args.notify)}")
    if args.paused:
        print("  paused:    yes; it fires only after `snakemake-domino schedule resume ID`")
    print("next fire times:" if not args.paused else "fire times once resumed (from now):")
    for line in preview(cron, zone, PREVIEW_FIRES):
        print(f"  {line}")
    _warn_if_no_snakefile(client, command)
    return 0


def _warn_if_no_snakefile(client: DominoClient, command: str) -> None:
    """A scheduled `snakemake` runs on the project's files, not on the ones here."""
    if "snakemake" not in command or "--snakefile" in command or " -s " in f" {command} ":
        return
    head = client.head_commit_id()
    if head is None:
        return
    present = {e.path for e in client.list_files(head)} | {
        e.path for e in client.list_files(head, "workflow")
    }
    if not present & SNAKEFILES:
        print(
            "warning: the project holds no Snakefile (looked for "
            f"{', '.join(sorted(SNAKEFILES))}), so the scheduled snakemake will fail; "
            "upload the workflow with --push (e.g. --push workflow --push scripts --push "
            "config --push data)",
            file=sys.stderr,
        )


def _command_line(words: list[str]) -> str:
    if words and words[0] == "--":  # argparse keeps the separator before a REMAINDER
        words = words[1:]
    if not words:
        raise CliError(
            "no command to schedule: put it after --, e.g. "
            "`snakemake-domino schedule create --cron '0 3 * * *' -- snakemake --executor "
            "domino -j 3 score_report.txt`"
        )
    # one word is a shell line the user quoted (pipes, &&); several are argv, kept exact
    return words[0] if len(words) == 1 else shlex.join(words)


def _default_title(command: str) -> str:
    return command if len(command) <= TITLE_LIMIT else command[: TITLE_LIMIT - 3] + "..."


def _resolve_tier(client: DominoClient, wanted: str | None) -> Any:
    from snakemake_executor_domino.tiers import TierResolver

    try:
        resolver = TierResolver(client.hardware_tiers(), None, client.project.default_tier_id)
        tier = resolver.resolve(wanted)
    except ConfigurationError as exc:
        message = str(exc).split(" Fix resources:")[0]  # that advice is for Snakefiles
        raise CliError(f"{message} Nothing was created.") from None
    if tier is None:  # a scheduled job must name its tier (5.0: hardwareTierIdentifier)
        raise CliError(
            "Domino says no tier is the project's default; name one with --tier "
            f"({resolver.valid()}). Nothing was created."
        )
    return tier


def _push(client: DominoClient, paths: list[str]) -> None:
    from snakemake_executor_domino.sources import ensure_dominoignore
    from snakemake_executor_domino.transfer import FileHasher, Transfer, TransferError

    workdir = Path.cwd()
    # Snakemake's .snakemake/ bookkeeping inside the scheduled run must stay out of the
    # project, and the ignore file only works if the project holds it before the run
    ensure_dominoignore(workdir)
    transfer = Transfer(client, workdir, max_file_size=MAX_PUSH_BYTES, hasher=FileHasher())
    try:
        result = transfer.push([*paths, ".dominoignore"])
    except TransferError as exc:
        raise CliError(f"{exc} Nothing was created.") from None
    print(
        f"pushed {len(result.uploaded)} file(s) ({result.bytes_uploaded} bytes) to the "
        "project; the others were there unchanged"
    )


# -- list and show --------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    client = client_from_args(args)
    schedules = client.list_scheduled_jobs()
    if args.json:
        print(json.dumps([s.raw for s in schedules], indent=2))
        return 0
    if not schedules:
        print(f"no scheduled jobs in {client.owner}/{client.project_name}")
        return 0
    last_runs = _last_runs(client, schedules)
    rows = [("ID", "TITLE", "CRON", "TIER", "MODE", "NEXT FIRE", "LAST RUN")]
    for s in schedules:
        rows.append(
            (
                s.id,
                _clip(s.title, 40),
                f"{s.cron} {s.timezone}",
                s.tier_name or s.tier_id or "-",
                _mode(s.allow_concurrent).split(" ")[0],
                "paused" if s.is_paused else _when(_next_fire_ms(s), s.timezone),
                _run_text(last_runs.get(s.id)),
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
    runs = _runs(client, s, max(1, args.runs))
    if args.cat:
        return _cat(client, s, runs, args.cat)
    print(f"scheduled job {s.id} in {client.owner}/{client.project_name}")
    print(f"  title:     {s.title}")
    print(f"  command:   {s.command}")
    print(f"  cron:      '{s.cron}' ({s.timezone})")
    print(f"  tier:      {s.tier_name or '?'} ({s.tier_id})")
    print(f"  mode:      {_mode(s.allow_concurrent)}")
    print(f"  state:     {'paused' if s.is_paused else 'active'}")
    if s.notify:
        print(f"  notify:    {', '.join(s.notify)}")
    if not s.is_paused:
        print("next fire times:")
        for line in preview(from_quartz(s.cron), parse_timezone(s.timezone), PREVIEW_FIRES):
            print(f"  {line}")
    print("recent runs, newest first:" if runs else "no runs yet")
    for run in runs:
        when = _when(run.fire_ms, s.timezone) if run.fire_ms else ""
        manual = " (fired by hand)" if run.manual else ""
        if run.outcome == "started":
            commit = f", output commit {run.output_commit_id}" if run.output_commit_id else ""
            print(f"  {when}  {_run_text(run)}{commit}{manual}")
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


def _runs(client: DominoClient, s: ScheduledJob, limit: int) -> list[ScheduledRun]:
    runs = client.scheduled_job_runs(s.id, limit)
    if runs is not None:
        return runs
    return _runs_from_jobs(client, [s], limit).get(s.id, [])


def _last_runs(client: DominoClient, schedules: list[ScheduledJob]) -> dict[str, ScheduledRun]:
    found = {s.id: s.last_run for s in schedules if s.last_run is not None}
    unknown = [s for s in schedules if "lastRun" not in s.raw]  # a Domino that keeps none
    if unknown:
        for schedule_id, runs in _runs_from_jobs(client, unknown, 1).items():
            found[schedule_id] = runs[0]
    return found


def _runs_from_jobs(
    client: DominoClient, schedules: list[ScheduledJob], limit: int
) -> dict[str, list[ScheduledRun]]:
    """Where Domino keeps no per-schedule record: its scheduled jobs carry the title."""
    jobs, _ = client.list_jobs(page_size=JOB_SCAN)
    by_title = {s.title: s.id for s in schedules}
    found: dict[str, list[ScheduledRun]] = {}
    for job in jobs:  # newest first
        schedule_id = by_title.get(job.title)
        if job.is_scheduled and schedule_id:
            runs = found.setdefault(schedule_id, [])
            if len(runs) < limit:
                runs.append(
                    ScheduledRun(job.id, job.number, job.status, job.output_commit_id,
                                 fire_ms=job.submitted_ms)
                )
    return found


# -- pause, resume, delete, run -------------------------------------------------------------


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


# -- formatting -----------------------------------------------------------------------------


def _mode(concurrent: bool) -> str:
    return (
        "concurrent (a fire starts even while the previous fire's job runs)"
        if concurrent
        else "sequential (a fire is skipped while the previous fire's job still runs)"
    )


def _next_fire_ms(s: ScheduledJob) -> int | None:
    if s.next_fire_ms is not None:
        return s.next_fire_ms
    try:  # a Domino that does not say: compute it the same way
        zone = parse_timezone(s.timezone)
        return int(from_quartz(s.cron).next_time(datetime.now(zone)).timestamp() * 1000)
    except CronError:
        return None


def _when(ms: int | None, zone_name: str) -> str:
    if ms is None:
        return "-"
    try:
        zone = parse_timezone(zone_name)
    except CronError:
        zone = None
    return datetime.fromtimestamp(ms / 1000, zone).strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _run_text(run: ScheduledRun | None) -> str:
    if run is None or run.job_id is None:
        return "-"
    return f"#{run.job_number} {run.status}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
