"""`snakemake-domino schedule`: Domino scheduled jobs from the command line.

    snakemake-domino schedule create --cron "0 3 * * *" -- \
        snakemake --executor domino -j 3 score_report.txt
    snakemake-domino schedule list | show ID | pause ID | resume ID | run ID | delete ID

Everything is checked before anything is sent: the cron expression (schedules.py), the
time zone, the notify addresses, and the hardware tier (by name or id, against the
project's tiers). All Domino calls go through DominoClient.

This module registers the subcommands; create.py creates (or dry-runs) a schedule, show.py
lists and shows them, history.py finds a schedule's runs, control.py pauses, resumes,
fires and deletes, text.py words what they print.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import Any

from snakemake_executor_domino.cli.connect import add_connection_arguments
from snakemake_executor_domino.cli.schedule.control import (
    cmd_delete,
    cmd_pause,
    cmd_resume,
    cmd_run,
)
from snakemake_executor_domino.cli.schedule.create import cmd_create
from snakemake_executor_domino.cli.schedule.show import cmd_list, cmd_show
from snakemake_executor_domino.domino import DominoError, DominoNotFound
from snakemake_executor_domino.exceptions import CliError, ConfigurationError, CronError


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
