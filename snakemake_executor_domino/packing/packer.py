"""The executor's packing: ready jobs into packs, each pack one Domino job, and each
member's own outcome when it ends (docs/packing.md).

A pack's Domino job runs member_runner.py on the pack's spec; both are pushed into the
project under PACK_DIR (kept in output commits by .dominoignore, like the output
manifests), and the runner leaves each member's log and exit status beside the spec.
Snakemake sees every member as its own job: its own submission, success or failure, log
and outputs; the executor keeps the Domino job until its last member is concluded.
"""

from __future__ import annotations

import itertools
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo

from snakemake_executor_domino.command import portable_command, with_cores
from snakemake_executor_domino.domino import Job
from snakemake_executor_domino.exceptions import DominoPluginError, StartsStopped
from snakemake_executor_domino.files.outputs import MANIFEST_DIR, manifest_path
from snakemake_executor_domino.finishing import Outcome
from snakemake_executor_domino.job_identity import (
    describe_job,
    local_inputs,
    pack_id_for,
    pack_title,
    run_marker,
)
from snakemake_executor_domino.packing import (
    grouping,
    member_outcome,
    member_runner,
    policy,
    rejoin,
)
from snakemake_executor_domino.packing.member_status import PackRecords
from snakemake_executor_domino.packing.pack_types import Candidate, Pack, PackView, threads_of
from snakemake_executor_domino.placement.resources import is_default
from snakemake_executor_domino.runs.journal import job_key

PROBE = 2  # auto, nothing known yet: how many jobs of a rule run alone to show it
PACK_DIR = f"{MANIFEST_DIR}/packs"
RUNNER = f"{PACK_DIR}/runner.py"


