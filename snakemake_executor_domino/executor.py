"""The Snakemake executor: a thin conductor over client.py and transfer.py."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo
from snakemake_interface_executor_plugins.executors.remote import RemoteExecutor
from snakemake_interface_executor_plugins.jobs import JobExecutorInterface


class Executor(RemoteExecutor):
    def __post_init__(self) -> None:
        raise NotImplementedError("the Domino executor is under construction")

    def run_job(self, job: JobExecutorInterface) -> None:
        raise NotImplementedError

    async def check_active_jobs(
        self, active_jobs: list[SubmittedJobInfo]
    ) -> AsyncGenerator[SubmittedJobInfo, None]:
        for job in active_jobs:
            yield job

    def cancel_jobs(self, active_jobs: list[SubmittedJobInfo]) -> None:
        pass
