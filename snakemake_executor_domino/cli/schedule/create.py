"""`schedule create`: check a command, its cron expression, time zone, tier and notify
addresses, then create the scheduled job (after pushing files, if asked) or, with --dry-run,
print what would be created."""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from snakemake_executor_domino.cli.connect import client_from_args
from snakemake_executor_domino.cli.schedule.text import PREVIEW_FIRES, mode_text
from snakemake_executor_domino.domino import DominoClient, ScheduleSpec
from snakemake_executor_domino.domino.cron import from_user, parse_timezone, preview
from snakemake_executor_domino.exceptions import CliError, ConfigurationError, CronError

TITLE_LIMIT = 100
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_PUSH_BYTES = 5 * 1024**3  # the executor's default --domino-max-file-size
SNAKEFILES = {"Snakefile", "snakefile", "workflow/Snakefile", "workflow/snakefile"}


def cmd_create(args: argparse.Namespace) -> int:
    command = command_line(args.command, SCHEDULE_EXAMPLE)
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
    tier = resolve_tier(client, args.tier)
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
    print(f"  mode:      {mode_text(args.concurrent)}")
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


SCHEDULE_EXAMPLE = (
    "snakemake-domino schedule create --cron '0 3 * * *' -- snakemake --executor domino -j 3 "
    "score_report.txt"
)


def command_line(words: list[str], example: str) -> str:
    """The command after `--` as one line; `example` shows how, when there is none."""
    if words and words[0] == "--":  # argparse keeps the separator before a REMAINDER
        words = words[1:]
    if not words:
        raise CliError(f"no command given: put it after --, e.g. `{example}`")
    # one word is a shell line the user quoted (pipes, &&); several are argv, kept exact
    return words[0] if len(words) == 1 else shlex.join(words)


def _default_title(command: str) -> str:
    return command if len(command) <= TITLE_LIMIT else command[: TITLE_LIMIT - 3] + "..."


def resolve_tier(
    client: DominoClient, wanted: str | None, nothing: str = "Nothing was created."
) -> Any:
    """The tier named (or the project's default); a clear error naming the valid ones."""
    from snakemake_executor_domino.placement.tiers import TierResolver

    try:
        resolver = TierResolver(client.hardware_tiers(), None, client.project.default_tier_id)
        tier = resolver.resolve(wanted)
    except ConfigurationError as exc:
        message = str(exc).split(" Fix resources:")[0]  # that advice is for Snakefiles
        raise CliError(f"{message} {nothing}") from None
    if tier is None:  # a scheduled job must name its tier (5.0: hardwareTierIdentifier)
        raise CliError(
            "Domino says no tier is the project's default; name one with --tier "
            f"({resolver.valid()}). {nothing}"
        )
    return tier


def _push(client: DominoClient, paths: list[str]) -> None:
    from snakemake_executor_domino.files.sources import ensure_dominoignore
    from snakemake_executor_domino.files.transfer import FileHasher, Transfer, TransferError

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