class Packer:
    def __init__(self, executor: Any, setting: policy.PackSetting):
        self.ex = executor
        self.setting = setting
        self.seen = policy.Observations()
        self.records = PackRecords(executor.transfer.indexes)
        self.packs: dict[str, Pack] = {}
        self.moved: dict[str, str] = {}  # a refused pack's Domino job -> its new one
        self._numbers = itertools.count(1)
        self._observed: set[str] = set()
        self._observed_runs: set[str] = set()
        self._running: dict[str, tuple[str, int]] = {}  # lone job -> (rule, started ms)
        self.held: list[Candidate] = []  # reported submitted, not started yet
        self.queued_now = 0  # this run's executions Domino shows Queued, last cycle
        self._lock = threading.Lock()

    # ------------------------------------------------------------ submit
    def submit(self, jobs: list[Any]) -> list[Any]:
        """Start the packs `jobs` make, hold some back (auto, unsure yet); the jobs to run
        alone now."""
        if self.setting.mode == policy.OFF:
            return list(jobs)
        alone, candidates = [], []
        for job in jobs:
            try:
                cap = None if job.is_group() else policy.rule_limit(job)
                placement = None if job.is_group() or cap == 0 else (
                    self.ex.checks.at_submission(job))
            except DominoPluginError:
                placement = None  # run_job reports it, as for any job
            if placement is None:
                alone.append(job)
                continue
            candidate = Candidate(job, placement, cap)
            try:
                if not self._rejoined(candidate):
                    candidates.append(candidate)
            except DominoPluginError:
                alone.append(job)  # run_job reports what is wrong with it
        for group in grouping.by_placement(candidates, lambda c: c.placement.key_part()):
            alone += [c.job for c in self._place(group.items, fresh=True)]
        return alone

    def release(self) -> None:
        """Each polling cycle: judge the held jobs again; start them as packs or alone,
        or keep holding them. Never raises (it runs in the polling loop)."""
        if self.ex.stopping:
            return  # cancelling: held jobs stay held, nothing starts
        with self._lock:
            held, self.held = self.held, []
        for group in grouping.by_placement(held, lambda c: c.placement.key_part()):
            try:
                for candidate in self._place(group.items, fresh=False):
                    self.ex.run_job(candidate.job, held=candidate.info)
            except Exception as exc:  # a bug must not leave held jobs waiting forever
                for candidate in group.items:
                    if candidate.info.external_jobid is None and not self.holds(candidate.info):
                        self.ex.report_job_error(candidate.info, msg=(
                            f"{describe_job(candidate.job)}: could not be started: {exc}"))

    def holds(self, info: SubmittedJobInfo) -> bool:
        with self._lock:
            return any(c.info is info for c in self.held)

    def _place(self, items: list[Candidate], fresh: bool) -> list[Candidate]:
        """Start the packs of one placement's jobs; hold those to be judged later; the
        rest to run alone."""
        size, decision, slots = self._size(items)
        if decision.sure and size > 1:
            # ready jobs come a few at a time as others end: they wait one status check to
            # be packed together, and while a new execution would only queue behind this
            # run's queued ones, they go on gathering
            if fresh or self.queued_now:
                return self._hold(items)
            alone = []
            for members in grouping.split(items, size):
                if len(members) == 1:
                    alone += members
                else:
                    self._start_or_fail(members, decision.why, slots)
            return alone
        if fresh and (decision.sure or len(items) <= PROBE):
            return items
        # auto, before Domino has shown how many executions it runs at once: a few run
        # alone, then twice as many each cycle while none of them queues (as TCP's slow
        # start finds a link's capacity); the rest wait, to be packed once one queues
        running = self._lone_running(items)
        allowance = max(PROBE, 2 * running) if decision.sure or not running else 0
        allowance = max(0, allowance - self._lone_waiting(items))
        self._hold(items[allowance:])
        return items[:allowance]
    def _hold(self, items: list[Candidate]) -> list[Candidate]:
        for candidate in items:
            with self._lock:
                self.held.append(candidate)
            if not candidate.reported:
                candidate.reported = True
                self.ex.report_job_submission(candidate.info)
        return []

    def _lone(self, items: list[Candidate]) -> list[str]:
        """This run's Domino jobs that run one job of these rules alone."""
        rules = {c.job.rule.name for c in items}
        return [
            job_id for job_id, info in list(self.ex.submitted.items())
            if "pack" not in (info.aux or {}) and not info.job.is_group()
            and info.job.rule.name in rules
        ]

    def _lone_running(self, items: list[Candidate]) -> int:
        return sum(1 for job_id in self._lone(items) if job_id in self._running)

    def _lone_waiting(self, items: list[Candidate]) -> int:
        return sum(1 for job_id in self._lone(items) if job_id not in self._running)

    def _size(self, items: list[Candidate]) -> tuple[int, policy.Decision, int]:
        tier = items[0].placement.tier
        threads = max(threads_of(c.job) for c in items)
        mems = [c.placement.ask.mem_mb for c in items if c.placement.ask.mem_mb]
        slots = grouping.slots(tier.cores if tier else None, tier.memory_gib if tier else None,
                               threads, max(mems) if mems else None)
        runtimes = [self._runtime(c.job) for c in items]
        known = [r for r in runtimes if r is not None]
        slowest = max(known) if len(known) == len(runtimes) else None
        refused = self.ex.throttle.limit is not None
        running_for = max((self._running_for(c.job.rule.name) for c in items), default=0.0)
        decision = policy.decide(self.setting, self.seen, slowest, slots, refused,
                                 running_for, len(items))
        cap = grouping.smallest_cap([c.cap for c in items])
        size = decision.size if cap is None else min(decision.size, cap)
        return size, decision, slots

    def _runtime(self, job: Any) -> float | None:
        minutes = policy.expected_minutes(job, is_default)
        return minutes * 60 if minutes is not None else self.seen.runtime(job.rule.name)

    def _running_for(self, rule: str) -> float:
        now = time.time() * 1000
        starts = [ms for r, ms in list(self._running.values()) if r == rule]
        return max(((now - ms) / 1000 for ms in starts), default=0.0)

    def _start_or_fail(self, members: list[Candidate], why: str, slots: int) -> None:
        try:
            self._start(members, why, slots)
        except StartsStopped:
            pass  # cancelling began meanwhile: the members were never started
        except DominoPluginError as exc:
            for c in members:
                self.ex.report_job_error(c.info, msg=f"{describe_job(c.job)}: {exc}")

    def _start(self, members: list[Candidate], why: str, slots: int) -> None:
        ex = self.ex
        placement = members[0].placement
        pack_id = pack_id_for(ex.run_id, next(self._numbers))
        pack_dir = f"{PACK_DIR}/{pack_id}"
        entries, inputs = [], []
        for i, c in enumerate(members, start=1):
            self._identify(c)
            name = f"m{i}"
            entries.append({"name": name, "key": c.key, "label": describe_job(c.job),
                            "command": c.command, "threads": threads_of(c.job),
                            "mem_mb": c.placement.ask.mem_mb,
                            "manifest": manifest_path(c.job)})
            inputs += c.files
            c.aux = self._aux(c, pack_id, name)
        spec = self._write_spec(pack_dir, placement, entries)
        pushed = ex.transfer.push([*dict.fromkeys(inputs), RUNNER, spec])
        rules = ", ".join(sorted({c.job.rule.name for c in members}))
        marker = f"{run_marker(ex.run_id)}{pack_id} try 1]"
        title = pack_title(len(members), rules, marker)
        what = f"pack {pack_id}"
        command = f"{ex.get_python_executable()} {RUNNER} {spec}"
        pack_key = job_key(command, placement.key_part(), {e["key"]: "" for e in entries})
        domino_job = ex._start(
            pack_key, title, what, command, commit_id=pushed.commit_id,
            tier_id=placement.override, environment_id=placement.environment_id,
            environment_revision=placement.environment_revision,
        )
        pack = Pack(pack_id, pack_dir, pack_key, len(members), {e["name"] for e in entries})
        with self._lock:
            self.packs[pack_id] = pack
        self._register(domino_job, members, (pack_key, title, what, command))
        ex.account.submitted(pack_id, PackView(f"pack of {len(members)} ({rules})",
                                               [c.job for c in members]),
                             placement.requested, placement.tier, placement.environment)
        ex.logger.info(
            f"Domino pack {pack_id}: {len(members)} jobs ({rules}) as Domino job "
            f"#{domino_job.number} on {placement.describe()}, {min(slots, len(members))} at "
            f"once; packed because {why}: {ex.client.job_url(domino_job.id)}"
        )

    def _identify(self, c: Candidate) -> None:
        """The member's own job command (its own threads as --cores) and journal key."""
        if c.key:
            return
        ex = self.ex
        c.command = with_cores(portable_command(ex.format_job_exec(c.job), ex.workdir),
                               threads_of(c.job))
        c.files = ex.transfer.local_files(local_inputs(c.job))
        c.key = job_key(c.command, c.placement.key_part(),
                        ex.transfer.identity(c.files, local_inputs(c.job)))

    def _aux(self, c: Candidate, pack_id: str, name: str) -> dict:
        unneeded = [str(f) for f in self.ex.workflow.dag.get_unneeded_temp_files(c.job)]
        return {"key": c.key, "unneeded": unneeded, "placement": c.placement,
                "pack": pack_id, "member": name}

    def _rejoined(self, c: Candidate) -> bool:
        """Whether the job rejoined a pack an interrupted earlier run started (rejoin.py),
        or is left to run alone because such a run started it alone (run_job reattaches)."""
        ex = self.ex
        if not ex.journal.enabled:
            return False
        self._identify(c)
        alone = with_cores(portable_command(ex.format_job_exec(c.job), ex.workdir),
                           c.placement.cores(threads_of(c.job)))
        if alone != c.command and ex.journal.lookup(
                job_key(alone, c.placement.key_part(),
                        ex.transfer.identity(c.files, local_inputs(c.job)))):
            return False
        found = rejoin.find(ex, self.records, c.key)
        if found is None:
            return False
        with self._lock:
            pack = self.packs.get(found.pack_id)
            if pack is None:
                pack = self.packs[found.pack_id] = Pack(found.pack_id, found.pack_dir, "",
                                                        found.size)
                ex.account.submitted(found.pack_id, PackView(f"pack of {found.size}", [c.job]),
                                     c.placement.requested, c.placement.tier,
                                     c.placement.environment)
            pack.left.add(found.member)
        c.aux = self._aux(c, found.pack_id, found.member)
        self._register(found.job, [c], None)
        ex.logger.info(
            f"{describe_job(c.job)}: rejoined pack {found.pack_id} (Domino job "
            f"#{found.job.number}, {found.job.status}) started by an earlier, interrupted run."
        )
        return True

    def _write_spec(self, pack_dir: str, placement: Any, entries: list[dict]) -> str:
        local = self.ex.workdir / pack_dir
        local.mkdir(parents=True, exist_ok=True)
        runner = self.ex.workdir / RUNNER
        source = Path(member_runner.__file__)
        if not runner.exists() or runner.read_bytes() != source.read_bytes():
            shutil.copyfile(source, runner)
        tier = placement.tier
        memory = int(tier.memory_gib * 1024) if tier and tier.memory_gib else None
        spec = {"cores": tier.cores if tier and tier.cores else 1, "mem_mb": memory,
                "members": entries}
        (local / "spec.json").write_text(json.dumps(spec, indent=1))
        return f"{pack_dir}/spec.json"

    def _register(self, domino_job: Job, members: list[Candidate],
                  start: tuple | None) -> None:
        ex = self.ex
        for c in members:
            c.info.external_jobid = domino_job.id
            c.info.aux = {**c.aux, "start": start} if start else dict(c.aux)
        ex.submitted[domino_job.id] = members[0].info
        ex.starting.pop(domino_job.title, None)
        ex.poller.track(domino_job)
        for c in members:
            ex.journal.submitted(c.aux["key"], domino_job.id)
            if not c.reported:
                c.reported = True
                ex.report_job_submission(c.info)

    # ------------------------------------------------------------ poll
    def observe(self, states: dict[str, Job]) -> None:
        """What this cycle shows of Domino: executions queued, start latencies."""
        queued = running = in_flight = 0
        for job in states.values():
            running += job.started_ms is not None and not job.finished
            in_flight += not job.finished
            if job.status == "Queued":
                queued += 1
                self.seen.queueing = True
            info = self.ex.submitted.get(job.id)
            if info is not None and "pack" not in (info.aux or {}) and not job.finished and (
                    job.started_ms is not None and not info.job.is_group()):
                self._running[job.id] = (info.job.rule.name, job.started_ms)
            if job.finished:
                self._running.pop(job.id, None)
            if job.started_ms is not None and job.id not in self._observed:
                self._observed.add(job.id)
                self.seen.started(job.submitted_ms, job.started_ms)
            if job.finished and job.id not in self._observed_runs:
                self._observed_runs.add(job.id)
                self._note_runtime(job)
        self.queued_now = queued
        self.seen.cycle(running, queued, in_flight)

    def _note_runtime(self, job: Job) -> None:
        info = self.ex.submitted.get(job.id)
        if info is None or "pack" in (info.aux or {}) or info.job.is_group():
            return  # a pack's members report their own times
        if job.succeeded and job.started_ms is not None and job.completed_ms is not None:
            self.seen.ran(info.job.rule.name, (job.completed_ms - job.started_ms) / 1000)

    def retarget(self, info: SubmittedJobInfo) -> bool:
        """A member of a refused pack already started again: follow it. False otherwise."""
        new = self.moved.get(info.external_jobid or "")
        if new is None:
            return False
        info.external_jobid = new
        return True

    # ------------------------------------------------------------ finish
    def finish(self, info: SubmittedJobInfo, job: Job) -> Outcome:
        """The member's own outcome (member_outcome.py)."""
        aux = info.aux or {}
        pack = self.packs[aux["pack"]]
        status = self.records.statuses(job, pack.dir).get(aux["member"])
        if status is not None and status.seconds is not None:
            self.seen.ran(info.job.rule.name, status.seconds)
        outcome = member_outcome.judge(self.ex, self.records, info, job, pack, status)
        if outcome.ok:
            pack.pulled.append(info.job)
        return outcome

    def concluded(self, info: SubmittedJobInfo, job: Job | None) -> bool:
        """A member is reported; True when it was its pack's last (the Domino job is done
        with), when the pack's record is written."""
        pack = self.packs.get((info.aux or {}).get("pack", ""))
        if pack is None:
            return True
        with self._lock:
            pack.left.discard((info.aux or {}).get("member", ""))
            if pack.left:
                return False
            self.packs.pop(pack.pack_id, None)
        self.ex.journal.settled(pack.key)
        if job is not None:
            self.ex.account.finished(job, pulled=bool(pack.pulled), key=pack.pack_id,
                                     members=pack.pulled)
            self.records.forget(job)
        return True
