"""Snakemake's own executor-plugin test base, run in-process against the local Domino."""

from __future__ import annotations

import pytest
import snakemake.common.tests

from snakemake_executor_domino.settings import ExecutorSettings

pytestmark = pytest.mark.slow


class TestWorkflows(snakemake.common.tests.TestWorkflowsLocalStorageBase):
    __test__ = True

    @pytest.fixture(autouse=True)
    def _domino(self, domino):
        self.settings = ExecutorSettings(
            url=domino.url,
            project=domino.new_project("snakemake-base"),
            api_key=domino.api_key,
            poll_interval=0.5,
        )

    def get_executor(self) -> str:
        return "domino"

    def get_executor_settings(self) -> ExecutorSettings:
        return self.settings

    def get_assume_shared_fs(self) -> bool:
        return False  # a Domino job sees the project's files, never this machine's
