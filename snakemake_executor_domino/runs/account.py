"""RunAccount: the executor's bookkeeping of one run. Told of each submission and each
finished Domino job, it writes the run's records (job lines, and for a succeeded job one
provenance line per file pulled back) and at the end logs the run summary.

Nothing here may fail a run: a record that cannot be written is a warning, never an error.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snakemake_executor_domino.domino import DominoClient, HardwareTier, Job
from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.report.efficiency import DEFAULT_THRESHOLD, assess
from snakemake_executor_domino.report.records import JobRecord, OutputRecord, RunLog, TierPrice
from snakemake_executor_domino.report.spans import from_record
from snakemake_executor_domino.report.summary import summarise
from snakemake_executor_domino.report.summary_text import format_summary
from snakemake_executor_domino.runs import job_facts as details
from snakemake_executor_domino.runs.provenance import output_records


def check_threshold(percent: float) -> float:
    """--domino-efficiency-threshold, or a clear error for a nonsense value."""
    if not 0 <= percent <= 100:
        raise ConfigurationError(
            f"--domino-efficiency-threshold {percent:g} is not a percentage from 0 to 100; "
            "e.g. 25 flags rules using under a quarter of their tier's memory or cores."
        )
    return percent


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Asked:
    """What the executor asked Domino for, for one submitted Snakemake job."""

    snakemake_jobid: int | None
    rule: str
    wildcards: dict[str, str]
    members: tuple[tuple[str, dict[str, str], tuple[str, ...]], ...]  # rule, wildcards, files
    tier_requested: str | None
    tier: HardwareTier | None
    threads: int | None
    mem_mb: float | None
    environment_id: str | None = None  # what the start named (None: the project's default)
    environment_name: str | None = None
    # the revision id the start pinned ({"revisionId": ...}): the one the job ran with
    environment_revision_id: str | None = None
    attempt: int | None = None
    reason: str | None = None  # why this tier (placement.Placement.reason)
    # a group job's members as the records keep them (None: a single job)
    member_jobs: tuple[dict[str, Any], ...] | None = None
    pack_size: int | None = None  # a pack's members (packing/); None: not a pack


def asked(job: Any, tier_requested: str | None, tier: HardwareTier | None,
          environment: Any = None, reason: str | None = None) -> Asked:
    """The facts of a Snakemake job (or group job) worth keeping, read once at submission."""
    members = list(job.jobs) if job.is_group() else [job]
    files = tuple(
        (m.rule.name, _wildcards(m), tuple(str(f) for f in [*m.output, *m.log]))
        for m in members
    )
    single = None if job.is_group() else job
    # a pack (packing/packer.py) is labelled as what it is, not as a group
    label = getattr(job, "label", None) or (
        f"group {job.name}" if job.is_group() else job.rule.name)
    return Asked(
        snakemake_jobid=getattr(job, "jobid", None),
        rule=label,
        wildcards=_wildcards(single) if single is not None else {},
        members=files,
        tier_requested=tier_requested,
        tier=tier,
        threads=_number(single.resources.get("_cores")) if single is not None else None,
        mem_mb=_number(single.resources.get("mem_mb")) if single is not None else None,
        environment_id=getattr(environment, "id", None),
        environment_name=getattr(environment, "name", None),
        environment_revision_id=_pinned_revision(environment),
        attempt=_number(getattr(job, "attempt", None)),
        reason=reason,
        member_jobs=None if single is not None else tuple(
            {"rule": m.rule.name, "wildcards": _wildcards(m),
             "snakemake_jobid": getattr(m, "jobid", None)}
            for m in members
        ),
        pack_size=getattr(job, "pack_size", None),
    )


def _pinned_revision(environment: Any) -> str | None:
    spec = getattr(environment, "revision_spec", None)
    return spec.get("revisionId") if isinstance(spec, dict) else None


@dataclasses.dataclass
class _Members:
    """Some members of a pack, read as asked() reads a group job."""

    jobs: list[Any]
    label: str = "members"

    def is_group(self) -> bool:
        return True


def _wildcards(job: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (getattr(job, "wildcards_dict", None) or {}).items()}


def _number(value: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


class RunAccount:
    def __init__(
        self,
        workdir: Path,
        run_id: str,
        client: DominoClient,
        tiers: list[HardwareTier],
        *,
        environment_id: str | None,
        sha1: Callable[[Path], str],
        warn: Callable[[str], None],
        efficiency_threshold: float = DEFAULT_THRESHOLD,
    ):
        self.workdir = workdir
        self.run_id = run_id
        self.client = client
        self.tiers = tiers
        self.environment_id = environment_id
        self.sha1 = sha1
        self.warn = warn
        self.efficiency_threshold = efficiency_threshold
        self.log = RunLog(workdir, run_id)
        self._quick = details.quick(client)
        self.records: list[JobRecord] = []
        self._asked: dict[str, Asked] = {}
        self._started = False
        self._broken = False

    def submitted(
        self, domino_job_id: str, job: Any, tier_requested: str | None,
        tier: HardwareTier | None, environment: Any = None, reason: str | None = None,
    ) -> None:
        """A Domino job started (or reattached to) for a Snakemake job; `environment` is
        the compute environment its start named (environments.EnvironmentChoice), `reason`
        why it got its tier."""
        def note() -> None:
            self._asked[domino_job_id] = asked(job, tier_requested, tier, environment, reason)
            if not self._started:
                self._started = True
                self.log.write(self._header())

        self._guard(note)

    def finished(self, job: Job, *, pulled: bool, key: str | None = None,
                 members: list[Any] | None = None) -> None:
        """Record a finished Domino job once; with `pulled`, its files were just pulled
        back and each gets its provenance line. A pack is submitted and finished under
        its own `key`, with the `members` whose files were pulled back."""
        def note() -> None:
            facts = self._asked.pop(key or job.id, None)
            if facts is None:
                return
            if members is not None:
                facts = dataclasses.replace(facts, members=asked(
                    _Members(members), None, None).members)
            pinned = (facts.environment_name, facts.environment_revision_id)
            found = details.fetch(self._quick, job, pinned if all(pinned) else None)
            record = self._job_record(job, facts, found)
            self.records.append(record)
            outputs: list[OutputRecord] = []
            try:
                if pulled:
                    outputs = self._outputs(record, facts)
            finally:  # the job's own line is kept even if reading its files failed
                self.log.job(record, outputs)

        self._guard(note)

    def close(self) -> str | None:
        """End the run's file; the summary text, if any Domino job finished in this run."""
        if self._started:
            self._guard(lambda: self.log.write({"type": "end", "finished_ms": _now_ms()}))
        text: list[str] = []
        if self.records:
            self._guard(lambda: text.append(self._summary_text()))
        return text[0] if text else None

    def _summary_text(self) -> str:
        summary = summarise(self.run_id, map(from_record, self.records),
                            [t.name for t in self.tiers])
        threshold = self.efficiency_threshold
        return format_summary(summary, assess(summary, self._prices(), threshold), threshold)

    def _prices(self) -> list[TierPrice]:
        return [TierPrice(t.id, t.name, t.cents_per_minute, t.cores, t.memory_gib, t.gpus)
                for t in self.tiers]

    def _outputs(self, record: JobRecord, facts: Asked) -> list[OutputRecord]:
        files = [(path, rule, wc) for rule, wc, paths in facts.members for path in paths]
        return list(output_records(self.workdir, files, record, self.sha1, _now_ms()))

    def _header(self) -> dict[str, Any]:
        return {
            "type": "run",
            "run_id": self.run_id,
            "started_ms": _now_ms(),
            "host": self.client.host,
            "project": f"{self.client.owner}/{self.client.project_name}",
            "tiers": [t.__dict__ for t in self._prices()],
            "efficiency_threshold": self.efficiency_threshold,
        }

    def _ran_on(self, found: details.Details, facts: Asked) -> HardwareTier | None:
        """The tier the job ran on: the one Domino names where it does, else the one asked
        for (None: the project's default, unknown)."""
        for tier in self.tiers:
            if found.tier_id == tier.id or (found.tier_id is None
                                            and found.tier_name == tier.name):
                return tier
        return facts.tier

    def _job_record(self, job: Job, facts: Asked, found: details.Details) -> JobRecord:
        tier = self._ran_on(found, facts)
        measured = any(v is not None for v in (
            found.cpu_seconds, found.peak_memory_bytes, found.cpu_peak_percent))
        return JobRecord(
            run_id=self.run_id,
            snakemake_jobid=facts.snakemake_jobid,
            rule=facts.rule,
            wildcards=facts.wildcards,
            title=job.title,
            job_id=job.id,
            number=job.number,
            url=self.client.job_url(job.id),
            status=job.status,
            tier_requested=facts.tier_requested,
            tier_id=found.tier_id or (tier.id if tier else None),
            tier_name=found.tier_name or (tier.name if tier else None),
            cents_per_minute=tier.cents_per_minute if tier else None,
            tier_cores=tier.cores if tier else None,
            tier_memory_gib=tier.memory_gib if tier else None,
            environment_id=facts.environment_id or self.environment_id,
            environment_name=found.environment_name or facts.environment_name,
            environment_revision_id=(
                found.environment_revision_id or facts.environment_revision_id),
            input_commit=job.input_commit_id,
            output_commit=job.output_commit_id,
            submitted_ms=job.submitted_ms,
            started_ms=job.started_ms,
            finished_ms=job.completed_ms,
            threads=facts.threads,
            mem_mb=facts.mem_mb,
            cpu_seconds=found.cpu_seconds,
            peak_memory_bytes=found.peak_memory_bytes,
            cpu_peak_percent=found.cpu_peak_percent,
            usage_source="domino" if measured else None,
            pack_size=facts.pack_size,
            recorded_ms=_now_ms(),
            attempt=facts.attempt,
            tier_reason=facts.reason,
            members=list(facts.member_jobs) if facts.member_jobs is not None else None,
        )

    def _guard(self, action: Callable[[], None]) -> None:
        # Called from run_job and the polling loop, where an exception would fail a job
        # that ran fine (or orphan one that is running): the records are not worth that.
        try:
            action()
        except Exception as exc:
            if not self._broken:  # once: a full disk would otherwise warn per job
                self._broken = True
                self.warn(f"Domino executor: could not keep the run's records: {exc}")
