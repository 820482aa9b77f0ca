"""After an interrupted run (SIGKILL, a crash): a ready job that was a member of a pack
rejoins that pack's Domino job instead of running again, while the pack runs, or once it
ended with this member succeeded. The journal names the pack's Domino job by the member's
key (journal.job_key of its own command); the pack's spec, in the job's input commit, names
the member."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from snakemake_executor_domino.domino import DominoError, Job
from snakemake_executor_domino.packing.member_status import PackRecords

# the spec a pack's command names: .../packs/<pack id>/spec.json
SPEC = re.compile(r"(?P<dir>\S*/packs/(?P<pack>[^/\s]+))/spec\.json")
ENDED_BEFORE = ("Stopped", "Error")  # no member of such a pack is to be trusted


@dataclass(frozen=True)
class Found:
    job: Job
    pack_id: str
    pack_dir: str
    member: str
    size: int


def find(ex: Any, records: PackRecords, key: str) -> Found | None:
    """The pack an earlier run put the job of this key in, if it can still serve. A job
    that ran on its own is left to the executor's own reattach (executor._reattach)."""
    job_id = ex.journal.lookup(key)
    if job_id is None:
        return None
    try:
        job = ex.client.get_job(job_id)
    except DominoError:
        return None  # gone or unreadable: the executor's reattach decides
    if SPEC.search(job.command or "") is None:
        return None  # not a pack
    try:
        found = _member(records, job, key)
        if found is not None and job.finished:
            status = records.statuses(job, found.pack_dir).get(found.member)
            found = found if status is not None and status.exit == 0 else None
    except DominoError:
        found = None  # the pack's records are unreadable: the job runs afresh
    if found is None:
        ex.journal.settled(key)
    return found


def _member(records: PackRecords, job: Job, key: str) -> Found | None:
    match = SPEC.search(job.command or "")
    if match is None or job.status in ENDED_BEFORE:
        return None
    text = records.text_at(job.input_commit_id, match.group(0))
    try:
        members = json.loads(text or "{}").get("members") or []
    except (ValueError, AttributeError):
        return None
    for entry in members:
        if isinstance(entry, dict) and entry.get("key") == key:
            return Found(job, match.group("pack"), match.group("dir"), str(entry["name"]),
                         len(members))
    return None
