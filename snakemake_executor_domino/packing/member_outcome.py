"""A pack member's own outcome once its pack's Domino job has ended: its outputs pulled
back when it succeeded (whatever the others did), else its own log and error message."""

from __future__ import annotations

import dataclasses
from typing import Any

from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo

from snakemake_executor_domino.domino import DominoError, Job
from snakemake_executor_domino.exceptions import DominoPluginError
from snakemake_executor_domino.files.outputs import plan_outputs
from snakemake_executor_domino.finishing import Outcome
from snakemake_executor_domino.job_identity import describe_job, save_job_log, tail
from snakemake_executor_domino.packing.member_status import MemberStatus, PackRecords
from snakemake_executor_domino.packing.pack_types import Pack
from snakemake_executor_domino.placement.oom import out_of_memory
from snakemake_executor_domino.placement.sizing import Ask

OOM_EXIT = 137  # 128 + SIGKILL: what a member the kernel's OOM killer ended reports


def judge(ex: Any, records: PackRecords, info: SubmittedJobInfo, job: Job, pack: Pack,
          status: MemberStatus | None) -> Outcome:
    """`status`: what the member's runner recorded (None: the pack ended before it)."""
    if status is not None and status.exit == 0 and job.output_commit_id:
        # its outputs are in the pack's output commit, whatever the other members did
        return ex.finisher.finish(
            info.job, dataclasses.replace(job, status="Succeeded"), info.aux or {})
    return _failed(ex, records, info, job, pack, status)


def _failed(ex: Any, records: PackRecords, info: SubmittedJobInfo, job: Job, pack: Pack,
            status: MemberStatus | None) -> Outcome:
    sm_job, aux = info.job, info.aux or {}
    what = describe_job(sm_job)
    text = records.text(job, f"{pack.dir}/{aux['member']}.log") if status else None
    if status is None or text is None:
        how = f"its pack ended {job.status} before it did"
        text = _pack_log(ex, job)
    else:
        how = f"it ended with exit status {status.exit}"
    log_file = save_job_log(ex.workdir, sm_job, job, text)
    placement = aux.get("placement")
    oom = (status is not None and status.exit == OOM_EXIT) or out_of_memory(text)
    memory = ex.escalations.ended(sm_job, placement.tier if placement else None,
                                  placement.ask if placement else Ask(), oom)
    plan = plan_outputs(sm_job, aux.get("unneeded", ()))
    if job.output_commit_id is not None and plan.logs:
        try:
            ex.transfer.pull(job.output_commit_id, [], optional=plan.logs)  # why it failed
        except DominoPluginError as exc:
            ex.logger.warning(f"{what}: its log files could not be pulled back: {exc}")
    return Outcome(
        False,
        f"{what}: in Domino job #{job.number} (pack {pack.pack_id} of {pack.size} jobs), "
        f"{how}. {memory + ' ' if memory else ''}{ex.client.job_url(job.id)}\n"
        f"Last lines of its log (all of it in {log_file}):\n{tail(text)}",
        aux_logs=[str(log_file)],
    )


def _pack_log(ex: Any, job: Job) -> str:
    try:
        return ex.client.job_log(job.id)
    except DominoError as exc:
        return f"(the pack's log could not be fetched: {exc})"
