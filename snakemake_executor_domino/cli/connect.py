"""How `snakemake-domino` commands find Domino: the executor's own rules (connection.py),
plus `--local` for a `snakemake-domino local serve` running on this machine.

Order: --url/--project > SNAKEMAKE_DOMINO_URL/_PROJECT/_API_KEY (also _TOKEN_FILE,
_API_PROXY) > Domino's DOMINO_API_HOST, DOMINO_PROJECT_OWNER/_NAME, DOMINO_USER_API_KEY,
DOMINO_TOKEN_FILE, DOMINO_API_PROXY (set inside every Domino run). No embedded Domino: a
schedule kept in a server that stops with the command would never fire. The API key is only
ever read from the environment or the local server's key file, never from the command line,
and never printed.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from snakemake_executor_domino.connection import (
    ConfigurationError,
    connect,
    default_local_project,
)
from snakemake_executor_domino.domino import DominoClient
from snakemake_executor_domino.exceptions import CliError

LOCAL_API_KEY_ENV = "SNAKEMAKE_DOMINO_LOCAL_API_KEY"  # as `local serve` reads it


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("where Domino is")
    group.add_argument(
        "--url", default=None,
        help="Domino URL (default: $SNAKEMAKE_DOMINO_URL, else $DOMINO_API_HOST); the API key "
        "comes from $SNAKEMAKE_DOMINO_API_KEY or $DOMINO_USER_API_KEY",
    )
    group.add_argument(
        "--project", default=None, metavar="OWNER/NAME",
        help="Domino project (default: $SNAKEMAKE_DOMINO_PROJECT, else "
        "$DOMINO_PROJECT_OWNER/$DOMINO_PROJECT_NAME)",
    )
    group.add_argument(
        "--local", action="store_true",
        help="use the local Domino that `snakemake-domino local serve` runs with --root "
        "(its URL and key are read from there; project default: <you>/<this directory>)",
    )
    group.add_argument(
        "--root", type=Path, default=None,
        help="with --local: that server's state directory (default: local serve's default)",
    )


def client_from_args(args: argparse.Namespace) -> DominoClient:
    env = os.environ
    project = args.project or env.get("SNAKEMAKE_DOMINO_PROJECT") or None
    try:
        if args.local:
            url, key = _local_server(args.root)
            connection = connect(
                url=url,
                project=project or default_local_project(Path.cwd()),
                api_key=key,
                allow_embedded=False,
            )
        else:
            if args.root is not None:
                raise CliError("--root goes with --local")
            connection = connect(
                url=args.url or env.get("SNAKEMAKE_DOMINO_URL") or None,
                project=project,
                api_key=env.get("SNAKEMAKE_DOMINO_API_KEY") or None,
                token_file=env.get("SNAKEMAKE_DOMINO_TOKEN_FILE") or None,
                token=env.get("SNAKEMAKE_DOMINO_TOKEN") or None,
                api_proxy=env.get("SNAKEMAKE_DOMINO_API_PROXY") or None,
                allow_embedded=False,
            )
    except ConfigurationError as exc:
        raise CliError(
            f"{exc} For a Domino started with `snakemake-domino local serve`, pass --local."
        ) from None
    return connection.client


def _local_server(root: Path | None) -> tuple[str, str]:
    """URL and API key of the local Domino running on `root`."""
    from snakemake_executor_domino.local.config import default_root

    root = (root or default_root()).expanduser()
    start = f"start it with `snakemake-domino local serve --root {root}`"
    try:
        holder = json.loads((root / "server.lock").read_text() or "{}")
    except (OSError, ValueError):
        holder = {}
    url = holder.get("url") if isinstance(holder, dict) else None
    if not url:
        raise CliError(f"no local Domino is running on {root}; {start}")
    key = os.environ.get(LOCAL_API_KEY_ENV)
    if not key:
        try:
            key = (root / "api_key").read_text().strip()
        except OSError:
            key = ""
    if not key:
        raise CliError(
            f"the local Domino at {url} was started with its own key: set ${LOCAL_API_KEY_ENV} "
            "to that key"
        )
    return url, key
