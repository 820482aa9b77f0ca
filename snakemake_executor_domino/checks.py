"""What a job asks for (tier, threads, memory), read without evaluating anything early.

Snakemake calls a rule's resource functions only once the job's inputs exist, just before
it runs (`snakemake -n` shows them as <TBD>): a function that reads an upstream output
cannot be called sooner. So before the first job the executor checks only what is already
known -- constants in the Snakefile and literal values from the command line or a profile
(`--set-resources`, `default-resources: tier="Small"`) -- and checks the rest when each job
is submitted, where Snakemake has evaluated them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any, Final

from snakemake_interface_common.exceptions import WorkflowError
from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.connection import ConfigurationError
from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.jobs import local_inputs, output_paths
from snakemake_executor_domino.tiers import TierResolver, requested_tier
from snakemake_executor_domino.transfer import Transfer, TransferError

# Snakemake's mem_mb is in megabytes (10**6 bytes); Domino states a tier's memory in GiB.
MB_PER_GIB = 2**30 / 10**6


class _Unknown:
    """A resource function Snakemake has not evaluated yet."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


def known_resource(job: JobExecutorInterface, name: str) -> Any:
    """The value of one job's resource `name` ("_cores" for threads), as far as it is known
    without calling a function: None if the rule does not set it, UNKNOWN if it is a
    function (or a command-line expression) that Snakemake has not evaluated yet."""
    resources = job.rule.resources  # Snakemake's unevaluated Resources of the rule
    if name not in resources:
        return None
    resource = resources[name]
    if resource.is_evaluable():
        value = _literal(resource.raw)
        if value is UNKNOWN or (name.endswith("_mb") and not isinstance(value, int)):
            return UNKNOWN  # e.g. mem_mb="4 GB": Snakemake's own parsing decides
    else:
        value = resource.value
    if isinstance(value, int):
        for limit in _limits(job, name):
            value = min(value, limit)
    return value


def known_tier(job: JobExecutorInterface) -> str | None | _Unknown:
    """The tier one (non-group) job asks for: a name or id, None for none, or UNKNOWN."""
    value = known_resource(job, "tier")
    if value is UNKNOWN:
        return UNKNOWN
    return str(value) if value not in (None, "") else None


def _literal(raw: object) -> Any:
    """The value of a command-line resource expression that is a plain literal
    (`"Small"`, `4`), without evaluating anything; UNKNOWN for any other expression."""
    if not isinstance(raw, str) or "$" in raw or raw.strip().startswith("~"):
        return UNKNOWN  # Snakemake expands variables and ~ first
    try:
        value = ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return UNKNOWN
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return UNKNOWN
    return round(value) if isinstance(value, float) else value


def _limits(job: JobExecutorInterface, name: str) -> list[int]:
    """The caps Snakemake puts on the value when it evaluates it: --resources for any
    resource, and --max-threads and --cores for threads."""
    workflow = job.rule.workflow
    caps = [workflow.global_resources.get(name)]
    if name == "_cores":
        caps.append(workflow.resource_settings.max_threads)
    limits = []
    for cap in caps:
        if hasattr(cap, "is_evaluable"):  # a Snakemake Resource
            cap = None if cap.is_evaluable() else cap.value
        if isinstance(cap, int) and not isinstance(cap, bool):
            limits.append(cap)
    return limits


def fit_problems(rule: str, threads: Any, mem_mb: Any, tier: Any) -> list[str]:
    """Why a job of `rule` would not fit its tier (more threads than cores, more memory
    than the tier has); unknown values are not judged here."""
    problems = []
    cores = getattr(tier, "cores", None)
    if isinstance(threads, int) and cores and threads > cores:
        problems.append(
            f"rule {rule}: threads={threads}, but tier {tier.name} has {cores:g} core(s)"
        )
    memory = getattr(tier, "memory_gib", None)
    if isinstance(mem_mb, (int, float)) and memory and mem_mb > memory * MB_PER_GIB:
        problems.append(
            f"rule {rule}: mem_mb={mem_mb:g}, but tier {tier.name} has {memory:g} GiB "
            f"({memory * MB_PER_GIB:.0f} MB)"
        )
    return problems


def fit_warning(problems: list[str]) -> str:
    return (
        "Domino executor: a rule asks for more than its hardware tier offers; its jobs "
        "run anyway, with the tier's cores and memory:\n    "
        + "\n    ".join(problems)
        + "\nGive such a rule a bigger tier (resources: tier=...), or ask for less."
    )


class JobChecks:
    """The executor's checks of its jobs: before the first one starts, and per job."""

    def __init__(self, tiers: TierResolver, logger: Any):
        self.tiers = tiers
        self.logger = logger
        self._warned: set[str] = set()

    def before_any_job(self, jobs: Iterable[JobExecutorInterface], transfer: Transfer) -> None:
        """Fail if a rule names a tier the project lacks or a job's file cannot be moved,
        and warn if a rule asks for more than its tier has: as far as is known yet."""
        jobs = [job for job in jobs if not job.is_local]
        self._check_tiers(jobs)
        self._check_files(jobs, transfer)

    def at_submission(
        self, job: JobExecutorInterface
    ) -> tuple[str | None, HardwareTier | None]:
        """The tier the job asks for and the one it runs on (None: the project's default,
        not known); ConfigurationError if the project lacks it. Once Snakemake has
        evaluated the resources; warns once per rule if they exceed the tier."""
        requested = requested_tier(job)
        tier = self.tiers.resolve(requested)
        misfits = []
        for member in list(job.jobs) if job.is_group() else [job]:
            resources = member.resources
            misfits += fit_problems(
                member.rule.name, resources.get("_cores"), resources.get("mem_mb"), tier
            )
        self._warn(misfits)
        return requested, tier

    def _check_tiers(self, jobs: list[JobExecutorInterface]) -> None:
        problems, misfits = [], []
        for job in jobs:
            wanted = known_tier(job)
            if wanted is UNKNOWN:
                continue  # a function of the job's inputs: checked at submission
            try:
                tier = self.tiers.resolve(wanted)
            except ConfigurationError as exc:
                problems.append(f"rule {job.rule.name}: {exc}")
                continue
            threads, mem_mb = known_resource(job, "_cores"), known_resource(job, "mem_mb")
            misfits += fit_problems(job.rule.name, threads, mem_mb, tier)
        if problems:
            raise WorkflowError(
                "Unknown Domino hardware tier; no job was started.\n"
                + "\n".join(sorted(set(problems)))
            )
        self._warn(misfits)

    def _check_files(self, jobs: list[JobExecutorInterface], transfer: Transfer) -> None:
        """A file outside the working directory could be neither pushed nor pulled back;
        an input over the size limit could not be pushed."""
        problems = []
        for job in jobs:
            outputs, logs = output_paths(job)
            for path in [*local_inputs(job), *outputs, *logs]:
                try:
                    transfer.check_path(path)
                except TransferError as exc:
                    problems.append(f"rule {job.rule.name}: {exc}")
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
