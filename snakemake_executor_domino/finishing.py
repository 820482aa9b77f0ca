"""What a finished Domino job means for its Snakemake job: outputs pulled back, or why not.

The executor reports; this module decides. A succeeded job's declared outputs and logs are
pulled from its output commit (with the links, empty directories and modes its manifest
records); a failed one's log is saved and its rule logs pulled, with a note when it ran out
of memory. A transient failure while pulling is retried in later polling cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.domino import DominoClient, DominoError, Job, is_transient
from snakemake_executor_domino.domino.retry import BUDGETS
from snakemake_executor_domino.exceptions import DominoPluginError
from snakemake_executor_domino.files.outputs import (
    OutputPlan,
    legacy_manifest_path,
    members,
    plan_outputs,
)
from snakemake_executor_domino.files.transfer import OutsideLinkError, Transfer
from snakemake_executor_domino.job_identity import describe_job, save_job_log, tail
from snakemake_executor_domino.placement.escalation import Escalations
from snakemake_executor_domino.placement.failures import memory_note


@dataclass
class Outcome:
    """One finished job's verdict. `settle`: whether its journal entry may go now (False
    keeps it, so a rerun reattaches to the Domino job instead of running it again)."""

    ok: bool
    message: str = ""
    aux_logs: list[str] = field(default_factory=list)
    settle: bool = True


@dataclass
class Finisher:
    client: DominoClient
    transfer: Transfer
    workdir: Path
    escalations: Escalations
    protect: Callable[[Any], None]  # the DAG's handle_protected
    warn: Callable[[str], None]
    _pull_failures: dict[str, int] = field(default_factory=dict)

    def finish(self, sm_job: JobExecutorInterface, job: Job, aux: dict) -> Outcome:
        plan = plan_outputs(sm_job, aux.get("unneeded", ()))
        if job.succeeded:
            return self._succeeded(sm_job, job, plan)
        return self._failed(sm_job, job, plan, aux.get("placement"))

    def _succeeded(self, sm_job: JobExecutorInterface, job: Job, plan: OutputPlan) -> Outcome:
        what = describe_job(sm_job)
        url = self.client.job_url(job.id)
        commit = job.output_commit_id
        if commit is None:
            return Outcome(False, f"{what}: Domino job {url} has no output commit.")
        try:
            missing = self._pull_outputs(commit, plan)
        except OutsideLinkError as exc:
            # settled: the fixed rule must run again, not reattach to this job
            return Outcome(False, f"{what}: Domino job {url} succeeded, but {exc}")
        if missing:
            return Outcome(
                False,
                f"{what}: Domino job {url} succeeded, but its output commit holds no "
                f"{', '.join(missing)}. Check that the rule writes these paths and "
                "that the project's .dominoignore does not exclude them.",
            )
        # Write-protect protected() outputs, as Snakemake does itself only when it shares
        # a file system with its jobs (the pulled files are new, writable copies).
        for member in members(sm_job):
            self.protect(member)
        # Settled a polling cycle later (or at shutdown): until Snakemake has recorded the
        # outputs as complete, a crash makes the rerun redo this job, which should then
        # reattach and pull them again, not run the job again.
        return Outcome(True, settle=False)

    def _pull_outputs(self, commit: str, plan: OutputPlan) -> list[str]:
        """Bring back what a succeeded job left of its declared files; the missing ones."""
        manifest = self.transfer.read_manifest(commit, plan.manifest) or (
            self.transfer.read_manifest(commit, legacy_manifest_path(plan.manifest)))
        _, missing = self.transfer.pull(
            commit, plan.required, optional=plan.optional, manifest=manifest
        )
        self.transfer.pull(commit, [], optional=plan.logs, manifest=manifest)
        return missing

    def _failed(
        self, sm_job: JobExecutorInterface, job: Job, plan: OutputPlan, placement: Any
    ) -> Outcome:
        what = describe_job(sm_job)
        log_text = self._fetch_log(job)
        log_file = save_job_log(self.workdir, sm_job, job, log_text)
        memory = memory_note(self.client, self.escalations, sm_job, job, log_text, placement)
        if job.output_commit_id is not None:
            try:
                self.transfer.pull(job.output_commit_id, plan.logs)  # why it failed
            except DominoPluginError as exc:  # the client's or the transfer's
                self.warn(f"{what}: its log files could not be pulled back: {exc}")
        return Outcome(
            False,
            f"{what}: Domino job #{job.number} ended {job.status}. "
            f"{memory + ' ' if memory else ''}{self.client.job_url(job.id)}\n"
            f"Last lines of its log (all of it in {log_file}):\n{tail(log_text)}",
            aux_logs=[str(log_file)],
        )

    def _fetch_log(self, job: Job) -> str:
        try:
            return self.client.job_log(job.id)
        except DominoError as exc:
            return f"(the job's log could not be fetched: {exc})"

    def after_error(
        self, sm_job: JobExecutorInterface, job_id: str, exc: Exception
    ) -> Outcome | None:
        """Handling a finished job raised: None to try again next cycle, else the failure.
        Left in the journal: a rerun reattaches to the finished Domino job and pulls its
        outputs again instead of running it again."""
        failures = self._pull_failures.get(job_id, 0) + 1
        self._pull_failures[job_id] = failures
        cycles = BUDGETS["pull"].tries or 1  # the one retry policy (domino/retry.py)
        what = describe_job(sm_job)
        if isinstance(exc, DominoError) and is_transient(exc) and failures < cycles:
            self.warn(f"{what}: {exc}; retrying.")
            return None
        return Outcome(
            False,
            f"{what}: Domino job {self.client.job_url(job_id)} finished, but its outputs "
            f"could not be pulled back: {exc}\nRun Snakemake again to retry: it reattaches "
            "to this Domino job instead of running it again.",
            settle=False,
        )

    def forget(self, job_id: str) -> None:
        self._pull_failures.pop(job_id, None)
