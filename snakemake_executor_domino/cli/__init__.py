"""`snakemake-domino`: the command-line tools around the executor.

Each command group lives in its own module and registers itself here:
`local` (the local Domino server), `schedule` (scheduled jobs), `jobs` (inspect jobs),
`provenance` and `runs` (the executor's records of its runs), `doctor` (check a Domino
before the first run), `submit` (the whole run inside Domino).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from snakemake_executor_domino.exceptions import CliError

# module name -> help line; each module exposes `register(subparsers)`
COMMAND_GROUPS = {
    "local": "run the local Domino server",
    "schedule": "create, list, pause, resume and delete scheduled Domino jobs",
    "jobs": "list, show, follow and stop Domino jobs",
    "provenance": "which Domino job made a file, and whether it changed since",
    "runs": "earlier runs: summary of time and cost, timeline picture",
    "doctor": "check a Domino end to end before the first run (one line per check)",
    "submit": "run a whole Snakemake command as one Domino job, following its log",
}
# where a command's module name differs from the command (module names are unique in the package)
MODULES = {"provenance": "provenance_cmd"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snakemake-domino",
        description="Tools for the Snakemake Domino executor plugin.",
    )
    groups = parser.add_subparsers(dest="group", metavar="COMMAND", required=True)
    for name, help_text in COMMAND_GROUPS.items():
        try:
            module_name = f"{__name__}.{MODULES.get(name, name)}"
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(groups.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except CliError as exc:
        print(f"snakemake-domino: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
