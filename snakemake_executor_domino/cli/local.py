"""`snakemake-domino local serve`: run the local Domino server in the foreground; `local
dataset` (dataset_cmd.py) manages a project's datasets on it."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake_executor_domino.local.server import LocalDomino

API_KEY_ENV = "SNAKEMAKE_DOMINO_LOCAL_API_KEY"
DEFAULT_PORT = 8899


def register(parser: argparse.ArgumentParser) -> None:
    from snakemake_executor_domino.local.config import default_root

    commands = parser.add_subparsers(dest="local_command", metavar="SUBCOMMAND", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the local Domino server until Ctrl-C",
        description="Run a local Domino server (the Domino API subset the executor uses) "
        "until Ctrl-C. State (projects, commits, files, jobs, logs) lives in --root and "
        "survives restarts.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to listen on; 0 picks a free one "
        "(default: %(default)s)"
    )
    serve.add_argument(
        "--root", type=Path, default=None,
        help=f"state directory (default: {default_root()}, following $XDG_DATA_HOME)",
    )
    serve.add_argument(
        "--api-key", default=None,
        help=f"API key clients must send (default: ${API_KEY_ENV}, else a key generated on "
        "first start and kept in ROOT/api_key). Prefer the env var: a key on the command "
        "line is visible to other users of the machine.",
    )
    serve.add_argument(
        "--project", action="append", default=[], metavar="OWNER/NAME",
        help="create this project if it does not exist (repeatable)",
    )
    serve.add_argument(
        "--tiers", type=Path, default=None, metavar="FILE",
        help="YAML or JSON file with the hardware tiers, replacing the defaults "
        "(see docs/local-domino.md)",
    )
    serve.add_argument(
        "--environments", type=Path, default=None, metavar="FILE",
        help="YAML or JSON file with the compute environments (name, optional id, and the "
        "prefix of the Python environment their jobs run with), replacing the defaults "
        "(see docs/local-domino.md)",
    )
    serve.add_argument(
        "--faults", default=None, metavar="SPEC",
        help="inject faults into API requests, for testing clients: e.g. "
        "'rate=0.1,kinds=500,502,503,429,drop,slow,truncate,kill,seed=7' (default: "
        "$SNAKEMAKE_DOMINO_LOCAL_FAULTS, else off; see docs/reliability.md)",
    )
    serve.add_argument(
        "--job-isolation", default=None, choices=("auto", "namespace", "bwrap", "unshare", "none"),
        help="run each job in its own mount namespace, seeing only its files (at /mnt) and "
        "the compute environment, as on Domino: auto (bubblewrap, else unshare, else "
        "unisolated with a warning), namespace (fail if neither works), bwrap, unshare, or "
        "none (default: $SNAKEMAKE_DOMINO_LOCAL_ISOLATION, else auto)",
    )
    serve.add_argument(
        "--api-flavor", default=None, metavar="NAME",
        help="which Domino version's API to answer as: '5.0' (Domino 5.0's OpenAPI), '5.10' "
        "(5.0 plus job titles and the file-content route) or 'latest' (6.3, as "
        "python-domino 2.2 sees it) (default: $SNAKEMAKE_DOMINO_LOCAL_API_FLAVOR, else 5.0; "
        "see docs/local-domino.md)",
    )
    # behaving like a deployment at scale (local/jobs/deployment_limits.py); all off by default
    serve.add_argument(
        "--profile", default=None, choices=["realistic"],
        help="documented defaults for the four options below: realistic = start latency "
        "45:15, executions quota 25, queue limit 50, request latency 80 ms",
    )
    serve.add_argument(
        "--start-latency", default=None, metavar="SECONDS[:JITTER]",
        help="time from a job leaving the queue to its command starting (a pod start); the "
        "job shows as Pending meanwhile",
    )
    serve.add_argument(
        "--executions-quota", type=int, default=None, metavar="N",
        help="at most N executions of a user run at once; more wait Queued (Domino's "
        "userExecutionsQuota.maximumExecutionsPerUser)",
    )
    serve.add_argument(
        "--queue-limit", type=int, default=None, metavar="N",
        help="at most N executions of a user wait Queued; a start beyond it is rejected "
        "with a failure status (Domino's userExecutionQueueLimit)",
    )
    serve.add_argument(
        "--request-latency", type=int, default=None, metavar="MS",
        help="delay every API answer by MS milliseconds, as a remote deployment's",
    )
    serve.set_defaults(func=serve_command)
    from snakemake_executor_domino.cli import dataset_cmd

    dataset_cmd.register(commands)


def serve_command(args: argparse.Namespace) -> int:
    from snakemake_executor_domino.cli import CliError
    from snakemake_executor_domino.local.config import ConfigError, default_root
    from snakemake_executor_domino.local.faults.spec import FaultSpecError
    from snakemake_executor_domino.local.jobs.deployment_limits import LimitsError, limits_from
    from snakemake_executor_domino.local.jobs.isolation import IsolationUnavailable
    from snakemake_executor_domino.local.server import LocalDomino
    from snakemake_executor_domino.local.store.rootlock import RootInUse

    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port} is not a port number (0-65535)")
    root = args.root or default_root()
    api_key = args.api_key or os.environ.get(API_KEY_ENV) or None
    try:
        limits = limits_from(args.profile, args.start_latency, args.executions_quota,
                             args.queue_limit, args.request_latency)
    except LimitsError as exc:
        raise CliError(str(exc)) from exc
    try:
        domino = LocalDomino(
            root, api_key=api_key, projects=args.project, tiers_file=args.tiers,
            environments_file=args.environments,
            host=args.host, port=args.port, faults=args.faults, isolation=args.job_isolation,
            api_flavor=args.api_flavor, limits=limits,
        )
    except FaultSpecError as exc:
        raise CliError(f"--faults / $SNAKEMAKE_DOMINO_LOCAL_FAULTS: {exc}") from exc
    except (ConfigError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    try:
        domino.start()
    except (RootInUse, IsolationUnavailable) as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:
        raise CliError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; "
            "pick another port with --port (0 = any free port)"
        ) from exc
    # a service manager's SIGTERM must stop jobs cleanly too, not orphan them; and SIGINT is
    # set explicitly because a process started in the background inherits it ignored
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    try:
        _print_banner(domino, args.project)
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        print("\nstopping the local Domino (running jobs end as Stopped) ...", flush=True)
    finally:
        domino.stop()
    return 0


def _print_banner(domino: LocalDomino, projects: list[str]) -> None:
    # a code, not the key, in the URL: it works once and expires (see local/web/session.py)
    from snakemake_executor_domino.local.web.session import login_link

    if domino.api_key_source == "generated":
        # shown once, on the terminal only; afterwards it is read from the key file
        key_line = f"API key:   {domino.api_key}  (new; kept in {domino.api_key_file})"
        key_export = f"export SNAKEMAKE_DOMINO_API_KEY={domino.api_key}"
    elif domino.api_key_source == "given":
        key_line = "API key:   the one you gave"
        key_export = "export SNAKEMAKE_DOMINO_API_KEY=<your key>"
    else:
        key_line = f"API key:   in {domino.api_key_file}"
        key_export = f"export SNAKEMAKE_DOMINO_API_KEY=$(cat {domino.api_key_file})"
    lines = [
        f"local Domino listening on {domino.url}",
        key_line,
        f"state:     {domino.root}",
        f"tiers:     {domino.config.tier_list_text()}",
        f"environments: {domino.config.environment_list_text()}",
        f"jobs:      {_isolation_line(domino)}",
        f"API:       Domino {domino.config.flavor.name} flavor (--api-flavor)",
        f"at scale:  {domino.config.limits.describe()}",
    ]
    if domino.fault_spec is not None:
        lines.append(f"faults:    {domino.fault_spec.describe()} (fault injection is ON)")
    lines += [
        "",
        "point the executor at it with:",
        f"  export SNAKEMAKE_DOMINO_URL={domino.url}",
        f"  {key_export}",
    ]
    if projects:
        lines.append(f"  export SNAKEMAKE_DOMINO_PROJECT={projects[0]}")
    lines += [
        "",
        "web pages (jobs, logs, files): this link logs one browser in, once, within 15 min:",
        f"  {login_link(domino.url, domino.api_key)}",
        f"  (after that, {domino.url}/login asks for the API key)",
    ]
    lines += ["", "Ctrl-C stops the server."]
    print("\n".join(lines), flush=True)


def _isolation_line(domino: LocalDomino) -> str:
    isolation = domino.backend.runner.isolation if domino.backend else None
    if isolation is None or isolation.isolated or isolation.mode == "none":
        return isolation.summary if isolation else "unknown"
    return "NOT isolated: see the warning above"


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
