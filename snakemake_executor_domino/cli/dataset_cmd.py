"""`snakemake-domino local dataset create|list|snapshot`: a project's datasets on a running
local Domino, through the client (the same calls a Domino deployment answers), plus where
each dataset's files are on this machine, to put data in for tests and demos."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snakemake_executor_domino.domino import DominoClient


def register(commands: Any) -> None:
    """Add `dataset` to the `local` subcommands."""
    dataset = commands.add_parser(
        "dataset",
        help="create, list and snapshot a project's datasets on a running local Domino",
        description="A project's datasets on the local Domino that `snakemake-domino local "
        "serve` runs: every job of the project sees each one read-write at "
        "/domino/datasets/local/<name>, and its snapshots read-only at "
        "/domino/datasets/local/snapshots/<name>/<number> (docs/local-domino.md).",
    )
    actions = dataset.add_subparsers(dest="dataset_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project", default=None, metavar="OWNER/NAME",
        help="the project (default: $SNAKEMAKE_DOMINO_PROJECT, else <you>/<this directory>)",
    )
    common.add_argument(
        "--root", type=Path, default=None,
        help="the running server's state directory (default: local serve's default)",
    )
    p = actions.add_parser("create", parents=[common], help="create a dataset")
    p.add_argument("name", help="letters, digits, '.', '_' or '-'")
    p.add_argument("--description", default="", help="what the dataset holds")
    p.set_defaults(func=create_command)
    p = actions.add_parser("list", parents=[common], help="the project's datasets and paths")
    p.set_defaults(func=list_command)
    p = actions.add_parser(
        "snapshot", parents=[common], help="a read-only copy of a dataset as it is now"
    )
    p.add_argument("name", help="the dataset")
    p.set_defaults(func=snapshot_command)


def create_command(args: argparse.Namespace) -> int:
    client = _client(args)
    made = _call(lambda: client.create_dataset(args.name, args.description))
    print(f"created dataset {made.name} (id {made.id}) in project {_project(client)}")
    print(f"  jobs see it at:  {_job_path(made.name)}")
    print(f"  on this machine: {_host_dir(args, client, made.name)}")
    return 0


def list_command(args: argparse.Namespace) -> int:
    client = _client(args)
    mounts = _call(client.dataset_mounts)
    if not mounts:
        print(f"project {_project(client)} has no datasets; create one with "
              "`snakemake-domino local dataset create NAME`")
        return 0
    for m in mounts:
        print(f"{m.name}  (id {m.dataset_id})")
        for path in m.read_write_paths:
            print(f"  read-write: {path}")
        for path in m.read_only_paths:
            print(f"  read-only:  {path}")
        print(f"  on this machine: {_host_dir(args, client, m.name)}")
    return 0


def snapshot_command(args: argparse.Namespace) -> int:
    from snakemake_executor_domino.domino.dataset_paths import snapshot_path

    client = _client(args)
    found = _call(lambda: client.find_dataset(args.name))
    snap = _call(lambda: client.create_snapshot(found.id))
    print(f"snapshot {snap.version} of dataset {found.name} (id {snap.id}); jobs see it "
          f"read-only at {snapshot_path(found.name, snap.version)}")
    return 0


def _client(args: argparse.Namespace) -> DominoClient:
    from snakemake_executor_domino.cli.connect import client_from_args

    return client_from_args(
        argparse.Namespace(local=True, url=None, project=args.project, root=args.root)
    )


def _call(call: Any) -> Any:
    from snakemake_executor_domino.domino import DominoError
    from snakemake_executor_domino.exceptions import CliError

    try:
        return call()
    except DominoError as exc:
        raise CliError(str(exc)) from None


def _project(client: DominoClient) -> str:
    return f"{client.owner}/{client.project_name}"


def _job_path(name: str) -> str:
    from snakemake_executor_domino.domino.dataset_paths import dataset_path

    return dataset_path(name)


def _host_dir(args: argparse.Namespace, client: DominoClient, name: str) -> Path:
    from snakemake_executor_domino.local.config import ServerConfig, default_root
    from snakemake_executor_domino.local.store.dataset_dirs import DatasetDirs

    config = ServerConfig((args.root or default_root()).expanduser())
    return DatasetDirs(config.datasets_dir).read_write(_call(lambda: client.project_id), name)
