"""`snakemake-domino doctor`: is this Domino ready for the executor? One line per check.

Run it first against a new Domino. It finds Domino the way the other commands do
(cli/connect.py: --url/--project/--local and the executor's environment variables) and
exits 0 only if no check failed.
"""

from __future__ import annotations

import argparse
import os
import sys

DEFAULT_CANARY_TIMEOUT = 900.0


def register(parser: argparse.ArgumentParser) -> None:
    from snakemake_executor_domino.cli.connect import add_connection_arguments

    add_connection_arguments(parser)
    parser.add_argument(
        "--environment-id", default=os.environ.get("SNAKEMAKE_DOMINO_ENVIRONMENT_ID") or None,
        help="check this compute environment, as --domino-environment-id would use it "
        "(id or name; default: $SNAKEMAKE_DOMINO_ENVIRONMENT_ID, else the project's selected "
        "environment)",
    )
    parser.add_argument(
        "--no-canary", action="store_true",
        help="skip the canary job (it uploads one small file and runs one short job)",
    )
    parser.add_argument(
        "--canary-timeout", type=float, default=DEFAULT_CANARY_TIMEOUT, metavar="SECONDS",
        help=f"give up on the canary job after this long (default: {DEFAULT_CANARY_TIMEOUT:g})",
    )
    parser.set_defaults(func=doctor_command)


def doctor_command(args: argparse.Namespace) -> int:
    from importlib.metadata import version

    from snakemake_executor_domino.cli import CliError
    from snakemake_executor_domino.cli.connect import client_from_args
    from snakemake_executor_domino.doctor.canary import run_canary
    from snakemake_executor_domino.doctor.checks import Context, run_checks
    from snakemake_executor_domino.doctor.report import SKIP, Report

    if args.canary_timeout <= 0:
        raise CliError("--canary-timeout must be more than 0 seconds")
    client = client_from_args(args)
    report = Report(sys.stdout)
    ctx = Context(client=client, environment_id=args.environment_id)
    run_checks(ctx, report)
    if args.no_canary:
        report.add(SKIP, "canary", "no canary job (--no-canary)")
    else:
        run_canary(ctx, report, args.canary_timeout, version("snakemake"))
    print(report.summary())
    return 1 if report.failed else 0
