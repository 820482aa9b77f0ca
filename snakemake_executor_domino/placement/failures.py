"""What a failed job's error message says about memory, and where its retry goes."""

from __future__ import annotations

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.domino import DominoClient, DominoError, HardwareTier, Job
from snakemake_executor_domino.placement.escalation import Escalations
from snakemake_executor_domino.placement.oom import out_of_memory
from snakemake_executor_domino.placement.planner import Placement
from snakemake_executor_domino.placement.sizing import Ask


def memory_note(
    client: DominoClient,
    escalations: Escalations,
    job: JobExecutorInterface,
    domino_job: Job,
    log_text: str,
    placement: Placement | None,
) -> str:
    """A sentence for the error of a failed attempt that ran out of memory (and the tier
    its retry gets), '' for any other failure. A stopped job did not run out of memory."""
    if domino_job.status == "Stopped":
        return ""
    try:
        problem = client.job_problem(domino_job.id)
    except DominoError:
        problem = None  # the log alone decides
    oom = out_of_memory(log_text, problem)
    ran_on = placement.tier if placement else None
    if oom and ran_on is None:
        ran_on = _tier_from_domino(client, escalations.tiers, domino_job)
    ask = placement.ask if placement else Ask()
    return escalations.ended(job, ran_on, ask, oom)


def _tier_from_domino(
    client: DominoClient, tiers: list[HardwareTier], domino_job: Job
) -> HardwareTier | None:
    """The tier Domino says the job ran on (the project's default, which we did not know)."""
    try:
        found = client.with_tier(domino_job)
    except DominoError:
        return None
    for tier in tiers:
        if tier.id == found.tier_id or (not found.tier_id and tier.name == found.tier_name):
            return tier
    return None
