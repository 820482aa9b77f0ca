"""Snakemake executor plugin for Domino Data Lab: what Snakemake loads.

Module-level imports stay light: Snakemake imports every executor plugin to build its
command line, so an error or a slow import here breaks or slows every `snakemake` command.
"""

from snakemake_interface_executor_plugins.executors.remote import RemoteExecutor
from snakemake_interface_executor_plugins.settings import CommonSettings

from snakemake_executor_domino.settings import ExecutorSettings


class Executor(RemoteExecutor):
    """What Snakemake registers. Snakemake imports every installed executor plugin in every
    `snakemake` process, the one inside each Domino job too, so the executor proper (the
    client, requests, placement, packing, accounting: about a third of a second of
    imports) loads only when a run uses it: building this class builds
    executor.Executor instead."""

    def __new__(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        from snakemake_executor_domino.executor import Executor as DominoExecutor

        return DominoExecutor(*args, **kwargs)

common_settings = CommonSettings(
    non_local_exec=True,
    implies_no_shared_fs=True,
    # The plugin pushes workflow sources and inputs into the Domino project itself.
    job_deploy_sources=False,
    can_transfer_local_files=True,
    pass_default_storage_provider_args=True,
    pass_default_resources_args=True,
    # Would write env var values (secrets) into the job command that Domino shows.
    pass_envvar_declarations_to_cmd=False,
    # Would prefix every job command with an unpinned `pip install`.
    auto_deploy_default_storage_provider=False,
    init_seconds_before_status_checks=1,
    pass_group_args=True,
)

__all__ = ["Executor", "ExecutorSettings", "common_settings"]
