"""The executor's checks of its jobs, before the first one starts and at each submission.

Before the first job only what is known without calling a rule's function is judged (see
resources.py): a tier the project lacks, a rule no tier can hold, a file that cannot be
moved. The rest is judged when each job is submitted, where Snakemake has evaluated it,
with the same messages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from snakemake_interface_common.exceptions import WorkflowError
from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.exceptions import ConfigurationError, TransferError
from snakemake_executor_domino.files.transfer import Transfer
from snakemake_executor_domino.job_identity import local_inputs, output_paths
from snakemake_executor_domino.placement.environment import EnvironmentChoice, EnvironmentResolver
from snakemake_executor_domino.placement.planner import Placement, TierPlanner, oversized
from snakemake_executor_domino.placement.resources import (
    UNKNOWN,
    choice,
    is_default,
    known_ask,
    known_choice,
    known_tier,
    members,
)
from snakemake_executor_domino.placement.sizing import misfits, smallest_fit


def fit_warning(problems: list[str]) -> str:
    return (
        "Domino executor: a rule asks for more than its hardware tier offers; its jobs "
        "run anyway, with the tier's cores and memory:\n    "
        + "\n    ".join(problems)
        + "\nGive such a rule a bigger tier (resources: tier=...), or ask for less (or "
        "name no tier: a rule's resources choose the smallest tier that holds them)."
    )


class JobChecks:
    """The executor's checks of its jobs: before the first one starts, and per job."""

    def __init__(self, planner: TierPlanner, environments: EnvironmentResolver, logger: Any):
        self.planner = planner
        self.environments = environments
        self.logger = logger
        self._warned: set[str] = set()

    def before_any_job(self, jobs: Iterable[JobExecutorInterface], transfer: Transfer) -> None:
        """Fail if a rule names a tier the project lacks, if no tier can hold a rule, or if
        a job's file cannot be moved; warn if a rule asks for more than the tier it names
        has: as far as is known yet."""
        jobs = [job for job in jobs if not job.is_local]
        self._check_tiers(jobs)
        self._check_environments(jobs)
        self._check_files(jobs, transfer)

    def at_submission(self, job: JobExecutorInterface) -> Placement:
        """Where the job runs, once Snakemake has evaluated its resources; warns once per
        rule if they exceed a tier it names. ConfigurationError: the project lacks the tier
        it names, or no tier holds it."""
        placement, problems = self.planner.plan(job)
        self._warn(problems)
        return dataclasses.replace(placement, environment=self._environment(job))

    def _environment(self, job: JobExecutorInterface) -> EnvironmentChoice | None:
        named = {value for value, _ in (choice(m, "environment") for m in members(job))}
        named.discard(None)
        if len(named) > 1:
            raise ConfigurationError(
                f"group {job.name} mixes compute environments {sorted(named)}; one group "
                "runs as one Domino job, so give its rules the same environment."
            )
        return self.environments.resolve(named.pop() if named else None)

    def _check_environments(self, jobs: list[JobExecutorInterface]) -> None:
        unknown = []
        for job in jobs:
            wanted = known_choice(job, "environment")
            if wanted is UNKNOWN or wanted is None:
                continue  # a function of the job's inputs: checked at submission
            try:
                self.environments.resolve(wanted)
            except ConfigurationError as exc:
                unknown.append(f"rule {job.rule.name}: {exc}")
        if unknown:
            raise WorkflowError(
                "Unknown Domino compute environment; no job was started.\n"
                + "\n".join(sorted(set(unknown)))
            )

    def _check_tiers(self, jobs: list[JobExecutorInterface]) -> None:
        unknown, too_big, misfit = [], [], []
        for job in jobs:
            wanted = known_tier(job)
            if wanted is UNKNOWN:
                continue  # a function of the job's inputs: checked at submission
            try:
                tier = self.planner.resolver.resolve(wanted) if wanted else None
            except ConfigurationError as exc:
                unknown.append(f"rule {job.rule.name}: {exc}")
                continue
            ask = known_ask(job)
            if ask is UNKNOWN:
                continue
            if wanted is not None and not is_default(job, "tier"):
                misfit += misfits(job.rule.name, ask, tier) if tier else []
            elif self.planner.judged(ask) and not smallest_fit(
                self.planner.tiers, self.planner.judged(ask)
            ):
                too_big.append(oversized(f"rule {job.rule.name}", ask, self.planner.tiers))
        if unknown:
            raise WorkflowError(
                "Unknown Domino hardware tier; no job was started.\n"
                + "\n".join(sorted(set(unknown)))
            )
        if too_big:
            raise WorkflowError(
                "No Domino hardware tier holds a rule; no job was started.\n"
                + "\n".join(sorted(set(too_big)))
            )
        self._warn(misfit)

    def _check_files(self, jobs: list[JobExecutorInterface], transfer: Transfer) -> None:
        """A file outside the working directory could be neither pushed nor pulled back;
        an input over the size limit could not be pushed."""
        problems = []
        shared = transfer.shared
        for job in jobs:
            outputs, logs = output_paths(job)
            for path in [*local_inputs(job), *outputs, *logs]:
                try:
                    transfer.check_path(path)
                except TransferError as exc:
                    problems.append(f"rule {job.rule.name}: {exc}")
            problems += [f"rule {job.rule.name}: {problem}" for problem in
                         shared.problems(map(str, job.input), [*outputs, *logs])]
        if problems:
            raise WorkflowError(
                "A job's files cannot be moved to or from Domino; no job was started.\n"
                + "\n".join(sorted(set(problems)))
            )

    def _warn(self, problems: list[str]) -> None:
        new = [p for p in dict.fromkeys(problems) if p not in self._warned]
        if new:
            self._warned.update(new)
            self.logger.warning(fit_warning(new))
